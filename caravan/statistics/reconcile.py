"""Check the figures reported in articles against official statistics: the ``figure_checks`` table.

For each extracted economic figure, find every official value for the same indicator, country (or
countries) and year, and say per publication ("vintage") and overall whether they agree.

Shape of the table: one row per (figure, official vintage), with the figure's overall ``verdict`` and
``rule`` repeated on each of its rows, and one row with empty official columns for a figure that no
vintage could check. That is the easiest shape to query in SQL: ``WHERE vintage_verdict =
'inconsistent'`` finds every disagreeing publication, ``SELECT DISTINCT figure_record_id, verdict``
gives one verdict per figure, and ``official_record_ids`` joins to official_figures; a list or JSON
column of per-vintage results would need UNNEST or JSON functions for the same questions.

How a figure is read:
- Indicator: remittances_share_of_gdp, remittances_usd, gdp_usd and migrant_population map to the
  series of ``caravan.statistics.official_figures.SERIES``; ``other`` has no official series (unverifiable).
- Countries: the subject's country names (pycountry names plus common ones it lacks, "Central Asia"
  as its five countries) in order. For migrant_population, "Tajik migrants in Russia" has the origin
  TJK and the host RUS; "migrants in Russia" has the host only.
- Counterpart: remittances "from Russia" in the clause that holds the number are remittances from
  Russia only; a total series is then only an upper bound of them ("most of it from Russia" in
  another clause does not limit the figure).
- Year: the figure's period; with no period, the year before publication, and the rule says so.
  A month (YYYY-MM) is not checked against yearly series.

How a number is compared: the article's wording gives a range of values it allows, the official
value gives the range it stands for, and the two agree when the ranges overlap.
- Article: exact ±2 % (reporters round), about ±5 %, over / more_than above the value, at_least
  from the value up, nearly within 5 % below it, less_than below it, up_to up to it.
- Official: the value give or take half a unit of its last written digit (48 % stands for 47.5 to
  48.5, $5.7 bn for 5.65 to 5.75 bn), widened to ±5 % when the publication says about, open above
  for more_than. So "over 48 %" agrees with 48.2 and with a rounded 48, never with 38.
- Several countries ("Uzbekistan, Tajikistan and Kyrgyzstan received about $25 billion") are summed
  when one publication gives every member; when no publication gives all of them but each member has a
  value somewhere in the same series, the members' ranges across publications are summed in one
  combined row. Shares of GDP are never summed. A member without any value makes the sum unverifiable.
- A series that counts more than the article's figure (all origins for a figure "from Russia") is an
  upper bound: it can only show the figure too large (inconsistent), otherwise the vintage is
  unverifiable. One that counts less (from Russia only, part of the year, legal migrants only) is a
  lower bound the same way. Series that measure something else (net inflows, border entries,
  departures) are left out and named in the rule.

The overall verdict: consistent when at least one vintage of a series measuring the same thing agrees
(the figure is backed by an official publication), inconsistent when every vintage that decides
disagrees, unverifiable when none decides. Disagreeing vintages of a consistent figure are named in
the rule, with "later revision" for those published after the article. Judging only by the newest
vintage would be unfair to reporters (they quote what was published then) and is often impossible
(most reported figures do not say which release they come from).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

import pycountry

from caravan.common.ids import stable_id
from caravan.statistics.official_figures import SERIES, Series

VERDICTS = ("consistent", "inconsistent", "unverifiable")
COMPARISONS = ("same_measure", "official_upper_bound", "official_lower_bound")
CHECK_COLUMNS = (
    "record_id", "figure_record_id", "article_id", "subject", "indicator", "countries", "counterpart_country",
    "period", "period_assumed", "reported_value", "reported_unit", "qualifier", "series_code", "comparison",
    "official_value", "official_unit", "official_qualifier", "official_detail", "publisher", "reported_as",
    "reported_date", "found_at_url", "official_record_ids", "vintage_verdict", "vintage_rule", "verdict", "rule",
)
TOLERANCE = {"exact": 0.02, "about": 0.05, "nearly": 0.05}
_OFFICIAL_ABOUT = 0.05
_FIGURE_UNITS = {"percent_of_gdp": "percent", "USD": "USD", "persons": "persons"}

# --- Countries ---------------------------------------------------------------------------------------

CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
_EXTRA_NAMES = {
    "Russia": "RUS", "Kyrgyz Republic": "KGZ", "Kirghizia": "KGZ", "Kirgizia": "KGZ", "Turkey": "TUR",
    "Türkiye": "TUR", "Iran": "IRN", "Moldova": "MDA", "South Korea": "KOR", "Vietnam": "VNM", "Syria": "SYR",
    "Britain": "GBR", "Czech Republic": "CZE", "Laos": "LAO", "Tanzania": "TZA", "Bolivia": "BOL",
    "Venezuela": "VEN", "Taiwan": "TWN",
}
_DEMONYMS = {
    "Tajik": "TJK", "Uzbek": "UZB", "Kyrgyz": "KGZ", "Kirghiz": "KGZ", "Kazakh": "KAZ", "Turkmen": "TKM",
    "Afghan": "AFG", "Armenian": "ARM", "Azerbaijani": "AZE", "Georgian": "GEO", "Moldovan": "MDA",
    "Ukrainian": "UKR", "Belarusian": "BLR",
}


def _country_names() -> dict[str, str]:
    names = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and not re.search(r"[,()]", name):
                names[name] = country.alpha_3
    names.update(_EXTRA_NAMES)
    return names


_NAMES = _country_names()
_NAME_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted([*_NAMES, "Central Asia"], key=len, reverse=True)) + r")(?![\w-])")
_DEMONYM_RE = re.compile(r"\b(Central Asian|" + "|".join(_DEMONYMS) + r")(?:s|z)?\b")


def countries_in(text: str | None, demonyms: bool = True) -> tuple[str, ...]:
    """ISO3 codes of the countries a phrase names, in order ("Central Asia" and "Central Asians" give five)."""
    if not text:
        return ()
    found: list[tuple[int, tuple[str, ...]]] = []
    for m in _NAME_RE.finditer(text):
        found.append((m.start(), CENTRAL_ASIA if m.group(1) == "Central Asia" else (_NAMES[m.group(1)],)))
    if demonyms:
        blanked = _NAME_RE.sub(lambda m: " " * len(m.group()), text)
        for m in _DEMONYM_RE.finditer(blanked):
            found.append((m.start(), CENTRAL_ASIA if m.group(1) == "Central Asian" else (_DEMONYMS[m.group(1)],)))
    out: list[str] = []
    for _, codes in sorted(found):
        out.extend(c for c in codes if c not in out)
    return tuple(out)


@dataclass(frozen=True)
class _Subject:
    countries: tuple[str, ...]  # recipients of remittances, countries of GDP, or migrants' origins
    counterpart: str | None  # remittances "from" it, or the host of migrants
    problem: str | None = None


_CLAUSE_BREAK = re.compile(r"[;:—–()]|,\s")
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?(?=[A-Z])")


def _clause_of(figure: dict) -> str:
    sentence, raw = figure.get("sentence") or "", figure.get("raw") or ""
    at = sentence.find(raw) if raw else -1
    if at < 0:
        return ""
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)]
    end = _CLAUSE_BREAK.search(sentence, at + len(raw))
    return sentence[starts[-1] if starts else 0: end.start() if end else len(sentence)]


def _sender(figure: dict) -> str | None:
    """The country remittances come from when the clause holding the number says so ("from Russia")."""
    clause = _clause_of(figure)
    for m in _FROM.finditer(clause):
        named = _NAME_RE.match(clause, m.end())
        if named:
            return countries_in(named.group(1), demonyms=False)[0]
    return None


def _subject(figure: dict) -> _Subject:
    subject = figure.get("subject") or ""
    if figure["indicator"] == "migrant_population":
        group, _, place = subject.rpartition(" in ") if re.search(r"\sin\s+[A-Z]", subject) else (subject, "", "")
        host = countries_in(place, demonyms=False)
        if not place and not _DEMONYM_RE.search(group):
            # "the migrant population of Russia": a country alone is where the migrants are.
            host, group = countries_in(group, demonyms=False), ""
        origins = countries_in(group)
        if not host:
            return _Subject(origins, None, f"the subject {subject!r} does not say in which country the migrants are")
        return _Subject(origins, host[0])
    countries = countries_in(subject, demonyms=False) or countries_in(subject)
    if not countries:
        return _Subject((), None, f"the subject {subject!r} names no country")
    return _Subject(countries, _sender(figure) if figure["indicator"].startswith("remittances") else None)


# --- Ranges ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: "Range") -> bool:
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        if lo < hi:
            return True
        if lo > hi:
            return False
        return not ((self.lo == lo and self.lo_open) or (other.lo == lo and other.lo_open)
                    or (self.hi == hi and self.hi_open) or (other.hi == hi and other.hi_open))

    def __add__(self, other: "Range") -> "Range":
        return Range(self.lo + other.lo, self.hi + other.hi, self.lo_open or other.lo_open, self.hi_open or other.hi_open)

    def hull(self, other: "Range") -> "Range":
        lo = min((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi = max((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        return Range(lo[0], hi[0], lo[1], not hi[1])


def _band(value: float, share: float) -> Range:
    a, b = value * (1 - share), value * (1 + share)
    return Range(min(a, b), max(a, b))


def reported_range(value: float, qualifier: str) -> Range:
    """The values an article's wording allows, with the stated tolerances."""
    if qualifier in ("over", "more_than"):
        return Range(value, math.inf, lo_open=True)
    if qualifier == "at_least":
        return Range(value, math.inf)
    if qualifier == "nearly":
        return Range(value * (1 - TOLERANCE["nearly"]), value, hi_open=True)
    if qualifier == "less_than":
        return Range(-math.inf, value, hi_open=True)
    if qualifier == "up_to":
        return Range(-math.inf, value)
    return _band(value, TOLERANCE.get(qualifier, TOLERANCE["exact"]))


