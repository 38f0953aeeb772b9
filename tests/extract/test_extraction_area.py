"""The extraction area in the code location: its asset group, and the time budget that quarantines an article
instead of holding the build."""

from __future__ import annotations

from pathlib import Path

import duckdb

from caravan.extract import records as extract
from caravan.extract.records import budget_reason
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


def _quarantine(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql("SELECT path, reason FROM quarantine ORDER BY path").fetchall()


def _extracted(result) -> dict:
    mat = result.asset_materializations_for_node("extracted_records")[0]
    return {k: v.value for k, v in mat.metadata.items() if k in ("articles_extracted", "articles_reused")}


def test_an_article_past_the_budget_is_quarantined_not_retried_and_retried_when_the_budget_changes(
        sample_corpus: Path, tmp_path: Path, slow_extractor):
    (sample_corpus / "slow.txt").write_text(SLOW_ARTICLE, encoding="utf-8")
    (sample_corpus / "empty.txt").write_text("", encoding="utf-8")  # set aside by the ingest, beside it
    warehouse = tmp_path / "out" / "caravan.duckdb"

    # 3 s: far above a real article, even the first in a process (imports, the gazetteer) on a busy machine
    first = run_build(sample_corpus, tmp_path / "out", extraction_time_budget=3)
    assert first.success
    listed = dict(_quarantine(warehouse))
    assert set(listed) == {"empty.txt", "slow.txt"}
    assert listed["slow.txt"] == "extraction exceeded the time budget of 3 s"
    assert _extracted(first) == {"articles_extracted": 2, "articles_reused": 0}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        slow_id = con.sql("SELECT article_id FROM articles WHERE source_path = 'slow.txt'").fetchone()[0]
        for table in ("stg_quotes", "stg_incident_mentions", "stg_economic_figures", "stg_extraction_state"):
            assert con.sql(f"SELECT count(*) FROM {table} WHERE article_id = ?", params=[slow_id]).fetchone()[0] == 0
        assert con.sql("SELECT count(*) FROM stg_quotes").fetchone()[0] > 0  # the other article's records
        assert con.sql("SELECT count(*) FROM articles").fetchone()[0] == 2

    # Unchanged article, extractors and budget: not tried again, and still listed after the ingest's rewrite.
    second = run_build(sample_corpus, tmp_path / "out", version="2024.04.02", extraction_time_budget=3)
    assert second.success and _extracted(second) == {"articles_extracted": 0, "articles_reused": 2}
    assert ("slow.txt", "extraction exceeded the time budget of 3 s") in _quarantine(warehouse)

    # Another budget (0: no limit) tries it again; here the extractors have become fast meanwhile.
    slow_extractor.undo()
    third = run_build(sample_corpus, tmp_path / "out", version="2024.04.03", extraction_time_budget=0)
    assert third.success and _extracted(third) == {"articles_extracted": 1, "articles_reused": 1}
    assert [path for path, _ in _quarantine(warehouse)] == ["empty.txt"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM stg_quotes WHERE article_id = ?", params=[slow_id]).fetchone()[0] == 1


def test_budget_reason_names_the_budget():
    assert budget_reason(10) == "extraction exceeded the time budget of 10 s"
    assert budget_reason(0.5) == "extraction exceeded the time budget of 0.5 s"


def test_incidents_told_apart_only_by_their_region_keep_both_records_and_other_ids_stay(monkeypatch):
    # "detentions in the Amur and Tver regions": one sentence, no city, two regions
    from caravan.ingest.corpus import Article
    from caravan.common.ids import stable_id

    text = "Police detained dozens of migrants in the Amur and Tver regions on Monday."
    article = Article("art_x", None, None, None, "2024-04-01", "day", "en", None, text, len(text), "0" * 64, "x.txt")
    base = {"char_start": 0, "char_end": len(text), "type": "detention", "country": "RU", "city": None,
            "perpetrator": "police", "target_group": "migrants"}
    records = [dict(base, region="Amur Oblast"), dict(base, region="Tver Oblast"), dict(base, type="raid", region=None)]
    monkeypatch.setitem(extract._EXTRACTORS, "incidents", lambda a: [dict(r) for r in records])
    rows = extract.extract_article(article)["incidents"]
    assert sorted((r["type"], r["region"]) for r in rows) == [("detention", "Amur Oblast"), ("detention", "Tver Oblast"),
                                                              ("raid", None)]
    raid = next(r for r in rows if r["type"] == "raid")  # without a region, the id is made as it always was
    assert raid["record_id"] == stable_id("inc", "art_x", 0, len(text), "raid", "RU", None, "police", "migrants")


def test_an_article_in_another_language_is_kept_but_not_extracted():
    from caravan.ingest.corpus import Article

    text = "Полиция задержала десятки мигрантов в Москве. “Мы боимся,” сказал Иван Петров."
    def article(article_id, language):
        return Article(article_id, None, None, None, "2024-04-01", "day", language, None, text, len(text), "0" * 64,
                       f"{article_id}.txt")
    batch = [article("ru", "ru"), article("ru_ru", "ru-RU"), article("en", "en-GB"), article("unstated", None)]
    [(_, records, set_aside)] = list(extract.extract_batches([batch], workers=1, time_budget=5))
    assert set_aside == {"ru": "language ru, not English: kept, not extracted",
                         "ru_ru": "language ru-RU, not English: kept, not extracted"}
    assert extract.is_english("EN_us") and extract.is_english(None) and not extract.is_english("tg")


def _staged(warehouse: Path) -> dict:
    """Every extraction staging table's rows, ordered."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.sql(f"SELECT * EXCLUDE (detected_at) FROM {t} ORDER BY ALL" if t.endswith("quarantine")
                           else f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("stg_quotes", "stg_incident_mentions", "stg_economic_figures", "stg_extraction_state",
                          "stg_extraction_quarantine")}


def _extract(corpus: Path, out: Path):
    """The ingest and the extraction alone, as the build runs them."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    defs = build_definitions(str(corpus), str(out / "caravan.duckdb"), str(out / "releases"), None)
    keys = [dg.AssetKey(name) for name in ("articles", "stg_quotes", "stg_incident_mentions", "stg_economic_figures")]
    return defs.resolve_job_def("build").execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                                           asset_selection=keys, raise_on_error=False)


def test_a_partition_stopped_between_batches_keeps_its_stored_batches_and_its_re_run_does_the_rest(
        tmp_path: Path, monkeypatch):
    import shutil

    import assets.extraction as area
    from tests.conftest import REPO

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "tests" / "data" / "synthetic" / "corpus", corpus)
    articles = len(list(corpus.glob("*.txt")))
    monkeypatch.setattr(area, "_BATCH", 3)
    whole = area.extract_batches

    def stops_after_two(batches, **kwargs):
        for i, stored in enumerate(whole(batches, **kwargs)):
            if i == 2:
                raise RuntimeError("worker lost")
            yield stored

    monkeypatch.setattr(area, "extract_batches", stops_after_two)
    stopped = _extract(corpus, tmp_path / "inc")
    assert not stopped.success
    warehouse = tmp_path / "inc" / "caravan.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = {a for (a,) in con.sql("SELECT article_id FROM stg_extraction_state").fetchall()}
        assert len(kept) == 6  # the two batches committed before the stop
        with_records = {a for (a,) in con.sql("SELECT DISTINCT article_id FROM stg_quotes UNION "
                                               "SELECT DISTINCT article_id FROM stg_incident_mentions").fetchall()}
        assert with_records and with_records <= kept  # no records without their state

    monkeypatch.setattr(area, "extract_batches", whole)
    again = _extract(corpus, tmp_path / "inc")
    assert again.success
    assert _extracted(again) == {"articles_extracted": articles - 6, "articles_reused": 6}
    assert _extract(corpus, tmp_path / "full").success
    assert _staged(warehouse) == _staged(tmp_path / "full" / "caravan.duckdb")
