import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caravan.ingest.corpus import Article, read_article
from caravan.extract.incidents import extract_incidents
from caravan.store.tables import EXTRACTED
from caravan.store.vocabularies import DATE_PRECISIONS, INCIDENT_TYPES, QUALIFIERS

REPO = Path(__file__).resolve().parents[2]
STEM = "voa-2024-03-central-asian-migrants-backlash"
COUNTS = ("killed", "injured", "victims", "arrested")


def _article(text: str, published: str | None = "2024-03-28") -> Article:
    precision = {4: "year", 7: "month", 10: "day"}[len(published)] if published else None
    return Article("art_test", None, None, None, published, precision, "en", None, text, len(text), "", "test.txt",
                   synthetic=True)


def _fold(value: str | None) -> str:
    return unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().casefold()


def _matches(pred: dict, gold: dict) -> bool:
    """EVALUATION.md: same type and country, and the same city where the gold names one."""
    return pred["type"] == gold["type"] and pred["country"] == gold["country"] and (
        gold["city"] is None or _fold(pred["city"]) == _fold(gold["city"]))


def _score(predicted: list[dict], gold: list[dict]) -> tuple[int, int, int, list[tuple[dict, dict]]]:
    """Greedy one-to-one matching, best pair first: required gold before optional, same date, same city."""
    pairs = sorted(((bool(g.get("optional")), p["date"] != g["date"], _fold(p["city"]) != _fold(g["city"]), i, j)
                    for i, p in enumerate(predicted) for j, g in enumerate(gold) if _matches(p, g)))
    used_p, used_g, matched = set(), set(), []
    for optional, _, _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            if not optional:
                matched.append((predicted[i], gold[j]))
    fp = len(predicted) - len(used_p)
    fn = sum(1 for j, g in enumerate(gold) if j not in used_g and not g.get("optional"))
    return len(matched), fp, fn, matched


@pytest.fixture(scope="module")
def sample() -> tuple[Article, list[dict], list[dict]]:
    article = read_article(REPO / "data" / "corpus" / f"{STEM}.txt")
    gold = json.loads((REPO / "tests" / "data" / "gold" / f"{STEM}.json").read_text(encoding="utf-8"))["incidents"]
    return article, extract_incidents(article), gold


def test_sample_reaches_f1_against_its_gold(sample):
    _, predicted, gold = sample
    tp, fp, fn, _ = _score(predicted, gold)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.8, (tp, fp, fn)


def test_sample_counts_of_the_terror_attack_and_the_arrests(sample):
    _, predicted, _ = sample
    [attack] = [p for p in predicted if p["type"] == "terror_attack"]
    assert (attack["city"], attack["country"]) == ("Moscow", "RU")
    assert (attack["killed"], attack["killed_qualifier"]) == (139, "at_least")
    assert (attack["injured"], attack["injured_qualifier"]) == (200, "nearly")
    [arrest] = [p for p in predicted if p["type"] == "arrest"]
    assert (arrest["arrested"], arrest["arrested_qualifier"]) == (7, "exact")


def test_sample_dates_places_and_actors(sample):
    article, predicted, _ = sample
    by_type = {p["type"]: p for p in predicted}
    assert all((p["date"], p["date_precision"]) == ("2024-03", "month") for p in predicted)
    arson = by_type["arson"]
    assert (arson["city"], arson["region"], arson["geonames_id"]) == ("Blagoveshchensk", "Amur Oblast", 2026609)
    assert article.text[arson["char_start"]:arson["char_end"]] == \
        "A market owned by Tajiks in Blagoveshchensk, Amur Region, was torched."
    assault = by_type["assault"]
    assert (assault["region"], assault["victims"], assault["target_group"], assault["perpetrator"]) == \
        ("Kaluga Oblast", 3, "Tajik migrants", "unknown persons")
    assert article.text[assault["char_start"]:assault["char_end"]] == "Unknown persons beat three Tajik migrants in Kaluga,"
    assert by_type["threat"]["region"] == "Sverdlovsk Oblast"
    assert sorted(p["country"] for p in predicted if p["type"] == "travel_advisory") == ["KG", "UZ"]


def test_sample_hypothetical_and_negated_mentions_are_not_incidents(sample):
    _, predicted, _ = sample
    types = [p["type"] for p in predicted]
    # "calling for Tajiks to be deported", "deportations that could destabilize", "to find and detain"
    assert "deportation" not in types and "detention" not in types
    assert types.count("terror_attack") == 1  # "the attack" and "the attacks" are the same event


