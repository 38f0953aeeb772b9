"""Great Expectations validation of the warehouse tables.

The suites are data (``expectations/<table>.json``, GX 1.x's serialised form). GX validates pandas
frames read from DuckDB (its SQL datasource over DuckDB does not work here); each frame is the table
plus a few columns derived in SQL, so that cross-table facts (a span lies inside its article and
matches its evidence) are ordinary column expectations. GX is imported lazily: it takes seconds.

The blocking checks run GX over a bounded sample of a table (``gx_sample_frame``) and the suite over the
whole table in SQL (``caravan.store.sql_checks``); the release's Data Docs show the SQL results over each
published table.

A validation gives one result per expectation, in suite order, and renders them as Markdown for the
Dagster UI: a table of every expectation with its result, and the failing values with their rows' keys.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from caravan.store.tables import ALL_TABLES
from caravan.store.warehouse import sql_identifier

if TYPE_CHECKING:
    import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"

# The articles' columns a span reads. Their lengths are computed here, once per article, and only where read.
_ARTICLES = "(SELECT article_id, n_chars, text, length(text) AS text_chars, strlen(text) AS text_bytes FROM articles)"

PLAIN_CUT = "substring(a.text, t.char_start + 1, t.char_end - t.char_start)"

# The span's characters, as PLAIN_CUT gives them, but cheaper where an article holds many spans. DuckDB finds a
# character offset by walking the UTF-8 text from its start (each record walks to its span's end): a span that lies
# inside its text is cut, in an ASCII text, by its bytes (a character is a byte there), and otherwise from whichever
# end of the text is nearer (a negative offset counts from the end, and DuckDB walks from there). Any other span
# (empty, reversed, negative, past the end) or a missing text is cut the plain way. The inner CASE runs only on spans
# inside their text, so that its sums cannot overflow on a wild offset.
NEARER_END_CUT = f"""CASE WHEN 0 <= t.char_start AND t.char_start < t.char_end AND t.char_end <= a.text_chars THEN CASE
        WHEN a.text_bytes = a.text_chars THEN decode(encode(a.text)[t.char_start + 1:t.char_end])
        WHEN t.char_start + t.char_end > a.text_chars THEN substring(a.text, t.char_start - a.text_chars, t.char_end - t.char_start)
        ELSE {PLAIN_CUT} END
      ELSE {PLAIN_CUT} END"""


def _with_span(table: str, derived: str, cut: str = PLAIN_CUT) -> str:
    """The frame of a table of spans: its rows (``t``) with their article's span columns, then the ``derived``
    columns, which read the span as ``t.span_text``. The span is cut once per row, in a query of its own: DuckDB
    walks the text again for every use of the expression. NEARER_END_CUT pays for the length of every article's
    text (about as much as cutting a span the plain way): for tables with many spans to an article."""
    return f"""
        SELECT * EXCLUDE (article_text_missing), {derived}
        FROM (SELECT t.*,
                a.article_id IS NOT NULL AS article_exists,
                coalesce(t.char_start >= 0 AND t.char_start < t.char_end AND t.char_end <= a.n_chars, false)
                  AS span_in_article,
                {cut} AS span_text,
                a.article_id IS NOT NULL AND a.text IS NULL AS article_text_missing
              FROM {table} t LEFT JOIN {_ARTICLES} a USING (article_id)) t"""


def _span_matches(evidence: str) -> str:
    """``span_matches_evidence``: null, as not checkable, where a release withheld the article's text
    (GX counts nulls as missing, not unexpected); false for a missing article or span."""
    return f"CASE WHEN t.article_text_missing THEN NULL ELSE coalesce({evidence}, false) END AS span_matches_evidence"


_SPAN_IN_SENTENCE = "contains(t.sentence, t.span_text) OR contains(t.span_text, t.sentence)"

# The frame each suite validates: the table itself plus derived columns named in the suites.
VALIDATION_QUERIES = {
    "articles": """
        SELECT *,
          published IS NULL OR coalesce(CASE length(published)
            WHEN 4 THEN try_strptime(published, '%Y') WHEN 7 THEN try_strptime(published, '%Y-%m')
            WHEN 10 THEN try_strptime(published, '%Y-%m-%d') END IS NOT NULL, false) AS published_is_date,
          n_chars = length(text) AS n_chars_matches_text,
          (text IS NULL) = (text_withheld IS NOT NULL) AS text_unless_withheld
        FROM articles""",
    # Ten quotes and six mentions of incidents to an article at 100,000 articles; four figures, one incident.
    "quotes": _with_span("quotes", _span_matches("t.span_text = t.text"), NEARER_END_CUT),
    "incidents": _with_span("incidents", f"""
        t.n_sources = (SELECT count(*) FROM incident_sources s WHERE s.incident_id = t.incident_id)
          AS n_sources_matches,
        {_span_matches(_SPAN_IN_SENTENCE)}"""),
    "incident_sources": _with_span("incident_sources", f"""
        {_span_matches(_SPAN_IN_SENTENCE)},
        t.incident_id IN (SELECT incident_id FROM incidents) AS incident_exists""", NEARER_END_CUT),
    "curation_log": "SELECT * FROM curation_log",
    "economic_figures": _with_span("economic_figures", _span_matches("t.span_text = t.raw")),
    "official_figures": "SELECT * FROM official_figures",
    # Works in the warehouse and in a release file alike (no warehouse-only columns).
    "speakers": """
        SELECT s.*, s.n_quotes <= (SELECT count(*) FROM quotes q WHERE lower(q.speaker) = lower(s.speaker)) AS n_quotes_matches
        FROM speakers s""",
    "figure_checks": """
        SELECT t.*, f.record_id IS NOT NULL AS figure_exists
        FROM figure_checks t LEFT JOIN economic_figures f ON f.record_id = t.figure_record_id""",
}


# GX validates at most this many rows of a table: the changed ones, then a fixed sample of about one row in
# GX_SAMPLE_BUCKETS (see gx_sample_frame).
GX_SAMPLE_ROWS = 5000
GX_SAMPLE_BUCKETS = 64

# Keyword arguments that name the columns an expectation is about, rather than what it expects of them.
COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list", "column_set")


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation of a suite, with what GX found. ``unexpected_sample`` is GX's partial list of the
    first unexpected values in frame order; ``unexpected_keys`` the table's key of the same rows, when known."""

    position: int  # 1-based, in suite order
    expectation: str
    columns: tuple[str, ...]
    arguments: dict
    success: bool
    element_count: int | None = None
    missing_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: object = None
    unexpected_sample: list = field(default_factory=list)
    unexpected_keys: list = field(default_factory=list)
    error: str | None = None

    def describe(self) -> str:
        where = f" on {', '.join(self.columns)}" if self.columns else ""
        if self.error:
            return f"{self.expectation}{where}: error: {self.error}"
        if self.unexpected_count is None:
            return f"{self.expectation}{where}: observed {self.observed_value!r}"
        return f"{self.expectation}{where}: {self.unexpected_count} unexpected, e.g. {self.unexpected_sample[:5]}"


