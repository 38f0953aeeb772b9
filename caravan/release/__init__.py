"""Releases: Parquet and DuckDB files, changelog, Data Docs, the page, licences of texts, publishing, hydrating.

May import every stage below it. Never Dagster: the assets in ``assets/`` call this package."""
