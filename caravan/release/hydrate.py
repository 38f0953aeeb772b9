"""Filling a release's withheld article texts in from a local copy of the articles.

A release publishes an article's text only under a licence of its allow-list (caravan.release.licences); for the
others it publishes the URL, the SHA-256 and the length of the text. Whoever holds the articles (a corpus
folder of their own, or the one ``caravan fetch`` writes) gets the whole table back: each withheld text is
filled in from the corpus file whose normalised text has the same SHA-256, and every record's character
span is then checked against its evidence in the filled texts, with the release's own validation queries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from caravan.ingest.corpus import CorpusError, read_article
from caravan.release.table_files import ZSTD_LEVEL
from caravan.store.tables import TABLES
from caravan.store.validation import VALIDATION_QUERIES

# The published tables whose rows point into articles.text.
SPAN_TABLES = tuple(name for name, table in TABLES.items() if "char_start" in table.column_names)


@dataclass(frozen=True)
class SpanMismatch:
    table: str
    record_id: str
    article_id: str
    char_start: int
    char_end: int
    problem: str

    def describe(self) -> str:
        return (f"{self.table} {self.record_id} (article {self.article_id}, characters {self.char_start}-{self.char_end}): "
                f"{self.problem}")


@dataclass(frozen=True)
class Hydration:
    """What ``hydrate`` did: texts restored and not found (by article id), and the spans it checked."""

    articles: int
    restored: tuple[str, ...]
    not_found: tuple[str, ...]
    unreadable: int  # corpus files that could not be read as articles
    spans_checked: int
    spans_unchecked: int  # records of articles still without their text
    mismatches: tuple[SpanMismatch, ...]

    def lines(self, listed: int = 20) -> list[str]:
        withheld = len(self.restored) + len(self.not_found)
        out = [f"{len(self.restored)} of {withheld} withheld texts restored, {len(self.not_found)} not found "
               f"({self.articles} articles in the release)"]
        if self.unreadable:
            out.append(f"{self.unreadable} corpus files could not be read as articles and were skipped")
        out += [f"  not found: {article_id}" for article_id in self.not_found[:listed]]
        if len(self.not_found) > listed:
            out.append(f"  … and {len(self.not_found) - listed} more")
        out.append(f"spans checked: {self.spans_checked} records, {len(self.mismatches)} not at their evidence"
                   + (f"; {self.spans_unchecked} records of articles still without text not checked"
                      if self.spans_unchecked else ""))
        out += [f"  {m.describe()}" for m in self.mismatches[:listed]]
        if len(self.mismatches) > listed:
            out.append(f"  … and {len(self.mismatches) - listed} more")
        return out


def _texts_by_sha256(corpus: Path, wanted: set[str]) -> tuple[dict[str, str], int]:
    """The texts of the corpus files whose normalised text has one of the ``wanted`` SHA-256s, and how many
    files could not be read. read_article refuses files that are not regular files inside the folder."""
    found: dict[str, str] = {}
    unreadable = 0
    for path in sorted(corpus.glob("*.txt")):
        if len(found) == len(wanted):
            break
        try:
            article = read_article(path)
        except CorpusError:
            unreadable += 1
            continue
        if article.sha256 in wanted:
            found.setdefault(article.sha256, article.text)
    return found, unreadable


def fill_texts(articles: pa.Table, corpus: Path) -> tuple[pa.Table, tuple[str, ...], tuple[str, ...], int]:
    """``articles`` with each null text filled in from ``corpus`` where the SHA-256 matches; the article ids
    restored and not found, and the number of unreadable corpus files. ``text_withheld`` stays: it says
    under which licence the text may not be passed on."""
    rows = articles.select(["article_id", "sha256", "text"]).to_pylist()
    withheld = [r for r in rows if r["text"] is None]
    found, unreadable = _texts_by_sha256(corpus, {r["sha256"] for r in withheld}) if withheld else ({}, 0)
    texts = [r["text"] if r["text"] is not None else found.get(r["sha256"]) for r in rows]
    filled = articles.set_column(articles.schema.get_field_index("text"), articles.schema.field("text"),
                                 pa.array(texts, pa.string()))
    restored = tuple(r["article_id"] for r in withheld if r["sha256"] in found)
    not_found = tuple(r["article_id"] for r in withheld if r["sha256"] not in found)
    return filled, restored, not_found, unreadable


def check_spans(articles: pa.Table, release_dir: Path) -> tuple[int, int, list[SpanMismatch]]:
    """Every record of the release's span tables against ``articles``: (records checked, records of
    articles without text, the mismatches), by the validation queries that check a release."""
    con = duckdb.connect()
    try:
        con.register("articles", articles)
        for name in SPAN_TABLES:
            path = (release_dir / f"{name}.parquet").as_posix().replace("'", "''")
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path}')")
        checked = unchecked = 0
        mismatches = []
        for name in SPAN_TABLES:
            key = TABLES[name].primary_key
            frame = f"({VALIDATION_QUERIES[name]})"
            # span_matches_evidence is null where the article's text is still withheld: not checkable.
            n_checked, n_unchecked = con.sql(f"SELECT count(span_matches_evidence), count(*) - count(span_matches_evidence) "
                                             f"FROM {frame}").fetchone()
            checked, unchecked = checked + n_checked, unchecked + n_unchecked
            rows = con.sql(f'SELECT "{key}", article_id, char_start, char_end, article_exists, span_in_article FROM {frame} '
                           f'WHERE NOT (span_matches_evidence AND span_in_article) ORDER BY "{key}"').fetchall()
            for record_id, article_id, start, end, exists, inside in rows:
                problem = ("its article is not in the release" if not exists else
                           "the span lies outside the article" if not inside else "the span does not match the evidence")
                mismatches.append(SpanMismatch(name, record_id, article_id, start, end, problem))
    finally:
        con.close()
    return checked, unchecked, mismatches


def hydrate(release_dir: Path, corpus: Path, out: Path) -> Hydration:
    """Write ``out`` (Parquet, the schema of the release's articles.parquet): the release's articles with
    the withheld texts found in ``corpus``; then check every record's span against the filled texts."""
    release_dir, corpus, out = Path(release_dir), Path(corpus), Path(out)
    source = release_dir / "articles.parquet"
    if not source.is_file():
        raise ValueError(f"{release_dir}: no articles.parquet: not a Caravan release folder")
    if Path(os.path.realpath(out)).is_relative_to(os.path.realpath(release_dir)):
        raise ValueError(f"{out}: inside the release folder {release_dir}; releases are immutable: write it elsewhere")
    if not corpus.is_dir():
        raise CorpusError(corpus, "corpus folder does not exist")
    articles = pq.read_table(source)
    filled, restored, not_found, unreadable = fill_texts(articles, corpus)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pq.write_table(filled, tmp, compression="zstd", compression_level=ZSTD_LEVEL, store_schema=True)
    os.replace(tmp, out)  # a reader never sees half a file
    checked, unchecked, mismatches = check_spans(filled, release_dir)
    return Hydration(articles.num_rows, restored, not_found, unreadable, checked, unchecked, tuple(mismatches))
