"""Great Expectations Data Docs of a release: one result page per table, built from the suites' SQL evaluation,
failures shown, the results GX itself would give, relative links."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from caravan.release.data_docs import build_data_docs, evaluate_table, suite_validation_result
from caravan.release.writer import RELEASE_TABLES
from caravan.store.validation import load_suite, plain_value, validation_frame
from tests.conftest import SampleBuild

RUN_TIME = datetime(2024, 4, 1, tzinfo=timezone.utc)
# GX's index draws its validation table from a JS array; each row carries the page's relative path.
ROW_LINK = re.compile(r"'_table_row_link_path': '(validations/[^']+)'")
STATUS = re.compile(r'Status:</span> <i [^>]*></i> (\w+)')


@pytest.fixture(scope="module")
def release(sample_build: SampleBuild) -> Path:
    return sample_build.release


@pytest.fixture(scope="module")
def site(release: Path) -> Path:
    """The Data Docs the release writer built for the sample's release."""
    return release / "validation" / "index.html"


@pytest.fixture(scope="module")
def suites() -> dict:
    return {table: load_suite(table) for table in RELEASE_TABLES}


@pytest.fixture
def release_con(release: Path):
    con = duckdb.connect(str(release / "caravan.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture
def broken(release: Path):
    """The release's incidents (with the tables their checks read) in a database of their own, broken on purpose:
    the first incident's type is outside the vocabulary, the next two have no merge rule (never null)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{release / 'caravan.duckdb'}' AS published (READ_ONLY)")
    for table in ("articles", "incidents", "incident_sources"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM published.{table}")
    first, second, third = [row[0] for row in con.sql("SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 3")
                            .fetchall()]
    con.execute("UPDATE incidents SET type = 'picnic' WHERE incident_id = ?", [first])  # synthetic: not a type
    con.execute("UPDATE incidents SET merge_rule = NULL WHERE incident_id IN (?, ?)", [second, third])
    yield con
    con.close()


def page_text(page: Path) -> str:
    """The words a reader sees on a page, one text node a line."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
    lines = html.unescape(re.sub(r"<[^>]+>", "\n", text)).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def result_pages(index: Path) -> dict[str, Path]:
    return {link.split("/")[1]: index.parent / link for link in ROW_LINK.findall(index.read_text(encoding="utf-8"))}


def test_index_links_one_validation_result_page_per_table(site: Path):
    assert site.name == "index.html" and site.is_file()
    pages = result_pages(site)
    assert sorted(pages) == sorted(RELEASE_TABLES)
    assert all(page.is_file() for page in pages.values())
    for table in RELEASE_TABLES:
        assert f'href="expectations/{table}.html"' in site.read_text(encoding="utf-8")
        assert (site.parent / "expectations" / f"{table}.html").is_file()


def test_each_result_page_shows_its_suite_passing_over_the_whole_published_table(site: Path, suites: dict):
    for table, page in result_pages(site).items():
        html_text, text = page.read_text(encoding="utf-8"), page_text(page)
        assert f'<a href="../../../../expectations/{table}.html" >{table}</a>' in html_text
        assert STATUS.findall(html_text) == ["Succeeded"]
        assert "/2024.04.01/20240401T000000.000000Z/" in page.as_posix()  # the run is named by the writer
        n = len(suites[table]["expectations"])
        assert f"Evaluated Expectations\n{n}\nSuccessful Expectations\n{n}\nUnsuccessful Expectations\n0" in text
        assert f"the whole published table {table}, evaluated in DuckDB SQL" in text


def test_the_results_count_every_row_of_each_published_table(release_con, suites: dict):
    from great_expectations import ExpectationSuite, RunIdentifier

    run_id = RunIdentifier(run_name="2024.04.01", run_time=RUN_TIME)
    for table in RELEASE_TABLES:
        suite = ExpectationSuite(name=table, expectations=suites[table]["expectations"])
        result = suite_validation_result(evaluate_table(release_con, table, suites[table]), suite, table, run_id)
        rows = release_con.sql(f"SELECT count(*) FROM {table}").fetchone()[0]
        n = len(suites[table]["expectations"])
        assert result.success and result.statistics == {
            "evaluated_expectations": n, "successful_expectations": n, "unsuccessful_expectations": 0,
            "success_percent": 100.0}, table
        assert [r.result["element_count"] for r in result.results] == [rows] * n, table
        assert result.meta["run_id"] == run_id and result.batch_id == f"caravan-{table}"
    assert release_con.sql("SELECT count(*) FROM quotes").fetchone()[0] > 10  # the counts above are not all 0


def test_a_broken_table_shows_failed_with_its_unexpected_values(broken, suites: dict, tmp_path: Path):
    index = build_data_docs(broken, {"incidents": suites["incidents"]}, tmp_path / "validation")
    [page] = result_pages(index).values()
    assert STATUS.findall(page.read_text(encoding="utf-8")) == ["Failed"]
    text = page_text(page)
    rows = broken.sql("SELECT count(*) FROM incidents").fetchone()[0]
    assert "Successful Expectations\n23\nUnsuccessful Expectations\n2" in text
    assert "values must belong to this set" in text and "values must never be null" in text
    # GX's table of the first unexpected values, with their counts when they are all the unexpected ones.
    assert f"1 unexpected values found. ≈9.091% of {rows} total rows.\nUnexpected Value\nCount\npicnic\n1" in text
    assert f"2 unexpected values found. ≈18.18% of {rows} total rows.\nUnexpected Value\nCount\nnull\n2" in text
    assert rows == 11  # the percentages above are of the sample's incidents


def gx_results(frame, suite) -> tuple[dict, dict]:
    """GX's own validation of ``frame``: each expectation's result by the expectation's id, and the statistics."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (context.data_sources.add_pandas("gx").add_dataframe_asset(suite.name)
             .add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame}))
    validated = batch.validate(suite, result_format="SUMMARY")
    return {r.expectation_config.id: r for r in validated.results}, validated.statistics


def _compared(result: dict) -> dict:
    keys = ("element_count", "missing_count", "unexpected_count", "unexpected_percent", "unexpected_percent_total",
            "partial_unexpected_list")
    compared = {key: plain_value(result.get(key)) for key in keys}
    compared["partial_unexpected_counts"] = [{"value": plain_value(c["value"]), "count": c["count"]}
                                             for c in result.get("partial_unexpected_counts", [])]
    return compared


@pytest.mark.parametrize("data", ["broken", "release_con"])
def test_the_results_shown_are_the_ones_gx_gives_on_the_same_rows(data, request, suites: dict):
    from great_expectations import ExpectationSuite, RunIdentifier

    con = request.getfixturevalue(data)
    tables = ["incidents"] if data == "broken" else RELEASE_TABLES
    failed = 0
    for table in tables:
        specs = suites[table]["expectations"]
        suite = ExpectationSuite(name=table, expectations=[{**spec, "id": str(i)} for i, spec in enumerate(specs)])
        gx, gx_statistics = gx_results(validation_frame(con, table), suite)
        ours = suite_validation_result(evaluate_table(con, table, suites[table]), suite, table,
                                       RunIdentifier(run_name="x", run_time=RUN_TIME))
        assert ours.statistics == gx_statistics, table
        for i, result in enumerate(ours.results):
            assert result.expectation_config.id == str(i)
            assert (result.success, _compared(result.result)) == (gx[str(i)].success, _compared(gx[str(i)].result)), \
                (table, specs[i])
            failed += not result.success
    assert failed == (2 if data == "broken" else 0)


def test_an_expectation_on_a_column_the_frame_lacks_fails_with_its_reason(broken, suites: dict):
    """An expectation on a column the frame lacks fails with its reason, as in GX, while the others run."""
    from great_expectations import ExpectationSuite, RunIdentifier

    missing = {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "no_such_column", "value_set": ["x"]}}
    suite_json = {**suites["incidents"], "expectations": [*suites["incidents"]["expectations"], missing]}
    outcome = evaluate_table(broken, "incidents", suite_json)
    assert [r.position for r in outcome.failures] == [6, 25, 26] and "no_such_column" in outcome.results[-1].error
    suite = ExpectationSuite(name="incidents", expectations=suite_json["expectations"])
    result = suite_validation_result(outcome, suite, "incidents", RunIdentifier(run_name="x", run_time=RUN_TIME))
    assert result.results[-1].exception_info["raised_exception"] and result.results[-1].result == {}
    assert result.statistics["unsuccessful_expectations"] == 3


def test_docs_are_never_written_over_an_older_site(site: Path, release_con, suites: dict):
    with pytest.raises(FileExistsError):
        build_data_docs(release_con, {"articles": suites["articles"]}, site.parent)


def test_the_site_can_be_moved_with_the_release_and_says_what_it_shows(site: Path):
    for page in site.parent.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert str(site.parent) not in text and "file://" not in text
    readme = (site.parent / "README.md").read_text(encoding="utf-8")
    assert "CDN" in readme and "evaluation in DuckDB SQL over each published table" in readme
    for path in re.findall(r"\]\(([^)]+)\)", readme):
        assert (site.parent / path).is_file()


def test_frames_come_in_key_order(release_con):
    """GX lists the first unexpected values in frame order and SQL in key order: they agree on frames in key order."""
    from caravan.store.tables import ALL_TABLES

    for table in RELEASE_TABLES:
        frame = validation_frame(release_con, table)
        keys = ALL_TABLES[table].sort_by
        rows = [tuple(("", "") if v is None else (type(v).__name__, v) for v in row)
                for row in frame[list(keys)].astype(object).where(frame[list(keys)].notna(), None).itertuples(index=False)]
        assert rows == sorted(rows), table
        assert len(frame) == len(frame.drop_duplicates(subset=[ALL_TABLES[table].primary_key])), table


def test_the_release_pages_are_those_one_process_writes(release: Path, release_con, suites: dict, tmp_path: Path):
    # The writer evaluates the suites in a child process and renders the pages itself, from the results the child
    # hands back: the pages must be what evaluating and rendering in one process gives.
    alone = build_data_docs(release_con, suites, tmp_path / "validation", run_name=release.name, run_time=RUN_TIME)
    written = release / "validation"
    files = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(alone.parent) for p in alone.parent.rglob("*") if p.is_file())
    for name in files:
        assert (written / name).read_bytes() == (alone.parent / name).read_bytes(), name
