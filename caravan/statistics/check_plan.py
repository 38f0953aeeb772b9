"""Figure checks on what changed: each figure is checked again only when its row, its article's publication
date, the official figures or the checking code changed; the checks of removed figures go.

A figure's checks depend on nothing else (not on other figures), so the table after an update equals the
one a full run would write, and the figures can be checked and committed in batches. Every figure's inputs are
hashed in SQL over the whole table (cheap); only the figures to check again are read into Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import duckdb

from caravan.common.ids import files_digest
from caravan.statistics.reconcile import check_figures
from caravan.store.tables import FIGURE_CHECK_STATE, FIGURE_CHECKS, shapes
from caravan.store.warehouse import ensure_table, has_table, in_transaction, insert_rows, to_arrow

_PACKAGE = Path(__file__).resolve().parents[1]
# The code whose change can change any check.
_CHECK_SOURCES = ("statistics/reconcile.py", "statistics/official_figures.py", "common/ids.py")

_BATCH = 20_000  # figures checked per batch

# Each figure's inputs: its row and its article's publication date, with the version of everything else.
_INPUTS_SQL = """
    SELECT f.record_id, sha256(to_json(f)::VARCHAR || '|' || coalesce(a.published::VARCHAR, '') || '|' || ?)
    FROM economic_figures f LEFT JOIN articles a USING (article_id)"""


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


def plan_checks(current: dict[str, str], stored: dict[str, str]) -> CheckPlan:
    """``current``, ``stored``: figure record id → hash of its inputs, now and when last checked."""
    check = sorted(f for f, h in current.items() if stored.get(f) != h)
    remove = sorted(set(stored) - set(current))
    return CheckPlan(tuple(check), tuple(remove), len(current) - len(check))


def update_figure_checks(con: duckdb.DuckDBPyConnection, official: list[dict]) -> CheckPlan:
    """Bring ``figure_checks`` up to date with ``economic_figures`` and ``official``.

    The checks to redo are removed first, then each batch is committed with its figures' state: a transaction
    holds its rows in memory until it commits, so one batch is held at a time, however many figures change. A run
    stopped midway leaves the figures not yet checked without a state, and the next run checks them."""
    version = checks_version(official)
    current = dict(con.execute(_INPUTS_SQL, [version]).fetchall())
    complete = has_table(con, FIGURE_CHECKS.name) and has_table(con, FIGURE_CHECK_STATE.name)
    stored = dict(con.execute(f"SELECT figure_record_id, input_hash FROM {FIGURE_CHECK_STATE.name}").fetchall()) \
        if complete else {}
    plan = plan_checks(current, stored)

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
        insert_rows(con, FIGURE_CHECK_STATE, to_arrow(FIGURE_CHECK_STATE, [
            {"figure_record_id": f, "input_hash": current[f]} for f in batch]))

    in_transaction(con, remove)
    for start in range(0, len(plan.check), _BATCH):
        in_transaction(con, partial(check, list(plan.check[start:start + _BATCH])))
    return plan
