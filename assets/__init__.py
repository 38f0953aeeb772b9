"""Dagster assets of Caravan, one module per area; each only loads, calls the caravan library, and reports."""
