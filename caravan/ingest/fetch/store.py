"""The web folder beside the corpus: every request in ``fetch_log.jsonl``, every body kept in ``snapshots/``.

The log is the record of what was fetched (one JSON object a line, appended as requests happen): the URL
listed in the sources (``request``), the URL asked (``url``, after redirects), the HTTP status, the
bytes, the time, the reason when there is no usable body, and, on the last line of each request, its
``outcome``: fetched, not_modified, disallowed (by robots.txt) or failed (with ``retry_later`` true for
passing failures, which the next run asks again). A body that was used is kept once under its SHA-256
and never rewritten, so the corpus files can be derived again from the folder alone, offline.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

LOG = "fetch_log.jsonl"
SNAPSHOTS = "snapshots"
_LOCK = ".fetch.lock"


def default_web_folder(corpus: Path) -> Path:
    """``web/`` beside the corpus folder (``data/corpus`` → ``data/web``): snapshots are not articles."""
    return Path(corpus).parent / "web"


class FetchError(RuntimeError):
    """The web folder (or a file in it) cannot be used; the message names the file and the problem."""


@dataclass
class History:
    """What earlier runs left: validators for conditional requests, and the requests that are settled."""

    validators: dict[str, dict] = field(default_factory=dict)  # url → etag, last_modified, snapshot of its last 200
    settled: set[str] = field(default_factory=set)  # listed page URLs that are not asked again


class WebStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.log_path = self.folder / LOG
        self.snapshots = self.folder / SNAPSHOTS

    @contextmanager
    def locked(self):
        """Held for a whole fetch: two fetches at once would interleave their log lines and requests."""
        self.snapshots.mkdir(parents=True, exist_ok=True)
        with open(self.folder / _LOCK, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                    raise FetchError(f"{self.folder}: another fetch is running (it holds {self.folder / _LOCK})") from None
                raise
            try:
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def records(self) -> Iterator[dict]:
        """The log's records in the order they were written."""
        if not self.log_path.exists():
            return
        with open(self.log_path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FetchError(f"{self.log_path}, line {number}: not a JSON record ({exc.msg}); "
                                     "repair or remove that line") from None
                if not isinstance(record, dict) or not isinstance(record.get("url"), str) or "request" not in record:
                    raise FetchError(f"{self.log_path}, line {number}: a record needs 'request' and 'url'")
                yield record

    def history(self) -> History:
        history = History()
        for record in self.records():
            if record.get("status") == 200 and record.get("snapshot"):
                history.validators[record["url"]] = {key: record.get(key) for key in ("etag", "last_modified", "snapshot")}
            if record.get("kind") == "page" and (record.get("outcome") == "fetched" or
                                                 (record.get("outcome") == "failed" and not record.get("retry_later"))):
                history.settled.add(record["request"])
        return history

    def append(self, record: dict) -> None:
        # One line per write, flushed at once: a run that dies leaves every finished request recorded.
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    def keep(self, body: bytes, suffix: str) -> str:
        """Store ``body`` under its hash (once) and return the snapshot's file name."""
        name = f"{hashlib.sha256(body).hexdigest()}{suffix}"
        target = self.snapshots / name
        if not target.exists():
            fd, tmp = tempfile.mkstemp(prefix=".part-", dir=self.snapshots)
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, target)
        return name

    def body(self, name: str) -> bytes:
        """A kept body, checked against the hash in its name."""
        path = self.snapshots / name
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise FetchError(f"{path}: snapshot cannot be read ({exc.strerror})") from None
        if hashlib.sha256(body).hexdigest() != name.split(".", 1)[0]:
            raise FetchError(f"{path}: snapshot changed since it was fetched (SHA-256 differs from its name)")
        return body
