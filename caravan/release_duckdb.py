"""The release's DuckDB copy: the published tables with their column comments and the convenience views.

It is written in a child process. DuckDB (1.5) writes the unused tail of its column segments from
uninitialised memory (duckdb/duckdb#23382), so two copies of the same tables differed in a few bytes, and
so did the release's SHA256SUMS. The child's allocator (DuckDB's bundled jemalloc) zero-fills what it
hands out, which makes those bytes zeros; one thread, because with several the block order varies too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from caravan.tables import TABLES
from caravan.views import create_views

_ZERO_FILL = {"DUCKDB_JE_MALLOC_CONF": "zero:true"}


class DuckDBCopyError(RuntimeError):
    pass


def write_duckdb_copy(path: Path, parquet_files: dict[str, Path]) -> None:
    """Write ``path``: one table per published table from its Parquet file, comments, views."""
    spec = json.dumps({"path": str(path), "tables": {name: str(p) for name, p in parquet_files.items()}})
    done = subprocess.run([sys.executable, "-m", "caravan.release_duckdb"], input=spec, text=True,
                          capture_output=True, env={**os.environ, **_ZERO_FILL})
    if done.returncode != 0:
        raise DuckDBCopyError(f"{path}: writing the release's DuckDB copy failed: {done.stderr.strip()[-2000:]}")


def _write(path: Path, parquet_files: dict[str, Path]) -> None:
    con = duckdb.connect(str(path), config={"threads": 1})
    try:
        for name, parquet in parquet_files.items():
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(parquet)])
            for stmt in TABLES[name].comment_statements(published_only=True):
                con.execute(stmt)
        create_views(con)
    finally:
        con.close()


if __name__ == "__main__":
    request = json.load(sys.stdin)
    try:
        _write(Path(request["path"]), {name: Path(p) for name, p in request["tables"].items()})
    except duckdb.Error as exc:
        sys.exit(str(exc))  # the message alone, for the parent's error
