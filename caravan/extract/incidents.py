"""Incidents: discrete events an article reports (attacks, arson, evictions, raids, arrests, travel advisories...).

Rules, not a model. An incident is an event word ("torched", "beat", "raids", "warned its citizens") in a
sentence, kept unless it is negated or denied ("did not detain", "denied that anyone was detained"),
hypothetical or intended ("could be deported", "calls for Tajiks to be deported", "measures to prevent
attacks"), military ("attacks against U.S. forces") or otherwise not a discrete event ("the number of
deportations", "the latest in a string of attacks"). Each incident takes its place, date, counts, target group
and perpetrator from the clause around its event word; the evidence is the sentence, or the quoted part of it
that holds the event word. A place "near" a city is not in it, and one in a "who/which" clause about someone else
is not the event's. A sentence that names no place is in the city the story is set in (named in the lead and
again) or, for "the city's market", the city last named. A later mention of the same event ("the attack", "the
detained men", a lead retold with its place) is merged into one record, which keeps the evidence of the most
informative mention.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from caravan.extract.caseless import UNLIKE_CASES as _UNLIKE_CASES, holds_any, lowered
from caravan.ingest.corpus import Article
from caravan.extract.dates import DateMention, find_anchored, find_dates, publication_date, shift_date
from caravan.extract.numbers import VAGUE_NUMBERS, WORD_NUMBERS, parse_number, qualifier_before
from caravan.extract.places import (STORY_COUNTRIES, City, Place, Region, citizen_adjective, country_name, demonym_country,
                            find_places, gazetteer, may_name_city, may_name_region, reads_regions_named)
from caravan.extract.text import Span, paragraphs, sentences

DEFAULT_COUNTRY = "RU"  # where this story's events happen when an article gives no other clue
_I = re.IGNORECASE


def _words(words: Iterable[str], shortest: bool = False) -> str:
    """A regex for any of ``words`` (a space matches any whitespace), built as a trie: Python's re tries the
    branches of an alternation one at a time, and these word lists are long. It prefers the longest word
    where several begin at one place ("migrant workers" over "migrant"), or with ``shortest`` the shortest."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + (")??" if shortest else ")?")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(trie)


# --- event words --------------------------------------------------------------------------------------------------
# (type, pattern), tried only on sentences holding one of the type's opening words. "attack" is typed from
# its context: a terror attack, an assault, or a mention of an earlier attack.
_TRIGGERS: dict[str, tuple[str, re.Pattern]] = {
    "terror_attack": (
        "terror terrorist act acts suicide bombing bombings car massacre massacres mass gunmen attackers assailants opened",
        re.compile(r"\bterror(?:ist)?\s+(?:attacks?|acts?|strikes?)\b|\bacts?\s+of\s+terror(?:ism)?\b"
                   r"|\bsuicide\s+(?:bombings?|attacks?)\b|\b(?:car\s+)?bombings?\b|\bmassacres?\b|\bmass\s+shootings?\b"
                   r"|\b(?:gunmen|attackers|assailants)\s+(?:\w+\s+)?(?:opened\s+fire|stormed|burst\s+into)\b|\bopened\s+fire\s+(?:on|at)\b", _I)),
    "murder": (
        "stabbed beaten bludgeoned kicked shot murder murdered murders murdering killed killing killings slain homicide "
        "homicides",
        re.compile(r"\b(?:stabbed|beaten|bludgeoned|kicked)\s+to\s+death\b|\bshot\s+(?:dead|and\s+killed)\b"
                   r"|\bmurder(?:ed|s|ing)?\b|\bkill(?:ed|ing|ings)\b|\bslain\b|\bhomicides?\b", _I)),
    "arson": (
        "torched torching set arson arsonist arsonists firebomb firebombed firebombing firebombs fire burned burnt petrol "
        "molotov",
        re.compile(r"\btorch(?:ed|ing)\b|\bset\s+(?:[\w’'-]+\s+){0,6}?(?:on\s+fire|ablaze|alight)\b|\bset\s+fire\s+to\b"
                   r"|\barson(?:ists?)?\b|\bfire-?bomb(?:ed|ing|s)?\b|\bburn(?:ed|t)\s+down\b|\bpetrol\s+bombs?\b"
                   r"|\bmolotov\s+cocktails?\b", _I)),
    "assault": (
        "beat beaten beating beatings stabbed stabbing punched punching assault assaulted assaults assaulting lynched "
        "lynching brutalized brutalised struck hit",
        re.compile(r"\bbeat(?:en|ings?)?\b|\bstabb(?:ed|ing)\b|\bpunch(?:ed|ing)\b|\bassault(?:ed|s|ing)?\b"
                   r"|\blynch(?:ed|ing)\b|\bbrutali[sz]ed\b"
                   # "was struck on the head with a bottle": a blow to a person, not "the town was hit by floods"
                   r"|\b(?:struck|hit)\s+(?:(?:him|her|them|me)\s+)?(?:on|in)\s+the\s+(?:head|face|back|chest|neck|stomach)\b"
                   r"|\b(?:struck|hit)\s+(?:(?:him|her|them|me)\s+)?with\s+an?\s+(?:[\w-]+\s+)?(?:bottle|pipe|stick|bat"
                   r"|brick|stone|rock|hammer|club|crowbar|chair|baton|knife)\b", _I)),
    "attack": ("attack attacks attacked attacking", re.compile(r"\battack(?:s|ed|ing)?\b", _I)),
    "vandalism": (
        "vandalized vandalised vandalizing vandalising vandalism defaced desecrated desecration smashed graffiti daubed "
        "daubing painted scrawled sprayed spray drew drawn",
        re.compile(r"\bvandal(?:i[sz]ed|i[sz]ing|ism)\b|\bdefaced\b|\bdesecrat(?:ed|ion)\b"
                   r"|\bsmashed\s+(?:[\w’'-]+\s+){0,2}windows\b|\bgraffiti\b"
                   r"|\bdaub(?:ed|ing)\b(?:\s+(?:[\w’'-]+\s+){0,3}?(?:insults?|slurs?|slogans?|swastikas?|graffiti)\b)?"
                   r"|\b(?:painted|scrawled|sprayed|spray-painted|drew|drawn)\s+(?:[\w’'-]+\s+){0,3}?(?:swastikas?|slurs?"
                   r"|(?:nationalist|racist|xenophobic|anti-migrant|neo-Nazi|Nazi)\s+(?:slogans?|symbols?|graffiti))\b", _I)),
    "eviction": (
        "evicted evicting eviction evictions evicts kicked thrown turned forced",
        re.compile(r"\bevict(?:ed|ing|ions?|s)\b|\b(?:kicked|thrown|turned|forced)\s+out\s+of\s+(?:[\w’'-]+\s+){0,3}?"
                   r"(?:homes?|apartments?|flats?|housing|dormitor(?:y|ies)|hostels?|rooms?)\b", _I)),
    "raid": (
        "raid raids raided raiding sweep sweeps roundup roundups round searched searching visited inspected addresses "
        "documents operation checked",
        re.compile(r"\braid(?:s|ed|ing)?\b|\bsweeps?\b|\bround-?ups?\b"
                   # police searching a mosque, visiting 2,000 addresses, checking people's papers, "an operation"
                   r"|\bsearch(?:ed|ing)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:mosques?|hostels?|dormitor(?:y|ies)|homes"
                   r"|flats|apartments|markets?|warehouses?|premises|(?:building|construction)\s+sites?)\b"
                   r"|\b(?:visited|checked|inspected)\s+(?:[\d,]+|hundreds\s+of|thousands\s+of|dozens\s+of)\s+(?:addresses"
                   r"|homes|flats|apartments|hostels|dormitories|premises)\b|\bchecked\s+(?:the\s+)?documents\s+of\b"
                   r"|\b(?:conduct(?:ed|ing)|carr(?:ied|ying)\s+out|launched)\s+an?\s+(?:[\w-]+\s+){0,2}?operation\b", _I)),
    "detention": (  # people "rounded up" are detained; "a round-up" is the raid
        "detained detaining detains detention detentions taken held rounded",
        re.compile(r"\bdetain(?:ed|ing|s)\b|\bdetentions?\b|\btaken\s+into\s+custody\b|\bheld\s+in\s+custody\b"
                   r"|\brounded\s+up\b"
                   r"|\bheld\b(?=\s+(?:for|in|at|without|incommunicado|overnight)\b)", _I)),
    "arrest": ("arrest arrested arrests arresting", re.compile(r"\barrest(?:ed|s|ing)?\b", _I)),
    "deportation": (
        "deported deporting deports deportation deportations expelled expelling expels expulsion expulsions put placed "
        "sent ordered",
        re.compile(r"\bdeport(?:ed|ing|s|ations?)\b|\bexpel(?:led|ling|s)\b|\bexpulsions?\b|\bsent\s+(?:back|home)\b"
                   # "a court ordered 12 of them to leave the country": an expulsion order
                   r"|\bordered\s+(?:[\w’'-]+\s+){1,4}?to\s+leave\s+(?:the\s+country|Russia|(?-i:[A-Z][a-z]+))\b"
                   r"|\b(?:put|placed)\s+on\s+(?:[\w’'-]+\s+){0,2}?(?:flights?|planes?|trains?|buses)\s+(?:back\s+)?"
                   r"(?:to|home)\b", _I)),
    "threat": (
        "threaten threatened threatening threatens threats death published posted leaked shared circulated told",
        re.compile(r"\bthreat(?:en|ened|ening|ens|s)\b|\bdeath\s+threats?\b"
                   # "told them they would be deported unless they signed": a threat without the word
                   r"|\btold\s+(?:them|him|her|me|us)\s+(?:that\s+)?(?:they|he|she|I|we)\s+would\s+be\s+(?:[a-z]+\s+){0,2}?"
                   r"(?:deported|expelled|killed|beaten|jailed|imprisoned|evicted|fired|sent\s+(?:back|home|to\s+the\s+front))\b"
                   r"|\b(?:published|posted|leaked|shared|circulated)\s+(?:the\s+)?(?:home\s+)?(?:addresses|personal\s+data"
                   r"|phone\s+numbers)\b", _I)),
    "discrimination": (
        "refuse refuses refused refusing banned barred fired denied discriminated slavs russians slavic only ruled rent "
        "rents rented renting let lets offer offers offered offering hire hires hired hiring employ employs employed serve "
        "serves served "
        "require requires required requiring",
        re.compile(r"\brefus(?:e|es|ed|ing)\s+to\s+(?:serve|rent|ride|hire|employ|sell|accept|admit|let|take|carry|work"
                   r"|sit|register|treat|board)\b|\bfired\s+(?:for|because)\b"
                   # "barred from Russia for life" is an entry ban on a person, not discrimination at home
                   r"|\b(?:banned|barred)\s+(?:[\w’'-]+\s+){0,3}?from\b(?!\s+(?:entering|re-entering|returning)"
                   r"|\s+(?-i:[A-Z])[\w-]+\b(?![’'-]))"
                   r"|\bdenied\s+(?:entry|service|housing|jobs?|employment)\b|\bdiscriminated\s+against\b"
                   r"|\b(?:Slavs|Russians)\s+only\b"
                   # "only Slavs or Russian citizens need apply": a listing that shuts others out
                   r"|\bonly\s+(?:ethnic\s+)?(?:Slavs|Russians|Russian\s+citizens)(?:\s+(?:or|and)\s+(?:ethnic\s+)?"
                   r"(?:Slavs|Russians|Russian\s+citizens))?\s+(?:need|may|can|should)\s+apply\b|\bonly\s+(?:to|for)\s+(?:ethnic\s+)?(?:Slavs|Russians|Russian\s+citizens)\b"
                   r"|\b(?:rent|rents|rented|renting|let|lets|offer|offers|offered|offering|hire|hires|hired|hiring|employ|employs"
                   r"|employed|serve|serves|served)\s+(?:[\w’'-]+\s+){0,3}?only\s+(?:to|for)\s+(?:ethnic\s+)?(?-i:[A-Z][a-z]+s)\b"
                   r"|\b(?:of|with)\s+Slavic\s+(?:origin|appearance|descent|nationality|looks)\b"
                   r"|\bruled\s+out\s+(?:people|tenants|applicants|anyone|migrants|foreigners|workers)\s+from\b"
                   r"|\brequir(?:e|es|ed|ing)\s+(?:[\w’'-]+\s+){0,3}?to\s+(?:hold|have)\s+(?:an?\s+)?(?:(?-i:[A-Z][a-z]+)\s+)?"
                   r"(?:citizenship|passports?)\b", _I)),
    "harassment": (
        "harassed harassment harassing insult insulted insulting insults slur slurs hate bullied bullying call calls called calling "
        "made making forced forcing",
        re.compile(r"\bharass(?:ed|ment|ing)\b"
                   # "officers made a courier kneel on the pavement": a forced humiliation
                   r"|\b(?:made|making|forced|forcing)\s+(?:(?:an?|the|one|two|three|several)\s+)?(?:(?-i:[A-Z])[\w-]+|migrants?"
                   r"|workers?|foreigners?)\s+(?:[\w’'-]+\s+){0,2}?(?:to\s+)?(?:kneel|crawl|grovel|beg\s+for"
                   r"|apologi[sz]e\s+on\s+camera)\b|\binsult(?:ed|ing|s)?\b|\bslurs?\b|\bhate\s+speech\b|\bbull(?:ied|ying)\b"
                   r"|\bcall(?:s|ed|ing)?\s+for\s+(?:[\w’'-]+\s+){0,3}?(?:to\s+be\s+(?:deported|expelled|killed|punished"
                   r"|beaten)|violence|the\s+(?:deportation|expulsion|killing|death))\b", _I)),
    "travel_advisory": (
        "warned warns warning advised advises advising urged urges urging recommended called asked asks travel advisory",
        re.compile(r"\b(?:warned|warns|warning|advised|advises|advising|urged|urges|urging|recommended|called\s+on|asked"
                   r"|asks)\s+(?:(?:its|their)\s+(?:citizens|nationals|compatriots|people|migrants|workers)"
                   r"|(?:(?-i:[A-Z][a-z]+)\s+)?(?:citizens|nationals|compatriots))\b"
                   # "the embassy issued an advisory urging migrants not to travel"
                   r"|\btravel\s+(?:advisory|advisories|warnings?|alerts?)\b|\b(?:issued|published|posted)\s+an\s+advisory\b",
                   _I)),
    # "The incident took place on May 19 at ...": where and when the event told before happened
    "incident": ("incident incidents episode", re.compile(r"(?<=\b[Tt]he\s)(?:incident|episode)\s+(?:took\s+place|happened"
                                                          r"|occurred)\b")),
    "protest": (
        "protest protests protested protesters protesting rally rallies rallied demonstration demonstrations picket pickets "
        "gathered",
        re.compile(r"\bprotest(?:s|ed|ers|ing)?\b|\brall(?:y|ies|ied)\b|\bdemonstrations?\b|\bpickets?\b"
                   # "gathered outside the police station to demand an inquiry": a protest without the word
                   r"|\bgathered\s+(?:[\w’'-]+\s+){0,8}?to\s+(?:demand|protest|call\s+for|denounce|condemn)\b", _I)),
}
_OPENERS = frozenset(w for openers, _ in _TRIGGERS.values() for w in openers.split())
_TYPE_ORDER = {type_: i for i, type_ in enumerate(_TRIGGERS)}  # the types' patterns are tried in this order
_TYPES_BY_WORD = {w: frozenset(t for t, (openers, _) in _TRIGGERS.items() if w in openers.split()) for w in _OPENERS}
# An opening word as a whole run of letters a-z (as in the lower-cased sentence): the words of a sentence that open
# an event word, found without listing all its words.
_OPENER_WORD = re.compile(rf"(?<![a-z])(?:{_words(_OPENERS)})(?![a-z])")
# The words a match of each type's pattern begins with, as whole runs of letters a-z: its opening words, and the
# first words of its branches that open otherwise ("conducted an operation", "of Slavic origin").
_MORE_FIRST_WORDS = {"raid": "conducted conducting carried carrying launched", "discrimination": "of with",
                     "travel_advisory": "issued published posted"}
