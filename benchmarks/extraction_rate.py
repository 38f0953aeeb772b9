"""Extraction's rate in one process: articles per CPU-second, the best of several passes over a corpus.

For before/after figures of a change to the extractors on a noisy machine, run two checkouts at the same
time, each on its own core, then swapped, so that both see the same machine:

    PYTHONPATH=NEW taskset -c 0 python benchmarks/extraction_rate.py CORPUS &
    PYTHONPATH=OLD taskset -c 1 python benchmarks/extraction_rate.py CORPUS; wait

A corpus: ``python -m caravan.synthetic --out DIR --n 600 --seed 3 --benchmark-unmarked``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()

    from caravan.ingest.corpus import iter_corpus
    from caravan.extract.records import extract_article

    articles = list(iter_corpus(args.corpus))
    if not articles:
        raise SystemExit(f"{args.corpus}: no articles")
    extract_article(articles[0])  # imports, spaCy, the gazetteer: not extraction
    best = float("inf")
    for _ in range(args.passes):
        start = time.process_time()
        for article in articles:
            extract_article(article)
        best = min(best, time.process_time() - start)
    print(f"{len(articles) / best:.1f} articles per CPU-second ({len(articles)} articles, best of {args.passes})")


if __name__ == "__main__":
    main()
