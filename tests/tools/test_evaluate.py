"""The scorer of EVALUATION.md, against hand-made predictions derived from the sample's gold file."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

import caravan.evaluate as evaluate
from caravan.ingest.corpus import read_article
from caravan.evaluate import (EvaluationError, evaluate_folder, format_table, predictions_for, report_json, score,
                              token_f1)
from caravan.store.vocabularies import COUNT_KINDS

ROOT = Path(__file__).resolve().parents[2]
STEM = "voa-2024-03-central-asian-migrants-backlash"
GOLD_PATH = ROOT / "tests" / "data" / "gold" / f"{STEM}.json"
ARTICLE_PATH = ROOT / "data" / "corpus" / f"{STEM}.txt"
SUMMARY_RE = re.compile(r"^quotes_f1=\d\.\d{3} attribution=\d\.\d{3} incidents_f1=\d\.\d{3} figures_f1=\d\.\d{3}$")


@pytest.fixture
def gold() -> dict:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


def _score(pred: dict, gold: dict):
    return score({STEM: pred}, {STEM: gold}).overall


def _required_incidents(gold: dict) -> list[dict]:
    return [i for i in gold["incidents"] if not i.get("optional")]


def _index(records: list[dict], **fields) -> int:
    return next(i for i, r in enumerate(records) if all(r.get(k) == v for k, v in fields.items()))


def test_gold_as_predictions_scores_one_everywhere(gold):
    report = score({STEM: copy.deepcopy(gold)}, {STEM: gold})
    data = report_json(report)
    for scope in (data["overall"], data["articles"][STEM]):
        for kind, fields in scope.items():
            assert fields["fp"] == fields["fn"] == 0, kind
            for name, value in fields.items():
                if name not in ("tp", "fp", "fn"):
                    assert value == 1.0, (kind, name)
    assert (data["overall"]["quotes"]["tp"], data["overall"]["incidents"]["tp"], data["overall"]["figures"]["tp"]) == (16, 10, 4)
    assert data["summary"] == {"quotes_f1": 1.0, "attribution": 1.0, "incidents_f1": 1.0, "figures_f1": 1.0}


def test_missing_quote_lowers_recall_not_precision(gold):
    pred = copy.deepcopy(gold)
    del pred["quotes"][3]
    quotes = _score(pred, gold)["quotes"]
    assert (quotes.tp, quotes.fp, quotes.fn) == (15, 0, 1)
    assert quotes.precision == 1.0
    assert quotes.recall == pytest.approx(15 / 16)


def test_wrong_speaker_lowers_attribution_not_quote_f1(gold):
    pred = copy.deepcopy(gold)
    pred["quotes"][0]["speaker"] = "Boris Dolgin"
    pred["quotes"][1]["speaker"] = "LEMON"  # the surname alone, in another case, is the right speaker
    quotes = _score(pred, gold)["quotes"]
    assert quotes.f1 == 1.0
    assert quotes.accuracy("attribution") == pytest.approx(15 / 16)
    # 15 attributed true positives out of 16 predicted and 16 gold.
    assert quotes.attributed_f1 == pytest.approx(15 / 16)


def test_reworded_quote_under_threshold_does_not_match(gold):
    i = _index(gold["quotes"], text="Putin needs to tread a tightrope as the Russian economy needs migrants.")
    pred = copy.deepcopy(gold)
    pred["quotes"][i]["text"] = "Putin must walk a tightrope because Russia's economy needs migrants."
    assert token_f1(pred["quotes"][i]["text"], gold["quotes"][i]["text"]) < 0.8
    quotes = _score(pred, gold)["quotes"]
    assert (quotes.tp, quotes.fp, quotes.fn) == (15, 1, 1)


def test_quote_threshold_is_inclusive_and_ignores_punctuation_and_quote_marks(gold):
    # Synthetic variants: 4 of 5 tokens shared gives exactly 0.8, which matches.
    assert token_f1("Central Asia should be concerned", "Central Asia should be worried,") == 0.8
    i = _index(gold["quotes"], text="Central Asia should be worried,")
    pred = copy.deepcopy(gold)
    pred["quotes"][i]["text"] = "Central Asia should be concerned"
    assert _score(pred, gold)["quotes"].tp == 16
    # Straight, curly, guillemet and single quotation marks, apostrophes and case make no difference.
    viral = next(q["text"] for q in gold["quotes"] if q["text"].startswith("Viral"))
    variant = viral.replace("‘terrorists’", "«Terrorists»").upper()
    assert token_f1(f'"{variant}"', viral) == 1.0
    assert token_f1("we don't see", "we don’t see") == 1.0
    assert token_f1("", viral) == 0.0


def test_best_quote_pair_is_taken_first(gold):
    # Synthetic: an exact copy with a wrong speaker beats a near copy with the right one.
    one = {"quotes": [gold["quotes"][0]], "incidents": [], "figures": []}
    exact = dict(gold["quotes"][0], speaker="Someone Else")
    near = dict(gold["quotes"][0], text=gold["quotes"][0]["text"].removesuffix(" in Kaluga,"))
    quotes = _score({"quotes": [near, exact]}, one)["quotes"]
    assert (quotes.tp, quotes.fp, quotes.fn) == (1, 1, 0)
    assert quotes.accuracy("attribution") == 0.0


def test_partial_and_medium_accuracy(gold):
    pred = copy.deepcopy(gold)
    pred["quotes"][0]["partial"] = True
    pred["quotes"][3]["medium"] = None
    quotes = _score(pred, gold)["quotes"]
    assert quotes.accuracy("partial") == pytest.approx(15 / 16)
    assert quotes.accuracy("medium") == pytest.approx(15 / 16)


def test_prediction_matching_optional_incident_is_neither_tp_nor_fp(gold):
    harassment = next(i for i in gold["incidents"] if i.get("optional") and i["type"] == "harassment")
    pred = {"incidents": copy.deepcopy(_required_incidents(gold)) + [dict(harassment, optional=False)]}
    incidents = _score(pred, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (10, 0, 0)


def test_unmatched_optional_incident_is_not_a_miss(gold):
    incidents = _score({"incidents": copy.deepcopy(_required_incidents(gold))}, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (10, 0, 0)
    assert incidents.recall == 1.0


def test_wrong_city_is_a_miss_and_a_false_positive_any_city_matches_null(gold):
    pred = copy.deepcopy(_required_incidents(gold))
    pred[_index(pred, type="assault")]["city"] = "Tula"
    incidents = _score({"incidents": pred}, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (9, 1, 1)

    pred = copy.deepcopy(_required_incidents(gold))
    pred[_index(pred, type="arrest")]["city"] = "Moscow"  # gold city is null
    pred[_index(pred, type="arson")]["city"] = "BLAGOVÉSHCHENSK"  # case and accents do not count
    incidents = _score({"incidents": pred}, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (10, 0, 0)


def test_wrong_type_or_country_does_not_match(gold):
    pred = copy.deepcopy(_required_incidents(gold))
    pred[_index(pred, type="arson")]["type"] = "vandalism"
    pred[_index(pred, type="travel_advisory", country="KG")]["country"] = "RU"
    incidents = _score({"incidents": pred}, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (8, 2, 2)


def test_incident_pairs_prefer_required_then_same_date():
    # Synthetic gold: the prediction could match either incident; the required one wins.
    gold = {"incidents": [
        {"type": "assault", "city": None, "country": "RU", "date": "2024-03", "optional": True},
        {"type": "assault", "city": None, "country": "RU", "date": "2023-05"},
    ]}
    pred = {"incidents": [{"type": "assault", "city": None, "country": "RU", "date": "2024-03"}]}
    incidents = _score(pred, gold)["incidents"]
    assert (incidents.tp, incidents.fp, incidents.fn) == (1, 0, 0)
    assert incidents.accuracy("date") == 0.0
    # Two required incidents: each prediction goes to the one with its date.
    gold = {"incidents": [dict(gold["incidents"][0], optional=False), gold["incidents"][1]]}
    pred = {"incidents": [dict(pred["incidents"][0], date="2023-05"), pred["incidents"][0]]}
    assert _score(pred, gold)["incidents"].accuracy("date") == 1.0


def test_count_accuracy_needs_value_and_qualifier(gold):
    pred = copy.deepcopy(_required_incidents(gold))
    attack = pred[_index(pred, type="terror_attack")]
    attack["killed"] = {"value": 139, "qualifier": "exact"}
    attack["injured"] = {"value": 201, "qualifier": "nearly"}
    pred[_index(pred, type="arson")]["victims"] = {"value": 1, "qualifier": "exact"}  # gold has none
    pred[_index(pred, type="raid")]["date"] = "2024-03-22"
    incidents = _score({"incidents": pred}, gold)["incidents"]
    assert incidents.f1 == 1.0
    assert incidents.accuracy("killed") == incidents.accuracy("injured") == incidents.accuracy("victims") == 0.9
    assert incidents.accuracy("arrested") == 1.0
    assert incidents.accuracy("date") == 0.9


def test_figure_value_tolerance_is_half_a_percent(gold):
    for factor, matches in ((1.004, True), (0.996, True), (1.005, True), (1.006, False), (0.994, False)):
        pred = copy.deepcopy(gold)
        i = _index(pred["figures"], indicator="migrant_population")
        pred["figures"][i]["value"] = pred["figures"][i]["value"] * factor
        figures = _score(pred, gold)["figures"]
        assert (figures.tp, figures.fp, figures.fn) == ((4, 0, 0) if matches else (3, 1, 1)), factor


def test_figure_unit_must_be_equal_and_closest_value_wins(gold):
    pred = copy.deepcopy(gold)
    pred["figures"][_index(pred["figures"], unit="percent")]["unit"] = "persons"
    assert (_score(pred, gold)["figures"].tp, _score(pred, gold)["figures"].fp) == (3, 1)
    # Synthetic: the exact value takes the gold figure, so its qualifier is the one scored.
    one = {"figures": [gold["figures"][0]]}
    near = dict(gold["figures"][0], value=48.1)
    exact = dict(gold["figures"][0], qualifier="about")
    figures = _score({"figures": [near, exact]}, one)["figures"]
    assert (figures.tp, figures.fp, figures.fn) == (1, 1, 0)
    assert figures.accuracy("qualifier") == 0.0


def test_figure_checks(gold):
    pred = copy.deepcopy(gold)
    pred["figures"][0]["period"] = None
    pred["figures"][1]["indicator"] = "other"
    pred["figures"][2]["qualifier"] = "exact"
    figures = _score(pred, gold)["figures"]
    assert figures.f1 == 1.0
    assert figures.accuracy("period") == figures.accuracy("indicator") == figures.accuracy("qualifier") == 0.75


def test_nothing_to_find_and_nothing_predicted_is_perfect(gold):
    empty = {"quotes": [], "incidents": [], "figures": []}
    overall = score({"a": empty}, {"a": empty}).overall
    assert all((s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0) for s in overall.values())
    assert overall["quotes"].accuracy("attribution") is None
    # Nothing predicted with something to find, or predictions with nothing to find, score 0.
    overall = score({"a": empty, "b": gold}, {"a": gold, "b": empty}).overall
    assert all((s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0) for s in overall.values())


def test_scores_are_pooled_over_articles(gold):
    # Synthetic second article: one gold quote, nothing predicted.
    other = {"quotes": [{"speaker": "A Person", "text": "Something else entirely.", "partial": False, "medium": None}]}
    report = score({STEM: gold}, {STEM: gold, "other": other})
    quotes = report.overall["quotes"]
    assert (quotes.tp, quotes.fp, quotes.fn) == (16, 0, 1)
    assert quotes.recall == pytest.approx(16 / 17)
    assert list(report.articles) == ["other", STEM]
    with pytest.raises(EvaluationError, match="unknown"):
        score({"unknown": gold}, {STEM: gold})


def test_summary_line_and_table(gold):
    table = format_table(score({STEM: gold}, {STEM: gold}))
    last = table.splitlines()[-1]
    assert last == "quotes_f1=1.000 attribution=1.000 incidents_f1=1.000 figures_f1=1.000"
    assert SUMMARY_RE.match(last)
    assert STEM in table and "overall" in table

    pred = copy.deepcopy(gold)
    del pred["quotes"][0]
    pred["figures"] = []
    last = format_table(score({STEM: pred}, {STEM: gold})).splitlines()[-1]
    # 15 of 16 quotes found, none wrong: F1 = 2·15 / (2·15 + 1) = 0.968.
    assert last == "quotes_f1=0.968 attribution=1.000 incidents_f1=1.000 figures_f1=0.000"

    # No matched quote: attribution is "-" in the table, 0.000 in the summary.
    table = format_table(score({}, {STEM: gold}))
    assert " - " in table
    assert table.splitlines()[-1] == "quotes_f1=0.000 attribution=0.000 incidents_f1=0.000 figures_f1=0.000"


def test_report_json_round_trips(gold):
    pred = copy.deepcopy(gold)
    pred["quotes"] = []
    report = score({STEM: pred}, {STEM: gold, "empty": {}})
    data = report_json(report)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"summary", "overall", "articles", "skipped"}
    assert set(data["articles"]) == {STEM, "empty"}
    assert data["overall"]["quotes"]["attribution"] is None
    assert data["overall"]["incidents"]["killed_accuracy"] == 1.0


def _rows_from_gold(article, gold: dict) -> dict[str, list[dict]]:
    """Synthetic extractor output: the gold records as flat table rows, evidence located in the text."""

    def span(evidence):
        start = article.text.find(evidence) if evidence else -1
        return {"char_start": start, "char_end": start + len(evidence)} if start >= 0 else {"char_start": None, "char_end": None}

    def flat(incident):
        row = {k: v for k, v in incident.items() if k not in COUNT_KINDS + ("optional", "evidence")}
        for kind in COUNT_KINDS:
            row[kind] = (incident[kind] or {}).get("value")
            row[f"{kind}_qualifier"] = (incident[kind] or {}).get("qualifier")
        return row | span(incident["evidence"])

    return {
        "quotes": [dict(q) | span(q["text"]) for q in gold["quotes"]],
        "incidents": [flat(i) for i in gold["incidents"] if not i.get("optional")],
        "economic_figures": [{k: v for k, v in f.items() if k != "evidence"} | span(f["evidence"]) for f in gold["figures"]],
    }


def test_predictions_for_converts_table_rows(gold):
    article = read_article(ARTICLE_PATH)
    pred = predictions_for(article, _rows_from_gold(article, gold))
    attack = pred["incidents"][_index(pred["incidents"], type="terror_attack")]
    assert attack["killed"] == {"value": 139, "qualifier": "at_least"}
    assert attack["victims"] is None
    assert attack["evidence"] == gold["incidents"][0]["evidence"]
    assert pred["figures"][0]["evidence"] == gold["figures"][0]["evidence"]
    assert set(pred["quotes"][0]) == {"speaker", "speaker_description", "text", "partial", "medium"}
    assert report_json(score({STEM: pred}, {STEM: gold}))["summary"] == {
        "quotes_f1": 1.0, "attribution": 1.0, "incidents_f1": 1.0, "figures_f1": 1.0}
    assert predictions_for(article, {}) == {"quotes": [], "incidents": [], "figures": []}


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    corpus, gold_dir = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    gold_dir.mkdir()
    shutil.copy(ARTICLE_PATH, corpus / ARTICLE_PATH.name)
    shutil.copy(ARTICLE_PATH.with_name(f"{STEM}.meta.json"), corpus / f"{STEM}.meta.json")
    # Synthetic article with no gold file.
    (corpus / "zz-synthetic-no-gold.txt").write_text("Police detained two migrants in Moscow on Monday.\n", encoding="utf-8")
    shutil.copy(GOLD_PATH, gold_dir / GOLD_PATH.name)
    return corpus, gold_dir


def test_evaluate_folder_reads_pairs_and_skips(tmp_path, gold):
    corpus, gold_dir = _folders(tmp_path)
    report = evaluate_folder(corpus, gold_dir)
    assert list(report.articles) == [STEM]
    assert report.skipped == ("zz-synthetic-no-gold",)
    scores = report.articles[STEM]
    # Whatever the extractors find, every gold record is either found or missed.
    assert scores["quotes"].tp + scores["quotes"].fn == 16
    assert scores["incidents"].tp + scores["incidents"].fn == 10
    assert scores["figures"].tp + scores["figures"].fn == 4
    table = format_table(report)
    assert "zz-synthetic-no-gold" in table and SUMMARY_RE.match(table.splitlines()[-1])
    assert report_json(report)["skipped"] == ["zz-synthetic-no-gold"]


def test_evaluate_folder_runs_the_extraction(tmp_path, gold, monkeypatch):
    corpus, gold_dir = _folders(tmp_path)
    (gold_dir / "zz-synthetic-no-gold.json").write_text('{"incidents": [{"type": "detention", "city": "Moscow", "country": "RU"}]}')

    def fake_extract(article):
        if article.stem == STEM:
            return _rows_from_gold(article, gold)
        return {"incidents": [{"type": "detention", "city": "Moscow", "country": "RU", "date": None}]}

    monkeypatch.setattr(evaluate, "extract_article", fake_extract)
    report = evaluate_folder(corpus, gold_dir)
    assert report.skipped == ()
    assert report.summary() == {"quotes_f1": 1.0, "attribution": 1.0, "incidents_f1": 1.0, "figures_f1": 1.0}
    assert report.overall["incidents"].tp == 11


def test_evaluate_folder_errors_name_the_gold_file(tmp_path):
    corpus, gold_dir = _folders(tmp_path)
    (gold_dir / "no-such-article.json").write_text("{}")
    with pytest.raises(EvaluationError, match="no-such-article.json"):
        evaluate_folder(corpus, gold_dir)
    (gold_dir / "no-such-article.json").unlink()

    (gold_dir / "zz-synthetic-no-gold.json").write_text('{"figures": [{"value": "many", "unit": "persons"}]}')
    with pytest.raises(EvaluationError, match=r"zz-synthetic-no-gold\.json: figures\[0\]"):
        evaluate_folder(corpus, gold_dir)
    (gold_dir / "zz-synthetic-no-gold.json").write_text("not json")
    with pytest.raises(EvaluationError, match="zz-synthetic-no-gold.json"):
        evaluate_folder(corpus, gold_dir)

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EvaluationError, match="no gold files"):
        evaluate_folder(corpus, empty)
    with pytest.raises(EvaluationError, match="does not exist"):
        evaluate_folder(corpus, tmp_path / "missing")


def test_article_metadata_is_not_taken_for_gold(tmp_path):
    corpus, _ = _folders(tmp_path)
    shutil.copy(GOLD_PATH, corpus / GOLD_PATH.name)  # gold kept beside the articles
    report = evaluate_folder(corpus, corpus)
    assert list(report.articles) == [STEM]
