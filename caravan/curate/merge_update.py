"""The machine merge of the incident mentions on what changed: equal to a merge of them all, at the cost of the changes.

The last merge is kept in the warehouse (``stg_merged_incidents``, ``stg_merged_sources``), each mention with a
fingerprint: DuckDB's 64-bit hash, in SQL, of its row, its article's publication date and synthetic flag, and the
versions of the merging and extraction code (a new version, or a DuckDB whose hash differs, changes every
fingerprint, so nothing is reused; md5 of the row as JSON took four times as long). A mention is
changed when its fingerprint is new, gone or different. Mentions of real and synthetic articles never merge, nor
mentions of different types or countries: each (synthetic, type, country) group merges alone, and a group
without a change keeps its events as they are. A group with one is replayed by ``incident_merge.remerge`` from
light columns only (what the merge decides by), read in the order it takes them (mentions by publication, stored
sources by event and rank), re-deciding only the mentions a change may reach; the events whose members changed are
built anew from their members' full rows, and every other event's stored rows stay. A mention before a group's first
change in the merge's order (by publication) meets no change, so it decides as it did: a group is replayed on its
tail, the mentions from that change on, with the stored events they may reach (those filed where a mention of the
tail looks, ``incident_merge.filed_where_looked_up``, and those holding a mention of the tail or a gone one), when
the tail is at most ``TAIL_SHARE`` of it. A scheduled run's news are such a tail, with the reports of the last runs
that share their month or year when some are dated only so (a month comes before its days).

Both tables come back in the order of ``merge_incidents_in_parts``, real articles' events first: by the first
report's publication date (unknown last), article, offset and id, and sources by event, then rank in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from caravan.common.ids import files_digest, sha256_text
from caravan.curate.incident_merge import SOURCE_COLUMNS, PreviousMerge, Remerge, filed_where_looked_up, remerge
from caravan.extract.plan import extractor_version
from caravan.store.tables import (INCIDENT_SOURCES, INCIDENTS, MERGED_INCIDENTS, MERGED_SOURCES, ORIGIN,
                                  STG_INCIDENT_MENTIONS, Table, shapes)
from caravan.store.warehouse import ensure_table, has_table, in_transaction, insert_rows, to_arrow

_PACKAGE = Path(__file__).resolve().parents[1]
# The code whose change can change any merged event (besides the extractors', whose version is folded in too).
_MERGE_SOURCES = ("curate/incident_merge.py", "curate/merge_update.py", "store/vocabularies.py")


@lru_cache(maxsize=1)
def merge_version() -> str:
    code = files_digest((name, _PACKAGE / name) for name in _MERGE_SOURCES)
    tables = shapes(INCIDENTS, INCIDENT_SOURCES, MERGED_INCIDENTS, MERGED_SOURCES, STG_INCIDENT_MENTIONS)
    return sha256_text(code + tables + extractor_version())[:16]


# Every mention the merge takes (those of articles known to be real or synthetic), with the columns its
# decisions read, and its fingerprint.
_NOW_SQL = """
    CREATE OR REPLACE TEMP TABLE _merge_now AS
    SELECT m.record_id, m.type, m.country, a.synthetic, nullif(a.published, '') AS published, m.article_id,
           m.char_start, m.char_end, m.city, m.region, m.geonames_id, m.date,
           hash(m, a.published, a.synthetic, ?::VARCHAR)::VARCHAR AS fingerprint
    FROM stg_incident_mentions m JOIN articles a USING (article_id) WHERE a.synthetic IS NOT NULL"""

# The mentions new, gone or changed (a changed one twice: as it is and as it was), by group and publication, and the
# groups holding one.
_CHANGED_GROUPS_SQL = """
    CREATE OR REPLACE TEMP TABLE _merge_changes AS
    SELECT n.synthetic, n.type, n.country, n.published FROM _merge_now n WHERE NOT EXISTS (
        SELECT 1 FROM stg_merged_sources s WHERE s.source_id = n.record_id AND s.fingerprint = n.fingerprint)
    UNION ALL
    SELECT s.synthetic, s.type, s.country, s.published FROM stg_merged_sources s WHERE NOT EXISTS (
        SELECT 1 FROM _merge_now n WHERE n.record_id = s.source_id AND n.fingerprint = s.fingerprint);
    CREATE OR REPLACE TEMP TABLE _merge_groups AS SELECT DISTINCT synthetic, type, country FROM _merge_changes"""

# Each changed group's first change in the merge's order, by publication: the earliest publication date of a mention
# new, gone or changed (null when every change is undated, which comes last). Groups keyed by a null type or country
# (never merged) are left out: they are replayed whole.
_FROM_SQL = """
    CREATE OR REPLACE TEMP TABLE _merge_from AS
    SELECT synthetic, type, country, min(published) AS first FROM _merge_changes
    WHERE type IS NOT NULL AND country IS NOT NULL GROUP BY ALL"""
# A row published from its group's first change on (the unknown dates, last, always): "{0}" is its alias.
_FROM_FIRST = "({0}.published IS NULL OR {0}.published >= f.first)"
# The groups whose tail (their mentions from the first change on) holds at most a share (?) of their mentions, and
# the tails of those groups: the groups replayed on their tail and what it may reach.
_TAIL_SQL = (f"""
    CREATE OR REPLACE TEMP TABLE _merge_from AS
    SELECT f.* FROM _merge_from f JOIN _merge_now n USING (synthetic, type, country) GROUP BY ALL
    HAVING count(*) FILTER (WHERE {_FROM_FIRST.format("n")}) <= ? * count(*)""", f"""
    CREATE OR REPLACE TEMP TABLE _merge_tail AS
    SELECT n.* FROM _merge_now n JOIN _merge_from f USING (synthetic, type, country) WHERE {_FROM_FIRST.format("n")}""")
# What the replays of those groups read, gathered once: the stored members of every event with a member filed where
# some mention of a tail looks (``_merge_reach``: the group, and a day, month or year as ``filed_where_looked_up``
# gives them) or with a stored member from the first change on (the tail's own events, and those of the mentions
# gone or changed), and the light and full rows of those members and of the tails.
_NEAR_SQL = f"""
    CREATE OR REPLACE TEMP TABLE _merge_near_sources AS
    SELECT s.* FROM stg_merged_sources s WHERE s.incident_id IN (
        SELECT m.incident_id FROM stg_merged_sources m JOIN _merge_reach r ON m.synthetic = r.synthetic
            AND m.type = r.type AND m.country = r.country AND r.kind = 'day' AND m.date = r.value
        UNION ALL
        SELECT m.incident_id FROM stg_merged_sources m JOIN _merge_reach r ON m.synthetic = r.synthetic
            AND m.type = r.type AND m.country = r.country AND r.kind = 'month' AND substr(m.date, 1, 7) = r.value
        UNION ALL
        SELECT m.incident_id FROM stg_merged_sources m JOIN _merge_reach r ON m.synthetic = r.synthetic
            AND m.type = r.type AND m.country = r.country AND r.kind = 'year' AND substr(m.date, 1, 4) = r.value
        UNION ALL
        SELECT m.incident_id FROM stg_merged_sources m JOIN _merge_from f USING (synthetic, type, country)
        WHERE {_FROM_FIRST.format("m")});
    CREATE OR REPLACE TEMP TABLE _merge_near_now AS
    SELECT n.* FROM _merge_now n WHERE n.record_id IN (SELECT source_id FROM _merge_near_sources)
        OR n.record_id IN (SELECT record_id FROM _merge_tail);
    CREATE OR REPLACE TEMP TABLE _merge_near_full AS
    SELECT m.* FROM stg_incident_mentions m WHERE m.record_id IN (SELECT record_id FROM _merge_near_now)"""
# A group is replayed on its tail when the tail holds at most this share of its mentions; else whole, which reads
# no more and gathers nothing (a backfill's reports, published over the archive's years, reach most of it).
TAIL_SHARE = 0.5
_REACH = pa.schema([("synthetic", pa.bool_()), ("type", pa.string()), ("country", pa.string()), ("kind", pa.string()),
                    ("value", pa.string())])
_WHOLE = ("_merge_now", "stg_merged_sources", "stg_incident_mentions")  # what a group's replay reads from
_NEAR = ("_merge_near_now", "_merge_near_sources", "_merge_near_full")  # ... and a group replayed on its tail
_LIGHT_COLUMNS = ("record_id", "type", "country", "synthetic", "published", "article_id", "char_start", "char_end",
                  "city", "region", "geonames_id", "date", "fingerprint")
_STORED_COLUMNS = ("source_id", "incident_id", "published", "article_id", "char_start", "date", "city", "fingerprint")
_IN_GROUP = "{0}.synthetic = ? AND {0}.type IS NOT DISTINCT FROM ? AND {0}.country IS NOT DISTINCT FROM ?"
# Rows come in the order the replay sorts them in (mentions by _sort_key, stored sources by event and rank), so that
# its sorts find them sorted.
_MENTION_ORDER = "t.published NULLS LAST, t.article_id, t.char_start, t.record_id"
_SOURCE_ORDER = "t.incident_id, t.member"
_BATCH = 10_000  # rows fetched at a time from a stream
# The members of the rebuilt events, whose source rows are made in the warehouse from their mentions' rows, all groups
# at once.
_MEMBERS = pa.schema([("source_id", pa.string()), ("incident_id", pa.string()), ("member", pa.int64())])
_REBUILT_SOURCES_SQL = f"""
    INSERT INTO _merge_sources BY NAME
    SELECT r.source_id, r.incident_id, {", ".join(f"m.{c}" for c in SOURCE_COLUMNS[2:])}, r.member, m.type,
           n.synthetic, n.published, n.fingerprint
    FROM _merge_members r JOIN stg_incident_mentions m ON m.record_id = r.source_id
    JOIN _merge_now n ON n.record_id = r.source_id"""
_EVENT_ORDER = "i.synthetic, i.published NULLS LAST, i.article_id, i.char_start, i.incident_id"


@dataclass(frozen=True)
class MergeUpdate:
    changed_mentions: int  # new, gone or changed since the last merge
    redecided: int  # mentions whose event was searched for again
    rebuilt: int  # events written anew
    read: int = 0  # mentions the replays read (for a scheduled run's news, those near the news only)


def update_merge(con: duckdb.DuckDBPyConnection) -> MergeUpdate:
    """The stored machine merge of every incident mention brought up to date with the mentions and articles of the
    warehouse: what changed. The merge itself is read with ``merged_queries`` (or ``merged_tables``)."""
    _ensure_state(con)
    con.execute(_NOW_SQL, [merge_version()])
    duplicate = con.execute("SELECT record_id FROM _merge_now GROUP BY record_id HAVING count(*) > 1 "
                            "LIMIT 1").fetchone()
    if duplicate:  # record_id becomes incident_sources.source_id, its key
        raise ValueError(f"incident record_id {duplicate[0]!r} appears twice")
    con.execute(_CHANGED_GROUPS_SQL)
    groups = con.execute("SELECT synthetic, type, country FROM _merge_groups").fetchall()
    tailed = _gather_near(con)
    # One group in Python at a time, its rebuilt rows set aside in the warehouse: memory holds the largest group,
    # not every mention.
    for table, temp in ((MERGED_INCIDENTS, "_merge_events"), (MERGED_SOURCES, "_merge_sources")):
        con.execute(f'CREATE OR REPLACE TEMP TABLE {temp} AS SELECT * FROM "{table.name}" LIMIT 0')
    con.execute("CREATE OR REPLACE TEMP TABLE _merge_members (source_id VARCHAR, incident_id VARCHAR, member BIGINT)")
    changed = redecided = rebuilt = read = 0
    dropped: set[str] = set()
    for group in sorted(groups, key=lambda g: (g[0], g[1] or "", g[2] or "")):
        update, changed_events = _replay_group(con, group, _NEAR if group in tailed else _WHOLE)
        changed, redecided = changed + update.changed_mentions, redecided + update.redecided
        rebuilt, read = rebuilt + update.rebuilt, read + update.read
        dropped.update(changed_events)
    con.execute(_REBUILT_SOURCES_SQL)
    con.execute("DROP TABLE _merge_now; DROP TABLE _merge_changes; DROP TABLE _merge_groups; DROP TABLE _merge_members")
    for name in ("_merge_from", "_merge_tail", *_NEAR):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    if groups:
        in_transaction(con, lambda: _store(con, sorted(dropped)))
    con.execute("DROP TABLE _merge_events; DROP TABLE _merge_sources")
    return MergeUpdate(changed_mentions=changed, redecided=redecided, rebuilt=rebuilt, read=read)


def _gather_near(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    """The groups replayed on their tail, the rows to replay gathered in the ``_NEAR`` tables."""
    con.execute(_FROM_SQL)
    share, tail = _TAIL_SQL
    con.execute(share, [TAIL_SHARE])
    con.execute(tail)
    reach: dict[tuple, set[tuple[str, str]]] = {
        group: set() for group in con.execute("SELECT synthetic, type, country FROM _merge_from").fetchall()}
    if not reach:
        return set()
    for synthetic, type_, country, date in con.execute(
            "SELECT DISTINCT synthetic, type, country, date FROM _merge_tail").fetchall():
        days, months, years = filed_where_looked_up(type_, [date])
        reach[(synthetic, type_, country)].update(
            [("day", d) for d in days] + [("month", m) for m in months] + [("year", y) for y in years])
    rows = sorted((*group, kind, value) for group, values in reach.items() for kind, value in values)
    con.register("_merge_reach", pa.Table.from_pylist([dict(zip(_REACH.names, r)) for r in rows], schema=_REACH))
    con.execute(_NEAR_SQL)
    con.unregister("_merge_reach")
    return set(reach)


def _replay_group(con: duckdb.DuckDBPyConnection, group: tuple, tables: tuple[str, str, str]
                  ) -> tuple[MergeUpdate, set[str]]:
    """The merge of ``group`` replayed, its rebuilt rows set aside in ``_merge_events`` and ``_merge_sources``: what
    changed, and the ids of the events whose stored rows go. The group's rows in Python go when it returns.

    ``tables`` holds its mentions, its stored merge and its mentions' full rows: the whole warehouse's, or (``_NEAR``)
    for a group replayed on its tail, the tail and the stored events it may reach: every other mention comes before
    the first change and meets none, so it decides as before and its event stays as it is."""
    now, sources, full = tables
    mentions = _rows(con, now, _LIGHT_COLUMNS, group, _MENTION_ORDER)
    light = {r["record_id"]: r for r in mentions}
    # The stored rows one at a time, into what the replay needs of them; a mention is unchanged when its fingerprint
    # is the stored one.
    stored = _stream(con, sources, _STORED_COLUMNS, group, _SOURCE_ORDER)
    previous = PreviousMerge.of(stored, lambda s: s["fingerprint"] == light.get(s["source_id"], {}).get("fingerprint"))
    changed = len(mentions) + sum(map(len, previous.members.values())) - 2 * len(previous.event_of)
    published = {m["article_id"]: m["published"] for m in mentions}
    replay = remerge(group[1], group[2], mentions, published, previous)
    events, members = _rebuilt_rows(con, group, replay, light, full)
    insert_rows(con, MERGED_INCIDENTS, events, into="_merge_events")
    con.register("_merge_group_members", members)
    con.execute("INSERT INTO _merge_members SELECT * FROM _merge_group_members")
    con.unregister("_merge_group_members")
    return (MergeUpdate(changed_mentions=changed, redecided=replay.redecided, rebuilt=events.num_rows,
                        read=len(mentions)), replay.changed)


def _ensure_state(con: duckdb.DuckDBPyConnection) -> None:
    """The state tables, made anew when their columns are not the specs' (the version then differs as well)."""
    for table in (MERGED_INCIDENTS, MERGED_SOURCES):
        if has_table(con, table.name):
            columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                 "table_name = ? ORDER BY ordinal_position", [table.name]).fetchall()]
            if columns != table.column_names:
                con.execute(f'DROP TABLE "{table.name}"')
        ensure_table(con, table)


