"""Ingest on what changed: only files written since the last ingest are read; the articles table, the
quarantine and the decisions about copies equal what a first ingest of the same corpus gives."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from caravan.ingest.corpus import fingerprint
from caravan.store.tables import ARTICLES
from tests.conftest import SAMPLE_CORPUS


def _ingest(corpus: Path, out: Path):
    """The ingest step alone, as the build runs it."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    defs = build_definitions(str(corpus), str(out / "caravan.duckdb"), str(out / "releases"), None)
    return defs.resolve_job_def("build").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=[dg.AssetKey("articles")])

# synthetic test articles, written for these tests
TOMSK = "Police in Tomsk detained 14 migrants from Tajikistan at a market on Monday, the regional police said.\n"
OMSK = "A mosque in Omsk was attacked with stones on Sunday night, local volunteers said.\n"


def _write(folder: Path, stem: str, text: str, meta: dict | None = None) -> None:
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _tables(warehouse: Path) -> dict:
    """The ingest's tables, but when it ran."""
    queries = {"articles": "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY article_id",
               "quarantine": "SELECT path, reason FROM quarantine ORDER BY path",
               "stg_corpus_files": "SELECT * FROM stg_corpus_files ORDER BY source_path",
               "stg_article_signatures": "SELECT * FROM stg_article_signatures ORDER BY sha256"}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {name: con.sql(query).fetchall() for name, query in queries.items()}
    finally:
        con.close()


def _ingest_meta(result) -> dict:
    meta = result.asset_materializations_for_node("articles")[0].metadata
    return {k: meta[k].value for k in ("articles_read", "articles_unchanged")}


def test_each_ingest_reads_only_what_changed_and_equals_a_first_ingest(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    _write(corpus, "tomsk", TOMSK, {"published": "2024-04-08", "outlet": "Test"})
    inc = tmp_path / "inc"

    def step(expected_read: int, expected_unchanged: int) -> None:
        result = _ingest(corpus, inc)
        assert result.success
        assert _ingest_meta(result) == {"articles_read": expected_read, "articles_unchanged": expected_unchanged}
        scratch = tmp_path / f"scratch{len(list(tmp_path.glob('scratch*')))}"
        assert _ingest(corpus, scratch).success
        assert _tables(inc / "caravan.duckdb") == _tables(scratch / "caravan.duckdb")

    step(2, 0)
    step(0, 2)  # nothing new: nothing read
    _write(corpus, "omsk", OMSK)  # a new article
    step(1, 2)
    _write(corpus, "tomsk", TOMSK.replace("14", "15"))  # a changed text
    step(1, 2)
    _write(corpus, "omsk", OMSK, {"published": "2024-04-07"})  # new metadata only
    step(1, 2)
    shutil.copy(corpus / "omsk.txt", corpus / "omsk-copy.txt")  # a second copy: read, and set aside
    step(0, 3)
    (corpus / "tomsk.txt").unlink()  # a removed file
    (corpus / "tomsk.meta.json").unlink()
    step(0, 2)  # the copy is known, and still set aside


def test_a_file_replaced_by_a_link_outside_is_checked_again(tmp_path: Path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir(), outside.mkdir()
    _write(corpus, "tomsk", TOMSK)
    _write(corpus, "omsk", OMSK)
    assert _ingest(corpus, tmp_path / "inc").success

    _write(outside, "secret", TOMSK.replace("14", "41"))
    (corpus / "tomsk.txt").unlink()
    os.symlink(outside / "secret.txt", corpus / "tomsk.txt")
    assert fingerprint(corpus / "tomsk.txt") is None  # a link is never taken for a known file
    result = _ingest(corpus, tmp_path / "inc")
    assert _ingest_meta(result) == {"articles_read": 0, "articles_unchanged": 1}
    tables = _tables(tmp_path / "inc" / "caravan.duckdb")
    assert tables["quarantine"] == [("tomsk.txt", "outside the corpus folder")]
    assert [row[ARTICLES.column_names.index("source_path")] for row in tables["articles"]] == ["omsk.txt"]
    assert _ingest(corpus, tmp_path / "scratch").success
    assert tables == _tables(tmp_path / "scratch" / "caravan.duckdb")


def test_a_file_written_again_with_the_same_size_is_read_again(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "tomsk", TOMSK)
    assert _ingest(corpus, tmp_path / "inc").success
    _write(corpus, "tomsk", TOMSK.replace("14", "41"))  # same size, new change time
    result = _ingest(corpus, tmp_path / "inc")
    assert _ingest_meta(result) == {"articles_read": 1, "articles_unchanged": 0}
    [row] = _tables(tmp_path / "inc" / "caravan.duckdb")["articles"]
    assert "41 migrants" in row[ARTICLES.column_names.index("text")]
