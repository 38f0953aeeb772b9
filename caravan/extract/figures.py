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

from caravan.ingest.corpus import Article
from caravan.extract.numbers import MONTH_NAMES, WORD_NUMBERS, qualifier_before, scaled_value
from caravan.extract.caseless import caseless, holds_any, lowered
from caravan.extract.alternation import word_first
from caravan.extract.text import Span, sentences

_S = r"[^\S\n]"  # white space that stays inside a paragraph

def _may_find(pattern: re.Pattern, text: str) -> bool:
    """A cheap test before ``pattern``: whether ``text`` holds one of the words each of its matches holds (those of
    _NEEDED_WORDS), read in the folded text; true for a pattern without such words."""
    words = _NEEDED_WORDS.get(pattern)
    return words is None or holds_any(text, words)


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
_PERCENT = rf"(?P<pct>{_S}?%|(?:{_S}+|-)(?i:percent|per{_S}+cent|pct|percentage{_S}+points?)\b)"  # "an 8-percent fall"
_CANDIDATE = re.compile(
    rf"(?<![\w.,:/$€£₽-])(?:{_CURRENCY_PREFIX}{_S}?)?{_NUM}(?:{_SCALE})?(?:{_PERCENT}|{_CURRENCY_WORD})?"
    r"(?![0-9]|[.,][0-9])"
)

# Every figure holds a digit or one of these words, so the candidate pattern (slow to try at every
# position) only runs next to them.
_ANCHOR_WORDS = ("illion", "housand", "ercent", "er cent")  # (m|b|tr)illion, (t|T)housand, (p|P)ercent
# What a candidate that holds a digit opens with: a digit or the first character of a currency before the number.
_OPENS_DIGITS = re.compile("[0-9$€£₽U" + "".join(code[0] for code in _CODES.split("|")) + "]")
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
# An exchange rate written as a bare number: "the ruble fell past 100 to the dollar", "at about 93 per dollar".
_RATE_AFTER = re.compile(
    rf"(?:{_S}+(?i:rubles?|roubles?))?{_S}+(?:to|against|per){_S}+(?:the{_S}+)?(?:(?:U\.S\.|US|American){_S}+)?"
    r"(?:dollar|euro)\b"
)
_HYPOTHETICAL = re.compile(r"\b(?:[Ii]f|[Uu]nless)\b[^,;]*$")  # "if the rouble goes to 100 per dollar"
_RATE_CURRENCY = re.compile(r"\b(?:rubles?|roubles?|somoni|soms?|tenge|sums?|soums?)\b", re.IGNORECASE)
_UZBEK = re.compile(r"\bUzbek")
_KYRGYZ = re.compile(r"\bKyrgyz")

# --- People ---------------------------------------------------------------------------------------

_DEMONYMS = (
    "Tajik", "Uzbek", "Kyrgyz", "Kazakh", "Turkmen", "Central Asian", "Afghan", "Russian", "Ukrainian",
    "Belarusian", "Moldovan", "Armenian", "Azerbaijani", "Georgian", "Chinese", "Vietnamese", "Indian",
    "Pakistani", "Bangladeshi", "Nepali", "Korean", "Turkish", "Syrian", "Iranian", "Iraqi", "Sri Lankan",
)
_DEMONYM_RE = re.compile(
    r"(?:" + "|".join(re.escape(d) for d in _DEMONYMS) + r")(?:s|z)?|[A-Z][a-z]+(?:ian|ean|an|ese|ik|ek|stani)s?"
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
# Counts of documents issued to migrants (work permits, patents) are counted in persons, indicator other.
_DOCUMENT = (r"(?P<doc>(?:(?i:work|residence|temporary|permanent|labou?r|employment|entry)" + _S
             + r"+){0,2}(?i:permits|patents|visas))\b")
_DOCUMENTS_AFTER = re.compile(rf"{_S}+(?:(?:were|are){_S}+)?{_DOCUMENT}")
_NUMBER_OF_DOCUMENTS = re.compile(
    rf"\b(?i:number|total)\s+of\s+{_DOCUMENT}(?P<gap>[^.;!?]{{0,100}}?)\s*"
    r"\b(?:is|are|was|were|reached|reaches|hit|topped|exceeded|exceeds|totals|numbered|numbers|stands\s+at"
    r"|(?:\w+ed|risen|grown|fallen|rose|fell|grew|stood)\s+(?:to|at|from)|at|to|from)\s*$"
)
_POPULATION_OF = re.compile(
    r"\b(?P<migrant>(?:migrant|immigrant)\s+)?population\s+(?:of|is|was|stood\s+at|reached|at)\s*$", re.IGNORECASE
)
_COUNTRY_OF_PEOPLE = re.compile(r"\b(?:country|nation)\s+of\s*$", re.IGNORECASE)
# Counts of people harmed, held or expelled belong to incidents, not to economic figures.
_EVENT_RE = re.compile(
    r"\b(?:kill|dead|died|death|injur|wound|hurt|arrest|detain|detention|victim|deport|expel|expuls|evacuat"
    r"|hospitali|missing|casualt|attend|rall(?:y|ied)|protest|petition|signed|raid|rounded\s+up|fined|denied\s+entry"
    r"|checked|inspect|screened|searched|questioned|stuck|stranded|held\s+at|kept\s+at|allowed\s+into"
    r"|barred|hostage)",
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
# A flow of people, not a stock: "leave the country every year", "entered Russia in the first quarter".
_FLOW = re.compile(
    r"\b(?:every|each|a|per)\s+(?:year|month)\b|\bannually\b|\b(?:enter|entered|enters|entering)\b",
    re.IGNORECASE,
)
# People something is done to are not a population: "were helped to return home", "be prepared for jobs".
_ACTED_ON_AFTER = re.compile(
    r"\s+(?:who\s+)?(?:were|was|are|is|be|been|have\s+been|has\s+been|had\s+been)\s+(?!(?:registered|employed|based"
    r"|estimated|counted|recorded|believed|thought|expected|reported|said|located|settled|stationed)\b)\w+ed\b",
    re.IGNORECASE,
)
_ACTED_ON_BEFORE = re.compile(
    r"\b(?:removed|helped|assisted|trained|prepared|returned|repatriated|recruited|hired|struck|taken)\s+$",
    re.IGNORECASE,
)
# The size of a poll, and workers lacking or needed, are counts of people but not a population.
_POLL_OR_SHORTAGE = re.compile(
    r"\b(?:poll|polled|survey|surveyed|respondents|short|shortage|shortfall|needs|needed|lack|lacks|deficit)\b",
    re.IGNORECASE,
)
_MIN_PEOPLE = 1000  # smaller counts of people are incident details ("three Tajik migrants"), not statistics
# ... unless they follow a statistic in its sentence: "4,120 were helped, and 215 migrants got back wages".
_SMALL_AFTER_STATISTIC = 10
# A number the people it counts follow in a list: "with 42,000 and 37,000 people respectively".
_BEFORE_LISTED = re.compile(rf",?{_S}*(?:and|&|or){_S}+|,{_S}*")
_TO_BEFORE = re.compile(r"\bto\s+$")
_PARTICIPLE_AFTER = re.compile(rf"{_S}+(?:working|living|employed|residing|staying)\b")
_COMPARED_WITH = re.compile(r"\b(?:below|above|than|from|versus|against|compared\s+(?:with|to))\s+(?:the\s+)?$")
# "the net gain from people moving to Russia was 83,500": the balance of people who came and left.
_NET_MIGRATION = re.compile(
    r"\b(?P<flow>net\s+(?:gain|inflow|outflow|migration|loss|increase|decrease)\s+(?:from|of|in)\s+(?:people|persons"
    r"|migrants|migration|residents|foreigners)\b[^.;!?]{0,80}?)\s+(?:was|were|is|stood\s+at|reached|totall?ed"
    r"|amounted\s+to)\s+$", re.IGNORECASE)
_THAT_NUMBER = re.compile(r"\b(?i:that|this|the)\s+(?:number|figure|total|count)\b[^.;!?]{0,40}\b(?:to|at|was|is)\s+$")
_OF_THEM_AFTER = re.compile(rf"{_S}+of{_S}+(?:them|these|those)\b")
# A number that leaves out the people it counts, named by a count before it: "and 9,000 in Poland".
_ELLIPTIC_AFTER = re.compile(rf"(?:,?{_S}*(?:and|while|whereas|but)|,){_S}+(?:(?:about|some|over|nearly|almost|around)"
                             rf"{_S}+)?$")
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


def _alternatives(names: list[str]) -> str:
    """The alternation of ``names`` (longest first) with their common beginnings factored out: "R(?:ussia|wanda)".
    It matches what the plain one matches, in the same order: of the names that match at one place, both try the
    longest first. Where the plain one tries every name, the factored one reads a letter or two."""
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[:1], []).append(name[1:])
    return "|".join(re.escape(first + rests[0]) if len(rests) == 1 else f"{re.escape(first)}(?:{_alternatives(rests)})"
                    for first, rests in by_first.items())


_COUNTRY_NAMES = _country_names()
_COUNTRY = f"(?:{_alternatives(_COUNTRY_NAMES)})"
# A name that stands alone: no letter, digit, "_" or "-" either side. The check of the character before comes
# after the first letter, so that the pattern opens with a letter and a search skips at once to one that may start
# a name.
_COUNTRY_MENTION = re.compile("(?:" + "|".join(
    f"{re.escape(first)}(?<![\\w-].)(?:{_alternatives([n[1:] for n in _COUNTRY_NAMES if n[0] == first])})"
    for first in dict.fromkeys(n[0] for n in _COUNTRY_NAMES)) + r")(?![\w-])")
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
    r"|(?:sent|send|sends|sending)\s+(?:back\s+)?home|transfers?\s+home)",
    re.IGNORECASE,
)
# Migrants who send money: "Labor migrants sent $5.8 billion to Tajikistan".
_SEND_RE = re.compile(r"\b(?:sent|send|sends|sending)\b", re.IGNORECASE)
# A sentence that goes on about money named before: "they came to $1.46 billion", "the 2024 total equaled ...".
_REFERS_BACK = re.compile(
    r"\b(?:they|them|their|the\s+(?:[0-9]{4}\s+)?(?:total|sum|amount|figure|inflows?|transfers?)|transfers|inflows)\b",
    re.IGNORECASE,
)
_TOPIC_REACH = 3  # sentences a topic carries over by reference
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
_SHARE_OF_GDP_BEFORE = re.compile(
    rf"\b(?:share|proportion|percentage|ratio)\s+of\s+(?:\S+\s+){{0,2}}?(?:to\s+)?{_GDP}\b", re.IGNORECASE)