def test_records_have_the_table_columns_and_vocabularies(sample):
    article, predicted, _ = sample
    columns = set(EXTRACTED["incidents"].column_names) - {"record_id", "article_id"}
    for rec in predicted:
        assert set(rec) == columns
        assert rec["type"] in INCIDENT_TYPES and rec["date_precision"] in DATE_PRECISIONS
        for kind in COUNTS:
            assert (rec[kind] is None) == (rec[f"{kind}_qualifier"] is None)
            assert rec[f"{kind}_qualifier"] in QUALIFIERS + (None,)
        assert article.text[rec["char_start"]:rec["char_end"]] in rec["sentence"]


def test_output_is_deterministic(sample):
    article, predicted, _ = sample
    assert extract_incidents(article) == predicted


# Synthetic snippets written for these tests: (text, published, expected [(type, country, city, {field: value})]).
SNIPPETS = [
    ("Nationalists set fire to a cafe owned by Uzbek migrants in Krasnodar on Sunday.", "2024-03-28",
     [("arson", "RU", "Krasnodar", {"date": "2024-03-24", "region": "Krasnodar Krai", "perpetrator": "nationalists"})]),
    ("Masked men stabbed a Tajik vendor in Novosibirsk, Novosibirsk Oblast, last Friday.", "2024-03-28",
     [("assault", "RU", "Novosibirsk", {"date": "2024-03-22", "date_precision": "day", "victims": None,
                                         "target_group": "Tajik vendor", "perpetrator": "masked men"})]),
    ("A Tajik migrant was murdered in Tula on March 3.", "2024-03",
     [("murder", "RU", "Tula", {"date": "2024-03-03", "killed": None})]),
    # "one" states a number, "a" does not (tests/data/synthetic/README.md: counts only where the text says how many)
    ("Police arrested one Uzbek man in Omsk on Monday.", "2024-03-28",
     [("arrest", "RU", "Omsk", {"arrested": 1, "arrested_qualifier": "exact"})]),
    ("Gunmen opened fire at a concert hall in Moscow, killing more than a dozen people.", "2024-03-28",
     [("terror_attack", "RU", "Moscow", {"killed": 12, "killed_qualifier": "more_than"})]),
    ("Landlords in Kazan evicted dozens of Central Asian families.", "2024-03-28",
     [("eviction", "RU", "Kazan", {"victims": 24, "victims_qualifier": "at_least", "perpetrator": "landlords"})]),
    ("Authorities expelled about 40 Uzbek nationals from Russia in February.", "2024-03-28",
     [("deportation", "RU", None, {"victims": 40, "victims_qualifier": "about", "date": "2024-02"})]),
    ("Police have arrested up to 12 people over the attack on a mosque in Tver.", "2024-03-28",
     [("arrest", "RU", "Tver", {"arrested": 12, "arrested_qualifier": "up_to"})]),
    ("Vandals defaced a mosque in Kazan with graffiti.", "2024-03-28",
     [("vandalism", "RU", "Kazan", {"region": "Republic of Tatarstan"})]),
    ("Hundreds of people protested in Bishkek outside the Russian embassy.", "2024-03-28",
     [("protest", "KG", "Bishkek", {})]),
    ("Nationalists threatened Uzbek traders at a market in Samara yesterday.", "2024-03-28",
     [("threat", "RU", "Samara", {"date": "2024-03-27", "target_group": "Uzbek traders"})]),
    ("A landlord in Krasnoyarsk refused to rent an apartment to a Tajik family.", "2024-03-28",
     [("discrimination", "RU", "Krasnoyarsk", {"perpetrator": "landlord"})]),
    ("A Tajik woman said she was insulted and harassed by passengers on a bus in Novosibirsk.", "2024-03-28",
     [("harassment", "RU", "Novosibirsk", {"perpetrator": "passengers"})]),
    # two incidents in one sentence share the place; the number detained goes on the detention only
    ("Police raided a market in Kaluga and detained nearly fifty migrants.", "2024-03-28",
     [("detention", "RU", "Kaluga", {"arrested": 50, "arrested_qualifier": "nearly", "target_group": "migrants"}),
      ("raid", "RU", "Kaluga", {"arrested": None})]),
    # a travel advisory's country is its issuer, and two issuers make two advisories
    ("The Kyrgyz Foreign Ministry warned its citizens not to travel to Russia, and Tajikistan issued a travel advisory.",
     "2024-03-28",
     [("travel_advisory", "KG", None, {"perpetrator": "Kyrgyz Foreign Ministry",
                                       "target_group": "Kyrgyz citizens travelling to Russia"}),
      ("travel_advisory", "TJ", None, {"perpetrator": "Government of Tajikistan"})]),
    # St. Petersburg is Saint Petersburg; demonyms are no places
    ("Two Uzbek workers were stabbed to death in St. Petersburg last week, police said.", "2024-03-28",
     [("murder", "RU", "Saint Petersburg", {"killed": 2, "date": "2024-03", "date_precision": "month",
                                             "geonames_id": 498817})]),
    # the Blagoveshchensk of Bashkortostan, named so
    ("Police in Blagoveshchensk, Bashkortostan, arrested a 25-year-old Tajik man.", "2024-03-28",
     [("arrest", "RU", "Blagoveshchensk", {"geonames_id": 576116, "region": "Republic of Bashkortostan",
                                            "arrested": None, "target_group": "Tajik man"})]),
    # a month-precision publication date: relative dates stay months
    ("More than 100 migrants were detained at a dormitory in Lyubertsy, outside Moscow, on Saturday.", "2024-03",
     [("detention", "RU", "Lyubertsy", {"arrested": 100, "arrested_qualifier": "more_than", "date": "2024-03",
                                         "date_precision": "month", "region": "Moscow Oblast"})]),
    ("Last year police raided dozens of construction sites in Yekaterinburg.", "2024",
     [("raid", "RU", "Yekaterinburg", {"date": "2023", "date_precision": "year"})]),
    # checking hundreds of homes is a raid, told without any other raid word
    ("Officers checked 300 homes in Tver on Tuesday looking for undocumented workers.", "2024-03-28",
     [("raid", "RU", "Tver", {"date": "2024-03-26"})]),
    # an earlier event and its later mention are one record
    ("The attackers killed 145 people at a concert hall on March 22. The attack was claimed by Islamic State.",
     "2024-03-28", [("terror_attack", "RU", None, {"killed": 145, "date": "2024-03-22"})]),
    # negated, hypothetical, intended, generic and military mentions are no incidents
    ("Police did not detain anyone, and no one was deported.", "2024-03-28", []),
    ("Migrants could be deported if they do not register, officials said, and lawmakers called for Tajiks to be "
     "expelled.", "2024-03-28", []),
    ("The government discussed measures to prevent attacks on migrants.", "2024-03-28", []),
    ("Rights groups fear a wave of raids and expulsions.", "2024-03-28", []),
    ("The number of deportations rose sharply in 2023, according to the Interior Ministry.", "2024-03-28", []),
    ("Fighters from Tajikistan took part in attacks against U.S. and allied forces.", "2024-03-28", []),
    ("The ruble rallied against the dollar on Friday.", "2024-03-28", []),
    ("Tajik, Uzbek and Kyrgyz migrants met Nice officials.", "2024-03-28", []),
    # --- synthetic snippets for the rules below, each in wording of our own ---
    # a month or weekday name is a date, never the town that bears it (March, England; Nov, Tajikistan)
    ("In March, an Uzbek builder was stabbed to death at a hostel in Omsk.", "2023",
     [("murder", "RU", "Omsk", {"date": "2023", "date_precision": "year"})]),
    # "<country>'s capital" and "the <demonym> capital" are the capital city
    ("Relatives rallied outside the embassy in the Kyrgyz capital to protest the treatment of migrants who were held "
     "for days at a Moscow airport, organisers said.", "2023-10",
     [("detention", "RU", "Moscow", {}), ("protest", "KG", "Bishkek", {})]),
    # near or outside a city is not in it; "in the south of" a city is
    ("A Tajik courier was stabbed to death near Moscow on Sunday.", "2025-01-17",
     [("murder", "RU", None, {"date": "2025-01-12"})]),
    ("A Tajik family of five was evicted from a flat in the south of St. Petersburg.", "2024-07",
     [("eviction", "RU", "Saint Petersburg", {"victims": 5, "victims_qualifier": "exact"})]),
    # a lead told without its place, then told with it, "they killed him", "the men attacked him" and "the killing"
    # in a sentence led by a capital's name: one murder
    ("DUSHANBE (Reuters) - A Tajik courier was stabbed to death near Moscow, his family said.\n"
     "Police said the courier was stabbed outside his home in Balashikha late on Sunday. Investigators said the men "
     "had attacked him because of his origin.\n“They killed him for his face,” his brother said.\n"
     "Dushanbe wants “a full investigation” of the killing.", "2025-01-17",
     [("murder", "RU", "Balashikha", {"date": "2025-01-12", "region": "Moscow Oblast"})]),
    # ... but not a detention told without a place among two placed ones, nor one said to be another
    ("Police detained 20 migrants in Samara on Monday. Police detained 15 workers in Saratov on Tuesday.\n"
     "Police also detained a Tajik student at a bus stop.", "2024-03-28",
     [("detention", "RU", "Samara", {"arrested": 20}), ("detention", "RU", "Saratov", {"arrested": 15}),
      ("detention", "RU", None, {})]),
    # what is denied did not happen
    ("Police denied that any of the protesters had been detained.", "2024-03-28", []),
    ("Local police denied reports on social media that several workers had been detained.", "2024-03-28", []),
    ("Police said they had detained no one.", "2024-03-28", []),
    # a series the event belongs to, and years of something, are no events of their own
    ("Attackers torched a cafe in Omsk, the latest in a string of attacks on migrants.", "2024-03-28",
     [("arson", "RU", "Omsk", {})]),
    ("This is the result of years of hate speech on television.", "2024-03-28", []),
    # the words before "said" are about the speaker; "began to insult" is under way, not a plan
    ("A cleaner who asked not to be named said customers had begun to insult her at a market in Tomsk.",
     "2024-03-28", [("harassment", "RU", "Tomsk", {})]),
    ("It is an insult to our people, the mayor of Tomsk said.", "2024-03-28", []),
    # vandalism: a possessive before "windows", slurs daubed, a swastika painted
    ("Someone smashed the shop’s windows and daubed slurs on its door in Tula.", "2024-03-28",
     [("vandalism", "RU", "Tula", {})]),
    ("Vandals painted a swastika on a prayer house in Ufa.", "2024-03-28", [("vandalism", "RU", "Ufa", {})]),
    # turned out of a hostel
    ("Dozens of migrants were turned out of a workers’ hostel in Perm.", "2024-03-28",
     [("eviction", "RU", "Perm", {"victims": 24, "victims_qualifier": "at_least"})]),
    # discrimination: banning someone from work, flats for Slavs only, a citizenship rule; not an entry ban
    ("In March the Omsk region banned migrants from working as taxi drivers.", "2024-04-10",
     [("discrimination", "RU", None, {"region": "Omsk Oblast", "date": "2024-03"})]),
    ("Adverts offered flats in Tomsk only to tenants of Slavic appearance.", "2024-03-28",
     [("discrimination", "RU", "Tomsk", {})]),
    ("Landlords in Tomsk rent flats only to Russians.", "2024-03-28", [("discrimination", "RU", "Tomsk", {})]),
    ("Delivery firms in Kursk require couriers to hold Russian citizenship.", "2024-03-28",
     [("discrimination", "RU", "Kursk", {})]),
    ("The men were banned from entering Russia for five years.", "2024-03-28", []),
    # sent back on flights; money sent home is no deportation, nor is a plan
    ("Most were let in, but at least 60 were put on a flight back to Osh.", "2023-10",
     [("deportation", "RU", None, {"victims": 60, "victims_qualifier": "at_least"})]),
    ("Money sent home by migrants fell sharply.", "2024-03-28", []),
    ("He fears he will be sent home.", "2024-03-28", []),
    # people held are detained; talks held are not
    ("More than 300 Uzbek citizens were held for two days at an airport in Kazan.", "2024-03-28",
     [("detention", "RU", "Kazan", {"arrested": 300, "arrested_qualifier": "more_than"})]),
    ("Talks were held in Tashkent on Monday.", "2024-03-28", []),
    # a travel advisory: issued for "Kyrgyz citizens", or for "citizens" by a named country; not a mayor's advice
    ("The Foreign Ministry advised Kyrgyz citizens to refrain from travel to Russia.", "2024-03-28",
     [("travel_advisory", "KG", None, {"perpetrator": "Kyrgyz Foreign Ministry",
                                       "target_group": "Kyrgyz citizens travelling to Russia"})]),
    ("Tajikistan's Foreign Ministry urged citizens to put off trips to Russia.", "2024-03-28",
     [("travel_advisory", "TJ", None, {})]),
    ("The mayor urged citizens to avoid the city centre.", "2024-03-28", []),
    # publishing migrants' addresses online is a threat; a ministry's list of its offices is not
    ("A nationalist Telegram channel published the addresses of hostels housing migrants in Tver.", "2024-03-28",
     [("threat", "RU", "Tver", {})]),
    ("The ministry published the addresses of migration centres.", "2024-03-28", []),
    # a stabbing the sentence calls a killing is a murder; the arrested are not its dead
    ("Police arrested three men on suspicion of killing Rustam, 31, who was stabbed in Tambov on Sunday.",
     "2024-03-28", [("arrest", "RU", None, {"arrested": 3}), ("murder", "RU", "Tambov", {"killed": None})]),
    # "the detained men" are the men detained before
    ("Police detained 40 migrants in Tver on Monday.\nThe detained men were later released.", "2024-03-28",
     [("detention", "RU", "Tver", {"arrested": 40})]),
    # the Krasnoyarsk Zheleznogorsk, named so once, is the one meant all through the article
    ("A migrant was beaten to death in Zheleznogorsk, Krasnoyarsk Region, on Monday.\n"
     "Migrants in Zheleznogorsk said they were insulted in the street after the killing.", "2024-09-13",
     [("murder", "RU", "Zheleznogorsk", {"geonames_id": 1538635}),
      ("harassment", "RU", "Zheleznogorsk", {"geonames_id": 1538635})]),
    # a town within a city that is a region of its own is that city, when the article names both
    ("More than 400 Kyrgyz citizens were held at a Moscow airport this month.\n"
     "They were held in a transit zone at Vnukovo airport for up to three days.", "2023-10",
     [("detention", "RU", "Moscow", {"arrested": 400})]),
    # a date across "after" is another event's; an event told with no date of its own takes the publication month
    ("Tajikistan urged its citizens on Thursday to avoid travel to Russia after a Tajik courier was stabbed to death "
     "in Balashikha.", "2025-01-17",
     [("murder", "RU", "Balashikha", {"date": "2025-01", "date_precision": "month"}),
      ("travel_advisory", "TJ", None, {"date": "2025-01-16"})]),
    # "his wife and their two children" says how many children, not how many were evicted
    ("Mr Aliev, his wife and their two children were evicted from their flat in Perm.", "2024-03-28",
     [("eviction", "RU", "Perm", {"victims": None})]),
    ("Courts in Perm ordered at least 40 of them deported.", "2024-03-28",
     [("deportation", "RU", "Perm", {"victims": 40, "victims_qualifier": "at_least"})]),
    # a government's note of protest is no protest in the street
    ("The government said it had received a note of protest from Moscow.", "2024-03-28", []),
    # a "which" clause about something else does not place the event; one right after the event word does
    ("Raids on markets, which became routine in Moscow last year, reached Kazan in the spring.", "2024",
     [("raid", "RU", "Kazan", {})]),
    ("The protest, which took place in Novosibirsk, drew about 200 people.", "2024-03-28",
     [("protest", "RU", "Novosibirsk", {})]),
    # a dateline naming two cities is no place of the event
    ("ALMATY/BISHKEK, Nov 20 (Reuters) - Police detained 30 migrants at a market, officials said.", "2023-11-20",
     [("detention", "RU", None, {"arrested": 30})]),
    # an advisory nobody can be said to have issued is no travel advisory
    ("The ministry urged its citizens to avoid travel to the region.", "2024-03-28", []),
]


