import json

import pycountry

from caravan.store.tables import TABLES
from caravan.store.validation import EXPECTATIONS_DIR, VALIDATION_QUERIES
from caravan.store.vocabularies import DATE_PRECISIONS, INCIDENT_TYPES, INDICATORS, QUALIFIERS


def test_every_column_is_documented():
    for table in TABLES.values():
        assert table.description
        for col in table.columns:
            assert len(col.description) > 15, f"{table.name}.{col.name} is undocumented"


def test_arrow_schema_carries_descriptions():
    schema = TABLES["quotes"].arrow_schema()
    assert schema.field("speaker").metadata[b"description"].startswith(b"Who is quoted")
    assert not schema.field("record_id").nullable


def test_published_columns_leave_out_warehouse_bookkeeping():
    names = [c.name for c in TABLES["articles"].published_columns()]
    assert "ingested_at" not in names and "synthetic" not in names and "text" in names


def _suite_sets(table: str) -> dict[str, list]:
    suite = json.loads((EXPECTATIONS_DIR / f"{table}.json").read_text())
    return {e["kwargs"]["column"]: e["kwargs"]["value_set"] for e in suite["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["value_set"] != [True]}


def test_suites_use_the_vocabularies_of_the_code():
    """The suites are data; this keeps them from drifting away from the vocabularies."""
    inc = _suite_sets("incidents")
    assert inc["type"] == list(INCIDENT_TYPES)
    assert inc["date_precision"] == list(DATE_PRECISIONS)
    assert set(inc["country"]) == {c.alpha_2 for c in pycountry.countries}
    assert all(inc[f"{k}_qualifier"] == list(QUALIFIERS) for k in ("killed", "injured", "victims", "arrested"))
    fig = _suite_sets("economic_figures")
    assert fig["indicator"] == list(INDICATORS) and fig["qualifier"] == list(QUALIFIERS)


def test_every_table_has_a_suite_and_a_validation_query():
    for name in TABLES:
        assert (EXPECTATIONS_DIR / f"{name}.json").exists()
        assert name in VALIDATION_QUERIES
        columns = {e["kwargs"].get("column") for e in json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text())["expectations"]}
        assert set(TABLES[name].column_names) & columns, name


def test_readme_documents_every_column():
    """The README ends with the data dictionary generated from the specs: `python -m caravan.store.tables`."""
    from pathlib import Path

    from caravan.store.tables import data_dictionary

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert readme.endswith(data_dictionary()), "regenerate the README's tables: python -m caravan.store.tables"
