"""The look-ups that keep extraction linear give what the plain searches they replace give.

Each extractor asks many questions of one sentence (one per figure, event word or name). The plain way reads
the sentence again from its start for each; the fast way reads it once and answers by bisection, or reads
only as far back as an answer can reach. Some rest on what the patterns may match (the shortest match of a
pattern starts where its first match does, say), so these tests build the plain search from the same
patterns and compare on texts made of the words those patterns look for: a change of pattern that breaks
the reasoning fails here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from caravan.extract import dates, figures, incidents, numbers, places, quotes, speakers
from caravan.extract.caseless import caseless
from caravan.extract.text import SUFFIX_WINDOW, Span, _suffix_search

SETTINGS = settings(max_examples=200, deadline=None)


def texts(vocabulary: list[str], most: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=1, max_size=most).map(" ".join)


# --- the tokenizer's suffixes ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _suffixes() -> re.Pattern:
    """spaCy's own suffix pattern for English, as a blank pipeline has it."""
    import spacy

    return spacy.blank("en").tokenizer.suffix_search.__self__


def test_the_suffix_window_holds_every_suffix_but_runs_of_periods():
    from re import _constants, _parser  # the pattern's own structure: no other way to measure its branches

    pattern = _suffixes()
    branches = _parser.parse(pattern.pattern).data[0][1][1]
    widths = [b.getwidth()[1] for b in branches]
    unbounded = [b for b, w in zip(branches, widths) if w >= _constants.MAXREPEAT]
    assert max(w for w in widths if w < _constants.MAXREPEAT) <= SUFFIX_WINDOW
    assert [str(b.data) for b in unbounded] == [str(_parser.parse(r"\.\.+$").data)]


@SETTINGS
@given(st.text(alphabet=list("aZ9.'’\"”“)(]}»«%$°kmgs²-+…,;:!?"), max_size=40))
def test_the_suffix_search_finds_what_a_search_of_the_whole_token_finds(token):
    pattern = _suffixes()
    fast, plain = _suffix_search(pattern)(token), pattern.search(token)
    assert (fast and fast.span()) == (plain and plain.span())


# --- numbers --------------------------------------------------------------------------------------

@SETTINGS
@given(texts(["more", "than", "no", "about", "up", "to", "at", "least", "over", "turnover", "some", "x", "  ", "\n",
              "MORE", "Than", "AT", "uP", "é", "\u00a0"]),
       st.integers(min_value=0, max_value=400))
def test_the_qualifier_before_a_number_is_found_from_the_end(text, end):
    # lower-cased where the end of the text is ASCII: the pattern ignores case
    end = min(end, len(text))
    m = numbers._QUALIFIER_RE.search(text[:end])
    plain = (numbers._QUALIFIER_OF[m.group(1).lower()], end - m.start(1)) if m else None
    assert numbers.qualifier_before(text, end) == plain
    assert numbers.qualifier_before(text[:end]) == plain


# --- dates ---------------------------------------------------------------------------------------

DATE_WORDS = ["on", "in", "March", "Mar.", "Sept.", "May", "22", "3rd", "of", "2024", "1999", "2024-03-01", "three",
              "days", "ago", "AGO", "last", "LAST", "this", "past", "week", "weekend", "the", "over", "earlier",
              "later", "yesterday", "Today", "tonight", "Friday", "Monday", "morning", ",", "since", "x", "-", "2020s",
              "mid-", "three days ago", "a few Weeks AGO", "last week", "earlier this month", "over the weekend",
              "on March 22", "22 March 2024", "in 2021", "last Thursday morning", "in mid-March", "Sept. 3, 2023",
              "in late May", "June of 2023", "December 5", "TONIGHT", "last Night", "this YEAR", "later this month",
              "the Weekend"]


@SETTINGS
@given(texts(DATE_WORDS))
def test_every_date_holds_its_patterns_cue(text):
    # a span without a pattern's cue is not searched for it: that loses a date only if one can lack the cue
    for kind, pattern in dates._PATTERNS:
        for m in pattern.finditer(text):
            assert dates._may_hold(kind, text, m.start(), m.end()), (kind, m.group())


def test_the_relative_cues_lower_case_as_the_pattern_reads_them():
    every_character = "".join(map(chr, range(0x110000)))
    for letter in set("".join(dates._RELATIVE_CUES)):
        assert {c.lower() for c in re.findall(letter, every_character, re.IGNORECASE)} == {letter}


# --- places --------------------------------------------------------------------------------------

PLACE_WORDS = ["Osh", "in", "U.S.", "A.", "É.F.", "St.", "x-Ray", "Moscow’s", "it's", "1a", "a1", "٣b", "²x", "_b",
               "ǅa", "..", ".", "-", "–", "“", "(", "é"]


def place_texts() -> st.SearchStrategy[str]:
    separators = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", ""])
    return st.lists(st.tuples(st.sampled_from(PLACE_WORDS), separators), max_size=12).map(
        lambda parts: "".join(w + s for w, s in parts))