def _rows(con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, ...], group: tuple, order: str) -> list[dict]:
    """Rows of ``name`` in ``group`` (synthetic, type, country), in ``order``."""
    return list(_stream(con, name, columns, group, order))


def _stream(con: duckdb.DuckDBPyConnection, name: str, columns: tuple[str, ...], group: tuple,
            order: str) -> Iterator[dict]:
    """``_rows`` as they are read, a batch at a time: nothing else may run on ``con`` until the last is taken."""
    select = ", ".join(f"t.{c}" for c in columns)
    cursor = con.execute(f"SELECT {select} FROM {name} t WHERE {_IN_GROUP.format('t')} ORDER BY {order}", list(group))
    while batch := cursor.fetchmany(_BATCH):
        for values in batch:
            yield dict(zip(columns, values))


def _rebuilt_rows(con: duckdb.DuckDBPyConnection, group: tuple, replay: Remerge, light: dict[str, dict],
                  mentions_table: str) -> tuple[pa.Table, pa.Table]:
    """The state rows of the group's changed events, from their members' full rows (read for those only, from
    ``mentions_table``), and their members (``_MEMBERS``)."""
    synthetic = group[0]
    con.register("_merge_rebuilt", pa.table({"record_id": pa.array(replay.rebuilt, pa.string())}))
    full = con.execute(f"SELECT * FROM {mentions_table} WHERE record_id IN (SELECT record_id FROM _merge_rebuilt)"
                       ).to_arrow_table().cast(STG_INCIDENT_MENTIONS.arrow_schema())
    con.unregister("_merge_rebuilt")
    group_events, members = replay.rows({r["record_id"]: r for r in full.to_pylist()})
    del full
    events = [event | {"synthetic": synthetic, "published": light[event["incident_id"]]["published"]}
              for event in group_events]
    return to_arrow(MERGED_INCIDENTS, events), pa.Table.from_pylist(
        [dict(zip(_MEMBERS.names, member)) for member in members], schema=_MEMBERS)