@dataclass
class ValidationOutcome:
    table: str
    success: bool
    evaluated: int
    results: list[ExpectationResult] = field(default_factory=list)
    key: str | None = None  # the column that names a row in ``unexpected_keys``

    @property
    def failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    @property
    def unexpected_values(self) -> int:
        return sum(r.unexpected_count or 0 for r in self.failures)


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
        names.update(dict.fromkeys(expectation_columns(exp.get("kwargs") or {})))
    return list(names)


def expectation_columns(kwargs: dict) -> list[str]:
    names: list[str] = []
    for key in COLUMN_KWARGS:
        value = kwargs.get(key)
        if value:
            names += [value] if isinstance(value, str) else list(value)
    return names


def validation_frame(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The frame ``table``'s suite validates; only ``columns`` of it when given (a smaller frame, the same
    results for a suite that names no other column)."""
    return _frame(con, table, columns)


def gx_sample_frame(con: duckdb.DuckDBPyConnection, table: str, columns: list[str],
                    limit: int = GX_SAMPLE_ROWS) -> pd.DataFrame:
    """The rows of the validation frame GX validates, at most ``limit``: first the rows of the changed articles,
    then a fixed sample (the rows whose key's MD5 falls in one of ``GX_SAMPLE_BUCKETS`` buckets), each in the
    order of their key's MD5, so the same table gives the same rows.

    The changed articles are those whose text the latest ingest saw first (``articles.ingested_at`` is the latest):
    the new and changed texts, which the extraction after that ingest extracted. When the extractors changed it
    extracted every article; the fixed sample stands for the rest. A table without ``article_id``, or a warehouse
    without ``ingested_at``, has only the fixed sample."""
    key, name = sql_identifier(ALL_TABLES[table].primary_key), sql_identifier(table)
    changed = "false"
    if {"article_id", "ingested_at"} <= _columns(con, "articles") and "article_id" in _columns(con, table):
        changed = ("article_id IN (SELECT article_id FROM articles "
                   "WHERE ingested_at = (SELECT max(ingested_at) FROM articles))")
    bucket = f"md5_number_lower(CAST({key} AS VARCHAR))"
    # With at least ``limit`` changed rows the changed ones fill the sample: the others' keys need no hash (an MD5
    # of every key of a million rows is most of the sample's cost).
    enough = con.execute(f"SELECT count(*) >= {int(limit)} FROM {name} WHERE {changed}").fetchone()[0]
    fixed = "false" if enough else f"{bucket} % {GX_SAMPLE_BUCKETS} = 0"
    picked = (f"SELECT DISTINCT {key} FROM (SELECT {key} FROM {name} WHERE {changed} OR {fixed} "
              f"ORDER BY {changed} DESC, {bucket}, {key} LIMIT {int(limit)})")
    # The rows of the picked keys, as ``key IN (picked)`` gives them. As a join DuckDB knows they are few, and may
    # push a filter of their article ids into the articles' scan, reading only those texts (it does for the changed
    # quotes of a daily build; an IN reads every text).
    return _frame(con, table, columns, rows=f"SELECT t.* FROM ({picked}) JOIN {name} t USING ({key})")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                          [table]).fetchall()}


def _frame(con: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None, rows: str = "") -> pd.DataFrame:
    """The validation frame, of the table's ``rows`` (a query) only when given."""
    # In key order: a join returns its rows in any order, and the Data Docs print a fingerprint of the frame.
    select = "*" if columns is None else ", ".join(sql_identifier(c) for c in columns)
    # Named as the table, the rows stand for it in the frame's query (no frame reads its own table elsewhere): its
    # derived columns are computed for these rows only (the spans cut for them alone).
    with_rows = f"WITH {sql_identifier(table)} AS ({rows}) " if rows else ""
    query = f"{with_rows}SELECT {select} FROM ({VALIDATION_QUERIES[table]}) ORDER BY {ALL_TABLES[table].order_by()}"
    # Through Arrow: DuckDB's own .df() calls a pandas API that pandas 3 deprecates.
    frame = con.sql(query).to_arrow_table().to_pandas()
    return frame.drop(columns=["span_text"], errors="ignore")


def validate_frame(frame: pd.DataFrame, suite_json: dict, key: str | None = None) -> ValidationOutcome:
    """Run the suite over the frame; one result per expectation, in suite order. ``key`` is the column that
    names a row (the table's primary key): when the frame has it, each failing value says which row it is in."""
    import great_expectations as gx  # lazy: importing GX takes seconds
    from great_expectations.core import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    name = suite_json["name"]
    specs = suite_json["expectations"]
    batch_definition = (context.data_sources.add_pandas(f"caravan_{name}")
                        .add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole_table"))
    # GX returns the results in an order of its own: the position as id puts them back in suite order.
    suite = ExpectationSuite(name=name, expectations=[{**spec, "id": str(i)} for i, spec in enumerate(specs)])
    key = key if key in frame.columns else None
    result_format = {"result_format": "SUMMARY", **({"unexpected_index_column_names": [key]} if key else {})}
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format=result_format)
    found = {int(r.expectation_config.id): r for r in result.results}
    results = [_expectation_result(i + 1, spec, found[i], key) for i, spec in enumerate(specs)]
    return ValidationOutcome(table=name, success=bool(result.success), evaluated=len(result.results),
                             results=results, key=key)


def validate_table(con: duckdb.DuckDBPyConnection, table: str, folder: Path = EXPECTATIONS_DIR) -> ValidationOutcome:
    suite = load_suite(table, folder)
    key = ALL_TABLES[table].primary_key
    columns = suite_columns(suite)
    if key not in columns:  # so that a failing value can name its row
        columns.append(key)
    return validate_frame(validation_frame(con, table, columns), suite, key)


def expectations_markdown(outcome: ValidationOutcome) -> str:
    """A Markdown table of the suite: one row per expectation, in suite order, with what GX found."""
    lines = ["| # | expectation | column | arguments | passed | result |",
             "| ---: | --- | --- | --- | :---: | --- |"]
    for r in outcome.results:
        cells = (str(r.position), _code(r.expectation), ", ".join(_code(c) for c in r.columns),
                 _code(_arguments(r.arguments)) if r.arguments else "", "✓" if r.success else "✗", _found(r))
        # A pipe would end the cell, even inside a code span (GFM); a newline would end the row.
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def failing_values_markdown(outcome: ValidationOutcome, listed: int = 10) -> str:
    """Per failed expectation, the first unexpected values GX sampled (the first ``listed`` distinct ones),
    each with how often it occurs in the sample and the key of its rows; "" when every expectation passed."""
    parts = []
    for r in outcome.failures:
        where = " on " + ", ".join(_code(c) for c in r.columns) if r.columns else ""
        parts.append(f"**{r.position}. {_code(r.expectation)}{where}**: {_found(r)}")
        # Distinct values in order of first appearance (the frame is in key order), with their rows' keys.
        groups: dict[str, list] = {}
        keys = r.unexpected_keys if r.columns != (outcome.key,) else []
        for i, value in enumerate(r.unexpected_sample):
            groups.setdefault(_value(value), []).append(keys[i] if keys else None)
        items = []
        for value, rows in list(groups.items())[:listed]:
            item = f"- {value}" + (f" ×{len(rows)}" if len(rows) > 1 else "")
            if keys:
                named = ", ".join(_value(k) for k in rows[:5]) + (", …" if len(rows) > 5 else "")
                item += f" ({outcome.key} {named})"
            items.append(item)
        listed_count = sum(len(rows) for rows in list(groups.values())[:listed])
        if (r.unexpected_count or 0) > listed_count:
            items.append(f"- … and {r.unexpected_count - listed_count} more")
        if items:
            parts.append("\n".join(items))
    return "\n\n".join(parts) + "\n" if parts else ""


def _found(r: ExpectationResult) -> str:
    if r.error:
        return "error: " + _short(r.error, 160)
    if r.unexpected_count is None:
        return "" if r.observed_value is None else "observed " + _code(_short(r.observed_value))
    # GX's percentage is of the non-null values, the ones a column expectation checks.
    checked = (r.element_count or 0) - (r.missing_count or 0)
    text = f"{r.unexpected_count} of {checked} unexpected"
    if r.unexpected_count and r.unexpected_percent is not None:
        text += f" ({r.unexpected_percent:.3g}%)"
    return text


def _arguments(arguments: dict) -> str:
    return _short(", ".join(f"{name}={_short(value)}" for name, value in arguments.items()), 80)


def _value(value) -> str:
    """A sample value as Markdown: literal text in a code span, null and the empty string in words."""
    if value is None:
        return "*null*"
    if value == "":
        return "*empty string*"
    return _code(_short(value))


def _short(value, limit: int = 120) -> str:
    """Readable one-line text of a value: lists cut to their first items, each text cut at ``limit``."""
    if isinstance(value, (list, tuple)):
        head = ", ".join(_short(v, limit) for v in value[:5])
        return f"[{head}" + (f", … +{len(value) - 5}]" if len(value) > 5 else "]")
    if isinstance(value, dict):  # a row of several columns: every column is kept
        return ", ".join(f"{k}={_short(v, limit)}" for k, v in value.items())
    text = json.dumps(value) if isinstance(value, bool) or value is None else str(value)
    text = text.replace("\r\n", "↵").replace("\n", "↵")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _code(text: str) -> str:
    """``text`` as a Markdown code span, fenced by more backticks than it holds in a row."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _expectation_result(position: int, spec: dict, gx_result, key: str | None) -> ExpectationResult:
    kwargs = spec.get("kwargs") or {}
    summary = gx_result.result or {}
    sample = [plain_value(v) for v in summary.get("partial_unexpected_list") or []]
    # With a key column, GX lists each unexpected row as a dict of the key and the checked column(s).
    rows = summary.get("partial_unexpected_index_list") or []
    keyed = key is not None and len(rows) == len(sample) and all(isinstance(row, dict) for row in rows)
    return ExpectationResult(
        position=position,
        expectation=gx_result.expectation_config.type,
        columns=tuple(expectation_columns(kwargs)),
        arguments={k: v for k, v in kwargs.items() if k not in COLUMN_KWARGS},
        success=bool(gx_result.success),
        element_count=summary.get("element_count"),
        missing_count=summary.get("missing_count"),
        unexpected_count=summary.get("unexpected_count"),
        unexpected_percent=plain_value(summary.get("unexpected_percent")),
        observed_value=plain_value(summary.get("observed_value")),
        unexpected_sample=sample,
        unexpected_keys=[plain_value(row.get(key)) for row in rows] if keyed else [],
        error=_error(gx_result.exception_info),
    )


def _error(info: dict | None) -> str | None:
    """The message of an exception GX caught while evaluating an expectation (a missing column, say)."""
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    # Otherwise keyed by the metric that failed to compute.
    messages = [i.get("exception_message") for i in info.values() if isinstance(i, dict) and i.get("raised_exception")]
    return "; ".join(dict.fromkeys(m for m in messages if m)) or None


def _is_pandas_missing(value) -> bool:
    # pandas' missing values come only from a pandas frame, and then pandas is loaded: the SQL checks and the
    # release's child processes need not import it (half a second each).
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def plain_value(value):
    """JSON-friendly sample values for reports and Dagster metadata."""
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    if value is None or _is_pandas_missing(value):
        return None
    if isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, dict):  # a row of a compound-column expectation
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):  # a pair of a column-pair expectation
        return [plain_value(v) for v in value]
    return str(value)
