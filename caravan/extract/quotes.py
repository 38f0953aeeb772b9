"""Direct quotations of an article, with speaker, description, medium and whether they are partial.

1. Quotation marks are paired per paragraph: curly and straight double quotes and guillemets; single
   quotes nested inside count as quoted words; a paragraph that opens a quote without closing it
   continues into the next paragraph when that one reopens it (news convention). Several sentences
   inside one pair of marks are one quote.
2. Each quote's attribution is looked for in the reporter's words of the same sentence: before it
   ("X said:", "pointed out that", "called the move"), after it ("…,” Petrova added", inverted "…,”
   said Anna Petrova, director of …") or between two parts of it. A dateline is skipped; the subject
   of coordinated verbs ("X published … and urged") is the clause's. A quote without its own
   attribution takes the one of a neighbouring quote of the same paragraph or continuation (also
   after a participle: "…,” telling reporters that “…”"), the speaker a colon at the end of the
   previous paragraph introduces, or the speaker of a quote paragraph just before it.
3. Speakers resolve through ``caravan.extract.speakers``: full names, surnames, one-word names set beside a
   description, pronouns (nearest compatible person, with gender learnt from earlier pronouns),
   organisations, unnamed speakers ("a barbershop owner"), and definite descriptions ("the driver",
   "the 34-year-old") that refer back to one of these.
   Organisations speak through what they issue ("the statement read", "World Bank data show") and
   "they" is a group of people named just before ("the migrants", "Tajik officials") when there is one.
Scare quotes (three words or fewer, or a title) are kept only when attributed as speech: the verb's
complement ("called it “unacceptable” and …"), the whole object of a verb of saying ("condemned the
“senseless crime” but …") or the start of the clause it reports ("said that “illegal searches” had"),
not a label after a determiner or preposition, a title after a noun ("the quiz show “Big Prize”"),
or words that someone other than the speaker used.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import islice

from caravan.extract.alternation import by_first_letter
from caravan.extract.caseless import caseless
from caravan.ingest.corpus import Article
from caravan.extract.speakers import (
    DATELINE, ORG_WORDS, PERSON_NOUNS, ROLES, Entity, Roster, Run, apposition, build_roster,
    find_medium, last_sentence_start, person_head, prefix_description, sentence_end,
)
from caravan.extract.text import Span, paragraphs, sentences

_DOUBLE_MARKS = re.compile(r"[“”\"«»„‟]")
# Every mark a double- or single-quoted passage may open with: a paragraph without one holds no quote.
_OPENING_MARKS = re.compile(r"[“”\"«»„‟‘']")
_CLOSERS = {"“": "”", '"': '"', "«": "»", "„": "“”", "‟": "”", "”": "”"}
_SINGLE_OPEN = re.compile(r"(?<![\w’'])[‘'](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?…])[’'](?![\w])")
_HAS_ALNUM = re.compile(r"[^\W_]")  # a letter or digit, as str.isalnum tells it

_QUOTED_SAYING = r"\s+quoted\s+(?:by\s+[^,.]{1,40}?\s+)?as\s+saying"
# As written for a reader, in the order tried; by_first_letter gives the pattern to search with.
_FINITE_WORDS = (
    r"said|says|say|told|tells|added|adds|noted|notes|observes|claims|wrote|writes|argued|argues|warned|warns|"
    r"explained|explains|stressed|stresses|insisted|insists|claimed|pointed\s+out|points\s+out|recalled|recalls|"
    r"asked|asks|"
    r"replied|replies|answered|continued|continues|concluded|observed|remarked|commented|declared|declares|"
    r"announced|stated|suggested|suggests|acknowledged|acknowledges|admitted|admits|agreed|agrees|"
    r"complained|complains|lamented|laments|cautioned|cautions|emphasi[sz]ed|emphasi[sz]es|underlined|"
    r"underscored|predicted|predicts|posted|tweeted|confirmed|confirms|denied|denies|urged|urges|vowed|"
    r"vows|promised|asserted|asserts|maintained|contended|contends|recounted|recounts|testified|exclaimed|"
    r"conceded|concedes|shouted|whispered|quipped|joked|pleaded|demanded|wondered|wonders|elaborated|"
    r"reported|responded|responds|"
    # Documents speak through their words: "data show", "the statement read".
    r"show(?:(?<=data show)|(?<=figures show)|(?<=statistics show)|(?<=report show)|(?<=survey show))(?:s|ed)?|"
    r"read(?:(?<=statement read)|(?<=note read)|(?<=post read)|(?<=message read)|(?<=letter read))s?|"
    rf"was{_QUOTED_SAYING}|is{_QUOTED_SAYING}|were{_QUOTED_SAYING}|"
    # Verbs that characterise or demand in the speaker's words: "called the move “unacceptable”".
    r"call(?<!-call)(?:ed|s\s+(?:for|on))|describ(?:ed|es)|dubbed|branded|label(?:l?ed)|termed|dismiss(?:ed|es)|"
    r"denounc(?:ed|es)|condemn(?:ed|s)|hail(?:ed|s)|critici[sz](?:ed|es)|express(?:ed|es)|voic(?:ed|es)")
_PARTICIPLE_WORDS = (
    r"adding|saying|demanding|noting|writing|explaining|arguing|warning|stressing|insisting|claiming|"
    r"pointing\s+out|recalling|asking|telling|continuing|concluding|observing|remarking|commenting|"
    r"declaring|announcing|stating|suggesting|acknowledging|admitting|complaining|lamenting|cautioning|"
    r"emphasi[sz]ing|urging|vowing|promising|asserting|maintaining|replying|responding|"
    r"calling|describing|dubbing|branding|labell?ing|terming|dismissing|denouncing|condemning|"
    r"hailing|critici[sz]ing|expressing|voicing")
_FINITE = by_first_letter(_FINITE_WORDS)
_PARTICIPLE = by_first_letter(_PARTICIPLE_WORDS)
# "inv": the speaker follows ("according to X"); "fin": a finite verb of saying; "part": a participle.
_VERB_RE = re.compile(rf"\b(?:(?P<inv>(?i:according)\s+to|(?i:in)\s+the\s+words\s+of)|(?P<fin>{_FINITE})"
                      rf"|(?P<part>{_PARTICIPLE}))\b")
_QUOTED_AS = re.compile(r"\bquoted\s+(?P<np>[^,.;]{2,80}?)\s+as\s+saying\b")
# Auxiliaries and adverbs between a subject and its verb ("Petrov has since said"), stripped off the subject.
_TRAILING_AUX = frozenset("also later then again once previously recently earlier further separately repeatedly "
                          "publicly privately has have had was were is are would will did does do often since "
                          "already long just still never not even first".split())
_NOT_ADVERBS = frozenset("family ally assembly supply reply rally anomaly monopoly bully belly lily jelly".split())


def _strip_trailing_aux(piece: str) -> str:
    """``piece`` without the auxiliaries and adverbs (any "-ly" word) it ends with."""
    end = len(piece.rstrip())
    while True:
        space = max(piece.rfind(" ", 0, end), piece.rfind("\n", 0, end), piece.rfind("\t", 0, end))
        word = piece[space + 1:end]
        if space < 0 or not (word in _TRAILING_AUX or (
                len(word) > 3 and word.endswith("ly") and word.isalpha() and word.islower()
                and word not in _NOT_ADVERBS)):
            return piece[:end]
        end = len(piece[:space].rstrip())


_LEADING_CONJ = re.compile(r"^(?:(?:and|but|yet|so|however|meanwhile|still|now|instead|also|then|while)\b[\s,]*)+",
                           re.IGNORECASE)
_DETERMINERS = frozenset("the a an one another some many most several his her their its our this these those "
                         "two three four five six seven eight nine ten".split())
_NP_BLOCK = frozenset("that which who whom whose is are was were be been being to not if when because as than "
                      "there it they he she we i you has have had will would can could should may might do does "
                      "did said says told".split())
_DESCRIPTION_WORDS = ROLES | frozenset("and of for at the a an former senior visiting political independent "
                                       "leading prominent local veteran deputy acting".split())
_PRONOUN_RE = re.compile(r"(?:^|(?<=[\s,]))(he|she|they|it|He|She|They|It)$")
_MAX_SCARE_WORDS = 3
# An unnamed speaker is its head noun phrase: "a barbershop owner (in Moscow)".
_NP_PREPOSITION = re.compile(r"\s+(?:in|at|from|near|on|with|for|outside|inside|who|whose|which)\s")
_NEXT_WORD = re.compile(r"\s+([\w\-]+)")
# "said a barbershop owner who asked not to be named": the noun phrase up to a relative or preposition.
_NP_AFTER_VERB = re.compile(
    r"\s*([^,;.:]*?)(?=\s+(?:who|which|that|in|on|at|from|with|as|during|after|before)\b|[,;.:]|$)")


@dataclass(slots=True)
class _Subject:
    kind: str  # pronoun, run, np
    pos: int
    text: str
    run: Run | None = None
    description: str | None = None  # an unnamed speaker's whole phrase ("a barbershop owner in Moscow")


@dataclass(slots=True)
class _Attribution:
    subject: _Subject
    medium: str | None
    clause: tuple[int, int]  # the reporter's words that hold it
    speech: bool = True  # a verb of saying (not only a colon) links the words to the speaker
    entity: Entity | None = None
    verb: str = ""  # the verb of saying, lower-case


@dataclass(slots=True)
class _Quote:
    para: int
    open: int
    close: int | None  # None: runs to the end of the paragraph
    start: int
    end: int
    continues: bool = False
    continued: bool = False
    before: tuple[int, int] = (0, 0)
    after: tuple[int, int] = (0, 0)
    interrupted: bool = False  # the text before it interrupts a quote of the same sentence
    attribution: _Attribution | None = None
    own: str | None = None  # "before"/"after": the side of its own attribution (None: inherited or none)


# --- quotation marks ----------------------------------------------------------------------------

def _opening_position(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return (before.isspace() or before in "([{—–-/") and not after.isspace()


def _closing_position(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _double_quotes(text: str, lo: int, hi: int) -> list[tuple[int, int | None]]:
    """(opening mark, closing mark or None) of the double-quoted passages of text[lo:hi]."""
    out: list[tuple[int, int | None]] = []
    opened: int | None = None
    closers = ""
    for m in _DOUBLE_MARKS.finditer(text, lo, hi):
        ch, i = m.group(), m.start()
        if opened is None:
            if ch in "»":
                continue
            if ch == "”" and not _opening_position(text, i, lo, hi):
                continue
            if ch == '"' and i > lo and text[i - 1].isdigit():
                continue  # 5" is inches
            opened, closers = i, _CLOSERS[ch]
        elif ch in closers or (ch == "“" and closers == "”" and _closing_position(text, i, lo, hi)):
            out.append((opened, i))
            opened = None
    if opened is not None:
        out.append((opened, None))
    return out


def _single_quotes(text: str, lo: int, hi: int) -> list[tuple[int, int | None]]:
    """Top-level single-quoted passages ('...' or ‘...’) of text[lo:hi], which holds no double quote."""
    out: list[tuple[int, int | None]] = []
    if text.find("‘", lo, hi) < 0 and text.find("'", lo, hi) < 0:
        return out
    pos = lo
    while True:
        m = _SINGLE_OPEN.search(text, pos, hi)
        if not m:
            return out
        c = _SINGLE_CLOSE.search(text, m.end(), hi)
        if not c:
            return out
        out.append((m.start(), c.start()))
        pos = c.end()


def _scan(text: str, para: Span, index: int) -> list[_Quote]:
    if not _OPENING_MARKS.search(text, para.start, para.end):
        return []  # about half the paragraphs of a report: one search instead of pairing marks
    marks = _double_quotes(text, para.start, para.end)
    # Single quotes stand for quotations only in the reporter's text between double-quoted passages.
    gaps, prev = [], para.start
    for o, c in marks:
        gaps.append((prev, o))
        prev = para.end if c is None else c + 1
    gaps.append((prev, para.end))
    for lo, hi in gaps:
        marks.extend(_single_quotes(text, lo, hi))
    marks.sort()
    quotes = []
    for o, c in marks:
        start, end = o + 1, para.end if c is None else c
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if _HAS_ALNUM.search(text, start, end):
            quotes.append(_Quote(index, o, c, start, end))
    return quotes


# --- clauses ------------------------------------------------------------------------------------

def _words_ok_as_description(words: list[str]) -> bool:
    return all(w.lower() in _DESCRIPTION_WORDS or w[:1].isupper() for w in words)


_NON_SPACE = re.compile(r"\S+")
_NOT_BEFORE_CLAUSE = frozenset("of for in at on with from to by about and or than as like".split())


def _without_leading_conj(phrase: str) -> str:
    """``_LEADING_CONJ.sub("", phrase)``: the pattern holds at the start only."""
    m = _LEADING_CONJ.match(phrase)
    return phrase[m.end():] if m else phrase


def _noun_phrase(text: str, lo: int, hi: int) -> _Subject | None:
    cut = _NP_PREPOSITION.search(text, lo, hi)
    whole = _without_leading_conj(text[lo:hi].strip()).rstrip(",")
    piece = text[lo:cut.start() if cut else hi]
    stripped = _without_leading_conj(piece.strip())
    if not stripped:
        return None
    pos = lo + piece.index(stripped)
    words = stripped.split()
    for i in range(len(words) - 1, 0, -1):
        # "a figure the ministry (called …)": a second noun phrase, not after a preposition, opens a
        # relative clause without "that", and it holds the subject.
        if words[i] in ("the", "a", "an") and words[i - 1].lower() not in _NOT_BEFORE_CLAUSE:
            start = [m.start() for m in _NON_SPACE.finditer(stripped)][i]
            pos += start
            stripped = whole = stripped[start:]
            words = words[i:]
            break
    if not 1 <= len(words) <= 6 or any(w.lower().strip(",") in _NP_BLOCK for w in words):
        return None
    first, last = words[0].lower(), words[-1].lower().strip(",")
    if not (first in _DETERMINERS or words[0][0].isupper() or last in ROLES or last.endswith("s")):
        return None
    if not all(w[:1].isalnum() for w in words):
        return None
    return _Subject("np", pos, stripped.rstrip(","), description=whole if len(whole.split()) <= 12 else None)


_ORG_PART = re.compile(r"\s*(?i:(?:(?:the|a|an|its|their)\s+)?(?:[\w’'\-]+\s+){0,3}?(?:branch|office|division|"
                       r"department|unit|arm|wing|service|directorate|headquarters|bureau|chapter|affiliate)"
                       r"\s+of\s+(?:the\s+)?)(?:[A-Z][\w’'.\-]*\s+){0,3}$")


_RELATIVE_WHO = re.compile(r",\s+(?:who|which)$")


def _described(words: list[str], person: bool = False) -> bool:
    """Whether ``words`` are a short description ending in a comma: "the courier,", "his elder brother,";
    before a person's full name any lower-case head noun will do ("the salesman, Ivan Petrov,")."""
    head = words[-1].rstrip(",")
    return (words[-1].endswith(",") and len(words) <= 6 and words[0].lower() in _DETERMINERS
            and (head.lower() in ROLES or (person and head.isalpha() and head.islower()))
            and not any(w.endswith(",") for w in words[:-1]))


