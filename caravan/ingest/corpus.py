"""Reading a corpus folder: one article per ``STEM.txt`` with an optional ``STEM.meta.json``.

The format is the one of EVALUATION.md: UTF-8 body text, paragraphs separated by newlines; metadata
keys outlet, url, title, published ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), published_precision,
language, license, and optionally ``synthetic`` (true for articles written by the project for tests).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, partial
from hashlib import sha1
from pathlib import Path
from typing import Iterator

from caravan.common.ids import sha256_text, stable_id
from caravan.common.parallel import map_batches, worker_count

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


def _real_file(path: Path, root: Path) -> Path:
    """The real path of ``path``, which must be a regular file inside ``root`` (a resolved folder).

    Looks only at directory entries and never opens the file: a corpus folder is often a shared drop
    folder, and a link in it may point at any file the build can read; a named pipe blocks whoever
    opens it, and a device may act on being opened."""
    try:
        st = os.lstat(path)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode) and _resolved_dir(os.path.dirname(path)) == str(root):
        # A plain file, not a link, in a folder that resolves to ``root``: its real path is root/name, without
        # resolving every part of its path again (most of the time of reading a corpus of small files).
        return root / os.path.basename(path)
    try:
        real = Path(os.path.realpath(path, strict=True))
        inside = real.is_relative_to(root)
        mode = real.stat().st_mode if inside else 0  # not even looked at when outside
    except FileNotFoundError:
        raise CorpusError(path, "a link to a missing file (dangling link)" if os.path.islink(path)
                          else "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link to itself or a ring of links
            raise CorpusError(path, "a symbolic link loop") from None
        raise CorpusError(path, f"cannot be read ({exc.strerror})") from None
    if not inside:
        raise CorpusError(path, "outside the corpus folder")
    if not stat.S_ISREG(mode):
        raise CorpusError(path, f"not a regular file: {_kind(mode)}")
    return real


@lru_cache(maxsize=8)
def _resolved_dir(folder: str) -> str:
    """The real path of a folder. Cached: a stale answer only sends a file the slow way, since it is compared with
    the ``root`` its caller has just resolved from the same folder."""
    return os.path.realpath(folder)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "an unknown kind of file")


def _read_bytes(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` after the checks of ``_real_file``, never more than ``max_bytes``."""
    real = _real_file(path, root)
    try:
        # No following a link swapped in since the check, no blocking should a pipe have been.
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise CorpusError(path, f"cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CorpusError(path, f"not a regular file: {_kind(st.st_mode)}")
        if st.st_size > max_bytes:
            raise CorpusError(path, f"{st.st_size} bytes, over the limit of {max_bytes} for one article")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CorpusError(path, f"over the limit of {max_bytes} bytes for one article (it grew while read)")
    return data


_META_MAX_BYTES = 1_000_000  # a handful of fields; a larger file is not metadata


def _meta_path(txt_path: Path) -> Path:
    return txt_path.with_name(txt_path.name.removesuffix(".txt") + ".meta.json")


def _read_meta(meta_path: Path, root: Path) -> dict | None:
    """The checked metadata, or None when there is no metadata file."""
    if not os.path.lexists(meta_path):  # a dangling link is a metadata file that cannot be read
        return None
    data = _read_bytes(meta_path, root, _META_MAX_BYTES)
    try:
        meta = json.loads(data.decode("utf-8"))
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


DEFAULT_MAX_BYTES = 2_000_000  # ten times a long feature; larger files are dumps, not articles
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters but tab and line breaks
_HTML = re.compile(r"<!doctype html|<html[\s>]|<body[\s>]|<(?:p|div|br|span|a)(?:\s[^>]*)?>", re.IGNORECASE)


def _decode(txt_path: Path, data: bytes) -> str:
    if b"\x00" in data:
        raise CorpusError(txt_path, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        guess = from_bytes(data).best()
        hint = f"; it looks like {guess.encoding}: convert it to UTF-8" if guess is not None else ""
        raise CorpusError(txt_path, f"not UTF-8 text (byte {exc.start}){hint}") from exc


def read_article(txt_path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """The article of ``txt_path`` and its ``.meta.json``; neither is read unless it is a regular file
    inside the folder of ``txt_path`` (links are resolved first)."""
    txt_path = Path(txt_path)
    root = Path(os.path.realpath(txt_path.parent))
    raw = _decode(txt_path, _read_bytes(txt_path, root, max_bytes))
    if len(_HTML.findall(raw[:20000])) >= 3:
        raise CorpusError(txt_path, "HTML, not plain text: extract the article text first")
    controls = len(_CONTROL.findall(raw, 0, 20000))
    if controls > 0.01 * min(len(raw), 20000):
        raise CorpusError(txt_path, "binary file (control characters), not text")
    text = normalise_text(raw)
    if not text:
        raise CorpusError(txt_path, "the article is empty")
    meta = _read_meta(_meta_path(txt_path), root) or {}
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


@dataclass(frozen=True)
class FileState:
    """What an ingest learnt of one file it read: the file's fingerprint, its article's id and text hash, and
    its rank among copies (``_copy_rank``)."""

    fingerprint: str
    article_id: str
    sha256: str
    rank: tuple


def fingerprint(txt_path: Path | str) -> str | None:
    """What the directory entries of an article file and its metadata file say of them (device, inode, size,
    modification and change times), or None when either is not a plain regular file (a link, a pipe...):
    such a file is checked and read every time. A file written again gets a new change time."""
    txt = os.fspath(txt_path)  # as a string: a corpus has many files, and Path objects cost more than the lstat
    parts = []
    for path in (txt, txt.removesuffix(".txt") + ".meta.json"):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if path == txt:
                return None
            parts.append("none")
            continue
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        parts.append(f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
    return "|".join(parts)


@dataclass
class CorpusReading:
    articles: list[Article]
    rejected: list[Rejected]


def corpus_names(folder: Path) -> list[str]:
    """The names of the article files (``*.txt``) of ``folder``, sorted (the order never depends on the file system)."""
    with os.scandir(folder) as entries:
        return sorted(entry.name for entry in entries if entry.name.endswith(".txt"))


def scan_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES, near_duplicate: float = 0.9,
                signatures: dict[str, bytes] | None = None, workers: int | None = None,
                states: dict[str, FileState] | None = None) -> Iterator[Article | Rejected]:
    """Every readable article of ``folder`` once, one at a time (the corpus is never held in memory);
    files that cannot be read, second copies of an article already read, and near-copies of one
    (syndicated versions: similarity of word 5-grams at least ``near_duplicate``) come as Rejected with
    the reason instead of stopping the whole corpus. Files that are not regular files inside the folder
    (links elsewhere, pipes, devices) are rejected without being opened.

    Of several copies the one kept is the best by ``_copy_rank`` (what its metadata carries, then the
    file name): files are read in that order, so the first copy seen is the kept one (``CopyDecisions``).

    ``signatures`` (text sha256 → MinHash signature) is read and filled in: with the signatures of the
    last ingest, only new or changed texts are hashed again. Files are read and hashed on every core
    (``workers``); which file is a copy of which is decided in rank order, as in one process.

    ``states``, when given, is filled with the state of every file read, for the next ingest."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder does not exist")
    root = Path(os.path.realpath(folder))
    signatures = {} if signatures is None else signatures
    ranked, prints = [], {}
    for name in corpus_names(folder):
        if states is not None:
            # Taken before the file is read: a file written while it is read has another one next time.
            prints[name] = fingerprint(folder / name)
        outcome = rank_file(folder / name, root)
        if isinstance(outcome, Rejected):
            yield outcome
        else:
            ranked.append((outcome, name))
    decisions = CopyDecisions(near_duplicate)
    ranks = {name: rank for rank, name in ranked}
    for name, outcome in read_and_sign([folder / name for _, name in sorted(ranked)], max_bytes, signatures, workers):
        if isinstance(outcome, str):
            yield Rejected(name, outcome)
            continue
        article, signature = outcome
        if states is not None and prints[name] is not None:
            states[name] = FileState(prints[name], article.article_id, article.sha256, ranks[name])
        reason = decisions.copy_of(article.article_id, article.sha256)
        if reason is None:
            signatures.setdefault(article.sha256, signature)
            reason = decisions.near_copy_or_keep(name, article.article_id, article.sha256, signature)
        yield article if reason is None else Rejected(name, reason)


def rank_file(txt_path: Path, root: Path) -> tuple | Rejected:
    """The rank of an article file among copies (``_copy_rank``), or Rejected when it is not a regular file inside
    ``root`` (checked before its metadata is read for the rank)."""
    try:
        _real_file(txt_path, root)
    except CorpusError as exc:
        return Rejected(txt_path.name, exc.problem)
    return _copy_rank(txt_path, root)


class CopyDecisions:
    """Which files are kept and which are copies of a kept one, decided file by file in rank order: a second copy
    of an article (same id or same text) or a near-copy of a kept text (``NearDuplicates``) is set aside.

    A file's decision depends only on the kept files before it that share its article id, its text or a band of
    its signature (``NearDuplicates.bands``): its neighbours."""

    def __init__(self, near_duplicate: float):
        self.kept_by_id: dict[str, str] = {}
        self.kept_by_text: dict[str, str] = {}  # the same text under another URL, or with and without metadata
        self.near = NearDuplicates(near_duplicate)

    def copy_of(self, article_id: str, sha256: str) -> str | None:
        """Why the file is set aside as a second copy of a kept article, else None."""
        if article_id in self.kept_by_id:
            return f"duplicate of {self.kept_by_id[article_id]} (same article)"
        if sha256 in self.kept_by_text:
            return f"duplicate of {self.kept_by_text[sha256]} (same text)"
        return None

    def near_copy_or_keep(self, name: str, article_id: str, sha256: str, signature: bytes) -> str | None:
        """Why the file (no second copy) is set aside as a near-copy of a kept text, else None: it is kept."""
        copy_of = self.near.find_or_add(name, signature)
        if copy_of:
            return (f"near-duplicate of {copy_of[0]} (similarity {copy_of[1]:.2f}): "
                    "a syndicated or lightly edited copy")
        self.kept_by_id[article_id] = name
        self.kept_by_text[sha256] = name
        return None

    def decide(self, name: str, article_id: str, sha256: str, signature: bytes) -> str | None:
        """Why the file is set aside, else None: it is kept."""
        return self.copy_of(article_id, sha256) or self.near_copy_or_keep(name, article_id, sha256, signature)


_RANKED_FIELDS = ("outlet", "url", "title", "published", "language", "license")


def _copy_rank(txt_path: Path, root: Path) -> tuple:
    """Sort key that puts the better of two copies of an article first: valid metadata over none, more
    metadata fields, a stated publication date, the earlier date, then the file name. Only the small
    ``.meta.json`` is read; metadata that cannot be read counts as none (the article is rejected for it)."""
    try:
        meta = _read_meta(_meta_path(txt_path), root)
    except CorpusError:
        meta = None
    if meta is None:
        return (1, 0, 1, "", txt_path.name)
    published = meta.get("published")
    fields = sum(1 for key in _RANKED_FIELDS if meta.get(key) not in (None, ""))
    return (0, -fields, published is None, published or "", txt_path.name)


_WINDOW = 512  # files handed to the workers at a time: two windows are in flight, never the whole corpus
_PARALLEL_FROM = 256  # files; a smaller corpus is read before worker processes would have started
_known_signatures: dict[str, bytes] = {}  # what forked workers see of the stored signatures


def _read_one(path: Path, max_bytes: int) -> tuple[str, str | tuple[Article, bytes]]:
    try:
        article = read_article(path, max_bytes)
    except CorpusError as exc:  # the problem may be the article's metadata file: name it then
        return path.name, exc.problem if exc.path == path else f"{exc.path.name}: {exc.problem}"
    signature = _known_signatures.get(article.sha256) or minhash_signature(article.text)
    return path.name, (article, signature)


def read_and_sign(paths: list[Path], max_bytes: int, known: dict[str, bytes],
                   workers: int | None) -> Iterator[tuple[str, str | tuple[Article, bytes]]]:
    """(file name, problem or (article, MinHash signature)) for every path, in path order; a text of ``known``
    (sha256 → signature) is not hashed again."""
    global _known_signatures
    _known_signatures = known  # forked workers inherit it: the stored signatures are never sent to them
    workers = 1 if len(paths) < _PARALLEL_FROM else worker_count(workers)
    if workers > 1:
        _permutations()  # drawn (and datasketch imported) once, before the workers fork, rather than in each of them
    windows = (paths[start:start + _WINDOW] for start in range(0, len(paths), _WINDOW))
    for _, results in map_batches(partial(_read_one, max_bytes=max_bytes), windows, workers):
        yield from results


def read_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES, near_duplicate: float = 0.9) -> CorpusReading:
    """``scan_corpus`` collected: the articles and the rejected files."""
    reading = CorpusReading([], [])
    for item in scan_corpus(folder, max_bytes, near_duplicate):
        (reading.rejected if isinstance(item, Rejected) else reading.articles).append(item)
    return reading


_SCHEME = "affine32"  # datasketch's default; named, because stored signatures must match it
_NUM_PERM = 64


@lru_cache(maxsize=1)
def _permutations():
    from datasketch import MinHash

    # Fixed seed: the same corpus gives the same answer, in every process. Drawn once, not per text.
    return MinHash(num_perm=_NUM_PERM, seed=1, scheme=_SCHEME).permutations


def minhash_signature(text: str) -> bytes:
    """MinHash of the text's word 5-grams: 64 unsigned 32-bit values, little-endian."""
    from datasketch import MinHash

    words = re.findall(r"\w+", text.lower())
    shingles = {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}
    # datasketch's own 32-bit SHA-1 hash of each shingle (sha1_hash32), computed in one pass rather than a call
    # per shingle: the hashing was most of the time, and the values are the same.
    hashes = [int.from_bytes(sha1(s.encode("utf-8")).digest()[:4], "little") for s in shingles]
    sig = MinHash(num_perm=_NUM_PERM, seed=1, permutations=_permutations(), scheme=_SCHEME, hashfunc=_hashed)
    sig.update_batch(hashes)
    return sig.hashvalues.astype("<u4").tobytes()


def _hashed(value: int) -> int:
    return value


class NearDuplicates:
    """Near-copies by MinHash over word 5-grams with locality-sensitive hashing: no comparison of every pair.

    A text is compared with the remembered texts that share a band of its signature with it (a run of values,
    ``bands``), as datasketch's MinHashLSH does with the bands it chooses for the threshold; the bands are indexed
    as the signature's bytes, without a MinHash object per text."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.bands = signature_bands(threshold)
        self.buckets: list[dict[bytes, list[str]]] = [{} for _ in self.bands]
        # The signatures as stored (256 bytes each), not as MinHash objects (about 800).
        self.signatures: dict[str, bytes] = {}

    def find_or_add(self, name: str, signature: bytes) -> tuple[str, float] | None:
        """The earlier file whose text this signature nearly copies, with the estimated similarity; else remember it."""
        import numpy as np

        values = np.frombuffer(signature, dtype="<u4")
        candidates = {other for (start, end), bucket in zip(self.bands, self.buckets)
                      for other in bucket.get(signature[start:end], ())}
        # MinHash.jaccard: the share of equal values.
        best = max(((other, float(np.count_nonzero(values == np.frombuffer(self.signatures[other], dtype="<u4")))
                     / _NUM_PERM) for other in candidates), key=lambda x: (x[1], x[0]), default=None)
        if best and best[1] >= self.threshold:
            return best
        for (start, end), bucket in zip(self.bands, self.buckets):
            bucket.setdefault(signature[start:end], []).append(name)
        self.signatures[name] = signature
        return None


@lru_cache(maxsize=4)
def signature_bands(threshold: float) -> tuple[tuple[int, int], ...]:
    """The byte ranges of a signature that the near-duplicate search compares for ``threshold``: datasketch's
    MinHashLSH bands (its choice of bands and rows for the threshold), 4 bytes a value."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=_NUM_PERM)
    return tuple((4 * start, 4 * end) for start, end in lsh.hashranges)


def corpus_fingerprint(folder: Path) -> dict[str, str]:
    """A cheap signature of every article file (name → size and modification time), to notice changes.

    Taken from the directory entry itself: a link is not followed (its target may lie outside the
    folder) and nothing is opened (a named pipe would block)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith((".txt", ".meta.json")):
            try:
                st = path.lstat()
            except FileNotFoundError:  # removed since the listing: the next look sees it gone
                continue
            out[path.name] = f"{st.st_size}:{st.st_mtime_ns}"
    return out


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Names added, changed or removed between two fingerprints, sorted."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