def _half_unit(value: float) -> float:
    """Half a unit of the last written digit: 48.2 → 0.05, 5700000000 → 50000000."""
    return 0.5 * 10.0 ** Decimal(repr(float(value))).normalize().as_tuple().exponent


def official_range(value: float, qualifier: str) -> Range:
    """The values an official figure stands for: its rounding, and its own qualifier."""
    if qualifier in ("over", "more_than"):
        return Range(value, math.inf, lo_open=True)
    if qualifier == "at_least":
        return Range(value, math.inf)
    if qualifier in ("less_than", "up_to", "nearly"):
        return reported_range(value, qualifier)
    half = _half_unit(value)
    rounding = Range(value - half, value + half)
    return rounding.hull(_band(value, _OFFICIAL_ABOUT)) if qualifier == "about" else rounding


# --- Words -------------------------------------------------------------------------------------------

_QUALIFIER_WORDS = {"exact": "", "about": "about ", "over": "over ", "more_than": "more than ", "at_least": "at least ",
                    "nearly": "nearly ", "less_than": "less than ", "up_to": "up to "}


def fmt(value: float, unit: str) -> str:
    if unit == "USD":
        if abs(value) >= 1e9:
            return f"${value / 1e9:.6g} bn"
        if abs(value) >= 1e6:
            return f"${value / 1e6:.6g} million"
        return f"${value:,.0f}"
    if unit in ("percent", "percent_of_gdp"):
        return f"{value:.6g} %"
    if unit == "persons":
        return f"{value:,.0f} people"
    return f"{value:,.6g} {unit}"


