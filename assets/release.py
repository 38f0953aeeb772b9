"""Release area: the validated tables published as a versioned Parquet release."""

from functools import partial

import dagster as dg

from caravan.release import RELEASE_TABLES, write_release
from caravan.views import create_views
from caravan.warehouse import read_publishable
from pipelines.resources import ReleasesResource, WarehouseResource


@dg.asset(deps=list(RELEASE_TABLES), group_name="release", kinds={"parquet", "duckdb"}, owners=["team:caravan"],
          description="Versioned release: zstd Parquet per table, datapackage.json, data dictionary, DuckDB copy.")
def release(warehouse: WarehouseResource, releases: ReleasesResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        create_views(con)
        # Read when written, one table at a time: the whole release is never in memory at once.
        tables = {name: partial(read_publishable, con, name) for name in RELEASE_TABLES}
        rel = write_release(tables, releases.folder, releases.version)
    return dg.MaterializeResult(metadata={
        "version": rel.version,
        "path": dg.MetadataValue.path(str(rel.path.resolve())),
        "duckdb": dg.MetadataValue.path(str(rel.duckdb_path.resolve())),
        **{f"rows_{name}": n for name, n in rel.row_counts.items()},
    })


defs = dg.Definitions(assets=[release])
