"""The ninth round's shortcuts (issue 17) give what the plain ways they replace give, on texts of our own.

Patterns rewritten to open with a letter are compared with the ``\\b``-led patterns they stand for; quicker folds and
look-ups with the calls they stand for.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from caravan.extract import figures
from caravan.extract.caseless import caseless

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
    assert figures._folded(text) == caseless(text)
