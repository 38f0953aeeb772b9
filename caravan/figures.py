"""Economic figures in an article: money, percentages and counts of migrants, normalised.

Rules, not a model. A figure is a number carrying a unit that news style writes out ("$5.7 billion",
"2 trillion rubles", "48%") or a population-scale count of people in a migration sense ("more than
10 million Central Asians", "the number of Tajik migrants reached 1.5 million"). Bare numbers, dates,
ages and counts of victims or detainees are not figures. Each figure gets its subject, indicator,
qualifier, period and cited source from the sentence that holds it.
"""

from __future__ import annotations

import bisect
import re
from itertools import combinations, product

import pycountry

from caravan.corpus import Article
from caravan.numbers import MONTH_NAMES, WORD_NUMBERS, qualifier_before, scaled_value
from caravan.text import Span, sentences

_S = r"[^\S\n]"  # white space that stays inside a paragraph

# --- Numbers with a unit ---------------------------------------------------------------------------

_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
# Exact number words only: vague ones ("hundreds", "millions") carry no value worth publishing.
_WORDS = "|".join(re.escape(w) for w in sorted(
    (w for w in WORD_NUMBERS if w not in ("a couple of", "a pair of", "dozen", "hundred", "thousand")),
    key=len, reverse=True))
_SCALE_WORDS = r"(?:hundred" + _S + r"+thousand|thousand|million|billion|trillion)"
_NUM = (
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    rf"|(?i:{_TENS}[- ]{_UNITS}|{_WORDS})"
    rf"|(?i:half{_S}+an?|an?)(?={_S}+(?i:{_SCALE_WORDS})\b))"
)
_SCALE = (
    rf"(?:(?:{_S}+|-)(?P<scale>(?i:{_SCALE_WORDS}))"
    rf"|{_S}?(?P<abbr>(?i:mln|mn|bln|bn|tn|trn))"
    r"|(?<=[0-9])(?P<short>[mb]))"
)
_CODES = r"USD|EUR|RUB|GBP|TJS|KGS|UZS|KZT|TMT|CNY"
_CURRENCY_PREFIX = rf"(?P<pre>US{_S}?\$|U\.S\.{_S}?\$|\$|€|£|₽|(?:{_CODES})(?={_S}?[0-9]))"
_CURRENCY_ADJECTIVES = r"U\.S\.|US|American|Russian|Kyrgyz|Uzbek|Tajik|Kazakh|Turkmen|Belarusian|Azerbaijani"
_CURRENCY_WORD = (
    rf"{_S}+(?:(?P<adj>{_CURRENCY_ADJECTIVES}){_S}+)?"
    r"(?P<cur>(?i:dollars?|euros?|rubles?|roubles?|somoni|soms?|sums?|soums?|so['’]m|tenge|manats?|yuan"
    rf"|hryvnias?|hryvnas?|lari|drams?)|{_CODES})"
)
_PERCENT = rf"(?P<pct>{_S}?%|{_S}+(?i:percent|per{_S}+cent|pct|percentage{_S}+points?)\b)"
_CANDIDATE = re.compile(
    rf"(?<![\w.,:/$€£₽-])(?:{_CURRENCY_PREFIX}{_S}?)?{_NUM}(?:{_SCALE})?(?:{_PERCENT}|{_CURRENCY_WORD})?"
    r"(?![0-9]|[.,][0-9])"
)

# Every figure holds a digit or one of these words, so the candidate pattern (slow to try at every
# position) only runs next to them.
_ANCHOR_WORDS = ("illion", "housand", "ercent", "er cent")  # (m|b|tr)illion, (t|T)housand, (p|P)ercent
_DIGIT_REACH = 8  # how far before its first digit a candidate may start: "U.S. $"
_WORD_REACH = 30  # how far before its scale word: "seventy-five ", "a hundred "

_PREFIX_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB"}
_WORD_CURRENCY = {
    "dollar": "USD", "euro": "EUR", "ruble": "RUB", "rouble": "RUB", "somoni": "TJS", "som": "KGS",
    "sum": "UZS", "soum": "UZS", "so'm": "UZS", "tenge": "KZT", "manat": "TMT", "yuan": "CNY",
    "hryvnia": "UAH", "hryvna": "UAH", "lari": "GEL", "dram": "AMD",
}
# The adjective names whose currency it is where two countries share a currency word.
_ADJECTIVE_CURRENCY = {("som", "uzbek"): "UZS", ("ruble", "belarusian"): "BYN", ("rouble", "belarusian"): "BYN",
                       ("manat", "azerbaijani"): "AZN"}
_UZBEK = re.compile(r"\bUzbek")
_KYRGYZ = re.compile(r"\bKyrgyz")

# --- People ---------------------------------------------------------------------------------------

_DEMONYMS = (
    "Tajik", "Uzbek", "Kyrgyz", "Kazakh", "Turkmen", "Central Asian", "Afghan", "Russian", "Ukrainian",
    "Belarusian", "Moldovan", "Armenian", "Azerbaijani", "Georgian", "Chinese", "Vietnamese", "Indian",
    "Pakistani", "Bangladeshi", "Nepali", "Korean", "Turkish", "Syrian", "Iranian", "Iraqi", "Sri Lankan",
)
_DEMONYM_RE = re.compile(
    r"(?:" + "|".join(re.escape(d) for d in _DEMONYMS) + r")(?:s|z)?|[A-Z][a-z]+(?:ian|ean|an|ese|ik|ek)s?"
)
_MIGRANT_WORDS = r"migra|immigra|emigra|guest|foreign|expat|refugee|gastarbeiter|diaspora|abroad|overseas|labou?r"
_MIGRANT_RE = re.compile(rf"(?i:{_MIGRANT_WORDS})")
_GENERIC_PEOPLE = {"people", "persons", "individuals", "residents", "workers", "citizens", "nationals", "labourers",
                   "laborers", "arrivals"}
