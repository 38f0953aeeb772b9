"""Checking reported figures against the official figures: verdicts per vintage, overall, and the rule text."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from caravan.ingest.corpus import read_article
from caravan.statistics.official_figures import official_row, read_reference_csv
from caravan.statistics.reconcile import (CHECK_COLUMNS, check_figures, countries_in, official_range, reported_range,
                               verdict_counts)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "corpus" / "voa-2024-03-central-asian-migrants-backlash.txt"


@pytest.fixture(scope="module")
def article():
    return read_article(SAMPLE)


@pytest.fixture(scope="module")
def official():
    return read_reference_csv()


def _sentence(article, needle: str) -> str:
    start = article.text.index(needle)
    line_start = article.text.rfind("\n", 0, start) + 1
    end = article.text.find(". ", start)
    return article.text[line_start:end + 1]


def _figure(article, record_id, subject, indicator, value, unit, qualifier, period, raw, sentence, source=None):
    """A figure as the extractor gives it (economic_figures columns); values hand-copied from the gold file."""
    start = article.text.index(raw) if raw in article.text else 0
    return {"record_id": record_id, "article_id": article.article_id, "subject": subject, "indicator": indicator,
            "value": value, "unit": unit, "currency": "USD" if unit == "USD" else None, "qualifier": qualifier,
            "period": period, "source": source, "raw": raw, "sentence": sentence,
            "char_start": start, "char_end": start + len(raw)}


@pytest.fixture(scope="module")
def sample_figures(article):
    tajik = _sentence(article, "Remittances last year accounted for")
    combined = _sentence(article, "Combined, Uzbekistan, Tajikistan and Kyrgyzstan")
    return [
        _figure(article, "fig_share", "Tajikistan", "remittances_share_of_gdp", 48, "percent", "over", "2023", "48%", tajik, "World Bank"),
        _figure(article, "fig_usd", "Tajikistan", "remittances_usd", 5700000000, "USD", "exact", "2023", "$5.7 billion", tajik, "World Bank"),
        _figure(article, "fig_sum", "Uzbekistan, Tajikistan and Kyrgyzstan", "remittances_usd", 25000000000, "USD", "about", None,
                "$25 billion", combined),
        _figure(article, "fig_people", "Central Asians in Russia", "migrant_population", 10000000, "persons", "more_than", None,
                "10 million", combined),
    ]


@pytest.fixture(scope="module")
def sample_checks(article, sample_figures, official):
    return check_figures(sample_figures, {article.article_id: article.published}, official)


def _rows(checks, figure_id):
    return [c for c in checks if c["figure_record_id"] == figure_id]


def test_tajik_share_of_gdp_is_checked_against_both_vintages(sample_checks, article):
    rows = _rows(sample_checks, "fig_share")
    by_vintage = {r["reported_as"]: r for r in rows}
    assert set(by_vintage) == {"ADB report on WB data via Asia-Plus", "WB Macro Poverty Outlook Tajikistan (~Oct 2024)"}
    quoted, revised = by_vintage["ADB report on WB data via Asia-Plus"], by_vintage["WB Macro Poverty Outlook Tajikistan (~Oct 2024)"]
    assert (quoted["official_value"], quoted["vintage_verdict"]) == (48.2, "consistent")
    assert (revised["official_value"], revised["vintage_verdict"]) == (38.0, "inconsistent")
    assert "later revision" in revised["vintage_rule"] and "after the article of 2024-03" in revised["vintage_rule"]
    for row in rows:
        assert row["verdict"] == "consistent"  # backed by the figure published at the time
        assert row["countries"] == "TJK" and row["period"] == "2023" and row["period_assumed"] is False
        assert row["series_code"] == "BX.TRF.PWKR.DT.GD.ZS" and row["official_unit"] == "percent_of_gdp"
        assert row["article_id"] == article.article_id
    rule = rows[0]["rule"]
    assert rule == rows[1]["rule"]
    assert rule.startswith("reported remittances of over 48 % of GDP for TJK 2023; the wording allows above 48 %.")
    assert "48.2 % → consistent" in rule and "38 % → inconsistent (later revision" in rule
    assert "consistent with the earlier vintage, inconsistent with a later revision" in rule


def test_tajik_remittances_in_dollars(sample_checks):
    [row] = _rows(sample_checks, "fig_usd")
    assert row["official_value"] == 5.7e9 and row["official_qualifier"] == "about"
    assert row["vintage_verdict"] == row["verdict"] == "consistent"
    # "most of it from Russia" is in another clause: the $5.7 billion is total remittances.
    assert row["counterpart_country"] is None and row["comparison"] == "same_measure"
    assert "±2% allowed for rounding" in row["rule"]


def test_three_country_sum_without_period(sample_checks):
    rows = _rows(sample_checks, "fig_sum")
    assert {r["verdict"] for r in rows} == {"unverifiable"}
    assert all(r["period"] == "2023" and r["period_assumed"] is True for r in rows)
    assert all(r["countries"] == "UZB;TJK;KGZ" and r["counterpart_country"] == "RUS" for r in rows)
    rule = rows[0]["rule"]
    assert "2023 (no period in the article: year before publication, 2024-03)" in rule
    assert "no official vintage has a value for every country in 2023" in rule
    total = next(r for r in rows if r["series_code"] == "BX.TRF.PWKR.CD.DT")
    # The article says "from Russia"; the World Bank series is all remittances: the rule says so.
    assert total["comparison"] == "official_upper_bound"
    assert "the series counts remittances from all countries, the article's figure only those from RUS" in total["vintage_rule"]
    from_russia = next(r for r in rows if r["series_code"] == "CBU:remittance_inflows_from_RUS")
    assert "UZB: $8.58 bn" in from_russia["official_detail"] and "TJK: no value" in from_russia["official_detail"]
    assert from_russia["official_value"] is None


def test_migrant_count_of_central_asians(sample_checks):
    [row] = _rows(sample_checks, "fig_people")
    assert row["countries"] == "KAZ;KGZ;TJK;TKM;UZB" and row["counterpart_country"] == "RUS"
    assert row["verdict"] == "unverifiable" and row["series_code"] is None
    assert "no comparable official value for 2023 (comparable official values exist for 2024)" in row["rule"]
    assert "FSB:entries_for_work (a count of border entries" in row["rule"]


def test_rows_have_the_table_columns_and_stable_ids(sample_checks, article, sample_figures, official):
    assert all(tuple(r) == CHECK_COLUMNS for r in sample_checks)
    assert len({r["record_id"] for r in sample_checks}) == len(sample_checks)
    again = check_figures(sample_figures, {article.article_id: article.published}, official)
    assert again == sample_checks
    assert verdict_counts(sample_checks) == {"figures": 4, "consistent": 2, "inconsistent": 0, "unverifiable": 2}


# --- Synthetic figures (made up for the tests, checked against the real reference figures) -------------


def _synthetic(subject, indicator, value, unit, qualifier, period, raw="", sentence="", record_id="fig_x"):
    return {"record_id": record_id, "article_id": "art_synthetic", "subject": subject, "indicator": indicator,
            "value": value, "unit": unit, "currency": "USD" if unit == "USD" else None, "qualifier": qualifier,
            "period": period, "source": None, "raw": raw or str(value), "sentence": sentence, "char_start": 0, "char_end": 1}


def _check(official, figure, published="2024-03"):
    return check_figures([figure], {"art_synthetic": published}, official)


def test_a_three_country_sum_from_one_publication(official):
    # Synthetic: the Bank of Russia's 2017 transfers to the three countries add up to $8.6 bn (TJK "more than" 2.5).
    sentence = "In 2017, Uzbekistan, Tajikistan and Kyrgyzstan received about $8.6 billion in remittances from Russia."
    figure = _synthetic("Uzbekistan, Tajikistan and Kyrgyzstan", "remittances_usd", 8.6e9, "USD", "about", "2017",
                        "$8.6 billion", sentence)
    [row] = _check(official, figure)
    assert row["series_code"] == "CBR:xborder_transfers_RUS_to" and row["comparison"] == "same_measure"
    assert row["official_value"] == pytest.approx(8.6e9) and row["verdict"] == "consistent"
    assert "sum $8.6 bn" in row["vintage_rule"]
    too_low = _check(official, {**figure, "value": 6e9, "raw": "$6 billion", "sentence": sentence.replace("8.6", "6")})
    assert too_low[0]["verdict"] == "inconsistent"


def test_members_from_different_publications_are_combined(official):
    # Synthetic: 2022 has Tajikistan in one World Bank publication and Uzbekistan in another ($5.3 bn + $16.9 bn).
    figure = _synthetic("Tajikistan and Uzbekistan", "remittances_usd", 22e9, "USD", "about", "2022", "$22 billion",
                        "Tajikistan and Uzbekistan received about $22 billion in remittances in 2022.")
    rows = [r for r in _check(official, figure) if r["series_code"] == "BX.TRF.PWKR.CD.DT"]
    assert [r["vintage_verdict"] for r in rows] == ["unverifiable", "unverifiable", "consistent"]
    combined = rows[-1]
    assert combined["reported_as"].startswith("combined: ") and combined["official_value"] == pytest.approx(22.2e9)
    assert len(combined["official_record_ids"].split(";")) == 2
    assert combined["verdict"] == "consistent"


def test_rounded_official_value_and_later_article(official):
    # Synthetic: an article of December 2025 reporting the revised 38 %.
    figure = _synthetic("Tajikistan", "remittances_share_of_gdp", 38, "percent", "about", "2023")
    rows = _check(official, figure, published="2025-12")
    verdicts = {r["reported_as"]: r["vintage_verdict"] for r in rows}
    assert verdicts == {"ADB report on WB data via Asia-Plus": "inconsistent",
                        "WB Macro Poverty Outlook Tajikistan (~Oct 2024)": "consistent"}
    assert rows[0]["verdict"] == "consistent" and "later revision" not in rows[0]["rule"]


def test_inconsistent_with_every_vintage(official):
    figure = _synthetic("Tajikistan", "remittances_share_of_gdp", 60, "percent", "over", "2023")
    rows = _check(official, figure)
    assert {r["vintage_verdict"] for r in rows} == {"inconsistent"}
    assert rows[0]["verdict"] == "inconsistent" and "disagrees with every official vintage that decides (2)" in rows[0]["rule"]


def test_bounds_from_series_that_count_more_or_less(official):
    # Synthetic: Uzbekistan 2022. A total of $10 bn is less than the $14.7 bn the central bank counted from Russia alone.
    total = _synthetic("Uzbekistan", "remittances_usd", 10e9, "USD", "exact", "2022", "$10 billion",
                       "Uzbekistan received $10 billion in remittances in 2022.")
    rows = {(r["series_code"], r["reported_as"]): r for r in _check(official, total)}
    part = rows[("CBU:remittance_inflows_from_RUS", "Central Bank of Uzbekistan via TCA")]
    assert part["comparison"] == "official_lower_bound" and part["vintage_verdict"] == "inconsistent"
    assert "less than the official part it includes" in part["vintage_rule"]
    assert next(iter(rows.values()))["verdict"] == "inconsistent"
    # $12 bn from Russia is within the $16.9 bn total: the total cannot confirm it, the central bank's 14.5-14.7 can refute it.
    from_russia = _synthetic("Uzbekistan", "remittances_usd", 12e9, "USD", "about", "2022", "$12 billion",
                             "Uzbekistan received about $12 billion in remittances from Russia in 2022.")
    rows = {r["series_code"]: r for r in _check(official, from_russia)}
    assert rows["BX.TRF.PWKR.CD.DT"]["comparison"] == "official_upper_bound"
    assert rows["BX.TRF.PWKR.CD.DT"]["vintage_verdict"] == "unverifiable"
    assert "an upper bound only" in rows["BX.TRF.PWKR.CD.DT"]["vintage_rule"]
    assert rows["CBU:transfers_from_RUS"]["vintage_verdict"] == "inconsistent"
    assert rows["CBU:transfers_from_RUS"]["verdict"] == "inconsistent"


def test_migrants_in_russia_against_the_migration_register(official):
    # Synthetic: "more than 6 million foreigners in Russia" in 2024; the MVD register had 6,174,777.
    figure = _synthetic("foreigners in Russia", "migrant_population", 6e6, "persons", "more_than", "2024")
    [row] = _check(official, figure)
    assert row["series_code"] == "MVD:foreigners_on_migration_register"
    assert row["countries"] is None and row["counterpart_country"] == "RUS"
    assert row["verdict"] == "consistent"
    tajiks = _synthetic("Tajik migrants in Russia", "migrant_population", 1e6, "persons", "about", "2024")
    [row] = _check(official, tajiks)
    # The MVD said "more than 1.2 million": about 1 million (0.95-1.05 million) is too few.
    assert row["series_code"] == "MVD:citizens_present_in_RUS" and row["verdict"] == "inconsistent"


@pytest.mark.parametrize("figure, reason", [
    (_synthetic("Tajikistan", "other", 3, "percent", "exact", "2023"), "indicator 'other': no official series measures it"),
    (_synthetic("Tajikistan", "remittances_share_of_gdp", 40, "percent", "exact", "2010"),
     "no comparable official value for 2010 (comparable official values exist for 2017, 2018, 2021, 2022, 2023, 2024)"),
    (_synthetic("Tajikistan", "remittances_usd", 5e8, "USD", "exact", "2024-03"), "one month (2024-03)"),
    (_synthetic("Tajikistan", "remittances_usd", 6e10, "RUB", "exact", "2023"), "reported in RUB"),
    (_synthetic("Tajikistan and Kyrgyzstan", "remittances_share_of_gdp", 40, "percent", "over", "2023"),
     "shares of GDP of several countries do not add up"),
    (_synthetic("the region", "remittances_usd", 5e9, "USD", "exact", "2023"), "names no country"),
    (_synthetic("Tajik migrants", "migrant_population", 1e6, "persons", "exact", "2024"), "in which country the migrants are"),
])
def test_unverifiable_figures_say_why(official, figure, reason):
    [row] = _check(official, figure)
    assert row["verdict"] == row["vintage_verdict"] == "unverifiable"
    assert reason in row["rule"] and row["official_value"] is None


def test_no_period_and_no_publication_date(official):
    figure = _synthetic("Tajikistan", "remittances_usd", 5.7e9, "USD", "exact", None)
    [row] = check_figures([figure], {}, official)
    assert row["verdict"] == "unverifiable" and "no period and has no publication date" in row["rule"]


def test_an_api_snapshot_is_one_more_vintage(official):
    # Synthetic API row (made-up value 48.9) beside the reference figures.
    api = official_row(source_kind="world_bank_api", publisher="World Bank",
                       reported_as="World Bank WDI API, retrieved 2025-01-02", indicator_code="BX.TRF.PWKR.DT.GD.ZS",
                       country_iso3="TJK", year=2023, value=48.9, unit="percent_of_gdp", qualifier="exact", note=None,
                       found_at_url="http://127.0.0.1/v2/country/TJK/indicator/BX.TRF.PWKR.DT.GD.ZS", date_reported="2024-12-16")
    figure = _synthetic("Tajikistan", "remittances_share_of_gdp", 48, "percent", "over", "2023")
    rows = _check(official + [api], figure)
    assert len(rows) == 3
    row = next(r for r in rows if r["reported_as"].startswith("World Bank WDI API"))
    assert row["vintage_verdict"] == "consistent" and row["reported_date"] == "2024-12-16"
    assert "WDI last updated 2024-12-16" in row["vintage_rule"] and row["official_record_ids"] == api["record_id"]


# --- Ranges and names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reported, official, agree", [
    (("over", 48), ("exact", 48.2), True),
    (("over", 48), ("exact", 38), False),
    (("over", 48), ("exact", 48), True),  # a rounded 48 stands for 47.5-48.5
    (("over", 48), ("exact", 47.9), False),
    (("about", 100), ("exact", 104.9), True),
    (("about", 100), ("exact", 106), False),
    (("exact", 100), ("exact", 101.9), True),
    (("exact", 100), ("exact", 103), False),
    (("nearly", 200), ("exact", 195), True),
    (("nearly", 200), ("exact", 180), False),
    (("nearly", 200), ("exact", 201), False),
    (("less_than", 10), ("exact", 9), True),
    (("less_than", 10), ("exact", 11), False),
    (("up_to", 10), ("exact", 10), True),
    (("at_least", 10), ("exact", 9.4), False),
    (("exact", 3e9), ("more_than", 2.5e9), True),
    (("exact", 2e9), ("more_than", 2.5e9), False),
    (("exact", 6.2e9), ("about", 6e9), True),
])
def test_qualifier_ranges(reported, official, agree):
    assert reported_range(reported[1], reported[0]).overlaps(official_range(official[1], official[0])) is agree


def test_open_ranges():
    r = reported_range(48, "over")
    assert r.lo == 48 and r.lo_open and r.hi == math.inf


@pytest.mark.parametrize("text, codes", [
    ("Uzbekistan, Tajikistan and Kyrgyzstan", ("UZB", "TJK", "KGZ")),
    ("the Kyrgyz Republic", ("KGZ",)),
    ("Russia", ("RUS",)),
    ("Russian Federation", ("RUS",)),
    ("Central Asians", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("Tajik and Uzbek workers", ("TJK", "UZB")),
    ("Kazakhstan and Turkmenistan", ("KAZ", "TKM")),
])
def test_countries_in_names(text, codes):
    assert countries_in(text) == codes