def _range_words(r: Range, unit: str) -> str:
    if r.hi == math.inf:
        return f"above {fmt(r.lo, unit)}" if r.lo_open else f"{fmt(r.lo, unit)} or more"
    if r.lo == -math.inf:
        return f"below {fmt(r.hi, unit)}" if r.hi_open else f"{fmt(r.hi, unit)} or less"
    return f"{fmt(r.lo, unit)} to {fmt(r.hi, unit)}"


_INDICATOR_WORDS = {"remittances_share_of_gdp": "remittances as a share of GDP", "remittances_usd": "remittances",
                    "gdp_usd": "GDP", "migrant_population": "migrants"}


def _tolerance_words(qualifier: str) -> str:
    if qualifier in TOLERANCE and qualifier != "nearly":
        return f" (±{TOLERANCE[qualifier]:.0%} allowed for rounding)" if qualifier == "exact" else f" (±{TOLERANCE[qualifier]:.0%})"
    return ""


def _is_after(vintage_date: str | None, published: str | None) -> bool:
    """True when a publication is dated after the article, at the precision both have."""
    if not vintage_date or not published:
        return False
    n = min(len(vintage_date), len(published))
    return vintage_date[:n] > published[:n]


# --- Checks ------------------------------------------------------------------------------------------


def _year(period: str | None, published: str | None) -> tuple[int | None, bool, str | None]:
    """The year to check, whether it was assumed, and why there is none."""
    if period:
        if re.fullmatch(r"\d{4}", period):
            return int(period), False, None
        if re.fullmatch(r"\d{4}-\d{2}", period):
            return None, False, f"the figure is for one month ({period}); the official series are yearly"
        return None, False, f"the period {period!r} is not a year"
    if published and re.match(r"\d{4}", published):
        return int(published[:4]) - 1, True, None
    return None, True, "the article gives no period and has no publication date"


