"""Paragraphs, sentences and tokens of an article, with character offsets into its text.

spaCy's rule-based English tokenizer and sentencizer: no model weights, so it works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def nlp() -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


@lru_cache(maxsize=1)
def _sentence_final() -> frozenset[int]:
    """Hashes of the characters that end a sentence, as spaCy's sentencizer knows them."""
    strings = nlp().vocab.strings
    return frozenset(strings.add(ch) for ch in nlp().get_pipe("sentencizer").punct_chars)


def paragraphs(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            offset = start + line.index(stripped)
            spans.append(Span(offset, offset + len(stripped), stripped))
        start += len(line) + 1
    return spans


def doc(text: str) -> Doc:
    return nlp()(text)


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``text``, exactly as spaCy's sentencizer splits them.

    The sentencizer's rule, run over the tokenizer's arrays instead of its Token objects: building
    those objects took most of the time of sentence splitting.
    """
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
    for para in paragraphs(text):
        for s, e in _sentence_bounds(para.text):
            sent = para.text[s:e]
            stripped = sent.strip()
            if stripped:
                start = para.start + s + sent.index(stripped)
                out.append(Span(start, start + len(stripped), stripped))
    return tuple(out)


def sentence_at(sents: tuple[Span, ...], offset: int) -> Span | None:
    """The sentence holding character ``offset``."""
    for sent in sents:
        if sent.start <= offset < sent.end:
            return sent
    return None
