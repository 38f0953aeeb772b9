"""Curation: reviewers' decisions with their audit log, incidents merged across reports, the speakers table.

May import caravan.extract and the stages below it; not caravan.statistics. Never Dagster: the assets in ``assets/`` call this package."""