def _comparison(figure_subject: _Subject, indicator: str, series: Series, row: dict) -> tuple[str, str] | None:
    """How an official row relates to the figure: same measure, upper bound or lower bound, with the
    words that explain it; None when it cannot say anything about the figure."""
    relations: list[tuple[str, str]] = []
    if series.country_role == "recipient":
        if series.counterpart != figure_subject.counterpart:
            if series.counterpart is None:
                relations.append(("official_upper_bound", f"the series counts {_INDICATOR_WORDS[indicator]} from all "
                                  f"countries, the article's figure only those from {figure_subject.counterpart}"))
            elif figure_subject.counterpart is None:
                relations.append(("official_lower_bound", f"the series counts only {_INDICATOR_WORDS[indicator]} from "
                                  f"{series.counterpart}, the article's figure those from all countries"))
            else:
                return None
    elif series.country_role == "host":
        if figure_subject.countries or row["country_iso3"] != figure_subject.counterpart:
            return None
    elif series.country_role == "origin":
        if not figure_subject.countries or series.counterpart != figure_subject.counterpart:
            return None
    if series.code == "MVD:legal_migrants_in_RUS":
        relations.append(("official_lower_bound", "the series counts legally staying migrants only"))
    if series.kind == "flow" and row.get("note") and re.search(r"\bonly\b", row["note"]):
        relations.append(("official_lower_bound", f"the official figure covers part of the year: {row['note']}"))
    kinds = {k for k, _ in relations}
    if len(kinds) > 1:
        return None  # an upper bound of a lower bound says nothing
    return (relations[0][0], "; ".join(w for _, w in relations)) if relations else ("same_measure", "")


def _verdict(comparison: str, reported: Range, official: Range) -> str:
    agree = reported.overlaps(official)
    if comparison == "same_measure":
        return "consistent" if agree else "inconsistent"
    if comparison == "official_upper_bound":
        return "inconsistent" if not reported.overlaps(Range(-math.inf, official.hi, hi_open=official.hi_open)) else "unverifiable"
    return "inconsistent" if not reported.overlaps(Range(official.lo, math.inf, lo_open=official.lo_open)) else "unverifiable"


def _vintage_key(row: dict) -> tuple:
    return (row["source_kind"], row["publisher"], row["reported_as"], str(row.get("retrieved_at") or ""))


