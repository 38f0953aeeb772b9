"""The release's DuckDB copy: the published tables with their column comments and the convenience views.

The same tables must give the same file, or SHA256SUMS changes and a mirror cannot tell a re-run from a
new release. DuckDB (1.5) leaves three things to chance, each closed here:

- FSST string compression is tried on a random quarter of a column's 2,048-row vectors (a freshly seeded
  random engine), so past one vector the chosen compression and its symbol table differ from write to
  write (5.78 or 5.52 MB for one 300-article corpus). FSST is disabled: Dictionary and Uncompressed are
  chosen on all the values.
- Bytes never set are written as they lie in memory: the unused tail of column segments
  (duckdb/duckdb#23382, DuckDB's own allocator, jemalloc) and the slots of NULLs in bit-packed integers
  (the C++ heap, glibc malloc). The child process asks both allocators to hand out zeroed memory.
- With several threads the blocks are written in any order: the child uses one.

Without FSST, long texts would be stored uncompressed: the prose columns (article bodies, evidence sentences; see
``Column.prose``) are declared zstd-compressed instead, which DuckDB does deterministically. That takes DuckDB's
storage format of version 1.2 (``STORAGE_VERSION``), so the file opens in DuckDB 1.2 or later. At 100,000 articles
the copy went from 1,215 to 414 MB, and from 11.7 to 9.6 CPU-seconds.

The release starts the copy with its table files: the copy takes each file as it appears (they appear whole), in the
order they are written, and so works while the others are.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from caravan.release.child import ChildProcess, serve
from caravan.store.tables import TABLES
from caravan.store.views import create_views

# jemalloc's opt.zero; glibc fills new memory with MALLOC_PERTURB_ ^ 0xff, here 0 (freed memory with 0xff).
_ZERO_FILL = {"DUCKDB_JE_MALLOC_CONF": "zero:true", "MALLOC_PERTURB_": "255"}

# DuckDB holds a table's last row group (up to 122,880 rows) in memory until the table is committed: for the articles,
# texts and all, 350 MB at 100,000 articles (430 MB in a full row group). At the warehouse connections' 512 MB it
# spilled to disk and was read back, 2 s of the copy's 12 s of CPU; at this limit the copy peaks at 0.9 GB RSS.
COPY_MEMORY_LIMIT = "768MB"

STORAGE_VERSION = "v1.2.0"  # the oldest that compresses texts with zstd (older ones ignore the request)


class DuckDBCopyError(RuntimeError):
    pass


class DuckDBCopy(ChildProcess):
    """The DuckDB copy at ``path``, written from ``parquet_files`` (in their order) by a child process started when
    this is made, so that the release's other files are written meanwhile. With ``written_mark``, the files may not
    exist yet: the child takes each when it appears, and a file still missing once the file ``written_mark`` exists
    (every table written) is an error. ``wait`` where the file is needed. Leaving the ``with`` block without waiting
    (an error elsewhere) ends the child."""

    def __init__(self, path: Path, parquet_files: dict[str, Path], written_mark: Path | None = None):
        self.path = path
        request = {"path": str(path), "tables": {name: str(p) for name, p in parquet_files.items()},
                   "written_mark": str(written_mark) if written_mark else None, "parent": os.getpid()}
        super().__init__("caravan.release.duckdb_copy", request, lambda message: DuckDBCopyError(
            f"{path}: writing the release's DuckDB copy failed: {message}"), env=_ZERO_FILL)

    def wait(self) -> None:
        self.result()


def write_duckdb_copy(path: Path, parquet_files: dict[str, Path]) -> None:
    """Write ``path``: one table per published table from its Parquet file, comments, views."""
    with DuckDBCopy(path, parquet_files) as copy:
        copy.wait()


def copy_memory_limit() -> str:
    """The copy's DuckDB memory limit: CARAVAN_DUCKDB_MEMORY_LIMIT when set, as the warehouse's connections take it,
    else ``COPY_MEMORY_LIMIT`` (DuckDB's default is most of the machine)."""
    return os.environ.get("CARAVAN_DUCKDB_MEMORY_LIMIT") or COPY_MEMORY_LIMIT


_POLL_SECONDS = 0.05


def _appeared(parquet: Path, written_mark: Path | None, parent: int | None) -> Path:
    """``parquet`` once it exists: at once without ``written_mark``, else when it appears, unless every table is
    written without it (or the release's writer is gone): then it is read as it is, and its absence is the error."""
    while written_mark is not None and not parquet.exists() and not written_mark.exists():
        if parent is not None and os.getppid() != parent:
            raise RuntimeError("the release's writer is gone")
        time.sleep(_POLL_SECONDS)
    return parquet


def _write(path: Path, parquet_files: dict[str, Path], written_mark: Path | None = None, parent: int | None = None
           ) -> None:
    # Bounded (see ``copy_memory_limit``); it spills into caravan.duckdb.tmp beside the file, which DuckDB removes when
    # the connection closes.
    con = duckdb.connect(str(path), config={"threads": 1, "memory_limit": copy_memory_limit(),
                                            "storage_compatibility_version": STORAGE_VERSION})
    try:
        con.execute("SET disabled_compression_methods = 'fsst'")  # (as a connect() option it is ignored)
        for name, parquet in parquet_files.items():
            source = str(_appeared(parquet, written_mark, parent))
            con.execute(_create_table(con, name, source))
            con.execute(f'INSERT INTO "{name}" SELECT * FROM read_parquet(?)', [source])
            for stmt in TABLES[name].comment_statements(published_only=True):
                con.execute(stmt)
        create_views(con)
    finally:
        con.close()


def _create_table(con: duckdb.DuckDBPyConnection, name: str, parquet: str) -> str:
    """CREATE TABLE of the file's columns with the types ``CREATE TABLE AS`` gives them, its prose columns zstd."""
    prose = {c.name for c in TABLES[name].columns if c.prose}
    columns = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [parquet]).fetchall()
    return f'CREATE TABLE "{name}" (' + ", ".join(
        f'"{column}" {kind}' + (" USING COMPRESSION zstd" if column in prose else "")
        for column, kind, *_ in columns) + ")"


def _write_request(request: dict) -> None:
    _write(Path(request["path"]), {name: Path(p) for name, p in request["tables"].items()},
           Path(request["written_mark"]) if request["written_mark"] else None, request["parent"])


if __name__ == "__main__":
    serve(_write_request)
