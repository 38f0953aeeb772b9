"""What changed between two releases, by stable record id, per table.

The diff runs in DuckDB over the two releases' Parquet files, so no table is ever held whole as Python
objects: first each row's key and a hash of its columns (the rows whose hash differs are candidates),
then the column-by-column comparison for the candidates only.

Each release's keys and row hashes are kept beside the releases (``RowHashes``): the next diff reads its own rows
once and the previous release's keys and hashes, not its files; only candidates are read from both. Kept hashes made
over other columns, or by another DuckDB (whose hash may differ), are not used: the previous release is read then.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from caravan.store.tables import TABLES
from caravan.store.warehouse import scratch_connection, sql_identifier, sql_string

CHANGES_SCHEMA = pa.schema([
    pa.field("table", pa.string(), nullable=False, metadata={"description": "Published table the row belongs to."}),
    pa.field("record_id", pa.string(), nullable=False, metadata={"description": "Primary key of the row (record_id, or article_id for articles)."}),
    pa.field("change", pa.string(), nullable=False, metadata={"description": "added, removed or changed against the previous release."}),
    pa.field("changed_columns", pa.string(), metadata={"description": "For changed rows: the columns whose values differ, comma-separated."}),
], metadata={"description": "Rows added, removed and changed since the previous release."})
CHANGE_KINDS = ("added", "removed", "changed")


@dataclass(frozen=True)
class TableChanges:
    """Counts of one table's changes, and the first rows of each kind (as in ``changes.parquet``)."""

    table: str
    counts: dict[str, int]  # change kind → rows
    first: dict[str, list[tuple[str, str | None]]]  # change kind → [(record_id, changed_columns)]


def _parquet(path: Path) -> str:
    return f"read_parquet({sql_string(path.as_posix())})"


@dataclass(frozen=True)
class RowHashes:
    """Where the previous release's row hashes are (None: not kept) and where this release's go: a folder per
    release, a Parquet file per table (key, h) and ``columns.json`` (the columns hashed, per table, and DuckDB's
    version)."""

    previous: Path | None
    current: Path


_HASHED = "columns.json"


def _hashed_columns(folder: Path | None) -> dict:
    try:
        return json.loads((folder / _HASHED).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}


def _table_changes(con: duckdb.DuckDBPyConnection, i: int, name: str, old: Path | None, new: Path,
                   hashes: RowHashes | None, kept: dict, hashed: dict) -> str:
    """The query of one table's rows of ``changes.parquet`` (added, removed, changed, as ``kind`` 0, 1, 2). ``kept``
    says what the previous release's kept hashes cover (its ``columns.json``); ``hashed`` gathers what this one's do."""
    key = sql_identifier(TABLES[name].primary_key)
    lit = sql_string(name)
    new_src = _parquet(new)
    new_cols = pq.read_schema(new).names
    # The previous release's hashes, kept over all its columns by the same DuckDB, stand for its rows when this
    # release has the same columns.
    kept_cols = kept.get("tables", {}).get(name) if kept.get("duckdb") == duckdb.__version__ else None
    old_hashes = hashes.previous / f"{name}.parquet" if hashes and hashes.previous else None
    usable = kept_cols is not None and old_hashes is not None and old_hashes.exists()
    old_cols = set(new_cols if old is None else kept_cols if usable else pq.read_schema(old).names)
    common = sorted(c for c in new_cols if c in old_cols)
    use_kept = old is not None and usable and kept_cols == common
    # This release's keys and row hashes, over the columns both releases have (all of them when it is the first).
    row_hash = "hash(" + ", ".join(sql_identifier(c) for c in common) + ")"
    new_h = f"new_hashes_{i}"
    con.execute(f"CREATE TEMP TABLE {new_h} AS SELECT {key} AS key, {row_hash} AS h FROM {new_src}")
    if hashes is not None and common == sorted(new_cols):
        con.execute(f"COPY {new_h} TO {sql_string((hashes.current / f'{name}.parquet').as_posix())} (FORMAT parquet)")
        hashed[name] = common
    if old is None:
        return (f"SELECT {lit} AS \"table\", key AS record_id, 'added' AS change, NULL::VARCHAR AS changed_columns, "
                f"0 AS kind FROM {new_h}")
    source = (f"SELECT key, h FROM {_parquet(old_hashes)}" if use_kept
              else f"SELECT {key} AS key, {row_hash} AS h FROM {_parquet(old)}")
    # One join of the keys: rows only in the new release (added, kind 0), only in the old (removed, 1), or in both
    # with another hash (candidates, 2). Equal hashes are taken as equal rows; a differing hash with equal values (a
    # column type changed) is weeded out by the comparison below.
    pairs = f"pairs_{i}"
    con.execute(f"""CREATE TEMP TABLE {pairs} AS
        SELECT coalesce(n.key, o.key) AS key, CASE WHEN o.key IS NULL THEN 0 WHEN n.key IS NULL THEN 1 ELSE 2 END AS kind
        FROM {new_h} n FULL JOIN ({source}) o ON n.key = o.key WHERE n.h IS DISTINCT FROM o.h""")
    query = (f"SELECT {lit} AS \"table\", key AS record_id, CASE kind WHEN 0 THEN 'added' ELSE 'removed' END AS change, "
             f"NULL::VARCHAR AS changed_columns, kind FROM {pairs} WHERE kind < 2")
    candidates = f"(SELECT key FROM {pairs} WHERE kind = 2)"
    if not con.execute(f"SELECT count(*) FROM {pairs} WHERE kind = 2").fetchone()[0]:
        return query  # no row to compare: neither file is read again
    old_src = _parquet(old)
    differs = ", ".join(f"CASE WHEN o.{sql_identifier(c)} IS DISTINCT FROM n.{sql_identifier(c)} THEN '{c}' END" for c in common)
    return f"""{query}
        UNION ALL
        SELECT {lit}, record_id, 'changed', changed_columns, 2 FROM (
          SELECT n.{key} AS record_id, concat_ws(',', {differs}) AS changed_columns
          FROM (SELECT * FROM {old_src} WHERE {key} IN {candidates}) o
          JOIN (SELECT * FROM {new_src} WHERE {key} IN {candidates}) n USING ({key}))
        WHERE changed_columns <> ''"""


