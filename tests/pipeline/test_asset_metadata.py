"""What the Dagster UI shows for every asset, read from the definitions and the materialisations."""

from __future__ import annotations

import dagster as dg
import duckdb

from caravan.store.tables import ALL_TABLES
from caravan.store.validation import load_suite
from tests.conftest import SampleBuild


def test_every_asset_has_description_group_kinds_and_owner():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name, key
        assert any(tag.startswith("dagster/kind/") for tag in node.tags), key
        assert node.owners == ["team:caravan"], key


def test_every_table_asset_reports_rows_schema_and_preview(sample_build: SampleBuild):
    result = sample_build.result
    seen, counts = set(), {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        name = mat.asset_key.to_user_string()
        if name == "release":
            assert mat.metadata["version"].value == "2024.04.01"
            continue
        seen.add(name)
        meta = mat.metadata
        table = ALL_TABLES[name]
        schema = meta["dagster/column_schema"].value
        assert [c.name for c in schema.columns] == table.column_names
        assert all(c.description for c in schema.columns)
        if name == "curation_log":  # the sample has no curation decisions yet
            assert meta["dagster/row_count"].value == 0
            continue
        assert meta["dagster/row_count"].value > 0, name
        assert meta["preview"].value.startswith("| "), name  # a Markdown table of the newest rows
        counts[name] = meta["dagster/row_count"].value
    assert seen == {"articles", "stg_quotes", "stg_incident_mentions", "stg_economic_figures", "quotes", "incidents",
                    "incident_sources", "economic_figures", "speakers", "official_figures", "figure_checks", "curation_log"}
    con = duckdb.connect(str(sample_build.warehouse), read_only=True)
    assert counts == {name: con.sql(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in counts}
    con.close()
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) == 9 and all(c.passed for c in checks)
    assert all(c.metadata["expectations_evaluated"].value > 3 for c in checks)
    for check in checks:  # the suite as a Markdown table, every expectation passed, no failing values
        suite = load_suite(check.asset_key.to_user_string())
        rows = check.metadata["expectations"].value.splitlines()[2:]
        assert len(rows) == len(suite["expectations"]) and all(" | ✓ | " in row for row in rows), check.check_name
        assert rows[0].startswith(f"| 1 | `{suite['expectations'][0]['type']}` |")
        assert check.metadata["expectations_failed"].value == check.metadata["unexpected_values"].value == 0
        assert "failing_values" not in check.metadata
