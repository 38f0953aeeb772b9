"""Reading a corpus folder: one article per ``STEM.txt`` with an optional ``STEM.meta.json``.

The format is the one of EVALUATION.md: UTF-8 body text, paragraphs separated by newlines; metadata
keys outlet, url, title, published ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), published_precision,
language, license, and optionally ``synthetic`` (true for articles written by the project for tests).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from caravan.ids import sha256_text, stable_id

PRECISIONS = ("day", "month", "year")
_DATE_FORMS = {"year": re.compile(r"^\d{4}$"), "month": re.compile(r"^\d{4}-\d{2}$"), "day": re.compile(r"^\d{4}-\d{2}-\d{2}$")}


class CorpusError(ValueError):
    """An article file that cannot be read as the corpus format says; the message names the file."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Article:
    article_id: str
    outlet: str | None
    url: str | None
    title: str | None
    published: str | None
    published_precision: str | None
    language: str | None
    license: str | None
    text: str
    n_chars: int
    sha256: str
    source_path: str
    synthetic: bool = False

    @property
    def stem(self) -> str:
        return Path(self.source_path).name.removesuffix(".txt")


def normalise_text(raw: str) -> str:
    """NFC, Unix newlines, no trailing spaces, no blank-line runs: offsets refer to this text."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


def _precision_of(published: str) -> str | None:
    for precision, form in _DATE_FORMS.items():
        if form.match(published):
            return precision
    return None


def _read_meta(meta_path: Path) -> dict:
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(meta_path, f"metadata is not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise CorpusError(meta_path, "metadata must be a JSON object")
    published = meta.get("published")
    if published is not None:
        if not isinstance(published, str) or _precision_of(published) is None:
            raise CorpusError(meta_path, f"'published' must be YYYY, YYYY-MM or YYYY-MM-DD, not {published!r}")
        precision = meta.get("published_precision") or _precision_of(published)
        if precision not in PRECISIONS:
            raise CorpusError(meta_path, f"'published_precision' must be one of {PRECISIONS}, not {precision!r}")
        if precision != _precision_of(published):
            raise CorpusError(meta_path, f"'published' {published!r} does not have {precision} precision")
        meta["published_precision"] = precision
    return meta


def read_article(txt_path: Path) -> Article:
    txt_path = Path(txt_path)
    try:
        raw = txt_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(txt_path, f"not UTF-8 text (byte {exc.start})") from exc
    text = normalise_text(raw)
    if not text:
        raise CorpusError(txt_path, "the article is empty")
    meta = _read_meta(txt_path.with_name(txt_path.name.removesuffix(".txt") + ".meta.json"))
    url = meta.get("url") or None
    # The URL identifies a web article across corrections; without one, the text is the identity.
    article_id = stable_id("art", "url", url) if url else stable_id("art", "text", " ".join(text.split()))
    return Article(
        article_id=article_id,
        outlet=meta.get("outlet"),
        url=url,
        title=meta.get("title"),
        published=meta.get("published"),
        published_precision=meta.get("published_precision"),
        language=meta.get("language"),
        license=meta.get("license"),
        text=text,
        n_chars=len(text),
        sha256=sha256_text(text),
        source_path=txt_path.name,
        synthetic=bool(meta.get("synthetic", False)),
    )


def iter_corpus(folder: Path) -> Iterator[Article]:
    """Articles of ``folder`` in file-name order (the order never depends on the file system).

    Raises CorpusError at the first file that cannot be read; ``read_corpus`` sets such files aside.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder does not exist")
    for txt_path in sorted(folder.glob("*.txt")):
        yield read_article(txt_path)


@dataclass(frozen=True)
class Rejected:
    path: str
    reason: str


@dataclass
class CorpusReading:
    articles: list[Article]
    rejected: list[Rejected]


def read_corpus(folder: Path) -> CorpusReading:
    """Every readable article of ``folder`` once; files that cannot be read, and second copies of an
    article already read, are set aside with the reason instead of stopping the whole corpus."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder does not exist")
    articles: list[Article] = []
    rejected: list[Rejected] = []
    first_path: dict[str, str] = {}
    for txt_path in sorted(folder.glob("*.txt")):
        try:
            article = read_article(txt_path)
        except CorpusError as exc:
            rejected.append(Rejected(txt_path.name, exc.problem))
            continue
        if article.article_id in first_path:
            rejected.append(Rejected(txt_path.name, f"duplicate of {first_path[article.article_id]} (same article)"))
            continue
        first_path[article.article_id] = txt_path.name
        articles.append(article)
    return CorpusReading(articles, rejected)


def corpus_fingerprint(folder: Path) -> dict[str, str]:
    """A cheap signature of every article file (name → size and modification time), to notice changes."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith((".txt", ".meta.json")) and path.is_file():
            st = path.stat()
            out[path.name] = f"{st.st_size}:{st.st_mtime_ns}"
    return out


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Names added, changed or removed between two fingerprints, sorted."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
