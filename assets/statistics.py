"""Statistics area: official figures, and the check of every reported figure against them."""

import dagster as dg

from assets.metadata import table_metadata
from caravan.statistics.reconcile import check_figures, verdict_counts
from caravan.statistics.load import load_official_figures
from caravan.store.tables import FIGURE_CHECKS, OFFICIAL_FIGURES
from caravan.store.warehouse import replace_table, to_arrow
from assets.resources import StatisticsResource, WarehouseResource


@dg.asset(group_name="statistics", kinds={"duckdb", "python"}, owners=["team:caravan"], description=OFFICIAL_FIGURES.description)
def official_figures(statistics: StatisticsResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    rows, snapshot = load_official_figures(statistics.reference_csv, statistics.snapshots_folder)
    data = to_arrow(OFFICIAL_FIGURES, rows)
    with warehouse.get_connection() as con:
        replace_table(con, OFFICIAL_FIGURES, data)
    meta = table_metadata(OFFICIAL_FIGURES, data, ("publisher", "reported_as", "indicator_code", "country_iso3", "year", "value"))
    meta["world_bank_snapshot"] = str(snapshot) if snapshot else "none recorded: reference figures only"
    return dg.MaterializeResult(metadata=meta)


@dg.asset(deps=["economic_figures", "official_figures", "articles"], group_name="statistics", kinds={"duckdb", "python"},
          owners=["team:caravan"], description=FIGURE_CHECKS.description)
def figure_checks(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        figures = con.sql("SELECT * FROM economic_figures ORDER BY article_id, char_start, record_id").to_arrow_table().to_pylist()
        published = dict(con.execute("SELECT article_id, published FROM articles").fetchall())
        official = con.sql("SELECT * FROM official_figures ORDER BY record_id").to_arrow_table().to_pylist()
        rows = check_figures(figures, published, official)
        data = to_arrow(FIGURE_CHECKS, rows)
        replace_table(con, FIGURE_CHECKS, data)
    meta = table_metadata(FIGURE_CHECKS, data, ("subject", "indicator", "period", "reported_as", "vintage_verdict", "verdict"))
    meta.update({f"verdicts/{k}": v for k, v in verdict_counts(rows).items()})
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[official_figures, figure_checks])
