"""The validation frames cut each span as the plain ``substring(text, char_start + 1, char_end - char_start)``
does, though they cut an ASCII text by its bytes and walk a text from its nearer end: on texts of several scripts
(Cyrillic, Uzbek's ʻ, emoji, combining marks), on withheld and missing texts, and on spans that are wrong (empty,
reversed, negative, past the end); and so every span table's suite gives the same outcome as over the plain frame."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from caravan.release.data_docs import evaluate_table
from caravan.store.sql_checks import evaluate_suite
from caravan.store.tables import ALL_TABLES
from caravan.store.validation import (NEARER_END_CUT, PLAIN_CUT, VALIDATION_QUERIES, gx_sample_frame, load_suite,
                                      suite_columns)

SPAN_TABLES = ("quotes", "incidents", "incident_sources", "economic_figures")

# Synthetic texts: ASCII, Cyrillic, Uzbek with ʻ (two bytes), emoji (four bytes), a combining mark, newlines.
ALPHABET = list("ab .,\n") + list("жЖё") + ["ʻ", "😀", "e\u0301", "“", "”"]
TEXTS = ["", "Text.", "Жена сказала: «Да».", "Oʻzbekiston 😀 va “Qozogʻiston”.", "😀", "😀😀a", "a😀", "e\u0301\n"]
SETTINGS = settings(max_examples=200, deadline=None)  # each example makes a database


def texts(most: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(ALPHABET), max_size=most).map("".join)


OFFSETS = st.one_of(st.integers(-5, 40), st.sampled_from([2**30, -(2**30)]))


def plain_query(table: str) -> str:
    """The table's frame with every span cut the plain way."""
    query = VALIDATION_QUERIES[table]
    assert query.count(f"{NEARER_END_CUT} AS span_text") + query.count(f"{PLAIN_CUT} AS span_text") == 1
    return query.replace(NEARER_END_CUT, PLAIN_CUT)


def store(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """``rows`` as ``table``, with its columns and types but no NOT NULL: the tables of a release, say."""
    spec = ALL_TABLES[table]
    con.execute(f'CREATE OR REPLACE TABLE "{table}" ({", ".join(f"{c.name} {c.type}" for c in spec.columns)})')
    if rows:
        con.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(spec.columns))})',
                        [[row.get(c) for c in spec.column_names] for row in rows])


def spans_of(texts: list[str | None], spans: list[tuple[int | None, int | None]]) -> duckdb.DuckDBPyConnection:
    """A database of ``texts`` as articles a0, a1, … (None: withheld) and, as quotes, each span of each article
    and of one article that does not exist."""
    con = duckdb.connect()
    store(con, "articles", [{"article_id": f"a{i}", "text": text, "n_chars": len(text) if text is not None else 3,
                             "text_withheld": None if text is not None else "licence"} for i, text in enumerate(texts)])
    store(con, "quotes", [{"record_id": f"q{i:02}-{j:03}", "article_id": f"a{i}", "char_start": start, "char_end": end,
                           "text": "x", "partial": False, "origin": "machine"}
                          for i in range(len(texts) + 1) for j, (start, end) in enumerate(spans)])
    return con


def cuts(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple]:
    return con.sql(f"SELECT record_id, span_text, span_in_article, span_matches_evidence FROM ({query}) "
                   "ORDER BY record_id").fetchall()


@SETTINGS
@given(st.lists(st.one_of(st.none(), texts()), min_size=1, max_size=4),
       st.lists(st.tuples(st.one_of(st.none(), OFFSETS), st.one_of(st.none(), OFFSETS)), min_size=1, max_size=12))
@example(TEXTS + [None], [(0, 1), (0, 5), (1, 5), (4, 5), (3, 3), (5, 2), (-1, 2), (-3, -1), (2, 99), (0, 0),
                          (None, 2), (1, None), (2**30, 2**30 + 3), (-(2**30), 4), (4, 2**30), (0, 19), (18, 19), (10, 19)])
def test_the_frame_cuts_each_span_as_the_plain_substring(texts, spans):
    con = spans_of(texts, spans)
    assert cuts(con, VALIDATION_QUERIES["quotes"]) == cuts(con, plain_query("quotes"))


def test_an_offset_duckdb_cannot_cut_fails_as_the_plain_substring_does():
    con = spans_of(["Жена 😀"], [(1, 2), (2**40, 2**40 + 3)])
    for query in (VALIDATION_QUERIES["quotes"], plain_query("quotes")):
        with pytest.raises(duckdb.OutOfRangeException, match="Substring offset outside of supported range"):
            cuts(con, query)


