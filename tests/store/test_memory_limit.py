"""The warehouse connection's memory is bounded (DuckDB's default is most of the machine), and settable."""

from __future__ import annotations

from pathlib import Path

import pytest

from caravan.store.warehouse import connect, scratch_connection


def _limit(con) -> str:
    return con.sql("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_warehouse_connection_is_bounded_by_default_and_by_the_setting(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("CARAVAN_DUCKDB_MEMORY_LIMIT", raising=False)
    con = connect(tmp_path / "w.duckdb")
    assert _limit(con) == "488.2 MiB"  # 512 MB, as DuckDB prints it
    con.close()
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "300MB")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    assert _limit(con) == "286.1 MiB"
    con.close()


def test_a_bad_memory_limit_is_named_in_the_error(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="CARAVAN_DUCKDB_MEMORY_LIMIT='lots' is not a DuckDB memory size"):
        connect(tmp_path / "w.duckdb")
    monkeypatch.delenv("CARAVAN_DUCKDB_MEMORY_LIMIT")
    connect(tmp_path / "w.duckdb").close()  # the file is not left locked


def test_a_scratch_connection_is_bounded_alike_and_spills_where_told(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CARAVAN_DUCKDB_MEMORY_LIMIT", "300MB")
    con = scratch_connection(tmp_path / "spill", threads=1)
    try:
        assert _limit(con) == "286.1 MiB"
        assert con.sql("SELECT current_setting('temp_directory'), current_setting('threads')").fetchone() == (
            str(tmp_path / "spill"), 1)
    finally:
        con.close()