@SETTINGS
@given(place_texts(), st.integers(0, 60), st.integers(0, 60))
def test_the_capitalised_words_are_the_plain_patterns(text, start, end):
    plain = re.compile(r"(?<![\w’'\-])(?:[A-Z]\.){2,}|(?<![\w’'\-])[^\W\d_a-z][\w’'\-–]*\.?")
    assert [m.span() for m in places._CAPITALISED_RE.finditer(text, start, end)] == \
        [m.span() for m in plain.finditer(text, start, end)]


@SETTINGS
@given(place_texts(), st.integers(0, 60))
def test_the_word_before_a_name_read_back_from_it(text, start):
    for end in range(len(text) + 1):  # a position in the text: where a name starts
        plain = places._PREV_WORD_RE.search(text, start, end)
        assert places._previous_word(text, start, end) == ((plain.start(1), plain.group(1)) if plain else None)


NAME_WORDS_OF_PLACES = ["in", "near", "to", "from", "of", "the", "said", "police", "Police", "Edward", "We", ",", ".",
                        "\n", "Moscow", "Moscow’s", "Kaluga", "Ekaterinburg", "Yekaterinburg", "St. Petersburg", "Osh",
                        "Nice", "Almaty", "Almaty Region", "Amur Oblast", "the Amur region", "Zheleznogorsk",
                        "Krasnoyarsk Krai", "the Krasnoyarsk regional police", "Krasnoyarsk Regional Court",
                        "Kyrgyzstan", "Kyrgyzstan's capital", "the capital of Kyrgyzstan", "the capital of",
                        "the Kyrgyz capital", "“Samara”", "Washington Post"]
CITY_NAMES = ["Moscow", "Yekaterinburg", "Saint Petersburg", "Kaluga", "Bishkek", "Almaty", "Krasnoyarsk",
              "Zheleznogorsk"]


@SETTINGS
@given(texts(NAME_WORDS_OF_PLACES), st.sets(st.sampled_from(CITY_NAMES)), st.integers(0, 60))
@example("the capital of Kyrgyzstan", {"Bishkek"}, len("the capital "))  # "of" opens the span
def test_a_span_that_may_not_name_a_region_or_city_names_none(text, cities, start):
    # read from the names of a span alone: where they say no, find_places finds no region, nor a city of these names
    start = min(start, len(text))
    found = places.find_places(text, start, len(text))
    assert places.may_name_region(text, start, len(text)) or not [p for p in found if p.kind == "region"]
    assert places.may_name_city(text, start, len(text), frozenset(cities)) or \
        not [p for p in found if p.kind == "city" and p.city.name in cities]


@SETTINGS
@given(texts(NAME_WORDS_OF_PLACES + ["Sovetsk", "Kirovsk", "Troitsk", "Blagoveshchensk", "Kirov Oblast", "Kazakhstan",
                                     "Leningrad Oblast", "Bashkortostan", "in Blagoveshchensk", "in Sovetsk"]),
       st.sets(st.sampled_from(["Krasnoyarsk Krai", "Kirov Oblast", "Murmansk Oblast", "Leningrad Oblast",
                                "Amur Oblast", "Moscow Oblast", "Kaliningrad Oblast", "Bashkortostan",
                                "Chelyabinsk Oblast", "Kursk Oblast"]), min_size=1))
def test_regions_named_elsewhere_change_only_the_spans_that_read_them(text, names):
    context = [places.gazetteer().region_keys[places.fold(name)] for name in names]
    assert places.reads_context(text, 0, len(text)) or \
        places.find_places(text, context=context) == places.find_places(text)


def test_the_region_of_each_city_is_kept_as_the_plain_rule_finds_it():
    gaz = places.gazetteer()

    def plain(city: places.City) -> places.Region | None:
        region = gaz.regions.get((city.country, city.admin1))
        same_name = region is not None and places.fold(region.name) == places.fold(city.name)
        return None if region is None or (region.kind in ("federal_city", "city") and same_name) else region

    # Moscow is its own region, Zelenograd lies in it: one region, two answers.
    cities = {c.geonames_id: c for cs in gaz.city_keys.values() for c in cs if c.country in places.STORY_COUNTRIES}
    for _ in range(2):  # the second time from what the first kept
        assert all(gaz.region_of(city) == plain(city) for city in cities.values())


# --- figures --------------------------------------------------------------------------------------

FIGURE_WORDS = ["$5 billion", "5%", "2 million", "migrants", "workers", "people", "in", "Russia", "Kazakhstan", "there",
                "the", "country", "to", "hosts", "has", "is", "home", ",", ";", ":", "—", "(", "where", "and", "while",
                "but", "share", "of", "GDP", "the economy", "remittances", "according", "the World Bank", "said",
                "the bank", "data", "show", "in 2023", "last year", "x", "Tajikistan's", "economic", "output",
                "Russia hosts", "Kazakhstan has", "Russia is home to", "Uzbekistan received", "hosts 5 million migrants"]


def _context(text: str) -> figures._Context:
    return figures._Context(Span(0, len(text), text), "2024-03-30", lambda: False)


