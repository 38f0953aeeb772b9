"""Great Expectations Data Docs of a release: one result page per table, failures shown, relative links."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from caravan.release.data_docs import build_data_docs, validation_summary
from caravan.store.validation import VALIDATION_QUERIES, load_suite, validation_frame
from tests.conftest import SAMPLE_CORPUS, run_build

RUN_TIME = datetime(2024, 4, 1, tzinfo=timezone.utc)
# GX's index draws its validation table from a JS array; each row carries the page's relative path.
ROW_LINK = re.compile(r"'_table_row_link_path': '(validations/[^']+)'")
STATUS = re.compile(r'Status:</span> <i [^>]*></i> (\w+)')


@pytest.fixture(scope="module")
def warehouse_frames(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("build")
    assert run_build(SAMPLE_CORPUS, out).success
    con = duckdb.connect(str(out / "caravan.duckdb"), read_only=True)
    try:
        return {table: validation_frame(con, table) for table in VALIDATION_QUERIES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def suites() -> dict:
    return {table: load_suite(table) for table in VALIDATION_QUERIES}


@pytest.fixture(scope="module")
def site(warehouse_frames, suites, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "validation"
    return build_data_docs(warehouse_frames, suites, out, run_name="2024.04.01", run_time=RUN_TIME)


def test_index_links_one_validation_result_page_per_table(site: Path):
    assert site.name == "index.html" and site.is_file()
    links = ROW_LINK.findall(site.read_text(encoding="utf-8"))
    assert sorted(link.split("/")[1] for link in links) == sorted(VALIDATION_QUERIES)
    for link in links:
        assert (site.parent / link).is_file()
    for table in VALIDATION_QUERIES:
        assert f'href="expectations/{table}.html"' in site.read_text(encoding="utf-8")
        assert (site.parent / "expectations" / f"{table}.html").is_file()


def test_each_result_page_names_its_suite_and_shows_success(site: Path):
    for link in ROW_LINK.findall(site.read_text(encoding="utf-8")):
        table = link.split("/")[1]
        page = (site.parent / link).read_text(encoding="utf-8")
        assert f'<a href="../../../../expectations/{table}.html" >{table}</a>' in page
        assert STATUS.findall(page) == ["Succeeded"]
        assert "/2024.04.01/20240401T000000.000000Z/" in link  # the run is named by the caller


def test_the_site_can_be_moved_with_the_release(site: Path):
    for page in site.parent.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert str(site.parent) not in text and "file://" not in text
    readme = (site.parent / "README.md").read_text(encoding="utf-8")
    assert "CDN" in readme
    for path in re.findall(r"\]\(([^)]+)\)", readme):
        assert (site.parent / path).is_file()


def test_a_broken_frame_shows_its_failure_in_the_docs(warehouse_frames, suites, tmp_path: Path):
    broken = warehouse_frames["incidents"].copy()
    assert len(broken) > 0
    broken.loc[broken.index[0], "type"] = "picnic"  # synthetic: a type outside the vocabulary
    index = build_data_docs({"incidents": broken}, {"incidents": suites["incidents"]}, tmp_path / "validation")
    [link] = ROW_LINK.findall(index.read_text(encoding="utf-8"))
    page = (index.parent / link).read_text(encoding="utf-8")
    assert STATUS.findall(page) == ["Failed"]
    assert "values must belong to this set" in page and "picnic" in page

    summary = validation_summary({"incidents": broken}, {"incidents": suites["incidents"]})["incidents"]
    assert summary["success"] is False and summary["evaluated"] == len(suites["incidents"]["expectations"])
    assert summary["failed"] == ["expect_column_values_to_be_in_set on type: 1 unexpected, e.g. ['picnic']"]


def test_docs_are_never_written_over_an_older_site(site: Path, warehouse_frames, suites):
    with pytest.raises(FileExistsError):
        build_data_docs({"articles": warehouse_frames["articles"]}, {"articles": suites["articles"]}, site.parent)


def test_frames_come_in_key_order_so_the_pages_are_reproducible(warehouse_frames):
    """The result pages print a fingerprint of the frame: a join's arbitrary row order would change it."""
    from caravan.store.tables import ALL_TABLES

    for table, frame in warehouse_frames.items():
        keys = ALL_TABLES[table].sort_by
        rows = [tuple(("", "") if v is None else (type(v).__name__, v) for v in row)
                for row in frame[list(keys)].astype(object).where(frame[list(keys)].notna(), None).itertuples(index=False)]
        assert rows == sorted(rows), table
        assert len(frame) == len(frame.drop_duplicates(subset=[ALL_TABLES[table].primary_key])), table
