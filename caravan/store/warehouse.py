"""The warehouse, a DuckDB file or a DuckLake: tables written in bulk through Arrow, described with COMMENT ON."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from caravan.ingest import changes as changes_module, corpus as corpus_module
from caravan.ingest.changes import Candidate, NeighbourKeys
from caravan.ingest.corpus import Article, FileState
from caravan.store.extensions import load_extensions
from caravan.store.tables import ALL_TABLES, ARTICLE_SIGNATURES, ARTICLES, CORPUS_FILES, TABLES, Column, Table


T = TypeVar("T")


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (one writer per file) for longer than we wait."""


class WarehouseUnreachable(RuntimeError):
    """The DuckLake catalog (PostgreSQL) or its object store cannot be reached."""


LAKE_PREFIX = "ducklake:"
_LAKE_EXTENSIONS = ("httpfs", "postgres", "ducklake")


def is_lake(target: str | Path) -> bool:
    return str(target).startswith(LAKE_PREFIX)


def connect(target: str | Path, read_only: bool = False, wait_seconds: float = 60.0,
            lake_data_path: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse: a DuckDB file (the default), or a DuckLake ``ducklake:postgres:<libpq DSN>``
    whose data files live under ``lake_data_path``. Either way the connection's default catalog holds
    the tables, so every query and write below is the same for both.

    A DuckDB file held by another process is waited for up to ``wait_seconds``, then WarehouseBusy."""
    if is_lake(target):
        return _bounded(_connect_lake(str(target), lake_data_path, read_only))
    path = Path(target)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return _bounded(duckdb.connect(str(path), read_only=read_only))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"{path}: in use by another process for over {wait_seconds:.0f} s "
                                    f"(DuckDB allows one writer per file); try again when it has finished. {exc}") from exc
            time.sleep(0.25)


# DuckDB's own default is 80 % of the machine's memory, its buffer pool filling it as tables are read; bounded,
# it spills to a temporary folder beside the file instead.
DEFAULT_MEMORY_LIMIT = "512MB"


def memory_limit() -> str:
    """DuckDB's memory limit for Caravan's connections: CARAVAN_DUCKDB_MEMORY_LIMIT (a DuckDB size, e.g. "4GB"),
    else 512 MB."""
    return os.environ.get("CARAVAN_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def _bounded(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The connection with its memory bounded (``memory_limit``)."""
    limit = memory_limit()
    try:
        con.execute(f"SET memory_limit = {sql_string(limit)}")
    except duckdb.Error as exc:
        con.close()
        raise ValueError(f"CARAVAN_DUCKDB_MEMORY_LIMIT={limit!r} is not a DuckDB memory size: {exc}") from exc
    return con


# For a connection that reads each block once (a table's checks, the release's reading of its tables): a buffer pool
# larger than what its joins and sorts need only caches blocks it will not read again (at 100,000 articles, 1 GB
# of it made the checks' and the release's reading peak at 1.4-1.6 GB; at this bound, 0.9-1.0 GB, as fast).
READING_MEMORY_LIMIT = 512 * 2**20
_MEMORY_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50}


def lower_memory_limit(con: duckdb.DuckDBPyConnection, limit: int = READING_MEMORY_LIMIT) -> None:
    """Lower the memory limit of ``con``'s database to ``limit`` bytes where it is higher (a lower
    CARAVAN_DUCKDB_MEMORY_LIMIT stays). The limit is the whole database's: for a connection opened for the work."""
    number, unit = con.sql("SELECT current_setting('memory_limit')").fetchone()[0].split()
    if float(number) * _MEMORY_UNITS[unit] > limit:
        con.execute(f"SET memory_limit = '{int(limit)}B'")


