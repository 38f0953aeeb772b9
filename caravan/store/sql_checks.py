"""The blocking check of a table: its expectation suite and its key links in DuckDB SQL over the whole table,
and Great Expectations over a bounded sample of it.

SQL gives what GX's pandas path gives (the same counts, the same first unexpected values in key order, the
same null handling and ``mostly``) without reading the table into Python; GX still runs its own code on the
rows the latest ingest changed plus a fixed sample (``caravan.store.validation.gx_sample_frame``), so that a
difference between the two shows as a failure. A suite regex is translated to RE2, DuckDB's dialect, where
every part of it has a known equivalent there (GX's pandas path searches with Python's ``re``); otherwise
Python searches it over the column in batches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from caravan.store.tables import ALL_TABLES
from caravan.store.validation import (COLUMN_KWARGS, EXPECTATIONS_DIR, VALIDATION_QUERIES, ExpectationResult,
                                      ValidationOutcome, expectation_columns, plain_value, gx_sample_frame, load_suite,
                                      suite_columns, validate_frame)
from caravan.store.warehouse import sql_identifier, sql_string

PARTIAL_UNEXPECTED = 20  # unexpected values listed per expectation: as many as GX's SUMMARY result lists
_BATCH_ROWS = 50_000  # rows per batch where Python searches a regex


@dataclass(frozen=True)
class KeyLink:
    """``table.column`` names a row of ``target``: every non-null value is one of ``target.target_column``."""

    table: str
    column: str
    target: str
    target_column: str


# The links that hold by design (a curation decision may name a record that is gone: it is not a link).
KEY_LINKS = (
    *(KeyLink(t, "article_id", "articles", "article_id")
      for t in ("quotes", "incidents", "incident_sources", "economic_figures", "figure_checks")),
    KeyLink("incident_sources", "incident_id", "incidents", "incident_id"),
    KeyLink("figure_checks", "figure_record_id", "economic_figures", "record_id"),
)


@dataclass(frozen=True)
class TableCheck:
    """What a table's blocking check found: the suite (SQL over the whole table, or GX's result on the sample
    where only GX failed), the key links, and how many rows GX validated."""

    suite: ValidationOutcome
    links: ValidationOutcome
    gx_rows: int

    @property
    def success(self) -> bool:
        return self.suite.success and self.links.success


def check_table(con: duckdb.DuckDBPyConnection, table: str, folder: Path = EXPECTATIONS_DIR) -> TableCheck:
    """The table's suite in SQL over the whole table AND in GX over its sample, and its key links."""
    suite = load_suite(table, folder)
    key = ALL_TABLES[table].primary_key
    columns = suite_columns(suite)
    sample = gx_sample_frame(con, table, columns if key in columns else [*columns, key])
    return TableCheck(suite=combined(evaluate_suite(con, table, suite), validate_frame(sample, suite, key)),
                      links=check_key_links(con, table), gx_rows=len(sample))


def combined(sql: ValidationOutcome, gx: ValidationOutcome) -> ValidationOutcome:
    """SQL's results, except where GX failed on its sample and SQL did not: there GX's (a disagreement)."""
    results = [g if r.success and not g.success else r for r, g in zip(sql.results, gx.results)]
    return replace(sql, success=sql.success and gx.success, results=results)


# -- the suite ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Condition:
    """An expectation as row predicates over the frame: the rows it finds unexpected, and the rows it ignores as
    missing (None where GX reports no missing count: the not-null expectation counts nulls as unexpected)."""

    unexpected: str
    missing: str | None


_EVALUATION_ERRORS = (duckdb.Error, re.error, ValueError)  # an expectation that cannot be evaluated fails with it