@pytest.mark.parametrize("text, published, expected", SNIPPETS, ids=[s[0][:40] for s in SNIPPETS])
def test_synthetic_snippets(text, published, expected):
    records = extract_incidents(_article(text, published))
    assert [(r["type"], r["country"], r["city"]) for r in records] == [e[:3] for e in expected]
    for rec, (_, _, _, fields) in zip(records, expected):
        for name, value in fields.items():
            assert rec[name] == value, (name, rec)
        assert text[rec["char_start"]:rec["char_end"]] in rec["sentence"]


def test_quote_with_two_incidents_gives_each_its_own_record():
    # synthetic snippet
    text = "“They beat us and threatened to deport us,” said a Tajik worker in Yekaterinburg."
    records = extract_incidents(_article(text))
    assert [r["type"] for r in records] == ["assault", "threat"]
    assert {text[r["char_start"]:r["char_end"]] for r in records} == {"They beat us and threatened to deport us,"}


def test_story_city_places_events_told_without_a_place():
    # synthetic article: the lead names its city, and names it again later
    text = ("KAZAN, Russia (AP) — Police in Kazan detained 30 migrants at a market on Monday, officials said.\n"
            "In May, unknown men torched a grocery run by an Uzbek family on the city’s outskirts.\n"
            "A Kyrgyz courier was beaten by three men in a stairwell in April.\n"
            "“They beat us too,” a courier said.\n"
            "Landlords across the country have evicted migrants, rights groups say.\n"
            "Kazakhstan deported 300 migrants last year.")
    records = extract_incidents(_article(text, "2024-06-10"))
    assert [(r["type"], r["country"], r["city"]) for r in records] == [
        ("detention", "RU", "Kazan"),
        ("arson", "RU", "Kazan"),  # "the city's outskirts"
        ("assault", "RU", "Kazan"),  # told without a place: in the city the story is set in
        ("assault", "RU", None),  # quoted speech keeps to what it says
        ("eviction", "RU", None),  # across the country
        ("deportation", "KZ", None),  # a whole country's deed
    ]