_MEMBER_PREPOSITIONS = frozenset("at of with for from in".split())


def _unnamed_member(words: list[str]) -> bool:
    """Whether ``words`` open with an indefinite person noun phrase and a preposition ("an official at",
    "a lawyer with the"), so that the organisation after them only says where that person works."""
    if len(words) < 3 or words[0].lower() not in ("a", "an"):
        return False
    prep = next((i for i, w in enumerate(words) if w.lower() in _MEMBER_PREPOSITIONS), None)
    return prep is not None and prep > 1 and person_head(words[1:prep]) == prep - 2


def _subject_before(text: str, lo: int, hi: int, roster: Roster, strict: bool) -> _Subject | None:
    """The subject of a verb of saying at ``hi``, in text[lo:hi]; ``strict``: it must open the clause."""
    piece = text[lo:hi]
    piece = _strip_trailing_aux(piece)
    end = lo + len(piece.rstrip())
    piece = text[lo:end]
    if not piece.strip(" ,"):
        return None
    # The pronoun ends the piece: searched for among its last five characters only.
    pm = _PRONOUN_RE.search(piece, max(0, len(piece) - 5))
    if pm:
        pre = piece[:pm.start()].strip()
        # "…, he", "and he", "condemned what it called": the pronoun is the subject of the verb.
        if not pre or (not strict and (pre.endswith(",") or pre.split()[-1].lower() in _BEFORE_SUBJECT)):
            return _Subject("pronoun", lo + pm.start(1), pm.group(1))
        return None
    runs = [r for r in roster.runs_between(lo, end) if r.kind in ("person", "org", "single", "place")]
    who = _RELATIVE_WHO.search(piece) if piece.endswith(("who", "which")) else None  # piece ends with no space
    if who:
        # "Putin, who has called …": the relative pronoun stands for the name before it.
        named = [r for r in runs if r.end == lo + who.start() and r.kind in ("person", "org", "single")]
        return _Subject("run", named[0].start, named[0].name, named[0]) if named else None

    before = _WordsBefore(text, lo, end)

    def clean(run: Run) -> bool:
        """Whether only a description ("Foreign Minister", "analyst") or, unless strict, an
        introductory phrase ending in a comma or a conjunction comes before the name."""
        if before.opens(run.start):
            return True  # nothing before the name: as the words before it would tell, with no split
        if run.kind == "org" and _unnamed_member(before.first(run.start, 8)):
            return False  # "an official at the Interior Ministry said": the unnamed person speaks
        # The words before the name, but the description words and names right before it.
        words = before.undescribed(run.start, 7)
        if not words:
            return True
        if _described(words, run.kind == "person"):
            return True  # "the courier, Ivan Petrov, 23, told": the name is in apposition to a description
        if run.kind == "org":
            # "the regional branch of Russia's Investigative Committee said": the organisation speaks.
            comma = before.last_comma(run.start)
            if any(_ORG_PART.match(text, start, run.start) for start in {lo, comma + 1} if start >= lo
                   and (start == lo or not strict)):
                return True
        return not strict and (words[-1].endswith(",") or words[-1].lower() in ("and", "but", "so", "yet"))

    last = runs[-1] if runs and runs[-1].end == end and clean(runs[-1]) else None
    if last is not None and last.kind != "place":
        return _Subject("run", last.start, last.name, last)
    if piece.rstrip().endswith(","):
        # The first clean name before a comma, a person's before any other: only the names that may be it are
        # asked whether they are clean.
        for kinds in (("person",), ("org", "single")):
            for r in runs:
                if r.kind in kinds and text[r.end:r.end + 1] == "," and clean(r):
                    return _Subject("run", r.start, r.name, r)
        comma = text.find(",", lo, end)
        return _noun_phrase(text, lo, comma) if comma > lo else None
    if last is not None:  # "Moscow says": a country or capital speaks for its government
        return _Subject("run", last.start, last.name, last)
    if strict:
        return _noun_phrase(text, lo, end)
    if piece.endswith(("and", "but")) and _COORDINATED.search(piece):
        return _clause_subject(text, lo, end, roster)
    comma = text.rfind(",", lo, end)
    return _noun_phrase(text, comma + 1 if comma >= lo else lo, end)