def evaluate_suite(con: duckdb.DuckDBPyConnection, table: str, suite_json: dict,
                   frame_query: str | None = None) -> ValidationOutcome:
    """The suite over the table's whole validation frame (``VALIDATION_QUERIES``), in SQL: one result per
    expectation, in suite order, as GX's pandas path reports it. ``frame_query`` selects the frame instead, when
    it is held elsewhere (a copy made once for the whole suite, say)."""
    frame = _Frame(con, table, frame_query)
    results: dict[int, ExpectationResult] = {}
    conditions: dict[int, tuple[ExpectationResult, _Condition, float]] = {}
    for position, spec in enumerate(suite_json["expectations"], 1):
        kind, kwargs = spec["type"], spec.get("kwargs") or {}
        base = ExpectationResult(position=position, expectation=kind,
                                 columns=tuple(expectation_columns(kwargs)), success=False,
                                 arguments={k: v for k, v in kwargs.items() if k not in COLUMN_KWARGS})
        try:
            if kind == "expect_column_values_to_match_regex" and re2_pattern(kwargs["regex"], con) is None:
                results[position] = _python_regex(frame, base, kwargs["regex"], kwargs.get("mostly", 1))
            else:
                conditions[position] = (base, _condition(kind, kwargs, frame), kwargs.get("mostly", 1))
        except _EVALUATION_ERRORS as exc:
            results[position] = _error_result(base, exc)
    results.update(_counted(frame, conditions))
    ordered = [results[position] for position in sorted(results)]
    return ValidationOutcome(table=suite_json["name"], success=all(r.success for r in ordered),
                             evaluated=len(ordered), results=ordered, key=frame.key)


def _error_result(base: ExpectationResult, exc: Exception) -> ExpectationResult:
    return replace(base, error=str(exc).splitlines()[0])


def _counted(frame: _Frame, conditions: dict[int, tuple[ExpectationResult, _Condition, float]]
             ) -> dict[int, ExpectationResult]:
    """The results of the expectations written as conditions, by position. Their counts come from one pass over the
    frame (its joins, the articles' texts for the spans, run once, not once per expectation); where that pass fails
    (a column the frame lacks, say), each is counted alone, so that the error is its own."""
    try:
        counts = frame.counts_of([condition for _, condition, _ in conditions.values()]) if conditions else []
    except duckdb.Error:
        counts = None
    results = {}
    for i, (position, (base, condition, mostly)) in enumerate(conditions.items()):
        try:
            n, missing, unexpected = counts[i] if counts is not None else frame.counts(condition)
            rows = frame.first_unexpected(base.columns, condition) if unexpected else []
            results[position] = _result(base, n, missing, unexpected, mostly, rows)
        except _EVALUATION_ERRORS as exc:
            results[position] = _error_result(base, exc)
    return results


