"""One incident, many reports: incident mentions of every article merged into events.

``merge_incidents`` turns the mention rows of the incident extractor (one per mention, every article)
into ``incidents`` (one row per event) and ``incident_sources`` (one row per mention, pointing at its
event).

When two mentions tell the same event:
- same type and same country (a mention without a country or a type never merges);
- from different articles: the extractor already keeps one record per event within an article, so two
  mentions of one article merge only when they share their evidence span exactly;
- places: the same city (GeoNames name, ASCII-folded and case-folded; GeoNames ids must not differ), or
  at most one of them names a city and the other, cityless, one is in the same region or names none;
  two cityless mentions need equal regions or one without a region;
- dates both known and close: two days at most ``WINDOW_DAYS`` apart, a month with a day in it or the
  same month, a year only for one-off events (``ONE_OFF_TYPES``: "the 2024 attack" is one attack, "an
  assault in 2024" could be any of them);
- a travel advisory: same issuing country and same month, wherever and whichever day.

How mentions are grouped (deterministic, whatever the input order): mentions are sorted by publication
of their article (a month sorts before its days, unknown last), article id, char_start and record_id,
and taken one by one. A mention joins an existing event only if it fits every member of it (so an event
never holds two cities, or days further apart than the window, as union-find would by chaining pairs);
among several such events, the one with the same city, then the closest dates, then the earliest event.
Otherwise it starts a new event. Candidate events are looked up by (type, country, city) and time bucket
(week of a day, month, year), so the work grows with the mentions, not with their square. A later
report joins events without changing them; only a report published before the others (or on the same
date with a smaller article id) becomes a new primary and so changes an event's id.

The event: its id and evidence are those of its first mention (the primary: earliest published), so an
event keeps its id when later reports join it. Place: the city (with its region, coordinates and GeoNames
id) of the first mention naming one, the primary first; else the first region named. Date: the most precise one (day over month over year; the primary's among equals).
Counts: an exact value over a qualified one, the primary's among equals; when the mentions give different
numbers, ``count_notes`` lists every reading with its articles. target_group and perpetrator: the
primary's, else the first given. ``merge_rule`` says in words why the mentions were merged.

Merging again after a change (``remerge``, used by ``merge_update``) gives exactly what a merge of every
mention gives, with work near the changes only. Mentions of one type and country merge among themselves
alone, and an event's rows depend only on its members in order, so the merge is replayed per (type,
country) group in the same global order, knowing each unchanged mention's event of the last merge. A
mention's decision depends only on the events it fits among those in the buckets it looks up, as they
are at its turn; so an unchanged mention whose event of the last merge is unchanged at its turn, and
which fits no changed event filed under its buckets, decides as it did (the events it fits are last
time's, ranked alike: events rank by creation, the order of their primaries, which the unchanged ones
keep), and nothing is done for it. An unchanged mention whose event changed but lost no member keeps it without a
search when it still fits it and no changed event it may meet fits it better: the event holds every member it had
then, so it ranks at least as well as then, above every unchanged event the mention fits. See ``Remerge``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import pyarrow as pa

from caravan.store.tables import INCIDENT_SOURCES, INCIDENTS
from caravan.store.vocabularies import COUNT_KINDS
from caravan.store.warehouse import to_arrow

WINDOW_DAYS = 7
# Events that happen once and are remembered by the year ("the 2024 Crocus attack").
ONE_OFF_TYPES = frozenset({"terror_attack"})
_ADVISORY = "travel_advisory"
_ANY_CITY = ("any city",)  # an index slot no folded city name can equal

EVENT_COLUMNS = (
    "incident_id", "type", "city", "region", "country", "latitude", "longitude", "geonames_id", "date",
    "date_precision",
    *(c for kind in COUNT_KINDS for c in (kind, f"{kind}_qualifier")),
    "count_notes", "target_group", "perpetrator", "n_sources", "n_articles", "merge_rule",
    "article_id", "sentence", "char_start", "char_end",
)
SOURCE_COLUMNS = ("source_id", "incident_id", "article_id", "sentence", "char_start", "char_end", "date",
                  "date_precision", "city", "country")

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class _When:
    """A date as the interval of days it may stand for."""

    value: str
    precision: str  # day, month or year
    lo: int  # ordinal of the first possible day
    hi: int  # ordinal of the last possible day
    year: int
    month: tuple[int, int] | None


@lru_cache(maxsize=None)
def _when(value: object) -> _When | None:
    m = _DATE.fullmatch(value) if isinstance(value, str) else None
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = dt.date(year, int(month), int(day)).toordinal()
            return _When(value, "day", d, d, year, (year, int(month)))
        if month:
            mo = int(month)
            first = dt.date(year, mo, 1).toordinal()
            return _When(value, "month", first, first + calendar.monthrange(year, mo)[1] - 1, year, (year, mo))
        return _When(value, "year", dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal(), year, None)
    except ValueError:  # "2024-02-30", "2024-13": no date rather than a wrong one
        return None


@lru_cache(maxsize=None)
def _fold(name: str) -> str:
    """City names compare as the evaluation does: case-insensitive, ASCII-folded."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_.casefold().split())


