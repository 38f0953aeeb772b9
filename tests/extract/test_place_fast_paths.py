"""The shortcuts of place finding give what the plain reading they replace gives.

A name of two words or more is looked up only where its first two words may open one: the texts here are made of
words that open names ("The", "New", "St", "Central"), words that follow them in names and words that do not, in
several cases and spellings, and the names found are compared with those found looking every reading up.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.extract import places

SETTINGS = settings(max_examples=300, deadline=None)

NAME_WORDS = ["The", "the", "THE", "Hague", "Hague’s", "Gambia", "police", "New", "York", "Delhi", "Yorker", "St",
              "St.", "ST", "Petersburg", "Saint", "Central", "Asia", "Asian", "African", "Republic", "Nur-Sultan",
              "Nur", "Sultan", "Kyrgyz", "Russian", "Federation", "Moscow", "Oblast", "oblast", "Nizhny", "Novgorod",
              "Novgorod's", "Ust-Kamenogorsk", "Ust", "Kamenogorsk", "El", "Paso", "Él", "Paso.", "United", "States",
              "Kingdom", "Arab", "Emirates", "A", "I", "In", "Rio", "de", "Janeiro", "x", "1", "“", "—"]


def name_texts() -> st.SearchStrategy[str]:
    separators = st.sampled_from([" ", " ", " ", "  ", ", ", "\n", ". "])
    return st.lists(st.tuples(st.sampled_from(NAME_WORDS), separators), min_size=1, max_size=12).map(
        lambda parts: "".join(w + s for w, s in parts))


@SETTINGS
@given(name_texts())
def test_names_are_found_as_when_every_reading_is_looked_up(text):
    fast = places._names.__wrapped__(text, 0, len(text))
    original = places._may_open_name
    places._may_open_name = lambda first, second: True
    try:
        plain = places._names.__wrapped__(text, 0, len(text))
    finally:
        places._may_open_name = original
    assert fast == plain


def test_two_words_that_open_no_name_are_not_looked_up_together():
    assert places._may_open_name("New", "York") and places._may_open_name("St", "Petersburg")
    assert places._may_open_name("The", "Hague") and not places._may_open_name("The", "police")
    assert places._may_open_name("Nur-Sultan", "x") and places._may_open_name("The", "Hague’s")  # not plain words


@SETTINGS
@given(name_texts())
def test_the_capitalised_words_of_names_are_the_plain_patterns(text):
    plain = re.compile(r"(?<![\w’'\-])(?:[A-Z]\.){2,}|(?<![\w’'\-])[^\W\d_a-z][\w’'\-–]*\.?")
    assert [m.span() for m in places._CAPITALISED_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]
