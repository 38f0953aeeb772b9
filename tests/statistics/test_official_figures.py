"""Reading the reference figures into official_figures rows, and the catalogue of series."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caravan.statistics.official_figures import (CSV_COLUMNS, DEFAULT_REFERENCE_CSV, OFFICIAL_COLUMNS, SERIES, WORLD_BANK_SERIES,
                                      OfficialFiguresError, read_reference_csv, reported_date, series_for)

REPO = Path(__file__).resolve().parents[2]


def test_reference_csv_is_in_the_repo_with_its_provenance():
    assert DEFAULT_REFERENCE_CSV == REPO / "data" / "statistics" / "reference_figures.csv"
    readme = (REPO / "data" / "statistics" / "README.md").read_text(encoding="utf-8")
    assert "Copied unchanged" in readme and "found_at_url" in readme


def test_every_csv_row_and_column_is_kept():
    rows = read_reference_csv()
    with DEFAULT_REFERENCE_CSV.open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    assert len(rows) == len(raw) == 54
    for row, source in zip(rows, raw):
        assert set(OFFICIAL_COLUMNS) == set(row)
        for column in CSV_COLUMNS:
            expected = source[column] or None
            if column == "year":
                assert row[column] == int(expected)
            elif column == "value":
                assert row[column] == float(expected)
            else:
                assert row[column] == expected
        assert row["source_kind"] == "reference_csv"
        assert row["retrieved_at"] is None


def test_record_ids_are_unique_and_stable():
    first, second = read_reference_csv(), read_reference_csv()
    assert [r["record_id"] for r in first] == [r["record_id"] for r in second]
    assert len({r["record_id"] for r in first}) == len(first)


def test_vintages_stay_side_by_side():
    rows = read_reference_csv()
    tjk_share_2023 = {r["reported_as"]: r["value"] for r in rows
                      if (r["indicator_code"], r["country_iso3"], r["year"]) == ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2023)}
    assert tjk_share_2023 == {"ADB report on WB data via Asia-Plus": 48.2,
                              "WB Macro Poverty Outlook Tajikistan (~Oct 2024)": 38.0}
    tjk_share_2022 = sorted(r["value"] for r in rows
                            if (r["indicator_code"], r["country_iso3"], r["year"]) == ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2022))
    assert tjk_share_2022 == [49.9, 51.0]


@pytest.mark.parametrize("reported_as, expected", [
    ("WB Macro Poverty Outlook Tajikistan (~Oct 2024)", "2024-10"),
    ("RBC/Vedomosti citing CBU (2023-01-28)", "2023-01-28"),
    ("probster.com (source worldbank.org 03.09.2025)", "2025-09-03"),
    ("WB Migration & Dev Brief 38 (Jun 2023) via bne", "2023-06"),
    ("UN DESA IMS 2020 via Statista", None),  # an edition year, not a publication date
    ("ADB report on WB data via Asia-Plus", None),
])
def test_reported_date_reads_the_date_a_publication_states(reported_as, expected):
    assert reported_date(reported_as) == expected


def test_rows_carry_their_reported_date_and_indicator():
    rows = {(r["reported_as"], r["indicator_code"], r["country_iso3"], r["year"]): r for r in read_reference_csv()}
    mpo = rows[("WB Macro Poverty Outlook Tajikistan (~Oct 2024)", "BX.TRF.PWKR.DT.GD.ZS", "TJK", 2023)]
    assert mpo["reported_date"] == "2024-10" and mpo["indicator"] == "remittances_share_of_gdp"
    fsb = rows[("FSB via Fergana", "FSB:entries_for_work", "TJK", 2023)]
    assert fsb["note"] == "Q1 only" and fsb["unit"] == "persons"


def test_indicator_vocabulary_maps_to_world_bank_series():
    assert WORLD_BANK_SERIES == {"remittances_share_of_gdp": "BX.TRF.PWKR.DT.GD.ZS",
                                 "remittances_usd": "BX.TRF.PWKR.CD.DT", "gdp_usd": "NY.GDP.MKTP.CD",
                                 "migrant_population": "SM.POP.TOTL"}
    assert SERIES["BX.TRF.PWKR.DT.GD.ZS"].unit == "percent_of_gdp"
    assert SERIES["BX.TRF.PWKR.CD.DT"].unit == "USD" and SERIES["BX.TRF.PWKR.CD.DT"].counterpart is None
    # Russia's migrant counts in the CSV: the UN DESA stock is the migrant population; flows are not.
    assert SERIES["SM.POP.TOTL"].indicator == "migrant_population" and SERIES["SM.POP.TOTL"].not_comparable is None
    assert SERIES["FSB:entries_for_work"].not_comparable
    assert SERIES["CBU:remittance_inflows_from_RUS"].counterpart == "RUS"
    assert [s.code for s in series_for("gdp_usd")] == ["NY.GDP.MKTP.CD"]


def test_every_series_of_the_csv_is_catalogued():
    codes = {r["indicator_code"] for r in read_reference_csv()}
    assert codes <= set(SERIES)
    assert all(r["indicator"] != "other" for r in read_reference_csv())


# Synthetic CSVs: one broken row each, to check that the error names the file and the line.
_HEADER = ",".join(CSV_COLUMNS)
_GOOD = "World Bank,Some brief (Jun 2023),BX.TRF.PWKR.DT.GD.ZS,TJK,2022,51,percent_of_gdp,exact,,https://example.org/a"


@pytest.mark.parametrize("bad_line, problem", [
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,20x2,51,percent_of_gdp,exact,,https://example.org/a", "year"),
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,2022,fifty,percent_of_gdp,exact,,https://example.org/a", "value"),
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,2022,51,percent_of_gdp,exact,https://example.org/a", "fields"),
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJX,2022,51,percent_of_gdp,exact,,https://example.org/a", "country_iso3"),
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,2022,51,percent,exact,,https://example.org/a", "unit"),
    ("World Bank,Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,2022,51,percent_of_gdp,roughly,,https://example.org/a", "qualifier"),
    (",Some brief,BX.TRF.PWKR.DT.GD.ZS,TJK,2022,51,percent_of_gdp,exact,,https://example.org/a", "'publisher' is empty"),
    (_GOOD, "same publisher, publication, indicator, country and year as line 2"),
])
def test_a_malformed_row_is_named_by_file_and_line(tmp_path, bad_line, problem):
    path = tmp_path / "figures.csv"
    path.write_text(f"{_HEADER}\n{_GOOD}\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(OfficialFiguresError) as err:
        read_reference_csv(path)
    assert str(path) in str(err.value) and "line 3" in str(err.value)
    assert problem in str(err.value)


def test_a_wrong_header_is_refused(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("publisher,country,value\nWorld Bank,TJK,51\n", encoding="utf-8")
    with pytest.raises(OfficialFiguresError, match="line 1: the header"):
        read_reference_csv(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(OfficialFiguresError, match="missing.csv"):
        read_reference_csv(tmp_path / "missing.csv")