def _description_word(word: str) -> bool:
    """A word that may stand in a description before a name ("Foreign Minister", "analyst")."""
    return not word.endswith(",") and (word.lower() in _DESCRIPTION_WORDS or word[:1].isupper())


class _WordsBefore:
    """The words of text[lo:end] before each name of it (``text[lo:pos].split()``), for many names:
    split once, so that each name does not split the text before it again; and only when a name asks
    (most names open their clause, and their clause is not split at all)."""

    def __init__(self, text: str, lo: int, end: int):
        self.text, self.lo, self.end = text, lo, end
        self.words: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.undescribed_from: list[int] = []
        self._split_yet = False

    def _split_once(self) -> None:
        self._split_yet = True
        for t in _NON_SPACE.finditer(self.text, self.lo, self.end):
            self.words.append(t.group())
            self.starts.append(t.start())
            self.ends.append(t.end())
        # undescribed_from[k]: where the description words that end with word k begin (k + 1: none)
        start = 0
        for k, word in enumerate(self.words):
            start = start if _description_word(word) else k + 1
            self.undescribed_from.append(start)

    def _split(self, pos: int) -> tuple[int, str | None]:
        """How many whole words lie before ``pos``, and the part of one that ``pos`` cuts."""
        if not self._split_yet:
            self._split_once()
        k = bisect_right(self.ends, pos)
        part = self.text[self.starts[k]:pos] if k < len(self.words) and self.starts[k] < pos else None
        return k, part

    def opens(self, pos: int) -> bool:
        """Whether no word lies before ``pos`` (``not text[lo:pos].split()``)."""
        return _NON_SPACE.search(self.text, self.lo, pos) is None

    def first(self, pos: int, count: int) -> list[str]:
        """``text[lo:pos].split()[:count]``."""
        k, part = self._split(pos)
        return (self.words[:min(k, count)] + ([part] if part is not None else []))[:count]

    def undescribed(self, pos: int, most: int) -> list[str]:
        """``text[lo:pos].split()`` without the description words that end it; when more than ``most``
        words stay, only the last ``most``, as the caller asks no more of them."""
        k, part = self._split(pos)
        if part is not None and not _description_word(part):
            return self.words[max(0, k - most + 1):k] + [part]
        keep = self.undescribed_from[k - 1] if k else 0
        return self.words[max(0, keep - most):keep]

    def last_comma(self, pos: int) -> int:
        """``text.rfind(",", lo, pos)``."""
        return self.text.rfind(",", self.lo, pos)


