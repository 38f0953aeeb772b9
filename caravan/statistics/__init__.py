"""Official statistics: World Bank snapshots, recorded reference figures, and figures checked against every vintage.

May import caravan.extract and the stages below it; not caravan.curate. Never Dagster: the assets in ``assets/`` call this package."""