def _figure_starts(text: str) -> list[int]:
    return [m.start() for m in figures._candidates(text)]


@SETTINGS
@given(texts(FIGURE_WORDS))
def test_what_a_figure_asks_of_its_sentence(text):
    ctx = _context(text)
    location = re.compile(r"^[^,;:—–(]*?(?:" + figures._LOCATION.pattern + ")")
    host = re.compile(figures._HOST_AFTER_PLACE.pattern + "[^" + figures._HOST_CLAUSE_END.pattern[1:] + "*")
    where = re.compile(r",\s+where\b[^,;]*$")
    for start in _figure_starts(text):
        hosts = [p for p in ctx.places if p[1] <= start and host.fullmatch(text, p[1], start)]
        assert ctx.host_before(start) == (hosts[-1] if hosts else None)
        assert ctx.where_before(start) == bool(where.search(text, 0, start))
        share = figures._SHARE_OF_GDP_BEFORE.search(text, 0, start)
        assert (ctx.share_of_gdp_end is not None and ctx.share_of_gdp_end <= start) == bool(share)
        before = [p for p in ctx.places if p[1] <= start]
        assert ctx.place_before(start) == (before[-1] if before else None)
    for word_end in [m.end() for m in re.finditer(r"\w+", text)]:
        plain = location.match(text[word_end:])
        fast = ctx.location_after(word_end)
        assert bool(fast) == bool(plain) and (fast and fast.group("country")) == (plain and plain.group("country"))
        nxt = re.compile(r"[,;:—–()]").search(text, word_end)
        assert ctx.next_break(word_end) == (nxt.start() if nxt else None)


@SETTINGS
@given(texts(FIGURE_WORDS), st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=300))
def test_a_new_clause_between_two_places(text, lo, hi):
    plain = re.compile(r"[,;]\s+(?:and|while|but|whereas)\s|;\s")
    lo, hi = min(lo, hi, len(text)), min(max(lo, hi), len(text))
    assert _context(text).new_clause_between(lo, hi) == bool(plain.search(text, lo, hi))


@SETTINGS
@given(texts(FIGURE_WORDS))
def test_the_nearest_source_of_a_figure(text):
    ctx = _context(text)
    for m in figures._candidates(text):
        start, end = m.span()
        plain = min(ctx.sources, key=lambda s: (s[0] - end if s[0] >= end else start - s[1])
                    if not (s[0] < end and start < s[1]) else 0) if ctx.sources else None
        assert figures._nearest_source(ctx, start, end) == plain


@SETTINGS
@given(st.lists(st.fixed_dictionaries({
    "unit": st.sampled_from(["USD", "percent"]), "value": st.sampled_from([1.0, 5.0]),
    "subject": st.sampled_from([None, "Russia", "Tajikistan"]), "period": st.sampled_from([None, "2023", "2024"]),
    "source": st.sampled_from([None, "World Bank"])}), max_size=30))
def test_a_figure_said_again_is_kept_once(records):
    kept = []
    for rec in records:
        if not any(k["unit"] == rec["unit"] and k["value"] == rec["value"]
                   # the subject counts for shares only: a count or amount retold in other words is the same fact
                   and all(k[f] is None or rec[f] is None or k[f] == rec[f] for f in ("subject", "period", "source")
                           if f != "subject" or rec["unit"] == "percent")
                   for k in kept):
            kept.append(rec)
    assert figures._first_mentions(records) == kept


# --- incidents ------------------------------------------------------------------------------------

INCIDENT_WORDS = ["denied", "denies", "rejected", "that", "police", "attacked", "detained", "a", "an", "one", "man",
                  "migrant", "migrant workers", "Tajik", "workers", "young", "beaten", "he", "was", ",", ".", "x",
                  "after", "before", "since", "on", "Tuesday", "March", "22", "in", "2023", "yesterday", "raid",
                  "a young Tajik man", "an elderly migrant", "one of the migrant workers", "a man said police detained"]


@SETTINGS
@given(texts(INCIDENT_WORDS))
def test_what_an_event_word_asks_of_the_words_before_it(text):
    # _INTRODUCED as it was: the longest group head first.
    introduced = re.compile(rf"\b(?:an?|one)\s+(?:[\w’'-]+\s+){{0,3}}?{incidents._GROUP_HEAD}\b", re.I)
    for m in incidents._TRIGGERS["detention"][1].finditer(text):
        assert incidents._found_before(incidents._DENIAL, text, 0, len(text), m.start()) == \
            bool(incidents._DENIAL.search(text, 0, m.start()))
        assert incidents._found_before(incidents._INTRODUCED, text, 0, len(text), m.start()) == \
            bool(introduced.search(text, 0, m.start()))


@SETTINGS
@given(texts(INCIDENT_WORDS + ["set", "fire", "sets", "act", "acts", "actor", "Held", "rounded", "x-detained",
                              "détained", "HIT"]))
def test_the_opening_words_of_a_sentence(text):
    lower = text.lower()
    assert set(incidents._OPENER_WORD.findall(lower)) == incidents._OPENERS.intersection(re.findall(r"[a-z]+", lower))


