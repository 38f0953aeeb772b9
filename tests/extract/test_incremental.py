"""Incremental extraction: only new or changed articles are extracted; the result equals a full rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from caravan.extract.plan import extractor_version, plan_extraction
from tests.conftest import SAMPLE_CORPUS, run_build

# synthetic test article, written for this test
NEW_ARTICLE = ("Police detained 12 migrants from Kyrgyzstan in a raid on a construction site in Novosibirsk on Tuesday, "
               "the regional police said.\n“They checked every document twice,” said Aibek Osmonov, a lawyer for the workers.\n")


def test_plan_extracts_new_and_changed_and_removes_gone_articles():
    state = {"a": ("h1", "v1"), "b": ("h2", "v1"), "gone": ("h3", "v1")}
    plan = plan_extraction({"a": "h1", "b": "h2-changed", "new": "h4"}, state, "v1")
    assert plan.extract == ("b", "new") and plan.remove == ("gone",) and plan.reuse == ("a",)
    assert plan.replaced == ("b", "gone", "new")
    everything = plan_extraction({"a": "h1", "b": "h2"}, state, "v2")  # the extractors changed
    assert everything.extract == ("a", "b") and everything.reuse == ()


def test_an_article_set_aside_is_planned_again_only_when_its_text_the_extractors_or_the_budget_change():
    set_aside = {"slow": ("h1", "v1", 10.0)}
    assert plan_extraction({"slow": "h1"}, {}, "v1", set_aside, 10.0).reuse == ("slow",)
    for plan in (plan_extraction({"slow": "h2"}, {}, "v1", set_aside, 10.0),  # its text
                 plan_extraction({"slow": "h1"}, {}, "v2", set_aside, 10.0),  # the extractors
                 plan_extraction({"slow": "h1"}, {}, "v1", set_aside, 30.0)):  # the budget
        assert plan.extract == ("slow",) and plan.replaced == ("slow",)
    assert plan_extraction({}, {}, "v1", set_aside, 10.0).remove == ("slow",)  # gone from the corpus


def test_extractor_version_is_stable():
    assert extractor_version() == extractor_version() and len(extractor_version()) == 16


def test_the_extractor_version_reads_every_module_of_the_extractors():
    # A module left out (as caseless.py nearly was) would let a change of the records keep the old version, and
    # the articles would not be extracted again.
    from caravan.extract import plan

    modules = {f"extract/{p.name}" for p in (plan._PACKAGE / "extract").glob("*.py")} - {
        "extract/__init__.py", "extract/plan.py"}
    assert modules <= set(plan._EXTRACTION_SOURCES)


def _extraction_metadata(result) -> dict:
    mat = result.asset_materializations_for_node("extracted_records")[0]
    return {k: v.value for k, v in mat.metadata.items() if k.startswith("articles_")}


def _texts_hashed(result) -> int:
    return result.asset_materializations_for_node("articles")[0].metadata["texts_hashed"].value


def test_incremental_run_equals_full_rebuild(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    first = run_build(corpus, tmp_path / "inc", version="2024.04.01")
    assert _extraction_metadata(first) == {"articles_extracted": 1, "articles_reused": 0, "articles_removed": 0}
    assert _texts_hashed(first) == 1

    (corpus / "novosibirsk.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus / "novosibirsk.meta.json").write_text(json.dumps({"published": "2024-04-03", "outlet": "Test"}), encoding="utf-8")
    second = run_build(corpus, tmp_path / "inc", version="2024.04.02")
    assert _extraction_metadata(second) == {"articles_extracted": 1, "articles_reused": 1, "articles_removed": 0}
    assert _texts_hashed(second) == 1  # the near-duplicate check hashed the new text only

    full = run_build(corpus, tmp_path / "full", version="2024.04.02")
    assert _extraction_metadata(full)["articles_extracted"] == 2
    for name in ("articles", "quotes", "incidents", "economic_figures", "speakers", "figure_checks"):
        inc = (tmp_path / "inc" / "releases" / "2024.04.02" / f"{name}.parquet").read_bytes()
        assert inc == (tmp_path / "full" / "releases" / "2024.04.02" / f"{name}.parquet").read_bytes(), name

    # Removing an article removes its records at the next run.
    (corpus / "novosibirsk.txt").unlink()
    third = run_build(corpus, tmp_path / "inc", version="2024.04.03")
    assert _extraction_metadata(third) == {"articles_extracted": 0, "articles_reused": 1, "articles_removed": 1}
    con = duckdb.connect(str(tmp_path / "inc" / "caravan.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM quotes WHERE text LIKE '%document twice%'").fetchone()[0] == 0
    assert con.sql("SELECT count(*) FROM stg_extraction_state").fetchone()[0] == 1
    assert con.sql("SELECT count(*) FROM stg_article_signatures").fetchone()[0] == 1
    # Each run's partitions left their report in the warehouse, which the run's metadata sums.
    assert con.sql("SELECT articles_extracted, articles_reused, articles_removed FROM stg_extraction_runs "
                   "WHERE run_id = ?", params=[third.run_id]).fetchall() == [(0, 1, 1)]
    assert _texts_hashed(third) == 0
    for name in ("quotes", "incidents", "economic_figures"):
        assert (tmp_path / "inc" / "releases" / "2024.04.03" / f"{name}.parquet").read_bytes() == \
               (tmp_path / "inc" / "releases" / "2024.04.01" / f"{name}.parquet").read_bytes()


def test_extraction_in_several_processes_equals_one_process():
    from caravan.ingest.corpus import iter_corpus
    from caravan.extract.records import extract_corpus
    from tests.conftest import REPO

    articles = list(iter_corpus(REPO / "tests" / "data" / "synthetic" / "corpus")) * 6  # 60 articles: the parallel path
    assert extract_corpus(articles, workers=2) == extract_corpus(articles, workers=1)


def test_batches_in_one_pool_give_each_batch_its_own_records_in_order():
    from caravan.ingest.corpus import iter_corpus
    from caravan.extract.records import extract_batches, extract_corpus
    from tests.conftest import REPO

    articles = list(iter_corpus(REPO / "tests" / "data" / "synthetic" / "corpus"))
    batches = [articles * 6, articles[:3], articles[::-1] * 6]  # parallel, in-process, parallel again
    out = list(extract_batches(iter(batches), workers=2))
    assert [batch for batch, _, _ in out] == batches
    assert [records for _, records, _ in out] == [extract_corpus(batch, workers=1) for batch in batches]
    assert [quarantined for _, _, quarantined in out] == [{}, {}, {}]
