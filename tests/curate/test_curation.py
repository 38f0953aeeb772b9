"""Curation decisions: loading YAML, applying each action, the log, and the review list.

All articles and table rows here are synthetic, written for these tests; YAML goes under tmp_path.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from caravan.curate.curation import (
    LOG_COLUMNS,
    CurationError,
    apply_decisions,
    format_review,
    load_decisions,
    uncovered,
)
from caravan.extract.text import sentence_at, sentences

REPO = Path(__file__).resolve().parents[2]

# Synthetic articles.
TEXT_A = (
    "Police detained 40 migrants in a raid on a Moscow hostel on Tuesday.\n"
    '"We are afraid to go out," Lemon told VOA. Remittances to Tajikistan reached $5.7 billion last year.\n'
    "Unknown men set fire to a Tajik cafe in Yekaterinburg on March 23.\n"
    "Remittances make up nearly a third of Kyrgyzstan's GDP, the World Bank says."
)
TEXT_B = "Some 40 people were detained when police raided a hostel in Moscow, witnesses said."
ARTICLES = {
    "art_a": {"text": TEXT_A, "url": "https://news.example/a", "published": "2024-03-28"},
    "art_b": {"text": TEXT_B, "url": "https://news.example/b", "published": "2024-03-27"},
}


def _evidence(article_id: str, words: str) -> dict:
    text = ARTICLES[article_id]["text"]
    start = text.index(words)
    return {"article_id": article_id, "sentence": sentence_at(sentences(text), start).text,
            "char_start": start, "char_end": start + len(words)}


def _tables() -> dict[str, list[dict]]:
    """Synthetic extracted tables: one quote, three incidents (one mention each), one figure."""
    quote = {"record_id": "quo_lemon", "speaker": "Lemon", "speaker_description": None,
             "text": "We are afraid to go out,", "partial": False, "medium": "VOA",
             **_evidence("art_a", "We are afraid to go out,")}
    raid_a = _evidence("art_a", "Police detained 40 migrants in a raid on a Moscow hostel on Tuesday.")
    raid_b = _evidence("art_b", "Some 40 people were detained when police raided a hostel in Moscow")
    arson = _evidence("art_a", "Unknown men set fire to a Tajik cafe in Yekaterinburg on March 23.")
    base = {"region": None, "latitude": None, "longitude": None, "geonames_id": None, "killed": None,
            "killed_qualifier": None, "injured": None, "injured_qualifier": None, "victims": None,
            "victims_qualifier": None, "target_group": None, "perpetrator": None}
    incidents = [
        {"incident_id": "inc_raid_a", **base, "type": "raid", "city": "Moscow", "country": "RU", "date": "2024-03-26",
         "date_precision": "day", "arrested": 40, "arrested_qualifier": "exact", **raid_a,
         "n_sources": 1, "n_articles": 1, "merge_rule": "single mention"},
        {"incident_id": "inc_raid_b", **base, "type": "detention", "city": "Moscow", "country": "RU", "date": None,
         "date_precision": None, "arrested": 40, "arrested_qualifier": "about", **raid_b,
         "n_sources": 1, "n_articles": 1, "merge_rule": "single mention"},
        {"incident_id": "inc_arson", **base, "type": "arson", "city": "Yekaterinburg", "country": "RU",
         "date": "2024-03-23", "date_precision": "day", "arrested": None, "arrested_qualifier": None, **arson,
         "n_sources": 1, "n_articles": 1, "merge_rule": "single mention"},
    ]

    def source(source_id, incident, ev):
        return {"source_id": source_id, "incident_id": incident["incident_id"], **ev, "date": incident["date"],
                "date_precision": incident["date_precision"], "city": incident["city"], "country": incident["country"]}

    sources = [source("src_raid_a", incidents[0], raid_a), source("src_raid_b", incidents[1], raid_b),
               source("src_arson", incidents[2], arson)]
    figure = {"record_id": "fig_remit", "subject": "Tajikistan", "indicator": "remittances_usd", "value": 5.7e9,
              "unit": "USD", "currency": "USD", "qualifier": "exact", "period": "2023", "source": None,
              "raw": "$5.7 billion", **_evidence("art_a", "$5.7 billion")}
    return {"quotes": [quote], "incidents": incidents, "incident_sources": sources, "economic_figures": [figure]}


def _write(folder: Path, name: str, yaml_text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml_text, encoding="utf-8")
    return folder


def _decision(did: str, action: str, table: str, body: str) -> str:
    """One YAML list item with the keys every decision needs."""
    return (f"- id: {did}\n  action: {action}\n  table: {table}\n{body}"
            f"  reason: synthetic test decision\n  decided_by: tester\n  decided_on: 2024-04-02\n")


def _apply(tmp_path: Path, *items: str, tables=None):
    folder = _write(tmp_path / "curation", "decisions.yaml", "".join(items))
    decisions = load_decisions(folder)
    return apply_decisions(tables or _tables(), ARTICLES, decisions)


def _by_id(rows: list[dict], key: str = "record_id") -> dict[str, dict]:
    return {r[key]: r for r in rows}


# --- Loading -------------------------------------------------------------------------------------------


def test_files_are_read_in_name_order_and_other_files_ignored(tmp_path):
    folder = tmp_path / "curation"
    _write(folder, "b.yml", _decision("second", "reject", "quotes", "  record_id: quo_x\n"))
    _write(folder, "a.yaml", _decision("first", "reject", "quotes", "  record_id: quo_y\n")
           + _decision("first-b", "reject", "quotes", "  record_id: quo_z\n"))
    _write(folder, "README.md", "- id: not-a-decision\n")
    _write(folder, "empty.yaml", "# nothing decided yet\n")
    decisions = load_decisions(folder)
    assert [d.id for d in decisions] == ["first", "first-b", "second"]
    assert [d.file for d in decisions] == ["a.yaml", "a.yaml", "b.yml"]
    assert decisions[0].decided_on == "2024-04-02"  # YAML's date read back as text


@pytest.mark.parametrize("item, problem", [
    (_decision("d1", "delete", "quotes", "  record_id: quo_x\n"), "unknown action 'delete'"),
    ("- id: d1\n  action: reject\n  table: quotes\n  record_id: quo_x\n  decided_by: me\n  decided_on: 2024-04-02\n",
     "missing 'reason'"),
    (_decision("d1", "reject", "quotes", "  record_id: quo_x\n").replace("2024-04-02", "'2024-02-30'"), "'decided_on'"),
    (_decision("d1", "reject", "quotes", "  record_id: quo_x\n").replace("2024-04-02", "April 2"), "'decided_on'"),
    (_decision("d1", "correct", "quotes", "  record_id: quo_x\n  fields:\n    speeker: Edward Lemon\n"),
     "'speeker': unknown column"),
    (_decision("d1", "correct", "quotes", "  record_id: quo_x\n  fields:\n    char_start: 3\n"),
     "'char_start': cannot be set"),
    (_decision("d1", "correct", "incidents", "  record_id: inc_x\n  fields:\n    killed: many\n"),
     "'killed' must be a whole number"),
    (_decision("d1", "correct", "incidents", "  record_id: inc_x\n  fields:\n    type: pogrom\n"),
     "'pogrom' is not one of"),
    (_decision("d1", "correct", "quotes", "  record_id: quo_x\n  fields:\n    text: null\n"), "cannot be null"),
    (_decision("d1", "merge", "quotes", "  incident_ids: [quo_a, quo_b]\n"), "incidents only"),
    (_decision("d1", "merge", "incidents", "  incident_ids: [inc_a]\n"), "at least one"),
    (_decision("d1", "reject", "quotes", "  record_id: quo_x\n  reson: typo\n"), "unknown key(s) for reject: reson"),
    (_decision("d1", "add", "quotes", "  record:\n    speaker: X\n    partial: false\n    article_id: art_a\n"),
     "'evidence'"),
    (_decision("d1", "add", "economic_figures",
               "  record:\n    article_id: art_a\n    evidence: $5.7 billion\n    value: 5.7e9\n    unit: USD\n"),
     "missing required column(s) indicator, qualifier"),
])
def test_bad_decisions_are_refused_naming_file_and_id(tmp_path, item, problem):
    folder = _write(tmp_path / "curation", "2024-04-02-review.yaml", item)
    with pytest.raises(CurationError) as err:
        load_decisions(folder)
    message = str(err.value)
    assert "2024-04-02-review.yaml" in message and "'d1'" in message and problem in message


def test_a_correct_with_a_wrong_type_names_file_and_id(tmp_path):
    folder = _write(tmp_path / "curation", "figures.yaml",
                    _decision("2024-04-02-remit-value", "correct", "economic_figures",
                              "  record_id: fig_remit\n  fields:\n    value: five billion\n"))
    with pytest.raises(CurationError, match=r"figures\.yaml: decision '2024-04-02-remit-value': .*'value' must be a number"):
        load_decisions(folder)


def test_duplicate_ids_are_refused_across_files(tmp_path):
    folder = tmp_path / "curation"
    _write(folder, "a.yaml", _decision("same", "reject", "quotes", "  record_id: quo_x\n"))
    _write(folder, "b.yaml", _decision("same", "reject", "quotes", "  record_id: quo_y\n"))
    with pytest.raises(CurationError, match=r"b\.yaml: decision 'same': duplicate decision id \(first used in a\.yaml\)"):
        load_decisions(folder)


def test_yaml_errors_and_non_lists_name_the_file(tmp_path):
    folder = _write(tmp_path / "one", "broken.yaml", "- id: x\n  action: [reject\n")
    with pytest.raises(CurationError, match=r"broken\.yaml: YAML error"):
        load_decisions(folder)
    folder = _write(tmp_path / "date", "date.yaml", _decision("d", "reject", "quotes", "  record_id: q\n").replace(
        "2024-04-02", "2024-02-30"))
    with pytest.raises(CurationError, match=r"date\.yaml: YAML error: day is out of range"):
        load_decisions(folder)
    folder = _write(tmp_path / "two", "mapping.yaml", "id: x\naction: reject\n")
    with pytest.raises(CurationError, match=r"mapping\.yaml: a decision file holds a list"):
        load_decisions(folder)


def test_yaml_cannot_run_code(tmp_path):
    folder = _write(tmp_path / "curation", "evil.yaml", "- !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(CurationError, match="YAML error"):
        load_decisions(folder)


def test_the_readme_examples_are_valid_decisions(tmp_path):
    readme = (REPO / "curation" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    decisions = load_decisions(_write(tmp_path / "curation", "examples.yaml", "".join(blocks)))
    assert sorted(d.action for d in decisions) == ["add", "correct", "merge", "reject", "split"]


def test_the_repository_decisions_load():
    """Whatever decision files the project holds must always load."""
    load_decisions(REPO / "curation")


# --- Applying ------------------------------------------------------------------------------------------


def test_nothing_decided_marks_every_row_machine(tmp_path):
    tables, log = apply_decisions(_tables(), ARTICLES, [])
    assert log == []
    assert all(row["origin"] == "machine" for rows in tables.values() for row in rows)
    stripped = {name: [{k: v for k, v in row.items() if k != "origin"} for row in rows] for name, rows in tables.items()}
    assert stripped == _tables()


def test_reject_removes_the_record_and_an_incidents_mentions(tmp_path):
    tables, log = _apply(tmp_path,
                         _decision("r1", "reject", "quotes", "  record_id: quo_lemon\n"),
                         _decision("r2", "reject", "incidents", "  record_id: inc_arson\n"))
    assert tables["quotes"] == []
    assert "inc_arson" not in _by_id(tables["incidents"], "incident_id")
    assert "src_arson" not in _by_id(tables["incident_sources"], "source_id")
    assert [(r["decision_id"], r["status"], r["record_id"]) for r in log] == [
        ("r1", "applied", "quo_lemon"), ("r2", "applied", "inc_arson")]
    assert log[0]["detail"].startswith("removed: Lemon: “We are afraid")
    assert list(log[0]) == list(LOG_COLUMNS)


def test_correct_changes_fields_and_marks_the_row_corrected(tmp_path):
    tables, log = _apply(tmp_path,
                         _decision("c1", "correct", "quotes",
                                   "  record_id: quo_lemon\n  fields:\n    speaker: Edward Lemon\n"),
                         _decision("c2", "correct", "incidents",
                                   "  record_id: inc_raid_b\n  fields:\n    date: 2024-03-26\n"))
    quote = tables["quotes"][0]
    assert quote["speaker"] == "Edward Lemon" and quote["origin"] == "corrected"
    assert log[0]["status"] == "applied" and log[0]["detail"] == "speaker: 'Lemon' → 'Edward Lemon'"
    raid = _by_id(tables["incidents"], "incident_id")["inc_raid_b"]
    # An unquoted YAML date becomes the text the column holds, and its precision follows.
    assert (raid["date"], raid["date_precision"], raid["origin"]) == ("2024-03-26", "day", "corrected")
    assert _by_id(tables["incidents"], "incident_id")["inc_raid_a"]["origin"] == "machine"
    assert _by_id(tables["economic_figures"])["fig_remit"]["origin"] == "machine"


def test_correct_whose_expectation_no_longer_holds_is_a_conflict(tmp_path):
    tables, log = _apply(tmp_path, _decision(
        "c1", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: Edward Lemon\n"
                                   "  expect:\n    speaker: E. Lemon\n"))
    assert log[0]["status"] == "conflict" and "expected speaker 'E. Lemon', found 'Lemon'" in log[0]["detail"]
    assert tables["quotes"][0]["speaker"] == "Lemon" and tables["quotes"][0]["origin"] == "machine"


def test_a_decision_for_a_missing_record_is_logged_not_dropped(tmp_path):
    before = _tables()
    tables, log = _apply(tmp_path,
                         _decision("gone", "correct", "quotes", "  record_id: quo_gone\n  fields:\n    medium: X\n"),
                         _decision("r1", "reject", "quotes", "  record_id: quo_lemon\n"),
                         _decision("late", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    medium: X\n"))
    assert [(r["decision_id"], r["status"]) for r in log] == [
        ("gone", "record_not_found"), ("r1", "applied"), ("late", "conflict")]
    assert log[0]["record_id"] == "quo_gone" and log[0]["reason"] == "synthetic test decision"
    assert "rejected by decision r1" in log[2]["detail"]
    assert len(tables["economic_figures"]) == len(before["economic_figures"])


def test_add_computes_the_evidence_and_marks_the_row_hand_added(tmp_path):
    tables, log = _apply(tmp_path, _decision("a1", "add", "economic_figures", (
        "  record:\n"
        "    source_url: https://news.example/a\n"
        "    evidence: nearly a third\n"
        "    subject: Kyrgyzstan\n    indicator: remittances_share_of_gdp\n"
        "    value: 33.3\n    unit: percent\n    qualifier: nearly\n    source: World Bank\n")))
    assert log[0]["status"] == "applied"
    figures = tables["economic_figures"]
    assert [f["origin"] for f in figures] == ["machine", "hand_added"]
    new = figures[1]
    assert new["record_id"] == log[0]["record_id"] and new["record_id"].startswith("fig_")
    assert TEXT_A[new["char_start"]:new["char_end"]] == "nearly a third"
    assert new["sentence"] == "Remittances make up nearly a third of Kyrgyzstan's GDP, the World Bank says."
    assert (new["article_id"], new["raw"], new["value"], new["period"]) == ("art_a", "nearly a third", 33.3, None)
    assert set(new) == set(figures[0])


def test_add_incident_gives_it_one_mention(tmp_path):
    evidence = "Police detained 40 migrants"
    tables, log = _apply(tmp_path, _decision("a1", "add", "incidents", (
        f"  record:\n    article_id: art_a\n    evidence: '{evidence}'\n"
        "    type: detention\n    city: Moscow\n    country: RU\n    date: '2024-03'\n")))
    incident = _by_id(tables["incidents"], "incident_id")[log[0]["record_id"]]
    assert (incident["origin"], incident["n_sources"], incident["n_articles"], incident["date_precision"]) == (
        "hand_added", 1, 1, "month")
    assert incident["merge_rule"] == "added by curation decision a1"
    source = [s for s in tables["incident_sources"] if s["incident_id"] == incident["incident_id"]]
    assert len(source) == 1 and source[0]["origin"] == "hand_added" and source[0]["city"] == "Moscow"
    assert source[0]["source_id"] == incident["incident_id"]  # one mention: its id is the event's, as in extraction
    assert TEXT_A[source[0]["char_start"]:source[0]["char_end"]] == evidence


def test_add_with_evidence_not_in_the_article_adds_nothing(tmp_path):
    tables, log = _apply(tmp_path, _decision("a1", "add", "quotes", (
        "  record:\n    article_id: art_a\n    evidence: We are not afraid\n    speaker: Lemon\n    partial: false\n")))
    assert log[0]["status"] == "evidence_not_found" and "We are not afraid" in log[0]["detail"]
    assert [q["record_id"] for q in tables["quotes"]] == ["quo_lemon"]


def test_add_of_an_article_that_is_gone_or_a_record_that_exists(tmp_path):
    tables, log = _apply(
        tmp_path,
        _decision("a1", "add", "quotes", "  record:\n    source_url: https://news.example/gone\n"
                                         "    evidence: afraid\n    partial: false\n"),
        _decision("a2", "add", "quotes", "  record:\n    article_id: art_a\n    evidence: 'We are  afraid to go out,'\n"
                                         "    speaker: Lemon\n    partial: false\n"))
    assert [r["status"] for r in log] == ["record_not_found", "conflict"]
    assert "quo_lemon already has this evidence" in log[1]["detail"]  # found despite the doubled space
    assert len(tables["quotes"]) == 1


def test_merge_then_split_round_trip(tmp_path):
    tables, log = _apply(
        tmp_path,
        _decision("m1", "merge", "incidents", "  incident_ids: [inc_raid_a, inc_raid_b]\n"),
        _decision("s1", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_raid_b]\n"))
    assert [r["status"] for r in log] == ["applied", "applied"]
    assert "inc_raid_b merged into inc_raid_a" in log[0]["detail"]
    incidents = _by_id(tables["incidents"], "incident_id")
    assert "inc_raid_b" not in incidents
    new_id = next(i for i in incidents if i not in ("inc_raid_a", "inc_arson"))
    assert new_id in log[1]["detail"] and new_id.startswith("inc_")
    kept, new = incidents["inc_raid_a"], incidents[new_id]
    assert (kept["n_sources"], kept["n_articles"], new["n_sources"], new["n_articles"]) == (1, 1, 1, 1)
    assert kept["merge_rule"] == ("single mention; merged by curation decision m1; "
                                  "mention(s) split off by curation decision s1")
    assert new["merge_rule"] == "split from inc_raid_a by curation decision s1"
    assert (kept["origin"], new["origin"]) == ("corrected", "corrected")
    # The new incident shows its own mention's evidence, not the original's.
    assert (new["article_id"], TEXT_B[new["char_start"]:new["char_end"]]) == (
        "art_b", "Some 40 people were detained when police raided a hostel in Moscow")
    sources = _by_id(tables["incident_sources"], "source_id")
    assert (sources["src_raid_a"]["incident_id"], sources["src_raid_b"]["incident_id"]) == ("inc_raid_a", new_id)
    assert sources["src_raid_b"]["origin"] == "corrected" and sources["src_arson"]["origin"] == "machine"


def test_merge_counts_mentions_and_articles(tmp_path):
    tables, log = _apply(tmp_path, _decision("m1", "merge", "incidents",
                                             "  incident_ids: [inc_raid_b, inc_raid_a, inc_arson]\n"))
    kept = _by_id(tables["incidents"], "incident_id")["inc_raid_b"]
    assert (kept["n_sources"], kept["n_articles"], kept["merge_rule"]) == (
        3, 2, "single mention; merged by curation decision m1")
    assert len(tables["incidents"]) == 1 and {s["incident_id"] for s in tables["incident_sources"]} == {"inc_raid_b"}


def test_split_and_merge_problems_are_logged(tmp_path):
    tables, log = _apply(
        tmp_path,
        _decision("s1", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_raid_a]\n"),
        _decision("s2", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_arson]\n"),
        _decision("s3", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_nowhere]\n"),
        _decision("m1", "merge", "incidents", "  incident_ids: [inc_raid_a, inc_missing]\n"))
    assert [(r["status"], r["record_id"]) for r in log] == [
        ("conflict", "inc_raid_a"), ("conflict", "inc_raid_a"), ("record_not_found", "inc_raid_a"),
        ("record_not_found", "inc_raid_a")]
    assert "without mentions" in log[0]["detail"] and "src_arson (in inc_arson)" in log[1]["detail"]
    assert all(row["origin"] == "machine" for rows in tables.values() for row in rows)


def test_same_decisions_same_output_and_inputs_untouched(tmp_path):
    items = (_decision("m1", "merge", "incidents", "  incident_ids: [inc_raid_a, inc_raid_b]\n"),
             _decision("s1", "split", "incidents", "  incident_id: inc_raid_a\n  source_ids: [src_raid_b]\n"),
             _decision("a1", "add", "quotes", "  record:\n    article_id: art_a\n    evidence: fire\n"
                                              "    speaker: nobody\n    partial: true\n"),
             _decision("c1", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: Edward Lemon\n"))
    original = _tables()
    given = copy.deepcopy(original)
    first = _apply(tmp_path / "one", *items, tables=given)
    second = _apply(tmp_path / "two", *items, tables=copy.deepcopy(original))
    assert first == second
    assert given == original


def test_decisions_apply_in_file_then_list_order(tmp_path):
    folder = tmp_path / "curation"
    _write(folder, "b.yaml", _decision("later", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: B\n"))
    _write(folder, "a.yaml", _decision("earlier", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: A\n"))
    decisions = load_decisions(folder)
    tables, log = apply_decisions(_tables(), ARTICLES, list(reversed(decisions)))
    assert [r["decision_id"] for r in log] == ["earlier", "later"]
    assert tables["quotes"][0]["speaker"] == "B"


# --- Review --------------------------------------------------------------------------------------------


def test_uncovered_lists_only_records_no_decision_names(tmp_path):
    folder = _write(tmp_path / "curation", "d.yaml", "".join((
        _decision("c1", "correct", "quotes", "  record_id: quo_lemon\n  fields:\n    speaker: Edward Lemon\n"),
        _decision("m1", "merge", "incidents", "  incident_ids: [inc_raid_a, inc_raid_b]\n"),
        _decision("a1", "add", "economic_figures", "  record:\n    article_id: art_a\n    evidence: nearly a third\n"
                                                   "    indicator: other\n    value: 33.3\n    unit: percent\n"
                                                   "    qualifier: nearly\n"))))
    decisions = load_decisions(folder)
    curated, _ = apply_decisions(_tables(), ARTICLES, decisions)
    rows = uncovered(curated, decisions)
    assert [(r["table"], r["record_id"]) for r in rows] == [("incidents", "inc_arson"), ("economic_figures", "fig_remit")]
    assert rows[0]["summary"] == "arson in Yekaterinburg, RU on 2024-03-23"
    assert rows[0]["sentence"] == "Unknown men set fire to a Tajik cafe in Yekaterinburg on March 23."
    assert rows[1]["summary"] == "5,700,000,000 USD (remittances_usd) of Tajikistan, 2023"
    assert len(uncovered(_tables(), [])) == 5


def test_format_review_groups_by_table_with_counts():
    text = format_review(uncovered(_tables(), []))
    assert text.startswith("5 record(s) no curation decision covers yet: quotes 1, incidents 3, economic_figures 1")
    assert "== incidents (3) ==" in text
    assert 'quo_lemon  Lemon: “We are afraid to go out,”' in text
    assert "article art_b: Some 40 people were detained" in text
    assert format_review([]) == "Every record is covered by a curation decision.\n"