def _official_value_words(row: dict) -> str:
    return f"{_QUALIFIER_WORDS.get(row['qualifier'], '')}{fmt(row['value'], row['unit'])}"


# --- Official vintages to compare --------------------------------------------------------------------


@dataclass(frozen=True)
class _Vintage:
    """The official rows one check compares with the figure: one publication's values of a series, or
    (combined) every publication's when none gives a value for each country."""
    series: Series
    members: tuple[str, ...]  # the countries looked up, in the figure's order
    pairs: list[tuple[dict, tuple[str, str]]]  # official rows, each with how it relates to the figure (_comparison)
    combined: bool = False


def _lookup_countries(subject: _Subject, series: Series) -> tuple[str, ...]:
    if series.country_role == "host":
        return (subject.counterpart,) if subject.counterpart else ()
    return subject.countries


def _vintages(subject: _Subject, indicator: str, year: int | None, index: dict) -> tuple[list[_Vintage], list[str]]:
    """The vintages to check a figure against, series by series in order of publication, and the series that
    have a value but measure something else (code and why)."""
    vintages: list[_Vintage] = []
    not_comparable: list[str] = []
    for series in (s for s in SERIES.values() if s.indicator == indicator):
        members = _lookup_countries(subject, series)
        rows = [r for c in members for r in index.get((series.code, c), []) if r["year"] == year]
        if not rows:
            continue
        if series.not_comparable:
            not_comparable.append(f"{series.code} ({series.not_comparable})")
            continue
        related = [(r, rel) for r in rows if (rel := _comparison(subject, indicator, series, r))]
        if not related:
            continue
        by_publication: dict[tuple, list[tuple[dict, tuple[str, str]]]] = {}
        for r, rel in related:
            by_publication.setdefault(_vintage_key(r), []).append((r, rel))
        ordered = sorted(by_publication.values(),
                         key=lambda v: (v[0][0]["reported_date"] or "", v[0][0]["reported_as"]))
        complete = [v for v in ordered if {r["country_iso3"] for r, _ in v} >= set(members)]
        vintages.extend(_Vintage(series, members, pairs) for pairs in ordered)
        if len(members) > 1 and not complete and {r["country_iso3"] for r, _ in related} >= set(members):
            vintages.append(_Vintage(series, members, related, combined=True))
    return vintages, not_comparable


def _nothing_found(subject: _Subject, indicator: str, year: int | None, index: dict) -> str:
    """The rule of a figure no vintage could check, naming the years that do have comparable values."""
    others = sorted({r["year"] for s in SERIES.values() if s.indicator == indicator and not s.not_comparable
                     for c in _lookup_countries(subject, s) for r in index.get((s.code, c), [])
                     if _comparison(subject, indicator, s, r)})
    years = f" (comparable official values exist for {', '.join(map(str, others))})" if others else ""
    return f"no comparable official value for {year}{years}"


# --- One vintage -------------------------------------------------------------------------------------


def _vintage_comparison(relations: set[tuple[str, str]]) -> str | None:
    """How a vintage's rows together relate to the figure; None when some are upper and some lower bounds."""
    kinds = {k for k, _ in relations}
    if len(kinds) > 1:
        kinds.discard("same_measure")  # a bound combined with the same measure is still that bound
    return kinds.pop() if len(kinds) == 1 else None


def _official_detail(members: tuple[str, ...], by_member: dict[str, list[dict]], combined: bool) -> str:
    """Each country's official values in words (with their publications when combined)."""
    return "; ".join(
        (f"{c}: " + ", ".join(_official_value_words(r) + (f" ({r['reported_as']})" if combined else "")
                              + (f" [{r['note']}]" if r.get("note") else "") for r in by_member[c]))
        if c in by_member else f"{c}: no value" for c in members)


