"""The release's Parquet files, one per table, written from Arrow tables or streams, or from the warehouse by a
child process of their own.

Reading a warehouse's tables leaves DuckDB holding memory in proportion to what was read until its connection
closes; in a child process of its own that memory goes with the child, and the build's long-lived process, which
writes the release's other files afterwards, does not carry it."""

from __future__ import annotations

import os
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Union

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from caravan.common.ids import files_digest, sha256_text
from caravan.release.child import ChildProcess, serve
from caravan.release.licences import AllowList
from caravan.store.tables import TABLES, Table

RELEASE_TABLES = ("articles", "quotes", "incidents", "incident_sources", "economic_figures", "speakers",
                  "official_figures", "figure_checks", "curation_log")

# Rows per Parquet row group: the writer holds one group at a time. Article rows carry their text (several
# kilobytes each), so theirs are smaller.
ROW_GROUP_ROWS = 65536
ARTICLE_ROW_GROUP_ROWS = 4096

TableData = Union[pa.Table, pa.RecordBatchReader]

# zstd's own default level: at 100,000 articles level 9 took 16 s of CPU for the six largest tables where 3 takes
# 5, for files 7 % smaller (132 against 141 MB); every release pays the first, a download the second.
ZSTD_LEVEL = 3


def _batches(data: TableData) -> Iterator[pa.RecordBatch]:
    return iter(data.to_batches() if isinstance(data, pa.Table) else data)