def diff_releases(previous: Path | None, current: Path, tables: Sequence[str], spill: Path,
                  hashes: RowHashes | None = None) -> pa.Table:
    """``changes.parquet`` of the release in ``current`` against the one in ``previous`` (None: the first), in
    memory bounded as the warehouse's connections are, spilling into the folder ``spill``. With ``hashes``, the
    previous release's kept row hashes stand for its rows where they can, and this release's are kept.

    Rows by table (in ``tables`` order), then added, removed, changed, each sorted by record id; a changed
    row names the columns (of those both releases have) whose values differ, sorted by name.
    """
    con = scratch_connection(spill, threads=1)
    kept = _hashed_columns(hashes.previous if hashes else None)
    hashed: dict[str, list[str]] = {}
    if hashes is not None:
        shutil.rmtree(hashes.current, ignore_errors=True)
        hashes.current.mkdir(parents=True)
    try:
        parts = []
        for i, name in enumerate(tables):
            old = Path(previous) / f"{name}.parquet" if previous else None
            sql = _table_changes(con, i, name, old if old is not None and old.exists() else None,
                                 Path(current) / f"{name}.parquet", hashes, kept, hashed)
            parts.append(f"SELECT *, {i} AS t FROM ({sql})")
        query = " UNION ALL ".join(parts)
        data = con.sql(f'SELECT "table", record_id, change, changed_columns FROM ({query}) ORDER BY t, kind, record_id').to_arrow_table()
    finally:
        con.close()
    if hashes is not None:
        (hashes.current / _HASHED).write_text(json.dumps({"duckdb": duckdb.__version__, "tables": hashed}, indent=1),
                                              encoding="utf-8")
    # One chunk, as a table built row by row would be: the Parquet pages do not depend on DuckDB's batches.
    return data.cast(CHANGES_SCHEMA).combine_chunks()


def summarise(changes: pa.Table, tables: Sequence[str], listed: int = 200) -> list[TableChanges]:
    """Per table, in ``tables`` order: how many rows of each kind, and the first ``listed`` of each."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register("changes", changes)
        counts = {(t, c): n for t, c, n in con.execute('SELECT "table", change, count(*) FROM changes GROUP BY ALL').fetchall()}
        first: dict[tuple[str, str], list] = {}
        # changes.parquet is in order already: the first rows of each kind are the first listed.
        for t, c, rid, cols in con.execute(
                'SELECT "table", change, record_id, changed_columns FROM changes '
                'QUALIFY row_number() OVER (PARTITION BY "table", change ORDER BY record_id) <= ? '
                'ORDER BY "table", change, record_id', [listed]).fetchall():
            first.setdefault((t, c), []).append((rid, cols))
    finally:
        con.close()
    return [TableChanges(t, {c: counts.get((t, c), 0) for c in CHANGE_KINDS},
                         {c: first.get((t, c), []) for c in CHANGE_KINDS}) for t in tables]


def changes_markdown(version: str, previous: str | None, changes: list[TableChanges], listed: int = 200) -> str:
    against = f"against release {previous}" if previous else "first release: every row is new"
    lines = [f"# Changes in release {version}", "", f"Rows by stable id, {against}.", "",
             "| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {c.table} | {c.counts['added']} | {c.counts['removed']} | {c.counts['changed']} |" for c in changes]
    for ch in changes:
        for kind, label in zip(CHANGE_KINDS, ("Added", "Removed", "Changed")):
            if not ch.counts[kind]:
                continue
            lines += ["", f"## {label} in `{ch.table}`", ""]
            lines += [f"- `{rid}`" + (f" ({cols.replace(',', ', ')})" if kind == "changed" else "")
                      for rid, cols in ch.first[kind][:listed]]
            if ch.counts[kind] > listed:
                lines.append(f"- … and {ch.counts[kind] - listed} more (all in `changes.parquet`)")
    return "\n".join(lines) + "\n"