_MODIFIER = (
    r"(?:Central" + _S + r"+Asian|[A-Z][\w’'-]*|(?i:labou?r|migrant|foreign|guest|undocumented|illegal|irregular"
    r"|registered|seasonal|working-age|ethnic|young|skilled|unskilled|low-skilled|legal|documented|other|more"
    r"|additional|new))"
)
_NOUN = (
    r"(?P<noun>(?i:migrant" + _S + r"+workers|migrants|immigrants|emigrants|workers|labou?rers|citizens|nationals"
    r"|people|persons|residents|foreigners|expatriates|expats|refugees|individuals|gastarbeiters|arrivals)"
    r"|Kyrgyz|Turkmen|Chinese|Vietnamese|[A-Z][a-z]+s)"
)
_NP = rf"(?P<np>(?:{_MODIFIER}{_S}+){{0,3}}{_NOUN})(?![\w’'-])"
_PEOPLE_AFTER = re.compile(rf"{_S}+(?:of{_S}+(?:its|their|the{_S}+country['’]s){_S}+)?{_NP}")
# "80 percent of Tajik migrants are men": the share is of that group.
_SHARE_OF_PEOPLE = re.compile(rf"{_S}+of{_S}+(?:(?:the|all){_S}+)?{_NP}")
# "the number of Tajik migrants in Russia reached ..." followed by a bare number.
_NUMBER_OF = re.compile(
    rf"\b(?i:number|total|ranks)\s+of\s+{_NP}(?P<gap>[^.;!?]{{0,80}}?)\s*"
    r"\b(?:is|are|was|were|reached|reaches|hit|topped|exceeded|exceeds|totals|numbered|numbers|stands\s+at"
    r"|(?:\w+ed|risen|grown|fallen|rose|fell|grew|stood)\s+(?:to|at)|at|to)\s*$"
)
_POPULATION_OF = re.compile(
    r"\b(?P<migrant>(?:migrant|immigrant)\s+)?population\s+(?:of|is|was|stood\s+at|reached|at)\s*$", re.IGNORECASE
)
_COUNTRY_OF_PEOPLE = re.compile(r"\b(?:country|nation)\s+of\s*$", re.IGNORECASE)
# Counts of people harmed, held or expelled belong to incidents, not to economic figures.
_EVENT_RE = re.compile(
    r"\b(?:kill|dead|died|death|injur|wound|hurt|arrest|detain|detention|victim|deport|expel|expuls|evacuat"
    r"|hospitali|missing|casualt|attend|rall(?:y|ied)|protest|petition|signed|raid|rounded\s+up|fined|denied\s+entry"
    r"|checked|inspect|screened|searched|questioned"
    r"|barred|hostage|poll|survey|interview|respondent)",
    re.IGNORECASE,
)
# Money paid by or to one person in an incident is not an economic figure.
_PENALTY_BEFORE = re.compile(r"\b(?:fined|fines?\s+of|bail\s+of|bail|bribes?|ransom|reward)\b[^.;]{0,30}$", re.IGNORECASE)
# One person's pay ("his daily rate had risen to ...", "a salary of ...") is a detail of a story, not a
# statistic; averages and minimums ("the average salary") are written with "the" and stay.
_PERSONAL_PAY_BEFORE = re.compile(
    r"\b(?:his|her|my|your|a|an)\s+(?:(?:daily|weekly|monthly|hourly|yearly|annual|new|current|starting|usual)\s+)?"
    r"(?:rate|salary|wage|pay|earnings)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# "Russia accounted for 78 percent of the total.": a share of a figure given just before.
_SHARE_OF_PREVIOUS = re.compile(
    r"\s+(?:of\s+(?:the\s+|that\s+|this\s+)?(?:total|sum|amount|figure|it|that|them)|of\s+all\s+(?:such\s+)?transfers)\b",
    re.IGNORECASE,
)
# How far before a figure a phrase that ends at it ("fined", "the number of Tajik migrants reached") may
# start: more than twice what the longest such phrase takes (white space just before the figure aside).
_LOOKBACK = 120
_NUMBER_OF_LOOKBACK = 300
_MIN_PEOPLE = 1000  # smaller counts of people are incident details ("three Tajik migrants"), not statistics
_YEAR_LIKE = re.compile(r"(?:1[89]|20)[0-9]{2}")

# --- Places ---------------------------------------------------------------------------------------


def _country_names() -> list[str]:
    names = {"Russia", "Central Asia", "European Union", "United States", "Britain", "Turkey", "Türkiye",
             "Kyrgyz Republic", "South Korea", "North Korea", "Iran", "Syria", "Laos", "Vietnam", "Moldova",
             "Czech Republic", "Tanzania", "Bolivia", "Venezuela", "Taiwan", "Palestine"}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and not re.search(r"[,()]", name):
                names.add(name)
    return sorted(names, key=len, reverse=True)


_COUNTRY_NAMES = _country_names()
# As a pattern only where anchored after a word ("in", "from"): scanning a sentence with it is slow.
_COUNTRY = r"(?:" + "|".join(re.escape(n) for n in _COUNTRY_NAMES) + r")"
# Names by their first run of letters, for a fast scan: capitalised words, then a look-up.
_COUNTRY_BY_FIRST: dict[str, list[str]] = {}
for _name in _COUNTRY_NAMES:
    _COUNTRY_BY_FIRST.setdefault(re.match(r"[^\W\d_]+", _name).group(), []).append(_name)
_CAPWORD = re.compile("[" + "".join(sorted({re.escape(k[0]) for k in _COUNTRY_BY_FIRST})) + r"][^\W\d_]*")
_FROM_BEFORE = re.compile(r"\bfrom\s+$")
_LIST_JOIN = re.compile(rf",?{_S}*(?:and|&){_S}+|,{_S}*")
_COUNTRY_OF_DEMONYM = {"Tajik": "Tajikistan", "Uzbek": "Uzbekistan", "Kyrgyz": "Kyrgyzstan", "Kazakh": "Kazakhstan",
                       "Turkmen": "Turkmenistan", "Russian": "Russia", "Armenian": "Armenia", "Moldovan": "Moldova",
                       "Azerbaijani": "Azerbaijan", "Georgian": "Georgia", "Ukrainian": "Ukraine", "Belarusian": "Belarus"}
_COUNTRY_OF_CURRENCY = {"TJS": "Tajikistan", "KGS": "Kyrgyzstan", "UZS": "Uzbekistan", "KZT": "Kazakhstan",
                        "TMT": "Turkmenistan"}
_DEMONYM_FALLBACK = re.compile(r"\b(" + "|".join(_COUNTRY_OF_DEMONYM) + r")\b")
# "... in Russia", "... there": where people are, before the clause ends (at one of _CLAUSE_END).
_LOCATION = re.compile(
    rf"\b(?:in|across|inside|within|to)\s+(?:(?P<country>{_COUNTRY})(?![\w-])|the\s+country\b)|\bthere\b"
)
_CLAUSE_END = re.compile(r"[,;:—–(]")
# "Russia hosts more than 3 million Uzbeks": the place is the clause's subject (where no [,;:—–] comes
# between the verb and the figure).
_HOST_AFTER_PLACE = re.compile(
    r"\s+(?:hosts|hosted|is\s+home\s+to|was\s+home\s+to|has|had|employs|employed|receives|received|attracts"
    r"|attracted)\b"
)
_HOST_CLAUSE_END = re.compile(r"[,;:—–]")
# ", where ...", where no other [,;] comes before the figure.
_WHERE_AFTER_COMMA = re.compile(r"\s+where\b")
_COMMA_OR_SEMICOLON = re.compile(r"[,;]")
# "workers from Central Asia", "citizens of Central Asian states": where the people come from.
_FROM_AFTER = re.compile(
    rf"{_S}+(?:from|of){_S}+(?P<from>(?:the{_S}+)?[A-Z][\w’'-]*(?:(?:,?{_S}*(?:and|&){_S}+|,{_S}*|{_S}+)[A-Z][\w’'-]*)*"
    rf"(?:{_S}+(?:states|countries|republics|nations))?)(?![\w-])"
)

# --- Indicators -----------------------------------------------------------------------------------

_REMITTANCE_RE = re.compile(
    r"\b(?:remit|(?:money|personal|private|cash|cross-border)\s+transfers?|transfers?\s+(?:from|to)\s+(?-i:[A-Z])"
    r"|(?:sent|send|sends|sending)\s+(?:back\s+)?home)",
    re.IGNORECASE,
)
# "transfers" alone is remittances only when migrants are the ones transferring.
_TRANSFER_RE = re.compile(r"\btransfer", re.IGNORECASE)
_GDP = r"(?:GDP|gross\s+domestic\s+product|(?:the\s+)?economy|economic\s+output)"
_GDP_BEFORE = re.compile(
    rf"\b{_GDP}\b[^.;,—–]{{0,25}}?(?:\b(?:of|was|is|at|reached|totaled|totalled|amounted\s+to|worth|valued\s+at|to))?\s*$",
    re.IGNORECASE,
)
_GDP_AFTER = re.compile(rf"{_S}+(?:in{_S}+)?(?:GDP|gross\s+domestic\s+product)\b", re.IGNORECASE)
_SHARE_OF_GDP_AFTER = re.compile(
    rf"{_S}+(?:of|to)\s+(?:(?P<country>{_COUNTRY})['’]s\s+|[\w’'-]+\s+){{0,3}}?{_GDP}\b"
)
_SHARE_OF_GDP_BEFORE = re.compile(rf"\b(?:share|proportion|percentage)\s+of\s+(?:\S+\s+){{0,2}}?{_GDP}\b", re.IGNORECASE)
_ECONOMIC_RE = re.compile(
    r"\b(?:remit|GDP|gross\s+domestic|econom|income|wage|salar|pay\b|price|inflation|budget|growth|grew|rubles?|roubles?"
    r"|currenc|dollar|export|import|trade|revenue|invest|employ|unemploy|labou?r|worker|migra|immigra|emigra"
    r"|population|poverty|poor|tax|cost|debt|transfer|money|fund|bank|market|spending|earn|output|production"
    r"|interest\s+rate|households?|share|jobs?|business|sector|foreign|patent|permit|nationals|work)",
    re.IGNORECASE,
)
_VOTE_RE = re.compile(r"\b(?:vote[sd]?|voting|ballots?|turnout|elect)", re.IGNORECASE)

# --- Periods --------------------------------------------------------------------------------------

_MONTHS = MONTH_NAMES
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_YEAR = r"(?:19[5-9][0-9]|20[0-9]{2})"
_RELATIVE_PERIOD = re.compile(
    r"\b(?:(?P<last>(?:last|the\s+previous|the\s+preceding)\s+year)"
    r"|(?P<this>(?:this|the\s+current)\s+year|of\s+the\s+year(?!\s+[0-9]))"  # "in the first half of the year"
    r"|(?P<ago>(?P<n>two|three|four|five|[2-9])\s+years\s+ago)|(?P<lastmonth>last\s+month))\b",
    re.IGNORECASE,
)
_YEAR_NUMBER = re.compile(rf"{_YEAR}(?![0-9])")
# What makes a year a period: "in 2023", "for 2023", "January 2024", "January-March 2024", "2023's", "2023 data".
_YEAR_LEAD = re.compile(
    rf"(?:\b(?P<prep>(?i:in|for|during|throughout|of|by|as\s+of|fiscal))\s+(?:the\s+year\s+)?"
    rf"|\b(?P<range>{_MONTH}\s*[-–]\s*{_MONTH}\s+)|\b(?P<mon>{_MONTH})\s+(?:[0-9]{{1,2}},?\s+)?)$"
)
# "in April" with no year: the latest April up to the publication date.
_BARE_MONTH = re.compile(
    rf"\b(?i:in|during|for|by|through|as\s+of)\s+(?:early\s+|late\s+|mid-)?(?P<mon>{_MONTH})\b(?!\s*[0-9])"
)
_YEAR_TRAIL = re.compile(r"['’]s\b|\s+(?:data|figures|statistics|estimates)\b")
_YEAR_RANGE_AFTER = re.compile(r"\s*[-–]\s*[0-9]")
_CLAUSE_BREAK = re.compile(r"[,;:—–()]")
# A new clause ("[,;] and|while|but|whereas ", "; "); "; " first: where both match, it ends sooner.
_NEW_CLAUSE = re.compile(r";\s|,\s+(?:and|while|but|whereas)\s")

# --- Sources --------------------------------------------------------------------------------------

_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&’'-]*)"  # "U.N." or a capitalised word
_CAP_SEQ = rf"{_CAP}(?:\s+(?:of|for|and|on|de|the)\s+{_CAP}|\s+{_CAP})*"
_ORG_HEAD = (
    r"(?:central|national)\s+bank|statisti(?:cs|cal)\s+(?:agency|office|committee|service|bureau)"
    r"|(?:interior|labou?r|economy|economic|finance|foreign|migration)\s+ministry|ministry|migration\s+(?:service|agency)"
    r"|government|statistics\s+service"
)
_ORG = rf"(?:(?:{_CAP}(?:['’]s)?\s+){{0,3}}(?:{_ORG_HEAD})\b|{_CAP_SEQ})"
_DATA = r"(?:data|figures|statistics|estimates|numbers|calculations|report|survey|poll|study)"
_ACCORDING_TO = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?:(?:latest|recent|new|official|preliminary)\s+)*"
    rf"(?:{_DATA}\s+(?:from|by|of|published\s+by|released\s+by)\s+(?:the\s+)?)?"
    r"(?P<src>[^,.;:—–()“”\"\n]+?)(?=\s*(?:[,.;:—–()“”\"]|$)|\s+(?:which|that|who|while|whereas|as|in|for|on|published"
    r"|released|show|shows)\b)"
)
_ORG_AFTER = (
    re.compile(rf"\b{_DATA}\s+(?:from|by|of|published\s+by|released\s+by)\s+(?:the\s+)?(?P<src>{_ORG})"),
    re.compile(rf"\b(?:said|reported|estimated)\s+(?:the\s+)?(?P<src>{_ORG})"),
)
# A cited body named just before these words: "the World Bank said", "UN figures", "Rosstat data show".
_ORG_CUE = re.compile(
    r"\b(?:said|says|reported|reports|estimated|estimates|calculated|showed|shows|show|found|noted|announced"
    r"|recorded|projects|projected|forecasts|forecast|predicts|predicted|expects|counted|counts|registered"
    r"|data|figures|statistics)\b"
)
# Words one of which every source other than "according to" needs: a cheap test before the patterns.
_ORG_HINTS = ("said", "says", "report", "estimat", "calculated", "show", "found", "noted", "announced", "recorded",
              "project", "forecast", "predict", "expects", "count", "registered", "data", "figures", "statistics")
