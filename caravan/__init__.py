"""Caravan: news and official statistics about Central Asian labour migrants, as an open dataset.

Plain Python (no Dagster; the assets in ``assets/`` call it), one package per stage, each importing only
those below it: the tools ``synthetic`` and ``evaluate``; ``release``; ``curate`` and ``statistics``;
``extract``; ``store``; ``ingest``; ``common`` (import-linter's contracts in ``pyproject.toml``).
"""

__version__ = "0.1.0"
