"""Ingest of what changed since the last ingest: only the files written since (or set aside by it) are read, and the
decisions about copies are made again only where those files could move them.

A file's decision depends only on the kept files before it among its neighbours (files sharing its article id, its
text or a band of its signature, ``CopyDecisions``). An unchanged article was kept last time, beside its unchanged
neighbours: only a file read can set it aside now. So the decisions made in rank order over the files read and the
unchanged articles that neighbour them are those a first ingest of the whole corpus makes; every other unchanged
article stays."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from caravan.ingest.corpus import (Article, CopyDecisions, CorpusError, FileState, Rejected, corpus_names, fingerprint,
                                   rank_file, read_and_sign, signature_bands)


@dataclass(frozen=True)
class Candidate:
    """A readable article file as the decisions about copies see it."""

    name: str
    rank: tuple
    article_id: str
    sha256: str
    signature: bytes


@dataclass(frozen=True)
class NeighbourKeys:
    """What the neighbours of some files share with one of them: an article id, a text hash, or a band of the
    signature (``bands[i]`` holds the byte values of band ``i``, whose byte range is ``band_ranges[i]``)."""

    article_ids: list[str]
    sha256s: list[str]
    band_ranges: tuple[tuple[int, int], ...]
    bands: list[list[bytes]]


@dataclass
class CopyOutcome:
    """The decisions about copies where they may have moved: the files read that are kept, the unchanged articles
    now set aside, and every file set aside (with the files that could not be read)."""

    kept: list[Candidate]
    set_aside: list[str]
    rejected: list[Rejected]


def corpus_prints(folder: Path) -> dict[str, str | None]:
    """Article file name → its fingerprint (None for a file that is not a plain regular file), for every file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder does not exist")
    base = os.fspath(folder)
    return {name: fingerprint(os.path.join(base, name)) for name in corpus_names(folder)}


@dataclass
class ChangedFiles:
    """The files of ``folder`` an ingest reads (new, written since the last ingest, or set aside by it), and what
    reading them taught: their candidates for the decisions about copies, their states for the next ingest, and the
    files that could not be read."""

    folder: Path
    max_bytes: int
    near_duplicate: float
    candidates: list[Candidate] = field(default_factory=list)
    states: dict[str, FileState] = field(default_factory=dict)
    unreadable: list[Rejected] = field(default_factory=list)

    def read(self, prints: dict[str, str | None], signatures: dict[str, bytes],
             workers: int | None = None) -> Iterator[Article]:
        """Every readable article of the files of ``prints`` (name → fingerprint taken before reading), on every core;
        ``signatures`` (sha256 → signature) spares the hashing of texts known already."""
        root = Path(os.path.realpath(self.folder))
        ranks = {}
        for name in prints:
            outcome = rank_file(self.folder / name, root)
            if isinstance(outcome, Rejected):
                self.unreadable.append(outcome)
            else:
                ranks[name] = outcome
        for name, outcome in read_and_sign([self.folder / name for name in ranks], self.max_bytes, signatures, workers):
            if isinstance(outcome, str):
                self.unreadable.append(Rejected(name, outcome))
                continue
            article, signature = outcome
            self.candidates.append(Candidate(name, ranks[name], article.article_id, article.sha256, signature))
            if prints[name] is not None:
                self.states[name] = FileState(prints[name], article.article_id, article.sha256, ranks[name])
            yield article

    def decide(self, unchanged_neighbours: Callable[[NeighbourKeys], list[Candidate]]) -> CopyOutcome:
        """The decisions about copies over the files read and the unchanged articles that neighbour them, found by
        ``unchanged_neighbours`` (the unchanged articles that share one of the keys)."""
        decisions = CopyDecisions(self.near_duplicate)
        kept, set_aside, rejected = [], [], list(self.unreadable)
        read_names = {c.name for c in self.candidates}
        neighbours = unchanged_neighbours(self._keys()) if self.candidates else []
        for c in sorted(self.candidates + neighbours, key=lambda c: c.rank):
            reason = decisions.decide(c.name, c.article_id, c.sha256, c.signature)
            if reason is not None:
                rejected.append(Rejected(c.name, reason))
                if c.name not in read_names:
                    set_aside.append(c.name)
            elif c.name in read_names:
                kept.append(c)
        return CopyOutcome(kept, set_aside, sorted(rejected, key=lambda r: r.path))

    def _keys(self) -> NeighbourKeys:
        ranges = signature_bands(self.near_duplicate)
        read = self.candidates
        return NeighbourKeys(sorted({c.article_id for c in read}), sorted({c.sha256 for c in read}), ranges,
                             [sorted({c.signature[start:end] for c in read}) for start, end in ranges])
