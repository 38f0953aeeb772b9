"""Ingest on what changed: only files written since the last ingest (or set aside by it) are read; the ingest's
tables (articles, quarantine, file states, signatures) and the decisions about copies equal what a first ingest of the
same corpus gives."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from caravan.common.ids import sha256_text
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


def _ingest_as_from_scratch(corpus: Path, tmp_path: Path) -> tuple[dict, dict]:
    """The ingest into tmp_path/inc, whose tables must equal a first ingest's of the same corpus: its metadata and
    its tables."""
    result = _ingest(corpus, tmp_path / "inc")
    assert result.success
    scratch = tmp_path / f"scratch{len(list(tmp_path.glob('scratch*')))}"
    assert _ingest(corpus, scratch).success
    tables = _tables(tmp_path / "inc" / "caravan.duckdb")
    assert tables == _tables(scratch / "caravan.duckdb")
    return _ingest_meta(result), tables


def test_each_ingest_reads_only_what_changed_and_equals_a_first_ingest(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    _write(corpus, "tomsk", TOMSK, {"published": "2024-04-08", "outlet": "Test"})

    def step(expected_read: int, expected_unchanged: int) -> None:
        meta, _ = _ingest_as_from_scratch(corpus, tmp_path)
        assert meta == {"articles_read": expected_read, "articles_unchanged": expected_unchanged}

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


# Synthetic texts written for these tests: a story, and edits of it that change a few words at its start or end.
_WORDS = ("migrants police market workers detained raid city officers documents checked hostel court fined deported "
          "lawyer volunteers regional ministry statement construction site night said were").split()


def _story(seed: int, words: int = 200) -> str:
    x, out = seed, []
    for _ in range(words):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(_WORDS[x % len(_WORDS)])
    return " ".join(out)


def _edited(text: str, start: int, count: int, tag: str) -> str:
    words = text.split()
    words[start:start + count] = [f"{tag}{i}" for i in range(count)]
    return " ".join(words)


def _quarantine(tables: dict) -> dict[str, str]:
    return {path: reason.split(" (")[0] for path, reason in tables["quarantine"]}


def _signed(tables: dict) -> set[str]:
    return {sha for sha, _ in tables["stg_article_signatures"]}


def test_copies_between_new_and_unchanged_articles_are_decided_as_by_a_first_ingest(tmp_path: Path):
    """Near-copies of unchanged articles, better copies of them, a copy set aside last time back when its original is
    set aside in turn, a copy taking the place of a removed original: each ingest's tables equal a first ingest's."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    original = _story(7)
    # Near-copies of the original (similarity at least 0.9), but not of each other: edited at its end, at its start,
    # and the latter edited at its end too.
    later, earlier = _edited(original, 194, 6, "later"), _edited(original, 0, 6, "earlier")
    syndicated = _edited(earlier, 194, 6, "syndicated")
    _write(corpus, "original", original, {"published": "2024-04-01", "outlet": "Test"})
    _write(corpus, "later", later)  # no metadata: ranked after the original
    _write(corpus, "tomsk", TOMSK, {"published": "2024-04-08"})
    _write(corpus, "tomsk-copy", TOMSK)  # the same text, without metadata
    _, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert _quarantine(tables) == {"later.txt": "near-duplicate of original.txt",
                                   "tomsk-copy.txt": "duplicate of tomsk.txt"}

    # A better copy of an unchanged article (more metadata) takes its place; the copy it had set aside comes back,
    # not being a near-copy of the new one.
    _write(corpus, "earlier", earlier, {"published": "2024-04-01", "outlet": "Test", "title": "Earlier"})
    meta, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert _quarantine(tables) == {"original.txt": "near-duplicate of earlier.txt",
                                   "tomsk-copy.txt": "duplicate of tomsk.txt"}
    assert meta == {"articles_read": 2, "articles_unchanged": 2}  # earlier and later read; the sample and tomsk kept
    assert sha256_text(original) not in _signed(tables) and sha256_text(later) in _signed(tables)

    # A near-copy of an unchanged article, ranked after it, is set aside.
    _write(corpus, "syndicated", syndicated)
    meta, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert _quarantine(tables)["syndicated.txt"] == "near-duplicate of earlier.txt"
    assert meta == {"articles_read": 0, "articles_unchanged": 4}

    # Its original removed, the unchanged copy set aside last time is the article.
    for name in ("tomsk.txt", "tomsk.meta.json"):
        (corpus / name).unlink()
    meta, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert "tomsk-copy.txt" not in _quarantine(tables)
    assert [row[ARTICLES.column_names.index("source_path")] for row in tables["articles"]
            if row[ARTICLES.column_names.index("text")] == TOMSK.strip()] == ["tomsk-copy.txt"]

    # The better copy removed: the original is back, and its signature; the better copy's leaves.
    for name in ("earlier.txt", "earlier.meta.json"):
        (corpus / name).unlink()
    _, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert _quarantine(tables) == {"later.txt": "near-duplicate of original.txt"}
    assert sha256_text(original) in _signed(tables) and sha256_text(earlier) not in _signed(tables)


def test_an_ingest_decides_again_only_the_files_it_reads_and_their_unchanged_neighbours(tmp_path: Path, monkeypatch):
    from caravan.ingest import changes

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for story in range(100, 120):
        _write(corpus, f"story-{story}", _story(story), {"published": "2024-04-01"})
    assert _ingest(corpus, tmp_path / "inc").success

    decided = []

    class RecordedDecisions(changes.CopyDecisions):
        def decide(self, name: str, *facts) -> str | None:
            decided.append(name)
            return super().decide(name, *facts)

    monkeypatch.setattr(changes, "CopyDecisions", RecordedDecisions)
    _write(corpus, "story-105-syndicated", _edited(_story(105), 194, 6, "syndicated"))
    _, tables = _ingest_as_from_scratch(corpus, tmp_path)
    assert _quarantine(tables) == {"story-105-syndicated.txt": "near-duplicate of story-105.txt"}
    assert sorted(decided) == ["story-105-syndicated.txt", "story-105.txt"]  # not the 19 other stories
