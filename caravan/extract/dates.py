"""Dates of events as news writes them, resolved against the article's publication date.

Explicit dates ("on March 22", "22 March 2024", "in March", "in 2021") and relative ones ("yesterday",
"on Friday", "last week", "last year", "three days ago"). A date is never more precise than what the text
and the publication date together allow: "last week" is a month, and in an article published "2024-03"
"yesterday" is "2024-03" too. A date without its year takes the latest such day not after the publication
period, so results never depend on the wall clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import lru_cache

from caravan.extract.numbers import MONTH_NAMES, parse_number

_MONTHS = tuple(m.lower() for m in MONTH_NAMES)
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {"sept": 9}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d{2}"
_COUNT = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|a\s+few|several)"

# Alternatives in order of preference at one position: the most specific first.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(rf"\b({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")),
    ("calendar", re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?"
                            rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?)(?![\d:])")),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("month", re.compile(rf"\b(?i:in|since|during|early|late|mid-|last|this|until|by|from)\s+(?:early\s+|late\s+|mid-)?"
                         rf"({_MONTH})(?![\w-])")),
    ("year", re.compile(rf"\b(?i:in|during|early|late|mid-|since|of|by|throughout)\s+(?:early\s+|late\s+|mid-)?({_YEAR})\b"
                        r"(?!\s*%)")),
    ("ago", re.compile(rf"\b({_COUNT})\s+(day|week|month|year)s?\s+ago\b", re.IGNORECASE)),
    ("relative", re.compile(r"\b(?:(?:earlier|later)\s+)?(?:(yesterday|today|tonight)|(?:last|this|past)\s+(night|week(?:end)?|month|year)"
                            r"|(?:over\s+)?the\s+(weekend)|(?:earlier|later)\s+this\s+(week|month|year))\b", re.IGNORECASE)),
    ("weekday", re.compile(rf"\b(?:((?i:last|this|on|early|late))\s+)?({_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b")),
]
# Words that every match of a pattern holds (as the pattern reads them: in any case where it ignores case): a span
# without them is not searched for that pattern. Most spans hold a date of one or two kinds only, some none.
_CUES: dict[str, re.Pattern] = {
    "iso": re.compile(r"(?:19|20)\d\d-"),
    "month": re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    "century": re.compile(r"19|20"),
    "digit": re.compile(r"\d"),
    "weekday": re.compile(_WEEKDAY),  # the weekday's name, not "today" or "days"
}
# The cues each pattern's matches hold, all of them ("ago" and "relative" are read in the lower-cased span).
_PATTERN_CUES: dict[str, tuple[str, ...]] = {
    "iso": ("iso",), "calendar": ("month", "digit"), "month_year": ("month", "century"), "month": ("month",),
    "year": ("century",), "ago": ("ago",), "relative": ("relative",), "weekday": ("weekday",),
}
# Every relative date holds one of these in some case ("terday" of "yesterday": "day" alone is in "days" and
# "Sunday"). Their letters have no case forms but those that lower-case to them (the Kelvin sign is a "k"), so the
# lower-cased span holds it too: found faster than by a pattern ignoring case.
_RELATIVE_CUES = ("terday", "today", "ght", "week", "month", "year")


def _may_hold(kind: str, text: str, start: int, end: int, held: dict[str, bool] | None = None) -> bool:
    """Whether text[start:end] holds the cues of the pattern of ``kind``. ``held`` keeps whether it holds each cue
    asked, for the next kind: patterns share cues."""
    held = {} if held is None else held
    for cue in _PATTERN_CUES[kind]:
        if cue not in held:
            held[cue] = _holds(cue, text, start, end)
        if not held[cue]:
            return False
    return True


def _holds(cue: str, text: str, start: int, end: int) -> bool:
    if cue == "ago":  # its letters, as the relative cues', have no other case forms
        return "ago" in text[start:end].lower()
    if cue == "relative":
        lower = text[start:end].lower()
        return any(word in lower for word in _RELATIVE_CUES)
    return _CUES[cue].search(text, start, end) is not None


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # year, month or day


@dataclass(frozen=True)
class _Base:
    """The publication date: year always, month and day where known."""

    year: int
    month: int | None
    day: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@lru_cache(maxsize=64)  # asked for each span of an article: its publication date is read once
def _base(published: str | None) -> _Base | None:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2) and int(m.group(2)), m.group(3) and int(m.group(3))
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return _Base(year, month or None, day or None)


def _format(date: dt.date, precision: str) -> tuple[str, str]:
    iso = date.isoformat()
    return {"day": iso, "month": iso[:7], "year": iso[:4]}[precision], precision


def _coarsest(*precisions: str) -> str:
    return min(precisions, key=("year", "month", "day").index)


def publication_date(published: str | None) -> tuple[str | None, str | None]:
    base = _base(published)
    return (published, base.precision) if base else (None, None)


def find_dates(text: str, published: str | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date expressions in ``text[start:end]`` that resolve to a date, in text order, without overlaps."""
    end = len(text) if end is None else end
    base = _base(published)
    found: list[DateMention] = []  # in text order: they do not overlap, so their ends rise with their starts
    held: dict[str, bool] = {}
    for kind, pattern in _PATTERNS:
        if not _may_hold(kind, text, start, end, held):
            continue
        for m in pattern.finditer(text, start, end):
            i = bisect_left(found, m.end(), key=lambda f: f.start) - 1  # the last one that starts before it ends
            if i >= 0 and m.start() < found[i].end:
                continue
            resolved = _resolve(kind, m, base)
            if resolved:
                insort(found, DateMention(m.start(), m.end(), m.group(), *resolved), key=lambda f: f.start)
    return found