def top_level_branches(pattern: re.Pattern) -> list[re.Pattern]:
    """The branches of a pattern's outermost alternation, each as a pattern of its own."""
    branches, depth, in_class, start, i, source = [], 0, False, 0, 0, pattern.pattern
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 1  # an escaped character
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += source[i + 1:i + 2] == "]"  # "[]...]": the first "]" is a member
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            branches.append(source[start:i])
            start = i + 1
        i += 1
    return [re.compile(branch, pattern.flags) for branch in branches + [source[start:]]]


def event_word_texts() -> st.SearchStrategy[str]:
    """Texts of matches of every branch of every type's pattern, among other words."""
    branches = [branch for type_, (_, pattern) in incidents._TRIGGERS.items() if type_ != "incident"  # it looks back
                for branch in top_level_branches(pattern)]
    matches = st.sampled_from(branches).flatmap(  # as likely one as another
        lambda branch: st.from_regex(branch, fullmatch=True, alphabet=st.characters(codec="ascii")))
    words = st.sampled_from(INCIDENT_WORDS + ["The incident took place", "the episode happened", "Of", "of", "-", "x",
                                              "“", "’", "é", "éraid", "ſtabbed", "detaıned", "İ"])
    return st.lists(words | matches, max_size=12).map(" ".join)


def test_the_letters_that_lower_case_unlike_re_reads_them():
    every_character = "".join(map(chr, range(0x110000)))
    odd = {c for c in every_character if len(c.lower()) != 1 or (re.fullmatch("(?i)[a-z]", c) and not
                                                                  re.fullmatch("[a-z]", c.lower()))}
    assert odd == set(incidents._UNLIKE_CASES.pattern.strip("[]"))


def test_the_branches_of_a_pattern_are_its_alternatives():
    for _, pattern in incidents._TRIGGERS.values():
        assert "|".join(b.pattern for b in top_level_branches(pattern)) == pattern.pattern
    assert len(top_level_branches(incidents._TRIGGERS["raid"][1])) == 7


@settings(SETTINGS, max_examples=600)  # a branch is drawn in one example of 90: each is drawn some times
@given(event_word_texts())
def test_a_pattern_is_tried_only_at_its_first_words(text):
    plain = [(m.start(), m.end(), type_) for type_, (_, pattern) in incidents._TRIGGERS.items()
             for m in pattern.finditer(text)]
    lower, types = text.lower(), set(incidents._TRIGGERS)
    openers = [(w.start(), w.group()) for w in incidents._OPENER_WORD.finditer(lower)]
    firsts = incidents._first_words_at(lower, openers, types)
    # in text order, the longest first at one place (a stable sort: the types' order where two are alike)
    assert incidents._event_words(text, Span(0, len(text), text), types, firsts) == \
        sorted(plain, key=lambda f: (f[0], f[0] - f[1]))


@SETTINGS
@given(texts(INCIDENT_WORDS))
def test_the_date_of_an_event_word(text):
    from caravan.extract.dates import find_dates

    sent = Span(0, len(text), text)
    for start, end, type_ in [(m.start(), m.end(), "detention") for m in re.finditer(r"\b(?:detained|attacked)\b", text)]:
        m = incidents._Mention(type_, start, end, sent, (0, len(text)), (0, len(text)))
        found = [d for d in find_dates(text, "2024-03-30", 0, len(text))
                 if not incidents._SUBORDINATOR.search(text, min(d.end, m.end), max(d.start, m.start))]
        plain = min(found, key=lambda d: abs(d.start - m.start)) if found else None
        assert incidents._nearest_date(text, m, "2024-03-30") == plain


SETTING_WORDS = ["In", "in", "near", "to", "from", "the", "city", "Police", "police", "detained", "migrants", "said",
                 ".", "\n", "Moscow", "Kazan", "Kaluga", "Novosibirsk", "Bishkek", "Yekaterinburg", "Ekaterinburg",
                 "Osh", "Kyrgyzstan", "Amur Oblast", "the Krasnoyarsk regional police", "the Kyrgyz capital",
                 "outside Kazan", "east of Moscow"]


def plain_setting(text: str) -> tuple[frozenset, dict]:
    """The regions and story cities of an article, every sentence's places read."""
    from caravan.extract.places import find_places
    from caravan.extract.text import paragraphs, sentences

    regions, counts, lead_cities = set(), {}, []
    lead_end = next((p.end for p in paragraphs(text)), 0)
    for sent in sentences(text):
        for place in find_places(text, sent.start, sent.end):
            if place.kind == "region":
                regions.add(place.region)
            elif place.kind == "city" and not incidents._aside(text, place):
                counts[place.city.name] = counts.get(place.city.name, 0) + 1
                if place.preposition not in ("to", "towards", "into", "from") and place.start < lead_end:
                    lead_cities.append(place)
    story = {}
    for place in lead_cities:
        if counts[place.city.name] >= 2 and (
                place.country not in story or counts[place.city.name] > counts[story[place.country].city.name]):
            story[place.country] = place
    return frozenset(regions), story


