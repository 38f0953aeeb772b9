"""Settings of a Caravan deployment, as Dagster resources with working defaults (relative to the working folder)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Optional

import dagster as dg
from dagster_duckdb import DuckDBResource

from caravan.ingest.corpus import DEFAULT_MAX_BYTES
from caravan.release.licences import DEFAULT_ALLOW_LIST, AllowList
from caravan.store.warehouse import connect
from caravan.common.paths import CURATION, REFERENCE_FIGURES, SAMPLE_CORPUS, WORLD_BANK_SNAPSHOTS


class CorpusResource(dg.ConfigurableResource):
    """Folder of articles: STEM.txt with optional STEM.meta.json; larger files are quarantined."""

    folder: str = str(SAMPLE_CORPUS)
    max_bytes: int = DEFAULT_MAX_BYTES
    near_duplicate_similarity: float = 0.9


class ExtractionResource(dg.ConfigurableResource):
    """How extraction guards the build: an article whose extraction takes more than ``time_budget_seconds`` of
    CPU time is quarantined with that reason, without records (0: no limit). It is tried again when its text, the
    extractors or the budget change."""

    time_budget_seconds: float = 10.0


class WarehouseResource(DuckDBResource):
    """Where every table is kept: a DuckDB file (the default; its folder is created on first use), or a
    DuckLake ``ducklake:postgres:<libpq DSN>`` with its data files under ``lake_data_path`` (s3://bucket/prefix/,
    S3 settings from the AWS_* variables). A second build waits for the first one's connection to a DuckDB
    file (one writer per file) up to ``wait_seconds``, then fails clearly."""

    database: str = "data/caravan.duckdb"
    lake_data_path: Optional[str] = None
    wait_seconds: float = 120.0

    @contextmanager
    def get_connection(self):
        con = connect(self.database, wait_seconds=self.wait_seconds, lake_data_path=self.lake_data_path)
        try:
            yield con
        finally:
            con.close()


class ReleasesResource(dg.ConfigurableResource):
    """Where releases are written; version defaults to today's calendar version. Article texts are published
    only under the licences of ``publish_licences`` (by name or Creative Commons URL); when it is not set,
    those of CARAVAN_PUBLISH_LICENCES (comma-separated), else caravan.release.licences.DEFAULT_ALLOW_LIST."""

    folder: str = "releases"
    version: Optional[str] = None
    publish_licences: Optional[list[str]] = None

    def allowed_licences(self) -> AllowList:
        names = self.publish_licences
        if names is None:
            listed = os.environ.get("CARAVAN_PUBLISH_LICENCES", "")
            names = [n.strip() for n in listed.split(",") if n.strip()] or DEFAULT_ALLOW_LIST
        return AllowList.of(names)


class StatisticsResource(dg.ConfigurableResource):
    """Official statistics: the recorded reference figures and the folder of World Bank API snapshots."""

    reference_csv: str = str(REFERENCE_FIGURES)
    snapshots_folder: str = str(WORLD_BANK_SNAPSHOTS)


class CurationResource(dg.ConfigurableResource):
    """Folder of reviewed curation decisions (YAML); see curation/README.md."""

    folder: str = str(CURATION)
