"""What a blocking expectation check shows in the Dagster UI: a Markdown table of the suite's
expectations with their results, and the failing values as text, from a real suite run by GX."""

from __future__ import annotations

import pandas as pd
import pytest

from caravan.store.validation import expectations_markdown, failing_values_markdown, load_suite, validate_frame

SHA_A, SHA_B = "a" * 64, "b" * 64


def articles_frame(**changes) -> pd.DataFrame:
    """Three valid rows of the articles validation frame (the columns its suite names), with ``changes``."""
    columns = {
        "article_id": ["a1", "a2", "a3"],
        "sha256": [SHA_A, SHA_B, "c" * 64],
        "text": ["One.", "Two.", "Three."],
        "text_unless_withheld": [True, True, True],
        "n_chars": [4, 4, 6],
        "n_chars_matches_text": [True, True, True],
        "published": ["2024", "2024-03", "2024-03-22"],
        "published_is_date": [True, True, True],
        "published_precision": ["year", "month", "day"],
    }
    columns.update(changes)
    return pd.DataFrame(columns)


@pytest.fixture(scope="module")
def suite() -> dict:
    return load_suite("articles")


def table_rows(markdown: str) -> list[list[str]]:
    lines = markdown.splitlines()
    assert lines[0] == "| # | expectation | column | arguments | passed | result |"
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def test_the_table_has_one_row_per_expectation_in_suite_order(suite):
    # Synthetic faults: a duplicate text hash, a 13th month, a zero length.
    frame = articles_frame(sha256=[SHA_A, SHA_A, "c" * 64], published_is_date=[True, False, True], n_chars=[4, 4, 0])
    outcome = validate_frame(frame, suite, key="article_id")
    rows = table_rows(expectations_markdown(outcome))
    # GX evaluates in an order of its own; the table follows the suite file.
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (str(i), f"`{e['type']}`", f"`{e['kwargs']['column']}`") for i, e in enumerate(suite["expectations"], 1)]
    failed = {row[2]: row for row in rows if row[4] == "✗"}
    assert set(failed) == {"`sha256`", "`published_is_date`", "`n_chars`"}
    assert [row for row in rows if row[2] == "`sha256`"][0][5] == "2 of 3 unexpected (66.7%)"  # the unique one
    assert failed["`published_is_date`"][3] == "`value_set=[true]`"
    assert failed["`published_is_date`"][5] == "1 of 3 unexpected (33.3%)"
    assert failed["`n_chars`"][3] == "`min_value=1`"
    assert all(row[4] == "✓" and row[5] == "0 of 3 unexpected" for row in rows if row[2] not in failed)
    assert outcome.unexpected_values == 4 and len(outcome.failures) == 3


def test_failing_values_are_listed_with_the_rows_they_are_in(suite):
    frame = articles_frame(sha256=[SHA_A, SHA_A, "c" * 64], published_is_date=[True, False, True], n_chars=[4, 4, 0])
    text = failing_values_markdown(validate_frame(frame, suite, key="article_id"))
    assert text.split("\n\n") == [
        "**3. `expect_column_values_to_be_unique` on `sha256`**: 2 of 3 unexpected (66.7%)",
        f"- `{SHA_A}` ×2 (article_id `a1`, `a2`)",
        "**5. `expect_column_values_to_be_between` on `n_chars`**: 1 of 3 unexpected (33.3%)",
        "- `0` (article_id `a3`)",
        "**8. `expect_column_values_to_be_in_set` on `published_is_date`**: 1 of 3 unexpected (33.3%)",
        "- `false` (article_id `a2`)\n",
    ]


def test_a_passing_suite_shows_every_expectation_passed_and_no_failing_values(suite):
    outcome = validate_frame(articles_frame(), suite, key="article_id")
    rows = table_rows(expectations_markdown(outcome))
    assert len(rows) == len(suite["expectations"]) and {row[4] for row in rows} == {"✓"}
    assert failing_values_markdown(outcome) == "" and outcome.unexpected_values == 0