def test_the_story_city_outvotes_the_city_of_a_speaker():
    # synthetic article: officials speak in Bishkek, the story and its events are in Novosibirsk
    text = ("Every evening, Farrukh waits for orders outside a metro station in Novosibirsk. Novosibirsk has some 60,000 "
            "foreign workers.\nIn October, a Kyrgyz courier was beaten by a group of men near a shopping centre.\n"
            "Officials in Bishkek said 12 Kyrgyz citizens had been deported from Novosibirsk this year.")
    records = extract_incidents(_article(text, "2024-11-20"))
    assert [(r["type"], r["country"], r["city"]) for r in records] == [
        ("assault", "RU", "Novosibirsk"), ("deportation", "RU", "Novosibirsk")]


def test_a_city_taken_from_the_story_does_not_keep_a_placed_event_apart():
    # synthetic article: "the men were held" retells the detention placed in Taraz, not one in the story's city
    text = ("ALMATY, Kazakhstan (AP) — Landlords in Almaty have raised rents, tenants said.\n"
            "Police detained three men in Taraz on Friday.\nThe men were held overnight, their lawyer said.")
    records = extract_incidents(_article(text, "2024-06-10"))
    assert [(r["type"], r["city"]) for r in records] == [("detention", "Taraz")]


def test_no_private_names_in_any_field():
    # synthetic snippet
    text = "Uzbek migrant Rustam Karimov was beaten by Ivan Petrov in Tula, his lawyer said."
    [rec] = extract_incidents(_article(text))
    assert rec["type"] == "assault" and rec["perpetrator"] is None
    assert not any("Karimov" in str(v) or "Petrov" in str(v) for k, v in rec.items() if k != "sentence")


