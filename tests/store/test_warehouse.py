"""The warehouse connection: a DuckDB file or a DuckLake, and transactions that survive a lost commit race."""

from __future__ import annotations

import duckdb
import pytest

from caravan.store.tables import QUARANTINE
from caravan.store.warehouse import describe, ensure_table, in_transaction, is_lake, lower_memory_limit


def test_a_lake_is_told_from_a_file_and_its_password_never_printed():
    assert is_lake("ducklake:postgres:host=db dbname=lake") and not is_lake("data/caravan.duckdb")
    assert describe("ducklake:postgres:host=db password=s3cret dbname=lake") == "ducklake:postgres:host=db password=*** dbname=lake"


def test_a_commit_that_lost_a_race_is_run_again_and_other_errors_roll_back():
    con = duckdb.connect()
    ensure_table(con, QUARANTINE)
    ensure_table(con, QUARANTINE)  # a second time: nothing happens
    attempts = []

    def work():
        attempts.append(1)
        con.execute("INSERT INTO quarantine VALUES (?, 'test', NULL)", [f"file{len(attempts)}.txt"])
        if len(attempts) == 1:
            raise duckdb.TransactionException("Transaction conflict: another writer committed first")

    in_transaction(con, work)
    assert len(attempts) == 2
    assert con.sql("SELECT path FROM quarantine").fetchall() == [("file2.txt",)]  # the first attempt left nothing

    def broken():
        con.execute("INSERT INTO quarantine VALUES ('half.txt', 'test', NULL)")
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        in_transaction(con, broken)
    assert con.sql("SELECT count(*) FROM quarantine WHERE path = 'half.txt'").fetchone()[0] == 0


def test_a_table_replaced_in_batches_is_old_or_new_never_half(tmp_path):
    import pyarrow as pa

    from caravan.store.warehouse import read_table, replace_table_batches, to_arrow

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [{"path": f"f{i}.txt", "reason": "r", "detected_at": None} for i in range(6)]
    batches = [to_arrow(QUARANTINE, rows[i:i + 2]) for i in range(0, 6, 2)]
    assert replace_table_batches(con, QUARANTINE, iter(batches)) == 6
    old = read_table(con, "quarantine")

    def failing():
        yield batches[0]
        raise OSError("the corpus went away")
    with pytest.raises(OSError, match="went away"):
        replace_table_batches(con, QUARANTINE, failing())
    assert read_table(con, "quarantine").equals(old)  # the stopped replacement left the table as it was
    # The next replacement takes the place of what the stopped one left, and the table keeps its comments.
    assert replace_table_batches(con, QUARANTINE, iter(batches[:1])) == 2
    assert read_table(con, "quarantine").equals(pa.concat_tables([batches[0]]).cast(old.schema))
    assert [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()] == ["quarantine"]
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'quarantine'").fetchone()[0]
    con.close()


@pytest.mark.parametrize("before, after", [("1GB", "512.0 MiB"), ("300MB", "286.1 MiB")])
def test_a_reading_connections_memory_is_lowered_never_raised(before, after):
    con = duckdb.connect(config={"memory_limit": before})
    lower_memory_limit(con)
    assert con.sql("SELECT current_setting('memory_limit')").fetchone()[0] == after