# "31.2% and 50.9% of gross domestic product": the shares listed before the last share the "of GDP".
# "more than a third of Tajikistan's GDP": a share written as a fraction, in percent.
_FRACTIONS = {"a third": 33.33, "one third": 33.33, "two third": 66.67, "a quarter": 25.0, "one quarter": 25.0,
              "three quarter": 75.0, "half": 50.0, "a half": 50.0, "one half": 50.0}
_FRACTION_OF_GDP = re.compile(
    r"\b(?P<frac>(?i:(?:a|one|two|three)[\s-](?:thirds?|quarters?)|(?:a\s+|one[\s-])?half))"
    r"(?=\s+of\s+(?:[\w’'-]+\s+){0,3}(?:GDP|gross\s+domestic\s+product)\b)"
)
_FRACTION_REACH = 70  # how far before "GDP" its fraction may start: "two-thirds of the country's annual "


def _fractions_of_gdp(text: str) -> list[re.Match]:
    """The fractions of GDP in the text, read only just before each mention of GDP (a scan of the whole
    text with the pattern costs more than all the rest)."""
    found: dict[int, re.Match] = {}
    for word in ("GDP", "domestic product"):
        at = text.find(word)
        while at != -1:
            low = max(0, at - _FRACTION_REACH)
            if _may_find(_FRACTION_OF_GDP, text[low:at]):
                for m in _FRACTION_OF_GDP.finditer(text, low, at + len(word)):
                    found.setdefault(m.start(), m)
            at = text.find(word, at + 1)
    return list(found.values())


_LISTED_PERCENTS = re.compile(rf"(?:(?:,?{_S}*(?:and|&){_S}+|,{_S}*)[0-9]+(?:\.[0-9]+)?(?:{_S}?%|{_S}+percent))+")
_ECONOMIC_RE = re.compile(
    r"\b(?:remit|GDP|gross\s+domestic|econom|income|wage|salar|pay\b|price|inflation|budget|growth|grew|rubles?|roubles?"
    r"|currenc|dollar|export|import|trade|revenue|invest|employ|unemploy|labou?r|worker|migra|immigra|emigra"
    r"|population|poverty|poor|tax|cost|debt|transfer|money|fund|bank|market|spending|earn|output|production"
    r"|interest\s+rate|households?|share|jobs?|business|sector|foreign|patent|permit|nationals|work)",
    re.IGNORECASE,
)


_ECONOMIC_FOLDED = lowered(_ECONOMIC_RE)
_VOTE_RE = re.compile(r"\b(?:vote[sd]?|voting|ballots?|turnout|elect)", re.IGNORECASE)


def _economic(text: str) -> bool:
    """Whether ``_ECONOMIC_RE`` finds a word in ``text``: its lower-case copy searched in the folded text, at half
    the cost."""
    return _ECONOMIC_FOLDED.search(caseless(text)) is not None

# --- Periods --------------------------------------------------------------------------------------