def test_ages_and_years_are_not_counts():
    # synthetic snippet
    text = "In 2023 police arrested a 25-year-old man and 2024 migrants were not counted."
    [rec] = extract_incidents(_article(text))
    assert (rec["type"], rec["arrested"], rec["date"]) == ("arrest", None, "2023")


_WORDS = st.sampled_from([
    "Police", "detained", "the", "attack", "in", "Moscow", "Kaluga", "Amur Region", "three", "Tajik", "migrants",
    "“", "”", "\"", ",", ".", "\n", "killed", "at least", "were", "beaten", "not", "could", "be", "deported",
    "Kyrgyzstan", "warned", "its", "citizens", "last week", "on March 22", "Uzbekistan’s", "raids", "St.", "Of",
    "torched", "hundreds", "2021", "—", "by", "unknown", "persons", "terror", "the attacks", "arrests of seven",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=60).map(" ".join)),
       st.sampled_from([None, "2024", "2024-03", "2024-03-28"]))
def test_arbitrary_text_never_raises_and_spans_hold(text, published):
    article = _article(text, published)
    for rec in extract_incidents(article):
        assert 0 <= rec["char_start"] < rec["char_end"] <= len(text)
        evidence = text[rec["char_start"]:rec["char_end"]]
        assert evidence.strip() == evidence and evidence in rec["sentence"]
        assert rec["type"] in INCIDENT_TYPES
        for kind in COUNTS:
            assert rec[kind] is None or (isinstance(rec[kind], int) and rec[f"{kind}_qualifier"] in QUALIFIERS)