def scratch_connection(spill: str | Path, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for work over files (a release's Parquet), bounded as the warehouse's connections are
    (``memory_limit``); what does not fit spills into the folder ``spill``."""
    config = {"memory_limit": memory_limit(), "temp_directory": str(spill), **({"threads": threads} if threads else {})}
    return duckdb.connect(config=config)


def sql_string(value: str) -> str:
    """``value`` as a SQL string constant."""
    return "'" + value.replace("'", "''") + "'"


def _redacted(dsn: str) -> str:
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", dsn)


def describe(target: str | Path) -> str:
    """The warehouse as it may be printed: a DuckDB file's full path, or a lake without its password."""
    return _redacted(str(target)) if is_lake(target) else str(Path(target).resolve())


def _s3_secret(con: duckdb.DuckDBPyConnection) -> None:
    """S3 credentials and endpoint from the usual AWS_* variables (an S3-compatible store when AWS_ENDPOINT_URL is set)."""
    env = os.environ
    options = {"KEY_ID": env.get("AWS_ACCESS_KEY_ID"), "SECRET": env.get("AWS_SECRET_ACCESS_KEY"),
               "REGION": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")}
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        url = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options |= {"ENDPOINT": url.netloc, "URL_STYLE": "path", "USE_SSL": str(url.scheme == "https").lower()}
    body = ", ".join(f"{k} {v if k == 'USE_SSL' else sql_string(v)}" for k, v in options.items() if v)
    con.execute(f"CREATE OR REPLACE SECRET caravan_s3 (TYPE s3{', ' + body if body else ''})")


def _connect_lake(target: str, data_path: str | None, read_only: bool) -> duckdb.DuckDBPyConnection:
    dsn = target.removeprefix(LAKE_PREFIX).removeprefix("postgres:")
    con = duckdb.connect()  # the engine only: the tables are in the lake
    try:
        load_extensions(con, *_LAKE_EXTENSIONS)
        if data_path and data_path.startswith("s3://"):
            _s3_secret(con)
        options = [f"DATA_PATH {sql_string(data_path)}"] if data_path else []
        if read_only:
            options.append("READ_ONLY")
        attach = f"ATTACH {sql_string(target)} AS lake" + (f" ({', '.join(options)})" if options else "")
        for attempt in range(5):
            try:
                con.execute(attach)
                break
            except duckdb.Error as exc:
                # Two processes attaching a new lake at once both create its catalog tables; the loser
                # finds them made on its next attempt.
                if "initialize DuckLake" in str(exc) and attempt < 4:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                raise WarehouseUnreachable(f"DuckLake catalog (PostgreSQL: {_redacted(dsn)}) unreachable: {exc}") from exc
        con.execute("USE lake")
        if data_path and not read_only:
            try:  # fail now, naming the store, rather than halfway through the first write
                con.execute("SELECT count(*) FROM glob(?)", [data_path.rstrip("/") + "/*"]).fetchone()
            except duckdb.Error as exc:
                raise WarehouseUnreachable(f"DuckLake data path {data_path} (object store "
                                           f"{os.environ.get('AWS_ENDPOINT_URL', 'AWS S3')}) unreachable: {exc}") from exc
        return con
    except BaseException:
        con.close()
        raise


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    schema = table.arrow_schema()
    return pa.Table.from_pylist([{c: row.get(c) for c in table.column_names} for row in rows], schema=schema)


def insert_rows(con: duckdb.DuckDBPyConnection, table: Table, data: pa.Table, into: str | None = None,
                order: str | None = None) -> None:
    """Insert ``data`` (``table``'s columns) into ``table`` (or the table ``into`` of the same columns), in the
    caller's transaction; ``order``: an ORDER BY list for the insert."""
    if not data.num_rows:
        return
    con.register("_incoming", data.select(table.column_names).cast(table.arrow_schema()))
    con.execute(f'INSERT INTO "{into or table.name}" SELECT * FROM _incoming' + (f" ORDER BY {order}" if order else ""))
    con.unregister("_incoming")


def replace_table(con: duckdb.DuckDBPyConnection, table: Table, data: pa.Table) -> int:
    """Replace ``table`` with ``data`` in one transaction: readers see the old or the new table, never half."""
    return replace_table_batches(con, table, [data])


def replace_table_batches(con: duckdb.DuckDBPyConnection, table: Table, batches: Iterable[pa.Table]) -> int:
    """Replace ``table`` with the rows of ``batches`` (consumed one at a time): readers see the old or the new
    table, never half. The rows go into a side table, a batch per transaction (DuckDB holds a transaction's new
    rows in memory until it commits), which then takes the table's place in one transaction."""
    side = f"_filling_{table.name}"
    con.execute(f'DROP TABLE IF EXISTS "{side}"')  # left by a run that stopped while filling it
    con.execute(table.ddl(side))
    rows = 0
    for data in batches:
        in_transaction(con, partial(insert_rows, con, table, data, into=side, order=table.order_by()))
        rows += data.num_rows

    def swap() -> None:
        con.execute(f'DROP TABLE IF EXISTS "{table.name}"')
        con.execute(f'ALTER TABLE "{side}" RENAME TO "{table.name}"')
        for stmt in table.comment_statements():
            con.execute(stmt)
    in_transaction(con, swap)
    return rows


def replace_table_from_query(con: duckdb.DuckDBPyConnection, table: Table, query: str) -> int:
    """Replace ``table`` with the rows of ``query`` (the table's columns, in order) in one transaction, sorted as
    the table is: the rows never pass through Python."""
    def fill(order: str) -> int:
        con.execute(f'INSERT INTO "{table.name}" SELECT * FROM ({query}) ORDER BY {order}')
        return con.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
    return _replaced(con, table, fill)


def sync_table_from_query(con: duckdb.DuckDBPyConnection, table: Table, query: str) -> int:
    """Make ``table`` hold the rows of ``query`` (the table's columns, in order) as ``replace_table_from_query``
    does, writing only the rows that differ, in one transaction: stored rows whose key and row are not among the
    query's go, and the query's rows whose key and row are not stored come in (sorted as the table is, after the
    rows kept). Rows compare by key and by DuckDB's 64-bit hash of the whole row. A table missing, of other
    columns or descriptions, or whose rows mostly change is replaced whole. Returns the rows deleted and inserted."""
    if not _same_table(con, table):
        return replace_table_from_query(con, table, query)

    def apply() -> int | None:
        key = sql_identifier(table.primary_key)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _sync_changed AS
            SELECT n.k AS fresh, o.k AS stale
            FROM (SELECT q.{key} AS k, {_row_hash(table, 'q', cast=True)} AS h FROM ({query}) q) n
            FULL JOIN (SELECT t.{key} AS k, {_row_hash(table, 't')} AS h FROM {sql_identifier(table.name)} t) o
              ON n.k = o.k AND n.h = o.h
            WHERE n.k IS NULL OR o.k IS NULL""")
        fresh, stale = con.execute("SELECT count(fresh), count(stale) FROM _sync_changed").fetchone()
        kept = con.execute(f"SELECT count(*) FROM {sql_identifier(table.name)}").fetchone()[0] - stale
        if fresh > kept:
            return None  # written anew: a table in order, without the deleted rows
        if stale:
            con.execute(f"DELETE FROM {sql_identifier(table.name)} WHERE {key} IN (SELECT stale FROM _sync_changed)")
        if fresh:
            con.execute(f"INSERT INTO {sql_identifier(table.name)} SELECT * FROM ({query}) q "
                        f"WHERE q.{key} IN (SELECT fresh FROM _sync_changed) ORDER BY {table.order_by('q')}")
        return fresh + stale
    try:
        written = in_transaction(con, apply)
    finally:
        con.execute("DROP TABLE IF EXISTS _sync_changed")
    return replace_table_from_query(con, table, query) if written is None else written


def _stored_shape(con: duckdb.DuckDBPyConnection, name: str) -> tuple[list[tuple], list[tuple]]:
    """The stored table's comment (in a list of one row), and its columns: name, type, nullable, comment."""
    here = "table_catalog = current_database() AND table_schema = current_schema() AND table_name = ?"
    described = con.execute(f"SELECT TABLE_COMMENT FROM information_schema.tables WHERE {here}", [name]).fetchall()
    stored = con.execute("SELECT column_name, data_type, is_nullable = 'YES', COLUMN_COMMENT FROM "
                         f"information_schema.columns WHERE {here} ORDER BY ordinal_position", [name]).fetchall()
    return described, stored


def _same_table(con: duckdb.DuckDBPyConnection, table: Table) -> bool:
    """Whether the stored ``table`` has the spec's columns, types, NOT NULLs and descriptions."""
    described, stored = _stored_shape(con, table.name)
    return described == [(table.description,)] and stored == [(c.name, c.type, not c.required, c.description)
                                                                for c in table.columns]


def _row_hash(table: Table, alias: str, cast: bool = False, columns: Iterable[Column] | None = None) -> str:
    """DuckDB's hash of a row of ``table``'s columns, or of ``columns`` (cast to their types when ``cast``); 0.0 and
    -0.0 hash alike, so the sign of a DOUBLE is hashed too."""
    values = []
    for c in table.columns if columns is None else columns:
        value = f"CAST({alias}.{sql_identifier(c.name)} AS {c.type})" if cast else f"{alias}.{sql_identifier(c.name)}"
        values += [value, f"signbit({value})"] if c.type == "DOUBLE" else [value]
    return f"hash({', '.join(values)})"


def _replaced(con: duckdb.DuckDBPyConnection, table: Table, fill: Callable[[str], int]) -> int:
    """``table`` made anew and filled by ``fill`` (given the table's ORDER BY list; it returns the rows) in one
    transaction: readers see the old or the new table, never half."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'DROP TABLE IF EXISTS "{table.name}"')
        con.execute(table.ddl())
        rows = fill(table.order_by())
        for stmt in table.comment_statements():
            con.execute(stmt)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return rows


def replace_articles_rows(con: duckdb.DuckDBPyConnection, table: Table, article_ids: list[str], data: pa.Table) -> None:
    """Drop the rows of ``article_ids`` from ``table`` and insert ``data``, in the caller's transaction."""
    ensure_table(con, table)
    if article_ids:
        con.execute(f'DELETE FROM "{table.name}" WHERE article_id IN (SELECT unnest(?::VARCHAR[]))', [list(article_ids)])
    insert_rows(con, table, data)


def read_table(con: duckdb.DuckDBPyConnection, name: str, published_only: bool = False) -> pa.Table:
    table = ALL_TABLES[name]
    cols = table.published_columns() if published_only else list(table.columns)
    select = ", ".join(f'"{c.name}"' for c in cols)
    return con.sql(f'SELECT {select} FROM "{name}" ORDER BY {table.order_by()}').to_arrow_table().cast(table.arrow_schema(published_only))


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def first_seen(con: duckdb.DuckDBPyConnection, sha256s: list[str] | None = None) -> dict[str, datetime]:
    """sha256 → when this warehouse first ingested that text (of the texts ``sha256s`` only, when given)."""
    if not has_table(con, "articles"):
        return {}
    if sha256s is None:
        return dict(con.execute("SELECT sha256, ingested_at FROM articles").fetchall())
    return dict(con.execute("SELECT sha256, ingested_at FROM articles WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                            [list(sha256s)]).fetchall())


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


def reader_version(max_bytes: int, near_duplicate: float) -> str:
    """What a stored file state was read with, and the kept articles decided with: the corpus reading code and that
    of ingesting what changed, the articles table's columns, the size limit and the near-duplicate threshold."""
    code = Path(corpus_module.__file__).read_bytes() + Path(changes_module.__file__).read_bytes()
    return hashlib.sha256(code + ARTICLES.ddl().encode() + str(max_bytes).encode()
                          + repr(float(near_duplicate)).encode()).hexdigest()[:16]


def has_file_states(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether the last ingest left the state of the files it read, every one read as ``version`` reads them, beside
    the articles it kept and their signatures: then only what changed since is read."""
    if not all(has_table(con, t.name) for t in (CORPUS_FILES, ARTICLES, ARTICLE_SIGNATURES)):
        return False
    same, other = con.execute(f"SELECT count(*) FILTER (WHERE reader_version = ?), "
                              f"count(*) FILTER (WHERE reader_version <> ?) FROM {CORPUS_FILES.name}",
                              [version, version]).fetchone()
    return same > 0 and other == 0


def file_state_rows(states: dict[str, FileState], version: str) -> pa.Table:
    names = sorted(states)
    return pa.table({"source_path": names, "fingerprint": [states[p].fingerprint for p in names],
                     "article_id": [states[p].article_id for p in names], "sha256": [states[p].sha256 for p in names],
                     "copy_rank": [json.dumps(list(states[p].rank)) for p in names],
                     "reader_version": [version] * len(names)}).cast(CORPUS_FILES.arrow_schema())


def files_to_read(con: duckdb.DuckDBPyConnection, prints: dict[str, str | None]) -> list[str]:
    """The names of ``prints`` (the corpus's files → their fingerprints) an ingest reads: all but the files untouched
    since the last ingest (same fingerprint) whose article it kept. Those are left in the temporary table
    ``_unchanged_articles`` (source_path), for the functions below."""
    listing = pa.table({"name": pa.array(list(prints), pa.string()),
                        "fingerprint": pa.array(list(prints.values()), pa.string())})
    with _registered(con, _corpus_prints=listing):
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _unchanged_articles AS
            SELECT f.source_path
            FROM _corpus_prints l
            JOIN {CORPUS_FILES.name} f ON f.source_path = l.name AND f.fingerprint = l.fingerprint
            JOIN articles a ON a.source_path = f.source_path AND a.article_id = f.article_id AND a.sha256 = f.sha256
            WHERE f.sha256 IN (SELECT sha256 FROM {ARTICLE_SIGNATURES.name})""")
        unread = con.execute("SELECT name FROM _corpus_prints WHERE name NOT IN "
                             "(SELECT source_path FROM _unchanged_articles) ORDER BY name").fetchall()
    return [name for (name,) in unread]


def last_signatures(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, bytes]:
    """sha256 → signature of the texts the files ``names`` had at the last ingest, where they are stored: a file
    written again with the same text, or set aside as a copy, is not hashed again."""
    with _registered(con, _names=pa.table({"source_path": pa.array(names, pa.string())})):
        return dict(con.execute(f"SELECT DISTINCT s.sha256, s.signature FROM {CORPUS_FILES.name} f JOIN "
                                f"{ARTICLE_SIGNATURES.name} s USING (sha256) WHERE f.source_path IN "
                                "(SELECT source_path FROM _names)").fetchall())


def unchanged_neighbours(con: duckdb.DuckDBPyConnection, keys: NeighbourKeys) -> list[Candidate]:
    """The unchanged articles (``files_to_read``) that share an article id, a text or a signature band with ``keys``,
    with their stored rank and signature."""
    # The keys as tables rather than list parameters: a list parameter is planned as a constant, slowly when long.
    key_tables = {"_neighbour_ids": pa.table({"v": pa.array(keys.article_ids, pa.string())}),
                  "_neighbour_texts": pa.table({"v": pa.array(keys.sha256s, pa.string())}),
                  **{f"_neighbour_band{i}": pa.table({"v": pa.array(band, pa.binary())})
                     for i, band in enumerate(keys.bands)}}
    bands = " OR ".join(f"s.signature[{start + 1}:{end}] IN (SELECT v FROM _neighbour_band{i})"
                        for i, (start, end) in enumerate(keys.band_ranges))
    with _registered(con, **key_tables):
        rows = con.execute(f"""SELECT f.source_path, f.copy_rank, f.article_id, f.sha256, s.signature
            FROM {CORPUS_FILES.name} f JOIN {ARTICLE_SIGNATURES.name} s USING (sha256)
            WHERE (f.article_id IN (SELECT v FROM _neighbour_ids) OR f.sha256 IN (SELECT v FROM _neighbour_texts)
                   OR {bands})
              AND f.source_path IN (SELECT source_path FROM _unchanged_articles)
            ORDER BY f.source_path""").fetchall()
    return [Candidate(name, tuple(json.loads(rank)), article_id, sha256, signature)
            for name, rank, article_id, sha256, signature in rows]


def stage_articles(con: duckdb.DuckDBPyConnection, batches: Iterable[pa.Table]) -> None:
    """The rows of ``batches`` (articles read anew, ``ARTICLES``' columns) in the temporary table ``_read_articles``,
    a batch at a time, until ``update_ingest`` takes those kept."""
    con.execute("CREATE OR REPLACE TEMP TABLE _read_articles AS SELECT * FROM articles LIMIT 0")
    for data in batches:
        insert_rows(con, ARTICLES, data, into="_read_articles")


def update_ingest(con: duckdb.DuckDBPyConnection, kept: list[Candidate], set_aside: list[str],
                  states: pa.Table) -> None:
    """The ingest's tables as it found the corpus, in one transaction: the articles of the unchanged files stay, but
    those ``set_aside``; the staged articles (``stage_articles``) of ``kept`` join them, with their signatures; the
    file states are those of the unchanged files and ``states`` (of the files read). Every other row goes."""
    kept_files = pa.table({"source_path": pa.array([c.name for c in kept], pa.string()),
                           "sha256": pa.array([c.sha256 for c in kept], pa.string()),
                           "signature": pa.array([c.signature for c in kept], pa.binary())})

    def update() -> None:
        con.execute("DELETE FROM articles WHERE source_path NOT IN (SELECT source_path FROM _unchanged_articles) "
                    "OR source_path IN (SELECT source_path FROM _set_aside_files)")
        con.execute("INSERT INTO articles SELECT * FROM _read_articles WHERE source_path IN "
                    "(SELECT source_path FROM _kept_files) ORDER BY article_id")
        con.execute(f"DELETE FROM {CORPUS_FILES.name} WHERE source_path NOT IN "
                    "(SELECT source_path FROM _unchanged_articles)")
        insert_rows(con, CORPUS_FILES, states, order=CORPUS_FILES.order_by())
        # Kept for the texts still in the corpus only, so the table does not grow with every edit.
        con.execute(f"DELETE FROM {ARTICLE_SIGNATURES.name} WHERE sha256 NOT IN (SELECT sha256 FROM articles)")
        con.execute(f"INSERT INTO {ARTICLE_SIGNATURES.name} SELECT sha256, signature FROM _kept_files "
                    f"WHERE sha256 NOT IN (SELECT sha256 FROM {ARTICLE_SIGNATURES.name}) ORDER BY sha256")

    set_aside_files = pa.table({"source_path": pa.array(set_aside, pa.string())})
    with _registered(con, _kept_files=kept_files, _set_aside_files=set_aside_files):
        in_transaction(con, update)
    con.execute("DROP TABLE _read_articles")


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """``tables`` readable by their names in ``con``'s queries, for the time of the block."""
    for name, data in tables.items():
        con.register(name, data)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


def mentions_by_type(con: duckdb.DuckDBPyConnection, synthetic: bool) -> Iterator[list[dict]]:
    """The incident mentions of the real (or synthetic) articles, one type at a time, as rows, read as asked for."""
    table = ALL_TABLES["stg_incident_mentions"]
    where = "article_id IN (SELECT article_id FROM articles WHERE synthetic = ?)"
    types = [t for (t,) in con.execute(f'SELECT DISTINCT type FROM "{table.name}" WHERE {where} ORDER BY type NULLS LAST',
                                       [synthetic]).fetchall()]
    for type_ in types:
        yield con.execute(f'SELECT * FROM "{table.name}" WHERE {where} AND type IS NOT DISTINCT FROM ? '
                          f'ORDER BY {table.order_by()}',
                          [synthetic, type_]).to_arrow_table().cast(table.arrow_schema()).to_pylist()


def _filters_articles(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the rows of ``name`` must be filtered by their article: not when the warehouse holds no synthetic
    test article, whose records alone are left out (the filter is a join, in the query of every part of a table)."""
    return "article_id" in TABLES[name].column_names and con.execute(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE synthetic)").fetchone()[0]


def _publishable_sql(name: str, filtered: bool, part: str = "", ordered: bool = True, extra: str = "") -> str:
    """The published rows of ``name`` in order (those whose first sort column meets ``part``, when given), with
    the column ``extra`` (an expression over the row ``t`` and its name) after the table's, when given; the
    records of synthetic articles are left out, by a join, when ``filtered`` (see ``_filters_articles``)."""
    table = TABLES[name]
    cols = ", ".join([f't."{c.name}"' for c in table.published_columns()] + ([extra] if extra else []))
    where = [f't."{table.sort_by[0]}" {part}'] if part else []
    if filtered:
        where.append("t.article_id NOT IN (SELECT article_id FROM articles WHERE synthetic)")
    order = f' ORDER BY {table.order_by("t")}' if ordered else ""
    return f'SELECT {cols} FROM "{name}" t {"WHERE " + " AND ".join(where) if where else ""}{order}'


def publishable_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """How many rows of ``name`` are published."""
    rows = _publishable_sql(name, _filters_articles(con, name), ordered=False)
    return con.execute(f"SELECT count(*) FROM ({rows}) p").fetchone()[0]


def publishable_digest(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, int]:
    """How many rows of ``name`` are published, and the sum of DuckDB's hash of each: equal for the same rows
    (cheap, with no sort: the published order follows from the rows, as every table is sorted by its key).
    ``stream_publishable(..., hashed=True)`` gives each row's hash as it streams the rows (see ``hashes_total``)."""
    row = _row_hash(TABLES[name], "p", columns=TABLES[name].published_columns())
    rows = _publishable_sql(name, _filters_articles(con, name), ordered=False)
    count, total = con.execute(f"SELECT count(*), coalesce(sum({row}::HUGEINT), 0) FROM ({rows}) p").fetchone()
    return int(count), int(total)


# The column of each row's hash in a stream of ``stream_publishable(..., hashed=True)``.
ROW_HASH = "_row_hash"
_LOW_BITS = pa.scalar(2**32 - 1, pa.uint64())


def hashes_total(batch: pa.RecordBatch) -> int:
    """The exact sum of the row hashes of ``batch`` (UBIGINTs, whose sum as such would wrap), summed in two
    halves of 32 bits: ``publishable_digest``'s sum for the rows of a stream, batch by batch."""
    hashes = batch.column(ROW_HASH)
    high = pc.sum(pc.shift_right(hashes, pa.scalar(32, pa.uint64()))).as_py() or 0
    low = pc.sum(pc.bit_wise_and(hashes, _LOW_BITS)).as_py() or 0
    return (high << 32) + low


def read_publishable(con: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    """A table as it may be published: without synthetic test articles and their records."""
    rows = _publishable_sql(name, _filters_articles(con, name))
    return con.sql(rows).to_arrow_table().cast(TABLES[name].arrow_schema(published_only=True))


# Rows of a table sorted at a time when it is streamed: sorting a whole table (article texts and all) takes memory in
# proportion to the corpus, and fails once that passes DuckDB's memory limit.
PART_ROWS = 50_000


def stream_publishable(con: duckdb.DuckDBPyConnection, name: str, rows: int = 8192,
                       part_rows: int = PART_ROWS, hashed: bool = False) -> pa.RecordBatchReader:
    """``read_publishable`` as a stream of record batches of about ``rows`` rows, read as they are asked for; when
    ``hashed``, with a last column ``ROW_HASH``, each row's hash as ``publishable_digest`` sums them.

    The table is read in parts of about ``part_rows`` rows, each a range of its first sort column (a column every
    row has) sorted by itself: in range order, the parts are the table in order."""
    table = TABLES[name]
    first = table.sort_by[0]
    extra = f"{_row_hash(table, 't', columns=table.published_columns())} AS {ROW_HASH}" if hashed else ""
    sql = partial(_publishable_sql, name, _filters_articles(con, name), extra=extra)
    if not next(c for c in table.columns if c.name == first).required:
        return con.sql(sql()).to_arrow_reader(rows)
    # Every part_rows-th value of the first sort column: where each part starts.
    starts = [v for (v,) in con.execute(
        f'SELECT DISTINCT v FROM (SELECT t."{first}" AS v, row_number() OVER (ORDER BY t."{first}") - 1 AS i '
        f'FROM "{name}" t) WHERE i % {int(part_rows)} = 0 ORDER BY v').fetchall()]
    if len(starts) <= 1:
        return con.sql(sql()).to_arrow_reader(rows)

    def part(i: int) -> pa.RecordBatchReader:
        if i + 1 == len(starts):
            return con.execute(sql(">= ?"), [starts[i]]).to_arrow_reader(rows)
        return con.execute(sql(f'>= ? AND t."{first}" < ?'), [starts[i], starts[i + 1]]).to_arrow_reader(rows)

    head = part(0)
    # Each part's query only once the one before is read: a connection streams one result at a time.
    return pa.RecordBatchReader.from_batches(head.schema, chain(head, chain.from_iterable(
        part(i) for i in range(1, len(starts)))))


def own_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` in its catalog and schema, for a stream of its own (a connection streams one result at
    a time). A plain cursor starts in the database's default catalog, not in the one ``con`` uses, a DuckLake's."""
    catalog, schema = con.sql("SELECT current_database(), current_schema()").fetchone()
    cursor = con.cursor()
    cursor.execute(f"USE {sql_identifier(catalog)}.{sql_identifier(schema)}")
    return cursor


def sql_identifier(name: str) -> str:
    """``name`` quoted as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def load_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str] | None = None) -> list[Article]:
    """Articles of the warehouse (those of ``article_ids`` only, when given), by article id."""
    fields = ", ".join(Article.__dataclass_fields__)
    if article_ids is None:
        cur = con.execute(f"SELECT {fields} FROM articles ORDER BY article_id")
    else:
        cur = con.execute(f"SELECT {fields} FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[])) "
                          "ORDER BY article_id", [list(article_ids)])
    return [Article(*row) for row in cur.fetchall()]


def ensure_table(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Create ``table`` with its comments unless it exists. One that exists with the spec's columns gets the spec's
    comments when they have changed (its rows stay): whoever queries the warehouse reads the descriptions of today."""
    if not has_table(con, table.name):
        con.execute(table.ddl())
    else:
        described, stored = _stored_shape(con, table.name)
        if [column[0] for column in stored] != table.column_names:
            return  # other columns: its owner makes it anew
        if described == [(table.description,)] and [column[3] for column in stored] == [c.description
                                                                                       for c in table.columns]:
            return  # the comments of the spec
    for stmt in table.comment_statements():
        con.execute(stmt)


def in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], T], attempts: int = 5) -> T:
    """``work()`` in one transaction: all of it is committed, or none of it.

    Writers of one DuckLake commit optimistically: a commit that conflicts with another writer's (say, both
    deleted rows of one table) fails, and is run again from the start, a few times, with a growing pause."""
    for attempt in range(attempts):
        con.execute("BEGIN TRANSACTION")
        try:
            result = work()
            con.execute("COMMIT")
            return result
        except BaseException as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed commit has ended the transaction already
            conflict = isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()
            if not conflict or attempt == attempts - 1:
                raise
            time.sleep(0.2 * 2 ** attempt)
    raise AssertionError("unreachable")
