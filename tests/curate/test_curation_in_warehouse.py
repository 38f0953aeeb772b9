"""Curation of whole tables in the warehouse: only the rows a decision reaches go through Python, and the result
is the same as ``apply_decisions`` over every row. All articles and rows are synthetic, written for these tests."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pyarrow as pa

from caravan.curate.curation import (apply_decisions, decision_articles, load_decisions, needed_articles,
                                     publish_curated)
from caravan.store.tables import ARTICLES as ARTICLES_TABLE, TABLES
from caravan.store.warehouse import insert_rows, to_arrow
from tests.curate.test_curation import ARTICLES, _decision, _tables, _write

# A synthetic article no decision reads, with records no decision names.
TEXT_C = "Police raided a market in Kazan on Friday and detained 12 migrants, officials said."
ARTICLES_ALL = {**ARTICLES, "art_c": {"text": TEXT_C, "url": "https://news.example/c", "published": "2024-03-29"}}

DECISIONS = "".join((
    _decision("c1", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: Edward Lemon\n"),
    _decision("m1", "merge", "incidents", "  incident_ids: [inc_raid_a, inc_raid_b]\n"),
    _decision("s1", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_raid_b]\n"),
    _decision("s2", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_kazan]\n"),
    _decision("r1", "reject", "incidents", "  record_id: inc_arson\n"),
    _decision("r2", "reject", "quotes", "  record_id: quo_gone\n"),
    _decision("a1", "add", "economic_figures", "  record:\n    source_url: https://news.example/a\n"
                                              "    evidence: nearly a third\n    indicator: other\n    value: 33.3\n"
                                              "    unit: percent\n    qualifier: nearly\n"),
    _decision("a2", "add", "economic_figures", "  record:\n    article_id: art_a\n    evidence: $5.7 billion\n"
                                              "    indicator: remittances_usd\n    value: 5700000000\n    unit: USD\n"
                                              "    qualifier: exact\n"),
    _decision("a3", "add", "incidents", "  record:\n    article_id: art_b\n    evidence: police raided a hostel\n"
                                       "    type: raid\n    city: Moscow\n    country: RU\n"),
))


def _with_article_c(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    tables = copy.deepcopy(tables)
    ev = {"article_id": "art_c", "sentence": TEXT_C, "char_start": 0, "char_end": len(TEXT_C)}
    quote = {**tables["quotes"][0], "record_id": "quo_kazan", **ev}
    incident = {**tables["incidents"][0], "incident_id": "inc_kazan", **ev}
    source = {**tables["incident_sources"][0], "source_id": "src_kazan", "incident_id": "inc_kazan", **ev}
    figure = {**tables["economic_figures"][0], "record_id": "fig_kazan", **ev}
    for name, row in (("quotes", quote), ("incidents", incident), ("incident_sources", source), ("economic_figures", figure)):
        tables[name].insert(0, row)  # before the rows decisions reach: the order of rows must not matter
    return tables


def _arrow(tables: dict[str, list[dict]]) -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist([{c: r.get(c) for c in TABLES[name].column_names if c != "origin"} for r in rows])
            for name, rows in tables.items()}


def _sorted(rows: list[dict], name: str) -> list[dict]:
    key = TABLES[name].primary_key
    return sorted(({c: r.get(c) for c in TABLES[name].column_names} for r in rows), key=lambda r: r[key])


def test_needed_articles_are_those_an_add_reads(tmp_path: Path):
    decisions = load_decisions(_write(tmp_path / "curation", "d.yaml", "".join((
        _decision("r1", "reject", "quotes", "  record_id: quo_lemon\n"),
        _decision("a1", "add", "quotes", "  record:\n    source_url: https://news.example/c/\n    evidence: officials said\n"
                                         "    speaker: officials\n    partial: false\n")))))
    assert needed_articles(decisions, {a: v["url"] for a, v in ARTICLES_ALL.items()}) == {"art_c"}
    assert needed_articles(decisions[:1], {a: v["url"] for a, v in ARTICLES_ALL.items()}) == set()


def _publish(con: duckdb.DuckDBPyConnection, tables: dict[str, list[dict]], decisions: list) -> list[dict]:
    """``publish_curated`` of ``tables`` as the machine's tables of the warehouse ``con``."""
    machine = {}
    for name, data in _arrow(tables).items():
        con.register(f"_{name}", data)
        con.execute(f'CREATE OR REPLACE TABLE "machine_{name}" AS SELECT * FROM "_{name}"')
        con.unregister(f"_{name}")
        machine[name] = f'SELECT * FROM "machine_{name}"'
    needed = needed_articles(decisions, {a: v["url"] for a, v in ARTICLES_ALL.items()})
    articles = {a: {k: v for k, v in art.items() if k != "text" or a in needed} for a, art in ARTICLES_ALL.items()}
    return publish_curated(con, machine, articles, decisions)


