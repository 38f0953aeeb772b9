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


# --- the regions named elsewhere -----------------------------------------------------------------------------------
# Towns of one name in several regions, the names of those regions (as news spells them, with odd letters and
# marks), and words that name a region otherwise ("regional") or nothing.
REGION_WORDS = ["Sosnovka", "Mikhaylovka", "Svetlyy", "Sovetskiy", "Kirov", "Oblast", "Kirov Oblast", "Tambov Region",
                "Volgograd oblast’s", "Tomsk", "Primorsky Krai", "Khanty-Mansi", "Khanty–Mansi Autonomous Okrug",
                "Kabardino\u2011Balkaria", "KHANTY MANSIA", "Yugra", "Saint Petersburg", "St. Petersburg",
                "St Petersburg", "Leningrad Oblast", "Chüy Region", "Chu\u0308y Region", "Mari El", "Tula", "regional",
                "Regional", "REGIONAL", "Kirov’s", "Tomsk.", "U.S.Kirov", "x–Tomsk", "Mikhaylovka’s", "Yoshkar-Ola",
                "Yoshkar–Ola’s", "U.S.Yoshkar-Ola", "police", "in", "near", "Moscow", "the", "«", "»", ",", ".", "x", "é"]


def region_texts() -> st.SearchStrategy[str]:
    separators = st.sampled_from([" ", " ", ", ", ". ", "\n", "\u00a0", "  ", "\u2009"])
    return st.lists(st.tuples(st.sampled_from(REGION_WORDS), separators), min_size=1, max_size=14).map(
        lambda parts: "".join(w + s for w, s in parts))


@SETTINGS
@given(region_texts(), st.integers(0, 40), st.integers(0, 200))
def test_places_are_found_as_when_every_region_named_is_read(text, start, end):
    # the regions named anywhere in the text, as the article's sentences name them (the whole text is one here)
    named = frozenset(p.region for p in places.find_places(text) if p.kind == "region")
    start, end = min(start, len(text)), min(max(start, end), len(text))
    plain = places.find_places(text, start, end, context=named)
    context = named if places.reads_regions_named(text, start, end) else ()
    assert places.find_places(text, start, end, context=context) == plain


@SETTINGS
@given(region_texts())
def test_the_key_of_every_region_named_is_in_the_folded_text(text):
    folded = places._folded(text)
    for p in places.find_places(text):
        if p.kind == "region" and not places._may_be_named(text, (p.region.country, p.region.admin1)):
            raise AssertionError((p, folded))
    for name in places._names.__wrapped__(text, 0, len(text)):
        if name.kind == "region" and name.key.isascii():
            assert name.key in folded or "st " + name.key[6:] in folded, (name, folded)


def test_a_region_named_by_its_city_before_regional_is_read():
    # the Sovetskiy of Mari El, not the most populous one, where "Yoshkar-Ola regional" names the republic (whose
    # names are not in the text)
    for later in ("The Yoshkar-Ola regional police said so.", "U.S.Volzhsk REGIONAL police said so."):
        text = f"Police detained a man in Sovetskiy. {later}"
        end = text.index(".") + 1
        named = frozenset(p.region for p in places.find_places(text) if p.kind == "region")
        plain = places.find_places(text, 0, end, context=named)
        assert plain != places.find_places(text, 0, end)
        assert places.reads_regions_named(text, 0, end)
        context = named if places.reads_regions_named(text, 0, end) else ()
        assert places.find_places(text, 0, end, context=context) == plain


def test_every_region_key_is_ascii():
    # _may_be_named looks for a region's key in the text folded to ASCII: a key with a letter beyond ASCII would never
    # be found there, and the regions named elsewhere would be left unread where they matter.
    assert all(key.isascii() for key in places.gazetteer().region_keys)
