"""Tests of caravan.ingest: the corpus folder and fetching."""