def test_many_failing_values_are_cut_and_odd_text_stays_on_one_line(suite):
    n = 30
    frame = pd.DataFrame({
        "article_id": [f"a{i:02}" for i in range(n)],
        "sha256": [f"{i:064x}" for i in range(n)],
        "text": ["x"] * n,
        "text_unless_withheld": [True] * n,
        "n_chars": [1] * n,
        "n_chars_matches_text": [True] * n,
        # Synthetic: 30 distinct bad dates, one holding a newline, a pipe and a backtick, one very long.
        "published": ["20|\n`4", "y" * 200] + [f"bad-{i}" for i in range(2, n)],
        "published_is_date": [True] * n,
        "published_precision": ["year"] * n,
    })
    outcome = validate_frame(frame, suite, key="article_id")
    table = expectations_markdown(outcome)
    assert len(table.splitlines()) == 2 + len(suite["expectations"])
    [regex_row] = [row for row in table.splitlines() if "`published`" in row]
    assert "| ✗ | 30 of 30 unexpected (100%) |" in regex_row
    [_, values] = failing_values_markdown(outcome).strip().split("\n\n")
    items = values.splitlines()
    assert items[0] == "- ``20|↵`4`` (article_id `a00`)"
    assert items[1] == f"- `{'y' * 119}…` (article_id `a01`)"
    assert items[2] == "- `bad-2` (article_id `a02`)"
    # The first ten distinct values of GX's sample, then how many more there are.
    assert len(items) == 11 and items[-1] == "- … and 20 more"


def test_an_expectation_that_cannot_run_says_why(suite):
    outcome = validate_frame(articles_frame().drop(columns=["published_precision"]), suite, key="article_id")
    [row] = [row for row in table_rows(expectations_markdown(outcome)) if row[2] == "`published_precision`"]
    assert row[4] == "✗" and row[5].startswith("error: ") and "published_precision" in row[5]
    assert "does not exist" in failing_values_markdown(outcome)


def test_the_same_frame_gives_the_same_markdown(suite):
    frame = articles_frame(n_chars=[0, 0, 0], published_is_date=[False, True, False])
    first, second = validate_frame(frame, suite, key="article_id"), validate_frame(frame, suite, key="article_id")
    assert expectations_markdown(first) == expectations_markdown(second)
    assert failing_values_markdown(first) == failing_values_markdown(second)


def test_compound_keys_and_long_arguments_read_as_text():
    suite = load_suite("official_figures")
    n_countries = len(suite["expectations"][4]["kwargs"]["value_set"])
    row = {"source_kind": "reference_csv", "indicator": "remittances_usd", "country_iso3": "TJK", "unit": "USD",
           "qualifier": "exact", "year": 2023, "value": 1.0, "found_at_url": "https://example.org/a",
           "publisher": "Bank", "reported_as": "total", "indicator_code": "X", "retrieved_at": "2024-04-01"}
    # Synthetic: the same figure recorded twice under two ids, and a country code that does not exist.
    frame = pd.DataFrame([{**row, "record_id": "f1"}, {**row, "record_id": "f2"},
                          {**row, "record_id": "f3", "country_iso3": "XXX", "year": 2022}])
    outcome = validate_frame(frame, suite, key="record_id")
    rows = {row[0]: row for row in table_rows(expectations_markdown(outcome))}
    assert rows["5"][3] == f"`value_set=[ABW, AFG, AGO, AIA, ALA, … +{n_countries - 5}]`"
    assert rows["12"][2] == "`source_kind`, `publisher`, `reported_as`, `indicator_code`, `country_iso3`, `year`, `retrieved_at`"
    assert rows["12"][4] == "✗" and rows["12"][5] == "2 of 3 unexpected (66.7%)"
    text = failing_values_markdown(outcome)
    assert "- `XXX` (record_id `f3`)" in text
    assert ("- `source_kind=reference_csv, publisher=Bank, reported_as=total, indicator_code=X, country_iso3=TJK, "
            "year=2023, retrieved_at=2024-04-01` ×2 (record_id `f1`, `f2`)") in text


def test_the_asset_check_shows_broken_key_links_and_how_many_rows_gx_saw(tmp_path):
    import duckdb

    from assets.resources import WarehouseResource
    from assets.validation import expectation_check
    from tests.store.test_sql_checks import span_tables

    con = duckdb.connect(str(tmp_path / "caravan.duckdb"))
    span_tables(con)  # synthetic: one source names a missing incident, another a missing article
    con.close()
    result = expectation_check("incident_sources")(warehouse=WarehouseResource(database=str(tmp_path / "caravan.duckdb")))
    meta = result.metadata
    assert not result.passed and meta["rows_validated_by_gx"].value == 2 and meta["key_links_failed"].value == 2
    assert len(table_rows(meta["expectations"].value)) == len(load_suite("incident_sources")["expectations"])
    assert [row[1:5] for row in table_rows(meta["key_links"].value)] == [
        ["`key_link`", "`article_id`", "`references=articles.article_id`", "✗"],
        ["`key_link`", "`incident_id`", "`references=incidents.incident_id`", "✗"]]
    assert "- `i9` (source_id `s2`)" in meta["failing_values"].value
    assert "key_link on incident_id: 1 unexpected" in result.description
