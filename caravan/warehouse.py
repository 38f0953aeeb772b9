"""The DuckDB warehouse: tables written in bulk through Arrow, described with COMMENT ON."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

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
    data = data.select(table.column_names).cast(table.arrow_schema())
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'DROP TABLE IF EXISTS "{table.name}"')
        con.execute(table.ddl())
        con.register("_incoming", data)
        order = ", ".join(f'"{c}"' for c in table.sort_by) or "1"
        con.execute(f'INSERT INTO "{table.name}" SELECT * FROM _incoming ORDER BY {order}')
        con.unregister("_incoming")
        for stmt in table.comment_statements():
            con.execute(stmt)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return data.num_rows


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


def article_rows(con: duckdb.DuckDBPyConnection, articles: list[Article], now: datetime | None = None) -> list[dict]:
    """Rows of the articles table; ingested_at keeps the first time this warehouse saw the same text."""
    seen = {}
    if has_table(con, "articles"):
        seen = dict(con.execute("SELECT sha256, ingested_at FROM articles").fetchall())
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


def load_articles(con: duckdb.DuckDBPyConnection) -> list[Article]:
    fields = [f for f in Article.__dataclass_fields__]
    cur = con.execute(f"SELECT {', '.join(fields)} FROM articles ORDER BY article_id")
    return [Article(*row) for row in cur.fetchall()]
