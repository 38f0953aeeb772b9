"""The Dagster code location of Caravan: resources, jobs, and the merge of every area's definitions."""