@dataclass
class _Mention:
    row: dict
    sort_key: tuple
    when: _When | None
    city: str | None  # folded name
    region: str | None
    geonames_id: int | None

    @property
    def article_id(self) -> str:
        return self.row["article_id"]

    @property
    def span(self) -> tuple:
        return (self.row["article_id"], self.row.get("char_start"), self.row.get("char_end"))


@dataclass
class _Event:
    """The members of one event and what every later member must agree with."""

    index: int | tuple  # creation order: a counter, or (Remerge) the primary's sort key
    type: str
    country: str
    members: list[_Mention] = field(default_factory=list)
    city: str | None = None
    geonames_ids: set = field(default_factory=set)
    city_region: str | None = None  # the first region given with the city
    cityless_regions: set = field(default_factory=set)  # named regions of members naming no city
    articles: set = field(default_factory=set)
    spans: set = field(default_factory=set)
    day_min: int | None = None
    day_max: int | None = None
    day_months: set = field(default_factory=set)  # months of the day-precision members
    months: set = field(default_factory=set)  # month-precision members
    years: set = field(default_factory=set)  # year-precision members
    all_years: set = field(default_factory=set)
    lo: int = 0
    hi: int = 0
    keys: set = field(default_factory=set)  # index buckets the event is filed under

    def add(self, m: _Mention) -> None:
        w = m.when
        if not self.members:
            self.lo, self.hi = (w.lo, w.hi) if w else (0, 0)
        self.members.append(m)
        self.articles.add(m.article_id)
        self.spans.add(m.span)
        if m.city:
            # The first city named is the event's: other members name it or none, but for a travel advisory,
            # whose reports may name different cities.
            self.city = self.city or m.city
            self.city_region = self.city_region or m.region
            if m.geonames_id is not None:
                self.geonames_ids.add(m.geonames_id)
        elif m.region:
            self.cityless_regions.add(m.region)
        if w is None:
            return
        self.lo, self.hi = min(self.lo, w.lo), max(self.hi, w.hi)
        self.all_years.add(w.year)
        if w.precision == "day":
            self.day_min = w.lo if self.day_min is None else min(self.day_min, w.lo)
            self.day_max = w.lo if self.day_max is None else max(self.day_max, w.lo)
            self.day_months.add(w.month)
        elif w.precision == "month":
            self.months.add(w.month)
        else:
            self.years.add(w.year)

    def fits(self, m: _Mention) -> bool:
        """Whether ``m`` tells the same event as every member (type and country are equal by lookup)."""
        if m.article_id in self.articles and m.span not in self.spans:
            return False
        return self._dates_fit(m.when) and (self.type == _ADVISORY or self._places_fit(m))

    def _dates_fit(self, w: _When | None) -> bool:
        if w is None:
            return False
        if self.type == _ADVISORY:
            return w.month is not None and not self.years and (self.day_months | self.months) <= {w.month}
        if w.precision == "day":
            if self.day_min is not None and (w.lo - self.day_min > WINDOW_DAYS or self.day_max - w.lo > WINDOW_DAYS):
                return False
            return self.months <= {w.month} and self.years <= {w.year}
        if w.precision == "month":
            return self.day_months <= {w.month} and self.months <= {w.month} and self.years <= {w.year}
        return self.type in ONE_OFF_TYPES and self.all_years <= {w.year}

    def _places_fit(self, m: _Mention) -> bool:
        if m.city:
            if self.city is not None and (self.city != m.city or (
                    m.geonames_id is not None and self.geonames_ids - {m.geonames_id})):
                return False
            # The same city lies in the region its other mentions give.
            region = m.region or (self.city_region if self.city == m.city else None)
            # Cityless members must lie in the city's region or name none.
            return self.cityless_regions <= ({region} if region else set())
        if m.region is None:
            return True
        if self.city is not None and self.city_region != m.region:
            return False
        return self.cityless_regions <= {m.region}

    def rank(self, m: _Mention) -> tuple:
        """Preference among the events ``m`` fits: same city, then closest dates, then the earliest event."""
        gap = max(0, self.lo - m.when.hi, m.when.lo - self.hi)
        return (0 if m.city and self.city == m.city else 1, gap, self.index)


