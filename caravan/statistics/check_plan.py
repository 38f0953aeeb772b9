"""Figure checks on what changed: each figure is checked again only when its row, its article's publication
date, the official figures or the checking code changed; the checks of removed figures go.

A figure's checks depend on nothing else (not on other figures), so the table after an update equals the
one a full run would write, and the figures can be checked and committed in batches. Every figure's inputs are
hashed in SQL over the whole table and compared there with the stored ones (cheap); only the figures to check again
are read into Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import duckdb

from caravan.common.ids import files_digest
from caravan.statistics.reconcile import VERDICTS, check_figures
from caravan.store.tables import FIGURE_CHECK_STATE, FIGURE_CHECKS, shapes
from caravan.store.warehouse import ensure_table, has_table, in_transaction, insert_rows, to_arrow

_PACKAGE = Path(__file__).resolve().parents[1]
# The code whose change can change any check.
_CHECK_SOURCES = ("statistics/reconcile.py", "statistics/official_figures.py", "common/ids.py")

_BATCH = 20_000  # figures checked per batch

# Each figure's inputs: its row and its article's publication date, with the version of everything else, as DuckDB's
# 64-bit hash (a DuckDB whose hash differs changes every one, and every figure is checked again, as for a new version).
# SHA-256 of each row as JSON took 2 s at 100,000 articles, this 0.2 s.
_INPUTS_SQL = """
    CREATE OR REPLACE TEMP TABLE _check_inputs AS
    SELECT f.record_id, hash(f, a.published, ?::VARCHAR)::VARCHAR AS input_hash
    FROM economic_figures f LEFT JOIN articles a USING (article_id)"""
_STATE = f'"{FIGURE_CHECK_STATE.name}"'


@lru_cache(maxsize=1)
def _code_version() -> str:
    code = files_digest((name, _PACKAGE / name) for name in _CHECK_SOURCES)
    return hashlib.sha256((code + shapes(FIGURE_CHECKS, FIGURE_CHECK_STATE)).encode()).hexdigest()


def checks_version(official: list[dict]) -> str:
    """The version of what every check depends on besides its figure: the official rows and the code."""
    rows = json.dumps(official, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256((_code_version() + rows).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CheckPlan:
    check: tuple[str, ...]  # figures new or changed (all of them when the version changed)
    remove: tuple[str, ...]  # figures gone
    kept: int  # figures whose checks stay as they are


def plan_checks(con: duckdb.DuckDBPyConnection, stored: bool) -> CheckPlan:
    """The plan from each figure's inputs now (``_check_inputs``) and, when ``stored``, those it was last checked with
    (the state table); each list sorted. The figures to check are also left in the temporary table ``_check_todo``."""
    state = _STATE if stored else "(SELECT NULL::VARCHAR AS figure_record_id, NULL::VARCHAR AS input_hash LIMIT 0)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _check_todo AS SELECT c.record_id FROM _check_inputs c "
                f"LEFT JOIN {state} s ON s.figure_record_id = c.record_id WHERE s.input_hash IS DISTINCT FROM c.input_hash")
    check = tuple(r for (r,) in con.execute("SELECT record_id FROM _check_todo ORDER BY record_id").fetchall())
    remove = tuple(r for (r,) in con.execute(
        f"SELECT s.figure_record_id FROM {state} s WHERE NOT EXISTS (SELECT 1 FROM _check_inputs c "
        "WHERE c.record_id = s.figure_record_id) ORDER BY s.figure_record_id").fetchall())
    (figures,) = con.execute("SELECT count(*) FROM _check_inputs").fetchone()
    return CheckPlan(check, remove, figures - len(check))


def update_figure_checks(con: duckdb.DuckDBPyConnection, official: list[dict]) -> CheckPlan:
    """Bring ``figure_checks`` up to date with ``economic_figures`` and ``official``.

    The checks to redo are removed first, then each batch is committed with its figures' state: a transaction
    holds its rows in memory until it commits, so one batch is held at a time, however many figures change. A run
    stopped midway leaves the figures not yet checked without a state, and the next run checks them."""
    con.execute(_INPUTS_SQL, [checks_version(official)])
    complete = has_table(con, FIGURE_CHECKS.name) and has_table(con, FIGURE_CHECK_STATE.name)
    plan = plan_checks(con, complete)

    def remove() -> None:
        if not complete or not plan.kept:
            # Every figure is checked again (a first run, or the code or the official figures changed): the
            # tables are made anew, with the columns the specs have now.
            for table in (FIGURE_CHECKS, FIGURE_CHECK_STATE):
                con.execute(f'DROP TABLE IF EXISTS "{table.name}"')
        ensure_table(con, FIGURE_CHECKS)
        ensure_table(con, FIGURE_CHECK_STATE)
        gone = list(plan.check + plan.remove)
        for table, key in ((FIGURE_CHECKS, "figure_record_id"), (FIGURE_CHECK_STATE, "figure_record_id")):
            con.execute(f'DELETE FROM "{table.name}" WHERE {key} IN (SELECT unnest(?::VARCHAR[]))', [gone])

    def check(batch: list[str]) -> None:
        figures = con.execute(
            "SELECT * FROM economic_figures WHERE record_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY article_id, char_start, record_id", [batch]).to_arrow_table().to_pylist()
        ids = sorted({f["article_id"] for f in figures})
        published = dict(con.execute("SELECT article_id, published FROM articles WHERE article_id IN "
                                     "(SELECT unnest(?::VARCHAR[]))", [ids]).fetchall())
        insert_rows(con, FIGURE_CHECKS, to_arrow(FIGURE_CHECKS, check_figures(figures, published, official)))
        con.execute(f"INSERT INTO {_STATE} BY NAME SELECT record_id AS figure_record_id, input_hash FROM _check_inputs "
                    "WHERE record_id IN (SELECT unnest(?::VARCHAR[]))", [batch])

    in_transaction(con, remove)
    # Checked in their articles' order, so that the table lies stored near its published order (by article first):
    # the release reads it in ranges of article ids, and a range then skips the row groups outside it (checked in
    # the order of their ids, every row group held every article, and each range read the whole table).
    ordered = [r for (r,) in con.execute(
        "SELECT record_id FROM economic_figures JOIN _check_todo USING (record_id) "
        "ORDER BY article_id, char_start, record_id").fetchall()]
    for start in range(0, len(ordered), _BATCH):
        in_transaction(con, partial(check, ordered[start:start + _BATCH]))
    con.execute("DROP TABLE _check_inputs; DROP TABLE _check_todo")
    return plan


def stored_verdict_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``reconcile.verdict_counts`` of the stored checks, counted in SQL (each figure's rows share its verdict)."""
    counts = dict(con.execute("SELECT verdict, count(DISTINCT figure_record_id) FROM figure_checks GROUP BY verdict"
                              ).fetchall())
    (figures,) = con.execute("SELECT count(DISTINCT figure_record_id) FROM figure_checks").fetchone()
    return {"figures": figures, **{verdict: counts.get(verdict, 0) for verdict in VERDICTS}}
