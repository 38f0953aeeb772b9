"""Tests of caravan.store: table specs, the warehouse, expectation suites, the integration services."""
