"""The ninth round's shortcuts (issue 17) give what the plain ways they replace give, on texts of our own.

Patterns rewritten to open with a letter are compared with the ``\\b``-led patterns they stand for; quicker folds and
look-ups with the calls they stand for.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from caravan.extract import figures
from caravan.extract.caseless import caseless, lowered

SETTINGS = settings(max_examples=300, deadline=None)


def texts(vocabulary: list[str], most: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=1, max_size=most).map(" ".join)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[tuple[int, int], ...]]:
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text)]


# --- figures --------------------------------------------------------------------------------------

_SOURCE_WORDS = (list(figures._ORG_CUE_WORDS) + list(figures._DATA_LIST)
                 + ["unsaid", "resaid", "said.", "data,", "_data", "xdata", "2data", "réported", "the", "from", "by",
                    "published", "released", "World", "Bank", "central", "bank", "Rosstat", "UN", "U.N.", "ministry",
                    "of", "Labour", "Ministry", "’s", "'s", "Tajik", "migration", "service", "showsx", "éshow"])


@SETTINGS
@given(texts(_SOURCE_WORDS))
@example("unsaid said the World Bank, resaid data from the UN")
def test_the_source_patterns_that_open_with_a_letter_match_as_their_plain_forms(text):
    plain_cue = re.compile(r"\b(?:" + "|".join(figures._ORG_CUE_WORDS) + r")\b")
    assert [m.span() for m in figures._ORG_CUE.finditer(text)] == [m.span() for m in plain_cue.finditer(text)]
    plain_after = (
        re.compile(rf"\b{figures._DATA}\s+(?:from|by|of|published\s+by|released\s+by)\s+(?:the\s+)?"
                   rf"(?P<src>{figures._ORG})"),
        re.compile(rf"\b(?:said|reported|estimated)\s+(?:the\s+)?(?P<src>{figures._ORG})"),
    )
    for (fast, _), plain in zip(figures._ORG_AFTER, plain_after):
        assert _spans(fast, text) == _spans(plain, text)


@SETTINGS
@given(st.text(alphabet=list("aAiIsSzZ İıſßé’. Ǆǅǆ"), max_size=30))
@example("İn excess of ſome")
def test_the_quick_fold_is_caseless(text):
    # caseless lowers a text without the letters it makes ASCII letters, without translating it
    assert caseless(text) == text.translate(str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})).lower()


_PERIOD_WORDS = ["in", "In", "IN", "May", "MAY", "last", "LAST", "lası", "year", "yeaR", "years", "ago", "two", "2",
                 "the", "previous", "this", "current", "of", "now", "Now", "currently", "at", "present", "week",
                 "month", "months", "first", "half", "quarter", "nine", "12", "twelve", "past", "a", "earlier",
                 "GDP", "gdp", "GDP’s", "wage", "wages", "İncome", "ıncome", "pay", "paying", "ſhare", "bank", "Kelvin",
                 "marKet", "work", ",", "İn", "mİgrants", "2024", "January", "JANUARY", "jan", "Ja"]


@SETTINGS
@given(texts(_PERIOD_WORDS, 14))
@example("In May last year the ſhare of GDP")
@example("İn the first half of the year, ıncome")
def test_the_folded_copies_find_what_the_patterns_ignoring_case_find(text):
    folded = caseless(text)
    for pattern in (figures._ECONOMIC_RE, figures._RELATIVE_PERIOD, figures._RELATIVE_HINT):
        copy = lowered(pattern)
        assert [m.span() for m in copy.finditer(folded)] == [m.span() for m in pattern.finditer(text)]
    assert [m.span() for m in figures._relative_matches(text)] == [m.span() for m in _plain_relative_matches(text)]
    assert figures._economic(text) == bool(figures._ECONOMIC_RE.search(text))


def _plain_relative_matches(text: str) -> list[re.Match]:
    found, last_end = [], 0
    for hint in figures._RELATIVE_HINT.finditer(text):
        if hint.start() < last_end:
            continue
        reach = figures._RELATIVE_REACH
        m = figures._RELATIVE_PERIOD.search(text, max(last_end, hint.start() - reach), hint.end() + reach)
        if m:
            found.append(m)
            last_end = m.end()
    return found


# --- speakers -------------------------------------------------------------------------------------

from caravan.extract import speakers  # noqa: E402


def _plain_find_medium(text: str, start: int, end: int) -> str | None:
    """``find_medium`` without a roster as it reads plainly: every pattern, led by ``\\b``, searched from the start."""
    best = None
    for pattern in speakers._MEDIUM_PATTERNS:
        plain = re.compile(pattern.pattern.replace(r"in(?<!\win)", r"\bin"))
        for m in plain.finditer(text, start, end):
            name = speakers._outlet_name(m.group(1))
            first = name.split()[0].lower() if name else ""
            if not name or first in speakers._NOT_MEDIA or speakers.is_demonym(first) or (
                    first in speakers._STOP and first != "the"):
                continue
            if best is None or m.start(1) < best[0]:
                best = (m.start(1), name)
            break
    return best[1] if best else None


_MEDIUM_WORDS = ["told", "tells", "telling", "storytelling", "the", "newspaper", "Kommersant", "Reuters", "speaking",
                 "with", "spoke", "to", "BBC", "in", "within", "an", "interview", "his", "Telegram", "post", "channel",
                 "on", "upon", "con", "via", "trivia", "wrote", "writes", "X", "He", "Monday", "Russian", "said", ",",
                 "official", "account", "a", "video", "letter", "by", "interviewed", "agency", "RIA", "Novosti", "TV"]


@SETTINGS
@given(texts(_MEDIUM_WORDS), st.integers(0, 20), st.integers(0, 200))
@example("storytelling told Reuters within an interview with the BBC", 0, 200)
@example("he said upon trivia on Telegram", 3, 200)
def test_the_medium_is_found_from_the_first_cue_as_the_plain_patterns_find_it(text, start, end):
    end = min(end, len(text))
    assert speakers.find_medium(text, start, end) == _plain_find_medium(text, start, end)


_OPENERS_AND_SPACES = list(speakers._SENTENCE_OPENERS) + [" ", "  ", "\t", "\u00a0", "\n", ",", "a", "B", "7", ")"]


@SETTINGS
@given(st.lists(st.sampled_from(_OPENERS_AND_SPACES), max_size=6).map("".join), st.integers(0, 8))
def test_a_word_after_a_space_after_a_word_is_told_not_to_open_a_sentence_as_the_plain_way_tells(before, floor):
    text = before + "Name"
    pos, floor = len(before), min(floor, len(before))
    i = pos - 1
    while i >= floor and text[i] in " \t\u00a0":
        i -= 1
    plain = i < floor or text[i] in speakers._SENTENCE_OPENERS or text[i] == "\n"
    assert speakers._sentence_initial(text, pos, floor) == plain


# --- ids ------------------------------------------------------------------------------------------

from caravan.common import ids  # noqa: E402

_PART = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                  st.sampled_from(["Tajikistan", "“quoted”", "a\\b\"c", "\u2028", "é", "😀"]))


@SETTINGS
@given(st.lists(st.one_of(_PART, st.lists(_PART, max_size=3), st.dictionaries(st.text(max_size=4), _PART, max_size=3)),
                max_size=8))
def test_an_ids_json_is_the_encoders(parts):
    # the encoder's C function, made once, writes what the encoder writes
    assert "".join(ids._ENCODE(tuple(parts), 0)) == ids._ID_ENCODER.encode(tuple(parts))
