"""Settings of a Caravan deployment, as Dagster resources with working defaults (relative to the working folder)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import dagster as dg
from dagster_duckdb import DuckDBResource


class CorpusResource(dg.ConfigurableResource):
    """Folder of articles: STEM.txt with optional STEM.meta.json."""

    folder: str = "data/corpus"


class WarehouseResource(DuckDBResource):
    """The DuckDB file holding every table; its folder is created on first use."""

    database: str = "data/caravan.duckdb"

    @contextmanager
    def get_connection(self):
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as con:
            yield con


class ReleasesResource(dg.ConfigurableResource):
    """Where releases are written; version defaults to today's calendar version."""

    folder: str = "releases"
    version: Optional[str] = None
