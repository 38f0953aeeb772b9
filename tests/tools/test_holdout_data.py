"""The held-out synthetic articles and their gold labels (tests/data/holdout) are well formed.

The held-out set scores whether extraction rules generalise to text their authors never read, so its
labels get the same format checks as tests/data/synthetic (tests/gold_checks.py). These tests only
check the files; they never print or compare article text, so running them reveals nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import gold_checks
from tests.gold_checks import GoldSet

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
HOLDOUT = GoldSet(DATA / "holdout")
STEMS = HOLDOUT.stems


def test_the_set_is_large_enough_and_varied():
    gold_checks.check_set_is_large_enough_and_varied(HOLDOUT, min_articles=6, prefix="synthetic-holdout-")


def test_every_gold_file_has_an_article():
    gold_checks.check_every_gold_file_has_an_article(HOLDOUT)


def test_the_readme_names_every_article():
    readme = (HOLDOUT.root / "README.md").read_text(encoding="utf-8")
    for stem in STEMS:
        assert f"`{stem}`" in readme


def test_no_article_is_shared_with_the_development_set():
    synthetic = GoldSet(DATA / "synthetic")
    assert not set(STEMS) & set(synthetic.stems)
    development_texts = {synthetic.text(stem) for stem in synthetic.stems}
    assert not any(HOLDOUT.text(stem) in development_texts for stem in STEMS)


@pytest.mark.parametrize("stem", STEMS)
def test_article_meta_marks_it_synthetic(stem: str):
    gold_checks.check_article_meta_marks_it_synthetic(HOLDOUT, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_article_text_is_already_normalised(stem: str):
    gold_checks.check_article_text_is_already_normalised(HOLDOUT, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_file_shape(stem: str):
    gold_checks.check_gold_file_shape(HOLDOUT, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_quotes(stem: str):
    gold_checks.check_gold_quotes(HOLDOUT, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_incidents(stem: str):
    gold_checks.check_gold_incidents(HOLDOUT, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_gold_figures(stem: str):
    gold_checks.check_gold_figures(HOLDOUT, stem)


def test_the_set_covers_every_incident_type():
    gold_checks.check_the_set_covers_every_incident_type(HOLDOUT)
