"""Figure checks on what changed: added, changed and removed figures are checked (or dropped) again, the rest
stays; the table always equals the one a full check of every figure gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from caravan.statistics.check_plan import plan_checks, stored_verdict_counts, update_figure_checks
from caravan.statistics.reconcile import check_figures, verdict_counts
from caravan.store.tables import FIGURE_CHECKS
from caravan.store.warehouse import to_arrow
from tests.conftest import SampleBuild


def _planned(current: dict[str, str], stored: dict[str, str] | None):
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE _check_inputs (record_id VARCHAR, input_hash VARCHAR)")
    for row in current.items():
        con.execute("INSERT INTO _check_inputs VALUES (?, ?)", row)
    con.execute('CREATE TABLE "stg_figure_check_state" (figure_record_id VARCHAR, input_hash VARCHAR)')
    for row in (stored or {}).items():
        con.execute('INSERT INTO "stg_figure_check_state" VALUES (?, ?)', row)
    return plan_checks(con, stored is not None)


def test_plan_checks_new_and_changed_figures_and_removes_gone_ones():
    plan = _planned({"new": "h4", "b": "h2*", "a": "h1"}, {"a": "h1", "gone": "h3", "b": "h2"})
    assert plan.check == ("b", "new") and plan.remove == ("gone",) and plan.kept == 1
    assert _planned({}, {}).check == () and _planned({"a": "h"}, {}).check == ("a",)
    # Without a stored state (a first run) every figure is checked, none removed.
    assert _planned({"b": "h", "a": "h"}, None) == _planned({"b": "h", "a": "h"}, {})


@pytest.fixture(scope="module")
def built(sample_build: SampleBuild) -> Path:
    """The shared build's warehouse (read only: each test checks figures in a copy)."""
    return sample_build.warehouse


def _rows(con, sql: str) -> list[dict]:
    return con.sql(sql).to_arrow_table().to_pylist()


def _full(con) -> list[dict]:
    """What checking every figure from scratch gives, in the table's order."""
    figures = _rows(con, "SELECT * FROM economic_figures ORDER BY article_id, char_start, record_id")
    published = dict(con.execute("SELECT article_id, published FROM articles").fetchall())
    rows = check_figures(figures, published, _rows(con, "SELECT * FROM official_figures ORDER BY record_id"))
    return sorted(to_arrow(FIGURE_CHECKS, rows).to_pylist(), key=lambda r: r["record_id"])


def _stored(con) -> list[dict]:
    return sorted(_rows(con, "SELECT * FROM figure_checks"), key=lambda r: r["record_id"])