def resolve_date(expression: str, published: str | None) -> tuple[str, str] | None:
    """The date and precision an expression ("last week", "on March 22") means for an article so published."""
    mentions = find_dates(expression, published)
    return (mentions[0].value, mentions[0].precision) if mentions else None


def _resolve(kind: str, m: re.Match, base: _Base | None) -> tuple[str, str] | None:
    if kind == "iso":
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if kind == "calendar":
        return _calendar(m.group(), base)
    if kind == "month_year":
        month = _month_number(m.group())
        return f"{re.search(_YEAR, m.group()).group()}-{month:02d}", "month"
    if kind == "month":
        if base is None:
            return None
        if base.month is None:  # "in March" of an article dated only by its year: that year, or the one before
            return str(base.year), "year"
        month = _month_number(m.group(1))
        year = base.year if month <= base.month else base.year - 1
        if m.group().lower().startswith("last") and base.month is not None and month >= base.month:
            year = base.year - 1
        return f"{year}-{month:02d}", "month"
    if kind == "year":
        return m.group(1), "year"
    if base is None:
        return None
    if kind == "ago":
        return _ago(m.group(1).lower(), m.group(2).lower(), base)
    if kind == "relative":
        return _relative(m, base)
    return _weekday(m.group(1), m.group(2), base)


def _valid(year: int, month: int, day: int) -> tuple[str, str] | None:
    try:
        return dt.date(year, month, day).isoformat(), "day"
    except ValueError:
        return None


def _month_number(text: str) -> int:
    word = re.search(r"[A-Za-z]+", text).group().lower()
    return _MONTH_ABBR[word[:4] if word.startswith("sept") else word[:3]]


def _calendar(text: str, base: _Base | None) -> tuple[str, str] | None:
    # The calendar pattern fixes the form (weekday, day, month, year), so its parts are read directly:
    # a general date parser cost milliseconds per distinct string, most of the time of date resolution.
    text = re.sub(rf"^{_WEEKDAY},?\s+", "", text)
    day = int(re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text).group(1))
    month = _month_number(re.search(_MONTH, text).group())
    year = re.search(rf"\b{_YEAR}\b", text)
    if year:
        return _valid(int(year.group()), month, day)
    if base is None or _valid(2000, month, day) is None:  # 2000: a leap year, so "February 29" exists
        return None
    if base.month is None:  # the latest such day not after the publication period, which an article
        return str(base.year), "year"  # dated only by its year does not tell
    candidate = _valid(base.year, month, day)
    if candidate is None or dt.date.fromisoformat(candidate[0]) > base.last_day:
        return _valid(base.year - 1, month, day)
    return candidate


