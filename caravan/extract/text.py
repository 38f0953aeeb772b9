"""Paragraphs, sentences and tokens of an article, with character offsets into its text.

spaCy's rule-based English tokenizer and sentencizer: no model weights, so it works offline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
from spacy.language import Language
from spacy.tokens import Doc


class Span(NamedTuple):
    """A stretch of an article: ``text`` is the article's text from ``start`` to ``end``."""

    start: int
    end: int
    text: str


# A span made from its three fields at once, as the tuple it is: an article's paragraphs and sentences are made
# anew for every article, and a class's own constructor took a third of the time of reading their bounds.
_new_span = tuple.__new__


# spaCy's English suffixes are at most 5 characters long, but for runs of periods ("\.\.+$"); a test checks it.
SUFFIX_WINDOW = 6
# A run of more characters without a space is one token: spaCy strips the affixes of a run one at a time,
# copying and hashing the rest each time, in time that grows with the square of its length.
MAX_RUN = 1000
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_RUN + 1},}}")


@lru_cache(maxsize=1)
def nlp() -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    # The default limit (a million characters) keeps the parser's memory in bounds; only the tokenizer
    # runs here, and a long paragraph must not stop extraction.
    pipeline.max_length = 2**30 - 1
    pipeline.tokenizer.suffix_search = _suffix_search(pipeline.tokenizer.suffix_search.__self__)
    return pipeline


def _suffix_search(pattern: re.Pattern):
    """``pattern.search`` over the end of the string only, with the same answers.

    Every suffix pattern ends with ``$``, and spaCy asks for one after each affix it strips: searched
    from the start, a run of quotation marks or brackets took time in the square of its length."""
    def search(string: str) -> re.Match | None:
        pos = len(string) - SUFFIX_WINDOW
        if pos <= 0:
            return pattern.search(string)
        if string.endswith(".."):  # a run of periods is a suffix as long as it is
            pos = min(pos, len(string.rstrip(".")))
        return pattern.search(string, pos)
    return search


@lru_cache(maxsize=1)
def _sentence_final() -> frozenset[int]:
    """Hashes of the characters that end a sentence, as spaCy's sentencizer knows them."""
    strings = nlp().vocab.strings
    return frozenset(strings.add(ch) for ch in nlp().get_pipe("sentencizer").punct_chars)


@lru_cache(maxsize=16)
def paragraphs(text: str) -> tuple[Span, ...]:
    """Lines with text, stripped (cached: every extractor asks for them)."""
    spans, start = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            offset = start + line.index(stripped)
            spans.append(_new_span(Span, (offset, offset + len(stripped), stripped)))
        start += len(line) + 1
    return tuple(spans)


def doc(text: str) -> Doc:
    return nlp()(text)


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``text``, exactly as spaCy's sentencizer splits them."""
    if _odd_spaces(text) or (len(text) > MAX_RUN and _LONG_RUN.search(text)):  # a long run needs a longer text
        return _sentence_bounds_of_tokens(text)
    return _sentence_bounds_of_words(text)


# The tokenizer splits at single spaces first and reads each word alone; so where words are parted by single
# spaces only, a sentence can end only in a word that holds an end mark, and only those words and the ones
# after them need the tokenizer (the same words recur, so their tokens are cached).
# Every character but " " that str.isspace() calls a space (a test checks the list against Unicode).
_OTHER_SPACE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _odd_spaces(text: str) -> bool:
    """Whether words of ``text`` are parted otherwise than by single spaces: other spaces, two in a row, a space at
    either end (a class alone is searched fastest; the rest are plain string tests)."""
    return text.startswith(" ") or text.endswith(" ") or "  " in text or _OTHER_SPACE.search(text) is not None


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _final_marks() -> tuple[re.Pattern, re.Pattern]:
    """The end marks of the Basic Multilingual Plane, and all of them (a class with characters beyond it is read
    by a slow path of ``re``: ten times slower)."""
    marks = sorted(nlp().get_pipe("sentencizer").punct_chars)
    return (re.compile("[" + re.escape("".join(m for m in marks if ord(m) < 0x10000)) + "]"),
            re.compile("[" + re.escape("".join(marks)) + "]"))


@lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[tuple[bool, bool, int], ...]:
    """(ends a sentence, is punctuation, offset) of each token of one space-free word."""
    if word.isalnum():
        return ((False, False, 0),)
    final = _sentence_final()
    return tuple((orth in final, bool(is_punct), idx)
                 for orth, is_punct, idx in nlp().make_doc(word).to_array([ORTH, IS_PUNCT, IDX]).tolist())


def _sentence_bounds_of_words(text: str) -> list[tuple[int, int]]:
    return _sentence_bounds_between(text, 0, len(text), _next_mark_between(text)) if text else []


