"""The warehouse: table specs and vocabularies, DuckDB (and DuckLake) storage, views, expectation suites.

May import caravan.ingest and caravan.common. Never Dagster: the assets in ``assets/`` call this package."""
