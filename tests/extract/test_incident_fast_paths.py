"""The shortcuts of incident extraction give what the plain searches they replace give.

A pattern that ignores case is searched as a lower-case one in lower-cased text, and a clause is searched for a
pattern only where it holds one of the pattern's words. Both rest on how re reads letters when it ignores case, which
lower-casing does not always follow (ı, ſ, İ): the texts here are made of the patterns' own words, in several cases
and with those letters, and each shortcut is compared with the plain search.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.extract import incidents
from caravan.extract.caseless import lowered as caseless_lowered

SETTINGS = settings(max_examples=300, deadline=None)
ODD_LETTERS = ["ſ", "ı", "İ", "K", "x", "é"]  # the Kelvin sign lower-cases to "k", as re reads it


def texts(words: list[str], most: int = 30) -> st.SearchStrategy[str]:
    """Texts of ``words`` in any case, some with a letter that lower-cases otherwise than re reads it."""
    cased = st.sampled_from(words + ODD_LETTERS).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.capitalize(), w.replace("s", "ſ"), w.replace("i", "ı"),
                                   w.replace("i", "İ")]))
    separators = st.sampled_from([" ", ", ", "; ", ": ", " — ", "  ", "\n"])
    return st.lists(st.tuples(cased, separators), min_size=1, max_size=most).map(
        lambda parts: "".join(w + s for w, s in parts))


GROUP_WORDS = ["three", "Tajik", "migrants", "migrant workers", "a", "one", "man", "of", "the", "Uzbek", "and", "or",
               "young", "local", "people", "from", "Tajikistan", "Central Asia", "origin", "40-year-old", "12", "1,200",
               "hundreds", "family", "families", "police", "said", "x"]


@SETTINGS
@given(texts(GROUP_WORDS), st.integers(min_value=0, max_value=200))
def test_the_first_and_last_people_named_are_the_plain_patterns(text, end):
    first, plain = incidents._first_group(text, end), incidents._GROUP_RE.search(text, 0, end)
    assert (first and (first.span(), first.groupdict())) == (plain and (plain.span(), plain.groupdict()))
    last, plain = incidents._last_group(text), None
    for plain in incidents._GROUP_RE.finditer(text):
        pass
    assert (last and (last.span(), last.groupdict())) == (plain and (plain.span(), plain.groupdict()))


def test_a_lowered_pattern_keeps_escapes_and_group_names():
    lowered = caseless_lowered(re.compile(r"(?P<Name>\S+)\s+[A-Z]\b", re.IGNORECASE))
    assert lowered.pattern == r"(?P<name>\S+)\s+[a-z]\b" and not lowered.flags & re.IGNORECASE


CLAUSE_WORDS = ["police", "detained", "migrants", "while", "whereas", "but", "although", "though", "—", "–", ";", ":",
                ",", "after", "before", "since", "until", "following", "x", "butter", "awhile"]


@SETTINGS
@given(texts(CLAUSE_WORDS))
def test_clause_breaks_and_subordinators_are_the_plain_patterns(text):
    spans = [m.span() for m in incidents._CLAUSE_BREAK.finditer(text)]
    assert incidents._clause_breaks.__wrapped__(text, 0, len(text)) == ([s for s, _ in spans], [e for _, e in spans])
    spans = [m.span() for m in incidents._SUBORDINATOR.finditer(text)]
    assert incidents._subordinators.__wrapped__(text, 0, len(text)) == ([s for s, _ in spans], [e for _, e in spans])


def cue_words() -> list[str]:
    """The words of every pattern searched only where its cues stand, and some that are not theirs."""
    return ["denied", "denies", "deny", "denying", "dismissed", "rejected", "refuted", "that", "they", "were",
            "war", "shelling", "air strikes", "airstrike", "air raids", "missiles", "drones", "artillery", "front line",
            "frontlines", "offensive", "battlefield", "invasion", "accident", "crash", "collision", "collapsed",
            "earthquake", "flood", "overdose", "suspicion", "of", "killing", "murdering", "manslaughter", "died",
            "charged", "with", "the", "claimed", "carried out", "committed", "perpetrated", "organized", "organised",
            "staged", "conducted", "by", "x", "award", "toward"]


@SETTINGS
@given(texts(cue_words()))
def test_every_match_holds_its_patterns_cue(text):
    for pattern in incidents._CUES:
        for m in pattern.finditer(text):
            assert incidents._may_occur(pattern, text, m.start(), m.end()), (pattern.pattern, m.group())


COUNT_WORDS = ["killed", "at", "least", "139", "people", "were", "injured", "three", "were", "arrested", "the",
               "arrests", "of", "seven", "15-year-old", "20%", "$", "5", "migrants", "x", "dozens", ","]


def plain_counts(text: str, start: int, end: int, kind: str) -> tuple[list[int], list[tuple[int, str]]]:
    """_counts_in as it was, every number read for each kind of count."""
    cue_before, cue_after = incidents._COUNT_CUES[kind]
    starts, values = [], []
    for n in incidents._NUM_RE.finditer(text, start, end):
        if incidents._NOT_A_COUNT_AFTER.match(text, n.end()) or text[n.start() - 1:n.start()] == "$":
            continue
        cue = cue_before.search(text, max(start, n.start() - 60), n.start())
        if cue:
            q = cue.group("q")
            qualifier = incidents.qualifier_before(q)
            if q.strip() and not (qualifier and qualifier[1] >= len(q.strip())):
                cue = None
        if cue or cue_after.match(text, n.end()):
            value = incidents._number(n.group(), text[max(start, n.start() - 30):n.start()])
            if value:
                starts.append(n.start())
                values.append(value)
    return starts, values


@SETTINGS
@given(texts(COUNT_WORDS))
def test_the_counts_of_a_clause_read_its_numbers_once(text):
    for kind in incidents._COUNT_CUES:
        assert incidents._counts_in.__wrapped__(text, 0, len(text), kind) == plain_counts(text, 0, len(text), kind)
    incidents._numbers_in.cache_clear()


WINDOW_WORDS = ["police", "said", "that", "who", "could", "be", ",", "“", "While", "migrants", "were", "x", "and"]


@SETTINGS
@given(texts(WINDOW_WORDS), st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=20))
def test_the_window_before_an_event_word(text, pos, max_words):
    pos = min(pos, len(text))
    before = text[max(0, pos - 150):pos]
    last = None
    for last in incidents._WINDOW_START.finditer(before):
        pass
    plain = " ".join((before[last.end():] if last else before).split()[-max_words:]) + " "
    assert incidents._window(text, 0, pos, max_words) == plain
    incidents._window_words.cache_clear()


def test_a_protest_names_no_target_group():
    from caravan.extract.text import Span

    text = "Three hundred migrant workers protested outside the town hall."
    start = text.index("protested")
    m = incidents._Mention("protest", start, start + len("protested"), Span(0, len(text), text), (0, len(text)),
                           (0, len(text)))
    incidents._describe(text, m, [m], 0)
    assert m.target_group is None and m.counts == {}


RELATIVE_WORDS = ["who", "whom", "whose", "which", "Who", "somewhat", "police", "detained", ",", "(", "“", "—", "x"]


@SETTINGS
@given(texts(RELATIVE_WORDS))
def test_the_relative_clauses_of_a_sentence(text):
    from caravan.extract.text import Span

    stops = [m.start() for m in incidents._RELATIVE_END.finditer(text)]
    starts = [m.start() for m in incidents._RELATIVE.finditer(text)]
    ends = [next((s for s in stops if s >= m.end()), len(text)) for m in incidents._RELATIVE.finditer(text)]
    assert incidents._relative_clauses.__wrapped__(text, Span(0, len(text), text)) == (starts, ends)


NEGATION_WORDS = ["no", "No", "fewer", "less", "more", "than", "not", "Not", "only", "never", "none", "without",
                  "don’t", "can't", "x", "nothing", "notonly", "one"]


@SETTINGS
@given(texts(NEGATION_WORDS))
def test_a_window_without_a_negation_has_none_once_its_false_ones_are_out(text):
    plain = incidents._NEGATION.search(incidents._NOT_NEGATION.sub(" ", text))
    assert bool(incidents._NEGATION.search(text) and plain) == bool(plain)


def test_the_ago_cue_lower_cases_as_the_pattern_reads_it():
    every_character = "".join(map(chr, range(0x110000)))
    for letter in "ago":
        assert {c.lower() for c in re.findall(letter, every_character, re.IGNORECASE)} == {letter}


DATELINE_WORDS = ["DUSHANBE", "Moscow", ",", "May", "31", "(TASS)", "—", "–", "-", "--", "police", "said", "x"]


@SETTINGS
@given(texts(DATELINE_WORDS, most=12))
def test_a_sentence_without_a_dash_has_no_dateline(text):
    from caravan.extract.text import Span

    plain = incidents._DATELINE.match(text)
    assert incidents._dateline_end.__wrapped__(text, Span(0, len(text), text)) == (plain.end() if plain else 0)


FIRST_WORDS = ["conducted", "carried out", "launched", "an", "a", "raid", "operation", "police", "of", "with",
               "Slavic", "origin", "appearance", "issued", "published", "posted", "advisory", "only", "Russians", "x",
               "warned", "its", "citizens", "travel"]


@SETTINGS
@given(texts(FIRST_WORDS), st.sets(st.sampled_from(sorted(incidents._TRIGGERS)), min_size=1))
def test_the_event_words_of_some_types_are_tried_at_their_first_words(text, types):
    from caravan.extract.text import Span

    lower = text.lower()
    openers = [(w.start(), w.group()) for w in incidents._OPENER_WORD.finditer(lower)]
    firsts = incidents._first_words_at(lower, openers, types)
    plain = [(m.start(), m.end(), type_) for type_, (_, pattern) in incidents._TRIGGERS.items() if type_ in types
             for m in pattern.finditer(text)]
    # in text order, the longest first at one place (a stable sort: the types' order where two are alike)
    assert incidents._event_words(text, Span(0, len(text), text), types, firsts) == \
        sorted(plain, key=lambda f: (f[0], f[0] - f[1]))


WINDOW_WORDS = ["police", "that", "thatch", "which", "who", "whom", "whose", "because", "after", "when", "where", "as",
                "ask", "before", "since", "although", "though", "while", "While", "WHILE", "and", "band", "but", "said",
                "says", "x", ",", ";", ":", "(", "“", "”", '"', "—", "–", "-", "’", "é", "1"]


@SETTINGS
@given(texts(WINDOW_WORDS, most=40), st.integers(min_value=1, max_value=60))
def test_the_last_start_of_a_window_is_the_plain_patterns(text, tail):
    plain = None
    for plain in incidents._WINDOW_START.finditer(text):
        pass
    last = incidents._last_window_start(text, tail)
    assert (last and last.span()) == (plain and plain.span())


def plain_quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted spans read mark by mark: a quote opens at “ or " and closes at the next ”, " or line break."""
    spans, open_at = [], None
    for i, ch in enumerate(text):
        if open_at is None:
            if ch in "“\"":
                open_at = i + 1
        elif ch in "”\"\n":
            spans.append((open_at, i))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