# "and it", "what it called", "a day after it urged": words after which a pronoun opens a clause.
_BEFORE_SUBJECT = frozenset("and but so yet what after before when since because although though while once "
                            "as until".split())
_COORDINATED = re.compile(r"[^,]\s+(?:and|but)$")
_INTRO_COMMA = re.compile(r",(?!\d)\s*")
_WORD = re.compile(r"[\w’'\-]+")


_COUNTED_NP = re.compile(r"(?:(?:about|some|around|nearly|almost|roughly|over|more\s+than|at\s+least)\s+)?"
                         r"\d[\d,]*\s+[a-z][\w\-]*s\b")


def _clause_subject(text: str, lo: int, hi: int, roster: Roster) -> _Subject | None:
    """The subject of a clause whose verbs are coordinated ("A channel run by … published the addresses
    and urged its readers to …"): a name, pronoun or noun phrase with a person or organisation head
    at the clause start or after an introductory phrase ("On Monday,")."""
    starts = [lo]
    intro = _INTRO_COMMA.search(text, lo, hi)
    if intro and intro.start() - lo <= 60:
        starts.append(intro.end())
    for start in starts:
        while start < hi and text[start].isspace():
            start += 1
        runs = roster.runs_between(start, hi)
        opening = text[start:runs[0].start].strip() if runs else None
        if runs and opening in ("", "The", "the", runs[0].prefix) and runs[0].kind in ("person", "org", "single"):
            return _Subject("run", runs[0].start, runs[0].name, runs[0])
        counted = _COUNTED_NP.match(text, start, hi)
        if counted:  # "about 300 workers gathered …"
            return _noun_phrase(text, start, counted.end())
        words = [m for m, _ in zip(_WORD.finditer(text, start, hi), range(5))]
        if words and words[0].group() in ("He", "She", "They", "It"):
            return _Subject("pronoun", start, words[0].group())
        if words and words[0].group().lower() in _DETERMINERS:
            for w in words[1:]:
                low = w.group().lower()
                if low in ORG_WORDS or person_head([low]) == 0:
                    return _noun_phrase(text, start, w.end())
                if low in _NP_BLOCK:
                    break
    return None


_OBJECT_PRONOUN = re.compile(r"\s*(him|her|them)\b(?!\s+\w)", re.IGNORECASE)
_OBJECT_TO_SUBJECT = {"him": "he", "her": "she", "them": "they"}


