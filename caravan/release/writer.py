"""Writing a release: zstd Parquet per table, datapackage.json, a data dictionary and a DuckDB copy.

A release is assembled in a temporary folder beside its final place and renamed into place only when
complete, so a reader never sees half a release; ``latest`` is then repointed. A build whose tables are
byte-identical to the latest release's writes nothing, unless it names its version.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from caravan import __version__
from caravan.common.ids import sha256_file
from caravan.release.changelog import CHANGE_KINDS, CHANGES_SCHEMA, RowHashes, TableChanges
from caravan.release.licences import DEFAULT as DEFAULT_LICENCES, AllowList
from caravan.release.duckdb_copy import DuckDBCopy
from caravan.release.page import TableSections, render_index_page, write_atomic, write_release_page
from caravan.release.reports import Changelog, DataDocs
from caravan.release.table_files import (RELEASE_TABLES, WRITE_ORDER, TableData, WarehouseTables, write_table_files,
                                         write_warehouse_table_files)
from caravan.store.tables import TABLES

DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
VERSION_FORM = re.compile(r"^\d{4}\.\d{2}\.\d{2}(?:\.\d+)?$")


@dataclass(frozen=True)
class Release:
    """The release written, or, when ``unchanged_since`` is set, the latest one, left as it was because the
    tables are byte-identical to it (then ``version`` is that release's and every change count is 0)."""

    version: str
    path: Path
    row_counts: dict[str, int]
    duckdb_path: Path
    changes: tuple[TableChanges, ...]  # per table, against ``previous``
    previous: str | None  # the release the changes are counted against; None for the first
    unchanged_since: str | None = None


def next_version(releases_dir: Path, today: date | None = None) -> str:
    """Calendar version YYYY.MM.DD, with .2, .3 … for further releases on the same day."""
    base = (today or date.today()).strftime("%Y.%m.%d")
    version, n = base, 1
    while (Path(releases_dir) / version).exists():
        n += 1
        version = f"{base}.{n}"
    return version


@dataclass(frozen=True)
class _Texts:
    """How many article texts a release publishes, under which allow-list."""

    licences: AllowList
    withheld: int
    articles: int

    def said(self) -> str:
        rule = ("Article texts are published only under a licence of the publication allow-list "
                f"({self.licences.describe()}): ")
        if not self.withheld:
            return rule + "every article of this release has its text in `articles.text`."
        return (rule + f"{self.articles - self.withheld} of {self.articles} article(s) have their text in "
                f"`articles.text`. For the other {self.withheld}, `text` is null and `text_withheld` names their "
                "licence (or says none is stated); their `url`, `sha256` and `n_chars`, and every record with its "
                "evidence sentence and character span, are published all the same.")


def _resource(name: str, path: Path, rows: int, description: str, schema: dict, digests: dict[Path, str]) -> dict:
    """The file's resource; its SHA-256 kept in ``digests``, for SHA256SUMS (hashed once)."""
    if path not in digests:
        digests[path] = sha256_file(path)
    return {"name": name, "path": path.name, "format": "parquet", "mediatype": "application/vnd.apache.parquet",
            "description": description, "bytes": path.stat().st_size, "hash": f"sha256:{digests[path]}",
            "rows": rows, "schema": schema}


def attributions(tables: dict[str, pa.Table]) -> list[dict]:
    """The sources a user must credit: each outlet with its articles' licence, each statistics publisher."""
    outlets: dict[tuple[str, str], int] = {}
    # Counted by Arrow, then named: a row per article as Python objects would take 80 MB at 100,000 articles.
    pairs = tables["articles"].group_by(["outlet", "license"]).aggregate([([], "count_all")])
    for row in pairs.to_pylist():
        key = (row["outlet"] or "unknown outlet", row["license"] or "licence not stated")
        outlets[key] = outlets.get(key, 0) + row["count_all"]
    sources = [{"title": outlet, "kind": "news outlet", "license": licence, "articles": n}
               for (outlet, licence), n in sorted(outlets.items())]
    publishers = sorted({r["publisher"] for r in tables["official_figures"].select(["publisher"]).to_pylist()})
    sources += [{"title": p, "kind": "official statistics", "license": "see official_figures.found_at_url"
                 if p != "World Bank" else "CC BY 4.0 (World Development Indicators)"} for p in publishers]
    return sources


def _license_text(version: str, sources: list[dict], texts: _Texts) -> str:
    lines = [f"# Licence of Caravan release {version}", "",
             "The data of this release are published under the Creative Commons Attribution 4.0 International",
             "licence (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/): you may share and adapt them for",
             "any purpose, provided you credit \"Caravan\" with the release version and the sources below.", "",
             "Quoted words and evidence sentences remain the work of the outlets that published them, under the",
             "licence each article states (`articles.license`); they are included as short quotations with their",
             "source for reference and research.", "", texts.said(), "", "## Sources to credit", ""]
    for src in sources:
        extra = f", {src['articles']} article(s)" if "articles" in src else ""
        lines.append(f"- {src['title']} ({src['kind']}{extra}): {src['license']}")
    return "\n".join(lines) + "\n"


def _datapackage(version: str, written: dict[str, tuple[Path, int]], changes: tuple[Path, int],
                 sources: list[dict], digests: dict[Path, str]) -> dict:
    resources = [_resource(name, path, rows, TABLES[name].description, TABLES[name].frictionless_schema(), digests)
                 for name, (path, rows) in written.items()]
    resources.append(_resource("changes", changes[0], changes[1], CHANGES_SCHEMA.metadata[b"description"].decode(), {
        "fields": [{"name": f.name, "type": "string", "description": f.metadata[b"description"].decode()} for f in CHANGES_SCHEMA],
        "primaryKey": ["table", "record_id"]}, digests))
    return {
        "name": "caravan", "title": "Caravan: Central Asian labour migrants in Russia, from news and official statistics",
        "version": version, "licenses": [DATA_LICENSE],
        "description": "Incidents, quotes and economic figures extracted from news articles, each with its evidence "
                       "(article, sentence, character span).",
        "sources": [{"title": src["title"], "description": f"{src['kind']}; licence: {src['license']}"} for src in sources],
        "created_by": f"caravan {__version__}", "resources": resources,
    }


def _readme(version: str, written: dict[str, tuple[Path, int]], texts: _Texts) -> str:
    lines = [f"# Caravan release {version}", "",
             "Incidents, quotes and economic figures about Central Asian labour migrants in Russia, extracted from news",
             "articles. Every record carries its evidence: `article_id`, `sentence`, and `char_start`/`char_end` into",
             "`articles.text`. Data licence: CC BY 4.0; the articles keep their own licences (see `articles.license`).", "",
             "Files: one zstd Parquet file per table, `datapackage.json` (Frictionless Data Package with checksums),",
             "`caravan.duckdb` (the same tables with column comments; it opens in DuckDB 1.2 or later).", "",
             "## Article texts", "", texts.said(), ""]
    if texts.withheld:
        lines += ["Whoever holds the articles can fill the texts in: `caravan hydrate RELEASE_DIR --corpus DIR --out FILE`",
                  "writes the articles with every withheld text whose SHA-256 matches a file of the corpus folder `DIR`, and",
                  "checks that every record's span points at its evidence.", ""]
    lines += ["## Data dictionary", ""]
    for name, (path, rows) in written.items():
        table = TABLES[name]
        lines += [f"### `{name}` ({rows} rows, `{path.name}`)", "", table.markdown(published_only=True), ""]
    return "\n".join(lines)


def _citation(version: str) -> str:
    return "\n".join([
        "cff-version: 1.2.0",
        "message: If you use this dataset, please cite it as below, and credit the news outlets and statistical publishers it draws on.",
        "type: dataset",
        "title: \"Caravan: Central Asian labour migrants in Russia, from news and official statistics\"",
        "authors:",
        "  - name: The Caravan project",
        f"version: \"{version}\"",
        "license: CC-BY-4.0",
        "keywords: [labour migration, Central Asia, Russia, hate crimes, remittances, open data]",
        "",
    ])


def _digests(folder: Path, known: dict[Path, str] | None = None, but: Callable[[Path], bool] = lambda p: False
             ) -> dict[Path, str]:
    """The SHA-256 of each file in ``folder`` (those in ``known`` taken from it), but the files ``but`` names."""
    # The release page shows these sums, so it cannot be among them.
    skip = {folder / "SHA256SUMS", folder / "index.html"}
    known = known or {}
    return {p: known.get(p) or sha256_file(p) for p in folder.rglob("*") if p.is_file() and p not in skip and not but(p)}


def _checksums(folder: Path, digests: dict[Path, str]) -> str:
    """SHA256SUMS of the files of ``folder``, their ``digests`` given."""
    return "".join(f"{digests[p]}  {p.relative_to(folder).as_posix()}\n" for p in sorted(digests))


def previous_release(releases_dir: Path) -> Path | None:
    latest = Path(releases_dir) / "latest"
    return latest.resolve() if latest.is_symlink() and latest.resolve().is_dir() else None


def _same_tables(staging: Path, previous: Path) -> bool:
    """Every table's Parquet file byte for byte the previous release's (the writer's settings are fixed, so
    the same rows give the same bytes)."""
    return all((previous / f"{name}.parquet").is_file()
               and filecmp.cmp(staging / f"{name}.parquet", previous / f"{name}.parquet", shallow=False)
               for name in RELEASE_TABLES)


# The digest of the tables each release was written from (see ``tables_digest``), by version: a build whose tables
# have the latest's digest writes no file. Beside the releases, not in them: it is the writer's, not the data's. A
# cache: when it is missing or unreadable, the table files are written and compared byte for byte.
_DIGESTS = ".tables-digests.json"


def _recorded_digests(releases_dir: Path) -> dict[str, str]:
    try:
        digests = json.loads((releases_dir / _DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return digests if isinstance(digests, dict) else {}


def _recorded_digest(releases_dir: Path, version: str) -> str | None:
    return _recorded_digests(releases_dir).get(version)


def _record_digest(releases_dir: Path, version: str, digest: str | None) -> None:
    if digest is None:
        return
    digests = _recorded_digests(releases_dir) | {version: digest}
    write_atomic(releases_dir / _DIGESTS, json.dumps(digests, indent=1, sort_keys=True) + "\n")


# Each release's row hashes (see ``changelog.RowHashes``), those of the latest only: the next changelog reads them
# instead of the latest release's files. Beside the releases, not in them; a cache, like the digests.
_ROW_HASHES = ".row-hashes"


def _row_hashes(releases_dir: Path, previous: Path | None, version: str) -> RowHashes:
    kept = releases_dir / _ROW_HASHES / previous.name if previous is not None else None
    return RowHashes(kept if kept is not None and kept.is_dir() else None,
                     releases_dir / _ROW_HASHES / f".{version}.partial")


def _keep_row_hashes(releases_dir: Path, hashes: RowHashes, version: str) -> None:
    """The new release's row hashes kept under its version, every other release's (and any left partial) gone."""
    folder = releases_dir / _ROW_HASHES
    if hashes.current.is_dir():
        os.replace(hashes.current, folder / version)
    for other in folder.iterdir() if folder.is_dir() else ():
        if other.name != version:
            shutil.rmtree(other, ignore_errors=True)


def _drop_partial_row_hashes(hashes: RowHashes) -> None:
    """A failed release's row hashes go, and their folder if nothing else is kept there."""
    folder = hashes.current.parent
    shutil.rmtree(hashes.current, ignore_errors=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _unchanged(latest: Path, row_counts: dict[str, int]) -> Release:
    none = tuple(TableChanges(name, {kind: 0 for kind in CHANGE_KINDS}, {kind: [] for kind in CHANGE_KINDS})
                 for name in RELEASE_TABLES)
    return Release(latest.name, latest, row_counts, latest / "caravan.duckdb", none, latest.name,
                   unchanged_since=latest.name)


def _write_descriptions(staging: Path, version: str, written: dict[str, tuple[Path, int]], changed_rows: int,
                        texts: _Texts) -> dict[Path, str]:
    """datapackage.json, README.md, CITATION.cff and LICENSE.md; returns the SHA-256 of the Parquet files."""
    sources = attributions({"articles": pq.read_table(written["articles"][0], columns=["outlet", "license"]),
                            "official_figures": pq.read_table(written["official_figures"][0], columns=["publisher"])})
    digests: dict[Path, str] = {}
    package = _datapackage(version, written, (staging / "changes.parquet", changed_rows), sources, digests)
    (staging / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (staging / "README.md").write_text(_readme(version, written, texts) + "\n", encoding="utf-8")
    (staging / "CITATION.cff").write_text(_citation(version), encoding="utf-8")
    (staging / "LICENSE.md").write_text(_license_text(version, sources, texts), encoding="utf-8")
    return digests


def write_release(tables: Mapping[str, TableData | Callable[[], TableData]] | WarehouseTables,
                  releases_dir: str | Path, version: str | None = None, licences: AllowList = DEFAULT_LICENCES) -> Release:
    """Write release ``version`` of ``tables`` and point ``latest`` at it. ``tables`` are a warehouse's published
    tables, read by a child process that writes their files, or each an Arrow table or record batch stream, or a
    function that opens one (see ``write_table_files``); a stream is written one row group at a time, so no table
    is held whole in memory. Article texts are published only under ``licences`` (see ``withhold_texts``).

    Without a ``version``, tables byte-identical to the latest release's write nothing: a daily build of
    unchanged inputs is no new release. The result then says ``unchanged_since`` and ``latest`` stays. A
    warehouse's tables whose digest is the one the latest release was written from are not even written."""
    releases_dir = Path(releases_dir)
    releases_dir.mkdir(parents=True, exist_ok=True)
    named = version is not None
    version = version or next_version(releases_dir)
    if not VERSION_FORM.match(version):
        raise ValueError(f"release version {version!r} is not a calendar version YYYY.MM.DD or YYYY.MM.DD.N")
    final = releases_dir / version
    if final.exists():
        raise FileExistsError(f"{final}: release {version} exists already; releases are immutable")
    previous = previous_release(releases_dir)
    unless = _recorded_digest(releases_dir, previous.name) if previous is not None and not named else None
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=releases_dir))
    hashes = _row_hashes(releases_dir, previous, version)
    try:
        # The reports' DuckDB spill beside the staging folder, not into it, each into a folder of its own; the mark
        # that every table file is written lies there too. The DuckDB copy takes each table's file as it is written.
        with tempfile.TemporaryDirectory(prefix=".spill.", dir=releases_dir) as spill, \
                DuckDBCopy(staging / "caravan.duckdb", {name: staging / f"{name}.parquet" for name in WRITE_ORDER},
                           written_mark=Path(spill) / "tables-written") as copy:
            try:
                files = (write_warehouse_table_files(tables, staging, licences, unless)
                         if isinstance(tables, WarehouseTables) else write_table_files(tables, staging, licences))
            finally:
                (Path(spill) / "tables-written").touch()
            if files.skipped:  # the tables the latest release was written from
                copy.stop()
                shutil.rmtree(staging)
                return _unchanged(previous, files.rows)
            written, texts = files.written, _Texts(licences, files.withheld, files.written["articles"][1])
            if not named and previous is not None and _same_tables(staging, previous):
                copy.stop()
                shutil.rmtree(staging)
                _record_digest(releases_dir, previous.name, files.digest)
                return _unchanged(previous, {n: r for n, (_, r) in written.items()})
            # The changelog, the Data Docs and the release page's sections drawn from the tables are written from the
            # Parquet files by child processes (see ``reports``), side by side with the copy, while this one writes
            # the other files: only the checksums need them all.
            with Changelog(staging, previous, version, Path(spill) / "changes", hashes) as changelog, \
                    DataDocs(staging, version, Path(spill) / "data_docs") as data_docs, \
                    TableSections(staging) as page_sections:
                summary, changed_rows = changelog.wait()
                hashed = _write_descriptions(staging, version, written, changed_rows, texts)
                data_docs.wait()
                sections = page_sections.wait()
            # Every other file is written by now: hashed while the copy is (its spill files lie beside it).
            digests = _digests(staging, hashed,
                               but=lambda p: p.relative_to(staging).parts[0].startswith(copy.path.name))
            copy.wait()
        (staging / "SHA256SUMS").write_text(_checksums(staging, _digests(staging, digests)), encoding="utf-8")
        write_release_page(staging, sections)
        os.chmod(staging, 0o755)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _drop_partial_row_hashes(hashes)
        raise
    _record_digest(releases_dir, version, files.digest)
    _keep_row_hashes(releases_dir, hashes, version)
    _point_latest(releases_dir, version)
    write_index(releases_dir)
    (releases_dir / "index.html").write_text(render_index_page(releases_dir), encoding="utf-8")
    return Release(version, final, {n: r for n, (_, r) in written.items()}, final / "caravan.duckdb", tuple(summary),
                   previous.name if previous else None)


def write_index(releases_dir: Path) -> None:
    """releases/index.json: every release, newest first, from the releases' own data packages."""
    entries = []
    for package_path in Path(releases_dir).glob("*/datapackage.json"):
        if package_path.parent.name.startswith(".") or package_path.parent.is_symlink():
            continue
        package = json.loads(package_path.read_text(encoding="utf-8"))
        entries.append({"version": package["version"], "path": f"{package_path.parent.name}/",
                         "rows": {r["name"]: r["rows"] for r in package["resources"] if r["name"] in TABLES}})
    entries.sort(key=lambda e: [int(x) for x in e["version"].split(".")], reverse=True)
    index = {"latest": entries[0]["version"] if entries else None, "releases": entries}
    tmp = Path(releases_dir) / ".index.json.tmp"
    tmp.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, Path(releases_dir) / "index.json")


def _point_latest(releases_dir: Path, version: str) -> None:
    """Repoint ``latest`` atomically (a new link renamed over the old one)."""
    tmp = releases_dir / f".latest.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(version, tmp)
    os.replace(tmp, releases_dir / "latest")
