"""Tests of caravan.extract: each extractor on sentences of our own, and the extraction step."""
