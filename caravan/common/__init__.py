"""Small helpers every stage uses: stable record ids, the project's folders, parallel maps.

Imports nothing else of caravan. Never Dagster: the assets in ``assets/`` call this package."""
