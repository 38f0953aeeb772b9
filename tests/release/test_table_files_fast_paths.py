"""The shortcuts of the release's table files give what the plain ways they replace give.

Each licence is judged once, not once per article; the filter that leaves out the records of synthetic articles is
left out when no article is synthetic; the tables' digest is summed from the streams that write their files, and
the pass over the rows that finds it before any file is written runs only when the row counts (and the code and
licences) are those of the digest asked to be skipped. Rows are made up for the tests.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.release import table_files
from caravan.release.licences import DEFAULT, AllowList
from caravan.release.table_files import RELEASE_TABLES, tables_digest, withhold_texts
from caravan.store import warehouse
from caravan.store.tables import TABLES, Table
from caravan.store.warehouse import (ROW_HASH, ensure_table, hashes_total, insert_rows, publishable_count,
                                     publishable_digest, read_publishable, stream_publishable, to_arrow)

SETTINGS = settings(max_examples=100, deadline=None)

LICENCES = [None, "", "  ", "CC BY 4.0", "cc-by-nc 4.0", "Public domain", "All rights reserved", "CC0",
            "https://creativecommons.org/licenses/by-sa/4.0/", "reprinted with permission " * 6]


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(LICENCES), max_size=12), min_size=1, max_size=3),
       st.sampled_from([DEFAULT, AllowList(frozenset()), AllowList.of(["CC BY-NC", "public domain"])]))
def test_licences_judged_once_each_withhold_what_judging_every_article_withholds(chunks, licences):
    schema = pa.schema({"article_id": pa.string(), "license": pa.string(), "text": pa.string()})
    articles = pa.concat_tables(pa.table({"article_id": [f"a{i}" for i in range(len(c))], "license": c,
                                          "text": [f"Text {i}." for i in range(len(c))]}, schema) for c in chunks)
    published = withhold_texts(articles, licences).to_pylist()
    plain = [licences.withheld_reason(row["license"]) for row in articles.to_pylist()]
    assert [row["text_withheld"] for row in published] == plain
    assert [row["text"] for row in published] == [None if reason else row["text"]
                                                 for row, reason in zip(articles.to_pylist(), plain)]


@SETTINGS
@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_the_hashes_of_a_batch_sum_exactly(values):
    batch = pa.record_batch({"x": pa.array(range(len(values))), ROW_HASH: pa.array(values, pa.uint64())})
    assert hashes_total(batch) == sum(values)


def _rows(table: Table, n: int, article_ids: list[str]) -> pa.Table:
    """``n`` rows of ``table``, each column filled by its type, spread over ``article_ids``."""
    fill = {"VARCHAR": lambda i: f"v{i % 5}", "BIGINT": lambda i: i, "DOUBLE": lambda i: i / 4,
            "BOOLEAN": lambda i: i % 2 == 0, "TIMESTAMP": lambda i: None, "BLOB": lambda i: b"b"}
    rows = [{c.name: fill[c.type](i) for c in table.columns} for i in range(n)]
    for i, row in enumerate(rows):
        row[table.primary_key] = f"{table.name}_{i:03d}"
        row["article_id"] = article_ids[i % len(article_ids)]
    return to_arrow(table, rows)


def _warehouse(con: duckdb.DuckDBPyConnection, synthetic: list[bool | None]) -> None:
    """Every release table, articles ``art_0``, ``art_1``, ... of the ``synthetic`` flags given, and records of them."""
    for name in RELEASE_TABLES:
        ensure_table(con, TABLES[name])
    ids = [f"art_{i}" for i in range(len(synthetic))]
    articles = _rows(TABLES["articles"], len(ids), ids)
    insert_rows(con, TABLES["articles"], articles.set_column(
        articles.schema.get_field_index("synthetic"), "synthetic", pa.array(synthetic, pa.bool_())))
    for name in ("quotes", "economic_figures"):
        insert_rows(con, TABLES[name], _rows(TABLES[name], 23, ids))


@pytest.mark.parametrize("synthetic", [[False, False, False], [False, None, False], [False, True, False],
                                       [True, True, True]])
def test_the_records_of_synthetic_articles_are_left_out_with_or_without_the_filter(synthetic):
    con = duckdb.connect()
    _warehouse(con, synthetic)
    left_out = {f"art_{i}" for i, s in enumerate(synthetic) if s}
    for name in ("articles", "quotes", "economic_figures"):
        table = TABLES[name]
        # The plain way: the filter always there.
        plain = con.sql(warehouse._publishable_sql(name, True)).to_arrow_table().cast(
            table.arrow_schema(published_only=True))
        assert set(plain.column("article_id").to_pylist()).isdisjoint(left_out)
        assert warehouse._filters_articles(con, name) == bool(left_out)  # the join only where it leaves rows out
        assert read_publishable(con, name).equals(plain)
        streamed = stream_publishable(con, name, rows=2, part_rows=4).read_all()
        assert streamed.cast(plain.schema).equals(plain)
        assert publishable_count(con, name) == plain.num_rows == publishable_digest(con, name)[0]
        hashed = stream_publishable(con, name, rows=3, part_rows=5, hashed=True).read_all()
        assert hashed.drop_columns([ROW_HASH]).cast(plain.schema).equals(plain)
        assert sum(map(hashes_total, hashed.to_batches())) == publishable_digest(con, name)[1]


def _request(db: Path, staging: Path, unless: str | None) -> dict:
    return {"target": str(db), "lake_data_path": None, "staging": str(staging), "licences": sorted(DEFAULT.kinds),
            "unless": unless}


def test_the_digest_summed_while_writing_is_the_one_a_pass_finds_and_the_pass_runs_only_when_it_may_skip(
        tmp_path: Path, monkeypatch):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    _warehouse(con, [False, True, False, False])
    con.close()
    passes = []
    plain_digest = warehouse.publishable_digest
    monkeypatch.setattr(warehouse, "publishable_digest", lambda c, name: passes.append(name) or plain_digest(c, name))

    def write(unless: str | None, folder: str) -> dict:
        (tmp_path / folder).mkdir()
        return table_files._write_from_warehouse(_request(db, tmp_path / folder, unless))

    def digest_by_a_pass() -> str:
        with duckdb.connect(str(db), read_only=True) as con:
            return tables_digest(con, DEFAULT)[0]

    first = write(None, "first")
    assert not first["skipped"] and not passes and first["rows"]["quotes"] == 23 - 6  # art_1's records left out
    passes.clear()
    assert first["digest"] == digest_by_a_pass()
    head = first["digest"].split("-")[0]

    passes.clear()
    assert write(first["digest"], "same") == {"skipped": True, "digest": first["digest"], "rows": first["rows"]}
    assert passes == list(RELEASE_TABLES)  # the head matched: the pass told

    passes.clear()
    other_head = write("0" * 64 + "-" + first["digest"].split("-")[1], "other_head")
    assert other_head == first and not passes and (tmp_path / "other_head" / "quotes.parquet").exists()

    passes.clear()
    same_head = write(f"{head}-{'0' * 64}", "same_head")
    assert same_head == first and passes == list(RELEASE_TABLES)

    # A value changed, the counts the same: the head stays, the digest does not.
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE quotes SET text = 'Other words.' WHERE record_id = 'quotes_000'")
    changed = write(first["digest"], "changed")
    assert not changed["skipped"] and changed["digest"].split("-")[0] == head
    assert changed["digest"] != first["digest"] and changed["digest"] == digest_by_a_pass()
    for name in RELEASE_TABLES:
        same = [(tmp_path / folder / f"{name}.parquet").read_bytes() for folder in ("first", "changed")]
        assert (same[0] == same[1]) == (name != "quotes"), name
