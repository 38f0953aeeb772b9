"""Which articles need extracting again: new ones, changed ones, and all when the extractors changed.

An article set aside because its extraction ran past the time budget is not tried again at every run:
only when its text, the extractors or the budget change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from caravan.common.ids import files_digest, sha256_text
from caravan.store.tables import EXTRACTED, shapes

_PACKAGE = Path(__file__).resolve().parents[1]
# The code and data whose change can change any extracted record.
_EXTRACTION_SOURCES = tuple(f"extract/{name}.py" for name in (
    "records", "text", "numbers", "caseless", "alternation", "quotes", "speakers", "incidents", "places", "dates",
    "figures")) + ("store/vocabularies.py", "common/ids.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    paths = [_PACKAGE / name for name in _EXTRACTION_SOURCES] + sorted((_PACKAGE / "data").glob("*"))
    code = files_digest((path.name, path) for path in paths if path.is_file())
    return sha256_text(code + shapes(*EXTRACTED.values()))[:16]


@dataclass(frozen=True)
class ExtractionPlan:
    extract: tuple[str, ...]  # new or changed articles, or all of them when the extractors changed
    remove: tuple[str, ...]  # articles no longer in the corpus
    reuse: tuple[str, ...]  # unchanged articles whose records stay as they are

    @property
    def replaced(self) -> tuple[str, ...]:
        """Articles whose stored records must go (to be replaced, or gone for good)."""
        return tuple(sorted(self.extract + self.remove))


def plan_extraction(current: dict[str, str], state: dict[str, tuple[str, str]], version: str,
                    set_aside: dict[str, tuple[str, str, float]] | None = None, time_budget: float = 0) -> ExtractionPlan:
    """``current``: article_id → sha256 now; ``state``: article_id → (sha256, extractor version) last extracted;
    ``set_aside``: article_id → (sha256, extractor version, time budget) of the articles last set aside."""
    set_aside = set_aside or {}
    extract = sorted(a for a, sha in current.items()
                     if state.get(a) != (sha, version) and set_aside.get(a) != (sha, version, time_budget))
    remove = sorted((set(state) | set(set_aside)) - set(current))
    reuse = sorted(set(current) - set(extract))
    return ExtractionPlan(tuple(extract), tuple(remove), tuple(reuse))


def partition_of(article_id: str, partitions: int) -> int:
    """The extraction partition of an article: a stable hash of its id, the same on every machine and run."""
    return int(hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:8], 16) % partitions