@SETTINGS
@given(texts(SETTING_WORDS, most=60))
# two cities of a country in the lead: each is counted to the end ("Kazan" is named last, and most)
@example("In Moscow and Kazan police detained migrants.\nIn Kazan police said.\nIn Moscow police said.\n"
         "In Kazan police said.")
def test_the_setting_reads_only_the_sentences_that_may_change_it(text):
    assert (incidents._regions.__wrapped__(text), incidents._story_cities.__wrapped__(text)) == plain_setting(text)


# --- speakers and quotes --------------------------------------------------------------------------

@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=5)), max_size=20),
       st.integers(min_value=0, max_value=60))
def test_the_last_name_recorded_before_a_position(hits, pos):
    named = speakers._Named()
    entities = [speakers.Entity(f"e{i}", "person") for i in range(6)]
    for p, e in hits:
        named.append(p, entities[e])
    before = [entities[e] for p, e in hits if p < pos]
    assert named.last_before(pos) == (before[-1] if before else None)


NAME_WORDS = ["Ivan Petrov", "Anna Petrova", ",", "a", "lawyer", "the", "Interior Ministry", "an", "official", "at",
              "courier", "director", "of", "from", "Osh", "Kyrgyzstan", "said", "told", "and", "x", "U.S.", ".", "“", "—",
              "31", "who"]


RUN_WORDS = ["Ivan", "Petrov’s", "van", "der", "Berg", "of", "for", "Ministry", "J.", "R.", "U.S.", "x-Ray", "Ümit",
             "é", "ǅa", "Ω", "1A", "_B", "'", "-", ".", ". ", "  ", " ", "\n", "Anna-Maria", "O'Neil"]


@SETTINGS
@given(st.lists(st.sampled_from(RUN_WORDS), max_size=30).map("".join), st.integers(0, 60), st.integers(0, 60))
def test_the_runs_of_capitalised_words_are_the_plain_patterns(text, start, end):
    particles = "|".join(sorted(speakers._PARTICLES))
    word = speakers._CAPWORD
    plain = re.compile(rf"(?<![\w’'.\-]){word}(?:(?: |\. )(?:(?:{particles}|of|for) )*{word})*")
    assert [m.span() for m in speakers._RUN_RE.finditer(text, start, end)] == \
        [m.span() for m in plain.finditer(text, start, end)]


NAME_RUN_WORDS = ["Ivan", "Petrov’s", "van", "der", "Berg", "of", "for", "Ministry", "J.", "U.S.", "The", "Police",
                  "President", "Mr.", "Interior", "Russia’s", "said", "Moscow", "Anna", "Petrova", "Tajikistan", "x"]


def name_texts() -> st.SearchStrategy[str]:
    separators = st.sampled_from([" ", " ", ". ", ", ", "\n", "“"])
    return st.lists(st.tuples(st.sampled_from(NAME_RUN_WORDS), separators), max_size=15).map(
        lambda parts: "".join(w + s for w, s in parts))


@SETTINGS
@given(name_texts(), name_texts())
def test_a_run_is_classified_the_same_wherever_its_words_were_met_first(first, second):
    # A run's split and name are cached by the words of the run alone: met first in another place (opening a
    # sentence or not), the same words must give what they give here with nothing cached. Every word is also
    # a common one, so that a capitalised word opening a sentence is not a name.
    lower = speakers.lower_words(" ".join(w.lower() for w in NAME_RUN_WORDS))
    caches = (speakers._split_run, speakers._name_run, speakers._lone_word)

    def runs(text: str) -> list[speakers.Run]:
        return speakers.classify_runs(text, [(0, len(text), 0)], lower)

    for cache in caches:
        cache.cache_clear()
    alone = runs(second)
    for cache in caches:
        cache.cache_clear()
    runs(first)
    assert runs(second) == alone


COMMON_WORD_PARTS = ["police", "Police", "police,", "police.", "police.,", "policeman", "xpolice", ",police", "police’",
                     " ", "\n", "\t", "\u00a0", "\u2003", "\x1c", ",", ".", "the"]


@SETTINGS
@given(st.lists(st.sampled_from(COMMON_WORD_PARTS), max_size=20).map("".join))
def test_a_common_word_is_one_of_the_words_split_by_spaces(text):
    # Searched for instead of splitting the article: the same answer as the split words give, bare or before a
    # comma or period, whatever the spaces.
    words = frozenset(text.split())
    lower = speakers.lower_words(text)
    for word in ("police", "the"):
        plain = word in words or word + "," in words or word + "." in words
        assert (word in lower) == plain
        assert (word in lower) == plain  # remembered, the same


VERB_WORDS = ["said", "says", "say", "sayings", "saying", "told", "tells", "telling", "pointed out", "pointing  out",
              "wrote", "warned", "wonders", "data", "figures", "show", "shows", "showed", "statement", "post", "read",
              "reads", "was", "is", "quoted", "by", "Reuters", "as", "called", "calls for", "re-called", "-", "self",
              "described", "According", "to", "in", "the", "words", "of", "x", ",", "emphasized", "emphasises",
              "labelled", "labeled", "labelling", "voiced", "voicing", "reporters", "Petrov", "  ", "\n"]