@lru_cache(maxsize=None)
def _filed_under(type_: str, w: _When) -> tuple[tuple, ...]:
    """Index buckets of a member with date ``w``: where mentions that may fit it will look."""
    one_off = type_ in ONE_OFF_TYPES
    if w.precision == "day":
        keys = [("week", w.lo // 7), ("day_month", w.month)]
    elif w.precision == "month":
        keys = [("month", w.month)]
    else:
        keys = [("year", w.year)] if one_off else []
    return tuple(keys + ([("any", w.year)] if one_off else []))


@lru_cache(maxsize=None)
def _looked_up(type_: str, w: _When) -> tuple[tuple, ...]:
    """Buckets holding every member a mention dated ``w`` may fit (see ``_Event._dates_fit``)."""
    one_off = type_ in ONE_OFF_TYPES
    if type_ == _ADVISORY:
        return (("day_month", w.month), ("month", w.month)) if w.month else ()
    if w.precision == "day":
        keys = [("week", k) for k in range((w.lo - WINDOW_DAYS) // 7, (w.lo + WINDOW_DAYS) // 7 + 1)]
        keys.append(("month", w.month))
    elif w.precision == "month":
        keys = [("day_month", w.month), ("month", w.month)]
    else:
        return (("any", w.year),) if one_off else ()
    return tuple(keys + ([("year", w.year)] if one_off else []))


def filed_where_looked_up(type_: str, dates: Iterable[str | None]) -> tuple[set[str], set[str], set[str]]:
    """Where a member of an event filed under a bucket that mentions of ``type_`` dated ``dates`` look up may be dated:
    on one of the days (YYYY-MM-DD), or, at any precision, in one of the months (YYYY-MM) or years (YYYY). A superset:
    every such member is dated so (``_filed_under`` files a member by its own day, month and year only)."""
    days: set[str] = set()
    months: set[str] = set()
    years: set[str] = set()
    for date in dates:
        w = _when(date)
        for kind, value in _looked_up(type_, w) if w else ():
            if kind == "week":
                days.update(dt.date.fromordinal(d).isoformat() for d in range(7 * value, 7 * value + 7))
            elif kind in ("month", "day_month"):
                months.add(f"{value[0]:04d}-{value[1]:02d}")
            else:  # "year", "any"
                years.add(f"{value:04d}")
    return days, months, years


class _Index:
    """Events filed by (type, country, city, time bucket), so that a mention meets only events it may fit.

    An event without a city yet is filed under None; every event is also filed under ``_ANY_CITY`` for
    the mentions that name no city (and for travel advisories, whose place is the issuing country).
    """

    def __init__(self) -> None:
        self._buckets: dict[tuple, dict[int, _Event]] = {}

    def candidates(self, type_: str, country: str, m: _Mention) -> list[_Event]:
        slots = _slots(type_, m.city)
        found: dict[int, _Event] = {}
        for key in _looked_up(type_, m.when):
            for slot in slots:
                found.update(self._buckets.get((type_, country, slot, *key), {}))
        return list(found.values())

    def file(self, event: _Event, m: _Mention, city_before: str | None) -> None:
        t, c = event.type, event.country
        if event.city != city_before:  # its first city: out of the cityless slot, under the city
            for key in event.keys:
                self._buckets[(t, c, None, *key)].pop(event.index, None)
                self._buckets.setdefault((t, c, event.city, *key), {})[event.index] = event
        for key in _filed_under(t, m.when):
            if key not in event.keys:
                event.keys.add(key)
                for slot in (event.city, _ANY_CITY):
                    self._buckets.setdefault((t, c, slot, *key), {})[event.index] = event


def _slots(type_: str, city: str | None) -> tuple:
    """The city slots a mention naming ``city`` (folded) looks up: its city's and the cityless events', or every
    event's."""
    return (city, None) if city and type_ != _ADVISORY else (_ANY_CITY,)


def _published_key(published: str | None) -> tuple:
    # Strings compare chronologically, a month before its days; an unknown date comes last.
    return (0, published) if published else (1, "")


def _sort_key(published: str | None, article_id: str, char_start: int | None, record_id: str) -> tuple:
    return (_published_key(published), article_id, char_start if char_start is not None else -1, record_id)


def _mention(row: dict, published: dict[str, str | None]) -> _Mention:
    city = row.get("city")
    key = _sort_key(published.get(row["article_id"]), row["article_id"], row.get("char_start"), row["record_id"])
    return _Mention(row, key, _when(row.get("date")), _fold(city) if city else None, row.get("region") or None,
                    row.get("geonames_id"))


def _best_event(index: _Index, type_: str, country: str, m: _Mention) -> _Event | None:
    return _best_of(index.candidates(type_, country, m), m)


def _best_of(candidates: Iterable[_Event], m: _Mention) -> _Event | None:
    """The best-ranked of ``candidates`` that ``m`` fits, or None."""
    event, best = None, None
    for candidate in candidates:
        rank = candidate.rank(m)  # cheap; the full fit is checked only for a better candidate
        if (best is None or rank < best) and candidate.fits(m):
            event, best = candidate, rank
    return event


def merge_incidents(mentions: list[dict], published: dict[str, str | None]) -> tuple[list[dict], list[dict]]:
    """Events (``EVENT_COLUMNS``) and their sources (``SOURCE_COLUMNS``) from incident mention rows.

    ``published`` maps article_id to the article's publication date (YYYY, YYYY-MM, YYYY-MM-DD or None).
    Events come in the order of their primary mentions, sources grouped by event in the same order.
    """
    items = sorted((_mention(row, published) for row in mentions), key=lambda m: m.sort_key)
    seen_ids: set[str] = set()
    for m in items:  # record_id becomes incident_sources.source_id, its key
        if m.row["record_id"] in seen_ids:
            raise ValueError(f"incident record_id {m.row['record_id']!r} appears twice")
        seen_ids.add(m.row["record_id"])
    events = _merged(items)
    rows = [_event_row(e) for e in events]
    sources = [_source_row(m, row["incident_id"]) for e, row in zip(events, rows) for m in e.members]
    return rows, sources


def _merged(items: list[_Mention]) -> list[_Event]:
    """The events of mentions sorted by ``sort_key``, in the order they are created."""
    events: list[_Event] = []
    index = _Index()
    for m in items:
        type_, country = m.row.get("type"), m.row.get("country")
        mergeable = bool(type_ and country and m.when)
        event = _best_event(index, type_, country, m) if mergeable else None
        if event is None:
            event = _Event(len(events), type_, country)
            events.append(event)
        city_before = event.city
        event.add(m)
        if mergeable:
            index.file(event, m, city_before)
    return events


def merge_incidents_in_parts(parts: Iterable[list[dict]], published: dict[str, str | None]
                             ) -> tuple[pa.Table, pa.Table]:
    """``merge_incidents`` of all the mentions of ``parts``, where no mention of a part can merge with another
    part's (mentions of one type per part: only mentions of the same type merge), as Arrow tables of
    ``incidents`` and ``incident_sources``: the same rows in the same order, with one part's mentions and
    events as Python objects at a time."""
    events_parts, sources_parts = [], []
    for part in parts:
        events, sources = merge_incidents(part, published)
        keys, source_keys, start = [], [], 0
        for event in events:  # sources come grouped by event, the primary mention first
            n = event["n_sources"]
            primary = sources[start]
            key = (*_published_key(published.get(primary["article_id"])), primary["article_id"],
                   primary["char_start"] if primary["char_start"] is not None else -1, primary["source_id"])
            keys.append(key)
            source_keys += [(*key, i) for i in range(n)]
            start += n
        events_parts.append(_keyed(to_arrow(INCIDENTS, events), keys, _KEY_COLUMNS[:-1]))
        sources_parts.append(_keyed(to_arrow(INCIDENT_SOURCES, sources), source_keys, _KEY_COLUMNS))
    return _in_key_order(events_parts, INCIDENTS), _in_key_order(sources_parts, INCIDENT_SOURCES)


# The order one merge of every mention creates its events in: by primary mention (``_Mention.sort_key``).
_KEY_COLUMNS = ("_unknown_date", "_published", "_article_id", "_char_start", "_record_id", "_member")


def _keyed(data: pa.Table, keys: list[tuple], names: tuple[str, ...]) -> pa.Table:
    columns = list(zip(*keys)) if keys else [()] * len(names)
    for name, values in zip(names, columns):
        data = data.append_column(name, pa.array(values, pa.int64() if name in ("_unknown_date", "_char_start",
                                                                                 "_member") else pa.string()))
    return data


def _in_key_order(parts: list[pa.Table], spec) -> pa.Table:
    if not parts:
        return spec.arrow_schema().empty_table()
    data = pa.concat_tables(parts)
    keys = [c for c in _KEY_COLUMNS if c in data.column_names]
    # Strings compare as Python compares them: UTF-8 bytes sort as code points do.
    data = data.sort_by([(c, "ascending") for c in keys])
    return data.drop_columns(keys).combine_chunks()


@dataclass
class PreviousMerge:
    """What the last merge of one (type, country) group decided, as ``remerge`` needs it."""

    event_of: dict[str, str] = field(default_factory=dict)  # each unchanged mention's event (its primary's record_id)
    # Each event's members in merge order, removed and changed ones included: (sort key, record_id, date, city) then.
    members: dict[str, list[tuple]] = field(default_factory=dict)
    gone: list[tuple[tuple, str]] = field(default_factory=list)  # removed or changed mentions: sort key and event then

    @classmethod
    def of(cls, sources: Iterable[dict], unchanged: Callable[[dict], bool]) -> PreviousMerge:
        """From the last merge's sources (source_id, incident_id, date, city, and the published, article_id and
        char_start that placed each mention), ``unchanged`` telling the ones whose mention is as it was then."""
        previous = cls()
        for s in sources:
            key = _sort_key(s["published"], s["article_id"], s["char_start"], s["source_id"])
            previous.members.setdefault(s["incident_id"], []).append((key, s["source_id"], s["date"], s["city"]))
            if unchanged(s):
                previous.event_of[s["source_id"]] = s["incident_id"]
            else:
                previous.gone.append((key, s["incident_id"]))
        for members in previous.members.values():
            members.sort()
        return previous


@dataclass
class _Near:
    """The changed events filed under some buckets: their union, made again only when the buckets grew (they never
    shrink, so the same count means the same events)."""

    buckets: list[set[str]]
    held: int = 0
    union: set[str] = field(default_factory=set)

    def events(self) -> set[str]:
        held = sum(map(len, self.buckets))
        if held != self.held:
            self.held, self.union = held, set().union(*self.buckets)
        return self.union


class Remerge:
    """The greedy merge of one group replayed in order, where a mention keeps the event it joined last time unless a
    change may reach it: the events and decisions are those of ``merge_incidents`` of the group's mentions now.

    An event "changed" once its members so far differ from those the event of the same id had at that point of the
    last merge (or it had none): a mention new, removed or changed joined either, or one searched for again joined
    another event. A changed event is filed, as it is now, under its buckets (city slot and time key). An unchanged
    mention whose event of the last merge is unchanged, and which fits no changed event filed under a bucket it looks
    up, fits the same events, each with the same members, ranked alike (events rank by creation, the order of their
    primaries), as last time: it joins the event it joined then, and nothing is done for it. One whose event changed
    but lost no member (``shrunk``) keeps it if it still fits it and no changed event of its buckets fits it better
    (``_kept``). Any other mention is searched for: its candidates are the events ever filed under its time keys,
    taken as they are at its turn (an unchanged event is the first of its last members, added only when a search
    meets it), then filtered and ranked as ``merge_incidents`` does. So the work is near the changes, plus one look
    at the changed events of its buckets per mention.
    """

    def __init__(self, type_: str, country: str | None, previous: PreviousMerge) -> None:
        self.type, self.country, self.previous = type_, country, previous
        self.light: dict[str, dict] = {}
        self.published: dict[str, str | None] = {}
        self.mentions: dict[str, _Mention] = {}
        self.unchanged: dict[str, list] = {}  # unchanged events met so far: [the event, how many members it holds]
        self.live: dict[str, _Event] = {}  # changed events as they are now
        self.changed: set[str] = set()  # ids of changed events, of either merge
        self.shrunk: set[str] = set()  # changed events that lost a member they had at that point of the last merge
        self.changed_in: dict[tuple, set[str]] = {}  # (city slot, time key): the changed events filed under it now
        # time key: the primary's city (folded; None when it names none): events of the last merge filed under the
        # key, from when
        self.filed: dict[tuple, dict[str | None, dict[str, tuple]]] = {}
        self.first_city: dict[str, tuple] = {}  # events of the last merge: when a city was first named, and which
        self.filed_now: dict[tuple, set[str]] = {}  # time key: the changed events filed under it by this merge
        self.near: dict[tuple, _Near] = {}  # (date, city): the changed events a mention so placed may meet
        self.redecided = 0

    def replay(self, mentions: list[dict], published: dict[str, str | None]) -> Remerge:
        if not self.previous.event_of:  # nothing to keep: every mention is searched for, as merge_incidents does
            events = _merged(sorted((_mention(row, published) for row in mentions), key=lambda m: m.sort_key))
            self.live = {e.members[0].row["record_id"]: e for e in events}
            self.changed = set(self.live) | set(self.previous.members)
            self.redecided = len(mentions)
            return self
        self.light, self.published = {r["record_id"]: r for r in mentions}, published
        self._file_previous()
        # Sort keys are unique: items never compare past them and their kind.
        items = [(_sort_key(published.get(r["article_id"]), r["article_id"], r.get("char_start"), r["record_id"]), 1, r)
                 for r in mentions]
        # A mention removed or changed leaves its event of the last merge where it was then placed.
        items += [(key, 0, event_id) for key, event_id in self.previous.gone]
        items.sort()
        for key, kind, what in items:
            if kind:
                self._take(key, what)
            else:
                self._change(what, key)
                self.shrunk.add(what)
        return self

    def _file_previous(self) -> None:
        """Where each event of the last merge was filed, and from when: what ``_Index`` held at each turn."""
        for event_id, members in self.previous.members.items():
            if members[0][1] not in self.previous.event_of:
                continue  # its first mention changed: it changes at its first turn, holding nothing of the last merge
            # An event whose primary names a city is in that city's slot from its first turn: only mentions naming the
            # city, or none, meet it.
            primary_city = _fold(members[0][3]) if members[0][3] else None
            for turn, _, date, city in members:
                if city and event_id not in self.first_city:
                    self.first_city[event_id] = (turn, _fold(city))
                w = _when(date)
                for key in _filed_under(self.type, w) if w else ():
                    self.filed.setdefault(key, {}).setdefault(primary_city, {}).setdefault(event_id, turn)

    def _mention(self, record_id: str) -> _Mention:
        if record_id not in self.mentions:
            self.mentions[record_id] = _mention(self.light[record_id], self.published)
        return self.mentions[record_id]

    def _mergeable(self, w: _When | None) -> bool:
        return bool(self.type and self.country and w)

    def _take(self, t: tuple, row: dict) -> None:
        record_id = row["record_id"]
        before = self.previous.event_of.get(record_id)
        w = _when(row.get("date"))
        if before is not None and not (self._mergeable(w) and self._reached(row, before)):
            return  # it joins the event it joined last time, which holds it as it did
        self.redecided += 1
        m = self._mention(record_id)
        event = (self._kept(m, before) or self._best(m, t)) if self._mergeable(w) else None
        event_id = event.members[0].row["record_id"] if event else record_id
        if before != event_id:
            if before is not None:
                self._change(before, t)
                self.shrunk.add(before)
            self._change(event_id, t)
        if event is None:
            event = _Event(t, self.type, self.country)
            if event_id in self.changed:
                self.live[event_id] = event
            else:
                self.unchanged[event_id] = [event, 0]
        self._add(event_id, event, m)

    def _reached(self, row: dict, before: str) -> bool:
        """Whether a change may reach the decision of the unchanged mention ``row``, which joined ``before`` last time:
        that event changed, or a changed event it may meet fits it as it is now. Else every event it fits is unchanged
        and ranks as it did, ``before`` the first of them (or none, and it starts ``before`` again)."""
        if before in self.changed:
            return True
        near = self._changed_near(row)
        if not near:
            return False
        m = self._mention(row["record_id"])
        return any(event.fits(m) for event in map(self.live.get, near) if event is not None)

    def _changed_near(self, row: dict) -> set[str]:
        """The changed events filed under a bucket the mention ``row`` looks up."""
        place = (row.get("date"), row.get("city"))
        if place not in self.near:
            slots = _slots(self.type, _fold(place[1]) if place[1] else None)
            self.near[place] = _Near([self.changed_in.setdefault((slot, key), set())
                                      for key in _looked_up(self.type, _when(place[0])) for slot in slots])
        return self.near[place].events()

    def _kept(self, m: _Mention, before: str | None) -> _Event | None:
        """The changed event ``before`` that ``m`` joined last time (not as its primary), if it is still the best event
        for ``m`` (else None: search). It lost no member since, so it holds every member it had then, ranks as well
        as then once it holds ``m``'s city (or ``m`` names none), and so above every unchanged event ``m`` fits, each
        ranked as then: it is the best if ``m`` fits it and no changed event ``m`` may meet fits better."""
        event = self.live.get(before) if before != m.row["record_id"] and before not in self.shrunk else None
        if event is None or not event.fits(m):
            return None
        rank = event.rank(m)
        if m.city and rank[0]:
            return None  # it may have named m's city then (a travel advisory's first city can change) and ranked higher
        slots, keys = _slots(self.type, m.city), _looked_up(self.type, m.when)
        for other_id in self._changed_near(m.row):
            other = self.live.get(other_id)
            if other is not None and other is not event and other.rank(m) < rank and other.fits(m) and (
                    _ANY_CITY in slots or other.city in slots) and not other.keys.isdisjoint(keys):
                return None
        return event

    def _best(self, m: _Mention, t: tuple) -> _Event | None:
        """``_best_event`` of the events as they are at ``m``'s turn."""
        keys = _looked_up(self.type, m.when)
        slots = _slots(self.type, m.city)
        ids: set[str] = set()
        for key in keys:
            by_city = self.filed.get(key, {})
            for filed in by_city.values() if _ANY_CITY in slots else (by_city.get(slot, {}) for slot in slots):
                ids.update(event_id for event_id, since in filed.items() if since < t)
            ids.update(self.filed_now.get(key, ()))
        return _best_of(self._candidates(ids, keys, slots, t), m)

    def _candidates(self, ids: set[str], keys: tuple, slots: tuple, t: tuple) -> Iterator[_Event]:
        """What the index of merge_incidents holds at turn ``t``: events filed under a looked-up key, in a slot
        looked up."""
        by_city = _ANY_CITY not in slots
        for event_id in ids:
            named = self.first_city.get(event_id) if by_city and event_id not in self.changed else None
            if named and named[0] < t and named[1] not in slots:
                continue  # in another city's slot: not worth making
            candidate = self._state(event_id, t)
            if candidate is not None and not candidate.keys.isdisjoint(keys) and (
                    not by_city or candidate.city in slots):
                yield candidate

    def _state(self, event_id: str, t: tuple) -> _Event | None:
        """The event ``event_id`` at turn ``t`` (None when there is none): an unchanged one made of its members then."""
        if event_id in self.changed:
            return self.live.get(event_id)
        members = self.previous.members.get(event_id)
        if not members or members[0][0] >= t:
            return None
        if event_id not in self.unchanged:
            self.unchanged[event_id] = [_Event(members[0][0], self.type, self.country), 0]
        entry = self.unchanged[event_id]
        event, n = entry
        while n < len(members) and members[n][0] < t:
            self._add_to(event, self._mention(members[n][1]))
            n += 1
        entry[1] = n
        return event

    def _add_to(self, event: _Event, m: _Mention) -> tuple:
        event.add(m)
        keys = _filed_under(self.type, m.when) if self._mergeable(m.when) else ()
        event.keys.update(keys)
        return keys

    def _add(self, event_id: str, event: _Event, m: _Mention) -> None:
        keys = self._add_to(event, m)
        if event_id not in self.changed:
            self.unchanged[event_id][1] += 1  # m is its next member, as last time
            return
        for key in keys:
            self.filed_now.setdefault(key, set()).add(event_id)
        self._mark(event_id, event)

    def _mark(self, event_id: str, event: _Event) -> None:
        """File the changed ``event`` where mentions that may meet it look: its city's slot, the slot of every event,
        and the cityless events' slot while its primary names no city."""
        slots = {_ANY_CITY, event.city} | (set() if event.members[0].city else {None})
        for slot in slots:
            for key in event.keys:
                self.changed_in.setdefault((slot, key), set()).add(event_id)

    def _change(self, event_id: str, t: tuple) -> None:
        if event_id in self.changed:
            return
        now = self._state(event_id, t)
        self.changed.add(event_id)
        self.unchanged.pop(event_id, None)
        if now is not None:
            self.live[event_id] = now
            self._mark(event_id, now)

    @property
    def rebuilt(self) -> list[str]:
        """Record ids of the members of the events to write anew (the changed ones)."""
        return [m.row["record_id"] for e in self.live.values() for m in e.members]

    def rows(self, full_rows: dict[str, dict]) -> tuple[list[dict], list[tuple[str, str, int]]]:
        """Rows of the changed events (``EVENT_COLUMNS``), from the full mention rows of ``rebuilt``, and their
        members (source_id, incident_id, rank in the event); every other event is as the last merge wrote it. A
        source's row is its mention's columns of ``SOURCE_COLUMNS`` with its event's id. The replay lets go of its
        events then, so that one group's full rows at a time are held."""
        events, members = [], []
        for e in sorted(self.live.values(), key=lambda e: e.index):
            for m in e.members:
                m.row = full_rows[m.row["record_id"]]
            events.append(_event_row(e))
            members += [(m.row["record_id"], events[-1]["incident_id"], rank) for rank, m in enumerate(e.members)]
        self.live, self.unchanged, self.mentions = {}, {}, {}
        return events, members


def remerge(type_: str, country: str | None, mentions: list[dict], published: dict[str, str | None],
            previous: PreviousMerge) -> Remerge:
    """The mentions of one type and country (rows holding at least record_id, article_id, char_start, char_end,
    city, region, geonames_id and date) merged as ``merge_incidents`` merges them, given the last merge's
    decisions: see ``Remerge``."""
    return Remerge(type_, country, previous).replay(mentions, published)


def _source_row(m: _Mention, incident_id: str) -> dict:
    r = m.row
    return {"source_id": r["record_id"], "incident_id": incident_id, "article_id": r["article_id"],
            "sentence": r.get("sentence"), "char_start": r.get("char_start"), "char_end": r.get("char_end"),
            "date": r.get("date"), "date_precision": r.get("date_precision"), "city": r.get("city"),
            "country": r.get("country")}


def _first(members: list[_Mention], column: str):
    return next((m.row[column] for m in members if m.row.get(column) is not None), None)


def _event_row(e: _Event) -> dict:
    members, primary = e.members, e.members[0].row
    placed = next((m.row for m in members if m.city), None)
    dated = [m for m in members if m.when]
    finest = min(dated, key=lambda m: ("day", "month", "year").index(m.when.precision)) if dated else None
    row = {
        "incident_id": primary["record_id"], "type": primary.get("type"),
        "city": placed["city"] if placed else None,
        "region": placed.get("region") if placed and placed.get("region") else _first(members, "region"),
        "country": primary.get("country"),
        "latitude": placed.get("latitude") if placed else None,
        "longitude": placed.get("longitude") if placed else None,
        "geonames_id": placed.get("geonames_id") if placed else None,
        "date": finest.when.value if finest else primary.get("date"),
        "date_precision": finest.when.precision if finest else primary.get("date_precision"),
    }
    notes = []
    for kind in COUNT_KINDS:
        value, qualifier, note = _count(kind, members)
        row[kind], row[f"{kind}_qualifier"] = value, qualifier
        if note:
            notes.append(note)
    articles = list(dict.fromkeys(m.article_id for m in members))
    row.update({
        "count_notes": "; ".join(notes) or None,
        "target_group": _first(members, "target_group"), "perpetrator": _first(members, "perpetrator"),
        "n_sources": len(members), "n_articles": len(articles), "merge_rule": _rule(e, row, len(articles)),
        "article_id": primary["article_id"], "sentence": primary.get("sentence"),
        "char_start": primary.get("char_start"), "char_end": primary.get("char_end"),
    })
    return {c: row[c] for c in EVENT_COLUMNS}


def _count(kind: str, members: list[_Mention]) -> tuple:
    """(value, qualifier, note): exact over qualified, the primary's (first) among equals."""
    readings = [(m.row[kind], m.row.get(f"{kind}_qualifier"), m.article_id) for m in members
                if m.row.get(kind) is not None]
    if not readings:
        return None, None, None
    exact = [r for r in readings if r[1] in (None, "exact")]
    kept = (exact or readings)[0]
    if len({r[0] for r in readings}) == 1:
        return kept[0], kept[1], None
    # Every distinct reading once, with the articles that give it; the kept one first.
    by_reading: dict[tuple, list[str]] = {(kept[0], kept[1]): []}
    for value, qualifier, article in readings:
        arts = by_reading.setdefault((value, qualifier), [])
        if article not in arts:
            arts.append(article)
    said = ", ".join(f"{_phrase(v, q)} ({', '.join(arts)})" for (v, q), arts in by_reading.items())
    return kept[0], kept[1], f"{kind}: {said}"


def _phrase(value, qualifier: str | None) -> str:
    number = f"{int(value)}" if float(value).is_integer() else f"{value}"
    return number if qualifier in (None, "exact") else f"{qualifier.replace('_', ' ')} {number}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _rule(e: _Event, row: dict, n_articles: int) -> str:
    """Why the members are one event, in words."""
    n = len(e.members)
    if n == 1:
        return "single mention"
    head = (f"{n} mentions merged" if n == n_articles else
            f"{n} mentions from {_plural(n_articles, 'article')} merged (mentions of one article share their evidence span)")
    parts = [f"same type ({e.type})"]
    if e.type == _ADVISORY:
        parts.append(f"same issuing country ({e.country})")
    else:
        parts.append(_place_rule(e, row))
    parts.append(_date_rule(e))
    return f"{head}: " + ", ".join(parts)


def _place_rule(e: _Event, row: dict) -> str:
    cityless = [m for m in e.members if not m.city]
    regions = {m.region for m in cityless}
    region = next((r for r in regions if r), None)
    if row["city"] is None:
        text = f"same country ({e.country}), no city named"
        if region is None:
            return text
        return text + (f", same region ({region})" if None not in regions else f", region {region} or none named")
    text = f"same country ({e.country}) and city ({row['city']}"
    if not cityless:
        return text + ")"
    who = f"{_plural(len(cityless), 'mention')} {'names' if len(cityless) == 1 else 'name'} no city"
    if region is None:
        return text + f"; {who} or region)"
    return text + (f"; {who} but its region, {region})" if None not in regions else f"; {who}, its region {region} or none)")


def _date_rule(e: _Event) -> str:
    days = sorted({m.when.value for m in e.members if m.when.precision == "day"})
    months = sorted({m.when.value for m in e.members if m.when.precision == "month"})
    if e.years:
        return f"dates in the same year ({min(e.years)}), allowed as {e.type} is a one-off event"
    span = ("day " + days[0] if len(days) == 1 else f"days {days[0]} .. {days[-1]}") if days else ""
    if months or e.type == _ADVISORY:
        month = months[0] if months else days[0][:7]
        return f"dates in the same month ({month}" + (f"; {span})" if days else ")")
    if len(days) == 1:
        return f"same date ({days[0]})"
    return f"dates within {WINDOW_DAYS} days ({days[0]} .. {days[-1]})"
