"""Numbers as news writes them ("seven", "a dozen", "5.7 billion", "48%") and their qualifiers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from caravan.extract.caseless import caseless

# English month names, once for every module that reads or writes dates (independent of the locale).
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")

# Longest phrases first so that "more than" wins over "more".
_QUALIFIER_PHRASES = [
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"), ("a minimum of", "at_least"),
    ("more than", "more_than"), ("upwards of", "more_than"),
    ("over", "over"), ("above", "over"), ("in excess of", "over"), ("exceeding", "over"),
    ("about", "about"), ("around", "about"), ("approximately", "about"), ("roughly", "about"),
    ("some", "about"), ("an estimated", "about"), ("estimated", "about"), ("almost", "nearly"),
    ("nearly", "nearly"), ("close to", "nearly"), ("just under", "nearly"), ("fewer than", "less_than"),
    ("less than", "less_than"), ("under", "less_than"), ("below", "less_than"), ("up to", "up_to"),
    ("as many as", "up_to"), ("as much as", "up_to"),
    # Negated and capped forms: without them "no more than" would read as more_than.
    ("no more than", "up_to"), ("not more than", "up_to"), ("at most", "up_to"), ("a maximum of", "up_to"),
    ("not less than", "at_least"), ("not fewer than", "at_least"), ("upward of", "more_than"),
    ("estimated at", "about"), ("put at", "about"), ("circa", "about"), ("just shy of", "nearly"),
]
_QUALIFIER_RE = re.compile(
    r"(?:^|\b)(" + "|".join(re.escape(p) for p, _ in sorted(_QUALIFIER_PHRASES, key=lambda x: -len(x[0]))) + r")\s*$",
    re.IGNORECASE,
)
_QUALIFIER_LOWER_RE = re.compile(_QUALIFIER_RE.pattern)  # the phrases are lower-case
_QUALIFIER_OF = dict(_QUALIFIER_PHRASES)

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "a hundred": 100,
    "hundred": 100, "a thousand": 1000, "thousand": 1000, "a couple of": 2, "a pair of": 2,
}
# Vague plurals: the number is a lower bound, so the qualifier is at_least.
VAGUE_NUMBERS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens of thousands": 20000,
                 "hundreds of thousands": 200000, "millions": 2000000}
SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}

_SCALE_FACTORS = {"hundred": Decimal(100)} | {word: Decimal(int(factor)) for word, factor in SCALES.items()}

# Only before a scale word: "a million", "half a billion".
_ARTICLE_NUMBERS = {"a": Decimal(1), "an": Decimal(1), "half a": Decimal("0.5"), "half an": Decimal("0.5")}

_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
NUMBER_WORD_PATTERN = (
    rf"(?:{_TENS}[- ]{_UNITS}|tens of thousands|hundreds of thousands|"
    + "|".join(re.escape(w) for w in sorted(set(WORD_NUMBERS) | set(VAGUE_NUMBERS), key=len, reverse=True))
    + r")"
)
DIGITS_PATTERN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DIGITS_RE = re.compile(DIGITS_PATTERN)
_PLAIN_DIGITS = re.compile(DIGITS_PATTERN.replace(r"\d", "[0-9]"))  # the ASCII digits that most numbers are written in
_TENS_UNITS_RE = re.compile(rf"({_TENS})[- ]({_UNITS})")


def parse_number(surface: str) -> tuple[float, bool] | None:
    """Value of a number in digits or words, and whether it is vague ("hundreds")."""
    s = surface.strip().lower()
    if _DIGITS_RE.fullmatch(s):
        return float(s.replace(",", "")), False
    if s in VAGUE_NUMBERS:
        return float(VAGUE_NUMBERS[s]), True
    if s in WORD_NUMBERS:
        return float(WORD_NUMBERS[s]), False
    m = _TENS_UNITS_RE.fullmatch(s)
    if m:
        return float(WORD_NUMBERS[m.group(1)] + WORD_NUMBERS[m.group(2)]), False
    return None


_LONGEST_QUALIFIER = max(len(p) for p, _ in _QUALIFIER_PHRASES)


def qualifier_before(prefix: str, end: int | None = None) -> tuple[str, int] | None:
    """The qualifier that ends ``prefix[:end]`` (the text just before a number) and its length (up to
    ``end``), if any.

    Only the end of the text is read: a qualifier is a phrase of a few words before the white space that
    ends the text, so that a sentence of many numbers is not read again from its start for each."""
    end = len(prefix) if end is None else end
    stop = end
    while stop and prefix[stop - 1].isspace():
        stop -= 1
    start = max(0, stop - _LONGEST_QUALIFIER)
    before = max(0, start - 1)  # the character before is read for the word boundary
    tail = prefix[before:end]
    if tail.isascii():
        # Lower-cased, the pattern need not ignore case: an ASCII letter matches its own two cases only.
        m = _QUALIFIER_LOWER_RE.search(tail.lower(), start - before)
    else:
        m, before = _QUALIFIER_RE.search(prefix, start, end), 0
    if not m:
        return None
    return _QUALIFIER_OF[caseless(m.group(1))], end - before - m.start(1)  # "İn excess of" too


def scaled_value(number: str, scale: str | None = None) -> float | None:
    """Plain value of a number and its scale words: ("5.7", "billion") is 5700000000, ("a", "million") 1000000.

    Digits go through Decimal so that 5.7 billion is exactly 5700000000, not 5700000000.000001.
    Vague numbers ("hundreds") have no exact value and give None.
    """
    if _PLAIN_DIGITS.fullmatch(number):  # as most numbers are written: no need to read it as words
        if not scale:
            # The float of a decimal string is its nearest double, as that of its Decimal is (which reads its str).
            return float(number.replace(",", ""))
        base = Decimal(number.replace(",", ""))
    else:
        s = " ".join(number.lower().split())
        if s in _ARTICLE_NUMBERS:
            base = _ARTICLE_NUMBERS[s]
        elif _DIGITS_RE.fullmatch(s):
            try:
                base = Decimal(s.replace(",", ""))
            except InvalidOperation:
                return None
        else:
            parsed = parse_number(s)
            if parsed is None or parsed[1]:
                return None
            base = Decimal(int(parsed[0]))
    # "hundred thousand" multiplies its words.
    for word in (scale or "").lower().split():
        factor = _SCALE_FACTORS.get(word)
        if factor is None:
            return None
        base *= factor
    return float(base)