_FIRST_WORDS = {t: frozenset(openers.split()) | frozenset(_MORE_FIRST_WORDS.get(t, "").split())
                for t, (openers, _) in _TRIGGERS.items()}
# A first word -> the types whose patterns may begin with it, in the order they are tried.
_TYPES_AT_FIRST_WORD = {w: tuple(t for t in _TRIGGERS if w in _FIRST_WORDS[t])
                        for w in frozenset().union(*_FIRST_WORDS.values())}
_MORE_FIRST_WORD = {type_: re.compile(rf"(?<![a-z])(?:{_words(words.split())})(?![a-z])")
                    for type_, words in _MORE_FIRST_WORDS.items()}
# A word every match that opens so holds: "of" and "with" (in every other sentence) open only "of Slavic origin".
_MORE_FIRST_WORDS_NEED = {"raid": "operation", "discrimination": "slavic", "travel_advisory": "advisory"}
# Forms of the event word: a base verb or participle can be a plan ("to arrest", "could be deported").
_BASE_FORM = re.compile(r"beat|attack|arrest|raid|threaten|protest|rally|assault|murder|harass|insult|expel|detain|evict"
                        r"|deport|torch|punch|stab|kill|sweep", _I)
_NOUN_FORM = re.compile(r".*(?:s|ion|ions|ment|ism|ing|ings|y|ies|ists?|ade|age|ure)|attack|arrest|raid|murder|assault"
                        r"|protest|rally|threat|arson|graffiti|homicide|massacre", _I)
_PERSONAL_PRONOUN = re.compile(r"\b(?:[Uu]s|me|him|her|them|[Tt]hey|[Ww]e|[Hh]e|[Ss]he|I)\b")
_NOUN_ONLY = re.compile(r".*(?:ions?|ments?|isms?|ies|[^s]s)|attack|arrest|raid|murder|assault|protest|rally|arson|graffiti"
                        r"|massacre|homicide|.*\s(?:speech|threats?)", _I)
_LIGHT_VERB = re.compile(r"\b(?:launch(?:ed|es)?|conduct(?:ed|s)?|carr(?:ied|ies|y)\s+out|stag(?:ed|es)|ma(?:de|kes?)|held|hold"
                         r"|organi[sz]ed|began|begun|started|stepped\s+up|intensified|issued|sent)\s+(?:\w+\s+){0,2}$", _I)
_VERB_PAST = re.compile(r".*(?:ed|en|ain)|beat|set|burnt|slain|shot|held|sent|put|drew", _I)


@lru_cache(maxsize=4096)  # the same event words come again and again
def _form(pattern: re.Pattern, word: str) -> bool:
    """Whether a lower-cased event word is of a form: ``pattern.fullmatch(word)``."""
    return pattern.fullmatch(word) is not None


# --- context: is it an event? -------------------------------------------------------------------------------------
_MODAL = r"(?:to|could|would|might|may|will|shall|should|must|can|cannot|won[’']t|wouldn[’']t|couldn[’']t|shouldn[’']t|can[’']t)"
_FILLER = r"(?:also|then|soon|not|never|possibly|potentially|eventually|later|still|even|just|likely|probably|all|now)"
_HYPOTHETICAL_VERB = re.compile(rf"(?:\b{_MODAL}\s+(?:{_FILLER}\s+){{0,2}}|\bto\s+[a-z]+\s+(?:and|or)\s+)$")
# "began to insult", "started to beat": an event under way, not a plan.
_ASPECT_TO = re.compile(r"\b(?:beg(?:an|in|un|ins)|start(?:ed|s)?|continu(?:ed|es?)|kept|keeps?)\s+to\s+$", _I)
_HYPOTHETICAL_PARTICIPLE = re.compile(
    rf"\b{_MODAL}\s+(?:{_FILLER}\s+){{0,2}}(?:be|get|have\s+been|face|risk)\s+(?:{_FILLER}\s+)?$")
_NOT_EVENT_NOUN = re.compile(  # "face deportation", "the number of deportations", "charged with murder"
    r"\b(?:(?:number|numbers|rate|rise|increase|decrease|drop|surge|statistics|figures|share|total)\s+of"
    r"|(?:rise|increase|spike|surge|growth|decline|drop)\s+in"
    r"|(?:charged|accused|convicted|suspected|sentenced|jailed|guilty|tried|suspicion|prosecuted)\s+(?:[\w-]+\s+){0,10}?"
    r"(?:for|of|with)|fac(?:e|es|ed|ing)|risk(?:s|ed|ing)?|threat\s+of|fears?\s+of|threatened\s+with|avoid(?:s|ed|ing)?"
    r"|prevent(?:s|ed|ing)?|possible|potential|future|planned|proposed|would-be|against"
    r"|(?:latest|last|first|one|part|another)\s+(?:in|of)\s+an?\s+(?:string|series|spate|wave|rash|chain|number)\s+of"
    r"|(?:years?|months?|weeks?|decades?)\s+of)\s+(?:[a-z-]+\s+){0,2}$")
_WINDOW_CUES = re.compile(
    r"\b(?:could|would|might|may|will|shall|should|must|can|if|If|unless|Unless|whether|plan(?:s|ned|ning)?\s+to"
    r"|threaten(?:s|ed|ing)?\s+to|call(?:s|ed|ing)?\s+for|demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|prevent(?:s|ed|ing|ion)?"
    r"|ensur(?:e|es|ed|ing)|avoid(?:s|ed|ing)?|seek(?:s|ing)?\s+to|sought\s+to|hop(?:e|es|ed|ing)\s+to|want(?:s|ed)?\s+to"
    r"|aim(?:s|ed|ing)?\s+(?:to|at)|in\s+a\s+bid\s+to|in\s+order\s+to|measures|risk(?:s|ed|ing)?|fear(?:s|ed)?|possible"
    r"|potential|proposed|proposals?|expect(?:s|ed|ing)?|predict(?:s|ed)?|forecasts?|signs\s+of|likely"
    r"|repeatedly|regularly|routinely|frequently|often|usually)\b")
# "Police denied that any of them had been detained": the event word sits in what is denied.
_DENIAL = re.compile(r"\b(?:denied|denies|deny|denying|dismissed|rejected|refuted)\b(?:\s+[\w’'-]+){0,8}?\s+that\b", _I)
_NEGATION = re.compile(r"\b(?:[Nn]ot|[Nn]o|[Nn]ever|[Nn]either|nor|[Nn]one|[Nn]obody|[Ww]ithout|denied|deny|denies|refuted)\b"
                       r"|n[’']t\b")
_NOT_NEGATION = re.compile(r"\bno\s+(?:fewer|less|more)\s+than\b|\bnot\s+only\b", _I)
# Where the words about an event begin: after a clause boundary, or after "said" ("a seller who asked not to be
# named said customers insulted her": the cues before "said" are about the speaker).
_WINDOW_START = re.compile(r"[,;:(“”\"—–]|\b(?:that|which|who|whom|whose|because|after|when|where|as|before|since"
                           r"|although|though|while|While|and|but|said|says)\b")
_CLAUSE_BREAK = re.compile(r";|:\s|,\s(?:while|whereas|but|although|though)\b|\s(?:while|whereas)\s|\s[—–]\s")
_CLAUSE_BREAK_CUES = (";", ":", "while", "whereas", "but", "though", "—", "–")  # every break holds one
_COORDINATED = re.compile(r"\s*,?\s*(?:and|or|nor|as\s+well\s+as)\s+(?:[a-z-]+\s+)?", _I)
_MILITARY_OBJECT = re.compile(r"\b(?:forces|troops|soldiers|army|servicemen|military|positions|convoys?|bases?)\b", _I)
_WAR = re.compile(r"\b(?:war|shelling|air\s*strikes?|air\s+raids?|missiles?|drones?|artillery|front\s*lines?|offensive"
                  r"|battlefield|invasion)\b", _I)
_ACCIDENT = re.compile(r"\b(?:accident|crash|collision|collapsed?|earthquake|flood|overdose)\b", _I)
# Terror attacks news names by their place alone ("the Crocus attack", "gunmen attacked Crocus City Hall"), with
# their date: a background mention is that event, on its own date, whatever the article's date.
_KNOWN_ATTACKS = {"Crocus": "2024-03-22"}
_KNOWN_ATTACK = re.compile(rf"\b(?:{'|'.join(_KNOWN_ATTACKS)})\b")
_TERROR_CUE = re.compile(r"\bterror(?:ist|ism)?\b|\bIslamic\s+State\b|\bISIS\b|\bIS-K\b|\bISIL\b|\bjihadis[tm]\b|\bgunmen\b"
                         r"|\bsuicide\b|\bresponsibility\b|\bexplosi(?:on|ve)s?\b|\bbomb", _I)
_POLICE = re.compile(r"\b(?:police|officers|law\s+enforcement|authorities|security|migration|FSB|OMON|Rosgvardia"
                     r"|National\s+Guard|investigators)\b", _I)
_ONLINE = re.compile(r"\b(?:social\s+media|online|Telegram|videos?|posts?|channels?|VKontakte|internet|viral|comments)\b", _I)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are|got|get|gets|getting)\s+(?:[a-z]+ly\s+)?$", _I)
_ANAPHORIC_BEFORE = re.compile(r"\b(?:the|this|that|these|those)\s+(?:[a-z-]+\s+)?$", _I)
_NOUN_DETERMINER = re.compile(r"\b(?:the|an?|his|her|their|its|under|house|police|night|dawn|recent|latest|another"
                              r"|during|after|following|in)\s+(?:[a-z]+(?:ar|ive|ous|ed|ale|al)\s+)?$", _I)
_GENERIC_AFTER = re.compile(r"\s*(?:cent(?:er|re)s?|facilit(?:y|ies)|camps?|warrants?|rifles?|notes?|orders?\s+against)\b", _I)
_NOT_EVENT_AFTER = {
    "attack": re.compile(r"\s*(?:on|against)\s+(?:the\s+)?(?:policy|plan|decision|idea|proposal|law|report|remarks|media)\b",
                         _I),
    "protest": re.compile(r"\s*(?:note|(?:his|her|their)\s+innocence)\b", _I),
    "arrest": re.compile(r"\s*warrant\b", _I),
}
_ATTACKERS = re.compile(r"\b(?:attackers|gunmen|assailants|terrorists|militants)\b", _I)
_DIRECTION_OF = re.compile(r"(?<!the )\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|kilomet(?:er|re)s"
                           r"|km|miles)\s+of\s+$", _I)
# "Moscow's north-western edge", "the city's southern suburbs": a bearing from the city, not the city.
_DIRECTION_AFTER_POSSESSIVE = re.compile(r"(?:['’]s)?\s+(?:far\s+)?(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\b", _I)
# "a citizen of Uzbekistan": the country tells who someone is, not where the event was.
_NATIONALITY_OF = re.compile(r"\b(?:citizens?|nationals?|natives?|subjects?)\s+of\s+(?:the\s+)?$", _I)
_RELATIVE = re.compile(r"\b(?:who|whom|whose|which)\b")
_RELATIVE_END = re.compile(r"[,;:()“”\"«»—–]")
_NATIONWIDE = re.compile(r"\b(?:across|throughout|around|all\s+over)\s+(?:the\s+)?(?:country|nation|regions)\b|\bnationwide\b"
                         r"|\bin\s+(?:several|many|various|other|dozens\s+of)\s+(?:cities|towns|regions)\b", _I)
