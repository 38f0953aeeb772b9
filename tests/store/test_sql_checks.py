"""The blocking checks in SQL over whole tables agree with Great Expectations' pandas path on the same data; key
links that break are reported with their rows; GX sees a bounded, deterministic sample."""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from caravan.store.sql_checks import (check_key_links, check_table, combined, evaluate_suite,
                                      re2_pattern)
from caravan.store.tables import ALL_TABLES, TABLES
from caravan.store.validation import (VALIDATION_QUERIES, expectations_markdown, failing_values_markdown,
                                      gx_sample_frame, load_suite, suite_columns, validate_frame, validation_frame)

SHA = "a" * 64
NOW = datetime(2024, 4, 1, tzinfo=timezone.utc)


def article(article_id: str, **changes) -> dict:
    """A valid articles row (synthetic)."""
    row = {c: None for c in ALL_TABLES["articles"].column_names}
    row.update(article_id=article_id, outlet="Outlet", published="2024-03-22", published_precision="day", text="Text.",
               n_chars=5, sha256=hashlib.sha256(article_id.encode()).hexdigest(), source_path=f"{article_id}.txt",
               ingested_at=NOW)
    row.update(changes)
    return row


def store(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    spec = ALL_TABLES[table]
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    con.execute(spec.ddl())
    for row in rows:
        con.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(spec.columns))})',
                    [row.get(c) for c in spec.column_names])


def gx_and_sql(con: duckdb.DuckDBPyConnection, table: str, suite: dict):
    key = ALL_TABLES[table].primary_key
    columns = suite_columns(suite)
    frame = validation_frame(con, table, columns if key in columns else [*columns, key])
    return validate_frame(frame, suite, key), evaluate_suite(con, table, suite)


def assert_agree(gx, sql) -> None:
    assert sql.success == gx.success and sql.evaluated == gx.evaluated
    for g, s in zip(gx.results, sql.results, strict=True):
        found = (s.success, s.element_count, s.missing_count, s.unexpected_count, s.unexpected_sample, s.unexpected_keys)
        assert found == (g.success, g.element_count, g.missing_count, g.unexpected_count, g.unexpected_sample,
                         g.unexpected_keys), g.describe()
        assert s.unexpected_percent == pytest.approx(g.unexpected_percent), g.describe()
        assert (s.position, s.expectation, s.columns, s.arguments) == (g.position, g.expectation, g.columns, g.arguments)
    assert expectations_markdown(sql) == expectations_markdown(gx)
    assert failing_values_markdown(sql) == failing_values_markdown(gx)


def suite(*expectations: tuple[str, dict]) -> dict:
    return {"name": "articles", "expectations": [{"type": t, "kwargs": k, "meta": {}} for t, k in expectations]}


