"""The code location: merges each area's definitions and binds the resources.

Writers of the DuckDB file must not run in parallel processes (one writer per file), so the job runs
in-process: steps run one after another in one process.
"""

from __future__ import annotations

import os

import dagster as dg

from assets import curation, extraction, ingest, release, statistics, validation
from caravan.paths import CURATION, REFERENCE_FIGURES, SAMPLE_CORPUS, WORLD_BANK_SNAPSHOTS
from pipelines import automation
from pipelines.resources import CorpusResource, CurationResource, ReleasesResource, StatisticsResource, WarehouseResource


def build_definitions(corpus_folder: str = str(SAMPLE_CORPUS), warehouse_path: str = "data/caravan.duckdb",
                      releases_folder: str = "releases", release_version: str | None = None,
                      reference_csv: str = str(REFERENCE_FIGURES),
                      snapshots_folder: str = str(WORLD_BANK_SNAPSHOTS),
                      curation_folder: str = str(CURATION)) -> dg.Definitions:
    settings = dg.Definitions(
        resources={
            "corpus": CorpusResource(folder=corpus_folder),
            "warehouse": WarehouseResource(database=warehouse_path),
            "releases": ReleasesResource(folder=releases_folder, version=release_version),
            "curation": CurationResource(folder=curation_folder),
            "statistics": StatisticsResource(reference_csv=reference_csv, snapshots_folder=snapshots_folder),
        },
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(ingest.defs, extraction.defs, curation.defs, statistics.defs, validation.defs, release.defs, automation.defs, settings)


# Deployments (and tests) point the code location elsewhere through the environment.
defs = build_definitions(
    corpus_folder=os.environ.get("CARAVAN_CORPUS", str(SAMPLE_CORPUS)),
    warehouse_path=os.environ.get("CARAVAN_WAREHOUSE", "data/caravan.duckdb"),
    releases_folder=os.environ.get("CARAVAN_RELEASES", "releases"),
    curation_folder=os.environ.get("CARAVAN_CURATION", str(CURATION)),
)