def _official_columns(vintage: _Vintage, by_member: dict[str, list[dict]], rows: list[dict],
                      comparison: str | None) -> dict:
    """A vintage's official columns before the comparison: series, publication, values in words, record ids."""
    pairs, combined, first = vintage.pairs, vintage.combined, vintage.pairs[0][0]
    return {
        "series_code": vintage.series.code, "comparison": comparison, "official_value": None,
        "official_unit": vintage.series.unit, "official_qualifier": None,
        "official_detail": _official_detail(vintage.members, by_member, combined),
        "publisher": "; ".join(sorted({r["publisher"] for r, _ in pairs})),
        "reported_as": ("combined: " + "; ".join(sorted({r["reported_as"] for r, _ in pairs}))) if combined
        else first["reported_as"],
        "reported_date": None if combined else first["reported_date"],
        "found_at_url": "; ".join(dict.fromkeys(r["found_at_url"] for r in rows)),
        "official_record_ids": ";".join(r["record_id"] for r in rows),
    }


def _vintage_label(check: dict, first: dict, combined: bool) -> str:
    """The publication in words, for the head of a vintage's rule."""
    label = f"{check['publisher']}, {check['reported_as']}"
    if first["source_kind"] == "world_bank_api" and not combined and check["reported_date"]:
        label += f" (WDI last updated {check['reported_date']})"
    return label + f" [{check['series_code']}]"


def _official_sum(members: tuple[str, ...], by_member: dict[str, list[dict]]) -> Range:
    """The range the official values stand for: each country's values (several when combined) spanned, then summed."""
    official = None
    for c in members:
        ranges = [official_range(r["value"], r["qualifier"]) for r in by_member[c]]
        member = ranges[0]
        for other in ranges[1:]:
            member = member.hull(other)
        official = member if official is None else official + member
    return official


def _verdict_reason(comparison: str, verdict: str, reported_date: str | None, published: str | None) -> str:
    """Why a vintage's verdict is what it is, when its value alone does not say."""
    if comparison == "official_upper_bound":
        return (" (more than the official total it is part of)" if verdict == "inconsistent"
                else " (an upper bound only: it cannot confirm the figure)")
    if comparison == "official_lower_bound":
        return (" (less than the official part it includes)" if verdict == "inconsistent"
                else " (a lower bound only: it cannot confirm the figure)")
    if verdict == "inconsistent" and _is_after(reported_date, published):
        return f" (later revision: published {reported_date}, after the article of {published})"
    return ""


def _check_vintage(vintage: _Vintage, reported: Range, published: str | None) -> dict:
    """The official columns of one vintage's row, its verdict and its rule (and ``_why`` for the overall verdict)."""
    series, members, pairs, combined = vintage.series, vintage.members, vintage.pairs, vintage.combined
    by_member: dict[str, list[dict]] = {}
    for r, _ in pairs:
        by_member.setdefault(r["country_iso3"], []).append(r)
    rows = [r for c in members for r in by_member.get(c, [])]
    relations = {rel for _, rel in pairs}
    comparison = _vintage_comparison(relations)
    check = _official_columns(vintage, by_member, rows, comparison)
    detail, label = check["official_detail"], _vintage_label(check, pairs[0][0], combined)
    words = "; ".join(sorted({w for _, w in relations if w}))
    scope = f" ({words})" if words else ""
    missing = [c for c in members if c not in by_member]
    if missing:
        check["vintage_verdict"] = "unverifiable"
        check["vintage_rule"] = f"{label}: {detail}{scope} → unverifiable (no value for {', '.join(missing)}, so no sum)"
        check["_why"] = "missing"
        return check
    if comparison is None:
        check["vintage_verdict"] = "unverifiable"
        check["vintage_rule"] = f"{label}: {detail} → unverifiable (its members are not comparable in the same way)"
        check["_why"] = "bound"
        return check
    official = _official_sum(members, by_member)
    quals = {r["qualifier"] for r in rows}
    check["official_qualifier"] = quals.pop() if len(quals) == 1 else None
    if all(len(by_member[c]) == 1 for c in members):  # a combined row may offer several values per member
        check["official_value"] = sum(r["value"] for r in rows)
    verdict = _verdict(comparison, reported, official)
    check["vintage_verdict"] = verdict
    shown = detail if len(members) > 1 else _official_value_words(rows[0])
    if len(members) > 1:
        shown += f"; sum {_range_words(official, series.unit)}" if combined else \
            f"; sum {fmt(check['official_value'], series.unit)}"
    reason = _verdict_reason(comparison, verdict, check["reported_date"], published)
    check["vintage_rule"] = f"{label}: {shown}{scope} → {verdict}{reason}"
    check["_why"] = "bound"
    return check