_THE_CITY = re.compile(r"\b(?:the|this)\s+(?:city|town)\b", _I)
_DIPLOMATIC = re.compile(r"\b(?:note|notes|letter)\s+of\s+$|\b(?:lodged?|lodging|filed?|sent|sends|delivered|handed|voiced|expressed"
                         r"|registered)\s+(?:an?\s+)?(?:(?:formal|strong|official|diplomatic)\s+)?$", _I)
# "detained by Moscow police": the city's own police act in it.
_LOCAL_FORCE_AFTER = re.compile(r"\s+(?:city\s+|regional\s+)?(?:police|policemen|officers|courts?|judges?|prosecutors?"
                                r"|bailiffs)\b")
_APPOSITIVE_GAP = re.compile(r",\s+(?:[\w-]+\s+){0,3}?(?:(?:north|south|east|west)(?:-?(?:east|west))?|kilomet(?:er|re)s|km"
                             r"|miles|not\s+far)\s+(?:[\w-]+\s+)?(?:of|from)\s+")
_AND = re.compile(r"\band\b")
_LIST_GAP = re.compile(r",\s+|,?\s+(?:and|or)\s+")
_NAME = re.compile(r"(?!(?:and|or)\b)[A-Z][\w’'-]+")
_AIRPORT_LIST = re.compile(r"\b(?P<names>(?:[A-Z][\w’'-]+,\s+)*[A-Z][\w’'-]+,?\s+(?:and|or)\s+[A-Z][\w’'-]+)\s+airports\b")
_NOBODY_AFTER = re.compile(r"\s+(?:no\s+one|no-one|nobody|none)\b", _I)
_STATE_ACTS = ("deportation", "detention", "arrest", "raid")
_PREPOSITIONS = frozenset("in at near outside across throughout around inside within to towards into from of for with by "
                          "against on about over than".split())
_COUNTRY_SUBJECT_GAP = re.compile(r"\s+(?:(?:has|have|had|also|reportedly|already|again)\s+){0,2}")
_SEPARATE = re.compile(r"\b(?:also|another|separate(?:ly)?|other|second|new|again)\b", _I)
_SUBORDINATOR = re.compile(r"\b(?:after|before|since|until|following)\b", _I)
_SUBORDINATOR_CUES = ("after", "before", "since", "until", "following")  # every subordinator holds one (caseless)
# A quote opens at “ or " and closes at the next ”, " or line break (a “ in it is a word of it), or at the end.
_QUOTE = re.compile(r"[“\"]([^”\"\n]*)(?:[”\"\n]|\Z)")
_DATELINE = re.compile(r"[A-Z][\w.’' /-]{1,40}?(?:,\s*[A-Z][\w. ]{1,30})?\s*(?:\([\w .]+\)\s*)?(?:[—–]|\s-{1,2})\s")

# --- noun phrases: who, whom, how many ------------------------------------------------------------------------------
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNITS = "one two three four five six seven eight nine".split()
_NUMBER_WORDS = set(WORD_NUMBERS) | set(VAGUE_NUMBERS) | {f"{t}{sep}{u}" for t in _TENS for u in _UNITS for sep in "- "}
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_words(_NUMBER_WORDS)})"
_NUM_RE = re.compile(rf"\b{_NUM}\b", _I)
_DEMONYMS = ("Tajik Uzbek Kyrgyz Kazakh Turkmen Afghan Russian Ukrainian Armenian Azerbaijani Chechen Dagestani Muslim "
             "Caucasian Georgian Moldovan").split() + ["Central Asian"]
_GROUP_MODS = _DEMONYMS + ("foreign illegal undocumented irregular migrant labor labour ethnic young local elderly female "
                           "male construction taxi market delivery seasonal unregistered other several many innocent").split()
_GROUP_HEADS = ("migrant migrants worker workers laborer laborers labourer labourers immigrant immigrants driver drivers "
                "vendor vendors trader traders merchant merchants seller sellers student students citizen citizens "
                "courier couriers builder builders cleaner cleaners "
                "nationals natives people persons family families resident residents man men woman women "
                "child children boy boys girl girls teenager teenagers businesses shopkeepers employees tenant tenants "
                "passenger passengers customer customers worshippers Muslims foreigners concertgoers Tajiks Uzbeks Kyrgyz "
                "Kazakhs Turkmens Afghans Caucasians Russians Ukrainians Armenians Azerbaijanis Chechens Dagestanis "
                "suspects relatives").split() + ["migrant workers", "business owners", "shop owners", "Central Asians"]
_SINGULAR_HEADS = ("migrant worker laborer labourer immigrant driver vendor trader merchant seller student citizen "
                   "resident man woman child boy girl teenager tenant passenger customer courier builder cleaner").split()
_ACTOR_HEADS = ("police policemen officers officials authorities agents FSB Rosgvardia OMON bailiffs guards prosecutors "
                "investigators inspectors persons men assailants attackers gunmen youths teenagers nationalists "
                "ultranationalists neo-Nazis skinheads vigilantes vandals activists locals landlord landlords employer employers "
                "riders passengers customers owner owners bosses mob crowd individuals").split() + [
    "police officers", "law enforcement", "law enforcement officers", "law enforcement agencies", "security services",
    "security forces", "security officials", "security officers", "National Guard"]
_ACTOR_MODS = ("unknown unidentified masked armed young local riot traffic migration border plainclothes municipal regional "
               "federal state taxi city").split()
_DEMONYM = _words(_DEMONYMS)
_GROUP_MOD = _words(_GROUP_MODS)
_GROUP_HEAD = _words(_GROUP_HEADS)
_GROUP_RE = re.compile(
    rf"\b(?:(?P<num>{_NUM})\s+(?:of\s+(?:the\s+)?)?)?(?:(?P<one>an?|one)\s+)?(?:\d{{1,3}}-year-old\s+)?"
    rf"(?P<np>(?:{_DEMONYM}(?:,\s+|\s+(?:and|or)\s+))*(?:{_GROUP_MOD}\s+){{0,3}}{_GROUP_HEAD}"
    rf"(?:\s+of\s+{_DEMONYM}\s+(?:origin|descent|nationality)|\s+from\s+(?:Central\s+Asia|[A-Z][a-z]+stan))?)\b", _I)
_GROUP_LOWER = lowered(_GROUP_RE)
_SINGULAR_HEAD = re.compile(rf"\b{_words(_SINGULAR_HEADS)}$")
_ACTOR_RE = re.compile(rf"\b(?:(?i:a\s+)?(?i:group)\s+of\s+)?(?P<np>(?:(?i:{_words(_ACTOR_MODS)})\s+|[A-Z][a-z]+\s+){{0,2}}"
                       rf"(?i:{_words(_ACTOR_HEADS)}))\b")
_BEAT_OBJECT = re.compile(rf"\s+(?:and\s+[a-z]+ed\s+)?(?:up\b|him\b|her\b|them\b|us\b|me\b|(?:(?:at\s+least|about|some|nearly|more\s+than)\s+)?"
                          rf"(?:{_NUM}\s+)?(?:an?\s+|the\s+)?(?:{_GROUP_MOD}\s+){{0,3}}{_GROUP_HEAD}\b)", _I)
_ATTACK_ON_PEOPLE = re.compile(rf"\s+(?:on|against)\s+(?:an?\s+|the\s+)?(?:{_NUM}\s+)?(?:{_GROUP_MOD}\s+){{0,3}}"
                               rf"{_GROUP_HEAD}\b", _I)
# Ordinary words that may open a noun phrase, written in lower case mid-sentence ("Unknown persons" -> "unknown persons").
_COMMON_WORDS = frozenset(w.lower() for phrase in _GROUP_MODS + _GROUP_HEADS + _ACTOR_MODS + _ACTOR_HEADS
                          for w in phrase.split() if w.islower()) | {"a", "an", "the", "some", "law", "security"}
_BARE_NUMBER_SUBJECT = re.compile(rf"\b(?P<n>{_NUM})\s+(?:of\s+them\s+)?(?:were|have\s+been|had\s+been)\s+(?:[a-z]+ly\s+)?$",
                                  _I)
# People as the subject of a passive: "400 citizens were held", "migrants who were sent back", "60 were put on".
_PEOPLE_PASSIVE = re.compile(rf"\b(?:{_GROUP_HEAD}|them|him|her|they|he|she|we|I|who|{_NUM})\s+(?:[a-z]+\s+){{0,2}}?"
                             rf"(?:were|was|been|being|be|are|is|got|get)\s+(?:[a-z]+ly\s+)?$", _I)
_PRONOUN_AFTER = re.compile(r"\s+(?:him|her|them)\b")
# "hit me with a bottle": the object pronoun inside the event's words; "me" is the victim retelling it
# ("they beat us too" may be others, so "us" is left out).
_OBJECT_PRONOUN_IN = re.compile(r"\s(?:him|her|them|me)\s")
# Someone the article has introduced: "he was beaten", "the men were held"; "a man" is introduced here.
_KNOWN_SUBJECT = re.compile(rf"\b(?:he|she|they|the\s+(?:[a-z-]+\s+)?{_GROUP_HEAD})\s+(?:\w+\s+){{0,2}}?"
                            r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:[a-z]+ly\s+)?$", _I)
_INTRODUCED = re.compile(rf"\b(?:an?|one)\s+(?:[\w’'-]+\s+){{0,3}}?{_words(_GROUP_HEADS, shortest=True)}\b", _I)
_ORDERED_OBJECT = re.compile(rf"\b(?:ordered|had|got|wants?|wanted)\s+(?P<q>(?:[a-z]+\s+){{0,2}}?)(?P<n>{_NUM})\s+"
                             rf"(?:of\s+(?:them|those)\s+|(?:{_GROUP_MOD}\s+){{0,3}}{_GROUP_HEAD}\s+)$", _I)
_WHO_PASSIVE = re.compile(r"\b(?:who|whom)\s+(?:had\s+|has\s+|have\s+)?(?:been|was|were|is|are|got)\s+(?:[a-z]+ly\s+)?$", _I)
_AGE_TAIL = re.compile(r"(?:,\s*\d{1,3})?[\s,]*$")
_AND_BEFORE = re.compile(r"\band\s+(?:(?:their|his|her|its)\s+)?$", _I)
_FAMILY_OF = re.compile(rf"\s+of\s+(?P<n>{_NUM})\b", _I)
_TOLL_WORD = re.compile(r"\b(?:killed|killing|injured|injuring|wounded|dead|died|hurt|murdered|left)\b", _I)
_AGENT_CLAIMED = re.compile(r"\b(?:claimed|carried\s+out|committed|perpetrated|organi[sz]ed|staged|conducted)\s+by\s+", _I)
_AGENT_BY = re.compile(r"\s*(?:[a-z]+ly\s+)?by\s+", _I)  # at the start of the words after the event word
_NP_STOP = re.compile(r"[,;.:!?“”\"()]|\s(?:who|which|that|after|in|on|at|during|for|and|as|with|while|because|since|near"
                      r"|outside|inside|from|over|last|this|yesterday|today)\s")
_KNOWN_AS = re.compile(r",?\s*(?:also\s+)?known\s+as\s+(?P<name>[^,;.]+?)(?:,\s*or\s+(?P<short>[^,;.\s]+))?\s*(?:[,;.]|$)")
_PERSON_NAME = re.compile(r"(?:[A-Z][a-z]+\s){1,2}[A-Z][a-z]+")
_ORG_WORD = re.compile(r"\b(?:State|Party|Group|Ministry|Agency|Service|Police|Army|Front|Movement|Committee|Islamic|Court"
                       r"|Office|Department|Guard|Brigade|Council|Government|Union|Network|Taliban|FSB|al-Qaeda)\b"
                       r"|\b[A-Z]{2,}\b")
_ADVISORY_ORG = re.compile(r"[’']s\s+(?:(?:the\s+)?(?:[A-Z][\w-]*|foreign|ministry|embassy|consulate|government)\s+){0,6}"
                           r"(?:[A-Z][\w-]*|ministry|embassy|consulate|government|authorities)")
_ADVISORY_CITIZENS = re.compile(rf"\b(?P<dem>{_DEMONYM})\s+(?:citizens|nationals|compatriots)\b")
_ADVISORY_BARE_ORG = re.compile(r"\b(?i:the)\s+(?P<org>(?:[A-Z][a-z]+\s+){0,3}(?:Ministry|Embassy|Consulate|Agency|Service))\b")
_TRAVEL = re.compile(r"\b(?:travel\w*|trips?|visit\w*|go(?:ing)?\s+to|leav\w+|avoid\w*|refrain\w*|postpone\w*|cancel\w*"
                     r"|stay\s+away)\b", _I)
_GOVERNMENT = re.compile(r"\b(?:government|ministry|embassy|consulate|foreign\s+office|president|ambassador)\b", _I)
_ADVISORY_DEMONYM = re.compile(rf"\b(?:the\s+)?(?P<np>(?P<dem>{_DEMONYM})\s+(?:(?:[A-Z][a-z]+|government|authorities"
                               rf"|embassy|consulate)\s*){{1,4}})")