def _subject_after(text: str, lo: int, hi: int, roster: Roster) -> _Subject | None:
    """The subject of an inverted attribution ("said Anna Petrova, director of …") in text[lo:hi]."""
    pronoun = _OBJECT_PRONOUN.match(text, lo, hi)
    if pronoun:  # "according to him"
        return _Subject("pronoun", pronoun.start(1), _OBJECT_TO_SUBJECT[caseless(pronoun.group(1))])
    for r in roster.runs_between(lo, hi):
        raw = text[lo:r.start].split()
        words = [w.strip(",") for w in raw]
        # "migration researcher Anna Petrova": lower-case modifiers of a role noun right before the name;
        # "the deputy head of the city council, Anna Petrova": a description set off by a comma.
        role_compound = 1 < len(words) <= 4 and words[-1].lower() in ROLES and all(w.isalpha() for w in words)
        appositive = (r.kind == "person" and len(raw) > 1 and raw[0].lower() in _DETERMINERS
                      and raw[-1].endswith(",") and not any(w.endswith(",") for w in raw[:-1]))
        if len(words) > 8 or not (_words_ok_as_description(words) or role_compound or appositive):
            break
        following = _NEXT_WORD.match(text, r.end, hi)
        if r.kind == "place" or (following and following.group(1).lower() in ROLES):
            continue  # part of the description: "Kommersant columnist", "Russian analyst"
        if r.kind in ("person", "org", "single"):
            return _Subject("run", r.start, r.name, r)
    m = _NP_AFTER_VERB.match(text, lo, hi)
    return _noun_phrase(text, m.start(1), m.end(1)) if m and m.group(1) else None


_THAT = re.compile(r"\s+that\b")
_CHARACTERISING = re.compile(r"call(?:ed|s\s+(?:for|on))|describ(?:ed|es)|dubbed|branded|label(?:l?ed)|termed|"
                             r"dismiss(?:ed|es)|denounc(?:ed|es)|condemn(?:ed|s)|hail(?:ed|s)|critici[sz](?:ed|es)")


_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+$")
# Sources that speak for no one: the words come from where they were found, not from a speaker.
_NOT_SPEAKERS = frozenset("report reports data estimate estimates figures statistics information footage photo "
                          "photos video videos documents records rumours rumors quotes".split())
# Words an organisation issues: "the statement read", "a note calling for …" speak for the issuer.
_ISSUED = frozenset("statement note letter post message advisory announcement communique communiqué "
                    "release notice".split())


def _author(subject: _Subject, roster: Roster) -> _Subject | None:
    """Who speaks through a document or data: the organisation inside the phrase ("World Bank data", "the
    IOM report"); for an issued text without one, the organisation the text last spoke of ("it"); for
    reports, photos or figures of no one, nobody ("according to unconfirmed reports")."""
    end = subject.pos + len(subject.text)
    runs = [r for r in roster.runs_between(subject.pos, end) if r.kind == "org"]
    if runs:
        return _Subject("run", runs[-1].start, runs[-1].name, runs[-1])
    if _head(subject.text) in _ISSUED:
        return _Subject("pronoun", subject.pos, "it")
    return None


_DOCUMENTS = _NOT_SPEAKERS | _ISSUED
_CLOSING_TAIL = re.compile(r"[^,;:.!?]{0,40}?(?:[.!?]|,|$)")


def _head(phrase: str) -> str:
    words = phrase.rsplit(None, 1)
    return words[-1].lower().strip(",.") if words else ""


def _closing_attribution(text: str, lo: int, verb: re.Match, hi: int, roster: Roster) -> _Subject | None:
    """The subject of a sentence-final ", the ministry said (in a statement)." or ", it said, and …"
    after a quote inside a longer sentence: it attributes the whole sentence."""
    comma = text.rfind(",", lo, verb.start())
    if comma < 0 or not _CLOSING_TAIL.match(text, verb.end(), hi):
        return None
    return _subject_before(text, comma + 1, verb.start(), roster, strict=True)


def _parse_clause(text: str, lo: int, hi: int, roster: Roster, side: str) -> _Attribution | None:
    """The attribution in the reporter's clause text[lo:hi] on ``side`` ("before"/"after") of a quote."""
    if hi <= lo:
        return None
    if lo == 0:  # the article opens with its dateline
        dateline = DATELINE.match(text, lo, hi)
        if dateline:
            lo = dateline.end()
    if side == "after":
        # "… “lacked proper care”, the ministry said": a comma outside the closing mark opens the clause.
        while lo < hi and text[lo] in " ,;\n":
            lo += 1
    verbs = _VERB_RE.finditer(text, lo, hi)
    qa = _QUOTED_AS.search(text, lo, hi) if text.find("quoted", lo, hi) >= 0 else None
    if qa:
        subject = _subject_after(text, qa.start("np"), qa.end("np"), roster)
        if subject:
            medium = find_medium(text, lo, hi, roster) or _outlet_before(text, lo, qa.start(), roster)
            return _Attribution(subject, medium, (lo, hi))
    if side == "before":
        verbs = list(verbs)
        # "She added that the group had asked for …": verbs inside the reported "that" clause of an
        # earlier verb of saying report the speaker's own words, so the outer verb attributes them.
        outer = next((v for v in verbs if v.group("fin") and _THAT.match(text, v.end(), hi)), None)
        # A verb that characterises ("that the minister called the plan “reckless”") still takes the
        # quote as its own complement, so its subject keeps the words.
        if outer is not None:
            verbs = [v for v in verbs if v.start() <= outer.start() or _CHARACTERISING.fullmatch(v.group())]
        # "X said it had sent a note asking for …": a participle after a finite verb of saying belongs
        # to that verb's clause (or to a noun in it), whose subject is the speaker.
        first_fin = next((v for v in verbs if v.group("fin")), None)
        if first_fin is not None:
            # ", calling …" after a comma shares the main clause's subject, not a noun's.
            verbs = [v for v in verbs if not (v.group("part") and v.start() > first_fin.start()
                                              and not text[lo:v.start()].rstrip().endswith(","))]
    # After a quote only the first verbs are read (most often the first): the clause is not searched further.
    order = islice(verbs, 3) if side == "after" else reversed(verbs[-3:])
    for v in order:
        subject = None
        if v.group() in ("told", "asked") and _PASSIVE.search(text, lo, v.start()):
            continue  # "the envoy was told that …": the one told does not speak
        if v.group("inv") or not text[lo:v.start()].strip(" ,—–-"):
            if v.group("part"):
                continue
            subject = _subject_after(text, v.end(), hi, roster)
        elif not v.group("part") or side == "before":
            if v.group("part") and text[lo:v.start()].rstrip().endswith(","):
                # "Petrov spoke at the rally, calling …": the participle shares the main clause's subject.
                subject = _clause_subject(text, lo, v.start(), roster)
            if subject is None:
                subject = _subject_before(text, lo, v.start(), roster, strict=(side == "after"))
            if subject is None and side == "after":
                subject = _closing_attribution(text, lo, v, hi, roster)
        if subject is not None and subject.kind == "np" and _head(subject.text) in _DOCUMENTS:
            subject = _author(subject, roster)
        if subject is not None:
            return _Attribution(subject, find_medium(text, lo, hi, roster), (lo, hi), verb=v.group().lower())
        if side == "after":
            return None  # the first verb after a quote is its attribution or none is
    stripped = text[lo:hi].rstrip()
    if side == "before" and stripped.endswith(":"):
        # "Ivan Petrov, a visiting scholar, agrees:" — the colon introduces the speaker's words.
        runs = [r for r in roster.runs_between(lo, hi) if r.kind in ("person", "org", "single")]
        first = text[lo:hi].split()
        if first and first[0] in ("He", "She"):
            return _Attribution(_Subject("pronoun", lo + text[lo:hi].index(first[0]), first[0]), None, (lo, hi),
                                speech=False)
        if runs and not text[lo:runs[0].start].strip(" ,"):
            return _Attribution(_Subject("run", runs[0].start, runs[0].name, runs[0]),
                                find_medium(text, lo, hi, roster), (lo, hi), speech=False)
    return None


