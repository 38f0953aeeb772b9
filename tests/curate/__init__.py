"""Tests of caravan.curate."""