def _store(con: duckdb.DuckDBPyConnection, dropped: list[str]) -> None:
    for table in (MERGED_INCIDENTS, MERGED_SOURCES):
        con.execute(f'DELETE FROM "{table.name}" WHERE incident_id IN (SELECT unnest(?::VARCHAR[]))', [dropped])
    con.execute('INSERT INTO "stg_merged_incidents" SELECT * FROM _merge_events')
    con.execute('INSERT INTO "stg_merged_sources" SELECT * FROM _merge_sources')


def merged_queries(ordered: bool = True) -> dict[str, str]:
    """SQL of the stored merge as the incidents and incident_sources tables (all columns but origin), in merge
    order (in none unless ``ordered``: cheaper to read whole): for curation to read in the warehouse."""
    events, sources = (f" ORDER BY {_EVENT_ORDER}", f" ORDER BY {_EVENT_ORDER}, s.member") if ordered else ("", "")
    return {"incidents": f"SELECT {_columns(INCIDENTS, 'i')} FROM stg_merged_incidents i{events}",
            "incident_sources": f"SELECT {_columns(INCIDENT_SOURCES, 's')} FROM stg_merged_sources s "
                                f"JOIN stg_merged_incidents i USING (incident_id){sources}"}


def merged_tables(con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    """The stored merge as the incidents and incident_sources tables (origin still unset), in merge order, as
    ``merge_incidents_in_parts`` gives them."""
    queries = merged_queries()
    return (_unset_origin(con.sql(queries["incidents"]).to_arrow_table(), INCIDENTS),
            _unset_origin(con.sql(queries["incident_sources"]).to_arrow_table(), INCIDENT_SOURCES))


def _columns(table: Table, alias: str) -> str:
    return ", ".join(f'{alias}."{c}"' for c in table.column_names if c != ORIGIN.name)


def _unset_origin(data: pa.Table, table: Table) -> pa.Table:
    # As merge_incidents_in_parts leaves it: null until the curation decisions are applied.
    schema = table.arrow_schema()
    data = data.cast(pa.schema([schema.field(c) for c in data.column_names], metadata=schema.metadata))
    return data.append_column(schema.field(ORIGIN.name), pa.nulls(data.num_rows, pa.string())).combine_chunks()