@SETTINGS
@given(texts().filter(len), st.data())
def test_a_span_inside_its_text_is_its_characters(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    con = spans_of([text], [(start, end)])
    assert cuts(con, VALIDATION_QUERIES["quotes"])[0][1] == text[start:end]


def span_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Synthetic span tables over texts of several scripts, one withheld, with right and wrong spans."""
    texts = {"a1": "Жена сказала: «Да». Oʻzbekiston 😀 va Qozogʻiston.", "a2": "Plain ASCII text. Another one.",
             "a3": None, "a4": "😀 Emoji first, then “quoted” words."}
    # a1 and a3 came with the latest ingest.
    store(con, "articles", [{"article_id": a, "text": t, "n_chars": len(t) if t else 9,
                             "text_withheld": None if t else "licence",
                             "ingested_at": datetime(2024, 4, 2 if a in ("a1", "a3") else 1)} for a, t in texts.items()])
    spans = [("a1", 14, 19), ("a1", 20, 31), ("a1", 35, 37), ("a2", 0, 17), ("a2", 18, 30), ("a2", 25, 20),
             ("a3", 0, 5), ("a4", 0, 1), ("a4", 2, 7), ("a4", 30, 40), ("a9", 0, 3), ("a1", -2, 4), ("a4", 5, 5)]
    rows = []
    for i, (article_id, start, end) in enumerate(spans):
        text = texts.get(article_id) or ""
        # The even rows' evidence is their span (where there is one), the odd rows' a word of their own.
        evidence = text[max(start, 0):end] if i % 2 == 0 else "words"
        rows.append({"article_id": article_id, "char_start": start, "char_end": end, "sentence": evidence,
                     "text": evidence, "raw": evidence, "origin": "machine"})
    store(con, "quotes", [{**row, "record_id": f"q{i:02}", "partial": False} for i, row in enumerate(rows)])
    store(con, "economic_figures", [{**row, "record_id": f"f{i:02}", "indicator": "other", "value": 1.0}
                                    for i, row in enumerate(rows)])
    store(con, "incidents", [{**row, "incident_id": f"i{i:02}", "type": "raid", "n_sources": 1, "n_articles": 1,
                              "merge_rule": "single mention"} for i, row in enumerate(rows)])
    store(con, "incident_sources", [{**row, "source_id": f"s{i:02}", "incident_id": f"i{i:02}"}
                                    for i, row in enumerate(rows)])


def test_each_span_tables_outcome_is_the_plain_frames_in_the_checks_and_the_docs():
    con = duckdb.connect()
    span_tables(con)
    failed = set()
    for table in SPAN_TABLES:
        suite = load_suite(table)
        plain = evaluate_suite(con, table, suite, frame_query=plain_query(table))
        assert evaluate_suite(con, table, suite) == plain, table
        assert evaluate_table(con, table, suite) == plain, table
        failed |= {r.columns for r in plain.failures}
    assert {("span_in_article",), ("span_matches_evidence",), ("article_exists",)} <= failed


def plain_sample(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], limit: int):
    """The GX sample's frame the plain way: every key hashed, the rows whose key is one of the first ``limit``."""
    key, order = ALL_TABLES[table].primary_key, ALL_TABLES[table].order_by()
    changed = "article_id IN (SELECT article_id FROM articles WHERE ingested_at = (SELECT max(ingested_at) FROM articles))"
    bucket = f"md5_number_lower(CAST({key} AS VARCHAR))"
    picked = (f"SELECT {key} FROM {table} WHERE {changed} OR {bucket} % 64 = 0 "
              f"ORDER BY {changed} DESC, {bucket}, {key} LIMIT {limit}")
    return con.sql(f"WITH {table} AS (SELECT * FROM {table} WHERE {key} IN ({picked})) "
                   f"SELECT {', '.join(columns)} FROM ({plain_query(table)}) ORDER BY {order}").to_arrow_table().to_pandas()


def test_the_gx_sample_is_the_plain_ones():
    con = duckdb.connect()
    span_tables(con)
    # A key twice and a null key, both in a changed article: the sample holds every row of a picked key, none without.
    con.execute("INSERT INTO quotes SELECT * REPLACE ('q00' AS record_id, 3 AS char_start) FROM quotes WHERE record_id = 'q00'")
    con.execute("INSERT INTO quotes SELECT * REPLACE (NULL AS record_id) FROM quotes WHERE record_id = 'q01'")
    assert con.sql("SELECT count(*) FROM quotes WHERE article_id IN ('a1', 'a3')").fetchone()[0] == 7
    for table in SPAN_TABLES:
        key = ALL_TABLES[table].primary_key
        # 400 rows more in an article of an earlier ingest, of which some fall in the fixed sample.
        con.execute(f"INSERT INTO {table} SELECT t.* REPLACE ('more' || i AS {key}) FROM {table} t, range(400) r(i) "
                    f"WHERE {key} = (SELECT min({key}) FROM {table} WHERE article_id = 'a2')")
        columns = list(dict.fromkeys([key, *suite_columns(load_suite(table))]))
        for limit in (1, 3, 6, 7, 8, 5000):  # fewer changed rows than the limit, as many, more
            sample = gx_sample_frame(con, table, columns, limit=limit)
            assert sample.equals(plain_sample(con, table, columns, limit)), (table, limit)
            assert 0 < len(sample) and (limit < 8 or "more" in "".join(sample[key].dropna().str[:4]))