def _published(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: con.sql(f'SELECT * FROM "{name}" ORDER BY {TABLES[name].order_by()}').fetchall()
            for name in ("quotes", "incidents", "incident_sources", "economic_figures")}


def test_the_articles_read_are_those_the_decisions_read(tmp_path: Path):
    con = duckdb.connect()
    con.execute(ARTICLES_TABLE.ddl())
    insert_rows(con, ARTICLES_TABLE, to_arrow(ARTICLES_TABLE, [
        {"article_id": a, **art, "synthetic": False, "n_chars": len(art["text"]), "sha256": a, "source_path": a}
        for a, art in ARTICLES_ALL.items()]))
    decisions = load_decisions(_write(tmp_path / "curation", "d.yaml", DECISIONS))
    # a1 names art_a by its url, a2 art_a by id, a3 art_b by id; art_c no decision reads.
    assert decision_articles(con, decisions) == {a: {**ARTICLES_ALL[a], "synthetic": False} for a in ("art_a", "art_b")}
    assert decision_articles(con, [d for d in decisions if d.action != "add"]) == {}


def test_curation_in_the_warehouse_gives_what_curating_every_row_gives(tmp_path: Path):
    decisions = load_decisions(_write(tmp_path / "curation", "d.yaml", DECISIONS))
    tables = _with_article_c(_tables())
    expected, expected_log = apply_decisions(tables, ARTICLES_ALL, decisions)
    con = duckdb.connect()
    log = _publish(con, tables, decisions)
    assert log == expected_log
    for name in expected:
        got = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
        assert [(f.name, f.type) for f in got.schema] == [(f.name, f.type) for f in TABLES[name].arrow_schema()]
        assert _sorted(got.to_pylist(), name) == _sorted(expected[name], name), name
    assert con.sql("SELECT origin FROM quotes WHERE record_id = 'quo_kazan'").fetchall() == [("machine",)]
    assert con.sql("SELECT count(*) FROM information_schema.tables WHERE table_name = '_curation_ids'").fetchone() == (0,)


def test_publishing_again_writes_what_changed_only(tmp_path: Path):
    """Machine rows and decisions changed since the last publication: the tables become what publishing into an empty
    warehouse makes of them, and a row nothing changed stays where it was."""
    decisions = load_decisions(_write(tmp_path / "curation", "d.yaml", DECISIONS))
    tables = _with_article_c(_tables())
    kazan = tables["quotes"][0]
    tables["quotes"] += [{**kazan, "record_id": f"quo_kazan_{i}", "char_start": i + 1} for i in range(3)]
    con = duckdb.connect()
    _publish(con, tables, decisions)
    kazan = "SELECT rowid FROM quotes WHERE record_id = 'quo_kazan'"
    before = con.sql(kazan).fetchone()
    tables = copy.deepcopy(tables)
    figure = next(f for f in tables["economic_figures"] if f["record_id"] == "fig_kazan")
    figure["value"] += 1  # a machine row changed
    first = {**tables["quotes"][1], "record_id": "quo_first", "char_start": 0}  # a new one, first in order
    tables["quotes"].append(first)
    later = [d for d in decisions if d.id != "c1"]  # quo_lemon as extracted again
    log = _publish(con, tables, later)
    fresh = duckdb.connect()
    assert log == _publish(fresh, tables, later)
    assert _published(con) == _published(fresh)
    assert con.sql("SELECT origin FROM quotes WHERE record_id = 'quo_lemon'").fetchall() == [("machine",)]
    assert con.sql(kazan).fetchone() == before  # written anew, it would follow quo_first
