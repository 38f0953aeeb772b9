"""The extraction area in the code location: its asset group, and the time budget that quarantines an article
instead of holding the build."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from caravan import extract
from caravan.extract import budget_reason
from tests.conftest import run_build

# synthetic test article, written for this test; its marker makes the injected extractor slow
SLOW_ARTICLE = ("SLOW-MARKER Police detained 12 migrants in a raid on a market in Novosibirsk on Tuesday.\n"
                "“They checked every document twice,” said Aibek Osmonov, a lawyer for the workers.\n")


def test_extraction_assets_are_in_the_extraction_group():
    from pipelines.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {name: groups[name] for name in ("stg_quotes", "stg_incident_mentions", "stg_economic_figures")} == {
        "stg_quotes": "extraction", "stg_incident_mentions": "extraction", "stg_economic_figures": "extraction"}


@pytest.fixture
def slow_on_marker(monkeypatch):
    """Quote extraction that never ends on an article holding SLOW-MARKER (as a pathological text would)."""
    quotes = extract._EXTRACTORS["quotes"]

    def slow(article):
        if "SLOW-MARKER" in article.text:
            time.sleep(120)
        return quotes(article)

    monkeypatch.setitem(extract._EXTRACTORS, "quotes", slow)
    return monkeypatch


def _quarantine(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql("SELECT path, reason FROM quarantine ORDER BY path").fetchall()


def _extracted(result) -> dict:
    mat = result.asset_materializations_for_node("extracted_records")[0]
    return {k: v.value for k, v in mat.metadata.items() if k in ("articles_extracted", "articles_reused")}


def test_an_article_past_the_budget_is_quarantined_not_retried_and_retried_when_the_budget_changes(
        sample_corpus: Path, tmp_path: Path, slow_on_marker):
    (sample_corpus / "slow.txt").write_text(SLOW_ARTICLE, encoding="utf-8")
    (sample_corpus / "empty.txt").write_text("", encoding="utf-8")  # set aside by the ingest, beside it
    warehouse = tmp_path / "out" / "caravan.duckdb"

    first = run_build(sample_corpus, tmp_path / "out", extraction_time_budget=0.5)
    assert first.success
    listed = dict(_quarantine(warehouse))
    assert set(listed) == {"empty.txt", "slow.txt"}
    assert listed["slow.txt"] == "extraction exceeded the time budget of 0.5 s"
    assert _extracted(first) == {"articles_extracted": 2, "articles_reused": 0}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        slow_id = con.sql("SELECT article_id FROM articles WHERE source_path = 'slow.txt'").fetchone()[0]
        for table in ("stg_quotes", "stg_incident_mentions", "stg_economic_figures", "stg_extraction_state"):
            assert con.sql(f"SELECT count(*) FROM {table} WHERE article_id = ?", params=[slow_id]).fetchone()[0] == 0
        assert con.sql("SELECT count(*) FROM stg_quotes").fetchone()[0] > 0  # the other article's records
        assert con.sql("SELECT count(*) FROM articles").fetchone()[0] == 2

    # Unchanged article, extractors and budget: not tried again, and still listed after the ingest's rewrite.
    second = run_build(sample_corpus, tmp_path / "out", version="2024.04.02", extraction_time_budget=0.5)
    assert second.success and _extracted(second) == {"articles_extracted": 0, "articles_reused": 2}
    assert ("slow.txt", "extraction exceeded the time budget of 0.5 s") in _quarantine(warehouse)

    # Another budget (0: no limit) tries it again; here the extractors have become fast meanwhile.
    slow_on_marker.undo()
    third = run_build(sample_corpus, tmp_path / "out", version="2024.04.03", extraction_time_budget=0)
    assert third.success and _extracted(third) == {"articles_extracted": 1, "articles_reused": 1}
    assert [path for path, _ in _quarantine(warehouse)] == ["empty.txt"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM stg_quotes WHERE article_id = ?", params=[slow_id]).fetchone()[0] == 1


def test_budget_reason_names_the_budget():
    assert budget_reason(10) == "extraction exceeded the time budget of 10 s"
    assert budget_reason(0.5) == "extraction exceeded the time budget of 0.5 s"
