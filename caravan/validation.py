"""Great Expectations validation of the warehouse tables.

The suites are data (``expectations/<table>.json``, GX 1.x's serialised form). GX validates pandas
frames read from DuckDB (its SQL datasource over DuckDB does not work here); each frame is the table
plus a few columns derived in SQL, so that cross-table facts (a span lies inside its article and
matches its evidence) are ordinary column expectations. GX is imported lazily: it takes seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from caravan.tables import ALL_TABLES

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"

_SPAN = """
    a.article_id IS NOT NULL AS article_exists,
    coalesce(t.char_start >= 0 AND t.char_start < t.char_end AND t.char_end <= a.n_chars, false) AS span_in_article,
    substring(a.text, t.char_start + 1, t.char_end - t.char_start) AS span_text"""

# The frame each suite validates: the table itself plus derived columns named in the suites.
VALIDATION_QUERIES = {
    "articles": """
        SELECT *,
          published IS NULL OR coalesce(CASE length(published)
            WHEN 4 THEN try_strptime(published, '%Y') WHEN 7 THEN try_strptime(published, '%Y-%m')
            WHEN 10 THEN try_strptime(published, '%Y-%m-%d') END IS NOT NULL, false) AS published_is_date,
          n_chars = length(text) AS n_chars_matches_text
        FROM articles""",
    "quotes": f"""
        SELECT t.*, {_SPAN}, coalesce(substring(a.text, t.char_start + 1, t.char_end - t.char_start) = t.text, false) AS span_matches_evidence
        FROM quotes t LEFT JOIN articles a USING (article_id)""",
    "incidents": f"""
        SELECT t.*, {_SPAN}, t.n_sources = (SELECT count(*) FROM incident_sources s WHERE s.incident_id = t.incident_id) AS n_sources_matches, coalesce(contains(t.sentence, substring(a.text, t.char_start + 1, t.char_end - t.char_start))
                                   OR contains(substring(a.text, t.char_start + 1, t.char_end - t.char_start), t.sentence), false) AS span_matches_evidence
        FROM incidents t LEFT JOIN articles a USING (article_id)""",
    "incident_sources": f"""
        SELECT t.*, {_SPAN}, coalesce(contains(t.sentence, substring(a.text, t.char_start + 1, t.char_end - t.char_start))
                                   OR contains(substring(a.text, t.char_start + 1, t.char_end - t.char_start), t.sentence), false) AS span_matches_evidence,
               t.incident_id IN (SELECT incident_id FROM incidents) AS incident_exists
        FROM incident_sources t LEFT JOIN articles a USING (article_id)""",
    "curation_log": "SELECT * FROM curation_log",
    "economic_figures": f"""
        SELECT t.*, {_SPAN}, coalesce(substring(a.text, t.char_start + 1, t.char_end - t.char_start) = t.raw, false) AS span_matches_evidence
        FROM economic_figures t LEFT JOIN articles a USING (article_id)""",
    "official_figures": "SELECT * FROM official_figures",
    # Works in the warehouse and in a release file alike (no warehouse-only columns).
    "speakers": """
        SELECT s.*, s.n_quotes <= (SELECT count(*) FROM quotes q WHERE lower(q.speaker) = lower(s.speaker)) AS n_quotes_matches
        FROM speakers s""",
    "figure_checks": """
        SELECT t.*, f.record_id IS NOT NULL AS figure_exists
        FROM figure_checks t LEFT JOIN economic_figures f ON f.record_id = t.figure_record_id""",
}


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    unexpected_sample: list

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        return f"{self.expectation}{where}: {self.unexpected_count} unexpected, e.g. {self.unexpected_sample[:5]}"


@dataclass
class ValidationOutcome:
    table: str
    success: bool
    evaluated: int
    failures: list[Failure] = field(default_factory=list)


def load_suite(table: str, folder: Path = EXPECTATIONS_DIR) -> dict:
    path = Path(folder) / f"{table}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the expectation suite ({exc})") from exc


def suite_columns(suite_json: dict) -> list[str]:
    """The columns a suite's expectations name, in order of first use."""
    names: dict[str, None] = {}
    for exp in suite_json["expectations"]:
        kwargs = exp.get("kwargs") or {}
        for key in ("column", "column_A", "column_B"):
            if kwargs.get(key):
                names[kwargs[key]] = None
        for key in ("column_list", "column_set"):
            names.update(dict.fromkeys(kwargs.get(key) or ()))
    return list(names)


def validation_frame(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The frame ``table``'s suite validates; only ``columns`` of it when given (a smaller frame, the same
    results for a suite that names no other column)."""
    # In key order: a join returns its rows in any order, and the Data Docs print a fingerprint of the frame.
    order = ", ".join(f'"{c}"' for c in ALL_TABLES[table].sort_by)
    select = "*" if columns is None else ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    query = f"SELECT {select} FROM ({VALIDATION_QUERIES[table]}) ORDER BY {order}"
    # Through Arrow: DuckDB's own .df() calls a pandas API that pandas 3 deprecates.
    frame = con.sql(query).to_arrow_table().to_pandas()
    return frame.drop(columns=["span_text"], errors="ignore")


def validate_frame(frame: pd.DataFrame, suite_json: dict) -> ValidationOutcome:
    import great_expectations as gx  # lazy: importing GX takes seconds
    from great_expectations.core import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    name = suite_json["name"]
    batch_definition = (context.data_sources.add_pandas(f"caravan_{name}")
                        .add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole_table"))
    suite = ExpectationSuite(name=name, expectations=suite_json["expectations"])
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format="SUMMARY")
    failures = [
        Failure(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            unexpected_count=r.result.get("unexpected_count"),
            unexpected_sample=[_plain(v) for v in r.result.get("partial_unexpected_list") or []],
        )
        for r in result.results if not r.success
    ]
    return ValidationOutcome(table=name, success=bool(result.success), evaluated=len(result.results), failures=failures)


def validate_table(con: duckdb.DuckDBPyConnection, table: str, folder: Path = EXPECTATIONS_DIR) -> ValidationOutcome:
    suite = load_suite(table, folder)
    return validate_frame(validation_frame(con, table, suite_columns(suite)), suite)


def _plain(value):
    """JSON-friendly sample values for reports and Dagster metadata."""
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    return str(value)