_DATA_WORDS = {"data", "figures", "statistics", "estimates", "numbers", "calculations", "report", "survey", "poll",
               "study"}
_ORG_LOWER_WORDS = {"central", "national", "bank", "fund", "statistics", "statistical", "agency", "office", "committee",
                    "service", "bureau", "interior", "labour", "labor", "economy", "economic", "finance", "foreign",
                    "migration", "ministry", "government"}
_WORD = re.compile(r"\S+")
# "the bank said" after "the World Bank said": the head noun refers back to a source named before.
_ANAPHORS = {"bank", "ministry", "agency", "fund", "committee", "service", "office", "bureau"}
_DOTTED_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}")
_ORG_WORD = re.compile(
    r"\b(?:Bank|Ministry|Service|Agency|Office|Committee|Fund|Organi[sz]ation|Institute|Cent(?:er|re)|University"
    r"|Statistics|Commission|Council|Department|Bureau|Government|Nations|Union|Federation|Directorate|Inspectorate)\b"
    r"|[A-Z][a-z]*stat\b|\b[A-Z]{2,6}\b|" + _ORG_HEAD,
)
_SOURCE_TRAIL = re.compile(rf"(?:['’]s)?(?:\s+(?:latest|recent|new|official|preliminary|annual))*(?:\s+{_DATA})?\s*$")
_LEADING_THE = re.compile(r"^(?:the|The|its|their)\s+")
_POSSESSIVE_END = re.compile(r"['’]s$")
_CONNECTORS = {"of", "for", "and", "on", "de", "the"}


