"""Validation area: one blocking check per table, made from its suite file: the suite and the table's key links in
SQL over the whole table, and Great Expectations over the changed rows and a fixed sample."""

import dagster as dg

from caravan.store.sql_checks import check_table
from caravan.store.tables import TABLES
from caravan.store.validation import EXPECTATIONS_DIR, expectations_markdown, failing_values_markdown
from caravan.store.warehouse import lower_memory_limit
from assets.resources import WarehouseResource


def expectation_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=table, name=f"{table}_expectations", blocking=True,
                    description=f"Great Expectations suite expectations/{table}.json and the table's key links; "
                                "a failure blocks the release.")
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            lower_memory_limit(con)  # the build's process still holds what earlier steps left
            check = check_table(con, table, EXPECTATIONS_DIR)
        outcome, links = check.suite, check.links
        # Counts to plot over runs; the tables to read.
        metadata = {"expectations_evaluated": outcome.evaluated,
                    "expectations_failed": len(outcome.failures),
                    "unexpected_values": outcome.unexpected_values,
                    "rows_validated_by_gx": check.gx_rows,
                    "expectations": dg.MetadataValue.md(expectations_markdown(outcome))}
        if links.results:
            metadata["key_links_failed"] = len(links.failures)
            metadata["key_links"] = dg.MetadataValue.md(expectations_markdown(links))
        if not check.success:
            metadata["failing_values"] = dg.MetadataValue.md(
                "\n".join(filter(None, (failing_values_markdown(outcome), failing_values_markdown(links)))))
        return dg.AssetCheckResult(
            passed=check.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if check.success else "; ".join(f.describe() for f in outcome.failures + links.failures),
            metadata=metadata,
        )
    return _check


defs = dg.Definitions(asset_checks=[expectation_check(name) for name in TABLES])