@SETTINGS
@given(texts(VERB_WORDS))
def test_the_verbs_of_saying_grouped_by_first_letter_are_the_plain_alternatives(text):
    inv = r"(?P<inv>(?i:according)\s+to|(?i:in)\s+the\s+words\s+of)"
    plain = re.compile(rf"\b(?:{inv}|(?P<fin>{quotes._FINITE_WORDS})|(?P<part>{quotes._PARTICIPLE_WORDS}))\b")
    assert [(m.span(), m.lastgroup) for m in quotes._VERB_RE.finditer(text)] == \
        [(m.span(), m.lastgroup) for m in plain.finditer(text)]
    saying = re.compile(quotes._FINITE_WORDS + "|" + quotes._PARTICIPLE_WORDS)
    ends = re.compile(rf"\b(?:{quotes._FINITE_WORDS}|{quotes._PARTICIPLE_WORDS})"
                      r"(?:\s+(?:[A-Z][\w.]*|reporters|journalists))?\s*$")
    for end in range(len(text) + 1):
        assert bool(quotes._ENDS_WITH_VERB.search(text[:end])) == bool(ends.search(text[:end]))
    for word in text.split():
        assert bool(quotes._SAYING.fullmatch(word)) == bool(saying.fullmatch(word))


def test_documents_and_characterising_verbs_read_as_they_did():
    # The verbs that open with a look-behind were turned to open with their first letter.
    finite = re.compile(rf"\b(?:{quotes._FINITE_WORDS})\b")
    found = [m.group() for m in finite.finditer(
        "the data show, figures showed, a report shows, the statement read, a letter reads, they show, a note "
        "readsx, she called it, a re-called vote, it calls for, Reuters was quoted as saying")]
    assert found == ["show", "showed", "shows", "read", "reads", "called", "calls for", "was quoted as saying"]


MEDIUM_WORDS = ["told", "tells", "tell", "telling", "speaking", "spoke", "talking", "talked", "with", "to",
                "interviewed", "by", "in", "an", "a", "the", "his", "its", "recent", "long", "interview", "statement",
                "post", "op-ed", "podcast", "letter", "tweet", "channel", "video", "on", "via", "wrote", "writes",
                "writing", "Reuters", "Telegram", "the BBC", "Kommersant", "newspaper", "agency", "x", ",", "TOLD",
                "Told", "In", "told the newspaper Kommersant", "told Reuters", "spoke to the BBC",
                "talked with Reuters", "in an interview with Reuters", "in a Telegram post", "in her Telegram video",
                "wrote in Kommersant", "in his latest statement to Interfax", "on his Telegram channel",
                "interviewed by Reuters"]


@SETTINGS
@given(texts(MEDIUM_WORDS))
def test_every_medium_holds_its_patterns_cue(text):
    for cue, pattern in zip(speakers._MEDIUM_CUES, speakers._MEDIUM_PATTERNS):
        for m in pattern.finditer(text):
            assert cue.search(text, m.start(), m.end()), (pattern.pattern, m.group())
    # An attribution that holds no cue is not searched at all.
    assert bool(speakers._ANY_MEDIUM_CUE.search(text)) == any(cue.search(text) for cue in speakers._MEDIUM_CUES)


ON_VIA_WORDS = ["on", "On", "via", "upon", "avia", "on-line", "_on", "éon", "2on", "onx", " ", "  ", "\n", ",", "(", "-"]


@SETTINGS
@given(st.lists(st.sampled_from(ON_VIA_WORDS), max_size=20).map("".join), st.integers(0, 40))
def test_the_on_or_via_cue_is_the_plain_word_boundary_pattern(text, start):
    plain = re.compile(r"\b(?:on|via)\s")
    cue = speakers._MEDIUM_CUES[4]
    assert [m.span() for m in cue.finditer(text, start)] == [m.span() for m in plain.finditer(text, start)]


def test_every_character_that_opens_a_quoted_passage_is_an_opening_mark():
    # A paragraph without one of these marks is not paired at all: each character either pairing step may open a
    # passage with must be among them.
    for code in range(0x110000):
        ch = chr(code)
        if quotes._DOUBLE_MARKS.match(ch) or quotes._SINGLE_OPEN.match(" " + ch + "a", 1):
            assert quotes._OPENING_MARKS.match(ch), hex(code)


@SETTINGS
@given(texts(NAME_WORDS))
def test_the_words_before_each_name(text):
    before = quotes._WordsBefore(text, 0, len(text))
    for m in re.finditer(r"[A-Z]\w*", text):
        words = text[:m.start()].split()
        assert before.first(m.start(), 8) == words[:8]
        while words and quotes._description_word(words[-1]):
            words.pop()
        assert before.undescribed(m.start(), 7) == words[-7:]
        assert before.last_comma(m.start()) == text.rfind(",", 0, m.start())