def _is_source(name: str, named_person_ok: bool) -> bool:
    if _ORG_WORD.search(name):
        return True
    if not named_person_ok:
        return False
    # "according to Edward Lemon": a named person or body; "Russian official data" is not a name.
    words = name.split()
    named = [w for w in words if w not in _CONNECTORS]
    return bool(named) and all(w[0].isupper() for w in named) and not all(_DEMONYM_RE.fullmatch(w) for w in named)


# --- Sentence context -------------------------------------------------------------------------------


class _once:
    """A property worked out at its first use and kept (functools.cached_property takes a lock in Python 3.11,
    which costs more than most of these take to work out)."""

    def __init__(self, work):
        self.work, self.name = work, work.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.work(obj)
        return value


class _Context:
    """What a sentence says around its figures: places, periods and cited sources (offsets in the sentence).

    A sentence may hold many figures: what each of them asks of it is found once, in sorted lists that
    are searched by bisection, so that no figure reads the sentence again from its start."""

    def __init__(self, sent: Span, published: str | None):
        text = sent.text
        self.sent = sent
        self.sources = _sources(text)
        self.source_starts = [s[0] for s in self.sources]
        self.source_ends = [s[1] for s in self.sources]
        self.periods = _periods(text, published)
        self.period_starts = [p[0] for p in self.periods]
        places = _places(text)
        # "the Bank of Russia said": a place inside a source names the source, not what the figure is about,
        # unless the sentence names no other place ("Kyrgyzstan's central bank estimated ...").
        outside = [p for p in places if not self._in_source(p[0])]
        self.places = outside or places
        self._new_clause_ends: dict[int, int | None] = {}

    def _in_source(self, pos: int) -> bool:
        i = bisect.bisect_right(self.source_starts, pos) - 1  # sources do not overlap
        return i >= 0 and pos < self.source_ends[i]

    @_once
    def about_remittances(self) -> bool:
        return _about_remittances(self.sent.text)

    @_once
    def economic(self) -> bool:
        return bool(_ECONOMIC_RE.search(self.sent.text))

    @_once
    def vote(self) -> bool:
        return bool(_VOTE_RE.search(self.sent.text))

    @_once
    def uzbek_not_kyrgyz(self) -> bool:
        return bool(_UZBEK.search(self.sent.text)) and not _KYRGYZ.search(self.sent.text)

    @_once
    def demonym(self) -> str | None:
        found = _DEMONYM_FALLBACK.search(self.sent.text)
        return found.group(1) if found else None

    @_once
    def share_of_gdp_end(self) -> int | None:
        """Where the sentence's first "share of GDP" ends: one ends before a figure if this one does."""
        found = _SHARE_OF_GDP_BEFORE.search(self.sent.text)
        return found.end() if found else None

    @_once
    def _subjects(self) -> tuple[list, list[int], list[int]]:
        """The places that may be a subject (not an origin after "from"), with their starts and ends."""
        subjects = [p for p in self.places if not p[3]]
        return subjects, [p[0] for p in subjects], [p[1] for p in subjects]

    def subject_before(self, start: int):
        subjects, _, ends = self._subjects  # places do not overlap: their ends rise with their starts
        i = bisect.bisect_right(ends, start) - 1
        return subjects[i] if i >= 0 else None

    def subject_after(self, end: int):
        subjects, starts, _ = self._subjects
        i = bisect.bisect_left(starts, end)
        return subjects[i] if i < len(subjects) else None

    def place_before(self, start: int):
        i = bisect.bisect_right(self._place_ends, start) - 1
        return self.places[i] if i >= 0 else None

    @_once
    def _place_ends(self) -> list[int]:
        return [p[1] for p in self.places]

    @_once
    def _breaks(self) -> list[int]:
        return [m.start() for m in _CLAUSE_BREAK.finditer(self.sent.text)]

    def next_break(self, pos: int) -> int | None:
        """Where the first of [,;:—–()] at or after ``pos`` is."""
        i = bisect.bisect_left(self._breaks, pos)
        return self._breaks[i] if i < len(self._breaks) else None

    @_once
    def _locations(self) -> tuple[list[re.Match], list[int], list[int]]:
        text = self.sent.text
        found = list(_LOCATION.finditer(text))
        return found, [m.start() for m in found], [m.start() for m in _CLAUSE_END.finditer(text)]

    def location_after(self, pos: int) -> re.Match | None:
        """The first "in <country>", "in the country" or "there" after ``pos`` in its clause."""
        found, starts, clause_ends = self._locations
        i = bisect.bisect_left(starts, pos)
        j = bisect.bisect_left(clause_ends, pos)
        if i < len(found) and (j == len(clause_ends) or starts[i] < clause_ends[j]):
            return found[i]
        return None

    @_once
    def _hosts(self) -> tuple[list, list[int], list[int], list[int]]:
        """The places followed by a verb that makes them the host ("Russia hosts"), with their ends and
        where the verb ends; and where the host's clause may end."""
        text = self.sent.text
        hosts, verb_ends = [], []
        for p in self.places:
            verb = _HOST_AFTER_PLACE.match(text, p[1])
            if verb:
                hosts.append(p)
                verb_ends.append(verb.end())
        return hosts, [p[1] for p in hosts], verb_ends, [m.start() for m in _HOST_CLAUSE_END.finditer(text)]

    def host_before(self, start: int):
        """The last place before ``start`` that hosts what the clause then says up to ``start``."""
        hosts, ends, verb_ends, clause_ends = self._hosts
        i = bisect.bisect_right(ends, start) - 1
        if i >= 0 and verb_ends[i] > start:
            i -= 1  # its verb runs past the figure; a host before it has its verb before this one
        j = bisect.bisect_left(clause_ends, start) - 1  # the last clause end before the figure
        if i >= 0 and (j < 0 or clause_ends[j] < ends[i]):
            return hosts[i]
        return None

    @_once
    def _commas(self) -> list[int]:
        return [m.start() for m in _COMMA_OR_SEMICOLON.finditer(self.sent.text)]

    def where_before(self, start: int) -> bool:
        """", where ..." and no other [,;] up to ``start``."""
        i = bisect.bisect_left(self._commas, start) - 1
        if i < 0 or self.sent.text[self._commas[i]] != ",":
            return False
        where = _WHERE_AFTER_COMMA.match(self.sent.text, self._commas[i] + 1, start)
        return where is not None

    def new_clause_between(self, lo: int, hi: int) -> bool:
        """Whether a new clause ([,;] and|while|but|whereas, or "; ") lies within [lo, hi)."""
        if lo not in self._new_clause_ends:
            found = _NEW_CLAUSE.search(self.sent.text, lo)
            self._new_clause_ends[lo] = found.end() if found else None
        end = self._new_clause_ends[lo]
        return end is not None and end <= hi


