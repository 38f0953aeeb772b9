"""Official statistics as rows of the ``official_figures`` table, and which series can check which figure.

Two sources give the same rows: the reference CSV (``data/statistics/reference_figures.csv``, facts
recorded from public reporting of official statistics, each with the publication that reported it and
the page where it was found) and snapshots of the World Bank Indicators API (``caravan.statistics.worldbank``).
One row is one figure of one publication: (publisher, reported_as, indicator_code, country_iso3, year).
The same series in two publications gives two rows side by side; no vintage ever overwrites another.

``SERIES`` says, for every series code we know, which Caravan indicator it measures, for which
country (recipient, host or origin), and whether it is limited to one counterpart ("from Russia",
"in Russia"). ``caravan.statistics.reconcile`` decides from it what each series can and cannot confirm.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pycountry

from caravan.common.paths import REFERENCE_FIGURES
from caravan.common.ids import stable_id
from caravan.extract.numbers import MONTH_NAMES
from caravan.store.vocabularies import QUALIFIERS

DEFAULT_REFERENCE_CSV = REFERENCE_FIGURES

CSV_COLUMNS = ("publisher", "reported_as", "indicator_code", "country_iso3", "year", "value", "unit", "qualifier",
               "note", "found_at_url")
OFFICIAL_COLUMNS = ("record_id", "source_kind", "publisher", "reported_as", "reported_date", "indicator_code",
                    "indicator", "country_iso3", "year", "value", "unit", "qualifier", "note", "found_at_url",
                    "retrieved_at")
SOURCE_KINDS = ("reference_csv", "world_bank_api")
OFFICIAL_UNITS = ("percent_of_gdp", "USD", "persons", "percent_of_entrants")
_REQUIRED = ("publisher", "reported_as", "indicator_code", "country_iso3", "year", "value", "unit", "qualifier",
             "found_at_url")


class OfficialFiguresError(ValueError):
    """A reference figure that cannot be read; the message names the file and the line."""

    def __init__(self, path: Path, line: int | None, problem: str):
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.problem = path, line, problem


# --- Series -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    code: str
    indicator: str  # the Caravan indicator it measures ("other" when none)
    unit: str
    measure: str  # what it counts, in words for the rule text
    # Whose figure it is: "recipient" of remittances, "host" country of migrants, or migrants' "origin".
    country_role: str
    # The other side when the series is limited to one: "RUS" for transfers from Russia or people in Russia.
    counterpart: str | None = None
    # "flow" (a sum over the year) or "stock" (a count on a date): a part-year flow is a lower bound of the year.
    kind: str = "flow"
    # Why no article figure can be checked against it; None when it can.
    not_comparable: str | None = None


_SERIES = (
    Series("BX.TRF.PWKR.DT.GD.ZS", "remittances_share_of_gdp", "percent_of_gdp",
           "personal remittances received, % of GDP, from all countries (World Bank WDI)", "recipient"),
    Series("BX.TRF.PWKR.CD.DT", "remittances_usd", "USD",
           "personal remittances received, current US$, from all countries (World Bank WDI)", "recipient"),
    Series("NY.GDP.MKTP.CD", "gdp_usd", "USD", "GDP, current US$ (World Bank WDI)", "recipient"),
    Series("SM.POP.TOTL", "migrant_population", "persons",
           "international migrant stock: people living in the country born abroad, all origins (UN DESA, WDI)",
           "host", kind="stock"),
    Series("CBU:remittance_inflows_total", "remittances_usd", "USD",
           "cross-border remittance inflows from all countries (Central Bank of Uzbekistan)", "recipient"),
    Series("CBU:remittance_inflows_from_RUS", "remittances_usd", "USD",
           "remittance inflows from Russia only (Central Bank of Uzbekistan)", "recipient", counterpart="RUS"),
    Series("CBU:transfers_from_RUS", "remittances_usd", "USD",
           "money transfers from Russia only (Central Bank of Uzbekistan)", "recipient", counterpart="RUS"),
    Series("NBKR:transfers_from_RUS", "remittances_usd", "USD",
           "money transfers from Russia only (National Bank of the Kyrgyz Republic)", "recipient", counterpart="RUS"),
    Series("NBK:transfers_from_RUS", "remittances_usd", "USD",
           "money transfers from Russia only (National Bank of Kazakhstan)", "recipient", counterpart="RUS"),
    Series("CBR:xborder_transfers_RUS_to", "remittances_usd", "USD",
           "cross-border transfers by individuals from Russia only (Bank of Russia)", "recipient", counterpart="RUS"),
    Series("NBKR:net_inflow_personal_remittances", "remittances_usd", "USD",
           "net inflow of personal remittances (National Bank of the Kyrgyz Republic)", "recipient",
           not_comparable="a net inflow (received minus sent) is not the amount received"),
    Series("MVD:foreigners_on_migration_register", "migrant_population", "persons",
           "foreign citizens on Russia's migration register on a date, all citizenships (MVD)", "host",
           kind="stock"),
    Series("MVD:legal_migrants_in_RUS", "migrant_population", "persons",
           "legally staying migrants in Russia, all citizenships (MVD)", "host", kind="stock"),
    Series("MVD:citizens_present_in_RUS", "migrant_population", "persons",
           "citizens of the country present in Russia on a date (MVD)", "origin", counterpart="RUS", kind="stock"),
    Series("MVD:citizens_visited_RUS", "migrant_population", "persons",
           "visits to Russia by citizens of the country over a period (MVD)", "origin", counterpart="RUS",
           not_comparable="a count of visits over a period, not of people present"),
    Series("FSB:entries_for_work", "migrant_population", "persons",
           "entries into Russia declaring work as the purpose (FSB border statistics)", "origin", counterpart="RUS",
           not_comparable="a count of border entries over a period, not of people present"),
    Series("TJ_MinLabour:labour_migrants_departed_to_RUS", "migrant_population", "persons",
           "labour migrants who left for Russia during the year (Tajik Ministry of Labour)", "origin",
           counterpart="RUS", not_comparable="a count of departures during the year, not of people present"),
)
SERIES: dict[str, Series] = {s.code: s for s in _SERIES}

# The World Bank series that check each Caravan indicator first: the ones the API client fetches.
WORLD_BANK_SERIES = {
    "remittances_share_of_gdp": "BX.TRF.PWKR.DT.GD.ZS",
    "remittances_usd": "BX.TRF.PWKR.CD.DT",
    "gdp_usd": "NY.GDP.MKTP.CD",
    "migrant_population": "SM.POP.TOTL",
}


def series_for(indicator: str) -> list[Series]:
    """The known series measuring ``indicator``, comparable or not, in catalogue order."""
    return [s for s in _SERIES if s.indicator == indicator]


def indicator_of(code: str) -> str:
    series = SERIES.get(code)
    return series.indicator if series else "other"


# --- Dates of publications --------------------------------------------------------------------------

_MONTH_NAMES = tuple(m.lower() for m in MONTH_NAMES)
_MONTHS = tuple(m[:3] for m in _MONTH_NAMES)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DOTTED_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTH_NAMES + _MONTHS) + r")\.?\s+(\d{4})\b", re.IGNORECASE)


def reported_date(reported_as: str) -> str | None:
    """The date a publication states in its description ("(Jun 2023)", "(2023-01-28)", "03.09.2025"), as
    YYYY-MM or YYYY-MM-DD; None when it states none. A bare year is not taken: "IMS 2020" names an edition."""
    if m := _ISO_DATE.search(reported_as):
        return m.group(0)
    if m := _DOTTED_DATE.search(reported_as):
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    if m := _MONTH_YEAR.search(reported_as):
        return f"{m.group(2)}-{_MONTHS.index(m.group(1)[:3].lower()) + 1:02d}"
    return None


# --- Rows -------------------------------------------------------------------------------------------


def official_row(*, source_kind: str, publisher: str, reported_as: str, indicator_code: str, country_iso3: str,
                 year: int, value: float, unit: str, qualifier: str, note: str | None, found_at_url: str,
                 retrieved_at: datetime | None = None, date_reported: str | None = None) -> dict:
    """One row of official_figures; the record id hashes what makes the figure itself."""
    return {
        "record_id": stable_id("off", source_kind, publisher, reported_as, indicator_code, country_iso3, year,
                               retrieved_at.isoformat() if retrieved_at else None),
        "source_kind": source_kind,
        "publisher": publisher,
        "reported_as": reported_as,
        "reported_date": date_reported if date_reported is not None else reported_date(reported_as),
        "indicator_code": indicator_code,
        "indicator": indicator_of(indicator_code),
        "country_iso3": country_iso3,
        "year": year,
        "value": value,
        "unit": unit,
        "qualifier": qualifier,
        "note": note,
        "found_at_url": found_at_url,
        "retrieved_at": retrieved_at,
    }


def _field(raw: dict, name: str, path: Path, line: int) -> str | None:
    value = (raw.get(name) or "").strip()
    if not value and name in _REQUIRED:
        raise OfficialFiguresError(path, line, f"column '{name}' is empty")
    return value or None


def read_reference_csv(path: Path = DEFAULT_REFERENCE_CSV) -> list[dict]:
    """Rows of official_figures from the reference CSV, in file order.

    Every CSV column is kept as it is; a row that breaks the README's format raises an
    OfficialFiguresError naming the file and the line, and so does a second row for the same
    (publisher, reported_as, indicator_code, country_iso3, year).
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise OfficialFiguresError(path, None, f"cannot be read ({exc.strerror})") from exc
    rows: list[dict] = []
    first_line: dict[tuple, int] = {}
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != CSV_COLUMNS:
                raise OfficialFiguresError(path, 1, f"the header must be {','.join(CSV_COLUMNS)}, not {header}")
            for fields in reader:
                line = reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(CSV_COLUMNS):
                    raise OfficialFiguresError(path, line, f"{len(fields)} fields, expected {len(CSV_COLUMNS)}")
                row = _parse_row(dict(zip(CSV_COLUMNS, fields)), path, line)
                key = (row["publisher"], row["reported_as"], row["indicator_code"], row["country_iso3"], row["year"])
                if key in first_line:
                    raise OfficialFiguresError(path, line, f"same publisher, publication, indicator, country and year "
                                                           f"as line {first_line[key]}")
                first_line[key] = line
                rows.append(row)
        except csv.Error as exc:
            raise OfficialFiguresError(path, reader.line_num, f"not valid CSV ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise OfficialFiguresError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    return rows


def _parse_row(raw: dict, path: Path, line: int) -> dict:
    fields = {name: _field(raw, name, path, line) for name in CSV_COLUMNS}
    year_text, value_text = fields["year"], fields["value"]
    if not re.fullmatch(r"\d{4}", year_text):
        raise OfficialFiguresError(path, line, f"year {year_text!r} is not a four-digit year")
    try:
        value = float(value_text)
    except ValueError:
        raise OfficialFiguresError(path, line, f"value {value_text!r} is not a number") from None
    if not math.isfinite(value):
        raise OfficialFiguresError(path, line, f"value {value_text!r} is not a finite number")
    country = fields["country_iso3"]
    if not re.fullmatch(r"[A-Z]{3}", country) or pycountry.countries.get(alpha_3=country) is None:
        raise OfficialFiguresError(path, line, f"country_iso3 {country!r} is not an ISO 3166-1 alpha-3 code")
    if fields["unit"] not in OFFICIAL_UNITS:
        raise OfficialFiguresError(path, line, f"unit {fields['unit']!r} is not one of {', '.join(OFFICIAL_UNITS)}")
    if fields["qualifier"] not in QUALIFIERS:
        raise OfficialFiguresError(path, line, f"qualifier {fields['qualifier']!r} is not one of {', '.join(QUALIFIERS)}")
    if not re.match(r"https?://", fields["found_at_url"]):
        raise OfficialFiguresError(path, line, f"found_at_url {fields['found_at_url']!r} is not an http(s) address")
    return official_row(source_kind="reference_csv", publisher=fields["publisher"], reported_as=fields["reported_as"],
                        indicator_code=fields["indicator_code"], country_iso3=country, year=int(year_text),
                        value=value, unit=fields["unit"], qualifier=fields["qualifier"], note=fields["note"],
                        found_at_url=fields["found_at_url"])
