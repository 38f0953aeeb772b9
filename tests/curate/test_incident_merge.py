"""Merging incident mentions from many articles into events (incidents + incident_sources).

Apart from the sample-article test, every mention row here is synthetic: hand-made rows with the columns
of the incidents table, standing for what the extractor would give for other outlets' reports.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.ingest.corpus import read_article
from caravan.extract.records import extract_article
from caravan.curate.incident_merge import EVENT_COLUMNS, SOURCE_COLUMNS, merge_incidents, merge_incidents_in_parts
from caravan.store.tables import INCIDENT_SOURCES, INCIDENTS
from caravan.store.warehouse import to_arrow

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "corpus" / "voa-2024-03-central-asian-migrants-backlash.txt"
KALUGA = {"city": "Kaluga", "region": "Kaluga Oblast", "latitude": 54.5293, "longitude": 36.27542, "geonames_id": 553915}
MOSCOW = {"city": "Moscow", "region": None, "latitude": 55.75222, "longitude": 37.61556, "geonames_id": 524901}
NO_CITY = {"city": None, "region": None, "latitude": None, "longitude": None, "geonames_id": None}


def mention(record_id, article_id, *, type="assault", place=KALUGA, country="RU", date="2024-03-23", char_start=100,
            **values) -> dict:
    """A synthetic incident mention row (the incidents table's columns)."""
    row = {c: None for c in INCIDENTS.column_names}
    sentence = values.pop("sentence", f"Unknown persons beat three Tajik migrants ({record_id}).")
    row.update(record_id=record_id, article_id=article_id, type=type, country=country, date=date,
               date_precision={4: "year", 7: "month", 10: "day"}.get(len(date or ""), None), sentence=sentence,
               char_start=char_start, char_end=char_start + len(sentence), **place)
    row.update(values)
    return row


def kaluga_reports():
    """The same beating told by three outlets on three days (synthetic)."""
    mentions = [
        mention("inc_b", "art_b", date="2024-03-23", victims=3, victims_qualifier="exact", target_group="Tajik migrants"),
        mention("inc_a", "art_a", date="2024-03", char_start=584, victims=3, victims_qualifier="exact",
                perpetrator="unknown persons"),
        mention("inc_c", "art_c", date="2024-03-25", char_start=40),
    ]
    published = {"art_a": "2024-03-24", "art_b": "2024-03-25", "art_c": "2024-03-27"}
    return mentions, published


def test_same_beating_in_three_articles_is_one_event():
    events, sources = merge_incidents(*kaluga_reports())
    assert len(events) == 1
    event = events[0]
    assert list(event) == list(EVENT_COLUMNS)
    # The earliest-published report is the primary: its id and evidence stand for the event.
    assert event["incident_id"] == "inc_a"
    assert (event["article_id"], event["char_start"]) == ("art_a", 584)
    assert event["sentence"].endswith("(inc_a).")
    assert (event["n_sources"], event["n_articles"]) == (3, 3)
    assert (event["city"], event["region"], event["country"], event["geonames_id"]) == ("Kaluga", "Kaluga Oblast", "RU", 553915)
    # The most precise date compatible with all: the later report's day inside the primary's month.
    assert (event["date"], event["date_precision"]) == ("2024-03-23", "day")
    assert (event["victims"], event["victims_qualifier"], event["count_notes"]) == (3, "exact", None)
    assert (event["perpetrator"], event["target_group"]) == ("unknown persons", "Tajik migrants")
    assert event["merge_rule"] == ("3 mentions merged: same type (assault), same country (RU) and city (Kaluga), "
                                   "dates in the same month (2024-03; days 2024-03-23 .. 2024-03-25)")
    assert [s["source_id"] for s in sources] == ["inc_a", "inc_b", "inc_c"]
    assert all(list(s) == list(SOURCE_COLUMNS) and s["incident_id"] == "inc_a" for s in sources)
    assert sources[1]["date"] == "2024-03-23" and sources[1]["article_id"] == "art_b"


def test_a_later_report_keeps_the_incident_id():
    mentions, published = kaluga_reports()
    before, _ = merge_incidents(mentions, published)
    later = mention("inc_0", "art_0", date="2024-03", victims=4, victims_qualifier="exact")  # sorts first by ids alone
    after, sources = merge_incidents(mentions + [later], published | {"art_0": "2024-04-02"})
    assert len(after) == 1
    assert after[0]["incident_id"] == before[0]["incident_id"] == "inc_a"
    assert after[0]["n_sources"] == 4 and sources[-1]["source_id"] == "inc_0"


def test_different_cities_never_merge_even_through_a_cityless_report():
    # Synthetic: Kaluga, then a report naming no city, then Moscow, same day.
    mentions = [mention("inc_k", "art_1"), mention("inc_n", "art_2", place=NO_CITY),
                mention("inc_m", "art_3", place=MOSCOW)]
    published = {"art_1": "2024-03-24", "art_2": "2024-03-25", "art_3": "2024-03-26"}
    events, _ = merge_incidents(mentions, published)
    assert [(e["incident_id"], e["city"], e["n_sources"]) for e in events] == [("inc_k", "Kaluga", 2), ("inc_m", "Moscow", 1)]
    assert "city (Kaluga; 1 mention names no city or region)" in events[0]["merge_rule"]
    assert events[1]["merge_rule"] == "single mention"


def test_a_cityless_report_joins_only_within_the_region():
    # Synthetic: the region named without the city joins; another region does not.
    mentions = [mention("inc_k", "art_1"),
                mention("inc_r", "art_2", place=NO_CITY | {"region": "Kaluga Oblast"}),
                mention("inc_x", "art_3", place=NO_CITY | {"region": "Amur Oblast"}),
                # The city given without its region is still in the region the other reports give.
                mention("inc_y", "art_4", place=KALUGA | {"region": None})]
    published = {"art_1": "2024-03-24", "art_2": "2024-03-25", "art_3": "2024-03-25", "art_4": "2024-03-26"}
    events, _ = merge_incidents(mentions, published)
    assert [(e["incident_id"], e["n_sources"]) for e in events] == [("inc_k", 3), ("inc_x", 1)]
    assert "city (Kaluga; 1 mention names no city but its region, Kaluga Oblast)" in events[0]["merge_rule"]


def test_same_city_three_weeks_apart_are_two_events():
    mentions = [mention("inc_1", "art_1", date="2024-03-02"), mention("inc_2", "art_2", date="2024-03-23")]
    events, _ = merge_incidents(mentions, {"art_1": "2024-03-03", "art_2": "2024-03-24"})
    assert len(events) == 2
    # Within the window they merge; months differ and unknown dates never merge.
    near, _ = merge_incidents([mention("inc_1", "art_1", date="2024-03-20"), mention("inc_2", "art_2", date="2024-03-27")], {})
    assert len(near) == 1 and near[0]["merge_rule"].endswith("dates within 7 days (2024-03-20 .. 2024-03-27)")
    months, _ = merge_incidents([mention("inc_1", "art_1", date="2024-03"), mention("inc_2", "art_2", date="2024-04")], {})
    assert len(months) == 2
    undated, _ = merge_incidents([mention("inc_1", "art_1", date=None), mention("inc_2", "art_2", date=None)], {})
    assert len(undated) == 2


def test_a_year_merges_only_one_off_events():
    attack = [mention("inc_1", "art_1", type="terror_attack", place=MOSCOW, date="2024-03-22", killed=139,
                      killed_qualifier="at_least"),
              mention("inc_2", "art_2", type="terror_attack", place=MOSCOW, date="2024")]
    events, _ = merge_incidents(attack, {"art_1": "2024-03-25", "art_2": "2024-09"})
    assert len(events) == 1 and events[0]["date"] == "2024-03-22"
    assert "same year (2024), allowed as terror_attack is a one-off event" in events[0]["merge_rule"]
    assaults = [mention("inc_1", "art_1", date="2024-03-22"), mention("inc_2", "art_2", date="2024")]
    assert len(merge_incidents(assaults, {})[0]) == 2


def test_two_events_in_one_article_stay_apart():
    # Synthetic: two cityless assaults in one article, and another article telling one of them.
    mentions = [mention("inc_1", "art_1", place=NO_CITY, char_start=10),
                mention("inc_2", "art_1", place=NO_CITY, char_start=300),
                mention("inc_3", "art_2", place=NO_CITY, char_start=50)]
    events, sources = merge_incidents(mentions, {"art_1": "2024-03-24", "art_2": "2024-03-25"})
    assert [e["n_sources"] for e in events] == [2, 1]
    assert [s["source_id"] for s in sources if s["incident_id"] == "inc_1"] == ["inc_1", "inc_3"]


def test_identical_evidence_in_one_article_merges():
    # Synthetic: one clause read twice by the extractor (e.g. two perpetrators found for it).
    mentions = [mention("inc_1", "art_1", place=NO_CITY, perpetrator="police"),
                mention("inc_2", "art_1", place=NO_CITY, perpetrator="migration officers")]
    events, _ = merge_incidents(mentions, {"art_1": "2024-03-24"})
    assert len(events) == 1 and (events[0]["n_sources"], events[0]["n_articles"]) == (2, 1)
    assert events[0]["perpetrator"] == "police"
    assert events[0]["merge_rule"].startswith("2 mentions from 1 article merged (mentions of one article share")


def test_count_disagreement_is_noted():
    mentions = [mention("inc_x", "art_x", victims=3, victims_qualifier="exact"),
                mention("inc_y", "art_y", victims=4, victims_qualifier="exact"),
                mention("inc_z", "art_z", victims=3, victims_qualifier="exact")]
    events, _ = merge_incidents(mentions, {"art_x": "2024-03-24", "art_y": "2024-03-25", "art_z": "2024-03-26"})
    assert (events[0]["victims"], events[0]["victims_qualifier"]) == (3, "exact")
    assert events[0]["count_notes"] == "victims: 3 (art_x, art_z), 4 (art_y)"


def test_exact_value_wins_over_a_qualified_one():
    mentions = [mention("inc_1", "art_1", type="terror_attack", place=MOSCOW, killed=40, killed_qualifier="at_least",
                        injured=200, injured_qualifier="nearly"),
                mention("inc_2", "art_2", type="terror_attack", place=MOSCOW, killed=139, killed_qualifier="exact",
                        injured=200, injured_qualifier="exact")]
    events, _ = merge_incidents(mentions, {"art_1": "2024-03-23", "art_2": "2024-03-26"})
    event = events[0]
    assert (event["killed"], event["killed_qualifier"]) == (139, "exact")
    # Same number with and without a qualifier is no disagreement.
    assert (event["injured"], event["injured_qualifier"]) == (200, "exact")
    assert event["count_notes"] == "killed: 139 (art_2), at least 40 (art_1)"
    assert event["incident_id"] == "inc_1"  # the primary keeps the id even when another report gives the count


def test_travel_advisories_merge_by_issuing_country_and_month():
    advisory = {"type": "travel_advisory", "place": NO_CITY}
    mentions = [mention("inc_1", "art_1", country="KG", date="2024-03-02", **advisory),
                mention("inc_2", "art_2", country="KG", date="2024-03-28", **advisory),
                mention("inc_3", "art_3", country="UZ", date="2024-03-28", **advisory),
                mention("inc_4", "art_4", country="KG", date="2024-04-01", **advisory)]
    events, _ = merge_incidents(mentions, {})
    assert [(e["country"], e["n_sources"]) for e in events] == [("KG", 2), ("UZ", 1), ("KG", 1)]
    assert events[0]["merge_rule"] == ("2 mentions merged: same type (travel_advisory), same issuing country (KG), "
                                       "dates in the same month (2024-03; days 2024-03-02 .. 2024-03-28)")


def test_duplicate_record_ids_are_refused():
    with pytest.raises(ValueError, match="inc_1"):
        merge_incidents([mention("inc_1", "art_1"), mention("inc_1", "art_2")], {})


def test_sample_article_and_a_second_report_of_it():
    article = read_article(SAMPLE)
    rows = extract_article(article)["incidents"]
    events, sources = merge_incidents(rows, {article.article_id: article.published})
    # Alone, an article's mentions are its events: the extractor already merged within it.
    assert len(events) == len(rows) and all(e["merge_rule"] == "single mention" for e in events)
    assert [s["source_id"] for s in sources] == [e["incident_id"] for e in events]
    # Synthetic second outlet: the same mentions in an article published later.
    copies = [r | {"record_id": r["record_id"] + "_b", "article_id": "art_later"} for r in rows]
    merged, _ = merge_incidents(rows + copies, {article.article_id: article.published, "art_later": "2024-04"})
    assert len(merged) == len(rows)
    assert {e["incident_id"] for e in merged} == {r["record_id"] for r in rows}
    assert all(e["n_articles"] == 2 for e in merged)
    kaluga = next(e for e in merged if e["city"] == "Kaluga")
    assert kaluga["type"] == "assault" and kaluga["victims"] == 3


PLACES = [KALUGA, MOSCOW, NO_CITY, NO_CITY | {"region": "Kaluga Oblast"},
          {"city": "Saint Petersburg", "region": None, "latitude": 59.93863, "longitude": 30.31413, "geonames_id": 498817}]
TYPES = ["assault", "arson", "raid", "terror_attack", "travel_advisory", "detention"]


def random_mentions(n: int, seed: int, n_articles: int, days: int = 730) -> tuple[list[dict], dict]:
    """Synthetic mentions spread over articles, places and two years of dates of mixed precision."""
    rnd = random.Random(seed)
    start = 738886  # 2024-01-01
    published = {f"art_{i:06d}": dt.date.fromordinal(start + rnd.randrange(days)).isoformat() for i in range(n_articles)}
    mentions = []
    for i in range(n):
        article = f"art_{rnd.randrange(n_articles):06d}"
        day = dt.date.fromordinal(dt.date.fromisoformat(published[article]).toordinal() - rnd.randrange(10))
        date = rnd.choice([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4], None])
        kind = rnd.choice(["victims", "killed", None])
        counts = {kind: rnd.choice([2, 3, 4]), f"{kind}_qualifier": rnd.choice(["exact", "at_least"])} if kind else {}
        type_ = rnd.choice(TYPES)
        place = NO_CITY if type_ == "travel_advisory" else rnd.choice(PLACES)  # as the extractor gives them
        mentions.append(mention(f"inc_{i:06d}", article, type=type_, place=place,
                                country=rnd.choice(["RU", "RU", "KZ"]), date=date, char_start=rnd.randrange(5000),
                                **counts))
    return mentions, published


