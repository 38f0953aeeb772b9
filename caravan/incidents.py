"""Incidents: discrete events an article reports (attacks, arson, evictions, raids, arrests, travel advisories...).

Rules, not a model. An incident is an event word ("torched", "beat", "raids", "warned its citizens") in a
sentence, kept unless it is negated ("did not detain"), hypothetical or intended ("could be deported", "calls
for Tajiks to be deported", "measures to prevent attacks"), military ("attacks against U.S. forces") or
otherwise not a discrete event ("the number of deportations"). Each incident takes its place, date, counts,
target group and perpetrator from the clause around its event word; the evidence is the sentence, or the
quoted part of it that holds the event word. A later mention of the same event ("the attack") is merged into
one record, which keeps the evidence of the most informative mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from caravan.corpus import Article
from caravan.dates import DateMention, find_dates, publication_date
from caravan.numbers import VAGUE_NUMBERS, WORD_NUMBERS, parse_number, qualifier_before
from caravan.places import STORY_COUNTRIES, Place, citizen_adjective, country_name, demonym_country, find_places
from caravan.text import Span, sentences

DEFAULT_COUNTRY = "RU"  # where this story's events happen when an article gives no other clue
_I = re.IGNORECASE


def _words(words: Iterable[str]) -> str:
    """A regex for any of ``words`` (a space matches any whitespace), built as a trie: Python's re tries the
    branches of an alternation one at a time, and these word lists are long."""
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
            return "(?:" + "|".join(branches) + ")?"
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
                   r"|\b(?:gunmen|attackers|assailants)\s+(?:\w+\s+)?opened\s+fire\b|\bopened\s+fire\s+(?:on|at)\b", _I)),
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
        "lynching brutalized brutalised",
        re.compile(r"\bbeat(?:en|ings?)?\b|\bstabb(?:ed|ing)\b|\bpunch(?:ed|ing)\b|\bassault(?:ed|s|ing)?\b"
                   r"|\blynch(?:ed|ing)\b|\bbrutali[sz]ed\b", _I)),
    "attack": ("attack attacks attacked attacking", re.compile(r"\battack(?:s|ed|ing)?\b", _I)),
    "vandalism": (
        "vandalized vandalised vandalizing vandalising vandalism defaced desecrated desecration smashed graffiti",
        re.compile(r"\bvandal(?:i[sz]ed|i[sz]ing|ism)\b|\bdefaced\b|\bdesecrat(?:ed|ion)\b|\bsmashed\s+(?:\w+\s+){0,2}windows\b"
                   r"|\bgraffiti\b", _I)),
    "eviction": (
        "evicted evicting eviction evictions evicts kicked thrown",
        re.compile(r"\bevict(?:ed|ing|ions?|s)\b|\b(?:kicked|thrown)\s+out\s+of\s+(?:their|his|her|the)\s+"
                   r"(?:homes?|apartments?|flats?|housing|dormitor(?:y|ies)|hostels?)\b", _I)),
    "raid": (
        "raid raids raided raiding sweep sweeps roundup roundups round rounded",
        re.compile(r"\braid(?:s|ed|ing)?\b|\bsweeps?\b|\bround-?ups?\b|\brounded\s+up\b", _I)),
    "detention": (
        "detained detaining detains detention detentions taken held",
        re.compile(r"\bdetain(?:ed|ing|s)\b|\bdetentions?\b|\btaken\s+into\s+custody\b|\bheld\s+in\s+custody\b", _I)),
    "arrest": ("arrest arrested arrests arresting", re.compile(r"\barrest(?:ed|s|ing)?\b", _I)),
    "deportation": (
        "deported deporting deports deportation deportations expelled expelling expels expulsion expulsions",
        re.compile(r"\bdeport(?:ed|ing|s|ations?)\b|\bexpel(?:led|ling|s)\b|\bexpulsions?\b", _I)),
    "threat": (
        "threaten threatened threatening threatens threats death",
        re.compile(r"\bthreat(?:en|ened|ening|ens|s)\b|\bdeath\s+threats?\b", _I)),
    "discrimination": (
        "refuse refuses refused refusing banned barred fired denied discriminated slavs russians",
        re.compile(r"\brefus(?:e|es|ed|ing)\s+to\s+(?:serve|rent|ride|hire|employ|sell|accept|admit|let|take|carry|work"
                   r"|sit|register|treat|board)\b|\b(?:banned|barred)\s+from\b|\bfired\s+(?:for|because)\b"
                   r"|\bdenied\s+(?:entry|service|housing|jobs?|employment)\b|\bdiscriminated\s+against\b"
                   r"|\b(?:Slavs|Russians)\s+only\b", _I)),
    "harassment": (
        "harassed harassment harassing insulted insulting insults slur slurs hate bullied bullying call calls called calling",
        re.compile(r"\bharass(?:ed|ment|ing)\b|\binsult(?:ed|ing|s)\b|\bslurs?\b|\bhate\s+speech\b|\bbull(?:ied|ying)\b"
                   r"|\bcall(?:s|ed|ing)?\s+for\s+(?:[\w’'-]+\s+){0,3}?(?:to\s+be\s+(?:deported|expelled|killed|punished"
                   r"|beaten)|violence|the\s+(?:deportation|expulsion|killing|death))\b", _I)),
    "travel_advisory": (
        "warned warns warning advised advises urged urges urging recommended called travel",
        re.compile(r"\b(?:warned|warns|warning|advised|advises|urged|urges|urging|recommended|called\s+on)\s+(?:its|their)"
                   r"\s+(?:citizens|nationals|compatriots|people|migrants|workers)\b"
                   r"|\btravel\s+(?:advisory|advisories|warnings?|alerts?)\b", _I)),
    "protest": (
        "protest protests protested protesters protesting rally rallies rallied demonstration demonstrations picket pickets",
        re.compile(r"\bprotest(?:s|ed|ers|ing)?\b|\brall(?:y|ies|ied)\b|\bdemonstrations?\b|\bpickets?\b", _I)),
}
_OPENERS = frozenset(w for openers, _ in _TRIGGERS.values() for w in openers.split())
_TYPES_BY_WORD = {w: frozenset(t for t, (openers, _) in _TRIGGERS.items() if w in openers.split()) for w in _OPENERS}
_LOWER_WORD = re.compile(r"[a-z]+")
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
_VERB_PAST = re.compile(r".*(?:ed|en|ain)|beat|set|burnt|slain|shot", _I)

# --- context: is it an event? -------------------------------------------------------------------------------------
_MODAL = r"(?:to|could|would|might|may|will|shall|should|must|can|cannot|won[’']t|wouldn[’']t|couldn[’']t|shouldn[’']t|can[’']t)"
_FILLER = r"(?:also|then|soon|not|never|possibly|potentially|eventually|later|still|even|just|likely|probably|all|now)"
_HYPOTHETICAL_VERB = re.compile(rf"(?:\b{_MODAL}\s+(?:{_FILLER}\s+){{0,2}}|\bto\s+[a-z]+\s+(?:and|or)\s+)$")
_HYPOTHETICAL_PARTICIPLE = re.compile(
    rf"\b{_MODAL}\s+(?:{_FILLER}\s+){{0,2}}(?:be|get|have\s+been|face|risk)\s+(?:{_FILLER}\s+)?$")
_NOT_EVENT_NOUN = re.compile(  # "face deportation", "the number of deportations", "charged with murder"
    r"\b(?:(?:number|numbers|rate|rise|increase|decrease|drop|surge|statistics|figures|share|total)\s+of"
    r"|(?:rise|increase|spike|surge|growth|decline|drop)\s+in"
    r"|(?:charged|accused|convicted|suspected|sentenced|jailed|guilty|tried|suspicion|prosecuted)\s+(?:[\w-]+\s+){0,10}?"
    r"(?:for|of|with)|fac(?:e|es|ed|ing)|risk(?:s|ed|ing)?|threat\s+of|fears?\s+of|threatened\s+with|avoid(?:s|ed|ing)?"
    r"|prevent(?:s|ed|ing)?|possible|potential|future|planned|proposed|would-be|against)\s+(?:[a-z-]+\s+){0,2}$")
_WINDOW_CUES = re.compile(
    r"\b(?:could|would|might|may|will|shall|should|must|can|if|If|unless|Unless|whether|plan(?:s|ned|ning)?\s+to"
    r"|threaten(?:s|ed|ing)?\s+to|call(?:s|ed|ing)?\s+for|demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|prevent(?:s|ed|ing|ion)?"
    r"|ensur(?:e|es|ed|ing)|avoid(?:s|ed|ing)?|seek(?:s|ing)?\s+to|sought\s+to|hop(?:e|es|ed|ing)\s+to|want(?:s|ed)?\s+to"
    r"|aim(?:s|ed|ing)?\s+(?:to|at)|in\s+a\s+bid\s+to|in\s+order\s+to|measures|risk(?:s|ed|ing)?|fear(?:s|ed)?|possible"
    r"|potential|proposed|proposals?|expect(?:s|ed|ing)?|predict(?:s|ed)?|forecasts?|signs\s+of|likely"
    r"|repeatedly|regularly|routinely|frequently|often|usually)\b")
_NEGATION = re.compile(r"\b(?:[Nn]ot|[Nn]o|[Nn]ever|[Nn]either|nor|[Nn]one|[Nn]obody|[Ww]ithout|denied|deny|denies|refuted)\b"
                       r"|n[’']t\b")
_NOT_NEGATION = re.compile(r"\bno\s+(?:fewer|less|more)\s+than\b|\bnot\s+only\b", _I)
_WINDOW_START = re.compile(r"[,;:(“”\"—–]|\b(?:that|which|who|whom|whose|because|after|when|where|as|before|since"
                           r"|although|though|while|While|and|but)\b")
_CLAUSE_BREAK = re.compile(r";|:\s|,\s(?:while|whereas|but|although|though)\b|\s(?:while|whereas)\s|\s[—–]\s")
_COORDINATED = re.compile(r"\s*,?\s*(?:and|or|nor|as\s+well\s+as)\s+(?:[a-z-]+\s+)?", _I)
_MILITARY_OBJECT = re.compile(r"\b(?:forces|troops|soldiers|army|servicemen|military|positions|convoys?|bases?)\b", _I)
_WAR = re.compile(r"\b(?:war|shelling|air\s*strikes?|air\s+raids?|missiles?|drones?|artillery|front\s*lines?|offensive"
                  r"|battlefield|invasion)\b", _I)
_ACCIDENT = re.compile(r"\b(?:accident|crash|collision|collapsed?|earthquake|flood|overdose)\b", _I)
_TERROR_CUE = re.compile(r"\bterror(?:ist|ism)?\b|\bIslamic\s+State\b|\bISIS\b|\bIS-K\b|\bISIL\b|\bjihadis[tm]\b|\bgunmen\b"
                         r"|\bsuicide\b|\bresponsibility\b|\bexplosi(?:on|ve)s?\b|\bbomb", _I)
_POLICE = re.compile(r"\b(?:police|officers|law\s+enforcement|authorities|security|migration|FSB|OMON|Rosgvardia"
                     r"|National\s+Guard|investigators)\b", _I)
_ONLINE = re.compile(r"\b(?:social\s+media|online|Telegram|videos?|posts?|channels?|VKontakte|internet|viral|comments)\b", _I)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are|got|get|gets|getting)\s+(?:[a-z]+ly\s+)?$", _I)
_ANAPHORIC_BEFORE = re.compile(r"\b(?:the|this|that|these|those)\s+(?:[a-z-]+\s+)?$", _I)
_NOUN_DETERMINER = re.compile(r"\b(?:the|an?|his|her|their|its|under|house|police|night|dawn|recent|latest|another"
                              r"|during|after|following|in)\s+$", _I)
_GENERIC_AFTER = re.compile(r"\s*(?:cent(?:er|re)s?|facilit(?:y|ies)|camps?|warrants?|rifles?|notes?|orders?\s+against)\b", _I)
_NOT_EVENT_AFTER = {
    "attack": re.compile(r"\s*(?:on|against)\s+(?:the\s+)?(?:policy|plan|decision|idea|proposal|law|report|remarks|media)\b",
                         _I),
    "protest": re.compile(r"\s*(?:note|(?:his|her|their)\s+innocence)\b", _I),
    "arrest": re.compile(r"\s*warrant\b", _I),
}
_ATTACKERS = re.compile(r"\b(?:attackers|gunmen|assailants|terrorists|militants)\b", _I)
_QUOTE_MARK = re.compile(r"[“”\"\n]")
_DATELINE = re.compile(r"[A-Z][\w.’' -]{1,40}?(?:,\s*[A-Z][\w. ]{1,30})?\s*(?:\([\w .]+\)\s*)?(?:[—–]|\s-{1,2})\s")

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
                "nationals natives people persons family families resident residents man men woman women "
                "child children boy boys girl girls teenager teenagers businesses shopkeepers employees tenant tenants "
                "passenger passengers customer customers worshippers Muslims foreigners concertgoers Tajiks Uzbeks Kyrgyz "
                "Kazakhs Turkmens Afghans Caucasians Russians Ukrainians Armenians Azerbaijanis Chechens Dagestanis "
                "suspects relatives").split() + ["migrant workers", "business owners", "shop owners", "Central Asians"]
_SINGULAR_HEADS = ("migrant worker laborer labourer immigrant driver vendor trader merchant seller student citizen "
                   "resident man woman child boy girl teenager tenant passenger customer").split()
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
_SINGULAR_HEAD = re.compile(rf"\b{_words(_SINGULAR_HEADS)}$")
_ACTOR_RE = re.compile(rf"\b(?:(?i:a\s+)?(?i:group)\s+of\s+)?(?P<np>(?:(?i:{_words(_ACTOR_MODS)})\s+|[A-Z][a-z]+\s+){{0,2}}"
                       rf"(?i:{_words(_ACTOR_HEADS)}))\b")
_BEAT_OBJECT = re.compile(rf"\s+(?:up\b|him\b|her\b|them\b|us\b|me\b|(?:(?:at\s+least|about|some|nearly|more\s+than)\s+)?"
                          rf"(?:{_NUM}\s+)?(?:an?\s+|the\s+)?(?:{_GROUP_MOD}\s+){{0,3}}{_GROUP_HEAD}\b)", _I)
_ATTACK_ON_PEOPLE = re.compile(rf"\s+(?:on|against)\s+(?:an?\s+|the\s+)?(?:{_NUM}\s+)?(?:{_GROUP_MOD}\s+){{0,3}}"
                               rf"{_GROUP_HEAD}\b", _I)
# Ordinary words that may open a noun phrase, written in lower case mid-sentence ("Unknown persons" -> "unknown persons").
_COMMON_WORDS = frozenset(w.lower() for phrase in _GROUP_MODS + _GROUP_HEADS + _ACTOR_MODS + _ACTOR_HEADS
                          for w in phrase.split() if w.islower()) | {"a", "an", "the", "some", "law", "security"}
_BARE_NUMBER_SUBJECT = re.compile(rf"\b(?P<n>{_NUM})\s+(?:of\s+them\s+)?(?:were|have\s+been|had\s+been)\s+(?:[a-z]+ly\s+)?$",
                                  _I)
_TOLL_WORD = re.compile(r"\b(?:killed|killing|injured|injuring|wounded|dead|died|hurt|murdered|left)\b", _I)
_AGENT_RE = re.compile(r"\b(?:claimed|carried\s+out|committed|perpetrated|organi[sz]ed|staged|conducted)\s+by\s+"
                       r"|^\s*(?:[a-z]+ly\s+)?by\s+", _I)
_NP_STOP = re.compile(r"[,;.:!?“”\"()]|\s(?:who|which|that|after|in|on|at|during|for|and|as|with|while|because|since|near"
                      r"|outside|inside|from|over|last|this|yesterday|today)\s")
_KNOWN_AS = re.compile(r",?\s*(?:also\s+)?known\s+as\s+(?P<name>[^,;.]+?)(?:,\s*or\s+(?P<short>[^,;.\s]+))?\s*(?:[,;.]|$)")
_PERSON_NAME = re.compile(r"(?:[A-Z][a-z]+\s){1,2}[A-Z][a-z]+")
_ORG_WORD = re.compile(r"\b(?:State|Party|Group|Ministry|Agency|Service|Police|Army|Front|Movement|Committee|Islamic|Court"
                       r"|Office|Department|Guard|Brigade|Council|Government|Union|Network|Taliban|FSB|al-Qaeda)\b"
                       r"|\b[A-Z]{2,}\b")
_ADVISORY_ORG = re.compile(r"[’']s\s+(?:(?:the\s+)?(?:[A-Z][\w-]*|foreign|ministry|embassy|consulate|government)\s+){0,6}"
                           r"(?:[A-Z][\w-]*|ministry|embassy|consulate|government|authorities)")
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
    place: Place | None = None
    country: str | None = None
    date: DateMention | None = None
    counts: dict[str, tuple[int, str]] = field(default_factory=dict)
    target_group: str | None = None
    perpetrator: str | None = None

    def score(self) -> int:
        """How much the mention tells: the record of an event keeps its most informative mention."""
        return (len(self.counts) + (self.perpetrator is not None) + (self.target_group is not None)
                + (self.place is not None and self.place.kind == "city") + (self.date is not None))


def extract_incidents(article: Article) -> list[dict]:
    text = article.text
    quotes = _quote_spans(text)
    mentions: list[_Mention] = []
    for sent in sentences(text):
        openers = _OPENERS.intersection(_LOWER_WORD.findall(sent.text.lower()))
        if openers:
            types = set().union(*(_TYPES_BY_WORD[w] for w in openers))
            mentions += _sentence_mentions(text, sent, quotes, types)
    if not mentions:
        return []
    default = _default_country(text, mentions)
    for m in mentions:
        _locate(text, m, default)
        m.date = _nearest_date(text, m, article.published)
    records = [_record(m, article.published) for m in _merge(mentions)]
    return sorted(records, key=lambda r: (r["char_start"], r["type"], r["country"] or ""))


# --- sentences, quotes and clauses --------------------------------------------------------------------------------
def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted words (without the marks); a quote left open runs to the end of its paragraph."""
    spans, open_at = [], None
    for m in _QUOTE_MARK.finditer(text):
        ch, i = m.group(), m.start()
        if open_at is None:
            if ch in "“\"":
                open_at = i + 1
        elif ch in "”\"\n":
            spans.append((open_at, i))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "“”\""):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "“”\""):
        end -= 1
    return start, end


