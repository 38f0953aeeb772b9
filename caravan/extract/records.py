"""Extraction of one article into the three record tables.

Each extractor is a plain function ``extract_X(article) -> list[dict]``; the dicts hold the table's
columns except ``record_id`` and ``article_id``, which are added here so that ids are made one way.

Every extractor runs in time linear in the length of the text (``benchmarks/pathological.py`` shows
it); a time budget per article still guards the build: an article whose extraction runs past it is
set aside with the reason (quarantined) instead of holding the build.
"""

from __future__ import annotations

import signal
import threading
import time
from functools import lru_cache, partial
from typing import Iterable, Iterator

from caravan.ingest.corpus import Article
from caravan.extract.figures import extract_figures
from caravan.common.ids import stable_id
from caravan.extract.incidents import extract_incidents
from caravan.common.parallel import map_batches, worker_count
from caravan.extract.quotes import extract_quotes
from caravan.store.tables import EXTRACTED

# What makes a record itself: two records with the same key are the same fact.
_ID_KEYS = {
    "quotes": ("quo", ("char_start", "char_end", "text")),
    "incidents": ("inc", ("char_start", "char_end", "type", "country", "city", "perpetrator", "target_group")),
    "economic_figures": ("fig", ("char_start", "char_end", "indicator", "subject", "value", "unit")),
}
# Keys that tell records apart only where they are set ("detentions in the Kaliningrad and Smolensk regions"):
# added to the id only then, so the ids of every record without them stay what they were.
_ID_KEYS_WHERE_SET = {"incidents": ("region",)}
_EXTRACTORS = {"quotes": extract_quotes, "incidents": extract_incidents, "economic_figures": extract_figures}
# Each table's id prefix and keys, columns and sort keys, read once (a spec builds its column names anew at each ask).
_LAYOUT = {table: (*_ID_KEYS[table], _ID_KEYS_WHERE_SET.get(table, ()), tuple(EXTRACTED[table].column_names),
                   EXTRACTED[table].sort_by) for table in _EXTRACTORS}


def extract_article(article: Article) -> dict[str, list[dict]]:
    """All records of one article, keyed by table name, in a deterministic order."""
    out: dict[str, list[dict]] = {}
    article_id = article.article_id
    for table, extractor in _EXTRACTORS.items():
        prefix, key, where_keys, columns, sort_by = _LAYOUT[table]
        rows = []
        for rec in extractor(article):
            row = dict(zip(columns, map(rec.get, columns)))
            row["article_id"] = article_id
            where_set = [f"{k}={rec[k]}" for k in where_keys if rec.get(k) is not None]
            row["record_id"] = stable_id(prefix, article_id, *map(rec.get, key), *where_set)
            rows.append(row)
        rows.sort(key=lambda r: tuple(["" if r[c] is None else r[c] for c in sort_by]))
        # The same fact found twice (e.g. by two rules) is kept once.
        seen, unique = set(), []
        for row in rows:
            if row["record_id"] not in seen:
                seen.add(row["record_id"])
                unique.append(row)
        out[table] = unique
    return out


class ExtractionTimeout(Exception):
    """An article's extraction ran past its time budget."""


def is_english(language: str | None) -> bool:
    """Whether the rules (written for English) may read an article in ``language``; unstated counts as English."""
    return not language or language.strip().lower().replace("_", "-").split("-")[0] in ("en", "eng", "english")


def budget_reason(seconds: float) -> str:
    return f"extraction exceeded the time budget of {seconds:g} s"  # of CPU time


def extract_within_budget(article: Article, seconds: float) -> dict[str, list[dict]] | str:
    """``extract_article(article)``, or the reason it was stopped: it took more than ``seconds`` of CPU time
    (0: no limit). CPU time, not the clock's: on a busy machine an article takes longer but no more CPU, so
    whether it is set aside does not depend on what else the machine was doing.

    The budget is a SIGPROF timer, so it holds where the extraction runs in a process's main thread: the
    worker processes, and the step itself under Dagster's in-process executor. Elsewhere (a thread of
    a Dask worker) no signal can reach it and the article is extracted without a limit."""
    if not is_english(article.language):
        return f"language {article.language}, not English: kept, not extracted"
    if not seconds or threading.current_thread() is not threading.main_thread():
        return extract_article(article)
    _load_once()
    handler = signal.signal(signal.SIGPROF, _expire)
    outer, started = (0.0, 0.0), time.process_time()
    try:
        try:
            outer = signal.setitimer(signal.ITIMER_PROF, seconds)
            return extract_article(article)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except ExtractionTimeout:
        return budget_reason(seconds)
    finally:
        signal.signal(signal.SIGPROF, handler)
        if outer[0]:  # a timer set before, running again for what was left of it
            signal.setitimer(signal.ITIMER_PROF, max(outer[0] - (time.process_time() - started), 1e-6), outer[1])


# Written for this purpose: a few words of each kind the extractors read, so that extracting it loads what they load.
_WARM_UP_TEXT = ("“We are afraid,” said Ivan Petrov, a lawyer in Moscow. Police detained 12 migrants from Tajikistan "
                 "on May 2, 2024. Remittances to Kyrgyzstan fell 5% to $2.1 billion, the central bank said.\n")


@lru_cache(maxsize=1)
def _load_once() -> None:
    """What the extractors load on first use (the gazetteer, the sentence pipeline, the speaker lists: about a
    second of CPU), loaded before a budget is armed: it is the process's cost, not its first article's, and an
    article stopped while it loads would leave every later article of the process to load it again."""
    text = _WARM_UP_TEXT
    for extractor in _EXTRACTORS.values():
        extractor(Article("warm-up", None, None, None, "2024-05-03", "day", "en", None, text, len(text), "", "warm-up"))


def _expire(signum, frame):
    raise ExtractionTimeout


def extract_corpus(articles, workers: int | None = None) -> dict[str, list[dict]]:
    """Records of many articles, concatenated per table in article order.

    With more than one worker and enough articles, extraction runs in that many processes (every core
    by default); the output is the same as in one process."""
    articles = list(articles)
    return next(extract_batches([articles], workers))[1] if articles else {table: [] for table in _EXTRACTORS}


def extract_batches(batches: Iterable[list[Article]], workers: int | None = None, time_budget: float = 0
                    ) -> Iterator[tuple[list[Article], dict[str, list[dict]], dict[str, str]]]:
    """Each batch of articles with its records (as ``extract_corpus`` gives them) and the articles set
    aside (article id → reason: their extraction ran past ``time_budget`` seconds), in batch order.

    One pool of worker processes serves every batch, and the next batch is already being extracted
    while the caller stores the records of the last: the workers never wait for the writes.
    """
    extract = partial(extract_within_budget, seconds=time_budget)
    for batch, results in map_batches(extract, batches, worker_count(workers), serial_below=50):
        records: dict[str, list[dict]] = {table: [] for table in _EXTRACTORS}
        set_aside: dict[str, str] = {}
        for article, result in zip(batch, results):
            if isinstance(result, str):
                set_aside[article.article_id] = result
                continue
            for table, rows in result.items():
                records[table].extend(rows)
        yield batch, records, set_aside
