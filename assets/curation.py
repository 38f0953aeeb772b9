"""Curation area: the published record tables, made from the extracted ones, merged incident reports,
and the curators' decisions."""

import dagster as dg

from assets.metadata import stored_table_metadata
from caravan.curate.curation import decision_articles, load_decisions, publish_curated
from caravan.curate.merge_update import merged_queries, update_merge
from caravan.curate.speaker_table import write_speakers
from caravan.store.tables import (CURATION_LOG, ECONOMIC_FIGURES, INCIDENT_SOURCES, INCIDENTS, QUOTES, SPEAKERS,
                                  STG_ECONOMIC_FIGURES, STG_QUOTES)
from caravan.store.warehouse import lower_memory_limit, replace_table, to_arrow
from assets.resources import CurationResource, WarehouseResource

_PUBLISHED = (QUOTES, INCIDENTS, INCIDENT_SOURCES, ECONOMIC_FIGURES, CURATION_LOG)
# Publishing reads each block once (per table a scan of the rows and of the stored table, joined by key and hash):
# a larger buffer pool only keeps blocks it will not read again, and what the merge left in it (at 100,000 articles,
# 1.16 GB at the step's peak with 512 MB, 1.0 GB with this, as fast).
_PUBLISHING_MEMORY_LIMIT = 256 * 2**20
_DEPS = {"quotes": ["stg_quotes"], "incidents": ["stg_incident_mentions"], "incident_sources": ["stg_incident_mentions"],
         "economic_figures": ["stg_economic_figures"], "curation_log": []}
_PREVIEW = {
    "quotes": ("speaker", "text", "medium", "partial", "origin"),
    "incidents": ("type", "city", "country", "date", "n_articles", "origin"),
    "incident_sources": ("incident_id", "article_id", "date", "city", "country"),
    "economic_figures": ("subject", "indicator", "value", "unit", "qualifier", "period", "origin"),
    "curation_log": ("decision_id", "action", "table", "status", "detail"),
}


@dg.multi_asset(
    specs=[dg.AssetSpec(t.name, deps=["articles", *_DEPS[t.name]], group_name="curation", kinds={"duckdb", "python"},
                        owners=["team:caravan"], description=t.description) for t in _PUBLISHED],
    description="Merges reports of the same incident and applies the curators' decisions (curation/*.yaml) to the "
                "extracted records; every published row says whether it is machine-extracted, corrected or hand-added.",
)
def curated_records(context: dg.AssetExecutionContext, curation: CurationResource, warehouse: WarehouseResource):
    decisions = load_decisions(curation.folder)
    with warehouse.get_connection() as con:
        # The articles a decision reads only.
        articles = decision_articles(con, decisions)
        # The stored merge brought up to date with the mentions that changed (synthetic test reports never merge
        # with real ones: a released event must rest on real reports only).
        merged = update_merge(con)
        context.log.info(f"incident merge: {merged.changed_mentions} mentions changed, {merged.read} read, "
                         f"{merged.redecided} decided again, {merged.rebuilt} events rebuilt")
        # Curated in the warehouse: only the rows a decision reaches come into Python.
        machine = {"quotes": _rows(STG_QUOTES), **merged_queries(), "economic_figures": _rows(STG_ECONOMIC_FIGURES)}
        unordered = {"quotes": _rows(STG_QUOTES, ordered=False), **merged_queries(ordered=False),
                     "economic_figures": _rows(STG_ECONOMIC_FIGURES, ordered=False)}
        lower_memory_limit(con, _PUBLISHING_MEMORY_LIMIT)
        log = publish_curated(con, machine, articles, decisions, unordered)
        replace_table(con, CURATION_LOG, to_arrow(CURATION_LOG, log))
        for entry in log:
            if entry["status"] != "applied":
                context.log.warning(f"curation decision {entry['decision_id']} ({entry['file']}): {entry['status']}: {entry['detail']}")
        for table in _PUBLISHED:
            meta = stored_table_metadata(con, table, _PREVIEW[table.name])
            if table.name == "curation_log":
                meta["decisions_not_applied"] = sum(e["status"] != "applied" for e in log)
            yield dg.MaterializeResult(asset_key=table.name, metadata=meta)


def _rows(table, ordered: bool = True) -> str:
    return f'SELECT * FROM "{table.name}"' + (f" ORDER BY {table.order_by()}" if ordered else "")


@dg.asset(deps=["quotes", "articles"], group_name="curation", kinds={"duckdb", "python"}, owners=["team:caravan"],
          description=SPEAKERS.description)
def speakers(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        # Speakers of published articles only: a synthetic test article's speaker is nobody. Made in the warehouse
        # from the columns the table is made of only: never the quotes' texts and sentences.
        write_speakers(con, "SELECT q.speaker, q.speaker_description, q.article_id, q.medium FROM quotes q "
                            "JOIN articles a USING (article_id) WHERE NOT a.synthetic AND q.speaker IS NOT NULL")
        meta = stored_table_metadata(con, SPEAKERS, ("speaker", "descriptions", "n_quotes", "n_articles"))
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[curated_records, speakers])
