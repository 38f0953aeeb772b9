"""Extraction of one article into the three record tables.

Each extractor is a plain function ``extract_X(article) -> list[dict]``; the dicts hold the table's
columns except ``record_id`` and ``article_id``, which are added here so that ids are made one way.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from caravan.corpus import Article
from caravan.figures import extract_figures
from caravan.ids import stable_id
from caravan.incidents import extract_incidents
from caravan.parallel import map_batches, worker_count
from caravan.quotes import extract_quotes
from caravan.tables import EXTRACTED

# What makes a record itself: two records with the same key are the same fact.
_ID_KEYS = {
    "quotes": ("quo", ("char_start", "char_end", "text")),
    "incidents": ("inc", ("char_start", "char_end", "type", "country", "city", "perpetrator", "target_group")),
    "economic_figures": ("fig", ("char_start", "char_end", "indicator", "subject", "value", "unit")),
}
_EXTRACTORS = {"quotes": extract_quotes, "incidents": extract_incidents, "economic_figures": extract_figures}


def extract_article(article: Article) -> dict[str, list[dict]]:
    """All records of one article, keyed by table name, in a deterministic order."""
    out: dict[str, list[dict]] = {}
    for table, extractor in _EXTRACTORS.items():
        prefix, key = _ID_KEYS[table]
        spec = EXTRACTED[table]
        rows = []
        for rec in extractor(article):
            row = {col: rec.get(col) for col in spec.column_names}
            row["article_id"] = article.article_id
            row["record_id"] = stable_id(prefix, article.article_id, *(rec.get(k) for k in key))
            rows.append(row)
        rows.sort(key=lambda r: tuple("" if r[c] is None else r[c] for c in spec.sort_by))
        # The same fact found twice (e.g. by two rules) is kept once.
        seen, unique = set(), []
        for row in rows:
            if row["record_id"] not in seen:
                seen.add(row["record_id"])
                unique.append(row)
        out[table] = unique
    return out


def extract_corpus(articles, workers: int | None = None) -> dict[str, list[dict]]:
    """Records of many articles, concatenated per table in article order.

    With more than one worker and enough articles, extraction runs in that many processes (every core
    by default); the output is the same as in one process."""
    articles = list(articles)
    return next(extract_batches([articles], workers))[1] if articles else {table: [] for table in _EXTRACTORS}


def extract_batches(batches: Iterable[list[Article]], workers: int | None = None
                    ) -> Iterator[tuple[list[Article], dict[str, list[dict]]]]:
    """Each batch of articles with its records (as ``extract_corpus`` gives them), in batch order.

    One pool of worker processes serves every batch, and the next batch is already being extracted
    while the caller stores the records of the last: the workers never wait for the writes.
    """
    for batch, results in map_batches(extract_article, batches, worker_count(workers), serial_below=50):
        yield batch, _concatenate(results)


def _concatenate(results: Iterable[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {table: [] for table in _EXTRACTORS}
    for records in results:
        for table, rows in records.items():
            out[table].extend(rows)
    return out