def _row_groups(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """The rows of ``batches`` in tables of exactly ``rows`` rows (the last one shorter), whatever the sizes of
    the batches: so the file's row groups, and its bytes, depend on the rows only."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        while batch.num_rows:
            take = min(rows - held, batch.num_rows)
            pending.append(batch.slice(0, take))
            held += take
            batch = batch.slice(take)
            if held == rows:
                yield pa.Table.from_batches(pending).combine_chunks()
                pending, held = [], 0
    if held:
        yield pa.Table.from_batches(pending).combine_chunks()


def write_parquet(table: Table, data: TableData, path: Path, transform: Callable[[pa.Table], pa.Table] | None = None,
                  row_group_rows: int = ROW_GROUP_ROWS) -> int:
    """Write ``data`` (a table, or a stream of record batches read as it is written) as ``table``'s published
    Parquet file, one row group of ``row_group_rows`` rows at a time, each passed through ``transform`` first.
    Returns the number of rows."""
    schema = table.arrow_schema(published_only=True)
    columns = [c.name for c in table.published_columns()]
    rows = 0
    # Fixed writer settings so the same rows always give the same bytes.
    with pq.ParquetWriter(path, schema, compression="zstd", compression_level=ZSTD_LEVEL, use_dictionary=True,
                          write_statistics=True, store_schema=True) as writer:
        for group in _row_groups(_batches(data), row_group_rows):
            group = transform(group) if transform else group
            writer.write_table(group.select(columns).cast(schema), row_group_size=row_group_rows)
            rows += group.num_rows
        if not rows:  # one empty row group, as for any table: it carries the column chunks' settings
            writer.write_table(schema.empty_table())
    return rows


def withhold_texts(articles: pa.Table, licences: AllowList) -> pa.Table:
    """The articles as a release publishes them: the text only under a licence of ``licences``; for the
    others a null text and ``text_withheld`` saying why. Every other column is kept."""
    # Each distinct licence judged once: an article's reason depends on its licence alone.
    licence = pc.dictionary_encode(articles.column("license").combine_chunks(), null_encoding="encode")
    reasons = pa.array([licences.withheld_reason(lic) for lic in licence.dictionary.to_pylist()],
                       pa.string()).take(licence.indices)
    text = pc.if_else(pc.is_null(reasons), articles.column("text"), pa.scalar(None, pa.string()))
    articles = articles.set_column(articles.schema.get_field_index("text"), "text", text)
    at = articles.schema.get_field_index("text_withheld")
    return (articles.set_column(at, "text_withheld", reasons) if at >= 0
            else articles.append_column("text_withheld", reasons))


@dataclass(frozen=True)
class TableFiles:
    """The Parquet files written: (path, rows) by table in release order, and how many articles' texts were
    withheld; for a warehouse's tables, their ``digest`` too. When that digest is the one asked to be ``unless``,
    nothing is written: ``written`` is empty and ``rows`` holds the row counts."""

    written: dict[str, tuple[Path, int]]
    withheld: int
    digest: str | None = None
    rows: dict[str, int] | None = None
    skipped: bool = False


_PACKAGE = Path(__file__).resolve().parents[1]
# The code that decides the bytes of the table files from the warehouse's rows: what they are read by, their
# schemas and descriptions, the licences that withhold texts, and this writer.
_WRITER_SOURCES = ("release/table_files.py", "release/licences.py", "store/tables.py", "store/warehouse.py")


def _digest_head(counts: Mapping[str, int], licences: AllowList) -> str:
    """The part of ``tables_digest`` known without reading the rows: the writer's code and its libraries'
    versions, the licences, and each table's row count."""
    import duckdb

    parts = [files_digest((name, _PACKAGE / name) for name in _WRITER_SOURCES),
             f"pyarrow {pa.__version__}", f"duckdb {duckdb.__version__}", " ".join(sorted(licences.kinds)),
             *(f"{name} {counts[name]}" for name in RELEASE_TABLES)]
    return sha256_text("\n".join(parts))


def _digest(head: str, totals: Mapping[str, int]) -> str:
    """``tables_digest`` from its head and each table's sum of row hashes (see ``publishable_digest``). The head
    stays readable in it: tables whose head is not the one asked to be ``unless`` differ without a pass over
    their rows, and their hashes are summed as they are written."""
    values = "\n".join(f"{name} {totals[name]}" for name in RELEASE_TABLES)
    return f"{head}-{sha256_text(values)}"


def tables_digest(con, licences: AllowList) -> tuple[str, dict[str, int]]:
    """A digest of what the release's table files would be made of (the published rows of each table, the
    writer's code and its libraries' versions, the licences), and each table's row count: the same digest
    means the same files, found at the cost of one pass over the rows instead of writing them."""
    from caravan.store.warehouse import publishable_digest

    counts, totals = {}, {}
    for name in RELEASE_TABLES:
        counts[name], totals[name] = publishable_digest(con, name)
    return _digest(_digest_head(counts, licences), totals), counts


# The tables are written two at a time (pyarrow compresses without holding the GIL), the slowest first (as
# timed at 10,000 articles), so that the last to finish are short ones.
_SLOWEST_TABLES = ("articles", "figure_checks", "quotes", "incident_sources")
_WRITERS = 2
WRITE_ORDER = (*_SLOWEST_TABLES, *(name for name in RELEASE_TABLES if name not in _SLOWEST_TABLES))


def write_table_files(tables: Mapping[str, TableData | Callable[[], TableData]], staging: Path,
                      licences: AllowList) -> TableFiles:
    """Each release table's Parquet file in ``staging``, from ``tables`` (each an Arrow table or stream, or a
    function that opens one on a connection of its own: two are written at once, each in a thread), begun in
    ``WRITE_ORDER``. A file appears whole: it is written beside, then renamed (the DuckDB copy takes each as it
    appears)."""
    withheld = [0]

    def withhold(articles: pa.Table) -> pa.Table:
        articles = withhold_texts(articles, licences)
        withheld[0] += articles.num_rows - articles.column("text_withheld").null_count
        return articles

    def write(name: str) -> tuple[Path, int]:
        path, partial_path = staging / f"{name}.parquet", staging / f".{name}.parquet.partial"
        data = tables[name]() if callable(tables[name]) else tables[name]
        if name == "articles":
            rows = write_parquet(TABLES[name], data, partial_path, withhold, ARTICLE_ROW_GROUP_ROWS)
        else:
            rows = write_parquet(TABLES[name], data, partial_path)
        os.replace(partial_path, path)
        return path, rows

    with ThreadPoolExecutor(_WRITERS) as pool:
        futures = {name: pool.submit(write, name) for name in WRITE_ORDER}
        try:
            done, _ = wait(futures.values(), return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # raises a table's error
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the tables not begun are not written
            raise
    return TableFiles({name: futures[name].result() for name in RELEASE_TABLES}, withheld[0])


@dataclass(frozen=True)
class WarehouseTables:
    """The published tables of a warehouse (a DuckDB file or a DuckLake, as ``warehouse.connect`` takes it), to
    be read by the child process that writes their files."""

    target: str
    lake_data_path: str | None = None


class TableFilesError(RuntimeError):
    pass


def write_warehouse_table_files(source: WarehouseTables, staging: Path, licences: AllowList,
                                unless: str | None = None) -> TableFiles:
    """``write_table_files`` of ``source``'s published tables, in a child process, unless their digest (see
    ``tables_digest``) is ``unless``. The warehouse must not be open for writing meanwhile (DuckDB allows one
    process per file)."""
    request = {"target": source.target, "lake_data_path": source.lake_data_path, "staging": str(staging),
               "licences": sorted(licences.kinds), "unless": unless}
    with ChildProcess("caravan.release.table_files", request, lambda message: TableFilesError(
            f"{source.target}: writing the release's Parquet files failed: {message}")) as child:
        result = child.result()
    if result["skipped"]:
        return TableFiles({}, 0, result["digest"], result["rows"], skipped=True)
    return TableFiles({name: (staging / f"{name}.parquet", rows) for name, rows in result["rows"].items()},
                      result["withheld"], result["digest"], result["rows"])


def _summed(name: str, open_stream: Callable[[], pa.RecordBatchReader], totals: dict[str, int]
            ) -> Iterator[pa.RecordBatch]:
    """The batches of the stream ``open_stream`` opens (a ``stream_publishable(..., hashed=True)``) as read, their
    row hashes summed into ``totals[name]`` (the writer leaves the hash column out)."""
    from caravan.store.warehouse import hashes_total

    totals[name] = 0
    for batch in open_stream():
        totals[name] += hashes_total(batch)
        yield batch


def _write_from_warehouse(request: dict) -> dict:
    from caravan.store.warehouse import connect, lower_memory_limit, own_cursor, publishable_count, stream_publishable

    con = connect(request["target"], read_only=True, lake_data_path=request["lake_data_path"])
    try:
        lower_memory_limit(con)
        licences = AllowList(frozenset(request["licences"]))
        counts = {name: publishable_count(con, name) for name in RELEASE_TABLES}
        head, unless = _digest_head(counts, licences), request["unless"]
        # Tables with the head asked to be unless may be the same: one pass over their rows tells. Any others
        # differ, and their digest is found as they are written.
        if unless is not None and unless.startswith(f"{head}-"):
            digest, _ = tables_digest(con, licences)
            if digest == unless:
                return {"skipped": True, "digest": digest, "rows": counts}
        # One DuckDB thread: the tables are written _WRITERS at a time, each stream's queries run in its writer's
        # thread, and DuckDB's own threads would only contend with them (at 100,000 articles, 12.3 CPU-seconds
        # with two against 10.5 with one, and no longer in wall time).
        con.execute("SET threads = 1")
        totals: dict[str, int] = {}
        # Read as written, a row group at a time, each table on a cursor of its own.
        tables = {name: partial(_summed, name, partial(stream_publishable, own_cursor(con), name, hashed=True), totals)
                  for name in RELEASE_TABLES}
        files = write_table_files(tables, Path(request["staging"]), licences)
    finally:
        con.close()
    rows = {name: rows for name, (_, rows) in files.written.items()}
    # Of the rows written (the counts above were taken before them).
    return {"skipped": False, "digest": _digest(_digest_head(rows, licences), totals), "rows": rows,
            "withheld": files.withheld}


if __name__ == "__main__":
    serve(_write_from_warehouse)
