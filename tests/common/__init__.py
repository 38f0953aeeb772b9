"""Tests of caravan.common."""
