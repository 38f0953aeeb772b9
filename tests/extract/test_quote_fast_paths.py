"""The shortcuts of the quotes and their speakers give what the plain way gives (issue 17).

Each test builds the plain search from the same patterns and compares it with the shortcut on texts made of the
words those patterns look for, so that a change of pattern that breaks a shortcut's reasoning fails here.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from caravan.extract import quotes, speakers

SETTINGS = settings(max_examples=200, deadline=None)


def joined(parts: list[str], most: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(parts), max_size=most).map("".join)


# --- the clause of an attribution -------------------------------------------------------------------

CLAUSE_PARTS = ["he", "she", "they", "it", "He", "She", "They", "It", "the", "them", "who", "which", "and", "but",
                "quoted", "Petrov", "Anna", " ", "  ", "\n", ",", ", ", "x", "and he", "who has", "was quoted"]


@SETTINGS
@given(joined(CLAUSE_PARTS))
def test_the_pronoun_that_ends_a_piece_is_found_among_its_last_characters(piece):
    plain = quotes._PRONOUN_RE.search(piece)
    near_end = quotes._PRONOUN_RE.search(piece, max(0, len(piece) - 5))
    assert (plain and (plain.span(), plain.group(1))) == (near_end and (near_end.span(), near_end.group(1)))


@SETTINGS
@given(joined(CLAUSE_PARTS))
def test_what_a_piece_ends_with_is_read_before_its_pattern(piece):
    # The pieces searched end with no space; a pattern anchored at the end needs its last word there.
    piece = piece.rstrip()
    if quotes._RELATIVE_WHO.search(piece):
        assert piece.endswith(("who", "which"))
    if quotes._COORDINATED.search(piece):
        assert piece.endswith(("and", "but"))
    if quotes._QUOTED_AS.search(piece):
        assert "quoted" in piece


NAME_WORDS = ["Ivan Petrov", "Anna Petrova", ",", "a", "lawyer", "the", "Interior Ministry", "an", "official", "at",
              "courier", "director", "of", "said", "and", "x", "  ", "\n", "\t"]


@SETTINGS
@given(st.lists(st.sampled_from(NAME_WORDS), max_size=20).map(" ".join), st.integers(0, 3))
def test_a_name_that_opens_its_clause_has_no_words_before_it(text, lo):
    # Such a name passes as clean with no split of the clause: no word before it, none described.
    lo = min(lo, len(text))
    before = quotes._WordsBefore(text, lo, len(text))
    for m in re.finditer(r"[A-Z]\w*", text):
        if m.start() < lo:
            continue
        opens = not text[lo:m.start()].split()
        assert before.opens(m.start()) == opens
        if opens:
            assert before.first(m.start(), 8) == [] and before.undescribed(m.start(), 7) == []


# --- the apposition after a name --------------------------------------------------------------------

APPOSITION_PARTS = ["a lawyer", "Dr.", "U.S.", ".", ",", ";", ":", "!", "“", "”", "\"", "«", "»", "—", "–", "-", " ",
                    "  ", "\n", "\t", "\u00a0", "x", "said", "of Osh"]


@SETTINGS
@given(joined(APPOSITION_PARTS), st.integers(0, 40))
def test_where_an_apposition_ends_is_the_plain_pattern(text, bound):
    # Searched from after a comma or period, the mark opens the match: the part before it is the same once
    # stripped, and so is what tells an abbreviation's period.
    plain = re.compile(r"[.!?;:](?=\s|$)|[“”\"«»]|\s[—–]\s")
    for start in (i + 1 for i, ch in enumerate(text) if ch in ",."):
        a, b = plain.search(text, start, bound), speakers._APPOS_END.search(text, start, bound)
        assert bool(a) == bool(b)
        if a:
            assert text[start:a.start()].strip() == text[start:b.start()].strip()
            assert (a.group() == ".") == (b.group() == ".")
            assert a.group() != "." or a.span() == b.span()


# --- the description before a name ------------------------------------------------------------------

def plain_prefix_description(text: str, run: speakers.Run, floor: int) -> str | None:
    """``speakers.prefix_description`` as it was written first: the whole window split into tokens."""
    window_start = max(floor, run.start - 160)
    anchor = run.start
    if run.prefix:
        idx = text.rfind(run.prefix.split()[0], window_start, run.start)
        anchor = idx if idx >= 0 else run.start
    tokens = [(m.start(), m.group()) for m in speakers._TOKEN_RE.finditer(text, window_start, anchor)]
    if tokens and tokens[-1][1] == "," and not run.prefix and text[run.end:run.end + 1] in (",", "."):
        tokens.pop()
    taken: list[tuple[int, str]] = []
    for i in range(len(tokens) - 1, -1, -1):
        s, w = tokens[i]
        low = w.lower()
        before = tokens[i - 1][1] if i > 0 else ""
        if low in speakers.ROLES or low in speakers._MODIFIERS:
            taken.append((s, w))
        elif w[0].isupper() and low not in speakers._STOP and taken:
            taken.append((s, w))
        elif low in ("and",) and before.lower() in speakers.ROLES and taken:
            taken.append((s, w))
        elif low in ("of", "for", "at") and before[:1].isupper() and taken:
            taken.append((s, w))
        else:
            break
    if not taken or taken[0][1].lower() not in speakers.ROLES:
        taken = []
    while taken and taken[-1][1].lower() in speakers._CONNECTORS:
        taken.pop()
    parts = []
    if taken:
        parts.append(text[taken[-1][0]:taken[0][0] + len(taken[0][1])])
    if run.prefix:
        parts.append(run.prefix)
    return " ".join(parts) or None


DESCRIPTION_PARTS = ["analyst", "columnist", "senior", "former", "and", "of", "at", "Kommersant", "University", "the",
                     "President", "Foreign Minister", "Ivan Petrov", "Anna Petrova", "Dr.", "Mr.", ",", ".", "'s",
                     "’", "-", "U.S.", "x", "lawyer", "  ", "\n", "\u00a0", "Osh"]


@SETTINGS
@given(st.lists(st.sampled_from(DESCRIPTION_PARTS), max_size=25).map(" ".join), st.integers(0, 30))
def test_the_description_before_a_name_is_read_from_its_last_words(text, floor):
    floor = min(floor, len(text))
    for run in speakers.classify_runs(text, [(floor, len(text), floor)], speakers.lower_words(text)):
        assert speakers.prefix_description(text, run, floor) == plain_prefix_description(text, run, floor)
        near = max(0, run.start - 3)  # a window that cuts a word
        assert speakers.prefix_description(text, run, near) == plain_prefix_description(text, run, near)


AGE_PARTS = ["34", "1", "1234", "-year-old", "-year-olds", "year-old", "-", "x", "old", "-year"]


@SETTINGS
@given(joined(AGE_PARTS, 6))
def test_an_age_holds_the_words_read_before_its_pattern(word):
    if speakers._AGE_WORD.fullmatch(word):
        assert "-year-old" in word


def test_a_letter_or_digit_is_what_isalnum_tells():
    # A quote must hold one: searched for with a pattern instead of a loop over its characters.
    for code in range(0x110000):
        ch = chr(code)
        assert bool(quotes._HAS_ALNUM.match(ch)) == ch.isalnum(), hex(code)


CONJ_PARTS = ["and", "And", "but", "so", "however", "then", "while", "also", "Andrew", "sofa", ",", " ", "  ", "\n",
              "the", "workers", "x"]


@SETTINGS
@given(st.lists(st.sampled_from(CONJ_PARTS), max_size=12).map(" ".join))
def test_the_leading_conjunctions_are_what_the_substitution_drops(phrase):
    assert quotes._without_leading_conj(phrase) == quotes._LEADING_CONJ.sub("", phrase)


@SETTINGS
@given(joined(["1", "23", "456", "7890", "x", " ", "\n", "١"], 6))
def test_an_age_in_an_apposition_is_three_characters_at_most(part):
    part = part.strip()  # the parts of an apposition are stripped
    if speakers._AGE.match(part):
        assert len(part) <= 3


GENDER_PARTS = ["Petrov", " ", "  ", "\n", ",", ".", "said", "he", "she", "his", "that", "later", "shook", "head",
                "'s", "x", "Ivan"]


@SETTINGS
@given(joined(GENDER_PARTS, 20), st.integers(0, 10))
def test_a_gender_cue_opens_with_a_space(text, pos):
    if speakers._GENDER_CUE.match(text, pos):
        assert text[pos:pos + 1].isspace()


# --- the words that open a run of capitalised words ------------------------------------------------------

RUN_PARTS = ["The", "President", "Mr.", "Police", "Ivan", "Petrov", "of", "the", "Ministry", "In", "Anna", "Dr.",
             "Interior", "Moscow", "van", "der", "Berg", "J.", "U.S.", ". ", " ", ", ", "\n", "“"]


@SETTINGS
@given(joined(RUN_PARTS, 25), st.sampled_from(["police president the in", "ivan moscow", ""]))
def test_the_words_left_out_of_a_name_as_the_plain_rule_tells(text, common):
    lower = speakers.lower_words(common)
    for m in speakers._RUN_RE.finditer(text):
        for tokens, words in zip(speakers._split_run(m.group()), speakers._skippable(m.group())):
            plain = 0
            for s, _, word in tokens:
                low = word.lower()
                if not (low in speakers._STOP or word[0].islower() or (
                        low not in speakers.CORE_TITLES and low not in speakers._HONORIFICS
                        and speakers._sentence_initial(text, m.start() + s, 0) and low in lower)):
                    break
                plain += 1
            assert speakers._leading_skip(text, m.start(), 0, words, lower) == plain


SENTENCE_PARTS = ["He left.", "Dr.", "U.S.", "J.", "K. Rowling", "on X.", "“", "”", ")", "said", " ", "\n", "etc.",
                  "Mr. Petrov", "?", "!"]


@SETTINGS
@given(joined(SENTENCE_PARTS, 20), st.integers(0, 10))
def test_the_last_sentence_start_read_from_the_end(text, lo):
    plain = lo
    for m in speakers._SENTENCE_END_RE.finditer(text, lo, len(text)):
        if not speakers.is_abbreviation(text, m.start()):
            plain = m.end()
    assert speakers.last_sentence_start(text, lo, len(text)) == plain
