"""Tests of caravan.statistics."""