def test_gunmen_storming_a_venue_is_a_terror_attack_in_the_town_not_the_city_it_borders():
    # synthetic
    text = ("Gunmen stormed a shopping centre in Khimki, on Moscow's northern edge, in May 2023, killing 12 people. "
            "Officials said migrants faced new checks afterwards.")
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"], r["country"], r["killed"]) for r in out] == [
        ("terror_attack", "Khimki", "RU", 12)]


def test_a_city_named_in_quotation_marks_is_a_shop_name_not_the_scene():
    # synthetic
    text = "In Kazan, vandals smashed the windows of the «Bukhara» café, which is run by Uzbek migrants."
    out = extract_incidents(_article(text))
    assert out and all((r["city"], r["country"]) == ("Kazan", "RU") for r in out)


def test_a_blow_to_the_head_is_an_assault_but_a_town_hit_by_floods_is_not():
    # synthetic
    out = extract_incidents(_article("In Omsk, a Kyrgyz cleaner was struck on the head with a metal pipe."))
    assert [(r["type"], r["city"]) for r in out] == [("assault", "Omsk")]
    assert extract_incidents(_article("The village was hit by floods in May, and fuel prices hit a record.")) == []


def test_people_gathering_to_demand_an_inquiry_is_a_protest():
    # synthetic
    text = "On Monday, dozens of Tajik workers gathered outside the city hall in Perm to demand an inquiry."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"]) for r in out] == [("protest", "Perm")]


def test_a_victims_nationality_does_not_move_the_scene_and_his_own_retelling_is_the_same_assault():
    # synthetic: "a citizen of Tajikistan" says who he is; "hit me" in his words retells the beating
    text = ("In Tomsk, a cafe owned by Tajik migrants was vandalised on Friday, police in Tomsk said.\n"
            "Its cook, a citizen of Tajikistan, tried to stop the men and was beaten with a stick.\n"
            "“They grabbed me, and one of them hit me with a bottle,” the cook said.")
    out = extract_incidents(_article(text, "2025-03-01"))
    assert [(r["type"], r["city"]) for r in out] == [("vandalism", "Tomsk"), ("assault", "Tomsk")]


def test_a_court_ordering_people_to_leave_the_country_is_a_deportation():
    # synthetic
    out = extract_incidents(_article("A judge in Tula ordered 14 Uzbek migrants to leave Russia."))
    assert [(r["type"], r["city"], r["country"]) for r in out] == [("deportation", "Tula", "RU")]
    assert extract_incidents(_article("In Tula, the manager ordered the Uzbek workers to leave the building.")) == []