@SETTINGS
@given(texts(NAME_WORDS))
def test_the_apposition_after_a_name(text):
    end_mark = re.compile(r"[.!?;:](?=\s|$)|[“”\"«»]|\s[—–]\s")
    for m in re.finditer(r"(?<=\w),", text):
        m_end = end_mark.search(text, m.end())
        while m_end and m_end.group() == "." and speakers.is_abbreviation(text, m_end.start()):
            m_end = end_mark.search(text, m_end.end())
        plain = [part.strip() for part in text[m.end():m_end.start() if m_end else len(text)].split(",")]
        fast = list(speakers._apposition_parts(text, m.end(), len(text)))
        assert fast == plain


def test_field_choices_cover_every_subset():
    assert sorted(figures._FIELD_SETS) == sorted(c for n in range(4) for c in combinations(range(3), n))


# --- record ids -----------------------------------------------------------------------------------

@SETTINGS
@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                          st.dictionaries(st.text(max_size=3), st.integers(), max_size=3)), max_size=6))
def test_a_record_id_hashes_the_plain_json_of_its_parts(parts):
    import hashlib
    import json
    from datetime import date

    from caravan.common.ids import stable_id

    parts = [*parts, date(2024, 3, 30)]  # not JSON: written as its str
    plain = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    assert stable_id("rec", *parts) == "rec_" + hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]


# --- figures: scans and cheap tests ---------------------------------------------------------------

COUNTRY_WORDS = ["Niger", "Nigeria", "South", "Korea", "South Korea", "United", "States", "United States of America",
                 "Guinea", "Guinea-Bissau", "Papua New Guinea", "Türkiye", "Russia", "Russian", "Russia’s", "xRussia",
                 "Åland Islands", "in", "and", "_", "-", "2", ",", ".", "é"]


def country_texts() -> st.SearchStrategy[str]:
    separators = st.sampled_from([" ", "  ", "", "-", ", ", "\u00a0"])
    return st.lists(st.tuples(st.sampled_from(COUNTRY_WORDS), separators), max_size=12).map(
        lambda parts: "".join(w + s for w, s in parts))


@SETTINGS
@given(country_texts())
def test_the_country_names_factored_are_the_plain_alternation(text):
    plain = re.compile("|".join(re.escape(n) for n in figures._COUNTRY_NAMES))
    factored = re.compile(figures._COUNTRY)
    for pos in range(len(text) + 1):
        fast, slow = factored.match(text, pos), plain.match(text, pos)
        assert (fast and fast.group()) == (slow and slow.group())
    found, last_end = [], 0  # each name standing alone, the longest first, left to right
    for start in range(len(text)):
        if start < last_end or (start and (text[start - 1].isalnum() or text[start - 1] in "-_")):
            continue
        for name in figures._COUNTRY_NAMES:
            end = start + len(name)
            if text.startswith(name, start) and not (end < len(text) and (text[end].isalnum() or text[end] in "-_")):
                found.append((start, end, name))
                last_end = end
                break
    assert figures._country_mentions(text) == found


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["X", "Bank", "data", "new", "'s", "’s", "latest", "report", "official", "s",
                                           "'", "the", "newdata", "\n"]),
                          st.sampled_from(["", " ", "  ", "\u00a0", "\t"])), max_size=8).map(
    lambda parts: "".join(w + s for w, s in parts)))
def test_the_trail_of_a_source_read_from_its_end(name):
    plain = re.compile(rf"(?:['’]s)?(?:\s+(?:{'|'.join(figures._TRAIL_WORDS)}))*(?:\s+{figures._DATA})?\s*$")
    assert figures._without_trail(name) == plain.sub("", name)


def test_no_trail_word_ends_another():
    for words in (figures._TRAIL_WORDS, figures._DATA_LIST):
        assert not [(a, b) for a in words for b in words if a != b and a.endswith(b)]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["the", "World", "Bank's", "Bank", "data", "Russian", "statistics", "of",
                                           "U.N.", "Mr.", "“The", "(UN", "central", "bank", "x,", "said"]),
                          st.sampled_from([" ", "  ", "\u00a0", "\t", "\u2003"])), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts)))
def test_the_body_named_before_a_cue_read_back_from_it(text):
    def plain(pos: int):
        low = max(0, pos - 120)
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text[:pos])][::-1]
        words = [w for w in words if w[0] >= low][::-1]
        if low and words:
            words = words[1:]
        data_word = words.pop() if words and words[-1][2].lower() in figures._DATA_WORDS else None
        taken = []
        for start, end, word in reversed(words):
            bare = figures._POSSESSIVE_END.sub("", word) if not taken else word
            end = start + len(bare)
            if not bare or (bare[-1] in ",.;:!?”\")—–" and not figures._DOTTED_ACRONYM.fullmatch(bare)) \
                    or bare[0] in "“\"(‘":
                break
            if bare[0].isupper() or bare.lower() in figures._ORG_LOWER_WORDS or (taken and bare in figures._CONNECTORS):
                taken.append((start, end, bare))
            else:
                break
        while taken and taken[-1][2].lower() in figures._CONNECTORS:
            taken.pop()
        if not taken:
            return None
        start, end = taken[-1][0], taken[0][1]
        if data_word and all(figures._is_demonym(w) for _, _, w in taken):
            end = data_word[1]
        return start, end, text[start:end]

    for pos in range(len(text) + 1):
        assert figures._org_before(text, pos) == plain(pos)


