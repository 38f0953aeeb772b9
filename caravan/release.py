"""Writing a release: zstd Parquet per table, datapackage.json, a data dictionary and a DuckDB copy.

A release is assembled in a temporary folder beside its final place and renamed into place only when
complete, so a reader never sees half a release; ``latest`` is then repointed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from caravan import __version__
from caravan.tables import TABLES, Table

DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
RELEASE_TABLES = ("articles", "quotes", "incidents", "economic_figures")


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    row_counts: dict[str, int]
    duckdb_path: Path


def next_version(releases_dir: Path, today: date | None = None) -> str:
    """Calendar version YYYY.MM.DD, with .2, .3 … for further releases on the same day."""
    base = (today or date.today()).strftime("%Y.%m.%d")
    version, n = base, 1
    while (Path(releases_dir) / version).exists():
        n += 1
        version = f"{base}.{n}"
    return version


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_parquet(table: Table, data: pa.Table, path: Path) -> None:
    data = data.select([c.name for c in table.published_columns()]).cast(table.arrow_schema(published_only=True))
    # Fixed writer settings so the same rows always give the same bytes.
    pq.write_table(data, path, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=True, store_schema=True)


def _datapackage(version: str, written: dict[str, tuple[Path, int]]) -> dict:
    resources = []
    for name, (path, rows) in written.items():
        table = TABLES[name]
        resources.append({
            "name": name, "path": path.name, "format": "parquet", "mediatype": "application/vnd.apache.parquet",
            "description": table.description, "bytes": path.stat().st_size,
            "hash": f"sha256:{_sha256_file(path)}", "rows": rows, "schema": table.frictionless_schema(),
        })
    return {
        "name": "caravan", "title": "Caravan: Central Asian labour migrants in Russia, from news and official statistics",
        "version": version, "licenses": [DATA_LICENSE],
        "description": "Incidents, quotes and economic figures extracted from news articles, each with its evidence "
                       "(article, sentence, character span).",
        "sources": [{"title": "News articles of the corpus; see the articles table (outlet, url, license) for each."}],
        "created_by": f"caravan {__version__}", "resources": resources,
    }


def _readme(version: str, written: dict[str, tuple[Path, int]]) -> str:
    lines = [f"# Caravan release {version}", "",
             "Incidents, quotes and economic figures about Central Asian labour migrants in Russia, extracted from news",
             "articles. Every record carries its evidence: `article_id`, `sentence`, and `char_start`/`char_end` into",
             "`articles.text`. Data licence: CC BY 4.0; the articles keep their own licences (see `articles.license`).", "",
             "Files: one zstd Parquet file per table, `datapackage.json` (Frictionless Data Package with checksums),",
             "`caravan.duckdb` (the same tables with column comments).", "", "## Data dictionary", ""]
    for name, (path, rows) in written.items():
        table = TABLES[name]
        lines += [f"### `{name}` ({rows} rows, `{path.name}`)", "", table.description, "",
                  "| column | type | description |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in table.published_columns()]
        lines.append("")
    return "\n".join(lines)


def _write_duckdb(path: Path, written: dict[str, tuple[Path, int]]) -> None:
    con = duckdb.connect(str(path))
    try:
        for name, (parquet, _) in written.items():
            table = TABLES[name]
            con.execute(f"CREATE TABLE \"{name}\" AS SELECT * FROM read_parquet(?)", [str(parquet)])
            for stmt in table.comment_statements(published_only=True):
                con.execute(stmt)
    finally:
        con.close()


def write_release(tables: dict[str, pa.Table], releases_dir: str | Path, version: str | None = None) -> Release:
    releases_dir = Path(releases_dir)
    releases_dir.mkdir(parents=True, exist_ok=True)
    version = version or next_version(releases_dir)
    final = releases_dir / version
    if final.exists():
        raise FileExistsError(f"{final}: release {version} exists already; releases are immutable")
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=releases_dir))
    try:
        written = {}
        for name in RELEASE_TABLES:
            path = staging / f"{name}.parquet"
            write_parquet(TABLES[name], tables[name], path)
            written[name] = (path, tables[name].num_rows)
        (staging / "datapackage.json").write_text(json.dumps(_datapackage(version, written), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (staging / "README.md").write_text(_readme(version, written) + "\n", encoding="utf-8")
        _write_duckdb(staging / "caravan.duckdb", written)
        os.chmod(staging, 0o755)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_latest(releases_dir, version)
    return Release(version, final, {n: r for n, (_, r) in written.items()}, final / "caravan.duckdb")


def _point_latest(releases_dir: Path, version: str) -> None:
    """Repoint ``latest`` atomically (a new link renamed over the old one)."""
    tmp = releases_dir / f".latest.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(version, tmp)
    os.replace(tmp, releases_dir / "latest")