_MONTHS = MONTH_NAMES
_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(_MONTHS, 1)}  # looked up by caseless: "Aprİl" is April
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_MONTH_NAME = re.compile(_MONTH)  # a scan for any of them, quicker than a test of each
_YEAR = r"(?:19[5-9][0-9]|20[0-9]{2})"
_RELATIVE_PERIOD = re.compile(
    rf"\b(?:(?:in\s+)?(?P<lastyearmon>{_MONTH})\s+(?:of\s+)?last\s+year"  # "In May last year"
    rf"|last\s+(?P<lastmon>{_MONTH})"  # "as of last September": the latest September before publication
    r"|(?P<last>(?:last|the\s+previous|the\s+preceding)\s+year)"
    r"|(?P<this>(?:this|the\s+current)\s+year|of\s+the\s+year(?!\s+[0-9])"  # "in the first half of the year"
    r"|(?:past|last)\s+(?:12|twelve)\s+months"
    r"|in\s+the\s+(?:first|second|third|fourth)\s+(?:quarter|half|(?:[0-9]+|six|nine|eleven)\s+months)(?!\s+of\b))"
    r"|(?P<now>now|currently|at\s+present|nowadays)"  # what holds at publication
    r"|(?P<thismonth>this\s+(?:week|month))"
    r"|(?P<ago>(?P<n>two|three|four|five|[2-9])\s+years\s+ago)|(?P<lastmonth>last\s+month)"
    r"|(?P<before>(?:a|the|one)\s+year\s+(?:earlier|before))"  # the year before the sentence's period
    r")\b",
    re.IGNORECASE,
)
# Words one of which every relative period holds: a cheap test before the pattern.
_RELATIVE_REACH = 25  # how far a relative period reaches either side of its hint word: "in the first nine "
_RELATIVE_HINT = re.compile(r"\b(?:years?|months|month|now|currently|present|nowadays|week|last|quarter|half)\b",
                            re.IGNORECASE)
# Both as they read the folded text.
_RELATIVE_PERIOD_FOLDED = lowered(_RELATIVE_PERIOD)
_RELATIVE_HINT_FOLDED = lowered(_RELATIVE_HINT)
# Spans of several years have no single period ("in recent years", "over the past 17 years"): a figure
# there gets none, and does not take one from elsewhere in the sentence.
_SEVERAL_YEARS = re.compile(
    r"\b(?:(?:in|over|during|for)\s+(?:the\s+)?(?:recent|past|last)\s+"
    r"(?:(?:few|several|[0-9]+|two|three|four|five|six|seven|eight|nine|ten)\s+)?years|in\s+recent\s+years"
    r"|over\s+the\s+years)\b",
    re.IGNORECASE,
)
# The base of a comparison is not the period of the figure compared: "40% more than in 2020", "up 9% from a
# year earlier", "the highest since ... in 1996".
_COMPARISON_BEFORE = re.compile(r"\b(?:than|from|with|compared\s+to|versus|vs\.?|against)\s+$", re.IGNORECASE)
_SINCE_IN_CLAUSE = re.compile(r"\b[Ss]ince\b[^,;:—–()]*$")
_SINCE_BEFORE = re.compile(r"\b[Ss]ince\s+$")
_SINCE_OR_BY_BEFORE = re.compile(r"\b(?:[Ss]ince|[Bb]y)\s+$")
_YEAR_NUMBER = re.compile(rf"{_YEAR}(?![0-9])")
# What makes a year a period: "in 2023", "for 2023", "January 2024", "January-March 2024", "between January and
# September 2024", "2023's", "2023 data", "the 2024 total".
_YEAR_LEAD = re.compile(
    rf"(?:\b(?P<prep>(?i:in|for|during|throughout|of|by|as\s+of|fiscal))\s+(?:the\s+year\s+)?"
    rf"|\b(?P<range>(?:(?i:between|from)\s+)?{_MONTH}(?:\s*[-–]\s*|\s+(?:and|to|through|until)\s+){_MONTH}\s+)"
    rf"|\b(?P<mon>{_MONTH})\s+(?:[0-9]{{1,2}},?\s+)?)$"
)
# "in 2015, 2016 and 2020": a list of years is no single period.
_YEAR_LIST_AFTER = re.compile(rf"(?:(?:,\s*|\s+(?:and|or)\s+){_YEAR}(?![0-9]))+")
# "in April" with no year: the latest April up to the publication date.
_BARE_MONTH = re.compile(
    rf"\b(?i:in|during|for|by|through|as\s+of)\s+(?:early\s+|late\s+|mid-)?(?P<mon>{_MONTH})\b(?!\s*[0-9])"
    rf"(?:\s*[-–]\s*(?P<to>{_MONTH})\b(?!\s*[0-9]))?"  # "in January-June": the months of a year
)
_YEAR_TRAIL = re.compile(r"['’]s\b|\s+(?:data|figures|statistics|estimates|total|figure|level)\b")
_YEAR_RANGE_AFTER = re.compile(r"\s*[-–]\s*[0-9]")
_CLAUSE_BREAK = re.compile(r"[,;:—–()]")
_TWO_WORD_CHARS = re.compile(r"\w\w")
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
_DATA_LIST = ("data", "figures", "statistics", "estimates", "numbers", "calculations", "report", "survey", "poll", "study")
_DATA = "(?:" + "|".join(_DATA_LIST) + ")"
_ACCORDING_TO = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?:(?:latest|recent|new|official|preliminary)\s+)*"
    rf"(?:{_DATA}\s+(?:from|by|of|published\s+by|released\s+by)\s+(?:the\s+)?)?"
    r"(?P<src>[^,.;:—–()“”\"\n]+?)(?=\s*(?:[,.;:—–()“”\"]|$)|\s+(?:which|that|who|while|whereas|as|in|for|on|published"
    r"|released|show|shows)\b)"
)


# Each with the words one of which it needs: a cheap test before it.
_ORG_AFTER = (
    (re.compile(rf"{word_first(_DATA_LIST)}\s+(?:from|by|of|published\s+by|released\s+by)\s+(?:the\s+)?"
                rf"(?P<src>{_ORG})"), _DATA_LIST),
    (re.compile(rf"{word_first(('said', 'reported', 'estimated'))}\s+(?:the\s+)?(?P<src>{_ORG})"),
     ("said", "reported", "estimated")),
)
# A cited body named just before these words: "the World Bank said", "UN figures", "Rosstat data show".
_ORG_CUE_WORDS = ("said says reported reports estimated estimates calculated showed shows show found noted announced "
                  "recorded projects projected forecasts forecast predicts predicted expects counted counts registered "
                  "data figures statistics").split()
_ORG_CUE = re.compile(word_first(_ORG_CUE_WORDS) + r"\b")
# Words one of which every source other than "according to" needs: a cheap test before the patterns.
_ORG_HINTS = ("said", "says", "report", "estimat", "calculated", "show", "found", "noted", "announced", "recorded",
              "project", "forecast", "predict", "expects", "count", "registered", "data", "figures", "statistics")
_DATA_WORDS = frozenset(_DATA_LIST)
_ORG_LOWER_WORDS = {"central", "national", "bank", "fund", "statistics", "statistical", "agency", "office", "committee",
                    "service", "bureau", "interior", "labour", "labor", "economy", "economic", "finance", "foreign",
                    "migration", "ministry", "government"}