def _sources(text: str) -> list[tuple[int, int, str]]:
    """Cited sources as (start, end, name); "the" and trailing "data" or "'s report" are not part of the name."""
    found: list[tuple[int, int, str]] = []  # in text order; they do not overlap, so their ends rise too

    def overlaps(start: int, end: int) -> bool:
        i = bisect.bisect_left(found, (end,)) - 1  # the last one that starts before ``end``
        return i >= 0 and start < found[i][1]

    def add(start: int, end: int, name: str, named_person_ok: bool) -> None:
        name = _LEADING_THE.sub("", _SOURCE_TRAIL.sub("", name).strip())
        if name and len(name) <= 80 and _is_source(name, named_person_ok) and not overlaps(start, end):
            bisect.insort(found, (start, end, name))

    if "ccording to" in text:
        for m in _ACCORDING_TO.finditer(text):
            add(*m.span("src"), m.group("src"), True)
    if not any(hint in text for hint in _ORG_HINTS):
        return sorted(found)
    for pattern in _ORG_AFTER:
        for m in pattern.finditer(text):
            add(*m.span("src"), m.group("src"), False)
    for cue in _ORG_CUE.finditer(text):
        org = _org_before(text, cue.start())
        if not org or overlaps(org[0], org[1]):
            continue
        start, end, name = org
        words = name.split()
        if words[-1].lower() in _DATA_WORDS or (name.lower() in _ANAPHORS and _after_the(text, start)):
            bisect.insort(found, org)  # "Russian statistics"; "the bank", resolved later to the bank named before
        else:
            add(start, end, name, False)
    return found


def _after_the(text: str, pos: int) -> bool:
    """Whether "the" ends the text before ``pos`` (white space aside)."""
    while pos and text[pos - 1].isspace():
        pos -= 1
    return text.endswith("the", 0, pos)


def _org_before(text: str, pos: int) -> tuple[int, int, str] | None:
    """The name of a body that ends just before ``pos``, walking back over its words."""
    low = max(0, pos - 120)
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, low, pos)]
    if low and words:
        words = words[1:]  # may be cut
    data_word = words.pop() if words and words[-1][2].lower() in _DATA_WORDS else None
    taken: list[tuple[int, int, str]] = []
    for start, end, word in reversed(words):
        if not taken:
            bare = _POSSESSIVE_END.sub("", word)  # "the World Bank's data"
            end = start + len(bare)
        else:
            bare = word
        if not bare or (bare[-1] in ",.;:!?”\")—–" and not _DOTTED_ACRONYM.fullmatch(bare)) or bare[0] in "“\"(‘":
            break
        if bare[0].isupper() or bare.lower() in _ORG_LOWER_WORDS or (taken and bare in _CONNECTORS):
            taken.append((start, end, bare))
        else:
            break
    while taken and taken[-1][2].lower() in _CONNECTORS:
        taken.pop()
    if not taken:
        return None
    start, end = taken[-1][0], taken[0][1]
    if data_word and all(_is_demonym(w) for _, _, w in taken):
        end = data_word[1]  # "Russian statistics show": a country's official statistics
    return start, end, text[start:end]