def test_each_step_equals_a_full_check(built: Path, tmp_path: Path):
    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    figures = [r for (r,) in con.execute("SELECT record_id FROM economic_figures ORDER BY record_id").fetchall()]
    assert len(figures) >= 3 and _stored(con) == _full(con)

    assert update_figure_checks(con, official).check == ()  # nothing changed: nothing checked
    assert stored_verdict_counts(con) == verdict_counts(_stored(con))

    # A changed figure, a removed one and an added one (a copy under a new id in another article's name).
    con.execute("UPDATE economic_figures SET value = value * 2 WHERE record_id = ?", [figures[0]])
    con.execute("DELETE FROM economic_figures WHERE record_id = ?", [figures[1]])
    con.execute("INSERT INTO economic_figures SELECT * REPLACE ('fig_added' AS record_id) FROM economic_figures "
                "WHERE record_id = ?", [figures[2]])
    plan = update_figure_checks(con, official)
    assert plan.check == tuple(sorted([figures[0], "fig_added"])) and plan.remove == (figures[1],)
    assert _stored(con) == _full(con)
    assert con.sql("SELECT count(*) FROM figure_checks WHERE figure_record_id = ?", params=[figures[1]]).fetchone()[0] == 0

    # Its article's publication date is an input too.
    con.execute("UPDATE articles SET published = '2020-01-01'")
    assert set(update_figure_checks(con, official).check) == set(r for (r,) in con.execute(
        "SELECT record_id FROM economic_figures").fetchall())
    assert _stored(con) == _full(con)

    # Other official figures: every figure is checked again.
    fewer = official[: len(official) // 2]
    con.execute("DELETE FROM official_figures WHERE record_id NOT IN (SELECT unnest(?::VARCHAR[]))",
                [[r["record_id"] for r in fewer]])
    assert len(update_figure_checks(con, fewer).check) == len(figures)
    assert _stored(con) == _full(con)
    assert stored_verdict_counts(con) == verdict_counts(_stored(con))
    con.close()


def test_a_warehouse_without_the_state_is_checked_in_full(built: Path, tmp_path: Path):
    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("DROP TABLE stg_figure_check_state")
    con.execute("INSERT INTO figure_checks SELECT * REPLACE ('stale' AS record_id) FROM figure_checks LIMIT 1")
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    assert len(update_figure_checks(con, official).check) == con.sql("SELECT count(*) FROM economic_figures").fetchone()[0]
    assert _stored(con) == _full(con)
    con.close()


def test_figures_checked_in_batches_give_the_same_table(built: Path, tmp_path: Path, monkeypatch):
    from caravan.statistics import check_plan

    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("DROP TABLE stg_figure_check_state")
    monkeypatch.setattr(check_plan, "_BATCH", 1)
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    assert len(update_figure_checks(con, official).check) >= 3
    assert _stored(con) == _full(con)
    con.close()


def test_a_run_stopped_between_batches_is_finished_by_the_next_one(built: Path, tmp_path: Path, monkeypatch):
    """Each batch is committed with its figures' state: what a stopped run checked stays, the rest is checked next."""
    from caravan.statistics import check_plan

    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    con.execute("UPDATE articles SET published = '2020-01-01'")  # every figure to check again
    monkeypatch.setattr(check_plan, "_BATCH", 1)
    calls = []

    def stopped_at_the_third(figures, published, official_rows):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return check_figures(figures, published, official_rows)

    monkeypatch.setattr(check_plan, "check_figures", stopped_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        update_figure_checks(con, official)
    assert con.sql("SELECT count(*) FROM stg_figure_check_state").fetchone()[0] == 2  # two batches committed
    monkeypatch.setattr(check_plan, "check_figures", check_figures)
    total = con.sql("SELECT count(*) FROM economic_figures").fetchone()[0]
    assert len(update_figure_checks(con, official).check) == total - 2
    assert _stored(con) == _full(con)
    con.close()


def test_a_table_of_older_columns_is_made_anew_when_every_figure_is_checked_again(built: Path, tmp_path: Path):
    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("ALTER TABLE figure_checks DROP COLUMN verdict")  # as a release of older code left it
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    fewer = official[:-1]  # other official figures: every figure is checked again
    con.execute("DELETE FROM official_figures WHERE record_id = ?", [official[-1]["record_id"]])
    update_figure_checks(con, fewer)
    assert _stored(con) == _full(con)
    con.close()


def test_figures_are_checked_and_stored_in_their_articles_order(built: Path, tmp_path: Path, monkeypatch):
    """The checks lie stored by article (the table's first sort column), whatever the order of the figures' ids, batch
    after batch: the release reads the table in ranges of article ids, each of which then skips the row groups
    outside it."""
    from caravan.statistics import check_plan

    monkeypatch.setattr(check_plan, "_BATCH", 2)
    shutil.copy(built, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    official = _rows(con, "SELECT * FROM official_figures ORDER BY record_id")
    # Copies of the sample's figures in other articles, whose ids run against their articles' order.
    for n in range(6):
        con.execute(f"INSERT INTO economic_figures SELECT * REPLACE ('fig_{9 - n}_' || record_id AS record_id, "
                    f"'art_copy_{n}' AS article_id) FROM economic_figures WHERE article_id NOT LIKE 'art_copy_%'")
    con.execute("DROP TABLE stg_figure_check_state")  # every figure checked again
    update_figure_checks(con, official)
    stored = [a for (a,) in con.execute("SELECT article_id FROM figure_checks ORDER BY rowid").fetchall()]
    assert len(set(stored)) == 7 and stored == sorted(stored)
    assert _stored(con) == _full(con)
    con.close()
