"""A fetch run (sources → requests → corpus files) and its offline twin (snapshots → corpus files)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from caravan.ingest.fetch.article import NotAnArticle, article_stem, page_article, write_article
from caravan.ingest.fetch.discover import NotAList, feed_links, gdelt_links, page_url
from caravan.ingest.fetch.http import Fetched, PoliteClient, utc_now
from caravan.ingest.fetch.sources import Sources
from caravan.ingest.fetch.store import WebStore


@dataclass
class FetchSummary:
    requests: int = 0  # HTTP requests made, robots.txt and retries included
    listed: int = 0  # page URLs the sources gave (feeds, GDELT lists and urls), each once
    fetched: int = 0  # feeds, lists and pages received whole (200)
    not_modified: int = 0  # 304 answers to conditional requests
    known: int = 0  # pages settled by an earlier request, or already articles of the corpus: not asked again
    skipped_robots: int = 0
    failed: Counter = field(default_factory=Counter)  # reason → how many
    not_articles: Counter = field(default_factory=Counter)  # pages that gave no article, by reason
    duplicates: int = 0  # pages whose canonical URL is already an article of the corpus
    new_articles: list[str] = field(default_factory=list)  # corpus files written (STEM.txt)

    def count(self, got: Fetched) -> None:
        if got.outcome == "fetched":
            self.fetched += 1
        elif got.outcome == "not_modified":
            self.not_modified += 1
        elif got.outcome == "disallowed" and got.reason == "disallowed by robots.txt":
            self.skipped_robots += 1
        else:
            self.failed[got.reason] += 1

    def lines(self) -> list[str]:
        """The summary in words, for the terminal."""
        out = [f"requests: {self.requests}; pages listed: {self.listed}",
               f"fetched: {self.fetched}, not modified: {self.not_modified}, already known: {self.known}, "
               f"skipped by robots.txt: {self.skipped_robots}, failed: {sum(self.failed.values())}"]
        out += [f"  failed ×{n}: {reason}" for reason, n in sorted(self.failed.items(), key=lambda x: (-x[1], x[0]))]
        out += [f"  no article ×{n}: {reason}" for reason, n in sorted(self.not_articles.items())]
        out.append(f"new articles: {len(self.new_articles)}; duplicates of corpus articles (same canonical URL): {self.duplicates}")
        return out


def fetch(sources: Sources, corpus: Path, web: Path, progress: bool | None = None,
          sleep: Callable[[float], None] = time.sleep, now=utc_now) -> FetchSummary:
    """Collect the pages ``sources`` lists into ``corpus``, keeping every response under ``web``.

    Sources that list nothing fetch nothing and write nothing. ``progress``: a progress bar on stderr
    (None: only when stderr is a terminal)."""
    summary = FetchSummary()
    if sources.empty:
        return summary
    store = WebStore(web)
    with store.locked():
        history = store.history()
        with PoliteClient(sources, store, history, sleep=sleep, now=now) as client:
            pages = _listed_pages(client, sources, summary)
            summary.listed = len(pages)
            for url in _progress(pages, progress):
                # settled by an earlier request, or the canonical URL of an article already written
                if url in history.settled or (Path(corpus) / f"{article_stem(url)}.txt").exists():
                    summary.known += 1
                    continue
                got = client.get(url, "page")
                summary.count(got)
                if got.outcome == "fetched":
                    _add_article(got, corpus, sources, summary)
            summary.requests = client.requests
    return summary


def _listed_pages(client: PoliteClient, sources: Sources, summary: FetchSummary) -> list[str]:
    """The single pages, then the links of each feed and of each GDELT list, each URL once."""
    pages = [url.split("#", 1)[0] for url in sources.urls]
    lists = [(feed, "feed", feed_links) for feed in sources.feeds]
    lists += [(query.url(), "gdelt", gdelt_links) for query in sources.gdelt]
    for url, kind, links in lists:
        got = client.get(url, kind)
        summary.count(got)
        if got.body is None:
            continue
        try:
            pages.extend(links(got.body, got.url))
        except NotAList as exc:
            summary.failed[str(exc)] += 1
    return list(dict.fromkeys(p for p in (page_url(u, u) for u in pages) if p))


def _add_article(got: Fetched, corpus: Path, sources: Sources, summary: FetchSummary) -> None:
    try:
        article = page_article(got.body, got.url, got.fetched_at, got.snapshot, sources.licence_for)
    except NotAnArticle as exc:
        summary.not_articles[str(exc)] += 1
        return
    if (Path(corpus) / f"{article.stem}.txt").exists():  # fetched under another URL, in this run or before
        summary.duplicates += 1
        return
    summary.new_articles.append(write_article(corpus, article).name)


def _progress(pages: list[str], enabled: bool | None):
    from tqdm import tqdm

    # disable=None: tqdm shows the bar only when stderr is a terminal (not in logs or CI).
    return tqdm(pages, desc="fetching pages", unit="page", disable=None if enabled is None else not enabled)


@dataclass
class RebuildSummary:
    written: list[str] = field(default_factory=list)
    duplicates: int = 0
    not_articles: Counter = field(default_factory=Counter)


def rebuild(sources: Sources, corpus: Path, web: Path) -> RebuildSummary:
    """Write again, offline, the corpus file of every page the log says was fetched, from its snapshot,
    in the order they were fetched (the first page of a canonical URL is its article, as when fetched).
    Only the per-domain licences are read from ``sources``."""
    store = WebStore(web)
    if not store.log_path.exists():
        raise FileNotFoundError(f"{store.log_path}: no fetch log, so nothing was fetched into {web}")
    summary, seen = RebuildSummary(), set()
    for record in store.records():
        if record.get("kind") != "page" or record.get("outcome") != "fetched":
            continue
        try:
            article = page_article(store.body(record["snapshot"]), record["url"], record["time"], record["snapshot"],
                                   sources.licence_for)
        except NotAnArticle as exc:
            summary.not_articles[str(exc)] += 1
            continue
        if article.stem in seen:
            summary.duplicates += 1
            continue
        seen.add(article.stem)
        summary.written.append(write_article(corpus, article).name)
    return summary
