"""Number words, scales and qualifier phrases (caravan.extract.numbers); all inputs are synthetic snippets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caravan.extract.numbers import (
    DIGITS_PATTERN, NUMBER_WORD_PATTERN, SCALES, VAGUE_NUMBERS, WORD_NUMBERS, parse_number,
    qualifier_before, scaled_value,
)
from caravan.store.vocabularies import QUALIFIERS


@pytest.mark.parametrize("surface, expected", [
    ("139", (139.0, False)),
    ("600,000", (600000.0, False)),
    ("5.7", (5.7, False)),
    ("seven", (7.0, False)),
    ("Seven", (7.0, False)),
    ("twenty-five", (25.0, False)),
    ("forty two", (42.0, False)),
    ("a dozen", (12.0, False)),
    ("hundreds", (200.0, True)),
    ("tens of thousands", (20000.0, True)),
    ("many", None),
    ("", None),
])
def test_parse_number(surface, expected):
    assert parse_number(surface) == expected


@pytest.mark.parametrize("prefix, qualifier", [
    ("killed at least ", "at_least"),
    ("accounted for over ", "over"),
    ("received about ", "about"),
    ("show more than ", "more_than"),
    ("injured nearly ", "nearly"),
    ("Some ", "about"),
    ("an estimated ", "about"),
    ("remittances were estimated at ", "about"),
    ("fewer than ", "less_than"),
    ("as many as ", "up_to"),
    ("no more than ", "up_to"),
    ("not less than ", "at_least"),
    ("at most ", "up_to"),
    ("just over ", "over"),
])
def test_qualifier_before(prefix, qualifier):
    found = qualifier_before(prefix)
    assert found is not None and found[0] == qualifier
    assert found[0] in QUALIFIERS


@pytest.mark.parametrize("prefix", ["with most of it from Russia — ", "the turnover ", "the ", ""])
def test_no_qualifier(prefix):
    assert qualifier_before(prefix) is None


def test_qualifier_length_covers_the_whole_phrase():
    prefix = "Russia hosts no more than "
    qualifier, length = qualifier_before(prefix)
    assert (qualifier, prefix[-length:]) == ("up_to", "no more than ")


@pytest.mark.parametrize("number, scale, value", [
    ("5.7", "billion", 5_700_000_000),
    ("25", "bn", 25_000_000_000),
    ("1.2", "million", 1_200_000),
    ("2", "trillion", 2_000_000_000_000),
    ("1.5", "mn", 1_500_000),
    ("3", "bln", 3_000_000_000),
    ("600,000", None, 600_000),
    ("a", "million", 1_000_000),
    ("half a", "billion", 500_000_000),
    ("two", "trillion", 2_000_000_000_000),
    ("a hundred", "thousand", 100_000),
    ("3", "hundred thousand", 300_000),
    ("Ten", "Million", 10_000_000),
])
def test_scaled_value_is_exact(number, scale, value):
    assert scaled_value(number, scale) == value


@pytest.mark.parametrize("number, scale", [("hundreds", None), ("millions", None), ("many", None), ("5", "zillion")])
def test_scaled_value_rejects_vague_or_unknown(number, scale):
    assert scaled_value(number, scale) is None


def test_patterns_recognise_what_parse_number_reads():
    words = re.compile(NUMBER_WORD_PATTERN, re.IGNORECASE)
    for word in list(WORD_NUMBERS) + list(VAGUE_NUMBERS) + ["thirty-three"]:
        assert words.fullmatch(word), word
        assert parse_number(word) is not None
    digits = re.compile(DIGITS_PATTERN)
    for surface in ("7", "10,000", "5.75", "1,234,567.8"):
        assert digits.fullmatch(surface)
        assert parse_number(surface) is not None


def test_scales_are_powers_of_a_thousand():
    assert SCALES["million"] == SCALES["mln"] == SCALES["mn"] == SCALES["m"] == 1e6
    assert SCALES["billion"] == SCALES["bn"] == SCALES["bln"] == 1e9
    assert SCALES["trillion"] == SCALES["tn"] == 1e12


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_round_trip(n):
    assert parse_number(f"{n:,}") == (float(n), False)
    assert scaled_value(f"{n:,}") == float(n)


@pytest.mark.parametrize("prefix", ["İn excess of ", "in exceſs of ", "ABOUT ", "approxımately "])
def test_a_qualifier_spelled_with_letters_re_reads_as_ascii_is_read(prefix):
    # re's IGNORECASE reads İ and ı as "i" and ſ as "s"; the phrase's look-up must read them so too (it raised
    # KeyError, which stopped the whole extraction of the article).
    plain = qualifier_before(prefix.replace("İ", "I").replace("ı", "i").replace("ſ", "s"))
    assert plain is not None and qualifier_before(prefix) == plain