def _shift_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _ago(count: str, unit: str, base: _Base) -> tuple[str, str] | None:
    if count in ("a", "an"):
        n = 1
    elif count in ("a few", "several"):
        n = 3
    else:
        parsed = parse_number(count)
        if parsed is None:
            return None
        n = int(parsed[0])
    ref = base.last_day if base.day else dt.date(base.year, base.month or 1, 1)
    if unit == "year":
        return str(base.year - n), "year"
    if unit == "month":
        if base.month is None:
            return str(base.year), "year"
        return _format(_shift_months(ref, n), "month")
    days = n * (7 if unit == "week" else 1)
    if base.day is None:
        return _format(ref, base.precision)
    return _format(ref - dt.timedelta(days=days), "day" if unit == "day" else "month")


def _relative(m: re.Match, base: _Base) -> tuple[str, str] | None:
    groups = [g.lower() for g in m.groups() if g]
    text = m.group().lower()
    unit = groups[-1]
    ref = base.last_day if base.day else dt.date(base.year, base.month or 1, 1)
    if unit in ("yesterday", "today", "tonight", "night"):
        back = 1 if unit == "yesterday" or text.startswith("last night") else 0
        return _format(ref - dt.timedelta(days=back if base.day else 0), base.precision)
    if unit in ("week", "weekend"):
        back = 7 if text.startswith(("last", "past")) else 0
        return _format(ref - dt.timedelta(days=back if base.day else 0), _coarsest("month", base.precision))
    if unit == "month":
        if base.month is None:
            return str(base.year), "year"
        back = 1 if text.startswith("last") else 0
        return _format(_shift_months(ref, back), "month")
    if unit == "year":
        back = 1 if text.startswith("last") else 0
        return str(base.year - back), "year"
    return None


def _weekday(prefix: str | None, name: str, base: _Base) -> tuple[str, str] | None:
    if base.day is None:
        return _format(dt.date(base.year, base.month or 1, 1), base.precision)
    prefix = (prefix or "").lower()
    ref = base.last_day
    back = (ref.weekday() - _WEEKDAYS.index(name.lower())) % 7
    if prefix == "last" and back == 0:
        back = 7
    return _format(ref - dt.timedelta(days=back), "day")


# "The next day", "A day earlier", "Six months later": a date counted from the last one the text gave.
_ANCHORED = re.compile(rf"(?:(?:The|the)\s+(?:next|following)\s+(?P<next>day|week|month|year)"
                       rf"|(?P<n>{_COUNT})\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>later|earlier))\b",
                       re.IGNORECASE)


def find_anchored(text: str, start: int, end: int) -> tuple[int, str, int] | None:
    """A date counted from an earlier one at the start of text[start:end] ("The next day, police ..."): its end,
    its unit and how many of them (negative: before)."""
    m = _ANCHORED.match(text, start, end)
    if m is None:
        return None
    if m.group("next"):
        return m.end(), m.group("next").lower(), 1
    count = m.group("n").lower()
    n = 1 if count in ("a", "an") else 3 if count in ("a few", "several") else int(parse_number(count)[0])
    return m.end(), m.group("unit").lower(), -n if m.group("dir").lower() == "earlier" else n


def shift_date(value: str, precision: str, unit: str, n: int) -> tuple[str, str] | None:
    """``value`` moved by ``n`` units, no more precise than both the date and the unit allow ("2024-03-29" and
    one day: "2024-03-30"; "2024-03" and six months: "2024-09")."""
    parts = [int(p) for p in value.split("-")]
    if unit == "year":
        return str(parts[0] + n), "year"
    if unit == "month":
        if len(parts) < 2:
            return None
        return _format(_shift_months(dt.date(parts[0], parts[1], 1), -n), "month")
    if len(parts) < 3:
        return None if len(parts) < 2 else (value, "month")  # "a day after" something in March: March
    moved = dt.date(*parts) + dt.timedelta(days=n * (7 if unit == "week" else 1))
    return _format(moved, "day" if unit == "day" else "month")