# How a count is stated: "killed at least 139", "the arrests of seven" (cue, then number) or "three were
# killed" (number, then cue).
_AUX = r"(?:(?:were|was|have\s+been|had\s+been|are|reportedly)\s+)*"
_PEOPLE_TAIL = rf"(?:\s+(?:{_GROUP_MOD}\s+){{0,3}}{_GROUP_HEAD})?"
_COUNT_CUES: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "killed": (re.compile(r"\b(?:killed|killing|murdered|claimed\s+the\s+lives\s+of|death\s+toll\s+(?:[a-z]+\s+){0,3}?"
                          r"(?:to|of|at))\s+(?P<q>(?:[a-z]+\s+){0,3})$", _I),
               re.compile(rf"{_PEOPLE_TAIL}\s+{_AUX}(?:killed|dead|died|murdered)\b", _I)),
    "injured": (re.compile(r"\b(?:injured|injuring|wounded|wounding|hurt)\s+(?P<q>(?:[a-z]+\s+){0,3})$", _I),
                re.compile(rf"{_PEOPLE_TAIL}\s+{_AUX}(?:injured|wounded|hurt|hospitali[sz]ed)\b", _I)),
    "arrested": (re.compile(r"\b(?:arrests?\s+of|detentions?\s+of|arrested|detained|rounded\s+up)\s+(?P<q>(?:[a-z]+\s+){0,3})$",
                            _I),
                 re.compile(rf"{_PEOPLE_TAIL}\s+{_AUX}(?:arrested|detained)\b", _I)),
}
_NOT_A_COUNT_AFTER = re.compile(r"-year-old|\s*years?\s+old|\s*%|\s*percent|-", _I)
_COUNT_KINDS = {
    "terror_attack": ("killed", "injured"), "murder": ("killed", "injured"), "arson": ("killed", "injured"),
    "assault": ("killed", "injured", "victims"), "raid": ("arrested",), "detention": ("arrested",),
    "arrest": ("arrested",), "eviction": ("victims",), "deportation": ("victims",), "threat": ("victims",),
    "discrimination": ("victims",), "harassment": ("victims",), "attack": ("killed", "injured"),
}
_VIOLENT = ("terror_attack", "arson", "assault", "attack")
_FATAL = re.compile(r"\b(?:suspicion|suspected|accused|charged|convicted)\s+(?:[\w-]+\s+){0,3}?(?:of|with)\s+(?:the\s+)?"
                    r"(?:killing|murder(?:ing)?|manslaughter)\b|\bdied\b", _I)
# "the detained men": a participle before people is an earlier event named again.
_PARTICIPLE_BEFORE_PEOPLE = re.compile(rf"\s+(?:{_GROUP_MOD}\s+){{0,2}}{_GROUP_HEAD}\b", _I)


@dataclass
class _Mention:
    """One event word with what its context says about the event."""

    type: str
    start: int  # of the event word
    end: int
    sentence: Span
    evidence: tuple[int, int]
    clause: tuple[int, int]
    anaphoric: bool = False  # "the attack": may be an event mentioned before
    generic: bool = False  # "attacked": an assault, or the killing or attack the article reports
    inherited: bool = False  # its city is the story's, not named in its sentence
    restated: bool = False  # "they killed him", "he was beaten": about someone the article has introduced
    known: str | None = None  # the known attack it names ("Crocus"): every mention of it is one event
    item: str | None = None  # the place it is in, of a list of places its words name ("raids in Tula and Orel")
    scope_start: int = 0  # its words begin after "and" here: what comes before (a place, a date) is another event's
    place: Place | None = None
    country: str | None = None
    date: DateMention | None = None
    counts: dict[str, tuple[int, str]] = field(default_factory=dict)
    target_group: str | None = None
    perpetrator: str | None = None

    def score(self) -> int:
        """How much the mention tells: the record of an event keeps its most informative mention."""
        return (len(self.counts) + (self.perpetrator is not None) + (self.target_group is not None)
                + (self.place is not None and self.place.kind == "city" and not self.inherited) + (self.date is not None))


def extract_incidents(article: Article) -> list[dict]:
    try:
        return _incidents(article)
    finally:
        for cache in _ARTICLE_CACHES:  # they hold the article's text: of no use for the next, and large
            cache.cache_clear()


def _incidents(article: Article) -> list[dict]:
    text = article.text
    quotes = _quote_spans(text)
    mentions: list[_Mention] = []
    for sent, lower, openers in _opening_words(text):
        types = set().union(*(_TYPES_BY_WORD[w] for _, w in openers))
        mentions += _sentence_mentions(text, sent, quotes, types, _first_words_at(lower, openers, types))
    if not mentions:
        return []
    setting = _Setting(text, mentions)
    for m in mentions:
        _locate(text, m, setting, quotes)
        m.date = _nearest_date(text, m, article.published) or _anchored_date(text, m, article.published)
        if m.type == "terror_attack":
            _date_known_attack(text, m)
    mentions = [item for m in mentions for item in _list_items(text, m)]
    lead_end = next((p.end for p in paragraphs(text)), 0)
    records = [_record(m, article.published) for m in _merge(mentions, lead_end)]
    return sorted(records, key=lambda r: (r["char_start"], r["type"], r["country"] or ""))


def _opening_words(text: str) -> Iterator[tuple[Span, str, list[tuple[int, str]]]]:
    """Each sentence that holds opening words, lower-cased, with its opening words and where each begins in it.

    They are found in the whole lower-cased text at once, and are the sentence's own where lower-casing keeps
    every offset (no İ) and no letter a-z stands just outside the sentence, to join a word of it; another sentence is
    read on its own."""
    lower_text = text.lower() if "\u0130" not in text else None
    found = [(w.start(), w.group()) for w in _OPENER_WORD.finditer(lower_text)] if lower_text is not None else []
    starts = [pos for pos, _ in found]
    for sent in sentences(text):
        start, end = sent.start, sent.end
        if lower_text is None or "a" <= lower_text[start - 1:start] <= "z" or "a" <= lower_text[end:end + 1] <= "z":
            lower = sent.text.lower()
            openers = [(w.start(), w.group()) for w in _OPENER_WORD.finditer(lower)]
        else:
            first, last = bisect_left(starts, start), bisect_left(starts, end)
            if first == last:
                continue
            lower = lower_text[start:end]
            openers = [(pos - start, word) for pos, word in found[first:last]]
        if openers:
            yield sent, lower, openers


# --- sentences, quotes and clauses --------------------------------------------------------------------------------
class _Quotes:
    """Spans of quoted words (without the marks), in text order, without overlaps."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [qs for qs, _ in spans]

    def holding(self, pos: int) -> tuple[int, int] | None:
        """The quote that holds ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 and pos < self.spans[i][1] else None


def _quote_spans(text: str) -> _Quotes:
    """Spans of quoted words (without the marks); a quote left open runs to the end of its paragraph."""
    return _Quotes([m.span(1) for m in _QUOTE.finditer(text)])


# --- what the event words of one sentence or clause ask of it, found once ---------------------------------------------
# A sentence may hold many event words. What they ask of their sentence or clause is found once and kept (the
# caches hold the article's text), so that no event word reads its sentence again from the start.
@lru_cache(maxsize=256)
def _found_in(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``pattern`` occurs in text[start:end]."""
    end = len(text) if end is None else end
    return _may_occur(pattern, text, start, end) and pattern.search(text, start, end) is not None


@lru_cache(maxsize=256)
def _first_end(pattern: re.Pattern, text: str, start: int, end: int) -> int | None:
    first = pattern.search(text, start, end) if _may_occur(pattern, text, start, end) else None
    return first.end() if first else None


# Words that every match of a pattern holds, as ``caseless`` reads the text: most clauses hold none, and are not
# searched.
_CUES: dict[re.Pattern, tuple[str, ...]] = {
    _DENIAL: ("denie", "deny", "dismissed", "rejected", "refuted"),
    _WAR: ("war", "shelling", "air", "missile", "drone", "artillery", "front", "offensive", "battlefield", "invasion"),
    _ACCIDENT: ("accident", "crash", "collision", "collapse", "earthquake", "flood", "overdose"),
    _FATAL: ("killing", "murder", "manslaughter", "died"),
    _AGENT_CLAIMED: ("claimed", "carried", "committed", "perpetrated", "organi", "staged", "conducted"),
}


def _may_occur(pattern: re.Pattern, text: str, start: int, end: int) -> bool:
    """False where ``pattern`` cannot occur in text[start:end], as it holds none of the pattern's cues."""
    cues = _CUES.get(pattern)
    return cues is None or holds_any(text[start:end], cues)


def _found_before(pattern: re.Pattern, text: str, start: int, end: int, pos: int) -> bool:
    """``pattern.search(text, start, pos)`` (a match that ends by ``pos``), for ``pos`` up to ``end``, where
    every other match of the pattern from ``start`` ends no sooner than the first: a pattern whose words
    in between are as few and as short as may be ("denied ... that", _INTRODUCED)."""
    first = _first_end(pattern, text, start, end)
    return first is not None and first <= pos and pattern.search(text, start, pos) is not None


@lru_cache(maxsize=256)
def _next_match_cache(pattern: re.Pattern, text: str, end: int) -> list:
    return [None, None]  # the last position asked, the match found from it


def _next_match(pattern: re.Pattern, text: str, pos: int, end: int) -> re.Match | None:
    """``pattern.search(text, pos, end)``, for positions asked in rising order: the match found from an
    earlier position is the first from every position up to its start."""
    cache = _next_match_cache(pattern, text, end)
    asked, found = cache
    if asked is not None and asked <= pos and (found is None or pos <= found.start()):
        return found
    cache[:] = pos, pattern.search(text, pos, end) if _may_occur(pattern, text, pos, end) else None
    return cache[1]


_NON_SPACE = re.compile(r"\S+")


def _first_words(text: str, start: int, end: int, count: int) -> list[str]:
    """``text[start:end].split()[:count]``, reading no further than those words."""
    words = []
    for word in _NON_SPACE.finditer(text, start, end):
        if len(words) == count:
            break
        words.append(word.group())
    return words


def _last_words(text: str, start: int, end: int, count: int) -> list[str]:
    """``text[start:end].split()[-count:]``, reading no further back than those words."""
    words: list[str] = []
    pos = end
    while len(words) < count:
        while pos > start and text[pos - 1].isspace():
            pos -= 1
        if pos == start:
            break
        word_end = pos
        while pos > start and not text[pos - 1].isspace():
            pos -= 1
        words.append(text[pos:word_end])
    return words[::-1]


@lru_cache(maxsize=256)  # every event word of a sentence trims it: once is enough
def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "“”\""):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "“”\""):
        end -= 1
    return start, end


def _evidence(text: str, sent: Span, quotes: _Quotes, pos: int) -> tuple[int, int]:
    """The quoted part of the sentence holding ``pos``, or else the whole sentence."""
    quote = quotes.holding(pos)
    if quote is not None:
        start, end = _trim(text, max(quote[0], sent.start), min(quote[1], sent.end))
        if start < end:
            return start, end
    return _trim(text, sent.start, sent.end)


def _clause(text: str, evidence: tuple[int, int], pos: int) -> tuple[int, int]:
    """The part of the evidence around ``pos`` between clause breaks ("; ", ", while", " — ")."""
    starts, ends = _clause_breaks(text, *evidence)  # breaks do not overlap: their ends rise with their starts
    before = bisect_right(ends, pos) - 1  # the last break that ends by ``pos``
    after = bisect_left(starts, pos)  # the first that starts at or after it
    return (ends[before] if before >= 0 else evidence[0]), (starts[after] if after < len(starts) else evidence[1])