def _evidence(text: str, sent: Span, quotes: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The quoted part of the sentence holding ``pos``, or else the whole sentence."""
    for qs, qe in quotes:
        if qs <= pos < qe:
            start, end = _trim(text, max(qs, sent.start), min(qe, sent.end))
            if start < end:
                return start, end
    return _trim(text, sent.start, sent.end)


def _clause(text: str, evidence: tuple[int, int], pos: int) -> tuple[int, int]:
    """The part of the evidence around ``pos`` between clause breaks ("; ", ", while", " — ")."""
    start, end = evidence
    for break_start, break_end in _clause_breaks(text, *evidence):
        if break_end <= pos:
            start = break_end
        elif break_start >= pos:
            end = break_start
            break
    return start, end


@lru_cache(maxsize=256)
def _clause_breaks(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _CLAUSE_BREAK.finditer(text, start, end))


def _window(text: str, clause_start: int, pos: int, max_words: int = 12) -> str:
    """The words just before ``pos`` in its clause, back to the last comma or subordinating word."""
    before = text[max(clause_start, pos - 150):pos]
    last = None
    for last in _WINDOW_START.finditer(before):
        pass
    if last is not None:
        before = before[last.end():]
    return " ".join(before.split()[-max_words:]) + " "


# --- event words in a sentence ------------------------------------------------------------------------------------
def _sentence_mentions(text: str, sent: Span, quotes: list[tuple[int, int]], types: set[str]) -> list[_Mention]:
    found = sorted(((m.start(), m.end(), type_) for type_, (_, pattern) in _TRIGGERS.items() if type_ in types
                    for m in pattern.finditer(text, sent.start, sent.end)), key=lambda f: (f[0], f[0] - f[1]))
    kept: list[tuple[int, int, str]] = []
    for f in found:  # the longest event word wins where two overlap ("stabbed to death" over "stabbed")
        if not any(f[0] < k[1] and k[0] < f[1] for k in kept):
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
    for m in mentions:
        _describe(text, m, mentions)
    # A threat needs someone threatened or threatening: "threats to national security" is no incident.
    return [m for m in mentions if m.type != "threat" or m.target_group or m.perpetrator
            or (text[m.start:m.end].lower().startswith("threaten") and _PERSONAL_PRONOUN.search(text, *m.clause))]


def _is_event(text: str, m: _Mention) -> bool:
    """False for negated, hypothetical, intended, generic or military mentions; types "attack"."""
    lower = text[m.start:m.end].lower()
    cs, ce = m.clause
    before = text[max(cs, m.start - 120):m.start]  # enough for the cues, which end at the event word
    window = _window(text, cs, m.start)
    if _BASE_FORM.fullmatch(lower) and (_HYPOTHETICAL_VERB.search(before) or _HYPOTHETICAL_PARTICIPLE.search(before)):
        return False  # "to arrest", "will raid"
    if _VERB_PAST.fullmatch(lower.split()[-1]) and _HYPOTHETICAL_PARTICIPLE.search(before):
        return False  # "could be deported"
    if not lower.endswith("ed") and _NOT_EVENT_NOUN.search(before):
        return False  # "face deportation", "a rise in hate speech"
    if _WINDOW_CUES.search(window) or _NEGATION.search(_NOT_NEGATION.sub(" ", window)):
        return False
    if m.type in ("detention", "deportation", "arrest", "attack", "assault") and _GENERIC_AFTER.match(text, m.end, ce):
        return False  # "detention centre", "arrest warrant"
    rule = _NOT_EVENT_AFTER.get(m.type)
    if rule is not None and rule.match(text, m.end, ce):
        return False
    if m.type in ("terror_attack", "attack", "assault", "murder", "raid") and (
            _MILITARY_OBJECT.search(" ".join(text[m.end:ce].split()[:8])) or _WAR.search(text, cs, ce)):
        return False
    if m.type == "murder" and _ACCIDENT.search(text, cs, ce):
        return False
    if lower in ("arrest", "raid") and not _NOUN_DETERMINER.search(before):
        return False  # a bare verb, as in a headline's plan
    if lower.startswith("sweep") and not _POLICE.search(text, cs, ce):
        return False
    if m.type == "harassment" and lower.startswith("call") and not _ONLINE.search(m.sentence.text):
        return False  # a politician calling for deportations is not online harassment
    if m.type == "travel_advisory" and not lower.startswith("travel") and not _TRAVEL.search(text, m.end, ce):
        return False  # "urged its citizens to carry their documents" is advice, not a travel advisory
    if m.type == "protest" and _GOVERNMENT.search(window):
        return False  # a government's diplomatic protest is not a protest in the street
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
    if _TERROR_CUE.search(m.sentence.text):
        m.type = "terror_attack"
    elif lower == "attacked" or _ATTACK_ON_PEOPLE.match(text, m.end, m.clause[1]):
        m.type = "assault"
    elif not _ANAPHORIC_BEFORE.search(before):
        return False
    return True


def _describe(text: str, m: _Mention, mentions: list[_Mention]) -> None:
    """Target group, counts and perpetrator, from the words between this event word and its neighbours."""
    cs, ce = m.clause
    prev_end = max([o.end for o in mentions if o is not m and cs <= o.end <= m.start], default=cs)
    next_start = min([o.start for o in mentions if o is not m and m.end <= o.start < ce], default=ce)
    before, after = text[prev_end:m.start], text[m.end:next_start]
    lower = text[m.start:m.end].lower()
    passive = bool(_PASSIVE_BEFORE.search(before, max(0, len(before) - 40)))
    m.anaphoric = bool(_ANAPHORIC_BEFORE.search(text, max(cs, m.start - 40), m.start)) \
        and bool(_NOUN_FORM.fullmatch(lower)) and not _VERB_PAST.fullmatch(lower)
    if m.type == "travel_advisory":
        _describe_advisory(text, m)
        return
    if m.type in ("harassment", "arson") and _GROUP_RE.search(text, m.start, m.end):
        group = _group_after(text[m.start:m.end])  # "calling for Tajiks to be deported", "set their hostel on fire"
    else:
        group = _group_before(before) if passive else _group_after(after)
    if group is None and not passive and _NOUN_FORM.fullmatch(lower):
        subject = _group_before(" ".join(text[cs:m.start].split()[-12:]))  # "migrants reported harassment"
        group = (subject[0], None) if subject else None
    kinds = _COUNT_KINDS.get(m.type, ())
    if group and m.type != "protest":  # protesters are no target
        m.target_group = group[0] or m.target_group
        kind = "arrested" if "arrested" in kinds else "killed" if m.type == "murder" else "victims"
        if group[1] is not None and kind in kinds:
            m.counts[kind] = group[1]
    numbers = [n for n in _NUM_RE.finditer(text, cs, ce) if not _NOT_A_COUNT_AFTER.match(text, n.end())
               and text[n.start() - 1:n.start()] != "$"]
    for kind in kinds:
        if kind in _COUNT_CUES and kind not in m.counts and numbers:
            count = _count(text, cs, m.start, numbers, *_COUNT_CUES[kind])
            if count:
                m.counts[kind] = count
    m.perpetrator = _agent(text, m, after)
    if m.perpetrator is None and _ATTACKERS.match(text, m.start, m.end):  # "Gunmen opened fire"
        m.perpetrator = _ATTACKERS.match(text, m.start, m.end).group().lower()
    if m.perpetrator is None and not passive and (not _NOUN_ONLY.fullmatch(lower) or _LIGHT_VERB.search(before)):
        # The subject of a verb ("Unknown persons beat"), or of "launched raids"; not of "warned of threats".
        m.perpetrator = _actor(before if prev_end > cs else _window(text, cs, m.start, 14))


def _describe_advisory(text: str, m: _Mention) -> None:
    """A travel advisory's country is its issuer ("Kyrgyzstan has warned", "Uzbekistan's ... Agency issued")."""
    cs = m.clause[0]
    issuer, who = None, None
    for place in reversed(_places_in(text, m.sentence, cs, m.start)):
        if place.kind == "country":
            issuer = place.country
            org = _ADVISORY_ORG.match(text, place.end, m.start) if place.possessive else None
            who = text[place.start:org.end()] if org else None
            break
    if issuer is None:
        dm = _ADVISORY_DEMONYM.search(text, cs, m.start)  # "the Kyrgyz Foreign Ministry"
        if dm:
            issuer, who = demonym_country(dm.group("dem").split()[0]), dm.group("np").strip()
    if issuer is None:
        return
    m.country = issuer
    m.perpetrator = who or f"Government of {country_name(issuer)}"
    dest = next((p.country for p in _places_in(text, m.sentence)
                 if p.kind == "country" and p.country != issuer and p.preposition in ("to", "in", "visit", "visiting")), None)
    m.target_group = f"{citizen_adjective(issuer)} citizens" + (f" travelling to {country_name(dest)}" if dest else "")


def _clean_np(np: str) -> str:
    first, _, rest = " ".join(np.split()).partition(" ")
    if first.lower() in _COMMON_WORDS:
        first = first.lower()
    return f"{first} {rest}".strip()


def _group_after(after: str) -> tuple[str | None, tuple[int, str] | None] | None:
    m = _GROUP_RE.search(after, 0, 120)
    if not m or len(after[:m.start()].split()) > 10 or _TOLL_WORD.search(after, 0, m.start()):
        return None  # "the attack, which killed 139 people": the dead are a count, not the target
    return _group(m, after)


def _group_before(before: str) -> tuple[str | None, tuple[int, str] | None] | None:
    text = before[-160:]
    last = None
    for last in _GROUP_RE.finditer(text):
        pass
    if last is not None:
        return _group(last, text)
    bare = _BARE_NUMBER_SUBJECT.search(text)  # "seven were deported"
    return (None, _number(bare.group("n"), text[:bare.start()])) if bare else None


def _group(m: re.Match, text: str) -> tuple[str, tuple[int, str] | None]:
    """A target group and its number: "three Tajik migrants" is 3, "a Tajik man" is 1."""
    np = _clean_np(m.group("np"))
    if m.group("num"):
        return np, _number(m.group("num"), text[:m.start("num")])
    if m.group("one") and _SINGULAR_HEAD.search(np):
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


def _count(text: str, start: int, pos: int, numbers: list[re.Match], cue_before: re.Pattern, cue_after: re.Pattern
           ) -> tuple[int, str] | None:
    """The count nearest ``pos`` stated with a cue: "killed at least 139" or "139 people were killed"."""
    found = []
    for n in numbers:
        cue = cue_before.search(text, max(start, n.start() - 60), n.start())
        if cue:
            q = cue.group("q")
            qualifier = qualifier_before(q)
            if q.strip() and not (qualifier and qualifier[1] >= len(q.strip())):
                cue = None
        if cue or cue_after.match(text, n.end()):
            value = _number(n.group(), text[max(start, n.start() - 30):n.start()])
            if value:
                found.append((abs(n.start() - pos), value))
    return min(found)[1] if found else None


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


def _agent(text: str, m: _Mention, after: str) -> str | None:
    """The doer of a passive ("beaten by police") or of a claimed attack ("claimed by ..., known as X, or Y")."""
    cs, ce = m.clause
    sources = (after, text[m.end:ce], text[cs:ce]) if m.type in ("terror_attack", "attack") else (after,)
    for source in sources:
        agent = _AGENT_RE.search(source)
        if not agent:
            continue
        rest = source[agent.end():]
        stop = _NP_STOP.search(rest)
        np = re.sub(r"^(?:the|a|an)\s+", "", (rest[:stop.start()] if stop else rest).strip())
        if not np:
            continue
        known = _KNOWN_AS.match(rest, stop.start()) if stop else None
        if known:
            np = known.group("name").strip() + (f" ({known.group('short')})" if known.group("short") else "")
        if _PERSON_NAME.fullmatch(np) and not _ORG_WORD.search(np):
            return None  # a private person's name stays out of the data
        return _clean_np(np)
    return None


# --- where and when -----------------------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _sentence_places(text: str, sent: Span) -> tuple[Place, ...]:
    start = sent.start
    dateline = _DATELINE.match(text, start, sent.end) if start == 0 or text[start - 1] == "\n" else None
    return tuple(find_places(text, dateline.end() if dateline else start, sent.end))


def _places_in(text: str, sent: Span, start: int | None = None, end: int | None = None) -> tuple[Place, ...]:
    """Places named in a sentence (its dateline left out), or in the part of it from ``start`` to ``end``."""
    places = _sentence_places(text, sent)
    if start is None and end is None:
        return places
    return tuple(p for p in places if (start is None or p.start >= start) and (end is None or p.end <= end))


def _default_country(text: str, mentions: list[_Mention]) -> str:
    """The country of the article's events: the one most named where its events are told, else the default."""
    votes: dict[str, int] = {}
    for sent in {m.sentence for m in mentions}:
        for place in _places_in(text, sent):
            if place.preposition in ("to", "towards", "into", "from"):
                continue
            if place.kind != "country" or place.locative:
                votes[place.country] = votes.get(place.country, 0) + (1 if place.kind == "country" else 2)
    if not votes:
        return DEFAULT_COUNTRY
    return max(sorted(votes), key=lambda c: (votes[c], c == DEFAULT_COUNTRY, c in STORY_COUNTRIES))


def _locate(text: str, m: _Mention, default: str) -> None:
    """Place and country of the event: a city, region or "in <country>" near its word, else the default."""
    if m.type == "travel_advisory":
        return
    candidates: list[Place] = []
    for place in _places_in(text, m.sentence, *m.evidence):
        if place.kind == "country" and (place.possessive or not place.locative):
            continue
        if place.preposition in ("to", "towards", "into") or (place.preposition == "from" and m.type != "deportation"):
            continue  # a destination or an origin, not the scene
        if place.preposition in ("near", "outside") and candidates and candidates[-1].kind == "city" \
                and 0 <= place.start - candidates[-1].end <= 25:
            continue  # "in Kotelniki near Moscow": Moscow is a landmark
        candidates.append(place)
    if candidates:
        nearest = min(candidates, key=lambda p: _distance(p, m))
        cities = [p for p in candidates if p.kind == "city" and p.country == nearest.country]
        city = min(cities, key=lambda p: _distance(p, m)) if cities else None
        m.place = city if city and _distance(city, m) <= _distance(nearest, m) + 30 else nearest
        if m.place.kind == "city" and m.place.region is None:  # a region named with the city ("Kaluga, Kaluga Oblast")
            region = next((p.region for p in candidates if p.kind == "region" and p.region.country == m.place.country
                           and p.region.admin1 == m.place.city.admin1), None)
            if region is not None:
                m.place = replace(m.place, region=region)
    m.country = m.place.country if m.place else default


@lru_cache(maxsize=256)
def _dates_in(text: str, published: str | None, start: int, end: int) -> list[DateMention]:
    return find_dates(text, published, start, end)


def _distance(place: Place, m: _Mention) -> int:
    return m.start - place.end if place.end <= m.start else place.start - m.end


def _nearest_date(text: str, m: _Mention, published: str | None) -> DateMention | None:
    found = _dates_in(text, published, *m.evidence)
    return min(found, key=lambda d: abs(d.start - m.start)) if found else None


# --- one record per event -----------------------------------------------------------------------------------------
def _merge(mentions: list[_Mention]) -> list[_Mention]:
    """One record per event: "the attack" joins the attack before it, a repeated mention joins its first."""
    if any(m.type == "terror_attack" for m in mentions):
        for m in mentions:  # "the attackers killed 145 people": the toll of the article's terror attack
            if m.type == "murder" and (m.counts.get("killed", (0,))[0] >= 3 or _ATTACKERS.search(m.perpetrator or "")):
                m.type, m.anaphoric = "terror_attack", True
    groups: list[list[_Mention]] = []
    for m in sorted(mentions, key=lambda x: x.start):
        types = ("terror_attack", "assault") if m.type == "attack" else (m.type,)
        same = [g for g in groups if g[0].type in types and g[0].country == m.country and _compatible(g, m)]
        target = same[-1] if m.anaphoric and same else next((g for g in same if _same_event(g, m)), None)
        if target is not None:
            m.type = target[0].type
            target.append(m)
        elif m.type != "attack" or m.counts or m.perpetrator:
            if m.type == "attack":  # "the attack" with nothing before it: a mass killing is a terror attack
                mass = m.counts.get("killed", (0,))[0] >= 5 or m.counts.get("injured", (0,))[0] >= 10
                m.type = "terror_attack" if mass else "assault"
            groups.append([m])
    return [_combine(g) for g in groups]


def _city_id(m: _Mention) -> int | None:
    return m.place.city.geonames_id if m.place and m.place.city else None


def _compatible(group: list[_Mention], m: _Mention) -> bool:
    """No two different cities, dates or counts: then the mentions may tell one event."""
    for x in group:
        if _city_id(x) and _city_id(m) and _city_id(x) != _city_id(m):
            return False
        if x.date and m.date and not (x.date.value.startswith(m.date.value) or m.date.value.startswith(x.date.value)):
            return False  # "2024-03" and "2024-03-22" may be one day
        if any(kind in x.counts and x.counts[kind] != value for kind, value in m.counts.items()):
            return False
    return True


def _same_event(group: list[_Mention], m: _Mention) -> bool:
    """Two event words for one event: in the same evidence ("beaten and stabbed"), or in the same city."""
    if any(x.evidence == m.evidence for x in group):
        return True
    return _city_id(m) is not None and any(_city_id(x) == _city_id(m) for x in group)


def _combine(group: list[_Mention]) -> _Mention:
    merged = max(group, key=lambda x: (x.score(), -x.start))
    for other in sorted(group, key=lambda x: (-x.score(), x.start)):
        merged.place = merged.place or other.place
        merged.date = merged.date or other.date
        merged.target_group = merged.target_group or other.target_group
        merged.perpetrator = merged.perpetrator or other.perpetrator
        for kind, value in other.counts.items():
            merged.counts.setdefault(kind, value)
    return merged


def _record(m: _Mention, published: str | None) -> dict:
    city = m.place.city if m.place and m.type != "travel_advisory" else None
    region = m.place.region if m.place and m.type != "travel_advisory" else None
    date, precision = (m.date.value, m.date.precision) if m.date else publication_date(published)
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
