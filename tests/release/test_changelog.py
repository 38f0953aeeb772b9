"""The changelog between two releases, computed in DuckDB over their Parquet files. Rows are synthetic."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from caravan.release.changelog import CHANGES_SCHEMA, changes_markdown, diff_releases, summarise


def _release(folder: Path, quotes: list[dict], speakers: list[dict] | None = None) -> Path:
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(quotes), folder / "quotes.parquet")
    if speakers is not None:
        pq.write_table(pa.Table.from_pylist(speakers), folder / "speakers.parquet")
    return folder


def test_added_removed_and_changed_rows_by_id(tmp_path: Path):
    old = _release(tmp_path / "old", [
        {"record_id": "q2", "text": "same", "speaker": "A", "char_start": 1},
        {"record_id": "q1", "text": "gone", "speaker": "B", "char_start": 2},
        {"record_id": "q3", "text": "old words", "speaker": None, "char_start": 3},
        {"record_id": "q4", "text": "x", "speaker": "C", "char_start": 4}])
    new = _release(tmp_path / "new", [
        {"record_id": "q4", "text": "x", "speaker": None, "char_start": 4, "origin": "machine"},  # new column: not compared
        {"record_id": "q3", "text": "new words", "speaker": "D", "char_start": 3, "origin": "machine"},
        {"record_id": "q2", "text": "same", "speaker": "A", "char_start": 1, "origin": "machine"},
        {"record_id": "q0", "text": "new", "speaker": "E", "char_start": 0, "origin": "machine"}],
        speakers=[{"speaker_id": "spk_b"}, {"speaker_id": "spk_a"}])
    changes = diff_releases(old, new, ["quotes", "speakers"], tmp_path / "spill")
    assert changes.schema == CHANGES_SCHEMA
    assert changes.to_pylist() == [
        {"table": "quotes", "record_id": "q0", "change": "added", "changed_columns": None},
        {"table": "quotes", "record_id": "q1", "change": "removed", "changed_columns": None},
        {"table": "quotes", "record_id": "q3", "change": "changed", "changed_columns": "speaker,text"},
        {"table": "quotes", "record_id": "q4", "change": "changed", "changed_columns": "speaker"},
        # no speakers table in the old release: every row is new
        {"table": "speakers", "record_id": "spk_a", "change": "added", "changed_columns": None},
        {"table": "speakers", "record_id": "spk_b", "change": "added", "changed_columns": None},
    ]
    md = changes_markdown("2024.04.08", "2024.04.01", summarise(changes, ["quotes", "speakers"]), listed=1)
    assert "| quotes | 1 | 1 | 2 |\n| speakers | 2 | 0 | 0 |" in md
    assert "## Changed in `quotes`\n\n- `q3` (speaker, text)\n- … and 1 more (all in `changes.parquet`)" in md
    assert "## Removed in `quotes`\n\n- `q1`\n" in md


def test_first_release_lists_every_row_as_added(tmp_path: Path):
    new = _release(tmp_path / "new", [{"record_id": "q2", "text": "b"}, {"record_id": "q1", "text": "a"}])
    changes = diff_releases(None, new, ["quotes"], tmp_path / "spill")
    assert [(r["record_id"], r["change"]) for r in changes.to_pylist()] == [("q1", "added"), ("q2", "added")]
    assert "first release: every row is new" in changes_markdown("2024.04.01", None, summarise(changes, ["quotes"]))


def test_the_diff_is_bounded_as_the_warehouse_connections_are(tmp_path: Path, monkeypatch):
    new = _release(tmp_path / "new", [{"record_id": "q1", "text": "a"}])
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "a lot")
    with pytest.raises(duckdb.Error, match="(?i)memory"):
        diff_releases(None, new, ["quotes"], tmp_path / "spill")