def _places(text: str) -> list[tuple[int, int, str, bool]]:
    """Countries and lists of countries as written, with whether they follow "from" (an origin, not a subject)."""
    out: list[tuple[int, int, str, bool]] = []
    for m_start, m_end, name in _country_mentions(text):
        if out:
            start, end, _, origin = out[-1]
            if _LIST_JOIN.fullmatch(text, end, m_start):
                out[-1] = (start, m_end, text[start:m_end], origin)
                continue
        origin = bool(_FROM_BEFORE.search(text, max(0, m_start - 6), m_start))
        out.append((m_start, m_end, name, origin))
    return out


def _country_mentions(text: str) -> list[tuple[int, int, str]]:
    found, last_end = [], 0
    for word in _CAPWORD.finditer(text):
        start = word.start()
        names = _COUNTRY_BY_FIRST.get(word.group())
        if not names or start < last_end or (start and (text[start - 1].isalnum() or text[start - 1] in "-_")):
            continue
        for name in names:
            end = start + len(name)
            if text.startswith(name, start) and not (end < len(text) and (text[end].isalnum() or text[end] in "-_")):
                found.append((start, end, name))
                last_end = end
                break
    return found


def _published_year(published: str | None) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None


def _periods(text: str, published: str | None) -> list[tuple[int, int, str, bool]]:
    """Period expressions as (start, end, YYYY or YYYY-MM, whether it binds to a figure just before it);
    relative ones resolve against the publication date."""
    out = []
    year = _published_year(published)
    low = text.lower()
    if year and ("year" in low or "month" in low):
        for m in _RELATIVE_PERIOD.finditer(text):
            if m.group("last"):
                period = str(year - 1)
            elif m.group("this"):
                period = str(year)
            elif m.group("ago"):
                n = m.group("n").lower()
                period = str(year - (int(n) if n.isdigit() else ("two", "three", "four", "five").index(n) + 2))
            elif published and len(published) >= 7:  # last month
                month = int(published[5:7])
                period = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
            else:
                continue
            out.append((m.start(), m.end(), period, True))
    if year and any(month in text for month in _MONTHS):
        for m in _BARE_MONTH.finditer(text):
            month = _MONTHS.index(m.group("mon")) + 1
            if published and len(published) >= 7:
                y = year if month <= int(published[5:7]) else year - 1
                out.append((m.start(), m.end(), f"{y}-{month:02d}", True))
            else:
                out.append((m.start(), m.end(), str(year), True))  # never more precise than the publication date
    for m in _YEAR_NUMBER.finditer(text):
        start, end = m.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in "$€£₽.,-"):
            continue
        lead = _YEAR_LEAD.search(text, max(0, start - 30), start)
        if lead and lead.group("prep") and not _YEAR_RANGE_AFTER.match(text, end):
            out.append((lead.start(), end, m.group(), True))
        elif lead and lead.group("range"):
            out.append((lead.start(), end, m.group(), True))
        elif lead and lead.group("mon"):
            out.append((lead.start(), end, f"{m.group()}-{_MONTHS.index(lead.group('mon')) + 1:02d}", True))
        elif _YEAR_TRAIL.match(text, end):
            out.append((start, end, m.group(), False))
    return sorted(out)


def _nearest_period(ctx: _Context, start: int, end: int, figure_starts: list[int]):
    """The period bound to the figure at [start, end): right after it in the same clause ("$2 billion in
    2023"; not "a 20% drop on 2022's record"), else the nearest before it, else the nearest after it with no
    other figure (of ``figure_starts``, the sentence's) in between."""
    spans, text = ctx.periods, ctx.sent.text
    i = bisect.bisect_left(ctx.period_starts, end)
    after = spans[i] if i < len(spans) else None
    if after and after[3] and after[0] - end <= 50 and not _CLAUSE_BREAK.search(text, end, after[0]):
        return after
    # The last one that ends by the figure's start: it starts before it, and few periods overlap.
    j = bisect.bisect_left(ctx.period_starts, start) - 1
    while j >= 0 and spans[j][1] > start:
        j -= 1
    if j >= 0:
        before = spans[j]
        # "... last year, according to X, and Russian statistics show 1.3 million ...": a clause with its
        # own source starts a new statement, which does not inherit the period.
        k = bisect.bisect_left(ctx.source_starts, start) - 1  # the last source that starts before the figure
        if k >= 0 and ctx.source_starts[k] >= before[1] and ctx.new_clause_between(before[1], ctx.source_starts[k]):
            return None
        return before
    k = bisect.bisect_left(figure_starts, end)
    if after and not (k < len(figure_starts) and figure_starts[k] < after[0]):
        return after
    return None


def _nearest_source(ctx: _Context, start: int, end: int):
    """The source that holds the figure or is nearest to it (the one before it on a tie)."""
    spans = ctx.sources
    if not spans:
        return None
    j = bisect.bisect_left(ctx.source_starts, end)  # sources do not overlap: their ends rise with their starts
    k = bisect.bisect_right(ctx.source_ends, start)  # spans[k:j] overlap the figure
    options = []  # (distance, source) of the last one before it, the first overlapping it, the first after it
    if k:
        options.append((start - spans[k - 1][1], spans[k - 1]))
    if k < j:
        options.append((0, spans[k]))
    if j < len(spans):
        options.append((spans[j][0] - end, spans[j]))
    return min(options, key=lambda o: o[0])[1]


# --- Figure kinds ---------------------------------------------------------------------------------


def _currency(m: re.Match, ctx: _Context) -> str | None:
    pre = m.group("pre")
    if pre:
        return _PREFIX_CURRENCY.get(pre[-1], pre.strip()[:3] if pre[:3].isalpha() and pre[:3].isupper() else None)
    cur = m.group("cur")
    if cur.isupper():
        return cur
    word = cur.lower().replace("’", "'")
    word = word if word in _WORD_CURRENCY else word.rstrip("s")
    adj = (m.group("adj") or "").lower()
    if (word, adj) in _ADJECTIVE_CURRENCY:
        return _ADJECTIVE_CURRENCY[(word, adj)]
    if word == "som" and not adj and ctx.uzbek_not_kyrgyz:
        return "UZS"
    return _WORD_CURRENCY.get(word)


