"""Extraction: text into sentences, numbers, dates, places, speakers; quotes, incidents, figures per article.

May import caravan.store, caravan.ingest and caravan.common. Never Dagster: the assets in ``assets/`` call this package."""