def _outlet_before(text: str, lo: int, hi: int, roster: Roster) -> str | None:
    """"Interfax quoted X as saying": the outlet is the subject of "quoted"."""
    runs = roster.runs_between(lo, hi)
    return runs[-1].name if runs and runs[-1].kind in ("org", "single") else None


# --- partial ------------------------------------------------------------------------------------

_ENDS_WITH_VERB = re.compile(rf"\b(?:{by_first_letter(_FINITE_WORDS + '|' + _PARTICIPLE_WORDS)})"
                             r"(?:\s+(?:[A-Z][\w.]*|reporters|journalists))?\s*$")


def _is_partial(text: str, quote: _Quote) -> bool:
    """True when the quoted words are a fragment inside the reporter's own sentence."""
    if quote.continued:
        return False
    before = text[quote.before[0]:quote.open].strip()
    if before.endswith((",", ":")) and (quote.interrupted or not before.endswith(",")):
        return False  # "…,” said X, “and now …" and "X said: “…”" introduce the speaker's own sentence
    first_letter = next((ch for ch in text[quote.start:quote.end] if ch.isalpha()), "")
    if first_letter.islower():
        return True
    if not before or before.endswith(","):
        return False
    return not _ENDS_WITH_VERB.search(before)


_MAX_TITLE_WORDS = 10


def _is_title(words: list[str]) -> bool:
    if len(words) > _MAX_TITLE_WORDS:
        return False
    long_words = [w for w in words if len(w) > 3]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


# --- extraction ---------------------------------------------------------------------------------

_PLATFORM_NP = re.compile(r"\b([A-Z][\w.]*)\s+(?:channel|account|page|blog|feed)$")


# A group of people: "the migrants", "Tajik officials", "some residents" (a plural person noun).
_GROUP = re.compile(r"(?:\b(?:[Tt]he|[Ss]ome|[Mm]any|[Ss]everal|[Mm]ost|[Tt]hese|[Tt]hose)\s+)?"
                    r"(?:[\w’'\-]+\s+){0,2}?\b([a-z]+)s\b")


def _plural_group(roster: Roster, pos: int) -> str | None:
    """The group of people "they" at ``pos`` refers to when the reporter named one in this sentence or the
    one before: the first in the latest such sentence ("what they described", "“…,” they said")."""
    text = roster.text
    sentence = roster.sentence_of(pos)
    for k in (sentence, sentence - 1):
        if k < 0:
            return None
        lo = roster.sentence_starts[k]
        hi = pos if k == sentence else roster.sentence_starts[k + 1]
        for m in _GROUP.finditer(text, lo, hi):
            if m.group(1) in PERSON_NOUNS and roster.in_reporter_text(m.start(1)):
                words = m.group().split()
                # Only a determiner or name-like modifiers ("Tajik", "stranded") stand before the noun.
                while len(words) > 1 and not (words[0].lower() in _GROUP_DETERMINERS or words[0][:1].isupper()):
                    words = words[1:]
                phrase = " ".join(words)
                return phrase[0].lower() + phrase[1:] if words[0].lower() in _GROUP_DETERMINERS else phrase
    return None


_GROUP_DETERMINERS = frozenset("the some many several most these those".split())


def _resolve(attribution: _Attribution, roster: Roster) -> None:
    subject = attribution.subject
    entity = None
    if subject.kind == "pronoun":
        group = _plural_group(roster, subject.pos) if subject.text.lower() == "they" else None
        entity = Entity(group, "other", group) if group else roster.resolve_pronoun(subject.text, subject.pos)
        if entity is not None:
            roster.note(entity, subject.pos, subject.text)
    elif subject.kind == "run" and subject.run is not None:
        entity = roster.entity_for(subject.run)
        if entity.description is None and entity.kind != "org":
            lo, hi = attribution.clause
            entity.description = (prefix_description(roster.text, subject.run, lo)
                                   or apposition(roster.text, subject.run, hi))
        roster.note(entity, subject.pos)
    else:
        words = subject.text.split()
        head = words[-1].lower()
        if head in ORG_WORDS and words[0].lower() == "the" and len(words) <= 3:
            entity = roster.org_by_head(head, subject.pos + len(subject.text))  # "the Tajik Embassy (in …)"
        elif words[0].lower() in ("a", "an", "the") and person_head(words[1:]) == len(words) - 2:
            # "a barbershop owner", "the driver": one person however often the text comes back to them.
            entity = roster.unnamed(subject.pos, words[0], words[1:], len(words) - 2)
            if entity.description is None:  # a named person "the 34-year-old plasterer" refers to
                entity.description = subject.text[0].lower() + subject.text[1:]
            roster.note(entity, subject.pos)
        if entity is None:
            name = subject.text
            if words[0].lower() in _DETERMINERS and words[0][0].isupper():
                name = words[0].lower() + name[len(words[0]):]
            unnamed = head not in ORG_WORDS
            description = subject.description if unnamed else None
            if description and description.split()[0].lower() in _DETERMINERS:
                description = description[0].lower() + description[1:]
            # An unnamed speaker's description is the text's own phrase, even when it is just the name.
            entity = Entity(name, "other" if unnamed else "org", description or (name if unnamed else None))
            platform = _PLATFORM_NP.search(name)
            if platform:
                entity.medium = platform.group(1)  # "a Telegram channel" speaks on Telegram
        if entity.kind == "org":
            roster.note(entity, subject.pos)
    attribution.entity = entity