class _Frame:
    """A table's validation frame in SQL, with its key and its order (GX's frame is in this order)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, query: str | None = None):
        spec = ALL_TABLES[table]
        self.con, self.key = con, spec.primary_key
        self.sql = f"({query or VALIDATION_QUERIES[table]})"
        self.order = spec.order_by()
        self._types: dict[str, str] | None = None

    def column_types(self) -> dict[str, str]:
        """The frame's columns and their DuckDB types; none where the frame cannot be read (its query then fails
        with the reason, as it is counted)."""
        if self._types is None:
            try:
                described = self.con.execute(f"DESCRIBE SELECT * FROM {self.sql}").fetchall()
                self._types = {row[0]: row[1] for row in described}
            except duckdb.Error:
                self._types = {}
        return self._types

    def counts(self, condition: _Condition) -> tuple[int, int | None, int]:
        """Rows, missing rows (None when not counted) and unexpected rows."""
        return self.counts_of([condition])[0]

    def counts_of(self, conditions: list[_Condition]) -> list[tuple[int, int | None, int]]:
        """``counts`` of each condition, in one pass over the frame."""
        # count_if is NULL over no rows, where GX counts 0.
        columns = [f"coalesce(count_if({c.missing}), 0)" if c.missing else "NULL" for c in conditions]
        columns += [f"coalesce(count_if({c.unexpected}), 0)" for c in conditions]
        row = self.con.sql(f"SELECT count(*), {', '.join(columns)} FROM {self.sql}").fetchone()
        return [(row[0], row[1 + i], row[1 + len(conditions) + i]) for i in range(len(conditions))]

    def first_unexpected(self, columns: tuple[str, ...], condition: _Condition) -> list[tuple]:
        """(key, values...) of the first unexpected rows in frame order."""
        select = ", ".join(sql_identifier(c) for c in (self.key, *columns))
        return self.con.sql(f"SELECT {select} FROM {self.sql} WHERE {condition.unexpected} "
                            f"ORDER BY {self.order} LIMIT {PARTIAL_UNEXPECTED}").fetchall()


def _condition(kind: str, kwargs: dict, frame: _Frame) -> _Condition:
    if kind == "expect_compound_columns_to_be_unique":
        columns = [sql_identifier(c) for c in kwargs["column_list"]]
        all_null = " AND ".join(f"{c} IS NULL" for c in columns)
        # A struct compares its null fields as equal, as pandas' duplicated() does.
        row = "{" + ", ".join(f"'c{i}': {c}" for i, c in enumerate(columns)) + "}"
        duplicated = f"{row} IN (SELECT {row} FROM {frame.sql} GROUP BY ALL HAVING count(*) > 1)"
        return _Condition(f"(NOT ({all_null}) AND {duplicated})", all_null)
    column = sql_identifier(kwargs["column"])
    if kind == "expect_column_values_to_not_be_null":
        return _Condition(f"{column} IS NULL", None)
    nonnull = f"{column} IS NOT NULL"
    if kind == "expect_column_values_to_be_in_set":
        outside = _outside_set(column, kwargs["value_set"], frame.column_types().get(kwargs["column"]))
        return _Condition(f"({nonnull} AND {outside})", f"{column} IS NULL")
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is None and high is None:
            raise ValueError("min_value and max_value cannot both be None")
        outside = [f"{column} {'<=' if kwargs.get('strict_min') else '<'} {_literal(low)}"] if low is not None else []
        outside += [f"{column} {'>=' if kwargs.get('strict_max') else '>'} {_literal(high)}"] if high is not None else []
        return _Condition(f"({nonnull} AND ({' OR '.join(outside)}))", f"{column} IS NULL")
    if kind == "expect_column_values_to_be_unique":
        duplicated = f"{column} IN (SELECT {column} FROM {frame.sql} GROUP BY ALL HAVING count(*) > 1)"
        return _Condition(f"({nonnull} AND {duplicated})", f"{column} IS NULL")
    if kind == "expect_column_values_to_match_regex":
        pattern = _literal(re2_pattern(kwargs["regex"], frame.con))
        return _Condition(f"({nonnull} AND NOT regexp_matches(CAST({column} AS VARCHAR), {pattern}))",
                          f"{column} IS NULL")
    raise ValueError(f"{kind} is not checked in SQL")


def _outside_set(column: str, values: list, column_type: str | None) -> str:
    """The rows whose value is not one of ``values``. A text column among texts is looked up in a list: ``NOT IN``
    compares the value with each in turn (the 436,000 figures' units with the 180 currencies: 0.3 s, in a list
    0.03 s). Otherwise ``NOT IN``, whose casts (of a text to the column's type, say) a list would not make."""
    if not values:
        return "true"
    literals = ", ".join(_literal(v) for v in values)
    if column_type == "VARCHAR" and all(isinstance(v, str) for v in values):
        return f"NOT list_contains([{literals}], {column})"
    return f"{column} NOT IN ({literals})"


def _result(base: ExpectationResult, n: int, missing: int | None, unexpected: int, mostly: float,
            rows: list[tuple]) -> ExpectationResult:
    """The result as GX reports it: a column is vacuously fine without rows to check; the percentage is of the
    rows checked."""
    considered = n - (missing or 0)
    # GX lists a value of one column as itself, of several as a dict.
    compound = base.expectation == "expect_compound_columns_to_be_unique"
    values = [plain_value(dict(zip(base.columns, row[1:])) if compound else row[1]) for row in rows]
    return replace(base, success=considered == 0 or (considered - unexpected) / considered >= mostly,
                   element_count=n, missing_count=missing, unexpected_count=unexpected,
                   unexpected_percent=unexpected / considered * 100 if considered else None,
                   unexpected_sample=values, unexpected_keys=[plain_value(row[0]) for row in rows])


# -- regular expressions -----------------------------------------------------------------------------------------

# Python's and RE2's meaning of a pattern differ in a few places; a pattern is translated only when every part of
# it is one whose meaning is known to be the same, or is translated here.
_SAME_ESCAPE = re.compile(r"\\[^0-9A-Za-z\s]")  # an escaped punctuation mark is itself in both
_REPEAT = re.compile(r"\{\d+(,\d*)?\}")  # Python reads "{,3}" as a count, RE2 as text


def re2_pattern(regex: str, con: duckdb.DuckDBPyConnection) -> str | None:
    """``regex`` as an RE2 pattern that searches the same texts as Python's ``re.search``, or None when it cannot
    be written so (then Python searches). Python's ``\\d`` is any Unicode decimal digit (RE2's only 0-9), and its
    ``$`` also matches before a final newline; lookarounds, back references, ``\\w``, ``\\s``, ``\\b`` and flags are
    not translated."""
    re.compile(regex)  # a pattern Python rejects fails the expectation, as in GX
    out, i, in_class = [], 0, False
    while i < len(regex):
        ch, rest = regex[i], regex[i:]
        if ch == "\\":
            if rest.startswith(r"\d"):
                out.append(r"\p{Nd}")
            elif _SAME_ESCAPE.match(rest):
                out.append(rest[:2])
            else:
                return None
            i += 2
            continue
        if in_class:
            if ch == "[":  # "[[:alpha:]]" is a class in RE2, a set of characters in Python
                return None
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            if rest.startswith(("[]", "[^]")):  # a leading "]" is read differently
                return None
            in_class = True
            out.append(rest[:2] if rest.startswith("[^") else ch)
            i += 1 if rest.startswith("[^") else 0
        elif ch == "$":
            out.append(r"(?:\n?\z)")
        elif ch == "(" and rest.startswith("(?") and not rest.startswith("(?:"):
            return None
        elif ch == "{":
            repeat = _REPEAT.match(rest)
            if not repeat:
                return None
            out.append(repeat.group())
            i += len(repeat.group())
            continue
        else:
            out.append(ch)
        i += 1
    pattern = "".join(out)
    try:  # what RE2 cannot compile (a possessive quantifier, say) Python searches
        con.execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error:
        return None
    return pattern


def _python_regex(frame: _Frame, base: ExpectationResult, regex: str, mostly: float) -> ExpectationResult:
    """The regex searched with Python's ``re`` over the column streamed in batches, in frame order."""
    pattern, column = re.compile(regex), sql_identifier(base.columns[0])
    n, missing = frame.con.sql(f"SELECT count(*), count(*) - count({column}) FROM {frame.sql}").fetchone()
    reader = frame.con.sql(f"SELECT {sql_identifier(frame.key)}, {column} FROM {frame.sql} WHERE {column} IS NOT NULL "
                           f"ORDER BY {frame.order}").to_arrow_reader(_BATCH_ROWS)
    unexpected, rows = 0, []
    for batch in reader:
        for key, value in zip(*(c.to_pylist() for c in batch.columns)):
            if not pattern.search(str(value)):
                unexpected += 1
                if len(rows) < PARTIAL_UNEXPECTED:
                    rows.append((key, value))
    return _result(base, n, missing, unexpected, mostly, rows)


# -- key links ---------------------------------------------------------------------------------------------------

def check_key_links(con: duckdb.DuckDBPyConnection, table: str) -> ValidationOutcome:
    """Every key link of ``table`` over the whole table, one result each: the values that name no row, with the key
    of the rows holding them."""
    frame = _Frame(con, table, f'SELECT * FROM {sql_identifier(table)}')
    results = []
    for position, link in enumerate((link for link in KEY_LINKS if link.table == table), 1):
        base = ExpectationResult(position=position, expectation="key_link", columns=(link.column,),
                                 arguments={"references": f"{link.target}.{link.target_column}"}, success=False)
        column = sql_identifier(link.column)
        dangling = (f"({column} IS NOT NULL AND {column} NOT IN "
                    f"(SELECT {sql_identifier(link.target_column)} FROM {sql_identifier(link.target)} "
                    f"WHERE {sql_identifier(link.target_column)} IS NOT NULL))")
        condition = _Condition(dangling, f"{column} IS NULL")
        try:
            n, missing, unexpected = frame.counts(condition)
            rows = frame.first_unexpected(base.columns, condition) if unexpected else []
            results.append(_result(base, n, missing, unexpected, 1, rows))
        except duckdb.Error as exc:
            results.append(_error_result(base, exc))
    return ValidationOutcome(table=table, success=all(r.success for r in results), evaluated=len(results),
                             results=results, key=frame.key)


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return sql_string(str(value))