# --- The figure --------------------------------------------------------------------------------------


def _overall(checks: list[dict], published: str | None, year: int | None) -> tuple[str, str]:
    """A figure's verdict over all its vintages, and why."""
    decided = [c for c in checks if c["vintage_verdict"] != "unverifiable"]
    agree = [c for c in decided if c["vintage_verdict"] == "consistent"]
    if agree:
        disagree = [c for c in decided if c["vintage_verdict"] == "inconsistent"]
        if not disagree:
            return "consistent", f"agrees with every official vintage that decides ({len(agree)})"
        later = [c for c in disagree if c["comparison"] == "same_measure" and _is_after(c["reported_date"], published)]
        why = (f"agrees with {len(agree)} of {len(decided)} official vintages that decide "
               f"({'; '.join(c['reported_as'] for c in agree)}); disagrees with "
               f"{'; '.join(c['reported_as'] for c in disagree)}")
        if len(later) == len(disagree):
            why += ": consistent with the earlier vintage, inconsistent with a later revision published after the article"
        return "consistent", why
    if decided:
        return "inconsistent", f"disagrees with every official vintage that decides ({len(decided)})"
    whys = {c["_why"] for c in checks}
    if whys == {"problem"}:
        return "unverifiable", "nothing to compare"
    if whys == {"none"}:
        return "unverifiable", "no official value for this indicator, country and year"
    if whys == {"missing"}:
        return "unverifiable", f"no official vintage has a value for every country in {year}"
    return "unverifiable", "the official values found count something wider or narrower and cannot confirm it"