def extract_quotes(article: Article) -> list[dict]:
    text = article.text
    paras = paragraphs(text)
    per_para = [_scan(text, para, i) for i, para in enumerate(paras)]
    if not any(per_para):
        return []
    segments = _frame(text, paras, per_para)
    sents = sentences(text)
    sentence_starts = [s.start for s in sents]
    roster = build_roster(text, segments, sentence_starts)

    all_quotes = [q for quotes in per_para for q in quotes]
    for q in all_quotes:
        attribution, side = None, "before"
        lo, hi = q.before
        if text[lo:hi].strip() and not q.continued:
            attribution = _parse_clause(text, lo, hi, roster, "before")
        if attribution is None and _linked_after(text, q):
            attribution, side = _parse_clause(text, q.after[0], q.after[1], roster, "after"), "after"
        if attribution is not None:
            q.attribution, q.own = attribution, side
    # Resolve speakers in text order, so that pronouns see the speakers named before them.
    for q in sorted((q for q in all_quotes if q.own), key=lambda q: q.attribution.subject.pos):
        _resolve(q.attribution, roster)
    _inherit(text, paras, per_para, roster)
    return [_record(text, q, paras[q.para], sents, sentence_starts) for q in all_quotes if _is_quote(text, q)]


def _frame(text: str, paras: list[Span], per_para: list[list[_Quote]]) -> list[tuple[int, int, int, int]]:
    """Mark continued quotes and each quote's clauses before and after; return the reporter's text
    (outside quotes) as (start, end, paragraph start, paragraph end) segments."""
    # A paragraph's unclosed quote goes on when the next paragraph opens with a quotation mark.
    for i, quotes in enumerate(per_para[:-1]):
        nxt = per_para[i + 1]
        if quotes and quotes[-1].close is None and nxt and nxt[0].open == paras[i + 1].start:
            quotes[-1].continues = True
            nxt[0].continued = True
    segments = []
    for para, quotes in zip(paras, per_para):
        prev = para.start
        for k, q in enumerate(quotes):
            if q.open > prev:
                segments.append((prev, q.open, para.start, para.end))
            gap_hi = quotes[k + 1].open if k + 1 < len(quotes) else para.end
            q.before = (last_sentence_start(text, prev, q.open), q.open)
            q.interrupted = (k > 0 and q.before[0] == prev and quotes[k - 1].close is not None
                             and not _ends_sentence(text, quotes[k - 1]))
            if q.close is None:
                q.after = (para.end, para.end)
                prev = para.end
            else:
                prev = q.close + 1
                q.after = (prev, sentence_end(text, prev, gap_hi))
        if prev < para.end:
            segments.append((prev, para.end, para.start, para.end))
    return segments


def _is_quote(text: str, q: _Quote) -> bool:
    """False for scare quotes and titles: short or title-cased words not attributed as speech."""
    # Dashes and other marks are no words: "“came – saw – left”" is a three-word formula. Past a title's ten words
    # only their number counts, and only up to eleven: a long quote is not split to its end.
    words = text[q.start:q.end].split(maxsplit=_MAX_TITLE_WORDS)
    if len(words) <= 2 * _MAX_SCARE_WORDS + 2:
        words = [w for w in words if _HAS_ALNUM.search(w)]
    # A short quote is speech only as what the verb says: it ends the sentence ("said it was
    # "unacceptable.""), the attribution follows it, or it is the complement of a verb or noun
    # ("called the move "unacceptable" and"), not inside "the law on "foreign agents" was".
    speech = bool(q.own) and q.attribution.speech and (
        len(words) > _MAX_SCARE_WORDS or (q.own == "after" and not _label_before(text, q))
        or not text[q.after[0]:q.after[1]].strip(" ,.;:!?”\"’»)")
        or (_complement(text, q) and not _is_title(words)))
    if speech and _is_title(words) and (q.attribution.verb in _NAMING_VERBS or _after_noun(text, q)):
        speech = False  # "a group called “Northern Men”", "the quiz show “Big Prize”" name, they do not quote
    if not speech and (len(words) <= _MAX_SCARE_WORDS or _is_title(words)):
        return False
    return q.attribution is not None or len(words) > _MAX_SCARE_WORDS + 1


# Words after which a quote is a label inside a noun phrase ("the law on “foreign agents”").
_LABEL_BEFORE = frozenset("the this that these those his her its their our my your a an so-called of on in at "
                          "for from with about against by under over into onto upon between among without "
                          "term word words phrase slogan label nickname name title status".split())
_NAMING_VERBS = frozenset("called dubbed branded labelled labeled termed calling dubbing branding labelling "
                          "labeling terming".split())


def _label_before(text: str, q: _Quote) -> bool:
    """Whether a determiner or preposition of the sentence stands right before the quote: "its list of
    “risky persons,” an official said" names the list, it does not quote the official."""
    before = text[q.before[0]:q.open].split()
    return bool(before) and before[-1].lower() in _LABEL_BEFORE and not _complement(text, q)


def _complement(text: str, q: _Quote) -> bool:
    """Whether the quote follows a verb, noun or "to"/"as" as their complement, as in "called the move
    “unacceptable”" or "urged people to “stay calm”", rather than a determiner or preposition; or it is
    the whole object of a verb of saying after a determiner ("condemned the “senseless crime” but",
    "calling the plan a “gamble” for"), or opens the clause a verb of saying reports ("said that
    “unlawful searches” had")."""
    before = text[q.before[0]:q.open].split()
    if not before:
        return False
    last = before[-1].lower()
    if last not in _LABEL_BEFORE and before[-1][-1:].isalnum():
        return True
    if q.attribution is None or not (last == "that" or _ends_noun_phrase(text, q)):
        return False
    # The nearest verb of saying before the quote must be the attribution's own or a participle that
    # shares its subject: in "told us that guards had called them a “nuisance”" the guards speak.
    verbs = list(_VERB_RE.finditer(text, q.before[0], q.open))
    nearest = verbs[-1] if verbs else None
    if nearest is None or not (nearest.group("part") or nearest.group().lower() == q.attribution.verb):
        return False
    if last == "that" or last in _OBJECT_DETERMINERS:
        return True
    # "said the rise was the result of “tighter controls”": a reported clause ends with the quote.
    return nearest.group("fin") is not None and not _CHARACTERISING.fullmatch(nearest.group())


