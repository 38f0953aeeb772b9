"""The warehouse connection: a DuckDB file or a DuckLake, and transactions that survive a lost commit race."""

from __future__ import annotations

import duckdb
import pytest

from caravan.store.tables import QUARANTINE
from caravan.store.warehouse import describe, ensure_table, in_transaction, is_lake


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