def test_input_order_does_not_change_the_output():
    mentions, published = random_mentions(600, seed=7, n_articles=60, days=60)
    expected = merge_incidents(mentions, published)
    assert any(e["n_sources"] > 2 for e in expected[0])  # the sample is dense enough to merge
    for seed in range(5):
        shuffled = mentions[:]
        random.Random(seed).shuffle(shuffled)
        assert merge_incidents(shuffled, published) == expected
    events, sources = expected
    assert len(sources) == len(mentions) and sum(e["n_sources"] for e in events) == len(mentions)
    # Every event holds at most one city and never two mentions of one article with different evidence.
    by_event: dict[str, list[dict]] = {}
    for s in sources:
        by_event.setdefault(s["incident_id"], []).append(s)
    for members in by_event.values():
        assert len({s["city"] for s in members if s["city"]}) <= 1
        spans = {(s["article_id"], s["char_start"]) for s in members}
        assert len({a for a, _ in spans}) == len(spans)


def test_fifty_thousand_mentions_merge_quickly():
    mentions, published = random_mentions(50_000, seed=1, n_articles=10_000)
    t0 = time.perf_counter()
    events, sources = merge_incidents(mentions, published)
    elapsed = time.perf_counter() - t0
    print(f"merged {len(mentions)} mentions into {len(events)} events in {elapsed:.2f} s")
    assert len(sources) == len(mentions)