# "the bank said" after "the World Bank said": the head noun refers back to a source named before.
_ANAPHORS = {"bank", "ministry", "agency", "fund", "committee", "service", "office", "bureau"}
_DOTTED_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}")
_ORG_WORD = re.compile(
    r"\b(?:Bank|Ministry|Service|Agency|Office|Committee|Fund|Organi[sz]ation|Institute|Cent(?:er|re)|University"
    r"|Statistics|Commission|Council|Department|Bureau|Government|Nations|Union|Federation|Directorate|Inspectorate)\b"
    r"|[A-Z][a-z]*stat\b|\b[A-Z]{2,6}\b|" + _ORG_HEAD,
)
# What may follow a source's name: "'s", then words like "latest", then a word like "data" ("the bank's latest data").
_TRAIL_WORDS = ("latest", "recent", "new", "official", "preliminary", "annual")
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

    def __init__(self, sent: Span, published: str | None, remittance_topic):
        text = sent.text
        self.sent = sent
        self._remittance_topic = remittance_topic  # worked out from the sentences before, where needed
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
        self._flows: dict[int, tuple[int, int | None]] = {}  # clause end -> (searched from, first _FLOW match there)

    def _in_source(self, pos: int) -> bool:
        i = bisect.bisect_right(self.source_starts, pos) - 1  # sources do not overlap
        return i >= 0 and pos < self.source_ends[i]

    @_once
    def remittance_topic(self) -> bool:
        return self._remittance_topic()

    @_once
    def economic(self) -> bool:
        return _economic(self.sent.text)

    @_once
    def vote(self) -> bool:
        return _may_find(_VOTE_RE, self.sent.text) and bool(_VOTE_RE.search(self.sent.text))

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

    def flow_in_clause(self, pos: int) -> bool:
        """``_FLOW.search(text[pos:clause end])``: a yearly flow named in the rest of the clause. The first match at or
        after a position is kept per clause, so that the many figures of one clause do not each read it to its end."""
        text = self.sent.text
        end = self.next_break(pos)
        end = len(text) if end is None else end
        # The slice makes ``pos`` a word's start for \b even inside a word; re's pos does not: a match there is read
        # on the slice (its \b needs a letter at ``pos`` either way).
        if pos and _TWO_WORD_CHARS.match(text, pos - 1) and _FLOW.match(text[pos:end]):
            return True
        found = self._flows.get(end)
        if found is None or found[0] > pos or (found[1] is not None and found[1] < pos):
            m = _FLOW.search(text, pos, end)
            found = self._flows[end] = (pos, m.start() if m else None)
        return found[1] is not None

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
        name = _LEADING_THE.sub("", _without_trail(name).strip())
        if name and len(name) <= 80 and _is_source(name, named_person_ok) and not overlaps(start, end):
            bisect.insort(found, (start, end, name))

    if "ccording to" in text:
        for m in _ACCORDING_TO.finditer(text, max(0, text.find("ccording") - 1)):  # none starts before the first
            add(*m.span("src"), m.group("src"), True)
    if not any(hint in text for hint in _ORG_HINTS):
        return sorted(found)
    for pattern, words in _ORG_AFTER:
        if any(word in text for word in words):
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


def _without_trail(name: str) -> str:
    """The name without the words of _TRAIL_WORDS and _DATA_LIST that end it (white space before each), nor the
    "'s" before them, nor white space: read from the end, word by word (a pattern anchored at the end is tried
    at every character of the name, which cost more than the rest of reading the source). No word of either
    list ends another, so that the first that ends the text is the one to take off."""
    rest = _without_last_word(name.rstrip(), _DATA_LIST)
    while len(shorter := _without_last_word(rest, _TRAIL_WORDS)) < len(rest):
        rest = shorter
    return rest[:-2] if rest.endswith(("'s", "’s")) else rest


def _without_last_word(text: str, words: tuple[str, ...]) -> str:
    """``text`` without the first of ``words`` that ends it after white space, and that white space; else ``text``."""
    for word in words:
        if text.endswith(word) and text[:-len(word)][-1:].isspace():
            return text[:-len(word)].rstrip()
    return text


def _after_the(text: str, pos: int) -> bool:
    """Whether "the" ends the text before ``pos`` (white space aside)."""
    while pos and text[pos - 1].isspace():
        pos -= 1
    return text.endswith("the", 0, pos)


def _org_before(text: str, pos: int) -> tuple[int, int, str] | None:
    """The name of a body that ends just before ``pos``, walking back over its words."""
    low = max(0, pos - 120)
    # The words are split in C and placed only as far back as they are read: the last place of a word (it holds
    # no white space) before the word after it is its own.
    words = text[low:pos].split()
    if low and words:
        words = words[1:]  # may be cut
    data_word, limit = None, pos
    if words and words[-1].lower() in _DATA_WORDS:
        word = words.pop()
        limit = text.rfind(word, low, limit)
        data_word = (limit, limit + len(word), word)
    taken: list[tuple[int, int, str]] = []
    for word in reversed(words):
        start = limit = text.rfind(word, low, limit)
        if not taken:
            bare = _POSSESSIVE_END.sub("", word)  # "the World Bank's data"
        else:
            bare = word
        end = start + len(bare)
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
    return [(m.start(), m.end(), m.group()) for m in _COUNTRY_MENTION.finditer(text)]


def _published_year(published: str | None) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None


def _periods(text: str, published: str | None) -> list[tuple[int, int, str | None, bool]]:
    """Period expressions as (start, end, YYYY or YYYY-MM or None, whether it binds to a figure just before
    it); relative ones resolve against the publication date. None marks a span of several years ("in recent
    years", "in 2015, 2016 and 2020"): no single period. The base of a comparison ("than in 2020") is left out."""
    year = _published_year(published)
    out = _year_periods(text)
    months = _bare_month_periods(text, published, year) if year and _MONTH_NAME.search(text) else []
    folded = caseless(text) if year else ""
    hint = (_RELATIVE_HINT_FOLDED.search(folded)
            if year and any(word in folded for word in _NEEDED_WORDS[_RELATIVE_HINT]) else None)
    if hint:
        relative = _relative_periods(text, published, year, out + months, hint.start(), folded)
        # "In May" of "In May last year" is read once, with its year.
        out += relative + [p for p in months if not any(r[0] <= p[0] < r[1] for r in relative)]
    else:
        out += months
    if "years" in text:
        out += [(m.start(), m.end(), None, True) for m in _SEVERAL_YEARS.finditer(text)]
    return sorted(p for p in out if not _comparison_base(text, p[0]))


def _comparison_base(text: str, start: int) -> bool:
    """Whether the period starting at ``start`` is what a figure is compared with ("than in 2020")."""
    if _COMPARISON_BEFORE.search(text, max(0, start - 15), start):
        return True
    # "the highest since records began in 1996"; "since January 1, 2025" itself is when a figure holds from.
    clause = max(0, start - 60)
    return (text.find("ince", clause, start) >= 0 and bool(_SINCE_IN_CLAUSE.search(text, clause, start))
            and not _SINCE_BEFORE.search(text, clause, start))


