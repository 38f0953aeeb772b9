"""What changed between two releases, by stable record id, per table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from caravan.tables import TABLES

CHANGES_SCHEMA = pa.schema([
    pa.field("table", pa.string(), nullable=False, metadata={"description": "Published table the row belongs to."}),
    pa.field("record_id", pa.string(), nullable=False, metadata={"description": "Primary key of the row (record_id, or article_id for articles)."}),
    pa.field("change", pa.string(), nullable=False, metadata={"description": "added, removed or changed against the previous release."}),
    pa.field("changed_columns", pa.string(), metadata={"description": "For changed rows: the columns whose values differ, comma-separated."}),
], metadata={"description": "Rows added, removed and changed since the previous release."})


@dataclass(frozen=True)
class TableChanges:
    table: str
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[str]]]


def _rows_by_key(data: pa.Table, key: str) -> dict[str, dict]:
    return {row[key]: row for row in data.to_pylist()}


def diff_table(name: str, old: pa.Table | None, new: pa.Table) -> TableChanges:
    key = TABLES[name].primary_key
    before = _rows_by_key(old, key) if old is not None else {}
    after = _rows_by_key(new, key)
    changed = []
    for rid in sorted(before.keys() & after.keys()):
        cols = sorted(c for c in after[rid] if c in before[rid] and before[rid][c] != after[rid][c])
        if cols:
            changed.append((rid, cols))
    return TableChanges(name, sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys()), changed)


def read_previous(release_dir: Path | None, name: str) -> pa.Table | None:
    path = release_dir / f"{name}.parquet" if release_dir else None
    return pq.read_table(path) if path and path.exists() else None


def changes_table(changes: list[TableChanges]) -> pa.Table:
    rows = []
    for ch in changes:
        rows += [{"table": ch.table, "record_id": r, "change": "added", "changed_columns": None} for r in ch.added]
        rows += [{"table": ch.table, "record_id": r, "change": "removed", "changed_columns": None} for r in ch.removed]
        rows += [{"table": ch.table, "record_id": r, "change": "changed", "changed_columns": ",".join(c)} for r, c in ch.changed]
    return pa.Table.from_pylist(rows, schema=CHANGES_SCHEMA)


def changes_markdown(version: str, previous: str | None, changes: list[TableChanges], listed: int = 200) -> str:
    against = f"against release {previous}" if previous else "first release: every row is new"
    lines = [f"# Changes in release {version}", "", f"Rows by stable id, {against}.", "",
             "| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {c.table} | {len(c.added)} | {len(c.removed)} | {len(c.changed)} |" for c in changes]
    for ch in changes:
        for label, ids in (("Added", ch.added), ("Removed", ch.removed),
                           ("Changed", [f"{rid} ({', '.join(cols)})" for rid, cols in ch.changed])):
            if not ids:
                continue
            lines += ["", f"## {label} in `{ch.table}`", ""]
            lines += [f"- `{i}`" if "(" not in i else f"- `{i.split(' ', 1)[0]}` {i.split(' ', 1)[1]}" for i in ids[:listed]]
            if len(ids) > listed:
                lines.append(f"- … and {len(ids) - listed} more (all in `changes.parquet`)")
    return "\n".join(lines) + "\n"
