"""Caravan: news and official statistics about Central Asian labour migrants, as an open dataset.

The modules of this package are plain Python (no Dagster): the Dagster assets in ``assets/`` call them.
"""

__version__ = "0.1.0"
