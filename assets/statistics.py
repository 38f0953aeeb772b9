"""Statistics area: official figures, and the check of every reported figure against them."""

import dagster as dg

from assets.metadata import stored_table_metadata, table_metadata
from caravan.statistics.check_plan import stored_verdict_counts, update_figure_checks
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
        official = con.sql("SELECT * FROM official_figures ORDER BY record_id").to_arrow_table().to_pylist()
        plan = update_figure_checks(con, official)
        verdicts = stored_verdict_counts(con)
        meta = stored_table_metadata(con, FIGURE_CHECKS, ("subject", "indicator", "period", "reported_as",
                                                          "vintage_verdict", "verdict"))
    meta.update({f"verdicts/{k}": v for k, v in verdicts.items()})
    meta.update({"figures_checked": len(plan.check), "figures_removed": len(plan.remove), "figures_kept": plan.kept})
    return dg.MaterializeResult(metadata=meta)


defs = dg.Definitions(assets=[official_figures, figure_checks])