@SETTINGS
@given(texts(["“", "”", '"', "\n", "said", "police", "x", "„", "«"], most=40))
def test_the_quoted_spans_are_read_mark_by_mark(text):
    assert incidents._quote_spans(text).spans == plain_quote_spans(text)


OPENING_TEXT_WORDS = ["Police", "attacked", "attacks", "raided", "the", "market", "set", "fire", "İstanbul", "Kelvin",
                      "\u212aILLED", "killed.", "arrested.Police", "x", "deported", "“Migrants", "were", "beaten”",
                      "said.", "Mr.", "Moscow."]


@SETTINGS
@given(texts(OPENING_TEXT_WORDS, most=25), st.lists(st.integers(min_value=0, max_value=300), max_size=8))
def test_the_opening_words_of_each_sentence_are_its_own(text, cuts):
    # sentences cut anywhere, even inside a word: a word of the text is not one of a sentence cut through it
    from caravan.extract.text import Span

    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    spans = tuple(Span(s, e, text[s:e]) for s, e in zip(bounds, bounds[1:]) if s < e)
    plain = []
    for sent in spans:
        lower = sent.text.lower()
        openers = [(w.start(), w.group()) for w in incidents._OPENER_WORD.finditer(lower)]
        if openers:
            plain.append((sent, lower, openers))
    original = incidents.sentences
    incidents.sentences = lambda _: spans
    try:
        assert list(incidents._opening_words(text)) == plain
    finally:
        incidents.sentences = original


SETTING_TEXTS = [
    "BISHKEK — Police in Bishkek detained 12 migrants on Monday.\n\nThe detained men were taken to a station. "
    "Officers beat two of them, their lawyers said. Bishkek police declined to comment.",
    "Three Tajik workers were beaten in Moscow on May 2.\n\nThe attackers fled. Police arrested two men in Tver.",
    "Unknown persons set fire to a hostel where migrants lived.\n\nNo one was hurt, officials said.",
    "Kazakhstan deported 300 migrants last year.\n\nIn the city, raids continued. Police raided a market in Almaty.",
]


def test_the_setting_found_when_first_asked_is_the_one_found_first():
    # the default country and the story's cities, found only when a mention asks, as when found for every article
    from tests.extract.test_incidents import _article

    articles = [_article(text) for text in SETTING_TEXTS]
    lazy = [incidents.extract_incidents(a) for a in articles]
    original = incidents._Setting.__init__

    def eager(self, text, mentions):
        original(self, text, mentions)
        assert self.country and self.story is not None  # found before any mention asks

    incidents._Setting.__init__ = eager
    try:
        assert [incidents.extract_incidents(a) for a in articles] == lazy
    finally:
        incidents._Setting.__init__ = original
