"""Tests of the Dagster code location and the command line: whole builds, automation, faults."""
