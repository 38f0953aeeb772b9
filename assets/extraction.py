"""Extraction area: quotes, incidents and economic figures of every article."""

import dagster as dg

from assets.metadata import table_metadata
from caravan.extract import extract_corpus
from caravan.speaker_table import speaker_rows
from caravan.tables import RECORD_TABLES, SPEAKERS, TABLES
from caravan.warehouse import load_articles, replace_table, to_arrow
from pipelines.resources import WarehouseResource

_PREVIEW = {
    "quotes": ("speaker", "text", "medium", "partial"),
    "incidents": ("type", "city", "country", "date", "target_group"),
    "economic_figures": ("subject", "indicator", "value", "unit", "qualifier", "period"),
}


@dg.multi_asset(
    specs=[dg.AssetSpec(name, deps=["articles"], group_name="extraction", kinds={"duckdb", "python"},
                        owners=["team:caravan"], description=TABLES[name].description) for name in RECORD_TABLES],
    description="Rule-based, deterministic extraction of the three record tables from the articles.",
)
def extracted_records(warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        records = extract_corpus(load_articles(con))
        for name in RECORD_TABLES:
            data = to_arrow(TABLES[name], records[name])
            replace_table(con, TABLES[name], data)
            yield dg.MaterializeResult(asset_key=name, metadata=table_metadata(TABLES[name], data, _PREVIEW[name]))


@dg.asset(deps=["quotes", "articles"], group_name="extraction", kinds={"duckdb", "python"}, owners=["team:caravan"],
          description=SPEAKERS.description)
def speakers(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        # Speakers of published articles only: a synthetic test article's speaker is nobody.
        quotes = con.sql("SELECT q.* FROM quotes q JOIN articles a USING (article_id) WHERE NOT a.synthetic "
                         "ORDER BY q.record_id").to_arrow_table().to_pylist()
        data = to_arrow(SPEAKERS, speaker_rows(quotes))
        replace_table(con, SPEAKERS, data)
    return dg.MaterializeResult(metadata=table_metadata(SPEAKERS, data, ("speaker", "descriptions", "n_quotes", "n_articles")))


defs = dg.Definitions(assets=[extracted_records, speakers])
