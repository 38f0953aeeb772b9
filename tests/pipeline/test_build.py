"""The whole job on the sample corpus, in-process as `caravan build` and `dagster dev` run it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from caravan.release.writer import RELEASE_TABLES
from caravan.store.tables import TABLES
from tests.conftest import SampleBuild, run_build


@pytest.fixture(scope="module")
def built(sample_build: SampleBuild) -> Path:
    """The shared build of the sample (read only: the tests below change copies of its warehouse)."""
    return sample_build.out


def test_release_has_every_table_as_zstd_parquet_with_descriptions(built: Path):
    release = built / "releases" / "2024.04.01"
    assert (built / "releases" / "latest").resolve() == release.resolve()
    for name in RELEASE_TABLES:
        pf = pq.ParquetFile(release / f"{name}.parquet")
        assert pf.metadata.row_group(0).column(0).compression == "ZSTD"
        schema = pf.schema_arrow
        assert schema.names == [c.name for c in TABLES[name].published_columns()]
        assert all(schema.field(c).metadata[b"description"] for c in schema.names)


def test_record_tables_are_not_empty_and_match_the_warehouse(built: Path):
    release = built / "releases" / "2024.04.01"
    con = duckdb.connect(str(built / "caravan.duckdb"), read_only=True)
    for name in RELEASE_TABLES:
        rows = pq.read_table(release / f"{name}.parquet").num_rows
        assert rows > 0 or name == "curation_log", f"{name} is empty"  # the sample has no curation decisions
        assert rows == con.sql(f"SELECT count(*) FROM {name}").fetchone()[0]


def test_spans_point_at_their_evidence(built: Path):
    release = built / "releases" / "2024.04.01"
    texts = {r["article_id"]: r["text"] for r in pq.read_table(release / "articles.parquet").to_pylist()}
    evidence_column = {"quotes": "text", "economic_figures": "raw", "incidents": None}
    for name, column in evidence_column.items():
        for row in pq.read_table(release / f"{name}.parquet").to_pylist():
            span = texts[row["article_id"]][row["char_start"]:row["char_end"]]
            assert span, row
            assert span == row[column] if column else span in row["sentence"] or row["sentence"] in span


def test_datapackage_describes_the_files(built: Path):
    release = built / "releases" / "2024.04.01"
    package = json.loads((release / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in package["resources"]:
        path = release / resource["path"]
        assert resource["rows"] == pq.read_metadata(path).num_rows
        import hashlib
        assert resource["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        assert all(f["description"] for f in resource["schema"]["fields"])
    assert "| `speaker` |" in (release / "README.md").read_text()


def test_datapackage_is_valid_frictionless(built: Path):
    from frictionless import Package

    descriptor = json.loads((built / "releases" / "2024.04.01" / "datapackage.json").read_text())
    errors = [str(e) for e in Package.metadata_validate(descriptor)]
    assert errors == []
    assert Package.validate_descriptor(descriptor).valid


def test_release_duckdb_has_the_tables_with_comments(built: Path):
    con = duckdb.connect(str(built / "releases" / "2024.04.01" / "caravan.duckdb"), read_only=True)
    comments = dict(con.sql("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert set(comments) == set(RELEASE_TABLES) and all(comments.values())
    views = dict(con.sql("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    assert set(views) == {"incidents_with_sources", "quotes_with_speakers", "figures_with_checks"} and all(views.values())
    quotes = con.sql("SELECT count(*), count(speaker_id) FROM quotes_with_speakers WHERE speaker IS NOT NULL").fetchone()
    assert quotes[0] == quotes[1] > 0  # every named speaker is in speakers
    assert con.sql("SELECT count(*) FROM figures_with_checks WHERE verdict IS NULL").fetchone()[0] == 0
    assert con.sql("SELECT count(*) FROM incidents_with_sources").fetchone()[0] == con.sql("SELECT count(*) FROM incident_sources").fetchone()[0]
    missing = con.sql("SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t USING (table_name) "
                      "WHERE c.comment IS NULL").fetchall()
    assert missing == []
    warehouse = duckdb.connect(str(built / "caravan.duckdb"), read_only=True)
    assert warehouse.sql("SELECT comment FROM duckdb_columns() WHERE table_name='quotes' AND column_name='speaker'").fetchone()[0]


def test_a_second_build_gives_byte_identical_release_files(tmp_path: Path, monkeypatch):
    """Every file: the Parquet tables, the DuckDB copy, the pages and the validation reports. On the sample
    and 300 synthetic articles (3,000 quotes), as in the report that found the DuckDB copies differing: past
    2,048 rows a table spans several of DuckDB's vectors. The second build runs from another folder, as a
    re-run from another shell would."""
    from caravan.synthetic import generate_corpus
    from tests.conftest import SAMPLE_CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    generate_corpus(corpus, 300, seed=7, benchmark_unmarked=True)  # published like real articles
    assert run_build(corpus, tmp_path / "one").success
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for i in range(1000):
        (elsewhere / f"{i}.txt").touch()
    monkeypatch.chdir(elsewhere)
    assert run_build(corpus, tmp_path / "two").success
    first, second = tmp_path / "one" / "releases" / "2024.04.01", tmp_path / "two" / "releases" / "2024.04.01"
    assert pq.read_metadata(first / "quotes.parquet").num_rows > 2048
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert {f"{name}.parquet" for name in RELEASE_TABLES} <= {str(f) for f in files}
    assert [str(name) for name in files if (second / name).read_bytes() != (first / name).read_bytes()] == []


def test_rebuilding_into_the_same_warehouse_keeps_record_ids(built: Path, tmp_path: Path):
    from tests.conftest import SAMPLE_CORPUS

    shutil.copy(built / "caravan.duckdb", tmp_path / "caravan.duckdb")
    before = duckdb.connect(str(tmp_path / "caravan.duckdb"), read_only=True)
    ids_before = before.sql("SELECT record_id FROM quotes ORDER BY 1").fetchall()
    ingested_before = before.sql("SELECT ingested_at FROM articles").fetchall()
    before.close()
    assert run_build(SAMPLE_CORPUS, tmp_path, version="2024.04.02").success
    after = duckdb.connect(str(tmp_path / "caravan.duckdb"), read_only=True)
    assert after.sql("SELECT record_id FROM quotes ORDER BY 1").fetchall() == ids_before
    assert after.sql("SELECT ingested_at FROM articles").fetchall() == ingested_before


def test_synthetic_articles_never_enter_the_release(sample_corpus: Path, tmp_path: Path):
    # synthetic test article, written for this test
    (sample_corpus / "zz-synthetic.txt").write_text(
        "“Raids happen every night,” said Test Person, a synthetic speaker.", encoding="utf-8")
    (sample_corpus / "zz-synthetic.meta.json").write_text(json.dumps({"synthetic": True, "published": "2024"}), encoding="utf-8")
    assert run_build(sample_corpus, tmp_path).success
    warehouse = duckdb.connect(str(tmp_path / "caravan.duckdb"), read_only=True)
    assert warehouse.sql("SELECT count(*) FROM articles WHERE synthetic").fetchone()[0] == 1
    released = pq.read_table(tmp_path / "releases" / "2024.04.01" / "articles.parquet").column("source_path").to_pylist()
    assert "zz-synthetic.txt" not in released and len(released) == 1


def test_a_failing_expectation_blocks_the_release(built: Path, tmp_path: Path):
    """Break a table in the warehouse, then run its check and the release: no release is written."""

    from pipelines.definitions import build_definitions

    shutil.copy(built / "caravan.duckdb", tmp_path / "caravan.duckdb")
    con = duckdb.connect(str(tmp_path / "caravan.duckdb"))
    con.execute("UPDATE articles SET published = '2024-13'")  # no 13th month
    [article_id] = con.sql("SELECT article_id FROM articles").fetchone()  # the sample has one article
    con.close()
    check_then_release = dg.define_asset_job("check_then_release", selection=dg.AssetSelection.assets("release")
                                             | dg.AssetSelection.checks_for_assets("articles"))
    defs = dg.Definitions.merge(
        build_definitions(str(built), str(tmp_path / "caravan.duckdb"), str(tmp_path / "releases"), "2024.05.01"),
        dg.Definitions(jobs=[check_then_release]))
    result = defs.resolve_job_def("check_then_release").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert [(ev.check_name, ev.passed) for ev in evaluations] == [("articles_expectations", False)]
    assert "published_is_date" in evaluations[0].description
    meta = evaluations[0].metadata
    assert meta["expectations_failed"].value == 1 and meta["unexpected_values"].value == 1
    assert "| `expect_column_values_to_be_in_set` | `published_is_date` | `value_set=[true]` | ✗ | 1 of 1 unexpected (100%) |" \
        in meta["expectations"].value
    assert f"- `false` (article_id `{article_id}`)" in meta["failing_values"].value
    assert not result.asset_materializations_for_node("release")
    assert not (tmp_path / "releases" / "2024.05.01").exists()


def test_a_bad_file_is_quarantined_and_the_rest_is_built(sample_corpus: Path, tmp_path: Path):
    (sample_corpus / "broken.txt").write_bytes(b"\xff\xfe\x00 not text")
    result = run_build(sample_corpus, tmp_path)
    assert result.success
    warehouse = duckdb.connect(str(tmp_path / "caravan.duckdb"), read_only=True)
    assert warehouse.sql("SELECT path, reason FROM quarantine").fetchall() == [("broken.txt", "binary file (NUL bytes), not text")]
    assert warehouse.sql("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_a_failing_duckdb_copy_names_the_file_and_the_problem(tmp_path: Path):
    from caravan.release.duckdb_copy import DuckDBCopyError, write_duckdb_copy

    with pytest.raises(DuckDBCopyError, match=r"caravan\.duckdb: writing the release's DuckDB copy failed: .*missing\.parquet"):
        write_duckdb_copy(tmp_path / "caravan.duckdb", {"quotes": tmp_path / "missing.parquet"})