CANDIDATE_WORDS = ["$5", "US$ 5", "U.S. $5", "USD 5", "€5", "5", "1,200", "1,200.5", "x5", "5th", "5.7", "billion",
                   "million", "thousand", "percent", "per cent", "%", "5%", "five", "Five", "twenty-one", "a", "half a",
                   "a million", "rubles", "Russian rubles", "tenge", "RUB", "in", "2023", ",", ".", "-", "/", "٣", "²5",
                   "ten thousand", "hundreds of thousands", "pct", "percentage points", "mln", "bn"]


@SETTINGS
@given(texts(CANDIDATE_WORDS))
def test_a_candidate_that_holds_a_digit_is_tried_where_a_digit_or_a_currency_opens(text):
    anchors = sorted([(i, figures._DIGIT_REACH) for i, c in enumerate(text) if c in "0123456789"
                      and not (i and text[i - 1].isdigit())]
                     + [(m.start(), figures._WORD_REACH) for word in figures._ANCHOR_WORDS
                        for m in re.finditer(re.escape(word), text)])
    plain, last_end = [], 0
    for anchor, reach in anchors:  # every position before the anchor, as far as its reach
        if anchor < last_end:
            continue
        for pos in range(max(last_end, anchor - reach), anchor + 1):
            m = figures._CANDIDATE.match(text, pos)
            if m and m.end() > anchor:
                if not (m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] == "_")):
                    plain.append(m.span())
                    last_end = m.end()
                break
    assert [m.span() for m in figures._candidates(text)] == plain


def test_the_letters_folded_to_ascii_are_those_a_pattern_ignoring_case_takes_for_them():
    every_character = "".join(map(chr, range(0x110000)))
    for letter in "abcdefghijklmnopqrstuvwxyz":
        assert {caseless(c) for c in re.findall(letter, every_character, re.IGNORECASE)} == {letter}


NEEDED_WORDS = list(figures._NEEDED_WORDS)


@SETTINGS
@given(st.sampled_from(NEEDED_WORDS).flatmap(lambda pattern: st.tuples(st.just(pattern), st.from_regex(pattern))))
def test_every_match_of_a_pattern_holds_a_word_of_its_cheap_test(case):
    pattern, text = case
    for m in pattern.finditer(text):
        assert figures._may_find(pattern, m.group()), m.group()


@SETTINGS
@given(texts(FIGURE_WORDS + ["since", "Since", "SINCE", "records began", "than", "from", "in 1996", "Sınce"]))
def test_a_comparison_base_is_found_where_the_plain_searches_find_it(text):
    for start in range(len(text) + 1):
        clause = max(0, start - 60)
        plain = bool(figures._COMPARISON_BEFORE.search(text, max(0, start - 15), start)) or (
            bool(figures._SINCE_IN_CLAUSE.search(text, clause, start)) and not figures._SINCE_BEFORE.search(
                text, clause, start))
        assert figures._comparison_base(text, start) == plain


@SETTINGS
@given(st.from_regex(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,30})(?:\.[0-9]{1,30})?", fullmatch=True),
       st.sampled_from([None, "", "million", "hundred thousand", "bn"]))
def test_a_number_in_digits_has_the_value_of_its_decimal(number, scale):
    from decimal import Decimal

    plain = Decimal(number.replace(",", ""))
    for word in (scale or "").split():
        plain *= Decimal(100 if word == "hundred" else int(numbers.SCALES[word]))
    assert numbers.scaled_value(number, scale) == float(plain)


@SETTINGS
@given(st.sampled_from(range(len(figures._ORG_AFTER))).flatmap(
    lambda k: st.tuples(st.just(k), st.from_regex(figures._ORG_AFTER[k][0], fullmatch=True))))
def test_every_source_after_a_word_holds_a_word_of_its_cheap_test(case):
    k, text = case
    pattern, words = figures._ORG_AFTER[k]
    for m in pattern.finditer(text):
        assert any(word in m.group() for word in words), m.group()


@SETTINGS
@given(st.from_regex(figures._ACCORDING_TO))
def test_a_source_after_according_to_starts_just_before_its_words(text):
    # so that the search may start there
    for m in figures._ACCORDING_TO.finditer(text):
        assert text.startswith("ccording", m.start() + 1)


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)), max_size=6))
def test_a_record_id_of_plain_parts_hashes_their_plain_json(parts):
    # strings, integers, floats and None are written without the encoder, as it writes them
    import hashlib
    import json

    from caravan.common.ids import stable_id

    plain = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    assert stable_id("rec", *parts) == "rec_" + hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]
