"""The synthetic test articles and their gold labels (tests/data/synthetic) are well formed.

These files are ground truth for scoring extraction, so a typo in them would silently skew every
score: each gold record is checked against the format of EVALUATION.md and against its article text
(the checks live in tests/gold_checks.py, shared with the held-out set).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import gold_checks
from tests.gold_checks import GoldSet

SYNTHETIC = GoldSet(Path(__file__).resolve().parents[2] / "tests" / "data" / "synthetic")
STEMS = SYNTHETIC.stems


def test_the_set_is_large_enough_and_varied():
    gold_checks.check_set_is_large_enough_and_varied(SYNTHETIC, min_articles=8, prefix="synthetic-")


def test_every_gold_file_has_an_article():
    gold_checks.check_every_gold_file_has_an_article(SYNTHETIC)


@pytest.mark.parametrize("stem", STEMS)
def test_article_meta_marks_it_synthetic(stem: str):
    gold_checks.check_article_meta_marks_it_synthetic(SYNTHETIC, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_article_text_is_already_normalised(stem: str):
    gold_checks.check_article_text_is_already_normalised(SYNTHETIC, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_file_shape(stem: str):
    gold_checks.check_gold_file_shape(SYNTHETIC, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_quotes(stem: str):
    gold_checks.check_gold_quotes(SYNTHETIC, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_incidents(stem: str):
    gold_checks.check_gold_incidents(SYNTHETIC, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_figures(stem: str):
    gold_checks.check_gold_figures(SYNTHETIC, stem)


def test_the_set_covers_every_incident_type():
    gold_checks.check_the_set_covers_every_incident_type(SYNTHETIC)