def _sentence_bounds_of_tokens(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``text``, exactly as spaCy's sentencizer splits them.

    The sentencizer's rule, run over the tokenizer's arrays instead of its Token objects: building
    those objects took most of the time of sentence splitting. A run of over ``MAX_RUN`` characters
    without a space is one word, in which no sentence ends.
    """
    if _LONG_RUN.search(text):  # offsets stay: the run becomes one word of the same length
        text = _LONG_RUN.sub(lambda m: "x" * len(m.group()), text)
    tokens = nlp().make_doc(text).to_array([ORTH, IS_PUNCT, IDX, LENGTH]).tolist()
    if not tokens:
        return []
    final = _sentence_final()
    starts, seen_final = [0], False
    for i, (orth, is_punct, _, _) in enumerate(tokens):
        if orth in final:
            seen_final = True
        elif seen_final and not is_punct:  # the first word after the end mark and its closing punctuation
            starts.append(i)
            seen_final = False
    ends = starts[1:] + [len(tokens)]
    return [(tokens[a][2], tokens[b - 1][2] + tokens[b - 1][3]) for a, b in zip(starts, ends)]


@lru_cache(maxsize=16)
def sentences(text: str) -> tuple[Span, ...]:
    """Sentences, never crossing a paragraph break (cached: every extractor asks for them)."""
    out = []
    # Whether words are parted by single spaces is told once for the article, and how to search for end marks: its
    # paragraphs of such words are then split in place.
    single_spaces = _single_spaces(text)
    next_mark = _next_mark_between(text) if single_spaces else None
    for para in paragraphs(text):
        if single_spaces and (len(para.text) <= MAX_RUN or not _LONG_RUN.search(para.text)):
            for start, end in _sentence_bounds_between(text, para.start, para.end, next_mark):
                out.append(_new_span(Span, (start, end, text[start:end])))
            continue
        for s, e in _sentence_bounds(para.text):
            sent = para.text[s:e]
            stripped = sent.strip()
            if stripped:
                start = para.start + s + sent.index(stripped)
                out.append(_new_span(Span, (start, start + len(stripped), stripped)))
    return tuple(out)


# Every character but " " and the line break (which parts paragraphs) that str.isspace() calls a space (a test checks
# them against Unicode): each is looked for by a plain search, which is faster than one search for them all.
_SPACES_IN_LINES = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _single_spaces(text: str) -> bool:
    """Whether no paragraph of ``text`` (a line, stripped) has odd spaces (``_odd_spaces``)."""
    return "  " not in text and not any(space in text for space in _SPACES_IN_LINES)


def _next_mark_between(text: str):
    """Where the next end mark of ``text`` is at or after a position and before a paragraph's end (-1: none), for
    every paragraph at once: it searches as it would the whole text, which finds the same marks in each paragraph
    (an ASCII text without "!" or "?" has only periods; the class with astral marks finds those of the other class
    too)."""
    if text.isascii() and "!" not in text and "?" not in text:
        find = text.find

        def search(pos: int, end: int) -> int:
            return find(".", pos, end)
        return search
    bmp, every = _final_marks()
    final_mark = every if not text.isascii() and _ASTRAL.search(text) else bmp

    def search(pos: int, end: int) -> int:
        m = final_mark.search(text, pos, end)
        return -1 if m is None else m.start()
    return search


def _sentence_bounds_between(text: str, lo: int, hi: int, next_mark) -> list[tuple[int, int]]:
    """``_sentence_bounds_of_words(text[lo:hi])`` with offsets in ``text``: text[lo:hi] is a paragraph of words parted
    by single spaces (``_single_spaces``) without a long run, and ``next_mark`` is ``_next_mark_between(text)``."""
    starts, pos = [lo], lo
    while (at := next_mark(pos, hi)) >= 0:
        i, seen_final = max(lo, text.rfind(" ", lo, at) + 1), False
        while i < hi:  # the word with the end mark, and the words after it up to the next sentence's first token
            j = text.find(" ", i, hi)
            j = hi if j < 0 else j
            for is_final, is_punct, idx in _word_tokens(text[i:j]):
                if is_final:
                    seen_final = True
                elif seen_final and not is_punct:
                    starts.append(i + idx)
                    seen_final = False
            i = j + 1
            if not seen_final:
                break
        pos = i
    ends = [s - 1 if text[s - 1] == " " else s for s in starts[1:]]
    ends.append(hi)
    return list(zip(starts, ends))


def sentence_at(sents: tuple[Span, ...], offset: int) -> Span | None:
    """The sentence holding character ``offset``."""
    for sent in sents:
        if sent.start <= offset < sent.end:
            return sent
    return None
