"""The warehouse connection: a DuckDB file or a DuckLake, and transactions that survive a lost commit race."""

from __future__ import annotations

import duckdb
import pytest

from caravan.store.tables import QUARANTINE, Column, Table
from caravan.store.warehouse import (describe, ensure_table, in_transaction, is_lake, lower_memory_limit,
                                     replace_table_from_query, sync_table_from_query)


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


def test_an_existing_table_gets_the_specs_new_descriptions_and_keeps_its_rows():
    from dataclasses import replace

    con = duckdb.connect()
    ensure_table(con, QUARANTINE)
    con.execute("INSERT INTO quarantine (path, reason) VALUES ('a.txt', 'not UTF-8')")
    reworded = replace(QUARANTINE, description="Files left out, reworded.",
                       columns=(replace(QUARANTINE.columns[0], description="It's reworded too."),
                                *QUARANTINE.columns[1:]))
    ensure_table(con, reworded)
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'quarantine'").fetchone() == (
        "Files left out, reworded.",)
    assert [c for (c,) in con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'quarantine' "
                                      "ORDER BY column_index").fetchall()] == [c.description for c in reworded.columns]
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (1,)


def test_the_published_digest_changes_with_any_value_even_the_sign_of_zero():
    from caravan.store.tables import OFFICIAL_FIGURES
    from caravan.store.warehouse import publishable_digest

    con = duckdb.connect()
    ensure_table(con, OFFICIAL_FIGURES)

    def digest_of(value: str, note: str = "NULL") -> tuple[int, int]:
        row = {c.name: ("2024" if c.type == "BIGINT" else "NULL" if not c.required else "'x'")
               for c in OFFICIAL_FIGURES.columns} | {"value": f"CAST('{value}' AS DOUBLE)", "note": note}
        con.execute("DELETE FROM official_figures")
        con.execute(f"INSERT INTO official_figures VALUES ({', '.join(row.values())})")
        return publishable_digest(con, "official_figures")

    digests = [digest_of("0.0"), digest_of("-0.0"), digest_of("0.0", "'a note'")]
    assert [count for count, _ in digests] == [1, 1, 1] and len(set(digests)) == 3
    assert digest_of("0.0") == digests[0]


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


# A table of the test's own: rows compare whole, a DOUBLE's sign included.
THINGS = Table("things", "Things of the test.", "thing_id",
               (Column("thing_id", "VARCHAR", "The thing.", required=True), Column("value", "DOUBLE", "Its value."),
                Column("note", "VARCHAR", "A note.")), sort_by=("thing_id",))


def _things(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> str:
    """A query of ``rows`` (thing_id, value, note), in no particular order."""
    con.execute("CREATE OR REPLACE TABLE source (thing_id VARCHAR, value DOUBLE, note VARCHAR)")
    con.executemany("INSERT INTO source VALUES (?, ?, ?)", rows[::-1])
    return "SELECT * FROM source"


def _stored(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.sql("SELECT thing_id, value::VARCHAR, note FROM things ORDER BY thing_id").fetchall()


def test_a_synced_table_writes_only_the_rows_that_differ():
    con = duckdb.connect()
    before = [(f"t{i}", float(i) if i != 2 else 0.0, "same") for i in range(8)]
    replace_table_from_query(con, THINGS, _things(con, before))
    rowids = dict(con.sql("SELECT thing_id, rowid FROM things").fetchall())
    # t0 gone, t2's 0.0 now -0.0, t3's note gone, t8 new; the rest as they were.
    now = [("t1", 1.0, "same"), ("t2", -0.0, "same"), ("t3", 3.0, None), *before[4:], ("t8", 8.0, "new")]
    assert sync_table_from_query(con, THINGS, _things(con, now)) == 6  # t0, t2, t3 deleted; t2, t3, t8 inserted
    assert _stored(con) == [(t, str(v), n) for t, v, n in now]
    kept = dict(con.sql("SELECT thing_id, rowid FROM things WHERE thing_id IN ('t1', 't4', 't5', 't6', 't7')")
                .fetchall())
    assert kept == {t: rowids[t] for t in kept}  # written anew, t1 would be the first row
    comment = con.sql("SELECT comment FROM duckdb_tables() WHERE table_name = 'things'").fetchone()[0]
    assert comment == THINGS.description
    assert sync_table_from_query(con, THINGS, _things(con, now)) == 0


def test_a_table_of_other_columns_or_mostly_changed_is_written_anew_in_order():
    con = duckdb.connect()
    con.execute("CREATE TABLE things (thing_id VARCHAR NOT NULL, value DOUBLE)")  # made by an older version
    con.execute("INSERT INTO things VALUES ('t1', 1.0)")
    rows = [(f"t{i}", float(i), "note") for i in range(5)]
    assert sync_table_from_query(con, THINGS, _things(con, rows)) == 5
    assert _stored(con) == [(t, str(v), n) for t, v, n in rows]
    changed = [(t, v + 10, n) for t, v, n in rows[:4]] + rows[4:]
    assert sync_table_from_query(con, THINGS, _things(con, changed)) == 5
    assert con.sql("SELECT list(thing_id ORDER BY rowid) FROM things").fetchone()[0] == [t for t, *_ in changed]
    assert _stored(con) == [(t, str(v), n) for t, v, n in changed]
