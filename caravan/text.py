"""Paragraphs, sentences and tokens of an article, with character offsets into its text.

spaCy's rule-based English tokenizer and sentencizer: no model weights, so it works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spacy
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


@lru_cache(maxsize=16)
def sentences(text: str) -> tuple[Span, ...]:
    """Sentences, never crossing a paragraph break (cached: every extractor asks for them)."""
    out = []
    for para in paragraphs(text):
        for sent in doc(para.text).sents:
            stripped = sent.text.strip()
            if stripped:
                start = para.start + sent.start_char + sent.text.index(stripped)
                out.append(Span(start, start + len(stripped), stripped))
    return tuple(out)


def sentence_at(sents: tuple[Span, ...], offset: int) -> Span | None:
    """The sentence holding character ``offset``."""
    for sent in sents:
        if sent.start <= offset < sent.end:
            return sent
    return None
