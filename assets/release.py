"""Release area: the validated tables published as a versioned Parquet release."""

import dagster as dg

from caravan.release.changelog import CHANGE_KINDS
from caravan.release.table_files import WarehouseTables
from caravan.release.writer import RELEASE_TABLES, Release, write_release
from caravan.store.views import create_views
from assets.resources import ReleasesResource, WarehouseResource


@dg.asset(deps=list(RELEASE_TABLES), group_name="release", kinds={"parquet", "duckdb"}, owners=["team:caravan"],
          description="Versioned release: zstd Parquet per table, datapackage.json, data dictionary, DuckDB copy. "
                      "Nothing is written when the tables are byte-identical to the latest release's.")
def release(warehouse: WarehouseResource, releases: ReleasesResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        create_views(con)
    # Closed before the release: its tables are read by a child process of their own (DuckDB allows one process
    # per file), so the memory reading them takes goes with that process.
    rel = write_release(WarehouseTables(warehouse.database, warehouse.lake_data_path), releases.folder,
                        releases.version, releases.allowed_licences())
    return dg.MaterializeResult(metadata=release_metadata(rel))


def release_metadata(rel: Release) -> dict:
    """What the UI shows: the version (the latest's when nothing was written, with "no changes since"), the
    files to open, and the rows added, removed and changed in all and per table."""
    folder = rel.path.resolve()
    files = {"page": folder / "index.html", "data_docs": folder / "validation" / "index.html"}
    if not rel.unchanged_since:
        files["changes"] = folder / "CHANGES.md"  # not when unchanged: the latest's lists that release's changes
    by_table = ["| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    by_table += [f"| {c.table} | " + " | ".join(str(c.counts[k]) for k in CHANGE_KINDS) + " |" for c in rel.changes]
    return {
        "version": rel.version,
        "status": f"no changes since {rel.unchanged_since}" if rel.unchanged_since else "new release",
        **({"changes/against": rel.previous} if rel.previous else {}),
        "path": dg.MetadataValue.path(str(folder)),
        "duckdb": dg.MetadataValue.path(str(rel.duckdb_path.resolve())),
        **{name: dg.MetadataValue.path(str(path)) for name, path in files.items()},
        **{f"changes/{kind}": sum(c.counts[kind] for c in rel.changes) for kind in CHANGE_KINDS},
        "changes/by_table": dg.MetadataValue.md("\n".join(by_table)),
        **{f"rows_{name}": n for name, n in rel.row_counts.items()},
    }


defs = dg.Definitions(assets=[release])
