"""Validation area: one blocking Great Expectations check per table, made from its suite file."""

import dagster as dg

from caravan.store.tables import TABLES
from caravan.store.validation import EXPECTATIONS_DIR, expectations_markdown, failing_values_markdown, validate_table
from assets.resources import WarehouseResource


def expectation_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=table, name=f"{table}_expectations", blocking=True,
                    description=f"Great Expectations suite expectations/{table}.json; a failure blocks the release.")
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            outcome = validate_table(con, table, EXPECTATIONS_DIR)
        # Counts to plot over runs; the tables to read.
        metadata = {"expectations_evaluated": outcome.evaluated,
                    "expectations_failed": len(outcome.failures),
                    "unexpected_values": outcome.unexpected_values,
                    "expectations": dg.MetadataValue.md(expectations_markdown(outcome))}
        if not outcome.success:
            metadata["failing_values"] = dg.MetadataValue.md(failing_values_markdown(outcome))
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if outcome.success else "; ".join(f.describe() for f in outcome.failures),
            metadata=metadata,
        )
    return _check


defs = dg.Definitions(asset_checks=[expectation_check(name) for name in TABLES])