class _FigureCheck:
    """One figure as read for checking; ``rows()`` gives its figure_checks rows."""

    def __init__(self, figure: dict, published: str | None, official_index: dict):
        self.figure, self.published, self.index = figure, published, official_index
        self.indicator = figure["indicator"]
        self.value, self.unit, self.qualifier = float(figure["value"]), figure["unit"], figure["qualifier"]
        self.year, self.assumed, problem = _year(figure.get("period"), published)
        self.subject = _subject(figure) if self.indicator in _INDICATOR_WORDS else _Subject((), None)
        self.reported = reported_range(self.value, self.qualifier)
        self.problem = problem if self.indicator in _INDICATOR_WORDS else (
            f"indicator {self.indicator!r}: no official series measures it")
        self.problem = self.problem or self.subject.problem or self._unit_problem()

    def _unit_problem(self) -> str | None:
        units = {_FIGURE_UNITS.get(s.unit, s.unit) for s in SERIES.values() if s.indicator == self.indicator}
        if self.unit not in units:
            return f"reported in {self.unit}; the official series are in {', '.join(sorted(units))} and are not converted"
        if self.indicator == "remittances_share_of_gdp" and len(self.subject.countries) > 1:
            return "shares of GDP of several countries do not add up"
        return None

    # The figure in words, for the head of the rule.
    def _head(self) -> str:
        value = f"{_QUALIFIER_WORDS.get(self.qualifier, '')}{fmt(self.value, self.unit)}"
        countries = "+".join(self.subject.countries)
        if self.indicator == "migrant_population":
            who = f"citizens of {countries}" if countries else "migrants from all countries"
            what = f"{value} ({who} in {self.subject.counterpart or '?'})"
        elif self.indicator in _INDICATOR_WORDS:
            what = {"remittances_share_of_gdp": f"remittances of {value} of GDP", "remittances_usd": f"{value} remittances",
                    "gdp_usd": f"GDP of {value}"}[self.indicator]
            if self.subject.counterpart:
                what += f" from {self.subject.counterpart}"
            what += f" for {countries or repr(self.figure.get('subject'))}"
        else:
            what = f"{value} ({self.indicator})"
        period = f" {self.year}" if self.year is not None else (f" {self.figure['period']}" if self.figure.get("period") else "")
        if self.assumed and self.year is not None:
            period += f" (no period in the article: year before publication, {self.published})"
        allowed = ""
        if not self.problem:
            allowed = f"; the wording allows {_range_words(self.reported, self.unit)}{_tolerance_words(self.qualifier)}"
        return f"reported {what}{period}{allowed}"

    def _base(self) -> dict:
        f = self.figure
        return {
            "figure_record_id": f.get("record_id"), "article_id": f.get("article_id"), "subject": f.get("subject"),
            "indicator": self.indicator, "countries": ";".join(self.subject.countries) or None,
            "counterpart_country": self.subject.counterpart,
            "period": str(self.year) if self.year is not None else f.get("period"), "period_assumed": self.assumed,
            "reported_value": self.value, "reported_unit": self.unit, "qualifier": self.qualifier,
        }

    def rows(self) -> list[dict]:
        checks: list[dict] = []
        not_comparable: list[str] = []
        if not self.problem:
            vintages, not_comparable = _vintages(self.subject, self.indicator, self.year, self.index)
            checks = [_check_vintage(v, self.reported, self.published) for v in vintages]
        if not checks:
            checks = [self._unchecked()]
        verdict, why = _overall(checks, self.published, self.year)
        rule = f"{self._head()}. " + "; ".join(c["vintage_rule"] for c in checks) + f". Overall {verdict}: {why}."
        if not_comparable:
            rule += " Not comparable: " + "; ".join(not_comparable) + "."
        out = []
        for check in checks:
            row = {**self._base(), **check, "verdict": verdict, "rule": rule}  # "_why" stays behind
            row["record_id"] = stable_id("chk", row["figure_record_id"], check["series_code"], check["publisher"],
                                         check["reported_as"], check["official_record_ids"])
            out.append({c: row.get(c) for c in CHECK_COLUMNS})
        return out

    def _unchecked(self) -> dict:
        """The one row of a figure that no vintage could check, with empty official columns."""
        return {"series_code": None, "comparison": None, "official_value": None, "official_unit": None,
                "official_qualifier": None, "official_detail": None, "publisher": None, "reported_as": None,
                "reported_date": None, "found_at_url": None, "official_record_ids": None,
                "vintage_verdict": "unverifiable",
                "vintage_rule": self.problem or _nothing_found(self.subject, self.indicator, self.year, self.index),
                "_why": "problem" if self.problem else "none"}


def official_index(official: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """Official rows by (indicator_code, country_iso3), in a deterministic order."""
    index: dict[tuple[str, str], list[dict]] = {}
    for row in sorted(official, key=lambda r: (r["indicator_code"], r["country_iso3"], r["year"], r["record_id"])):
        index.setdefault((row["indicator_code"], row["country_iso3"]), []).append(row)
    return index


def check_figures(figures: list[dict], articles_published: dict[str, str | None], official: list[dict]) -> list[dict]:
    """Rows of figure_checks for ``figures`` (economic_figures rows), in figure order."""
    index = official_index(official)
    out: list[dict] = []
    for figure in figures:
        out.extend(_FigureCheck(figure, articles_published.get(figure.get("article_id")), index).rows())
    return out


def verdict_counts(checks: list[dict]) -> dict[str, int]:
    """Figures per overall verdict, for build output and asset metadata."""
    per_figure = {c["figure_record_id"]: c["verdict"] for c in checks}
    return {"figures": len(per_figure), **{v: sum(1 for x in per_figure.values() if x == v) for v in VERDICTS}}