def _year_periods(text: str) -> list[tuple[int, int, str | None, bool]]:
    out = []
    list_end = 0
    for m in _YEAR_NUMBER.finditer(text):
        start, end = m.span()
        if start < list_end or (start and (text[start - 1].isalnum() or text[start - 1] in "$€£₽.,-")):
            continue
        lead = _YEAR_LEAD.search(text, max(0, start - 30), start)
        if lead and lead.group("prep") and not _YEAR_RANGE_AFTER.match(text, end):
            years = _YEAR_LIST_AFTER.match(text, end)
            if years:
                list_end = years.end()
                out.append((lead.start(), list_end, None, True))
            else:
                out.append((lead.start(), end, m.group(), True))
        elif lead and lead.group("range"):
            out.append((lead.start(), end, m.group(), True))
        elif lead and lead.group("mon"):
            if _SINCE_OR_BY_BEFORE.search(text, max(0, lead.start() - 10), lead.start()):
                # "since January 1, 2025": the year it holds in; "by December 2024": the year's total so far
                out.append((lead.start(), end, m.group(), True))
            else:
                out.append((lead.start(), end, f"{m.group()}-{_MONTHS.index(lead.group('mon')) + 1:02d}", True))
        elif _YEAR_TRAIL.match(text, end):
            out.append((start, end, m.group(), False))
    return out


def _bare_month_periods(text: str, published: str, year: int) -> list[tuple[int, int, str, bool]]:
    out = []
    for m in _BARE_MONTH.finditer(text):
        month = _MONTHS.index(m.group("to") or m.group("mon")) + 1
        if len(published) >= 7:
            y = year if month <= int(published[5:7]) else year - 1
            out.append((m.start(), m.end(), str(y) if m.group("to") else f"{y}-{month:02d}", True))
        else:
            out.append((m.start(), m.end(), str(year), True))  # never more precise than the publication date
    return out


def _relative_matches(text: str, first_hint: int = 0, folded: str | None = None) -> list[re.Match]:
    """_RELATIVE_PERIOD's matches, each read only near one of its hint words (the pattern is slow to try at
    every position of a sentence); the first hint word is at or after ``first_hint``. Both patterns are searched in
    lower case in the folded text (``folded``: ``caseless(text)``), where they find what they find in the text, at
    the same places, faster; the match is then taken from the text at its place."""
    folded = caseless(text) if folded is None else folded
    found: list[re.Match] = []
    last_end = 0
    for hint in _RELATIVE_HINT_FOLDED.finditer(folded, first_hint):
        if hint.start() < last_end:
            continue
        end = hint.end() + _RELATIVE_REACH
        at = _RELATIVE_PERIOD_FOLDED.search(folded, max(last_end, hint.start() - _RELATIVE_REACH), end)
        if at:
            m = _RELATIVE_PERIOD.match(text, at.start(), end)
            found.append(m)
            last_end = m.end()
    return found


def _relative_periods(text: str, published: str, year: int, absolute: list, first_hint: int = 0,
                      folded: str | None = None) -> list[tuple[int, int, str, bool]]:
    """Periods relative to the publication date, or ("a year earlier") to the sentence's period before them."""
    out: list[tuple[int, int, str, bool]] = []
    pub_month = int(published[5:7]) if len(published) >= 7 else None
    for m in _relative_matches(text, first_hint, folded):
        if m.group("lastyearmon"):
            mon = _MONTH_NUMBERS[caseless(m.group("lastyearmon"))]
            period = f"{year - 1}-{mon:02d}"
        elif m.group("lastmon"):
            mon = _MONTH_NUMBERS[caseless(m.group("lastmon"))]
            period = f"{year if pub_month and mon < pub_month else year - 1}-{mon:02d}"
        elif m.group("last"):
            period = str(year - 1)
        elif m.group("this") or m.group("now"):
            period = str(year)
        elif m.group("thismonth"):
            period = f"{year}-{pub_month:02d}" if pub_month else str(year)
        elif m.group("ago"):
            n = m.group("n").lower()
            period = str(year - (int(n) if n.isdigit() else ("two", "three", "four", "five").index(n) + 2))
        elif m.group("before"):
            earlier = [p for p in absolute + out if p[1] <= m.start() and p[2]]
            if not earlier:
                continue
            period = str(int(max(earlier)[2][:4]) - 1)
        elif pub_month:  # last month
            period = f"{year - 1}-12" if pub_month == 1 else f"{year}-{pub_month - 1:02d}"
        else:
            continue
        out.append((m.start(), m.end(), period, True))
    return out


_AS_OF = re.compile(r"as\s+of\b", re.IGNORECASE)
_AS_OF_BEFORE = re.compile(r"\bas\s+of\s+$", re.IGNORECASE)


def _nearest_period(ctx: _Context, start: int, end: int, figure_starts: list[int]):
    """The period bound to the figure at [start, end): right after it in the same clause ("$2 billion in
    2023"; not "a 20% drop on 2022's record"), else the nearest before it, else the nearest after it; never
    one with another figure (of ``figure_starts``, the sentence's) in between ("27% more than the $4.6 billion
    of the year before")."""
    spans, text = ctx.periods, ctx.sent.text
    i = bisect.bisect_left(ctx.period_starts, end)
    after = spans[i] if i < len(spans) else None
    k = bisect.bisect_left(figure_starts, end)
    if after and k < len(figure_starts) and figure_starts[k] < after[0] and not _LIST_JOIN.fullmatch(
            text, end, figure_starts[k]):  # "31% and 51% of GDP respectively in 2022" share the period
        after = None
    if (after and after[3] and not _CLAUSE_BREAK.search(text, end, after[0])
            and (after[0] - end <= 50 or _AS_OF.match(text, after[0])
                 or _AS_OF_BEFORE.search(text, max(0, after[0] - 8), after[0]))):
        return after  # "as of <date>" names when its clause's figures hold, however far they are
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
    return after


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
    return "remittances_usd" if ctx.remittance_topic else "other"


def _about_remittances(text: str) -> bool:
    return bool(_REMITTANCE_RE.search(text) or (
        (_TRANSFER_RE.search(text) or _SEND_RE.search(text)) and _MIGRANT_RE.search(text)))


def _percent_indicator(ctx: _Context, start: int, end: int) -> str:
    # A "share of GDP" before the figure: the sentence's first one ends before it when any does.
    listed = _LISTED_PERCENTS.match(ctx.sent.text, end)
    if ctx.remittance_topic and (_SHARE_OF_GDP_AFTER.match(ctx.sent.text, listed.end() if listed else end) or (
            ctx.share_of_gdp_end is not None and ctx.share_of_gdp_end <= start)):
        return "remittances_share_of_gdp"
    return "other"


def _documents(ctx: _Context, start: int, end: int) -> tuple[str, str] | None:
    """Subject and indicator of a count of documents ("6,500 work permits", "the number of patents ... fell
    to 1.6 million"), if it is one."""
    text = ctx.sent.text
    after = _DOCUMENTS_AFTER.match(text, end)
    if after:
        return after.group("doc"), "other"
    number_of = _ending_before_figure(_NUMBER_OF_DOCUMENTS, text, start, _NUMBER_OF_LOOKBACK)
    return (number_of.group("doc"), "other") if number_of else None


def _rate_currency(text: str, before: str) -> str | None:
    """The currency whose exchange rate a bare number gives: the one the sentence, or else the one before it, names."""
    for words in (text, before):
        named = _RATE_CURRENCY.search(words)
        if named:
            word = named.group().lower().rstrip("s")
            return _WORD_CURRENCY.get(word)
    return None


def _is_demonym(word: str) -> bool:
    return bool(_DEMONYM_RE.fullmatch(word))