@lru_cache(maxsize=256)
def _clause_breaks(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    words = text[start:end]
    if not any(cue in words for cue in _CLAUSE_BREAK_CUES):  # most sentences: no search
        return [], []
    spans = [m.span() for m in _CLAUSE_BREAK.finditer(text, start, end)]
    return [s for s, _ in spans], [e for _, e in spans]


def _window(text: str, clause_start: int, pos: int, max_words: int = 12) -> str:
    """The words just before ``pos`` in its clause, back to the last comma or subordinating word."""
    return " ".join(_window_words(text, clause_start, pos)[-max_words:]) + " "


@lru_cache(maxsize=256)  # an event word asks for its window whether it is an event, and again for its doer
def _window_words(text: str, clause_start: int, pos: int) -> list[str]:
    before = text[max(clause_start, pos - 150):pos]
    last = _last_window_start(before)
    if last is not None:
        before = before[last.end():]
    return before.split()


def _last_window_start(before: str, tail: int = 40) -> re.Match | None:
    """The last match of ``_WINDOW_START.finditer(before)``, looked for in its last ``tail`` characters first. Its
    matches are a mark or a whole word, where they are wherever a search begins: the last one from any position
    before it is the last one."""
    for start in (max(0, len(before) - tail), 0):
        last = None
        for last in _WINDOW_START.finditer(before, start):
            pass
        if last is not None or start == 0:
            return last
    return None


# --- event words in a sentence ------------------------------------------------------------------------------------
def _first_words_at(lower: str, openers: list[tuple[int, str]], types: set[str]) -> list[tuple[int, str]]:
    """The first words of the patterns of ``types`` in a lower-cased sentence, and where each begins, in text order:
    its opening words (``openers``), and the other first words where a type has them and the sentence holds the word
    their branches need (in a sentence without ``_UNLIKE_CASES``, the only one whose first words are read)."""
    more = [pattern for type_, pattern in _MORE_FIRST_WORD.items()
            if type_ in types and _MORE_FIRST_WORDS_NEED[type_] in lower]
    if not more:
        return openers
    return sorted(set(openers).union((w.start(), w.group()) for pattern in more for w in pattern.finditer(lower)))


def _event_words(text: str, sent: Span, types: set[str], firsts: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Where the patterns of ``types`` match in the sentence, each type's matches as its ``finditer`` gives them: in
    text order, the longest first where two begin at one place (in the order of the types where they end at one).

    A match begins at one of its type's first words (``firsts``, offsets into the sentence, in text order): in a
    sentence without ``_UNLIKE_CASES``, a pattern is tried only there, not at every character."""
    if _UNLIKE_CASES.search(sent.text):
        found = [(m.start(), m.end(), type_) for type_ in sorted(types, key=_TYPE_ORDER.__getitem__)
                 for m in _TRIGGERS[type_][1].finditer(text, sent.start, sent.end)]
    else:
        found = []
        searched_to: dict[str, int] = {}  # of each type: finditer goes on from the end of its last match
        for offset, word in firsts:
            pos = sent.start + offset
            for type_ in _TYPES_AT_FIRST_WORD[word]:
                if type_ in types and pos >= searched_to.get(type_, pos):
                    m = _TRIGGERS[type_][1].match(text, pos, sent.end)
                    if m:
                        found.append((pos, m.end(), type_))
                        searched_to[type_] = m.end()
    found.sort(key=lambda f: (f[0], f[0] - f[1]))  # stable: the types' order where two are alike
    return found


def _sentence_mentions(text: str, sent: Span, quotes: _Quotes, types: set[str],
                       firsts: list[tuple[int, str]]) -> list[_Mention]:
    found = _event_words(text, sent, types, firsts)
    if not found:
        return []  # most sentences with an opening word: "set", "told", "only" open no event word there
    kept: list[tuple[int, int, str]] = []
    for f in found:  # the longest event word wins where two overlap ("stabbed to death" over "stabbed")
        if not kept or f[0] >= kept[-1][1]:  # in text order, the last one kept reaches furthest
            kept.append(f)
    mentions = []
    previous: tuple[int, bool] | None = None  # end of the last event word and whether it was kept
    for start, end, type_ in kept:
        evidence = _evidence(text, sent, quotes, start)
        m = _Mention(type_, start, end, sent, evidence, _clause(text, evidence, start))
        ok = evidence[0] <= start < evidence[1] and _is_event(text, m)
        if previous and not previous[1] and _COORDINATED.fullmatch(text, previous[0], start):
            ok = False  # "fear a wave of raids and expulsions": the second shares the first's fate
        previous = (end, ok)
        if ok:
            mentions.append(m)
    # Killings in a sentence about an attack are that attack's toll, not murders of their own.
    if any(m.type in _VIOLENT for m in mentions):
        mentions = [m for m in mentions if m.type != "murder"]
    for m in mentions:  # "arrested on suspicion of killing X, who was stabbed": the stabbing was a killing
        if m.type == "assault" and _found_in(_FATAL, text, *m.clause):
            m.type = "murder"
    for i, m in enumerate(mentions):
        _describe(text, m, mentions, i)
    if any(m.type in ("detention", "arrest") and "arrested" in m.counts for m in mentions):
        for m in mentions:  # "raided ... and detained 50": the detained are counted on the detention only
            if m.type == "raid":
                m.counts.pop("arrested", None)
    # A threat needs someone threatened or threatening: "threats to national security" is no incident. A travel
    # advisory needs a government that issued it.
    return [m for m in mentions if (m.type != "threat" or m.target_group or m.perpetrator
            or (text[m.start:m.end].lower().startswith("threaten") and _found_in(_PERSONAL_PRONOUN, text, *m.clause)))
            and (m.type != "travel_advisory" or m.country)]


def _is_event(text: str, m: _Mention) -> bool:
    """False for negated, hypothetical, intended, generic or military mentions; types "attack"."""
    lower = text[m.start:m.end].lower()
    cs, ce = m.clause
    before = text[max(cs, m.start - 120):m.start]  # enough for the cues, which end at the event word
    window = _window(text, cs, m.start)
    if _form(_BASE_FORM, lower) and not _ASPECT_TO.search(before) and (
            _HYPOTHETICAL_VERB.search(before) or _HYPOTHETICAL_PARTICIPLE.search(before)):
        return False  # "to arrest", "will raid"
    if lower == "insult" and not _ASPECT_TO.search(before):
        return False  # "an insult to", "to insult": the bare word is no event
    if _form(_VERB_PAST, lower.split()[0]) and _HYPOTHETICAL_PARTICIPLE.search(before):
        return False  # "could be deported", "will be sent home"
    if _found_before(_DENIAL, text, cs, ce, m.start):
        return False
    if not lower.endswith("ed") and _NOT_EVENT_NOUN.search(before):
        return False  # "face deportation", "a rise in hate speech"
    # "no more than" and "not only" are not negations; taking them out leaves no other that was not there
    if _WINDOW_CUES.search(window) or (_NEGATION.search(window) and _NEGATION.search(_NOT_NEGATION.sub(" ", window))):
        return False
    if m.type in ("detention", "deportation", "arrest", "attack", "assault") and _GENERIC_AFTER.match(text, m.end, ce):
        return False  # "detention centre", "arrest warrant"
    rule = _NOT_EVENT_AFTER.get(m.type)
    if rule is not None and rule.match(text, m.end, ce):
        return False
    if m.type in ("terror_attack", "attack", "assault", "murder", "raid") and (
            _MILITARY_OBJECT.search(" ".join(_first_words(text, m.end, ce, 8))) or _found_in(_WAR, text, cs, ce)):
        return False
    if m.type == "murder" and _found_in(_ACCIDENT, text, cs, ce):
        return False
    if lower in ("arrest", "raid") and not _NOUN_DETERMINER.search(before):
        return False  # a bare verb, as in a headline's plan
    if m.type == "raid" and not lower.startswith(("raid", "round")) and not _found_in(_POLICE, text, cs, ce):
        return False  # a sweep, a search, an operation: by police
    if lower.startswith(("held", "sent", "put", "placed")) and not _PEOPLE_PASSIVE.search(before):
        return False  # "talks were held in", "money sent home": only people are held or sent back
    if m.type == "threat" and lower.startswith(("publish", "post", "leak", "shar", "circulat")) and not (
            _found_in(_ONLINE, m.sentence.text) and _next_match(_GROUP_RE, text, m.end, ce)):
        return False  # publishing the addresses of migrants online, not of the ministry's offices
    if m.type == "harassment" and lower.startswith("call") and not _found_in(_ONLINE, m.sentence.text):
        return False  # a politician calling for deportations is not online harassment
    if m.type == "travel_advisory" and not lower.startswith("travel") and not _next_match(_TRAVEL, text, m.end, ce):
        return False  # "urged its citizens to carry their documents" is advice, not a travel advisory
    if m.type == "protest" and (_GOVERNMENT.search(window) or _DIPLOMATIC.search(before)):
        return False  # a government's diplomatic protest ("a note of protest") is not a protest in the street
    if _NOBODY_AFTER.match(text, m.end, ce):
        return False  # "detained no one"
    if lower.startswith("rall") and not lower.endswith(("y", "ies")) and not (_GROUP_RE.search(window) or _NUM_RE.search(window)):
        return False  # "the ruble rallied": only people rally
    if lower == "beat":  # "beat three migrants", not "beat the odds"
        return _BEAT_OBJECT.match(text, m.end, ce) is not None
    if m.type == "attack":
        return _type_attack(text, m, before)
    return True


def _type_attack(text: str, m: _Mention, before: str) -> bool:
    """An attack is terror, an assault, or (written "the attack") a mention of an earlier one."""
    lower = text[m.start:m.end].lower()
    # A terror cue anywhere in the sentence; a known attack's name only next to the word ("attacks on migrants
    # since the Crocus attack": the first are not that attack).
    if _found_in(_TERROR_CUE, m.sentence.text) or _KNOWN_ATTACK.search(text, max(m.sentence.start, m.start - 40),
                                                                            min(m.sentence.end, m.end + 40)):
        m.type = "terror_attack"
    elif lower == "attacked" or _ATTACK_ON_PEOPLE.match(text, m.end, m.clause[1]):
        m.type, m.generic = "assault", True
    elif not _ANAPHORIC_BEFORE.search(before):
        return False
    return True


def _describe(text: str, m: _Mention, mentions: list[_Mention], i: int) -> None:
    """Target group, counts and perpetrator, from the words between this event word (``mentions[i]``; they are
    in text order, without overlaps) and its neighbours."""
    cs, ce = m.clause
    prev_end = mentions[i - 1].end if i > 0 and mentions[i - 1].end >= cs else cs
    next_start = mentions[i + 1].start if i + 1 < len(mentions) and mentions[i + 1].start < ce else ce
    before, after = text[prev_end:m.start], text[m.end:next_start]
    lower = text[m.start:m.end].lower()
    passive = bool(_PASSIVE_BEFORE.search(before, max(0, len(before) - 40)))
    after_determiner = bool(_ANAPHORIC_BEFORE.search(text, max(cs, m.start - 40), m.start))
    m.anaphoric = after_determiner and (
        (_form(_NOUN_FORM, lower) and not _form(_VERB_PAST, lower))
        or (_form(_VERB_PAST, lower) and bool(_PARTICIPLE_BEFORE_PEOPLE.match(text, m.end, ce))))
    m.restated = (bool(_PRONOUN_AFTER.match(text, m.end, ce)) or bool(_OBJECT_PRONOUN_IN.search(text, m.start, m.end)) or (passive and bool(_KNOWN_SUBJECT.search(before)))) \
        and not _introduced_before(text, m)  # not "a man said police beat him"
    if m.type == "travel_advisory":
        _describe_advisory(text, m)
        return
    if m.type == "protest":
        group = None  # protesters are no target: who they are is not read
    elif m.type in ("harassment", "arson") and _GROUP_RE.search(text, m.start, m.end):
        group = _group_after(text[m.start:m.end])  # "calling for Tajiks to be deported", "set their hostel on fire"
    else:
        who = _WHO_PASSIVE.search(before) if passive else None
        # "killing Sorbon Kholov, 31, who was stabbed": the one before "who", not the nearest people before it
        group = (_group_ending(before[:who.start()]) if who else _group_before(before)) if passive \
            else _group_after(after)
    if group is None and m.type != "protest" and not passive and _form(_NOUN_FORM, lower):
        subject = _group_before(" ".join(_last_words(text, cs, m.start, 12)))  # "migrants reported harassment"
        group = (subject[0], None) if subject else None
    ordered = _ORDERED_OBJECT.search(before) if m.type == "deportation" and not passive else None
    if ordered:  # "courts ordered at least 40 of them deported"
        group = (group[0] if group else None, _number(ordered.group("n"), ordered.group("q")))
    kinds = _COUNT_KINDS.get(m.type, ())
    if group:
        m.target_group = group[0] or m.target_group
        kind = "arrested" if "arrested" in kinds else "killed" if m.type == "murder" else "victims"
        if group[1] is not None and kind in kinds:
            m.counts[kind] = group[1]
    for kind in kinds:
        if kind in _COUNT_CUES and kind not in m.counts:
            count = _count(text, cs, ce, m.start, kind)
            if count:
                m.counts[kind] = count
    m.perpetrator = _agent(text, m, next_start)
    if m.perpetrator is None and _ATTACKERS.match(text, m.start, m.end):  # "Gunmen opened fire"
        m.perpetrator = _ATTACKERS.match(text, m.start, m.end).group().lower()
    if m.perpetrator is None and not passive and (not _form(_NOUN_ONLY, lower) or _LIGHT_VERB.search(before)):
        # The subject of a verb ("Unknown persons beat"), or of "launched raids"; not of "warned of threats".
        m.perpetrator = _actor(before if prev_end > cs else _window(text, cs, m.start, 14))


def _introduced_before(text: str, m: _Mention) -> bool:
    """Whether the sentence introduces someone ("a man", "one of the workers") before the event word."""
    return _found_before(_INTRODUCED, text, m.sentence.start, m.sentence.end, m.start)


def _describe_advisory(text: str, m: _Mention) -> None:
    """A travel advisory's country is its issuer ("Kyrgyzstan has warned", "Uzbekistan's ... Agency issued")."""
    cs, ce = m.clause
    issuer, who = None, None
    place = _last_country_before(text, m.sentence, cs, m.start)
    if place is not None:
        issuer = place.country
        org = _ADVISORY_ORG.match(text, place.end, m.start) if place.possessive else None
        who = text[place.start:org.end()] if org else None
    if issuer is None:
        dm = _leftmost_before(_ADVISORY_DEMONYM, text, cs, m.start, ce)  # "the Kyrgyz Foreign Ministry"
        if dm:
            issuer, who = demonym_country(dm.group("dem").split()[0]), dm.group("np").strip()
    if issuer is None:
        # "the Foreign Ministry advised Kyrgyz citizens": a government advises its own citizens
        dm = _ADVISORY_CITIZENS.search(text, m.start, m.end)
        if dm:
            issuer = demonym_country(dm.group("dem").split()[0])
            org = _leftmost_before(_ADVISORY_BARE_ORG, text, cs, m.start, ce)
            who = f"{citizen_adjective(issuer)} {org.group('org')}" if issuer and org else None
    if issuer is None:
        return
    m.country = issuer
    m.perpetrator = who or f"Government of {country_name(issuer)}"
    dest = next((p.country for p in _destinations(text, m.sentence) if p.country != issuer), None)
    m.target_group = f"{citizen_adjective(issuer)} citizens" + (f" travelling to {country_name(dest)}" if dest else "")


def _last_country_before(text: str, sent: Span, start: int, end: int) -> Place | None:
    """The last country named in text[start:end] of the sentence."""
    if not _places_apart(text, sent):
        return next((p for p in reversed(_places_in(text, sent, start, end)) if p.kind == "country"), None)
    places, countries = _sentence_places(text, sent), _place_index(text, sent, False).countries
    i = bisect_right(countries, end, key=lambda j: places[j].end) - 1
    return places[countries[i]] if i >= 0 and places[countries[i]].start >= start else None


@lru_cache(maxsize=256)
def _destinations(text: str, sent: Span) -> list[Place]:
    """The countries of the sentence named as where one goes or is ("to", "in", "visit")."""
    return [p for p in _places_in(text, sent)
            if p.kind == "country" and p.preposition in ("to", "in", "visit", "visiting")]


def _leftmost_before(pattern: re.Pattern, text: str, start: int, pos: int, end: int) -> re.Match | None:
    """``pattern.search(text, start, pos)`` for ``pos`` up to ``end``, for a pattern whose match does not
    rest on the text ending where it ends: such a match starts where one starts in text[start:end]."""
    while True:
        full = _first_match(pattern, text, start, end)
        if full is None or full.start() >= pos:
            return None
        cut = pattern.match(text, full.start(), pos)
        if cut:
            return cut
        start = full.start() + 1


def _clean_np(np: str) -> str:
    first, _, rest = " ".join(np.split()).partition(" ")
    if first.lower() in _COMMON_WORDS:
        first = first.lower()
    return f"{first} {rest}".strip()


def _group_after(after: str) -> tuple[str | None, tuple[int, str] | None] | None:
    m = _first_group(after, 120)
    if not m or len(after[:m.start()].split()) > 10 or _TOLL_WORD.search(after, 0, m.start()):
        return None  # "the attack, which killed 139 people": the dead are a count, not the target
    return _group(m, after)


def _group_before(before: str) -> tuple[str | None, tuple[int, str] | None] | None:
    text = before[-160:]
    last = _last_group(text)
    if last is not None:
        np, count = _group(last, text)
        if _AND_BEFORE.search(text, 0, last.start()):
            count = None  # "Mr A, his wife and their two children": two of them, not how many
        return np, count
    bare = _BARE_NUMBER_SUBJECT.search(text)  # "seven were deported"
    return (None, _number(bare.group("n"), text[:bare.start()])) if bare else None


def _group_ending(text: str) -> tuple[str | None, tuple[int, str] | None] | None:
    """The people named at the very end of ``text`` (an age or a comma may follow them), if any."""
    text = _AGE_TAIL.sub("", text[-160:])
    last = _last_group(text)
    return _group(last, text) if last is not None and last.end() >= len(text.rstrip()) else None


def _first_group(text: str, end: int) -> re.Match | None:
    """``_GROUP_RE.search(text, 0, end)``, found in the lower-cased text where it reads every letter alike."""
    if _UNLIKE_CASES.search(text, 0, end):
        return _GROUP_RE.search(text, 0, end)
    m = _GROUP_LOWER.search(text[:end].lower())  # the pattern reads no further than ``end``
    return m and _GROUP_RE.match(text, m.start(), end)


def _last_group(text: str) -> re.Match | None:
    """The last match of ``_GROUP_RE.finditer(text)``, found as ``_first_group``."""
    plain = _UNLIKE_CASES.search(text) is not None
    last = None
    for last in (_GROUP_RE if plain else _GROUP_LOWER).finditer(text if plain else text.lower()):
        pass
    return last if plain or last is None else _GROUP_RE.match(text, last.start())


def _group(m: re.Match, text: str) -> tuple[str, tuple[int, str] | None]:
    """A target group and its number: "three Tajik migrants" is 3, "one Tajik man" is 1, "a family of five" is 5;
    "a Tajik man" states no number."""
    np = _clean_np(m.group("np"))
    if m.group("num"):
        return np, _number(m.group("num"), text[:m.start("num")])
    family = _FAMILY_OF.match(text, m.end()) if np.endswith(("family", "families")) else None
    if family:
        return np, _number(family.group("n"), "")
    if m.group("one") and m.group("one").lower() == "one" and _SINGULAR_HEAD.search(np):
        return np, (1, "exact")
    return np, None


def _number(surface: str, prefix: str) -> tuple[int, str] | None:
    """A count and its qualifier; years and zero are not counts."""
    parsed = parse_number(surface)
    if parsed is None or parsed[0] < 1 or (surface.isdigit() and 1900 <= parsed[0] <= 2100):
        return None
    value, vague = parsed
    if vague:  # "hundreds": a lower bound
        return int(value), "at_least"
    qualifier = qualifier_before(prefix)
    return int(value), qualifier[0] if qualifier else "exact"


def _count(text: str, start: int, end: int, pos: int, kind: str) -> tuple[int, str] | None:
    """The count of ``kind`` nearest ``pos`` in the clause [start, end), stated with a cue: "killed at least 139"
    or "139 people were killed" (the nearer value on a tie)."""
    starts, values = _counts_in(text, start, end, kind)
    i = bisect_left(starts, pos)
    found = [(abs(starts[j] - pos), values[j]) for j in (i - 1, i) if 0 <= j < len(starts)]
    return min(found)[1] if found else None


@lru_cache(maxsize=256)
def _counts_in(text: str, start: int, end: int, kind: str) -> tuple[list[int], list[tuple[int, str]]]:
    """The numbers of the clause [start, end) stated as counts of ``kind``: where each starts, and its count."""
    cue_before, cue_after = _COUNT_CUES[kind]
    starts, values = [], []
    for n in _numbers_in(text, start, end):
        cue = cue_before.search(text, max(start, n.start() - 60), n.start())
        if cue:
            q = cue.group("q")
            qualifier = qualifier_before(q)
            if q.strip() and not (qualifier and qualifier[1] >= len(q.strip())):
                cue = None
        if cue or cue_after.match(text, n.end()):
            value = _number(n.group(), text[max(start, n.start() - 30):n.start()])
            if value:
                starts.append(n.start())
                values.append(value)
    return starts, values


@lru_cache(maxsize=256)  # a clause is read for each kind of count its event word may have
def _numbers_in(text: str, start: int, end: int) -> list[re.Match]:
    """The numbers of the clause [start, end) that may be counts: not an age, a share or a sum of dollars."""
    return [n for n in _NUM_RE.finditer(text, start, end)
            if not (_NOT_A_COUNT_AFTER.match(text, n.end()) or text[n.start() - 1:n.start()] == "$")]


def _actor(window: str) -> str | None:
    """The doer named just before the event word: "Unknown persons beat" gives "unknown persons"."""
    last = None
    for last in _ACTOR_RE.finditer(window):
        pass
    if last is None:
        return None
    words = last.group("np").split()
    while words and words[0].lower() in ("the", "a", "an", "some", "several", "in", "on", "at", "and"):
        words = words[1:]
    return _clean_np(" ".join(words)) if words else None


def _agent(text: str, m: _Mention, next_start: int) -> str | None:
    """The doer of a passive ("beaten by police") or of a claimed attack ("claimed by ..., known as X, or Y"), in
    the words after the event word, up to the next one (or for an attack, to the end of the clause, or in all of it)."""
    cs, ce = m.clause
    for start, end in ((m.end, next_start), (m.end, ce), (cs, ce))[:3 if m.type in ("terror_attack", "attack") else 1]:
        # "by" just after the event word, else "claimed by" anywhere: at one place, only one of them begins
        agent = _AGENT_BY.match(text, start, end) or (
            _first_match(_AGENT_CLAIMED, text, start, end) if start == cs
            else _next_match(_AGENT_CLAIMED, text, start, end))
        if agent:
            named = _agent_named(text, agent.end(), end)
            if named is not None:
                return named[0]
    return None


@lru_cache(maxsize=256)
def _first_match(pattern: re.Pattern, text: str, start: int, end: int) -> re.Match | None:
    return pattern.search(text, start, end) if _may_occur(pattern, text, start, end) else None


@lru_cache(maxsize=256)
def _agent_named(text: str, start: int, end: int) -> tuple[str | None] | None:
    """The doer named in text[start:end], after "by" (in a tuple: a private person is named as None); None when
    no words follow."""
    stop = _NP_STOP.search(text, start, end)
    np = re.sub(r"^(?:the|a|an)\s+", "", text[start:stop.start() if stop else end].strip())
    if not np:
        return None
    known = _KNOWN_AS.match(text, stop.start(), end) if stop else None
    if known:
        np = known.group("name").strip() + (f" ({known.group('short')})" if known.group("short") else "")
    if _PERSON_NAME.fullmatch(np) and not _ORG_WORD.search(np):
        return (None,)  # a private person's name stays out of the data
    return (_clean_np(np),)


# --- where and when -----------------------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _sentence_places(text: str, sent: Span) -> tuple[Place, ...]:
    start = _dateline_end(text, sent)
    # the regions named in the article are looked for only where they may tell which town a name means and one
    # that would may be named in it
    context = _regions(text) if reads_regions_named(text, start, sent.end) else ()
    return tuple(find_places(text, start, sent.end, context=context))


@lru_cache(maxsize=256)  # asked by every event word of the sentence
def _dateline_end(text: str, sent: Span) -> int:
    """Where the sentence begins after its dateline ("DUSHANBE, May 31 (TASS) — "): the place and date of the
    report, not of the events it tells."""
    start = sent.start
    opens_paragraph = start == 0 or text[start - 1] == "\n"
    # a dateline ends with a dash: a sentence without one has none
    dashed = opens_paragraph and ("-" in sent.text or "—" in sent.text or "–" in sent.text)
    dateline = _DATELINE.match(text, start, sent.end) if dashed else None
    return dateline.end() if dateline else start


@lru_cache(maxsize=16)
def _regions(text: str) -> frozenset[Region]:
    """The regions named anywhere in the article: they tell which of two same-named towns is meant."""
    return frozenset(place.region for sent in sentences(text) if may_name_region(text, sent.start, sent.end)
                     for place in find_places(text, sent.start, sent.end) if place.kind == "region")


@lru_cache(maxsize=16)
def _story_cities(text: str) -> dict[str, Place]:
    """Country -> the city the story is set in, which its place-less sentences about events refer to: of the cities
    the lead (dateline included) names as a scene, the most named in the article, if named again.

    The other sentences are read only while a count is asked, and only where they may name a city asked about: a
    country of one city in the lead asks only whether it is named twice."""
    sents = sentences(text)
    lead_end = next((p.end for p in paragraphs(text)), 0)
    lead = [sent for sent in sents if sent.start < lead_end]  # sentences are in text order: the lead's come first
    places = [place for sent in lead for place in find_places(text, sent.start, sent.end)]
    lead_cities = [place for place in places if _scene_city(text, place)]
    counts = Counter(_names_of_cities(text, places))
    names_by_country: dict[str, set[str]] = {}
    for place in lead_cities:
        names_by_country.setdefault(place.country, set()).add(place.city.name)
    for sent in sents[len(lead):]:
        asked = frozenset(name for names in names_by_country.values() for name in names
                          if len(names) > 1 or counts[name] < 2)
        if not asked:
            break
        if may_name_city(text, sent.start, sent.end, asked):
            counts.update(_names_of_cities(text, find_places(text, sent.start, sent.end)))
    story: dict[str, Place] = {}
    for place in lead_cities:
        if counts[place.city.name] >= 2 and (
                place.country not in story or counts[place.city.name] > counts[story[place.country].city.name]):
            story[place.country] = place
    return story


def _names_of_cities(text: str, places: Iterable[Place]) -> list[str]:
    """The names of the cities among places, as the story names them, wherever it goes or comes from."""
    return [place.city.name for place in places if place.kind == "city" and not _aside(text, place)]


@lru_cache(maxsize=16)
def _scene_cities(text: str) -> dict[str, tuple[list[Place], list[int]]]:
    """Country -> every city of it named as a scene, in text order ("the city's market" is the last one), and their
    ends (which rise with their starts)."""
    by_country: dict[str, tuple[list[Place], list[int]]] = {}
    for sent in sentences(text):
        for place in find_places(text, sent.start, sent.end):
            if _scene_city(text, place):
                of_country, ends = by_country.setdefault(place.country, ([], []))
                of_country.append(place)
                ends.append(place.end)
    return by_country


def _scene_city(text: str, place: Place) -> bool:
    """A city named as where something is or happens: not a landmark, a destination or an origin."""
    return (place.kind == "city" and not _aside(text, place)
            and place.preposition not in ("to", "towards", "into", "from"))


def _aside(text: str, place: Place) -> bool:
    """A landmark, not the scene: "near Moscow", "outside Moscow", "east of Moscow"."""
    return place.preposition in ("near", "outside") or (
        place.preposition == "of" and _DIRECTION_OF.search(text, max(0, place.start - 30), place.start) is not None) or (
        place.possessive and _DIRECTION_AFTER_POSSESSIVE.match(text, place.end) is not None)


@lru_cache(maxsize=256)
def _relative_clauses(text: str, sent: Span) -> tuple[list[int], list[int]]:
    """Where the "who/which ..." clauses of the sentence start and end (both rise: each ends at the first stop
    after its word); they tell about someone or something else than the event."""
    starts, ends = [], []
    if "wh" not in sent.text:  # most sentences: no "who" or "which"
        return starts, ends
    stops = [m.start() for m in _RELATIVE_END.finditer(text, sent.start, sent.end)]
    for m in _RELATIVE.finditer(text, sent.start, sent.end):
        i = bisect_left(stops, m.end())
        starts.append(m.start())
        ends.append(stops[i] if i < len(stops) else sent.end)
    return starts, ends


def _clauses_holding(clauses: tuple[list[int], list[int]], pos: int) -> range:
    """The relative clauses that hold ``pos``: consecutive ones, as their starts and ends both rise."""
    starts, ends = clauses
    return range(bisect_right(ends, pos), bisect_right(starts, pos))


def _in_other_clause(clauses: tuple[list[int], list[int]], place: Place, own: range, after: range) -> bool:
    """Whether the place lies in a relative clause other than the event word's own (``own``) and one just after
    it (``after``)."""
    if not clauses[0]:
        return False
    holding = _clauses_holding(clauses, place.start)
    exempt = sum(max(0, min(holding.stop, r.stop) - max(holding.start, r.start)) for r in (own, after)
                 if r is not None)
    return len(holding) > exempt


def _places_in(text: str, sent: Span, start: int | None = None, end: int | None = None) -> tuple[Place, ...]:
    """Places named in a sentence (its dateline left out), or in the part of it from ``start`` to ``end``."""
    places = _sentence_places(text, sent)
    if start is None and end is None:
        return places
    return tuple(p for p in places if (start is None or p.start >= start) and (end is None or p.end <= end))


class _Setting:
    """Where the article's events are set, for those whose sentence names no scene: the default country and the
    story's cities, found when a mention first asks (in most articles, every event's sentence names its place)."""

    def __init__(self, text: str, mentions: list[_Mention]):
        self.text, self.mentions = text, mentions

    @cached_property
    def country(self) -> str:
        return _default_country(self.text, self.mentions)

    @cached_property
    def story(self) -> dict[str, Place]:
        return _story_cities(self.text)


def _default_country(text: str, mentions: list[_Mention]) -> str:
    """The country of the article's events: the one most named where its events are told, and where its story is
    set, else the default."""
    votes = {country: 2 for country in _story_cities(text)}
    for sent in {m.sentence for m in mentions}:
        for place in _places_in(text, sent):
            if place.preposition in ("to", "towards", "into", "from"):
                continue
            if place.kind != "country" or place.locative:
                votes[place.country] = votes.get(place.country, 0) + (1 if place.kind == "country" else 2)
    if not votes:
        return DEFAULT_COUNTRY
    return max(sorted(votes), key=lambda c: (votes[c], c == DEFAULT_COUNTRY, c in STORY_COUNTRIES))


_FEW_PLACES = 8  # a sentence with no more places is looked at place by place


class _Scene:
    """What _locate asks of the places of an event word's evidence: which may be its scene, nearest first.

    A place is a candidate for the scene, an aside (a landmark: "near Moscow"), or neither (see ``kind``). In a
    sentence of many places (in text order, and but for rare cases not overlapping) the nearest are found from
    the event word outwards, skipping at once those that are never a scene, so that the event words of a long
    sentence do not each go through all its places."""

    def __init__(self, text: str, m: _Mention):
        self.text, self.m = text, m
        self._clauses: tuple | None = None
        self.places = _sentence_places(text, m.sentence)
        self.indexed = len(self.places) > _FEW_PLACES and _places_apart(text, m.sentence)
        if self.indexed:
            self.index = _place_index(text, m.sentence, m.type == "deportation")
            self.first = bisect_left(self.index.starts, m.evidence[0])
            self.last = bisect_right(self.index.ends, m.evidence[1])  # places[first:last] lie in the evidence
            self.split = max(self.first, min(self.last, bisect_right(self.index.ends, m.start)))  # the first after it
        else:
            self.in_evidence = _places_in(text, m.sentence, *m.evidence)
            self.nearest_first = sorted(self.in_evidence, key=lambda p: _distance(p, m))  # stable: text order on a tie

    def _in_other_clause(self, place: Place) -> bool:
        # A "who/which" clause elsewhere in the sentence tells of something else; one right after the event word
        # ("the protest, which took place in Novosibirsk") tells of the event.
        if self._clauses is None:
            clauses = _relative_clauses(self.text, self.m.sentence)
            after = range(bisect_left(clauses[0], self.m.end), bisect_right(clauses[0], self.m.end + 2))
            self._clauses = clauses, _clauses_holding(clauses, self.m.start), after
        clauses, own, after = self._clauses
        return _in_other_clause(clauses, place, own, after)

    def kind(self, place: Place) -> str | None:
        """ "candidate", "aside" or None."""
        m = self.m
        # "deported from Russia", "flown from Moscow ... after courts ordered their expulsion": where they were
        # deported from; not "migrants from Kyrgyzstan"
        deported_from = m.type == "deportation" and place.preposition == "from" and (
            0 <= place.start - m.end <= 60 or place.kind == "city")
        if place.kind == "country" and (place.possessive or not (place.locative or deported_from)):
            return None
        if place.preposition in ("to", "towards", "into") or (place.preposition == "from" and not deported_from):
            return None  # a destination or an origin, not the scene
        if place.preposition == "by" and not _LOCAL_FORCE_AFTER.match(self.text, place.end):
            return None  # "a poem by Pushkin", "sanctioned by Moscow": an author or an agent, not the scene
        if self._in_other_clause(place):
            return None  # "to protest the treatment of citizens who were held at a Moscow airport"
        if place.kind == "city" and _aside(self.text, place):
            return "aside"  # "in Kotelniki near Moscow", "a concert hall outside Moscow"
        return "candidate"

    def _sides(self):
        """The places of the evidence that may be a scene, before the event word and after it, nearest first."""
        if not self.indexed:
            return (self.nearest_first,)
        index, places = self.index, self.places

        def before():
            i = index.keep_before[self.split - 1] if self.split > self.first else -1
            while i >= self.first:
                yield places[i]
                i = index.keep_before[i - 1] if i > self.first else -1

        def after():
            i = index.keep_after[self.split]
            while i < self.last:
                yield places[i]
                i = index.keep_after[i + 1]
        return before(), after()

    def nearest(self, wanted, within: int | None = None) -> Place | None:
        """The nearest place of a kind ``wanted(place, kind)`` accepts, no further than ``within`` (on a tie, the
        first in text order)."""
        best: tuple[int, Place] | None = None
        for side in self._sides():
            for place in side:
                distance = _distance(place, self.m)
                if (within is not None and distance > within) or (best is not None and distance >= best[0]):
                    break  # further on this side, every place is further away
                if wanted(place, self.kind(place)):
                    best = (distance, place)
                    break
        return best[1] if best else None

    def region_of(self, city: Place) -> Region | None:
        """The first candidate region of the evidence that holds the city ("Kaluga, Kaluga Oblast")."""
        regions = (self.in_evidence if not self.indexed else
                   [self.places[i] for i in self.index.regions[bisect_left(self.index.regions, self.first):
                                                               bisect_left(self.index.regions, self.last)]])
        return next((p.region for p in regions if p.kind == "region" and p.region.country == city.country
                     and p.region.admin1 == city.city.admin1 and self.kind(p) == "candidate"), None)


@dataclass(frozen=True)
class _PlaceIndex:
    starts: list[int]
    ends: list[int]
    keep_before: list[int]  # for each place, the last place up to it that may be a scene (-1: none)
    keep_after: list[int]  # for each place, the first place from it that may be a scene (len(places): none)
    regions: list[int]  # the regions among them
    countries: list[int]  # the countries among them


@lru_cache(maxsize=256)
def _place_index(text: str, sent: Span, deportation: bool) -> _PlaceIndex:
    places = _sentence_places(text, sent)

    def may_be_scene(p: Place) -> bool:  # as _Scene.kind says whatever the event word (a deportation or not) is
        if p.preposition in ("to", "towards", "into", "by") or (p.preposition == "from" and not deportation):
            return False
        deported_from = deportation and p.preposition == "from"
        return not (p.kind == "country" and (p.possessive or not (p.locative or deported_from)))

    keep = [may_be_scene(p) for p in places]
    keep_before, last = [], -1
    for i, k in enumerate(keep):
        last = i if k else last
        keep_before.append(last)
    keep_after = [len(places)] * (len(places) + 1)
    for i in range(len(places) - 1, -1, -1):
        keep_after[i] = i if keep[i] else keep_after[i + 1]
    return _PlaceIndex([p.start for p in places], [p.end for p in places], keep_before, keep_after,
                       [i for i, p in enumerate(places) if p.kind == "region"],
                       [i for i, p in enumerate(places) if p.kind == "country"])


@lru_cache(maxsize=256)
def _places_apart(text: str, sent: Span) -> bool:
    """Whether the places of the sentence do not overlap (in text order, their ends rise too)."""
    places = _sentence_places(text, sent)
    return all(a.end <= b.start for a, b in zip(places, places[1:]))


def _locate(text: str, m: _Mention, setting: _Setting, quotes: _Quotes) -> None:
    """Place and country of the event: a city, region or "in <country>" near its word; else the city the story
    is set in, where the sentence names no other scene; else the default country."""
    if m.type == "travel_advisory":
        return
    scene = _Scene(text, m)
    nearest = scene.nearest(lambda p, kind: kind == "candidate")
    if nearest is not None and nearest.end <= m.start and _AND.search(text, nearest.end, m.start):
        # "the beating of students in Omsk on May 2 and raids on migrants in Tver": each its own place
        after = scene.nearest(lambda p, kind: kind == "candidate" and p.start >= m.end and p.locative, within=60)
        if after is not None:
            nearest, m.scope_start = after, _last_match_end(_AND, text, nearest.end, m.start)
    nearest_aside = scene.nearest(lambda p, kind: kind == "aside",
                                  within=None if nearest is None else _distance(nearest, m) - 1)
    if nearest_aside and nearest is not None and nearest.kind == "city" and nearest.end <= nearest_aside.start \
            and _APPOSITIVE_GAP.fullmatch(text, nearest.end, nearest_aside.start):
        nearest_aside = None  # "In Kaluga, southwest of Moscow, ...": the landmark tells where the city lies
    if nearest_aside:  # nearer than every candidate
        m.country = nearest_aside.country  # "a massacre at a concert hall near Moscow": somewhere near, not in it
        return
    doer = _country_subject(text, m) if nearest is None and m.type in _STATE_ACTS else None
    if doer is not None:  # "Kazakhstan deported 300 migrants": the country that did it
        m.country = doer.country
        return
    if nearest is None and not m.anaphoric:  # "the killing" is where the killing told before was
        m.place = _inherited_city(text, m, setting, quotes)
        m.inherited = m.place is not None
    if nearest is not None:
        city = nearest if nearest.kind == "city" else scene.nearest(
            lambda p, kind: kind == "candidate" and p.kind == "city" and p.country == nearest.country,
            within=_distance(nearest, m) + 30)
        if city is None and nearest.kind == "region":  # "In Blagoveshchensk, in the Amur region, ...": its city
            city = scene.nearest(lambda p, kind: kind == "candidate" and p.kind == "city"
                                 and (p.country, p.city.admin1) == (nearest.country, nearest.region.admin1))
        m.place = city or nearest
        if m.place.kind == "city" and m.place.region is None:  # a region named with the city ("Kaluga, Kaluga Oblast")
            region = scene.region_of(m.place)
            if region is not None:
                m.place = replace(m.place, region=region)
    m.country = m.place.country if m.place else setting.country


def _last_match_end(pattern: re.Pattern, text: str, start: int, end: int) -> int:
    last = start
    for last_match in pattern.finditer(text, start, end):
        last = last_match.end()
    return last


def _list_items(text: str, m: _Mention) -> list[_Mention]:
    """One mention per place of a list the event's place belongs to: "raids in Tula, Orel and Kursk" are three
    raids, "held at Vnukovo and Domodedovo airports" two detentions (an airport named alone is in no city)."""
    cs, ce = m.clause
    airports = _AIRPORT_LIST.search(text, cs, ce) if "airports" in m.sentence.text else None
    if airports is not None:  # the town an airport bears the name of, where it is one, keeps the records apart
        towns = {p.start: p for p in _places_in(text, m.sentence, *airports.span()) if p.kind == "city"}
        names = [(airports.start("names") + n.start(), n.group()) for n in _NAME.finditer(airports.group("names"))]
        return [replace(m, place=towns.get(start), country=m.country, item=name, counts=m.counts if i == 0 else {})
                for i, (start, name) in enumerate(names)]
    if m.place is None or m.place.kind != "city" or m.inherited:
        return [m]
    cities = [p for p in _places_in(text, m.sentence, cs, ce) if p.kind == "city"]
    i = next((j for j, p in enumerate(cities) if p.start == m.place.start), None)
    if i is None:
        return [m]
    first = last = i
    while first > 0 and _LIST_GAP.fullmatch(text, cities[first - 1].end, cities[first].start):
        first -= 1
    while last + 1 < len(cities) and _LIST_GAP.fullmatch(text, cities[last].end, cities[last + 1].start):
        last += 1
    if first == last:
        return [m]
    return [replace(m, place=p, country=p.country, item=p.city.name, counts=m.counts if p is m.place else {})
            for p in cities[first:last + 1]]


def _country_subject(text: str, m: _Mention) -> Place | None:
    """A country named as the doer just before a state's act: "Kazakhstan deported", "Russia has expelled".

    Where places do not overlap, only the last one before the act may be it: between any other and the act
    stands that place's name, where only white space and "has", "also", ... may."""
    if _places_apart(text, m.sentence):
        i = bisect_right(_place_index(text, m.sentence, False).ends, m.start) - 1
        places = _sentence_places(text, m.sentence)[max(i, 0):i + 1]
        places = tuple(p for p in places if p.start >= m.clause[0])
    else:
        places = _places_in(text, m.sentence, m.clause[0], m.start)
    for place in reversed(places):
        if place.kind == "country" and not place.possessive and place.preposition not in _PREPOSITIONS \
                and _COUNTRY_SUBJECT_GAP.fullmatch(text, place.end, m.start):
            return place
    return None


def _inherited_city(text: str, m: _Mention, setting: _Setting, quotes: _Quotes) -> Place | None:
    """The city of a sentence that names no scene: "the city's market" is the last city named, and an event told
    without a place is in the city the story is set in. Not in quoted speech, nor where the sentence speaks of a
    whole country ("Kazakhstan deported", "raids across the country")."""
    if quotes.holding(m.evidence[0]) is not None or _found_in(_NATIONWIDE, m.sentence.text):
        return None
    if _names_a_country(text, m.sentence):
        return None
    if _found_in(_THE_CITY, m.sentence.text):
        before = _last_city_before(text, m.sentence.start, setting.country)
        if before:
            return before
    return setting.story.get(setting.country)


@lru_cache(maxsize=256)
def _names_a_country(text: str, sent: Span) -> bool:
    """Whether the sentence speaks of a whole country: names one, not as a destination, origin or nationality."""
    return any(p.kind == "country" and not p.possessive and p.preposition not in ("to", "towards", "into", "from")
               and not _NATIONALITY_OF.search(text, max(0, p.start - 30), p.start)
               for p in _places_in(text, sent))


def _last_city_before(text: str, pos: int, country: str) -> Place | None:
    """The last city of ``country`` named as a scene before ``pos``."""
    cities, ends = _scene_cities(text).get(country, ((), ()))
    i = bisect_right(ends, pos) - 1
    return cities[i] if i >= 0 else None


@lru_cache(maxsize=256)
def _dates_in(text: str, published: str | None, start: int, end: int) -> list[DateMention]:
    return find_dates(text, published, start, end)


def _distance(place: Place, m: _Mention) -> int:
    return m.start - place.end if place.end <= m.start else place.start - m.end


def _nearest_date(text: str, m: _Mention, published: str | None) -> DateMention | None:
    """The date nearest the event word, not across "after", "before" or "since": such a date is another event's
    ("warned on Thursday, after a man was killed"); the earlier one on a tie.

    Dates are in text order without overlaps; a subordinator between a date and the event word stands between
    every date further on that side and it, so only the nearest date on each side is asked."""
    dates, starts = _dates_at(text, published, max(m.evidence[0], _dateline_end(text, m.sentence)), m.evidence[1])
    if not dates:
        return None
    word_starts, word_ends = _subordinators(text, *m.evidence)
    split = bisect_left(starts, m.start)
    clauses = _relative_clauses(text, m.sentence)
    own = _clauses_holding(clauses, m.start)
    found = []
    for side in (range(split - 1, -1, -1), range(split, len(dates))):
        for i in side:
            d = dates[i]
            if d.start < m.scope_start or not set(_clauses_holding(clauses, d.start)) <= set(own):
                continue  # "a singer who performed there in 2021": the date of someone else's deed
            lo, hi = min(d.end, m.end), max(d.start, m.start)
            j = bisect_left(word_starts, lo)  # the first such word from ``lo``: it ends soonest
            if j == len(word_starts) or word_ends[j] > hi:
                found.append(d)
                break
            if d.end <= m.start or d.start >= m.end:
                break  # every further date on this side lies beyond that word too
    return min(found, key=lambda d: abs(d.start - m.start)) if found else None


def _anchored_date(text: str, m: _Mention, published: str | None) -> DateMention | None:
    """The date of a sentence opening "The next day", "Six months later": counted from the last date given before it."""
    start = _dateline_end(text, m.sentence)
    anchored = find_anchored(text, start, m.sentence.end)
    if anchored is None:
        return None
    before = _dates_in(text, published, 0, m.sentence.start)
    shifted = shift_date(before[-1].value, before[-1].precision, anchored[1], anchored[2]) if before else None
    return DateMention(start, anchored[0], text[start:anchored[0]], *shifted) if shifted else None


def _date_known_attack(text: str, m: _Mention) -> None:
    """A known attack named in the sentence ("after the Crocus attack") is dated by its own day, at the precision
    the text gives it ("last March" is its month): a date that disagrees is the article's or another event's."""
    known = _KNOWN_ATTACK.search(text, m.sentence.start, m.sentence.end)
    if known is None:
        return
    m.known = known.group()
    day = _KNOWN_ATTACKS[known.group()]
    if m.date is not None and day.startswith(m.date.value):
        return  # "the March 2024 attack"
    month = m.date is not None and m.date.precision == "month" and m.date.value[5:7] == day[5:7]
    m.date = DateMention(known.start(), known.end(), known.group(), day[:7] if month else day,
                         "month" if month else "day")


@lru_cache(maxsize=256)
def _dates_at(text: str, published: str | None, start: int, end: int) -> tuple[list[DateMention], list[int]]:
    dates = _dates_in(text, published, start, end)
    return dates, [d.start for d in dates]


@lru_cache(maxsize=256)
def _subordinators(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Where "after", "before", "since", ... start and end in text[start:end], in text order."""
    if not holds_any(text[start:end], _SUBORDINATOR_CUES):  # most sentences: no search
        return [], []
    spans = [w.span() for w in _SUBORDINATOR.finditer(text, start, end)]
    return [s for s, _ in spans], [e for _, e in spans]


# --- one record per event -----------------------------------------------------------------------------------------
def _merge(mentions: list[_Mention], lead_end: int) -> list[_Mention]:
    """One record per event: "the attack" joins the attack before it, a repeated mention joins its first."""
    if any(m.type == "terror_attack" for m in mentions):
        for m in mentions:  # "the attackers killed 145 people": the toll of the article's terror attack
            if m.type == "murder" and (m.counts.get("killed", (0,))[0] >= 3 or _ATTACKERS.search(m.perpetrator or "")):
                m.type, m.anaphoric = "terror_attack", True
    groups: list[_Event] = []
    by_type: dict[str, list[_Event]] = {}  # each in the order they began
    by_place: dict[tuple[str, str | None], list[_Event]] = {}
    for m in sorted(mentions, key=lambda x: x.start):
        # "the attack", "attacked" and "the courier was stabbed" may name the killing the article reports
        types = ("terror_attack", "assault", "murder") if m.type == "attack" \
            else ("assault", "murder") if m.type == "assault" and (m.generic or m.restated) \
            else tuple(by_type) if m.type == "incident" else (m.type,)
        m.anaphoric = m.anaphoric or m.type == "incident"
        # "the killing" placed nowhere ("Dushanbe expected an investigation of the killing") is the one before
        placeless = m.anaphoric and (m.place is None or not m.place.locative)
        probe = replace(m, place=None) if placeless else m
        lists = [by_type.get(t, []) for t in types] if placeless else [by_place.get((t, m.country), []) for t in types]
        events = lists[0] if len(lists) == 1 else heapq.merge(*lists, key=lambda g: g.number)
        same = [g for g in events if _compatible(g, probe)]
        known = next((g for g in groups if any(x.known == m.known for x in g.mentions)), None) if m.known else None
        if known is not None:
            target = known
        elif m.anaphoric:
            # "the attack" with no place of its own: the article's terror attack, where it tells one
            terror = [g for g in same if g[0].type == "terror_attack"] if m.type == "attack" and placeless else []
            target = (terror or same)[-1] if same else None
        else:
            target = next((g for g in same if _same_event(g, m) == 2), None)
            # A mention placed in no city may retell an event placed elsewhere: the lead's "a courier was stabbed to
            # death" and the paragraph that tells where, "they killed him", "the men attacked him". Only where no
            # other event of the type could be meant, and the sentence does not say it is another one.
            loose = [g for g in same if _same_event(g, m) == 1
                     and (m.generic or m.restated or m.start < lead_end or g[0].start < lead_end)]
            if target is None and len(loose) == 1 and not _found_in(_SEPARATE, m.sentence.text):
                target = loose[0]
        if target is not None:
            if placeless and target[0].country != m.country:
                m.place, m.country = None, target[0].country
            m.type = target[0].type
            target.append(m)
        elif m.type != "incident" and (m.type != "attack" or m.counts or m.perpetrator):
            if m.type == "attack":  # "the attack" with nothing before it: a mass killing is a terror attack
                mass = m.counts.get("killed", (0,))[0] >= 5 or m.counts.get("injured", (0,))[0] >= 10
                m.type = "terror_attack" if mass else "assault"
            event = _Event(len(groups), m)
            groups.append(event)
            by_type.setdefault(m.type, []).append(event)
            by_place.setdefault((m.type, m.country), []).append(event)
    return [_combine(g.mentions) for g in groups]


class _Event:
    """The mentions of one event, with what tells whether another may be one more of them: the cities, dates
    and counts they name (a handful however many mentions there are, as they agree) and their evidence."""

    def __init__(self, number: int, first: _Mention):
        self.number = number  # in the order events began
        self.mentions: list[_Mention] = []
        self.cities: dict[int, City] = {}
        self.dates: set[str] = set()
        self.counts: dict[str, set] = {}
        self.evidence: set[tuple[int, int]] = set()
        self.append(first)

    def __getitem__(self, i: int) -> _Mention:
        return self.mentions[i]

    def append(self, m: _Mention) -> None:
        self.mentions.append(m)
        if _city_id(m):
            self.cities[_city_id(m)] = m.place.city
        if m.date:
            self.dates.add(m.date.value)
        for kind, value in m.counts.items():
            self.counts.setdefault(kind, set()).add(value)
        self.evidence.add(m.evidence)


def _city_id(m: _Mention) -> int | None:
    """The city the mention names; a city taken from the story's setting names none, and merges freely."""
    return m.place.city.geonames_id if m.place and m.place.city and not m.inherited else None


def _compatible(group: _Event, m: _Mention) -> bool:
    """No two different cities, dates or counts, nor two places of one list: then the mentions may tell one event."""
    if m.item and any(x.item and x.item != m.item and x.evidence == m.evidence for x in group.mentions):
        return False
    if _city_id(m) and any(city_id != _city_id(m) and not _nested(city, m.place.city)
                           for city_id, city in group.cities.items()):
        return False
    if m.date and any(not (date.startswith(m.date.value) or m.date.value.startswith(date)) for date in group.dates):
        return False  # "2024-03" and "2024-03-22" may be one day
    return not any(group.counts.get(kind, set()) - {value} for kind, value in m.counts.items())


def _nested(a: City, b: City) -> bool:
    """One of two towns is a part of the other, a city that is a region of its own ("Vnukovo", "Moscow")."""
    def whole(c: City) -> bool:
        region = gazetteer().regions.get((c.country, c.admin1))
        return region is not None and region.kind in ("federal_city", "city") and region.name == c.name
    return a.country == b.country and a.admin1 == b.admin1 and (whole(a) or whole(b))


def _same_event(group: _Event, m: _Mention) -> int:
    """2 where two compatible mentions tell one event: in the same evidence ("beaten and stabbed") or in the same
    city; 1 where they may, one of them placed in no city (a lead's "a courier was stabbed to death" and the
    paragraph telling where), which holds where no other event of the type could be meant; else 0."""
    if m.evidence in group.evidence:
        return 2
    if _city_id(m) and any(city_id == _city_id(m) or _nested(city, m.place.city)
                           for city_id, city in group.cities.items()):
        return 2
    return 1 if _city_id(m) is None or not group.cities else 0


def _combine(group: list[_Mention]) -> _Mention:
    merged = max(group, key=lambda x: (x.score(), -x.start))
    # Two names for one place, a town and the city it is part of: the city, as every mention agrees with it.
    wholes = [x.place for x in group if _city_id(x) and _city_id(merged) and _city_id(x) != _city_id(merged)
              and _nested(x.place.city, merged.place.city) and x.place.city.population > merged.place.city.population]
    if wholes:
        merged.place = wholes[0]
    for other in sorted(group, key=lambda x: (-x.score(), x.start)):
        if merged.place is None or (merged.inherited and other.place is not None and not other.inherited):
            merged.place, merged.inherited = other.place, other.inherited  # a place named over the story's
        merged.date = merged.date or other.date
        merged.target_group = merged.target_group or other.target_group
        merged.perpetrator = merged.perpetrator or other.perpetrator
        for kind, value in other.counts.items():
            merged.counts.setdefault(kind, value)
    return merged


def _record(m: _Mention, published: str | None) -> dict:
    city = m.place.city if m.place and m.type != "travel_advisory" else None
    region = m.place.region if m.place and m.type != "travel_advisory" else None
    # An event told with no date of its own is recent: the publication month (a day would claim too much).
    date, precision = (m.date.value, m.date.precision) if m.date else publication_date((published or "")[:7] or None)
    rec = {
        "type": m.type, "city": city.name if city else None, "region": region.name if region else None,
        "country": m.country, "latitude": city.latitude if city else None,
        "longitude": city.longitude if city else None, "geonames_id": city.geonames_id if city else None,
        "date": date, "date_precision": precision,
    }
    for kind in ("killed", "injured", "victims", "arrested"):
        value = m.counts.get(kind)
        rec[kind] = value[0] if value else None
        rec[f"{kind}_qualifier"] = value[1] if value else None
    rec.update({"target_group": m.target_group, "perpetrator": m.perpetrator, "sentence": m.sentence.text,
                "char_start": m.evidence[0], "char_end": m.evidence[1]})
    return rec


# What the caches above keep of one article.
_ARTICLE_CACHES = (_found_in, _window_words, _first_end, _next_match_cache, _trim, _clause_breaks, _destinations, _counts_in, _numbers_in,
                   _first_match, _agent_named, _sentence_places, _regions, _story_cities, _scene_cities,
                   _relative_clauses, _place_index, _places_apart, _names_a_country, _dates_in, _dates_at,
                   _subordinators, _dateline_end)
