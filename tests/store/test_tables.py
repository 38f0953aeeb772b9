import importlib
import json
from dataclasses import replace

import pycountry
import pytest

from caravan.store.tables import EXTRACTED, TABLES
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


def _redescribed(table):
    return replace(table, description="Another description.",
                   columns=tuple(replace(c, description=f"Another word on {c.name}.") for c in table.columns))


def _retyped(table):
    first = table.columns[-1]
    return replace(table, columns=(*table.columns[:-1], replace(first, type="BLOB" if first.type != "BLOB" else "VARCHAR")))


# Each version of a step that stores rows, the module it reads a table from, and that table's name there.
_VERSIONS = [
    ("caravan.extract.plan", "extractor_version", None, "quotes"),
    ("caravan.curate.merge_update", "merge_version", "INCIDENTS", None),
    ("caravan.statistics.check_plan", "_code_version", "FIGURE_CHECKS", None),
]


@pytest.mark.parametrize("module, version, attribute, extracted_kind", _VERSIONS)
def test_step_versions_follow_the_tables_shapes_not_their_descriptions(monkeypatch, module, version, attribute,
                                                                       extracted_kind):
    """A documentation change must not make a build extract, merge or check every record again; a column that
    changes type must."""
    mod = importlib.import_module(module)
    compute = getattr(mod, version).__wrapped__  # the version as computed, not the process's cached one
    read, files_digest = [], mod.files_digest
    monkeypatch.setattr(mod, "files_digest", lambda files: files_digest(read.append(f) or f for f in files))
    before = compute()
    assert read and not [name for name, path in read if path.name == "tables.py"]  # its descriptions are in it
    monkeypatch.undo()

    def use(change):
        if extracted_kind:
            monkeypatch.setitem(EXTRACTED, extracted_kind, change(EXTRACTED[extracted_kind]))
        else:
            monkeypatch.setattr(mod, attribute, change(getattr(mod, attribute)))
        return compute()

    assert use(_redescribed) == before
    monkeypatch.undo()
    assert use(_retyped) != before


def test_a_shape_leaves_out_descriptions_and_holds_the_rest():
    quotes = TABLES["quotes"]
    assert quotes.shape() == _redescribed(quotes).shape()
    assert quotes.shape() != _retyped(quotes).shape()
    assert quotes.shape() != replace(quotes, sort_by=tuple(reversed(quotes.sort_by))).shape()
    assert quotes.shape() != replace(quotes, columns=tuple(replace(c, required=not c.required) if c.name == "speaker"
                                                           else c for c in quotes.columns)).shape()
