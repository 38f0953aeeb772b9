"""The code location: merges each area's definitions and binds the resources.

Writers of a DuckDB file must not run in parallel processes (one writer per file), so by default the job
runs in-process: steps run one after another in one process. With a DuckLake warehouse, many processes
may write at once, and the steps can run on the workers of a Dask cluster (CARAVAN_DASK_SCHEDULER).
"""

from __future__ import annotations

import os

import dagster as dg

from assets import curation, extraction, fetch, ingest, release, statistics, validation
from caravan.common.paths import CURATION, REFERENCE_FIGURES, SAMPLE_CORPUS, WORLD_BANK_SNAPSHOTS
from pipelines import automation
from assets.resources import (CorpusResource, CurationResource, ExtractionResource, ReleasesResource,
                                 StatisticsResource, WarehouseResource)


def build_definitions(corpus_folder: str = str(SAMPLE_CORPUS), warehouse_path: str = "data/caravan.duckdb",
                      releases_folder: str = "releases", release_version: str | None = None,
                      reference_csv: str = str(REFERENCE_FIGURES),
                      snapshots_folder: str = str(WORLD_BANK_SNAPSHOTS),
                      curation_folder: str = str(CURATION), lake_data_path: str | None = None,
                      extraction_partitions: int = 1, executor: dg.ExecutorDefinition = dg.in_process_executor,
                      extraction_time_budget: float = 10.0) -> dg.Definitions:
    settings = dg.Definitions(
        resources={
            "corpus": CorpusResource(folder=corpus_folder),
            "warehouse": WarehouseResource(database=warehouse_path, lake_data_path=lake_data_path),
            "extraction": ExtractionResource(time_budget_seconds=extraction_time_budget),
            "releases": ReleasesResource(folder=releases_folder, version=release_version),
            "curation": CurationResource(folder=curation_folder),
            "statistics": StatisticsResource(reference_csv=reference_csv, snapshots_folder=snapshots_folder),
        },
        executor=executor,
    )
    return dg.Definitions.merge(fetch.defs, ingest.defs, extraction.extraction_defs(extraction_partitions), curation.defs, statistics.defs, validation.defs, release.defs, automation.defs, settings)


def executor_from_environment() -> dg.ExecutorDefinition:
    """In-process (the default), or the steps on the workers of a Dask cluster at CARAVAN_DASK_SCHEDULER."""
    address = os.environ.get("CARAVAN_DASK_SCHEDULER")
    if not address:
        return dg.in_process_executor
    from dagster_dask import dask_executor  # an optional dependency: caravan[distributed]

    return dask_executor.configured({"cluster": {"existing": {"address": address}}})


# Deployments (and tests) point the code location elsewhere through the environment.
defs = build_definitions(
    corpus_folder=os.environ.get("CARAVAN_CORPUS", str(SAMPLE_CORPUS)),
    warehouse_path=os.environ.get("CARAVAN_WAREHOUSE", "data/caravan.duckdb"),
    releases_folder=os.environ.get("CARAVAN_RELEASES", "releases"),
    release_version=os.environ.get("CARAVAN_RELEASE_VERSION") or None,
    curation_folder=os.environ.get("CARAVAN_CURATION", str(CURATION)),
    lake_data_path=os.environ.get("CARAVAN_LAKE_DATA_PATH"),
    extraction_partitions=int(os.environ.get("CARAVAN_EXTRACTION_PARTITIONS", "1")),
    executor=executor_from_environment(),
    extraction_time_budget=float(os.environ.get("CARAVAN_EXTRACTION_TIME_BUDGET", "10")),
)


def build_job() -> dg.JobDefinition:
    """The build job of this code location, for ``dagster.reconstructable``: a job whose steps run in
    other processes (Dask workers) is loaded there again from this module."""
    return defs.resolve_job_def("build")
