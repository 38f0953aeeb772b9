"""The synthetic corpus generator (caravan.synthetic): deterministic, well-formed articles with valid gold.

Everything here is generated synthetic text (never news), written under tmp_path only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caravan import synthetic
from caravan.ingest.corpus import normalise_text, read_article
from caravan.extract.records import extract_article
from caravan.common.paths import PROJECT_ROOT
from caravan.extract.places import gazetteer, resolve_city
from tests import gold_checks
from tests.gold_checks import GoldSet

N = 20


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> GoldSet:
    root = tmp_path_factory.mktemp("synthetic")
    synthetic.generate_corpus(root / "corpus", N, seed=7, gold_folder=root / "gold")
    return GoldSet(root)


def test_counts_and_names(generated: GoldSet, tmp_path: Path):
    assert len(generated.stems) == N
    assert sorted(p.name for p in generated.corpus.glob("*.meta.json")) == [f"{s}.meta.json" for s in generated.stems]
    gold_checks.check_every_gold_file_has_an_article(generated)
    paths = synthetic.generate_corpus(tmp_path / "c", 3, seed=7, start_index=5)
    assert [p.name for p in paths] == [f"{generated.stems[i]}.txt" for i in (5, 6, 7)]
    assert all(p.is_file() for p in paths)


def test_same_seed_gives_the_same_bytes(generated: GoldSet, tmp_path: Path):
    synthetic.generate_corpus(tmp_path / "corpus", N, seed=7, gold_folder=tmp_path / "gold")
    assert _files(tmp_path / "corpus") == _files(generated.corpus)
    assert _files(tmp_path / "gold") == _files(generated.gold_dir)


def test_an_article_depends_only_on_seed_and_index(generated: GoldSet, tmp_path: Path):
    # Adding articles with start_index leaves the earlier ones alone; worker processes change nothing.
    synthetic.generate_corpus(tmp_path / "tail", 5, seed=7, start_index=N - 5, workers=1)
    synthetic.generate_corpus(tmp_path / "split", N, seed=7, workers=2)
    whole = _files(generated.corpus)
    assert _files(tmp_path / "tail") == {k: v for k, v in whole.items() if k in _files(tmp_path / "tail")}
    assert _files(tmp_path / "split") == whole


def test_another_seed_gives_other_articles(generated: GoldSet, tmp_path: Path):
    synthetic.generate_corpus(tmp_path / "other", 3, seed=8)
    texts = {p.read_text(encoding="utf-8") for p in (tmp_path / "other").glob("*.txt")}
    assert len(texts) == 3
    assert not texts & {generated.text(s) + "\n" for s in generated.stems}


def test_articles_are_realistic_and_marked_synthetic(generated: GoldSet):
    precisions = set()
    for stem in generated.stems:
        raw = (generated.corpus / f"{stem}.txt").read_text(encoding="utf-8")
        assert normalise_text(raw) == raw.strip()  # offsets into the file are offsets into articles.text
        assert 400 <= len(raw.split()) <= 800
        assert raw.count("\n") >= 6  # paragraphs
        meta = generated.meta(stem)
        assert meta["synthetic"] is True
        assert meta["outlet"] == synthetic.OUTLET == "Caravan synthetic benchmark article"
        assert meta["url"] is None and meta["language"] == "en" and meta["license"] == synthetic.LICENSE
        article = read_article(generated.corpus / f"{stem}.txt")
        assert article.synthetic is True
        assert article.published == meta["published"]
        precisions.add(meta["published_precision"])
    assert "day" in precisions and len(precisions) >= 2


@pytest.mark.parametrize("check", [gold_checks.check_gold_file_shape, gold_checks.check_gold_quotes,
                                   gold_checks.check_gold_incidents, gold_checks.check_gold_figures])
def test_gold_files_are_valid(generated: GoldSet, check):
    for stem in generated.stems:
        check(generated, stem)


def test_every_gold_string_occurs_verbatim_in_its_article(generated: GoldSet):
    kinds = set()
    for stem in generated.stems:
        text, gold = generated.text(stem), generated.gold(stem)
        assert gold["quotes"] and gold["incidents"] and gold["figures"]
        for quote in gold["quotes"]:
            assert quote["text"] in text
        for record in gold["incidents"] + gold["figures"]:
            assert record["evidence"] in text
        kinds |= {i["type"] for i in gold["incidents"]}
    assert len(kinds) >= 10  # the incidents vary


def test_cities_carry_their_geonames_name_and_region():
    gaz = gazetteer()
    for city in synthetic.CITIES:
        found = resolve_city(city.text, country=city.country)
        assert found is not None and found.name == city.name, city
        region = gaz.region_of(found)
        assert (region.name if region else None) == city.region, city


def test_extraction_finds_the_generated_records(generated: GoldSet):
    found = {"quotes": 0, "incidents": 0, "economic_figures": 0}
    gold_quotes, extracted_quotes = set(), set()
    for stem in generated.stems[:5]:
        records = extract_article(read_article(generated.corpus / f"{stem}.txt"))
        for table in found:
            found[table] += len(records[table])
        gold_quotes = gold_quotes | {q["text"] for q in generated.gold(stem)["quotes"]}
        extracted_quotes = extracted_quotes | {q["text"] for q in records["quotes"]}
    assert all(found.values()), found
    assert gold_quotes & extracted_quotes


def test_unmarked_articles_are_refused_inside_the_project(tmp_path: Path):
    with pytest.raises(ValueError, match="outside the project"):
        synthetic.generate_corpus(PROJECT_ROOT / "tmp-benchmark-corpus", 1, benchmark_unmarked=True)
    assert not (PROJECT_ROOT / "tmp-benchmark-corpus").exists()
    # In a throw-away folder they are written without the mark, so that a build publishes them.
    [path] = synthetic.generate_corpus(tmp_path / "bench", 1, benchmark_unmarked=True)
    meta = json.loads(path.with_name(path.name.removesuffix(".txt") + ".meta.json").read_text(encoding="utf-8"))
    assert "synthetic" not in meta and meta["outlet"] == synthetic.OUTLET
    assert read_article(path).synthetic is False


def test_command_line(tmp_path: Path, capsys):
    assert synthetic.main(["--out", str(tmp_path / "c"), "--n", "2", "--seed", "3", "--gold", str(tmp_path / "g")]) == 0
    assert "wrote 2 articles" in capsys.readouterr().out
    assert len(list((tmp_path / "c").glob("*.txt"))) == 2 and len(list((tmp_path / "g").glob("*.json"))) == 2
    assert synthetic.main(["--out", str(PROJECT_ROOT / "tmp-benchmark-corpus"), "--n", "1", "--benchmark-unmarked"]) == 2
    assert not (PROJECT_ROOT / "tmp-benchmark-corpus").exists()


def test_articles_published_between_two_days(generated: GoldSet, tmp_path: Path):
    # A daily run's news: every article of the span is published in it, its gold labels still hold, and its events
    # are dated no later than its publication.
    first, last = synthetic.dt.date(2026, 1, 5), synthetic.dt.date(2026, 1, 11)
    synthetic.generate_corpus(tmp_path / "corpus", N, seed=7, gold_folder=tmp_path / "gold", days=(first, last))
    days = GoldSet(tmp_path)
    gold_checks.check_every_gold_file_has_an_article(days)
    for stem in days.stems:
        for check in (gold_checks.check_gold_file_shape, gold_checks.check_gold_quotes,
                      gold_checks.check_gold_incidents, gold_checks.check_gold_figures):
            check(days, stem)  # also: no incident dated after the publication
        published = days.meta(stem)["published"]
        assert str(first)[:len(published)] <= published <= str(last)[:len(published)]
    # The same stems, other days: the rest of each article is drawn as before (only the dates in it differ).
    assert days.stems == generated.stems
    assert _files(days.corpus) != _files(generated.corpus)
    assert synthetic.main(["--out", str(tmp_path / "c"), "--n", "1", "--published-between", "2026-01-02",
                           "2026-01-01"]) == 2
    assert synthetic.main(["--out", str(tmp_path / "c"), "--n", "1", "--published-between", "2026-01-01",
                           "2026-01-02"]) == 0