# Synthetic rows exercising each expectation type: nulls, duplicates, values out of range and set, odd dates.
ROWS = [
    article("a1", outlet="VOA", url=None, published="2024", published_precision="year", language="en", n_chars=5),
    article("a2", outlet="VOA", url="u2", published="2024\n", published_precision="month", language="en", n_chars=0),
    article("a3", outlet=None, url="u3", published="٢٠٢٤-03", published_precision=None, language=None, n_chars=7),
    article("a4", outlet=None, url=None, published=None, published_precision="week", language=None, n_chars=-2),
    article("a5", outlet="RFE", url="u5", published="24-3", published_precision="day", language="ru", n_chars=9),
    article("a6", outlet="RFE", url="u6", published="2024-03-22", published_precision="day", language="en", n_chars=1),
]
CASES = {
    "not_null": ("expect_column_values_to_not_be_null", {"column": "url"}),
    "not_null_mostly": ("expect_column_values_to_not_be_null", {"column": "url", "mostly": 0.6}),
    "not_null_passes": ("expect_column_values_to_not_be_null", {"column": "article_id"}),
    "in_set": ("expect_column_values_to_be_in_set", {"column": "published_precision", "value_set": ["day", "month", "year"]}),
    "in_set_mostly": ("expect_column_values_to_be_in_set",
                      {"column": "published_precision", "value_set": ["day", "month", "year"], "mostly": 0.8}),
    "between": ("expect_column_values_to_be_between", {"column": "n_chars", "min_value": 1}),
    "between_both": ("expect_column_values_to_be_between", {"column": "n_chars", "min_value": 0, "max_value": 8}),
    "between_strict": ("expect_column_values_to_be_between",
                       {"column": "n_chars", "min_value": 1, "max_value": 9, "strict_min": True, "strict_max": True}),
    "between_mostly": ("expect_column_values_to_be_between", {"column": "n_chars", "min_value": 0, "mostly": 0.8}),
    "unique": ("expect_column_values_to_be_unique", {"column": "outlet"}),
    "unique_passes": ("expect_column_values_to_be_unique", {"column": "url"}),
    "unique_mostly": ("expect_column_values_to_be_unique", {"column": "outlet", "mostly": 0.5}),
    "regex_date": ("expect_column_values_to_match_regex", {"column": "published", "regex": r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"}),
    "regex_mostly": ("expect_column_values_to_match_regex", {"column": "published", "regex": r"^\d{4}", "mostly": 0.7}),
    "regex_python": ("expect_column_values_to_match_regex", {"column": "outlet", "regex": r"^(?!VOA)\w+"}),
    "compound": ("expect_compound_columns_to_be_unique", {"column_list": ["outlet", "language"]}),
    "compound_passes": ("expect_compound_columns_to_be_unique", {"column_list": ["outlet", "url"]}),
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store(con, "articles", ROWS)
    return con


@pytest.mark.parametrize("case", list(CASES))
def test_sql_agrees_with_gx_on_each_expectation(con, case):
    assert_agree(*gx_and_sql(con, "articles", suite(CASES[case])))


def test_sql_agrees_with_gx_on_a_whole_suite_and_where_nothing_fails(con):
    everything = suite(*CASES.values())
    gx, sql = gx_and_sql(con, "articles", everything)
    assert_agree(gx, sql)
    assert not sql.success and {r.success for r in sql.results} == {True, False}
    clean = duckdb.connect()
    store(clean, "articles", [article("a1"), article("a2", published="2023", published_precision="year")])
    assert_agree(*gx_and_sql(clean, "articles", load_suite("articles")))


class QueryLog:
    """A connection that notes the queries run through ``sql``."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.queries = con, []

    def sql(self, query: str):
        self.queries.append(query)
        return self.con.sql(query)

    def execute(self, *args):
        return self.con.execute(*args)


def test_a_suite_is_counted_in_one_pass_over_its_frame(con):
    # Every case but the regex Python searches, which reads its column on its own.
    conditions = suite(*(case for name, case in CASES.items() if name != "regex_python"))
    log = QueryLog(con)
    outcome = evaluate_suite(log, "articles", conditions)
    assert [q for q in log.queries if q.startswith("SELECT count(*)")] == [log.queries[0]]
    assert outcome == evaluate_suite(con, "articles", conditions) and not outcome.success


def test_a_set_of_texts_is_looked_up_in_a_list_and_other_sets_are_read_as_sql_in_reads_them():
    con = duckdb.connect()
    # Synthetic outlets that differ from the set's by case, a space, an accent or nothing at all.
    outlets = ["VOA", "voa", "VOA ", "O'Hara", "Ōutlet", "Outlet", "", None]
    store(con, "articles", [article(f"a{i}", outlet=o, n_chars=i) for i, o in enumerate(outlets)])
    texts = suite(("expect_column_values_to_be_in_set",
                   {"column": "outlet", "value_set": ["VOA", "O'Hara", "Ōutlet", ""]}))
    gx, sql = gx_and_sql(con, "articles", texts)
    assert_agree(gx, sql)
    assert sql.results[0].unexpected_sample == ["voa", "VOA ", "Outlet"]
    log = QueryLog(con)
    assert evaluate_suite(log, "articles", texts) == sql and "list_contains" in log.queries[0]
    # Texts against a number column: SQL's IN reads each as a number (a list of texts would not compare).
    numbers = suite(("expect_column_values_to_be_in_set", {"column": "n_chars", "value_set": ["1", "2"]}))
    assert evaluate_suite(con, "articles", numbers).results[0].unexpected_sample == [0, 3, 4, 5, 6, 7]


def test_a_span_is_cut_once_by_characters_and_matched_with_its_evidence():
    con = duckdb.connect()
    # Synthetic: a text with multi-byte characters before its spans; a2's text is withheld; a9 is not an article.
    store(con, "articles", [article("a1", text="Łódź: «Text.»", n_chars=13),
                            article("a2", text=None, text_withheld="licence", n_chars=5)])
    store(con, "incidents", [])
    evidence = {"incident_id": "i1", "sentence": "Text.", "origin": "machine"}
    store(con, "incident_sources", [
        {**evidence, "source_id": "s1", "article_id": "a1", "char_start": 7, "char_end": 12},
        {**evidence, "source_id": "s2", "article_id": "a1", "char_start": 6, "char_end": 11},
        {**evidence, "source_id": "s3", "article_id": "a2", "char_start": 0, "char_end": 5},
        {**evidence, "source_id": "s4", "article_id": "a9", "char_start": 0, "char_end": 5}])
    frame = f"({VALIDATION_QUERIES['incident_sources']})"
    assert con.sql(f"SELECT source_id, article_exists, span_in_article, span_text, span_matches_evidence FROM {frame} "
                   "ORDER BY source_id").fetchall() == [("s1", True, True, "Text.", True),
                                                        ("s2", True, True, "«Text", False),
                                                        ("s3", True, True, None, None),
                                                        ("s4", False, False, None, False)]
    # DuckDB walks a text for each cut: once per row (one expression), not once per column that reads the span.
    assert all(VALIDATION_QUERIES[table].count(" AS span_text") == 1
               for table in ("quotes", "incidents", "incident_sources", "economic_figures"))


def test_sql_agrees_with_gx_on_an_empty_table():
    # SQL's count_if is NULL over no rows; GX counts 0.
    empty = duckdb.connect()
    store(empty, "articles", [])
    gx, sql = gx_and_sql(empty, "articles", suite(*CASES.values()))
    assert_agree(gx, sql)
    assert {r.unexpected_count for r in sql.results} == {0}


def test_an_expectation_sql_cannot_run_fails_with_the_reason(con):
    missing = ("expect_column_values_to_be_in_set", {"column": "no_such_column", "value_set": ["x"]})
    both = suite(missing, CASES["not_null"])
    gx, sql = validate_frame(validation_frame(con, "articles"), both, "article_id"), evaluate_suite(con, "articles", both)
    assert not gx.results[0].success and not sql.results[0].success and "no_such_column" in sql.results[0].error
    assert sql.results[1] == gx.results[1]


def test_sql_agrees_with_gx_on_a_compound_key_with_nulls():
    con = duckdb.connect()
    row = {"source_kind": "reference_csv", "publisher": "Bank", "reported_as": "total", "indicator_code": "X",
           "indicator": "remittances_usd", "country_iso3": "TJK", "year": 2023, "value": 1.0, "unit": "USD",
           "qualifier": "exact", "found_at_url": "https://example.org/a", "retrieved_at": None}
    # Synthetic: f1 and f2 are the same figure (a null retrieval time counts as equal); f3 another country.
    store(con, "official_figures", [{**row, "record_id": "f1"}, {**row, "record_id": "f2"},
                                    {**row, "record_id": "f3", "country_iso3": "XXX", "year": 1900, "value": -1.0}])
    gx, sql = gx_and_sql(con, "official_figures", load_suite("official_figures"))
    assert_agree(gx, sql)
    assert [r.position for r in sql.failures] == [5, 8, 10, 12]


SUITE_REGEXES = sorted({e["kwargs"]["regex"] for t in TABLES for e in load_suite(t)["expectations"] if "regex" in e["kwargs"]})


def test_the_suites_use_three_regexes():  # in five expectations: three dates at their precision, a day, a hash
    assert SUITE_REGEXES == [r"^[0-9a-f]{64}$", r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", r"^\d{4}-\d{2}-\d{2}$"]


@pytest.mark.parametrize("regex", SUITE_REGEXES)
def test_each_suite_regex_means_the_same_in_re2(regex):
    """Python's \\d is every Unicode decimal digit and its $ matches before a final newline: the translation keeps
    both, so RE2 and Python agree on every digit there is and on tricky texts."""
    con = duckdb.connect()
    pattern = re2_pattern(regex, con)
    assert pattern is not None
    digits = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\d", chr(c))]
    texts = ["2024", "2024-03", "2024-03-22", "2024\n", "2024\n\n", "\n2024", "2024-3", "2024-03-22x", "abcd", "",
             "0" * 64, "0" * 64 + "\n", "f" * 63 + "g", "A" * 64, "2024-03-22\n", "2024-1-1"]
    texts += [d * 4 + "-" + d * 2 + "-" + d * 2 for d in digits] + [d * 64 for d in digits]
    found = con.execute("SELECT list_transform(?, t -> regexp_matches(t, ?))", [texts, pattern]).fetchone()[0]
    assert found == [bool(re.search(regex, t)) for t in texts]


@pytest.mark.filterwarnings("ignore:Possible nested set")
def test_patterns_re2_reads_differently_are_left_to_python():
    con = duckdb.connect()
    assert re2_pattern(r"^\d+$", con) == r"^\p{Nd}+(?:\n?\z)"
    for regex in (r"^\w+$", r"(?<=a)b", r"(a)\1", r"[[:alpha:]]", r"a{,3}", r"(?i)abc", r"\bword", r"a++"):
        assert re2_pattern(regex, con) is None, regex


def test_a_regex_python_searches_is_streamed_and_agrees_with_gx():
    con = duckdb.connect()
    # Synthetic: more rows than one batch would hold if batches were small; every tenth fails.
    store(con, "articles", [article(f"a{i:05}", outlet="x" if i % 10 else "?") for i in range(2000)])
    assert_agree(*gx_and_sql(con, "articles", suite(("expect_column_values_to_match_regex",
                                                     {"column": "outlet", "regex": r"^\w+$"}))))


def span_tables(con: duckdb.DuckDBPyConnection) -> None:
    store(con, "articles", [article("a1"), article("a2")])
    evidence = {"sentence": "Text.", "char_start": 0, "char_end": 5, "origin": "machine"}
    store(con, "incidents", [{**evidence, "incident_id": "i1", "article_id": "a1", "type": "raid", "n_sources": 2,
                              "n_articles": 1, "merge_rule": "single mention"}])
    # Synthetic faults: s2 names an incident that does not exist, s3 an article that does not.
    store(con, "incident_sources", [{**evidence, "source_id": "s1", "incident_id": "i1", "article_id": "a1"},
                                    {**evidence, "source_id": "s2", "incident_id": "i9", "article_id": "a2"},
                                    {**evidence, "source_id": "s3", "incident_id": "i1", "article_id": "a7"}])


def test_a_broken_key_link_is_reported_with_its_row():
    con = duckdb.connect()
    span_tables(con)
    links = check_key_links(con, "incident_sources")
    assert not links.success
    assert [(r.columns, r.arguments, r.unexpected_count, r.unexpected_sample, r.unexpected_keys) for r in links.results] == [
        (("article_id",), {"references": "articles.article_id"}, 1, ["a7"], ["s3"]),
        (("incident_id",), {"references": "incidents.incident_id"}, 1, ["i9"], ["s2"])]
    text = failing_values_markdown(links)
    assert "- `a7` (source_id `s3`)" in text and "- `i9` (source_id `s2`)" in text
    assert check_key_links(con, "incidents").success and check_key_links(con, "speakers").results == []


def test_the_check_is_sql_over_the_table_and_gx_over_its_sample():
    con = duckdb.connect()
    span_tables(con)
    check = check_table(con, "incident_sources")
    # GX sees the rows of the articles of the latest ingest (a1, a2); s3's article is not there to be changed.
    assert not check.success and check.gx_rows == 2
    failed = {r.columns[0]: r.unexpected_count for r in check.suite.failures}
    assert failed == {"article_exists": 1, "span_matches_evidence": 1, "incident_exists": 1, "span_in_article": 1}
    assert check_table(con, "incidents").success


def test_where_only_gx_fails_its_result_is_shown_and_the_check_fails(con):
    one = suite(CASES["between"])
    sql = evaluate_suite(con, "articles", one)
    gx = validate_frame(validation_frame(con, "articles", ["article_id", "n_chars"]), one, "article_id")
    passed = replace(sql, success=True, results=[replace(sql.results[0], success=True)])
    assert combined(passed, gx) == replace(passed, success=False, results=gx.results)
    assert combined(sql, gx) == sql


def test_the_gx_sample_is_bounded_deterministic_and_holds_the_changed_rows():
    con = duckdb.connect()
    old, new = NOW - timedelta(days=7), NOW
    # Synthetic: 3000 articles from an earlier ingest, 30 from the latest.
    rows = [article(f"old{i:04}", ingested_at=old) for i in range(3000)]
    rows += [article(f"new{i:02}", ingested_at=new) for i in range(30)]
    store(con, "articles", rows)
    columns = ["article_id", "published"]
    sample = gx_sample_frame(con, "articles", columns, limit=100)
    ids = sample["article_id"].tolist()
    assert len(ids) <= 100 and {f"new{i:02}" for i in range(30)} <= set(ids)
    assert ids == sorted(ids)  # in key order, as the whole frame
    assert gx_sample_frame(con, "articles", columns, limit=100)["article_id"].tolist() == ids
    # Without a cap that binds: the changed rows plus about one row in 64 of the rest.
    fixed = set(gx_sample_frame(con, "articles", columns)["article_id"]) - {f"new{i:02}" for i in range(30)}
    assert 20 <= len(fixed) <= 80
    # The fixed sample does not move when the table grows.
    store(con, "articles", rows + [article(f"more{i:04}", ingested_at=old) for i in range(500)])
    grown = set(gx_sample_frame(con, "articles", columns)["article_id"])
    assert fixed <= grown and {f"new{i:02}" for i in range(30)} <= grown


def test_the_gx_sample_has_the_whole_frames_values_of_its_rows():
    # The sample's frame is made from its rows alone: what it joins from other tables is still whole.
    con = duckdb.connect()
    span_tables(con)
    for table in ("incidents", "incident_sources"):
        key = ALL_TABLES[table].primary_key
        whole = validation_frame(con, table)
        for limit in (1, 2, 3):
            sample = gx_sample_frame(con, table, list(whole.columns), limit=limit)
            assert 0 < len(sample) <= limit
            assert sample.equals(whole[whole[key].isin(sample[key])].reset_index(drop=True)), (table, limit)
    # So GX finds the bad changed row: s2's incident is in no row of incidents.
    sample = gx_sample_frame(con, "incident_sources", suite_columns(load_suite("incident_sources")))
    failed = validate_frame(sample, load_suite("incident_sources"), "source_id").failures
    assert [(r.columns, r.unexpected_keys) for r in failed] == [(("incident_exists",), ["s2"])]
