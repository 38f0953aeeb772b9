"""The release's reports on its own tables: the changelog against the previous release (``changes.parquet``,
``CHANGES.md``) and the Great Expectations Data Docs (``validation/``), each read by a child process of its own.

Both read the release's Parquet files in DuckDB, which holds up to its memory limit in buffers until its connection
closes: in a child, that memory goes with the child, and the build's long-lived process, which goes on with the
release's other files, does not carry it. The Data Docs' child evaluates the suites only; GX renders the pages in
the caller, which has GX loaded already (the build's checks use it): a child importing GX anew took some 4 s of
CPU per release."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pyarrow.parquet as pq

from caravan.release.changelog import RowHashes, TableChanges, changes_markdown, diff_releases, summarise
from caravan.release.child import ChildProcess, serve
from caravan.release.data_docs import evaluate_suites, render_data_docs
from caravan.release.table_files import RELEASE_TABLES, ZSTD_LEVEL
from caravan.store.validation import ValidationOutcome, load_suite
from caravan.store.warehouse import scratch_connection


class ReportsError(RuntimeError):
    pass


def _error(staging: Path, report: str) -> Callable[[str], ReportsError]:
    return lambda message: ReportsError(f"{staging}: writing the release's {report} failed: {message}")


class Changelog(ChildProcess):
    """The changelog of the release in ``staging`` (its tables written) against the ``previous`` release (None: the
    first), written by a child process started when this is made. DuckDB spills into the folder ``spill``. With
    ``hashes``, the previous release's kept row hashes are read where they serve, and this one's kept."""

    def __init__(self, staging: Path, previous: Path | None, version: str, spill: Path, hashes: RowHashes | None = None):
        request = {"report": "changes", "staging": str(staging), "previous": str(previous) if previous else None,
                   "version": version, "spill": str(spill),
                   "hashes": [str(hashes.previous) if hashes.previous else None, str(hashes.current)] if hashes else None}
        super().__init__("caravan.release.reports", request, _error(staging, "changelog"))

    def wait(self) -> tuple[list[TableChanges], int]:
        """Waits for the changelog: each table's changes, and the rows of ``changes.parquet``."""
        result = self.result()
        summary = [TableChanges(c["table"], c["counts"], {kind: [tuple(row) for row in rows]
                                                           for kind, rows in c["first"].items()})
                   for c in result["summary"]]
        return summary, result["changed_rows"]


class DataDocs(ChildProcess):
    """The Data Docs of the release in ``staging`` (its tables written): the suites evaluated by a child process of
    its own (not the changelog's: what that one's DuckDB and Arrow keep after their work would add to the
    evaluation's peak), the pages rendered by ``wait``."""

    def __init__(self, staging: Path, version: str, spill: Path):
        self._staging, self._version = staging, version
        request = {"report": "data_docs", "staging": str(staging), "version": version, "spill": str(spill)}
        super().__init__("caravan.release.reports", request, _error(staging, "Data Docs"))

    def wait(self) -> None:
        """Waits for the evaluation and writes the pages."""
        outcomes, day = self.result()
        try:
            render_data_docs(outcomes, {name: load_suite(name) for name in outcomes}, self._staging / "validation",
                             run_name=self._version, run_time=day)
        except Exception as exc:  # named as the child's failures are
            raise self._error(f"{type(exc).__name__}: {exc}") from exc


def write_changes(staging: Path, previous: Path | None, version: str, spill: Path,
                  hashes: RowHashes | None = None) -> tuple[list[TableChanges], int]:
    """changes.parquet and CHANGES.md against the ``previous`` release: the summary and the rows changed."""
    changes = diff_releases(previous, staging, RELEASE_TABLES, spill, hashes)
    pq.write_table(changes, staging / "changes.parquet", compression="zstd", compression_level=ZSTD_LEVEL)
    summary = summarise(changes, RELEASE_TABLES)
    (staging / "CHANGES.md").write_text(changes_markdown(version, previous.name if previous else None, summary),
                                        encoding="utf-8")
    return summary, changes.num_rows


def evaluate_release(staging: Path, version: str, spill: Path) -> tuple[dict[str, ValidationOutcome], datetime]:
    """Each release table's suite evaluated in SQL over the table as published, and the run time its Data Docs
    name: the release's day, fixed, so that the pages are stable."""
    day = datetime.strptime(version[:10], "%Y.%m.%d").replace(tzinfo=timezone.utc)
    # Views named like the published tables, over their Parquet files (the DuckDB copy holds the same rows):
    # the evaluation need not wait for the copy.
    con = scratch_connection(spill)
    try:
        for name in RELEASE_TABLES:
            con.read_parquet(str(staging / f"{name}.parquet")).create_view(name)
        return evaluate_suites(con, {name: load_suite(name) for name in RELEASE_TABLES}), day
    finally:
        con.close()


def _write_changes(request: dict) -> dict:
    previous = Path(request["previous"]) if request["previous"] else None
    kept = request["hashes"]
    hashes = RowHashes(Path(kept[0]) if kept[0] else None, Path(kept[1])) if kept else None
    summary, changed_rows = write_changes(Path(request["staging"]), previous, request["version"], Path(request["spill"]),
                                          hashes)
    return {"summary": [{"table": c.table, "counts": c.counts, "first": c.first} for c in summary],
            "changed_rows": changed_rows}


def _evaluate_release(request: dict) -> tuple[dict[str, ValidationOutcome], datetime]:
    return evaluate_release(Path(request["staging"]), request["version"], Path(request["spill"]))


_REPORTS = {"changes": _write_changes, "data_docs": _evaluate_release}

if __name__ == "__main__":
    serve(lambda request: _REPORTS[request["report"]](request))