def _people(ctx: _Context, start: int, end: int, migrants: bool = False) -> tuple[str, str] | None:
    """Subject and indicator of a count of people at [start, end) of the sentence, if it is one; with
    ``migrants``, the sentence goes on counting migrants, and "people" or "workers" are migrants."""
    text = ctx.sent.text
    np_match = _PEOPLE_AFTER.match(text, end)
    if np_match:
        np, noun, np_end = np_match.group("np"), np_match.group("noun"), np_match.end("np")
        if noun[0].isupper() and noun not in ("Kyrgyz", "Turkmen", "Chinese", "Vietnamese") and not _is_demonym(noun):
            return None
        if noun.lower() == "people" and _ending_before_figure(_COUNTRY_OF_PEOPLE, text, start):
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
        elif net := _ending_at(_NET_MIGRATION, text, cut):
            return net.group("flow"), "other"  # a balance of arrivals and departures, not a population
        else:
            return None
    window = text[max(0, start - 60): min(len(text), np_end + 60)]
    if _EVENT_RE.search(window):
        return None
    if _may_find(_POLL_OR_SHORTAGE, window) and _POLL_OR_SHORTAGE.search(window):
        return _group_of(np, text, np_end), "other"  # "a poll of 20,000 workers", "200,000 workers short"
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
    if not migrant and not migrants:
        # "people", "workers", "residents" count as migrants only where the words around say so.
        # Or just before: "the main destinations for Kyrgyz migrants, with 42,000 and 37,000 people".
        clause_end = ctx.next_break(np_end)
        if not (_MIGRANT_RE.search(text, np_end, min(clause_end if clause_end is not None else len(text), np_end + 80))
                or _MIGRANT_RE.search(text, max(0, start - 60), start)):
            return None
    return _with_location(ctx, group, start, np_end), _people_indicator(ctx, start, np_end)


def _listed_people(ctx: _Context, start: int, end: int, listed: tuple | None, before: dict | None):
    """Subject and indicator of a number in a list of counts of people that names them once: before it
    ("42,000 and 37,000 people respectively") or, with only a place or what they do, after the count before it
    ("31,000 Armenians live in France and 9,000 in Poland", "out of 2 million working abroad")."""
    text = ctx.sent.text
    after = _BEFORE_LISTED.match(text, end)
    if after and listed and listed[1] is ctx.sent and listed[3] == after.end() and listed[5] in ("people", "few"):
        people = _people(ctx, listed[3], listed[4])
        if people:
            return people
    if not before or before["unit"] != "persons" or _PEOPLE_AFTER.match(text, end):
        return None
    if _ending_at(_ELLIPTIC_AFTER, text, start, 40) or _PARTICIPLE_AFTER.match(text, end):
        group = before["subject"].split(" in ")[0] if before["subject"] else None
        return _with_location(ctx, group, start, end) if group else None, before["indicator"]
    # The same people again: "from 1.2 million in 2022 to 1.1 million", "below the 90,000 of 2022", "that
    # number fell to 90,000", "12,000 of them".
    cut = _without_qualifier(text, start)
    earlier = before["char_start"] - ctx.sent.start
    if ((_ending_at(_TO_BEFORE, text, cut, 12) and _FROM_BEFORE.search(text, max(0, earlier - 6), earlier))
            or _ending_at(_COMPARED_WITH, text, start, 30) or _ending_at(_THAT_NUMBER, text, cut)
            or _OF_THEM_AFTER.match(text, end)):
        return before["subject"], before["indicator"]
    return None


def _group_of(np: str, text: str, np_end: int) -> str:
    """The people counted, with where they come from: "workers from Central Asia"."""
    origin = _FROM_AFTER.match(text, np_end)
    return text[np_end - len(np):origin.end()] if origin else np


def _people_indicator(ctx: _Context, start: int, np_end: int) -> str:
    """migrant_population for the migrants living or registered in a country; other for a yearly flow ("leave
    every year", "entered Russia"), and for people something was done to ("were helped", "removed 160,000")."""
    text = ctx.sent.text
    if ctx.flow_in_clause(np_end) or _ACTED_ON_AFTER.match(text, np_end):
        return "other"
    if _ending_before_figure(_ACTED_ON_BEFORE, text, start):
        return "other"
    return "migrant_population"


def _without_qualifier(text: str, start: int) -> int:
    """Where the text before ``start`` ends once the qualifier that ends it ("more than") is left out."""
    qualifier = qualifier_before(text, start)
    return start - qualifier[1] if qualifier else start


def _ending_at(pattern: re.Pattern, text: str, end: int, lookback: int = _LOOKBACK) -> re.Match | None:
    """``pattern.search(text[:end])`` for a pattern anchored at its end ($), read from ``lookback`` characters
    before ``end`` (white space just before it aside): every figure of a long sentence would otherwise
    read it again from its start. The cheap test reads the same characters only: on the whole sentence, a
    sentence of many figures was read once per figure."""
    stop = end
    while stop and text[stop - 1].isspace():
        stop -= 1
    start = max(0, stop - lookback)
    return pattern.search(text, start, end) if _may_find(pattern, text[start:end]) else None


def _ending_before_figure(pattern: re.Pattern, text: str, start: int, lookback: int = _LOOKBACK) -> re.Match | None:
    """``_ending_at`` the end of the text before the figure at ``start`` once its qualifier is left out."""
    return _ending_at(pattern, text, _without_qualifier(text, start), lookback)


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
        # The leftmost candidate that holds the anchor; candidates start at a word start or a currency sign, and
        # one that holds a digit at a digit or a currency sign (a number in words is followed by no digit).
        lo = max(last_end, anchor - reach)
        if reach != _DIGIT_REACH:
            starts = range(lo, anchor + 1)
        elif _OPENS_DIGITS.search(text, lo, anchor):
            starts = [m.start() for m in _OPENS_DIGITS.finditer(text, lo, anchor)] + [anchor]
        else:
            starts = (anchor,)  # mostly: a word or white space before the number
        for pos in starts:
            if pos != anchor and pos and (text[pos - 1].isalnum() or text[pos - 1] in "_.,:/-"):
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
    if not found and _PASSED_BEFORE.search(window):
        return "over"  # "had topped 800,000": more than it
    return found[0] if found else "exact"


_PASSED_BEFORE = re.compile(r"\b(?:topped|exceeded|surpassed)\s+$")
# "had previously topped 800,000": an earlier time the sentence does not name, not the sentence's period.
_EARLIER_UNNAMED = re.compile(r"\b(?:previously|formerly)\s+(?:\w+\s+){0,2}$")