_PLACES = (KALUGA, MOSCOW, NO_CITY)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["assault", "raid", "terror_attack", "travel_advisory", None]),
                          st.sampled_from(["RU", "KG", None]), st.integers(0, 2),
                          st.sampled_from(["2024-03-22", "2024-03-25", "2024-03", "2024", "2024-04-02", None]),
                          st.integers(0, 5), st.integers(0, 3)), max_size=30))
def test_merging_type_by_type_gives_what_one_merge_of_all_gives(specs):
    """Only mentions of one type merge: merged a type at a time (one type's mentions in memory), the events,
    their sources and their order are those of one merge of every mention."""
    mentions = [mention(f"inc_{i:02d}", f"art_{a}", type=t, country=c, place=_PLACES[p], date=d, char_start=10 * i)
                for i, (t, c, p, d, a, _) in enumerate(specs)]
    published = {f"art_{a}": ["2024-03-23", "2024-03", None, "2024-03-26"][day] for *_, a, day in specs}
    by_type = {}
    for m in mentions:
        by_type.setdefault(m["type"], []).append(m)
    events, sources = merge_incidents(mentions, published)
    in_parts = merge_incidents_in_parts(by_type.values(), published)
    assert in_parts[0].equals(to_arrow(INCIDENTS, events)) and in_parts[1].equals(to_arrow(INCIDENT_SOURCES, sources))


def test_advisories_of_one_issuer_naming_different_cities_are_one_advisory():
    """Two warnings of Kyrgyzstan's in one month, one naming Moscow and one Kaluga (it crashed the merge)."""
    mentions = [mention("inc_1", "art_1", type="travel_advisory", country="KG", place=MOSCOW, date="2024-03-22"),
                mention("inc_2", "art_2", type="travel_advisory", country="KG", place=KALUGA, date="2024-03-25"),
                mention("inc_3", "art_3", type="travel_advisory", country="KG", place=NO_CITY, date="2024-03-27")]
    events, sources = merge_incidents(mentions, {"art_1": "2024-03-22", "art_2": "2024-03-25", "art_3": "2024-03-28"})
    assert len(events) == 1 and events[0]["n_sources"] == 3 and events[0]["city"] == "Moscow"
