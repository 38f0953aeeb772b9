"""The DuckDB warehouse: tables written in bulk through Arrow, described with COMMENT ON."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from caravan.corpus import Article
from caravan.tables import ALL_TABLES, ARTICLES, TABLES, Table


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (one writer per file) for longer than we wait."""


def connect(path: str | Path, read_only: bool = False, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; when another process holds it, wait for it up to ``wait_seconds``, then fail clearly."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"{path}: in use by another process for over {wait_seconds:.0f} s "
                                    f"(DuckDB allows one writer per file); try again when it has finished. {exc}") from exc
            time.sleep(0.25)


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    schema = table.arrow_schema()
    return pa.Table.from_pylist([{c: row.get(c) for c in table.column_names} for row in rows], schema=schema)


def replace_table(con: duckdb.DuckDBPyConnection, table: Table, data: pa.Table) -> int:
    """Replace ``table`` with ``data`` in one transaction: readers see the old or the new table, never half."""
    return replace_table_batches(con, table, [data])


def replace_table_batches(con: duckdb.DuckDBPyConnection, table: Table, batches: Iterable[pa.Table]) -> int:
    """Replace ``table`` with the rows of ``batches`` (consumed one at a time) in one transaction."""
    rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'DROP TABLE IF EXISTS "{table.name}"')
        con.execute(table.ddl())
        order = ", ".join(f'"{c}"' for c in table.sort_by) or "1"
        for data in batches:
            con.register("_incoming", data.select(table.column_names).cast(table.arrow_schema()))
            con.execute(f'INSERT INTO "{table.name}" SELECT * FROM _incoming ORDER BY {order}')
            con.unregister("_incoming")
            rows += data.num_rows
        for stmt in table.comment_statements():
            con.execute(stmt)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return rows


def replace_articles_rows(con: duckdb.DuckDBPyConnection, table: Table, article_ids: list[str], data: pa.Table) -> None:
    """Drop the rows of ``article_ids`` from ``table`` and insert ``data``, in the caller's transaction."""
    if not has_table(con, table.name):
        con.execute(table.ddl())
        for stmt in table.comment_statements():
            con.execute(stmt)
    if article_ids:
        con.execute(f'DELETE FROM "{table.name}" WHERE article_id IN (SELECT unnest(?::VARCHAR[]))', [list(article_ids)])
    if data.num_rows:
        con.register("_incoming", data.select(table.column_names).cast(table.arrow_schema()))
        con.execute(f'INSERT INTO "{table.name}" SELECT * FROM _incoming')
        con.unregister("_incoming")


def read_table(con: duckdb.DuckDBPyConnection, name: str, published_only: bool = False) -> pa.Table:
    table = ALL_TABLES[name]
    cols = table.published_columns() if published_only else list(table.columns)
    order = ", ".join(f'"{c}"' for c in table.sort_by)
    select = ", ".join(f'"{c.name}"' for c in cols)
    return con.sql(f'SELECT {select} FROM "{name}" ORDER BY {order}').to_arrow_table().cast(table.arrow_schema(published_only))


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def first_seen(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """sha256 → when this warehouse first ingested that text."""
    return dict(con.execute("SELECT sha256, ingested_at FROM articles").fetchall()) if has_table(con, "articles") else {}


def article_rows(con: duckdb.DuckDBPyConnection | None, articles: list[Article], now: datetime | None = None,
                 seen: dict[str, datetime] | None = None) -> list[dict]:
    """Rows of the articles table; ingested_at keeps the first time this warehouse saw the same text."""
    seen = first_seen(con) if seen is None else seen
    now = now or datetime.now(timezone.utc)
    rows = []
    for art in articles:
        row = {c: getattr(art, c, None) for c in ARTICLES.column_names}
        row["ingested_at"] = seen.get(art.sha256, now)
        rows.append(row)
    return rows


def read_publishable(con: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    """A table as it may be published: without synthetic test articles and their records."""
    table = TABLES[name]
    cols = ", ".join(f't."{c.name}"' for c in table.published_columns())
    order = ", ".join(f't."{c}"' for c in table.sort_by)
    where = ("WHERE t.article_id NOT IN (SELECT article_id FROM articles WHERE synthetic)"
             if "article_id" in table.column_names else "")
    sql = f'SELECT {cols} FROM "{name}" t {where} ORDER BY {order}'
    return con.sql(sql).to_arrow_table().cast(table.arrow_schema(published_only=True))


def load_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str] | None = None) -> list[Article]:
    """Articles of the warehouse (those of ``article_ids`` only, when given), by article id."""
    fields = ", ".join(Article.__dataclass_fields__)
    if article_ids is None:
        cur = con.execute(f"SELECT {fields} FROM articles ORDER BY article_id")
    else:
        cur = con.execute(f"SELECT {fields} FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[])) "
                          "ORDER BY article_id", [list(article_ids)])
    return [Article(*row) for row in cur.fetchall()]