def extract_figures(article: Article) -> list[dict]:
    """Economic figures of the article in text order, one record per fact (see the module docstring)."""
    text = article.text
    matches = _candidates(text)
    fractions = _fractions_of_gdp(text)
    if fractions:
        matches = sorted(matches + fractions, key=lambda m: m.start())
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
        if m.re is _FRACTION_OF_GDP:
            share = _FRACTIONS.get(" ".join(m.group("frac").lower().replace("-", " ").split()).removesuffix("s"))
            if share:
                found.append((m, sent, i, m.start() - sent.start, m.end() - sent.start, "percent", share))
            continue
        number = m.group("num")
        scale = m.group("scale") or m.group("abbr") or m.group("short")
        kind = "money" if (m.group("pre") or m.group("cur")) else "percent" if m.group("pct") else "people"
        if kind == "people" and not scale:
            if _RATE_AFTER.match(text, m.end()):
                kind = "rate"  # "the ruble fell past 100 to the dollar"
            elif "," not in number and _YEAR_LIKE.fullmatch(number):
                continue  # before its value is worked out: years are many
        value = scaled_value(number, scale)
        if value is None:
            continue
        if kind == "people" and value < _MIN_PEOPLE:
            if value < _SMALL_AFTER_STATISTIC or "." in number:
                continue
            kind = "few"
        found.append((m, sent, i, m.start() - sent.start, m.end() - sent.start, kind, value))

    # The sentence before, when in the same paragraph, for shares that refer back to it: is it economic?
    economic_before: dict[int, bool] = {}

    def economic_sentence_before(i: int) -> bool:
        if i not in economic_before:
            same_paragraph = i > 0 and text.find("\n", sents[i - 1].end, sents[i].start) < 0
            economic_before[i] = same_paragraph and _economic(sents[i - 1].text)
        return economic_before[i]

    topics: dict[int, bool] = {}

    def remittance_topic(i: int, reach: int = _TOPIC_REACH) -> bool:
        """Whether sentence ``i`` is about remittances, itself or by referring back to sentences that are."""
        if i not in topics:
            text_i = sents[i].text
            topics[i] = _about_remittances(text_i) or bool(
                i and reach and _REFERS_BACK.search(text_i) and remittance_topic(i - 1, reach - 1))
        return topics[i]

    last_named: dict[str, str] = {}  # the last source named with each head word, for "the bank said"
    figure_starts: dict[int, list[int]] = {}  # the figures of each sentence
    for _, sent, _, start, _, kind, _ in found:
        if kind != "few":  # "the first 11 months": mostly not a figure, and never one that holds a period
            figure_starts.setdefault(sent.start, []).append(start)
    records: list[dict] = []
    counted_before: dict[int, str] = {}  # the indicator of the last count of people of the sentence before each
    undated: list[tuple[int, dict]] = []  # records of sentences that state no period, with their sentence
    for k, (m, sent, i, start, end, kind, value) in enumerate(found):
        before = records[-1] if records and records[-1]["sentence"] is sent.text else None
        if kind == "few" and not (before and before["unit"] == "persons"):
            continue  # before the sentence's context, which costs more than all the rest
        ctx = contexts.get(sent.start)
        if ctx is None:
            ctx = contexts[sent.start] = _Context(sent, article.published, lambda i=i: remittance_topic(i))
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
            economic = ctx.economic or (_SHARE_OF_PREVIOUS.match(stext, end) and economic_sentence_before(i)) or (
                # "That 8-percent fall ...": a change in the figures of the sentence before, even across paragraphs
                i and _POINTS_BACK.match(stext) and _economic(sents[i - 1].text))
            if not economic or ctx.vote:
                continue
            unit, currency, indicator = "percent", None, _percent_indicator(ctx, start, end)
            share_of = _SHARE_OF_PEOPLE.match(stext, end)
            subject = share_of.group("np") if share_of else _subject_of_money(ctx, start, end)
        elif kind == "rate":
            currency = _rate_currency(stext, sents[i - 1].text if i else "")
            if currency is None or _ending_at(_HYPOTHETICAL, stext, start):
                continue
            unit, indicator, subject = currency, "other", f"{currency} per US dollar"
        else:
            people = (_documents(ctx, start, end) or _people(ctx, start, end)
                      or _listed_people(ctx, start, end, found[k + 1] if k + 1 < len(found) else None, before))
            if people is None and (counted := counted_before.get(i)) and _POINTS_BACK.match(stext):
                # "Another 1,200 workers got ...", after a sentence counting migrants helped: more of the same.
                people = _people(ctx, start, end, migrants=True)
                people = people and (people[0], counted)
            if people is None:
                continue
            subject, indicator = people
            if kind == "few":
                indicator = "other"  # a migrant population runs to thousands; a few hundred were acted upon
            counted_before[i + 1] = indicator
            unit, currency = "persons", None
        period = _nearest_period(ctx, start, end, figure_starts.get(sent.start, [start]))
        if period and _ending_before_figure(_EARLIER_UNNAMED, stext, start, 40):
            period = None
        if (period and period[2] and len(period[2]) == 4 and i
                and _SAME_PERIOD_OF.search(stext, max(0, period[0] - 20), period[0] + 4)):
            period = _same_part_of_year(period, sents[i - 1], article.published, contexts)
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
        if not ctx.periods:
            undated.append((i, records[-1]))
    if undated:
        _inherit_periods(undated, {i for _, _, i, *_ in found}, sents, article, contexts)
    headline = article.title.strip() if article.title else ""
    return _first_mentions(records, len(headline) if headline and text.startswith(headline) else 0)


# "in the same period of 2023": the part of that year that the sentence before speaks of.
_SAME_PERIOD_OF = re.compile(r"\bsame\s+(?:period|time|months?|date)\s+(?:of|in)\b", re.IGNORECASE)


def _same_part_of_year(period: tuple, before: Span, published: str | None, contexts: dict) -> tuple:
    """The year's period with the month of the last month the sentence before states ("as of September 2024"
    then "in the same period of 2023": 2023-09); the year where it states none."""
    ctx = contexts.get(before.start)
    spans = ctx.periods if ctx else _periods(before.text, published)
    month = next((p[2][5:] for p in reversed(spans) if p[2] and len(p[2]) == 7), None)
    return (period[0], period[1], f"{period[2]}-{month}", period[3]) if month else period


# "Of these, ...", "Over the same period, ...", "As a result, ...": a sentence that opens by pointing back.
_POINTS_BACK = re.compile(
    r"[“\"]?(?:Of\s+(?:these|them|those|this)|As\s+a\s+result|(?:Over|In|During|For)\s+the\s+same\s+(?:period|time)"
    r"|Another|That|This|These|They"
    # "The report said ...": the report the sentences before have named, of their period
    r"|The\s+(?:report|study|survey|data|figures|statistics|assessment|review)\s+(?:also\s+)?(?:said|says|showed"
    r"|shows|found|finds|noted|notes|added|estimated|estimates))\b"
)
_POINTS_BACK_REACH = 6  # sentences
# A sentence that sets the scene for the figures after it says that something changed in a period.
_CHANGE = re.compile(
    r"\b(?:grew|grown|rose|risen|fell|fallen|increased|decreased|declined|dropped|jumped|slumped|surged|soared"
    r"|plunged|doubled|halved|shrank|shrunk)\b"
)
_SOURCE_NAMED_BEFORE = re.compile(r"\baccording\s+to\s+the\s+(?:[a-z-]+\s+){0,2}(?:minister|ministry|official|bank"
                                  r"|agency|report|survey|study|service|office|committee|fund)\b")
_CHANGE_AFTER = re.compile(r"\s+(?:fall|drop|decline|decrease|rise|increase|jump|growth|gain)\b")
_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|wn)\b")
_FROM_BEFORE_FIGURE = re.compile(r"\bfrom\s+$")
_TO_BETWEEN = re.compile(r"\s+to\s+")


