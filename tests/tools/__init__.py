"""Tests of the evaluation tools and of the synthetic and held-out gold sets."""
