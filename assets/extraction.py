"""Extraction area: quotes, incident mentions and economic figures of every article, extracted by rule.

Incremental: only new or changed articles are extracted again (all of them when the extraction code
changed); the records of removed articles go. The result equals a full rebuild.
"""

import dagster as dg

from assets.metadata import stored_table_metadata
from caravan.extract import extract_batches
from caravan.incremental import extractor_version, plan_extraction
from caravan.tables import EXTRACTED, EXTRACTION_STATE
from caravan.warehouse import has_table, load_articles, replace_articles_rows, to_arrow
from pipelines.resources import WarehouseResource

_BATCH = 5000
_PREVIEW = {
    "stg_quotes": ("speaker", "text", "medium", "partial"),
    "stg_incident_mentions": ("type", "city", "country", "date", "target_group"),
    "stg_economic_figures": ("subject", "indicator", "value", "unit", "qualifier", "period"),
}


@dg.multi_asset(
    specs=[dg.AssetSpec(spec.name, deps=["articles"], group_name="extraction", kinds={"duckdb", "python"},
                        owners=["team:caravan"], description=spec.description) for spec in EXTRACTED.values()],
    description="Rule-based, deterministic extraction of quotes, incident mentions and economic figures; "
                "only new or changed articles are extracted again.",
)
def extracted_records(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    version = extractor_version()
    with warehouse.get_connection() as con:
        current = dict(con.execute("SELECT article_id, sha256 FROM articles").fetchall())
        state = {}
        if has_table(con, EXTRACTION_STATE.name):
            state = {a: (sha, v) for a, sha, v in con.execute(
                "SELECT article_id, sha256, extractor_version FROM stg_extraction_state").fetchall()}
        plan = plan_extraction(current, state, version)
        context.log.info(f"extracting {len(plan.extract)} articles, reusing {len(plan.reuse)}, removing {len(plan.remove)}")
        con.execute("BEGIN TRANSACTION")
        try:
            for kind, spec in EXTRACTED.items():
                replace_articles_rows(con, spec, list(plan.replaced), to_arrow(spec, []))
            replace_articles_rows(con, EXTRACTION_STATE, list(plan.replaced), to_arrow(EXTRACTION_STATE, []))
            # In batches, so that only two batches of articles and records are in memory at a time: the
            # one being stored and the next, which the workers extract meanwhile.
            batches = (load_articles(con, list(plan.extract[start:start + _BATCH]))
                       for start in range(0, len(plan.extract), _BATCH))
            for batch, records in extract_batches(batches):
                for kind, spec in EXTRACTED.items():
                    replace_articles_rows(con, spec, [], to_arrow(spec, records[kind]))
                replace_articles_rows(con, EXTRACTION_STATE, [], to_arrow(EXTRACTION_STATE, [
                    {"article_id": a.article_id, "sha256": a.sha256, "extractor_version": version} for a in batch]))
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        run = {"articles_extracted": len(plan.extract), "articles_reused": len(plan.reuse),
               "articles_removed": len(plan.remove), "extractor_version": version,
               "extracted_article_ids": dg.MetadataValue.json(list(plan.extract[:100]))}
        for spec in EXTRACTED.values():
            yield dg.MaterializeResult(asset_key=spec.name, metadata={**stored_table_metadata(con, spec, _PREVIEW[spec.name]), **run})


defs = dg.Definitions(assets=[extracted_records])
