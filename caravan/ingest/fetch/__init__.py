"""Collecting: articles from the web into the corpus folder, politely, with every response kept.

``sources`` reads the sources file; ``http`` asks the web (robots.txt, delays, conditional requests,
retries, limits); ``store`` keeps the fetch log and the snapshots; ``discover`` reads feeds and GDELT
lists; ``article`` turns a page into corpus files; ``run`` ties them together, and derives the corpus
files again from the snapshots, offline.
"""

from caravan.ingest.fetch.run import FetchSummary, RebuildSummary, fetch, rebuild
from caravan.ingest.fetch.sources import DEFAULT_SOURCES, Sources, SourcesError, load_sources
from caravan.ingest.fetch.store import FetchError, default_web_folder

__all__ = ["DEFAULT_SOURCES", "FetchError", "FetchSummary", "RebuildSummary", "Sources", "SourcesError",
           "default_web_folder", "fetch", "load_sources", "rebuild"]
