"""Tests of caravan.release."""