def _subject_of_money(ctx: _Context, start: int, end: int, currency: str | None = None) -> str | None:
    text = ctx.sent.text
    share = _SHARE_OF_GDP_AFTER.match(text, end)
    if share and share.group("country"):
        return share.group("country")
    before = ctx.subject_before(start)
    if before:
        return before[2]
    after = ctx.subject_after(end)
    if after:
        return after[2]
    if ctx.demonym:
        return _COUNTRY_OF_DEMONYM[ctx.demonym]
    # A national currency names its country ("1.2 million somoni" is about Tajikistan).
    return _COUNTRY_OF_CURRENCY.get(currency)


def _money_indicator(ctx: _Context, start: int, end: int, unit: str) -> str:
    if unit != "USD":
        return "other"  # the money indicators are in US dollars; "2 trillion roubles" of remittances is other
    if _ending_at(_GDP_BEFORE, ctx.sent.text, start) or _GDP_AFTER.match(ctx.sent.text, end):
        return "gdp_usd"
    return "remittances_usd" if ctx.about_remittances else "other"


def _about_remittances(text: str) -> bool:
    return bool(_REMITTANCE_RE.search(text) or (_TRANSFER_RE.search(text) and _MIGRANT_RE.search(text)))


def _percent_indicator(ctx: _Context, start: int, end: int) -> str:
    # A "share of GDP" before the figure: the sentence's first one ends before it when any does.
    if ctx.about_remittances and (_SHARE_OF_GDP_AFTER.match(ctx.sent.text, end) or (
            ctx.share_of_gdp_end is not None and ctx.share_of_gdp_end <= start)):
        return "remittances_share_of_gdp"
    return "other"


def _is_demonym(word: str) -> bool:
    return bool(_DEMONYM_RE.fullmatch(word))


def _people(ctx: _Context, start: int, end: int) -> tuple[str, str] | None:
    """Subject and indicator of a count of people at [start, end) of the sentence, if it is one."""
    text = ctx.sent.text
    np_match = _PEOPLE_AFTER.match(text, end)
    if np_match:
        np, noun, np_end = np_match.group("np"), np_match.group("noun"), np_match.end("np")
        if noun[0].isupper() and noun not in ("Kyrgyz", "Turkmen", "Chinese", "Vietnamese") and not _is_demonym(noun):
            return None
        if noun.lower() == "people" and _ending_at(_COUNTRY_OF_PEOPLE, text, _without_qualifier(text, start)):
            return _subject_of_money(ctx, start, end), "other"  # "a country of 36 million people"
    else:
        cut = _without_qualifier(text, start)
        number_of = _ending_at(_NUMBER_OF, text, cut, _NUMBER_OF_LOOKBACK)
        population = _ending_at(_POPULATION_OF, text, cut)
        if number_of:
            np, noun, np_end = number_of.group("np"), number_of.group("noun"), number_of.end("np")
        elif population:
            subject = _subject_of_money(ctx, start, end)
            return subject, "migrant_population" if population.group("migrant") else "other"
        else:
            return None
    window = text[max(0, start - 60): min(len(text), np_end + 60)]
    if _EVENT_RE.search(window):
        return None
    group = np
    origin = _FROM_AFTER.match(text, np_end)
    if origin:
        group, np_end = text[np_end - len(np):origin.end()], origin.end()
    modifiers = np.split()[:-1] if noun.lower() in _GENERIC_PEOPLE else np.split()
    migrant = (bool(_MIGRANT_RE.search(np)) or bool(origin) or any(_is_demonym(w) for w in modifiers)
               or (noun.lower() not in _GENERIC_PEOPLE))
    if not migrant and np_match and np_match.start("np") > end + 1 and noun.lower() in ("citizens", "nationals"):
        # "1.8 million of its citizens in Russia": a country's citizens counted inside another country.
        where = ctx.location_after(np_end)
        migrant = bool(where and where.group("country"))
    if not migrant:
        # "people", "workers", "residents" count as migrants only where the words around say so.
        clause_end = ctx.next_break(np_end)
        if not _MIGRANT_RE.search(text, np_end, min(clause_end if clause_end is not None else len(text), np_end + 80)):
            return None
    return _with_location(ctx, group, start, np_end), "migrant_population"


def _without_qualifier(text: str, start: int) -> int:
    """Where the text before ``start`` ends once the qualifier that ends it ("more than") is left out."""
    qualifier = qualifier_before(text, start)
    return start - qualifier[1] if qualifier else start


def _ending_at(pattern: re.Pattern, text: str, end: int, lookback: int = _LOOKBACK) -> re.Match | None:
    """``pattern.search(text[:end])`` for a pattern anchored at its end ($), read from ``lookback`` characters
    before ``end`` (white space just before it aside): every figure of a long sentence would otherwise
    read it again from its start."""
    stop = end
    while stop and text[stop - 1].isspace():
        stop -= 1
    return pattern.search(text, max(0, stop - lookback), end)


def _with_location(ctx: _Context, group: str, start: int, np_end: int) -> str:
    """ "Central Asians" plus "in Russia" where the sentence says where they are."""
    text = ctx.sent.text
    where = ctx.location_after(np_end)
    place = None
    if where and where.group("country"):
        place = where.group("country")
    elif host := ctx.host_before(start):
        place = host[2]
    elif where or ctx.where_before(start) or text.startswith("In "):
        # "in the country", "..., where ...", "In Russia, ...": the place named before the number.
        before = ctx.place_before(start)
        place = before[2] if before else None
    return f"{group} in {place}" if place else group


# --- Extraction -----------------------------------------------------------------------------------


def _candidates(text: str) -> list[re.Match]:
    """Numbers with an optional unit, each holding a digit or a scale or percent word."""
    # str.find runs in C; a regex scan for digits costs more than all the rest on a long article.
    anchors = []
    for digit in "0123456789":
        at = text.find(digit)
        while at != -1:
            if not (at and text[at - 1].isdigit()):
                anchors.append((at, _DIGIT_REACH))
            at = text.find(digit, at + 1)
    for word in _ANCHOR_WORDS:
        at = text.find(word)
        while at != -1:
            anchors.append((at, _WORD_REACH))
            at = text.find(word, at + 1)
    anchors.sort()
    found: list[re.Match] = []
    last_end = 0
    for anchor, reach in anchors:
        if anchor < last_end:
            continue
        # The leftmost candidate that holds the anchor; candidates start at a word start or a currency sign.
        for pos in range(max(last_end, anchor - reach), anchor + 1):
            if pos and (text[pos - 1].isalnum() or text[pos - 1] in "_.,:/-") and pos != anchor:
                continue
            m = _CANDIDATE.match(text, pos)
            if m and m.end() > anchor:
                if not (m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] == "_")):  # "5th", "tenants"
                    found.append(m)
                    last_end = m.end()
                break
    return found