_SAYING = re.compile(_FINITE + "|" + _PARTICIPLE)
_OBJECT_DETERMINERS = frozenset("the a an its their his her our".split())
# After a quote that is a whole noun phrase: punctuation, a conjunction or a preposition, not a noun
# that the quote modifies ("the “foreign agents” law").
_NP_ENDS = re.compile(r"(?:[”\"’»]*)(?:\s*[,.;:!?)—–]|\s*$|\s+(?:and|but|or|over|about|for|in|at|to|of|on|with|"
                      r"against|toward|towards|from|by|as|after|before|while|because|since|that|which)\b)")


def _ends_noun_phrase(text: str, q: _Quote) -> bool:
    return q.close is None or bool(_NP_ENDS.match(text, q.close + 1))


def _after_noun(text: str, q: _Quote) -> bool:
    """Whether a lower-case noun, not a verb, stands right before the quote: "the talent show “X”"."""
    before = text[q.before[0]:q.open].split()
    return bool(before) and before[-1].isalpha() and before[-1].islower() \
        and before[-1] not in _LABEL_BEFORE and not _SAYING.fullmatch(before[-1]) and before[-1] not in ("to", "as")


def _ends_sentence(text: str, quote: _Quote) -> bool:
    tail = text[quote.start:quote.end].rstrip("”’\"»)")
    return tail.endswith((".", "!", "?")) and not tail.endswith("…")


def _linked_after(text: str, quote: _Quote) -> bool:
    lo, hi = quote.after
    clause = text[lo:hi].strip(" ,")
    if quote.close is None or not clause:
        return False
    return not text[quote.start:quote.end].endswith(".") or next((ch for ch in clause if ch.isalpha()), "").islower()


def _inherit(text: str, paras: list[Span], per_para: list[list[_Quote]], roster: Roster) -> None:
    """Attributions for quotes that have none of their own (see the module docstring, step 2)."""
    for i, quotes in enumerate(per_para):
        # The next own attribution after each quote of the paragraph, for "“A.” “B,” he said."
        next_own: list[_Attribution | None] = [None] * len(quotes)
        for k in range(len(quotes) - 2, -1, -1):
            later = quotes[k + 1]
            next_own[k] = later.attribution if later.own else next_own[k + 1]
        previous = None
        for k, q in enumerate(quotes):
            if q.attribution is None and previous is not None and q.interrupted:
                # "…,” Petrov said, calling it “…”, “A,” telling reporters that “B”, or "condemned the
                # “A” but warned of “B”": one sentence, one speaker.
                q.attribution = _Attribution(previous.subject, None, previous.clause, previous.speech, previous.entity)
                q.own = "before"
            if q.attribution is None and (q.continued or not text[q.before[0]:q.before[1]].strip()):
                # A quote running over paragraphs shares one attribution.
                donor = _continuation_donor(per_para, i, k) if q.continued or q.continues else None
                if donor is not None:
                    q.attribution = donor
                elif previous is not None or next_own[k] is not None:
                    q.attribution = previous or next_own[k]
                elif k == 0 and i > 0:
                    q.attribution = _from_previous_paragraph(text, paras[i - 1], per_para[i - 1], roster)
            if q.attribution is not None:
                previous = q.attribution


_LEADING_PARTICIPLE = re.compile(rf"[\s,]*(?:and\s+)?(?:{_PARTICIPLE})\b")
_MAX_CONTINUED = 20  # paragraphs one quote may run over


def _continuation_donor(per_para: list[list[_Quote]], i: int, k: int) -> _Attribution | None:
    """The attribution of another part of the quote that runs over paragraphs and holds quote (i, k)."""
    j, part = i, per_para[i][k]
    while part.continued and j > max(0, i - _MAX_CONTINUED) and per_para[j - 1]:
        j -= 1
        part = per_para[j][-1]
    chain = [part]
    while part.continues and j + 1 < min(len(per_para), i + _MAX_CONTINUED) and per_para[j + 1]:
        j += 1
        part = per_para[j][0]
        chain.append(part)
    for part in chain:  # earlier parts are settled by now, inherited attributions included
        if part is not per_para[i][k] and part.attribution is not None:
            return part.attribution
    return None


def _from_previous_paragraph(text: str, prev: Span, prev_quotes: list[_Quote],
                             roster: Roster) -> _Attribution | None:
    """The speaker a paragraph hands on to a quote paragraph after it: the one its closing colon
    introduces, or the speaker of the quote that ends it."""
    if text[prev.start:prev.end].endswith(":"):
        lo = prev.start if not prev_quotes or prev_quotes[-1].close is None else prev_quotes[-1].close + 1
        attribution = _parse_clause(text, last_sentence_start(text, lo, prev.end), prev.end, roster, "before")
        if attribution is not None:
            _resolve(attribution, roster)
        return attribution
    if prev_quotes and prev_quotes[-1].attribution is not None:
        last = prev_quotes[-1]
        end = prev.end
        while end > prev.start and text[end - 1] in ".!?”\"’») ":
            end -= 1  # the paragraph's final period does not start a sentence
        if last.end >= last_sentence_start(text, prev.start, end):
            a = last.attribution
            # The same speaker goes on; the medium of that attribution stays with its own quotes.
            return _Attribution(a.subject, None, a.clause, a.speech, a.entity)
    return None


def _record(text: str, q: _Quote, para: Span, sents: tuple[Span, ...], starts: list[int]) -> dict:
    entity = q.attribution.entity if q.attribution else None
    i = bisect_right(starts, q.start) - 1
    sentence = sents[i].text if i >= 0 and sents[i].end >= q.end else para.text
    medium = q.attribution.medium if q.attribution else None
    return {
        "speaker": entity.name if entity else None,
        "speaker_description": entity.description if entity else None,
        "text": text[q.start:q.end],
        "partial": _is_partial(text, q),
        "medium": medium or (entity.medium if entity else None),
        "sentence": sentence,
        "char_start": q.start,
        "char_end": q.end,
    }