def _inherit_periods(undated: list[tuple[int, dict]], with_figures: set[int], sents: list[Span], article: Article,
                     contexts: dict) -> None:
    """Give figures of sentences that state no period the period of the sentences before them: the last one
    stated within a few sentences where the sentence opens by pointing back ("Of these, ..."), else that of the
    sentence just before where it sets the scene, with a change in a period and no figure ("Transfers grew in the first
    quarter of 2024." then "They rose 8%, from $2.3 billion to $2.5 billion."). In such a "from A to B" the
    earlier value is the year before: a period of part of a year is compared with the same part of the last.
    With none of these, what "has fallen" or "has been removed" is as of publication."""

    def stated(j: int) -> str | None:
        ctx = contexts.get(sents[j].start)
        spans = ctx.periods if ctx else _periods(sents[j].text, article.published)
        given = [p[2] for p in spans if p[2]]
        return given[-1] if given else None

    by_sentence: dict[int, list[dict]] = {}
    for i, rec in undated:
        by_sentence.setdefault(i, []).append(rec)
    pointed: dict[int, str] = {}  # the sentences that took the period of one before them by pointing back
    for i, recs in by_sentence.items():
        period = None
        # "Russia accounted for 78 percent of the total.": a share of a figure before the sentence, of its period.
        # "..., according to the deputy minister.": a source named before, telling of the same time.
        if (_POINTS_BACK.match(sents[i].text) or _SHARE_OF_PREVIOUS.match(article.text, recs[0]["char_end"])
                or (_may_find(_SOURCE_NAMED_BEFORE, sents[i].text) and _SOURCE_NAMED_BEFORE.search(sents[i].text))):
            period = next((p for j in range(i - 1, max(-1, i - 1 - _POINTS_BACK_REACH), -1) if (p := stated(j))), None)
            if period and _CHANGE_AFTER.match(article.text, recs[0]["char_end"]):
                # "That 8-percent fall": a change between the periods just compared, of the later one
                period = max([period] + [p[:4] for j in range(max(0, i - 2), i) if (p := stated(j))])[:4]
            if period:
                pointed[i] = period
        elif i and i - 1 not in with_figures and _CHANGE.search(sents[i - 1].text):
            period = stated(i - 1)
        elif i - 1 in pointed and article.text.find("\n", sents[i - 1].end, sents[i].start) < 0:
            period = pointed[i] = pointed[i - 1]  # the same paragraph goes on with what it pointed back to
        if period is None and _may_find(_PRESENT_PERFECT, sents[i].text) and _PRESENT_PERFECT.search(sents[i].text):
            period = str(_published_year(article.published) or "") or None  # "has fallen to": up to publication
        if period is None:
            continue
        for rec in recs:
            rec["period"] = period
        text = article.text
        for earlier, later in zip(recs, recs[1:]):
            if (_TO_BETWEEN.fullmatch(text, earlier["char_end"], later["char_start"])
                    and _FROM_BEFORE_FIGURE.search(text, max(0, earlier["char_start"] - 6), earlier["char_start"])):
                earlier["period"] = str(int(period[:4]) - 1)


_FACT_FIELDS = ("subject", "period", "source")
_FIELD_SETS = [fields for n in range(len(_FACT_FIELDS) + 1) for fields in combinations(range(len(_FACT_FIELDS)), n)]


def _first_mentions(records: list[dict], headline_end: int = 0) -> list[dict]:
    """One fact, one record: a later mention with the same value and unit, and no conflicting period or
    source (a missing one does not conflict), repeats an earlier figure. A share must also not conflict in
    subject: small percentages recur by chance, while a count or an amount repeated is the same one told
    in other words ("160,000 Kazakhs" in the lead, "160,000 Kazakh citizens" in a quote). A figure in the
    headline (text before ``headline_end``) repeats one of the body, which tells it with its context.

    Each kept record is filed under every choice of its fields, so that a record finds a kept one it
    repeats by a few look-ups, not by reading them all: one whose given fields each equal its own or
    are missing. Most values are told once: a record is filed only once another with its value and unit
    comes."""
    kept: list[dict] = []
    filed: set[tuple] = set()
    unfiled: dict[tuple, dict | None] = {}  # (unit, value) -> the one kept record not yet filed, None once filed
    if headline_end:
        records = [r for r in records if r["char_start"] >= headline_end] + [
            r for r in records if r["char_start"] < headline_end]
    for rec in records:
        key = (rec["unit"], rec["value"])
        if key not in unfiled:
            kept.append(rec)
            unfiled[key] = rec
            continue
        if (first := unfiled[key]) is not None:
            _file(filed, first)
            unfiled[key] = None
        values = _fact_values(rec)
        given = tuple(i for i, v in enumerate(values) if v is not None)
        if any((*key, given, choice) in filed for choice in product(*((values[i], None) for i in given))):
            continue
        kept.append(rec)
        _file(filed, rec)
    return sorted(kept, key=lambda r: r["char_start"]) if headline_end else kept


def _fact_values(rec: dict) -> tuple:
    """The record's values of _FACT_FIELDS; the subject counts for shares only."""
    return tuple(None if f == "subject" and rec["unit"] != "percent" else rec[f] for f in _FACT_FIELDS)


def _file(filed: set[tuple], rec: dict) -> None:
    values = _fact_values(rec)
    for fields in _FIELD_SETS:
        filed.add((rec["unit"], rec["value"], fields, tuple(values[i] for i in fields)))


# Words one of which each match of a pattern holds, in the text folded as a pattern ignoring case reads it: a
# sentence without them is not searched (a test checks each against its pattern).
_NEEDED_WORDS: dict[re.Pattern, tuple[str, ...]] = {
    _VOTE_RE: ("vote", "voting", "ballot", "turnout", "elect"),
    _FRACTION_OF_GDP: ("half", "third", "quarter"),
    _RELATIVE_HINT: ("year", "month", "now", "currently", "present", "week", "last", "quarter", "half"),
    _EARLIER_UNNAMED: ("previously", "formerly"),
    _PENALTY_BEFORE: ("fine", "bail", "bribe", "ransom", "reward"),
    _PERSONAL_PAY_BEFORE: ("rate", "salary", "wage", "pay", "earnings"),
    _NUMBER_OF: ("number", "total", "ranks"),
    _NUMBER_OF_DOCUMENTS: ("permits", "patents", "visas"),
    _POPULATION_OF: ("population",),
    _NET_MIGRATION: ("net",),
    _COUNTRY_OF_PEOPLE: ("country", "nation"),
    _ACTED_ON_BEFORE: ("removed", "helped", "assisted", "trained", "prepared", "returned", "repatriated", "recruited",
                       "hired", "struck", "taken"),
    _GDP_BEFORE: ("gdp", "gross", "econom"),
    _HYPOTHETICAL: ("if", "unless"),
    _PRESENT_PERFECT: ("has", "have"),
    _SOURCE_NAMED_BEFORE: ("according",),
    _POLL_OR_SHORTAGE: ("poll", "survey", "respondent", "short", "need", "lack", "deficit"),
}
