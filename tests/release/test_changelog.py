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


def _quotes(ids: list[str], text: str = "t") -> list[dict]:
    return [{"record_id": i, "text": f"{text} {i}", "speaker": "A"} for i in ids]


def test_kept_row_hashes_give_the_same_changes_without_reading_the_previous_release(tmp_path: Path):
    """The previous release's keys and row hashes, kept by its own diff, stand for its files: the same changes, and
    where no row needs comparing the previous release's files are not read at all."""
    from caravan.release.changelog import RowHashes

    first = _release(tmp_path / "r1", _quotes(["q1", "q2", "q3"]))
    second = _release(tmp_path / "r2", _quotes(["q2", "q3", "q4"]))
    diff_releases(None, first, ["quotes"], tmp_path / "spill", RowHashes(None, tmp_path / "h1"))
    plain = diff_releases(first, second, ["quotes"], tmp_path / "spill")
    kept = diff_releases(first, second, ["quotes"], tmp_path / "spill", RowHashes(tmp_path / "h1", tmp_path / "h2"))
    assert kept.equals(plain)
    assert [(r["record_id"], r["change"]) for r in kept.to_pylist()] == [("q4", "added"), ("q1", "removed")]

    # Only added and removed rows: the previous release's file is not read (here it is no Parquet file any more).
    third = _release(tmp_path / "r3", _quotes(["q3", "q4", "q5"]))
    (second / "quotes.parquet").write_bytes(b"not parquet")
    changes = diff_releases(second, third, ["quotes"], tmp_path / "spill", RowHashes(tmp_path / "h2", tmp_path / "h3"))
    assert [(r["record_id"], r["change"]) for r in changes.to_pylist()] == [("q5", "added"), ("q2", "removed")]


def test_row_hashes_kept_over_other_columns_or_by_another_duckdb_are_not_used(tmp_path: Path):
    import json

    from caravan.release.changelog import RowHashes

    old = _release(tmp_path / "old", [r | {"origin": "machine"} for r in _quotes(["q1", "q2"])])
    diff_releases(None, old, ["quotes"], tmp_path / "spill", RowHashes(None, tmp_path / "h_old"))
    # A changed text, and a column dropped (not compared): the kept hashes cover a column the diff leaves out, and are
    # not read (they are no Parquet file any more).
    (tmp_path / "h_old" / "quotes.parquet").write_bytes(b"not parquet")
    new = _release(tmp_path / "new", _quotes(["q1"]) + _quotes(["q2"], "new"))
    expected = [("q2", "changed", "text")]
    changes = diff_releases(old, new, ["quotes"], tmp_path / "spill", RowHashes(tmp_path / "h_old", tmp_path / "h1"))
    assert [(r["record_id"], r["change"], r["changed_columns"]) for r in changes.to_pylist()] == expected
    # This release's are kept, over its columns.
    assert json.loads((tmp_path / "h1" / "columns.json").read_text())["tables"] == {
        "quotes": ["record_id", "speaker", "text"]}

    # Hashes made by another DuckDB (whose hash may differ): the previous release is read instead, not them.
    same_columns = _release(tmp_path / "same", [r | {"origin": "machine"} for r in _quotes(["q1"]) + _quotes(["q2"], "new")])
    meta = json.loads((tmp_path / "h_old" / "columns.json").read_text())
    (tmp_path / "h_old" / "columns.json").write_text(json.dumps(meta | {"duckdb": "0.0.1"}))
    changes = diff_releases(old, same_columns, ["quotes"], tmp_path / "spill",
                            RowHashes(tmp_path / "h_old", tmp_path / "h2"))
    assert [(r["record_id"], r["change"], r["changed_columns"]) for r in changes.to_pylist()] == expected


def test_releases_and_kept_hashes_under_a_folder_with_a_quote_in_its_name(tmp_path: Path):
    from caravan.release.changelog import RowHashes

    folder = tmp_path / "O'Brien's releases"
    first = _release(folder / "r1", _quotes(["q1", "q2"]))
    second = _release(folder / "r2", _quotes(["q2", "q3"], text="u"))
    diff_releases(None, first, ["quotes"], tmp_path / "spill", RowHashes(None, folder / "h1"))
    changes = diff_releases(first, second, ["quotes"], tmp_path / "spill", RowHashes(folder / "h1", folder / "h2"))
    assert [(r["record_id"], r["change"]) for r in changes.to_pylist()] == [
        ("q3", "added"), ("q1", "removed"), ("q2", "changed")]
    assert (folder / "h2" / "quotes.parquet").is_file()