def _qualifier(sentence: str, start: int) -> str:
    # A window keeps the search short; it starts at a word so that "over" is not read in "turnover".
    window = sentence[max(0, start - 40):start]
    if start > 40:
        window = window[window.find(" ") + 1:] if " " in window else ""
    found = qualifier_before(window)
    return found[0] if found else "exact"


def extract_figures(article: Article) -> list[dict]:
    """Economic figures of the article in text order, one record per fact (see the module docstring)."""
    text = article.text
    matches = _candidates(text)
    if not matches:
        return []
    sents = sentences(text)
    starts = [s.start for s in sents]
    contexts: dict[int, _Context] = {}
    found: list[tuple[re.Match, Span, str | None, int, int, str, float]] = []
    for m in matches:
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or m.end() > sents[i].end:
            continue
        sent = sents[i]
        number = m.group("num")
        scale = m.group("scale") or m.group("abbr") or m.group("short")
        value = scaled_value(number, scale)
        if value is None:
            continue
        kind = "money" if (m.group("pre") or m.group("cur")) else "percent" if m.group("pct") else "people"
        if kind == "people" and (value < _MIN_PEOPLE or (not scale and "," not in number and _YEAR_LIKE.fullmatch(number))):
            continue
        found.append((m, sent, i, m.start() - sent.start, m.end() - sent.start, kind, value))

    # The sentence before, when in the same paragraph, for shares that refer back to it: is it economic?
    economic_before: dict[int, bool] = {}

    def economic_sentence_before(i: int) -> bool:
        if i not in economic_before:
            same_paragraph = i > 0 and text.find("\n", sents[i - 1].end, sents[i].start) < 0
            economic_before[i] = same_paragraph and bool(_ECONOMIC_RE.search(sents[i - 1].text))
        return economic_before[i]

    last_named: dict[str, str] = {}  # the last source named with each head word, for "the bank said"
    figure_starts: dict[int, list[int]] = {}  # the figures of each sentence
    for _, sent, _, start, _, _, _ in found:
        figure_starts.setdefault(sent.start, []).append(start)
    records: list[dict] = []
    for m, sent, i, start, end, kind, value in found:
        ctx = contexts.get(sent.start)
        if ctx is None:
            ctx = contexts[sent.start] = _Context(sent, article.published)
            for _, _, name in ctx.sources:
                if name.lower() not in _ANAPHORS:
                    last_named[name.lower().split()[-1]] = name
        stext = sent.text
        if kind == "money":
            currency = _currency(m, ctx)
            if (currency is None or _ending_at(_PENALTY_BEFORE, stext, start)
                    or _ending_at(_PERSONAL_PAY_BEFORE, stext, start)):
                continue
            unit, indicator = currency, _money_indicator(ctx, start, end, currency)
            subject = _subject_of_money(ctx, start, end, currency)
        elif kind == "percent":
            economic = ctx.economic or (_SHARE_OF_PREVIOUS.match(stext, end) and economic_sentence_before(i))
            if not economic or ctx.vote:
                continue
            unit, currency, indicator = "percent", None, _percent_indicator(ctx, start, end)
            share_of = _SHARE_OF_PEOPLE.match(stext, end)
            subject = share_of.group("np") if share_of else _subject_of_money(ctx, start, end)
        else:
            people = _people(ctx, start, end)
            if people is None:
                continue
            subject, indicator = people
            unit, currency = "persons", None
        period = _nearest_period(ctx, start, end, figure_starts[sent.start])
        source = _nearest_source(ctx, start, end)
        source_name = source[2] if source else None
        if source_name and source_name.lower() in _ANAPHORS:
            source_name = last_named.get(source_name.lower())
        records.append({
            "subject": subject,
            "indicator": indicator,
            "value": value,
            "unit": unit,
            "currency": currency,
            "qualifier": _qualifier(stext, start),
            "period": period[2] if period else None,
            "source": source_name,
            "raw": m.group(),
            "sentence": stext,
            "char_start": m.start(),
            "char_end": m.end(),
        })
    return _first_mentions(records)


_FACT_FIELDS = ("subject", "period", "source")
_FIELD_SETS = [fields for n in range(len(_FACT_FIELDS) + 1) for fields in combinations(range(len(_FACT_FIELDS)), n)]
_FEW_FACTS = 8


def _first_mentions(records: list[dict]) -> list[dict]:
    """One fact, one record: a later mention with the same value and unit, and no conflicting subject,
    period or source (a missing one does not conflict), repeats an earlier figure."""
    kept: list[dict] = []
    facts: dict[tuple, _Facts] = {}  # the kept facts of each unit and value
    for rec in records:
        values = tuple(rec[f] for f in _FACT_FIELDS)
        same = facts.setdefault((rec["unit"], rec["value"]), _Facts())
        if not same.repeated_by(values):
            kept.append(rec)
            same.add(values)
    return kept


class _Facts:
    """The subject, period and source of the kept facts of one unit and value. Past a few, each is also filed
    under every choice of its fields, so that a figure finds one it repeats by a few look-ups, not by reading
    them all: one whose given fields each equal its own or are missing."""

    def __init__(self):
        self.values: list[tuple] = []
        self.filed: set[tuple] | None = None

    def add(self, values: tuple) -> None:
        self.values.append(values)
        if self.filed is None and len(self.values) > _FEW_FACTS:
            self.filed = set()
            for kept in self.values:
                self._file(kept)
        elif self.filed is not None:
            self._file(values)

    def _file(self, values: tuple) -> None:
        for fields in _FIELD_SETS:
            self.filed.add((fields, tuple(values[i] for i in fields)))

    def repeated_by(self, values: tuple) -> bool:
        if self.filed is None:
            return any(all(k is None or v is None or k == v for k, v in zip(kept, values)) for kept in self.values)
        given = tuple(i for i, v in enumerate(values) if v is not None)
        return any((given, choice) in self.filed for choice in product(*((values[i], None) for i in given)))
