"""Source: articles from a corpus folder (trust boundary, duplicates, quarantine) and from the web (fetch).

May import caravan.common only. Never Dagster: the assets in ``assets/`` call this package."""