def test_telling_people_they_would_be_deported_is_a_threat():
    # synthetic
    out = extract_incidents(_article(
        "In Kursk, guards told them they would be deported unless they paid a bribe, three Kyrgyz migrants said."))
    assert [(r["type"], r["city"], r["victims"]) for r in out] == [("threat", "Kursk", 3)]
    assert extract_incidents(_article("In Kursk, officials told him he would be paid on Friday.")) == []


def test_barred_from_a_country_is_an_entry_ban_not_discrimination():
    # synthetic
    assert extract_incidents(_article("In Kursk, two Uzbek drivers were barred from Russia for five years.")) == []
    out = extract_incidents(_article("In Kursk, migrants were barred from working as couriers."))
    assert [(r["type"], r["city"]) for r in out] == [("discrimination", "Kursk")]


def test_forcing_a_migrant_to_kneel_is_harassment_and_an_author_is_not_a_place():
    # synthetic: "Pushkin" is also a town; "a poem by Pushkin" names the poet
    text = "A video filmed in Tula showed two guards making a Tajik porter kneel and recite a poem by Pushkin."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"]) for r in out] == [("harassment", "Tula")]
    assert extract_incidents(_article("In Tula, doctors made a young patient kneel for an exam.")) == []


def test_a_listing_for_slavs_only_is_discrimination():
    # synthetic
    out = extract_incidents(_article("In Tula, 40 of the flat listings said only Slavs or Russian citizens need apply."))
    assert [(r["type"], r["city"]) for r in out] == [("discrimination", "Tula")]


def test_a_background_mention_of_a_known_attack_keeps_the_attacks_own_date():
    # synthetic: the article is a year later; "last March" and no date at all both mean the attack's own date
    text = ("Since gunmen attacked Crocus City Hall last March, Kyrgyz couriers in Omsk say they are stopped daily.\n"
            "Rights groups in Omsk say police checks rose after the Crocus attack.")
    out = [r for r in extract_incidents(_article(text, "2025-05-14")) if r["type"] == "terror_attack"]
    assert [(r["date"], r["country"]) for r in out] == [("2024-03", "RU")]
    out = extract_incidents(_article("Two years after gunmen attacked Crocus City Hall, the trial goes on.", "2026-01-10"))
    assert [(r["type"], r["date"]) for r in out] == [("terror_attack", "2024-03-22")]


def test_attacks_on_migrants_beside_a_known_attack_are_not_that_attack():
    # synthetic
    text = ("Activists in Tver have logged attacks on Uzbek couriers for years, and more of them since the 2024 "
            "attack on Crocus City Hall.")
    out = extract_incidents(_article(text, "2025-06-02"))
    assert [(r["type"], r["date"]) for r in out if r["type"] == "terror_attack"] == [("terror_attack", "2024-03-22")]
    assert ("assault", "Tver") in [(r["type"], r["city"]) for r in out]


def test_a_dateline_gives_neither_the_place_nor_the_date_of_the_event():
    # synthetic: the report is from Bishkek on June 3; the detentions were in Kazan, by its police
    text = "BISHKEK, June 3 — Forty Kyrgyz workers were detained by Kazan police, the ministry said."
    out = extract_incidents(_article(text, "2024-06-03"))
    assert [(r["type"], r["city"], r["date"], r["arrested"]) for r in out] == [("detention", "Kazan", "2024-06", 40)]
    # "sanctioned by Moscow" names an agent, not the scene
    assert extract_incidents(_article("Raids sanctioned by Moscow began on Friday."))[0]["city"] is None


def test_people_rounded_up_are_detained_and_a_round_up_is_a_raid():
    # synthetic
    out = extract_incidents(_article("In Tver, police rounded up 60 Uzbek traders at a market on Friday."))
    assert [(r["type"], r["city"], r["arrested"]) for r in out] == [("detention", "Tver", 60)]
    out = extract_incidents(_article("A round-up at a market in Tver ended on Friday."))
    assert [(r["type"], r["city"]) for r in out] == [("raid", "Tver")]


def test_a_city_located_by_a_bearing_or_its_region_is_the_scene():
    # synthetic: "southwest of Moscow" and "in the Tomsk region" say where the named city lies
    text = "In Obninsk, southwest of Moscow, two men attacked a Kyrgyz courier on Monday."
    assert [(r["type"], r["city"]) for r in extract_incidents(_article(text))] == [("assault", "Obninsk")]
    text = "In Seversk, in the Siberian Tomsk region, vandals daubed slurs on a mosque."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"], r["region"]) for r in out] == [("vandalism", "Seversk", "Tomsk Oblast")]


