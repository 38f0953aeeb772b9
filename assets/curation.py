"""Curation area: the published record tables, made from the extracted ones and the curators' decisions."""

import dagster as dg

from assets.metadata import table_metadata
from caravan.speaker_table import speaker_rows
from caravan.tables import EXTRACTED, SPEAKERS, TABLES
from caravan.warehouse import read_table, replace_table, to_arrow
from pipelines.resources import WarehouseResource

_PREVIEW = {
    "quotes": ("speaker", "text", "medium", "partial", "origin"),
    "incidents": ("type", "city", "country", "date", "target_group", "origin"),
    "economic_figures": ("subject", "indicator", "value", "unit", "qualifier", "period", "origin"),
}


@dg.multi_asset(
    specs=[dg.AssetSpec(kind, deps=[spec.name], group_name="curation", kinds={"duckdb", "python"},
                        owners=["team:caravan"], description=TABLES[kind].description) for kind, spec in EXTRACTED.items()],
    description="The published quotes, incidents and economic figures: the extracted records with the curators' decisions applied.",
)
def curated_records(warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        for kind, spec in EXTRACTED.items():
            rows = read_table(con, spec.name).to_pylist()
            for row in rows:
                row["origin"] = "machine"
            data = to_arrow(TABLES[kind], rows)
            replace_table(con, TABLES[kind], data)
            yield dg.MaterializeResult(asset_key=kind, metadata=table_metadata(TABLES[kind], data, _PREVIEW[kind]))


@dg.asset(deps=["quotes", "articles"], group_name="curation", kinds={"duckdb", "python"}, owners=["team:caravan"],
          description=SPEAKERS.description)
def speakers(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        # Speakers of published articles only: a synthetic test article's speaker is nobody.
        quotes = con.sql("SELECT q.* FROM quotes q JOIN articles a USING (article_id) WHERE NOT a.synthetic "
                         "ORDER BY q.record_id").to_arrow_table().to_pylist()
        data = to_arrow(SPEAKERS, speaker_rows(quotes))
        replace_table(con, SPEAKERS, data)
    return dg.MaterializeResult(metadata=table_metadata(SPEAKERS, data, ("speaker", "descriptions", "n_quotes", "n_articles")))


defs = dg.Definitions(assets=[curated_records, speakers])