def test_a_date_in_a_clause_about_someone_else_does_not_date_the_event():
    # synthetic: the singer's 2019 tour is not when anything happened to the migrants
    text = ("Unknown men beat two Uzbek cleaners in Tula.\n"
            "The singer Alisher, who toured Russia in 2019, said the beating frightened his fans.")
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"], r["date"]) for r in out] == [("assault", "Tula", "2024-03")]


def test_the_attack_without_a_place_is_the_articles_terror_attack():
    # synthetic: "the attack" and its toll go to the stadium attack, not to the later assault in Ufa
    text = ("Gunmen opened fire at a stadium in Kazan on March 2, in an attack claimed by Islamic State.\n"
            "In Ufa, a group of youths attacked an Uzbek cook on Monday.\n"
            "Officials later said the attack had killed 40 people.")
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"], r["date"], r["killed"]) for r in out] == [
        ("terror_attack", "Kazan", "2024-03-02", 40), ("assault", "Ufa", "2024-03-25", None)]


def test_an_agency_asking_its_citizens_or_an_advisory_issued_is_the_issuers_travel_advisory():
    # synthetic
    text = "ASTANA — Kazakhstan’s Migration Service has asked citizens who are travelling to Russia to carry their papers."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["country"]) for r in out] == [("travel_advisory", "KZ")]
    text = "In May, the Kyrgyz Embassy in Moscow issued an advisory urging workers not to travel to Russia."
    out = extract_incidents(_article(text, "2024-06-10"))
    assert [(r["type"], r["country"], r["date"]) for r in out] == [("travel_advisory", "KG", "2024-05")]


def test_the_next_day_counts_from_the_last_date_given():
    # synthetic
    text = ("On April 4, police in Kazan detained 30 Uzbek traders.\n"
            "The next day, officers raided a hostel in Ufa. Two weeks later, police in Omsk detained 12 migrants.")
    out = extract_incidents(_article(text, "2024-05-02"))
    assert [(r["type"], r["city"], r["date"]) for r in out] == [
        ("detention", "Kazan", "2024-04-04"), ("raid", "Ufa", "2024-04-05"), ("detention", "Omsk", "2024-04")]


def test_police_searching_a_mosque_or_visiting_addresses_is_a_raid():
    # synthetic: one raid per city of the sentence
    text = "Officers searched two hostels in Tver on Monday; in Kursk, police visited 900 addresses."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"]) for r in out] == [("raid", "Tver"), ("raid", "Kursk")]
    out = extract_incidents(_article("Officers in Perm checked the documents of 800 foreign workers in a similar raid."))
    assert [(r["type"], r["city"]) for r in out] == [("raid", "Perm")]
    assert extract_incidents(_article("Tourists in Tver visited 12 churches and searched the market for gifts.")) == []


def test_a_list_of_cities_gives_one_incident_per_city():
    # synthetic
    text = "Police carried out raids in Kursk, Orenburg and Tomsk on Thursday, detaining dozens of Uzbek workers."
    out = [r for r in extract_incidents(_article(text)) if r["type"] == "raid"]
    assert sorted(r["city"] for r in out) == ["Kursk", "Orenburg", "Tomsk"]
    assert len({r["char_start"] for r in out}) == 1  # one sentence, the evidence of each


def test_a_list_of_airports_gives_one_incident_per_airport():
    # synthetic: an airport named alone is in no city, unless it bears a town's name
    text = "Scores of Kyrgyz travellers were held at Pulkovo and Tolmachevo airports on Sunday."
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"]) for r in out] == [("detention", None)] * 2
    text = "Scores of Kyrgyz travellers were held at Pulkovo, Koltsovo and Tolmachevo airports on Sunday."
    assert [r["city"] for r in extract_incidents(_article(text))] == [None, "Koltsovo", None]


def test_beat_and_questioned_is_an_assault_placed_and_dated_by_the_incident_sentence():
    # synthetic: the lead names neither place nor day; a later sentence says where and when "the incident" was
    text = ("Guards allegedly beat and questioned 40 Uzbek workers at a building site, the Uzbek embassy said.\n"
            "Officials in Tashkent said they were concerned.\n"
            "The incident took place on March 3 at a site in Tyumen, local media reported.")
    out = extract_incidents(_article(text))
    assert [(r["type"], r["city"], r["date"], r["victims"]) for r in out] == [("assault", "Tyumen", "2024-03-03", 40)]


def test_an_event_after_and_takes_the_place_and_date_after_it_not_the_ones_before():
    # synthetic: the beating was in Tara on May 19; the raids, joined by "and", were in Kotelniki
    text = ("The minister wrote about the beating of 30 Uzbek students in Tara on May 19 and about raids on "
            "Tajik migrants in Kotelniki.")
    out = extract_incidents(_article(text, "2024-05-30"))
    assert [(r["type"], r["city"], r["date"]) for r in out] == [
        ("assault", "Tara", "2024-05-19"), ("raid", "Kotelniki", "2024-05")]
