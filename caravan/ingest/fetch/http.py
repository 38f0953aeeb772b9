"""A polite HTTP client: robots.txt, one host at a time with a delay, conditional requests, retries.

Requests are made one after another (never two at once, so never two to one host), each host waits
``delay_seconds`` (or its robots.txt Crawl-delay, if longer) after its last answer. A page robots.txt
disallows is not requested. 429 and 5xx answers are retried with exponential backoff, honouring
Retry-After; timeouts, refused connections, bodies over the size limit, redirect loops, redirects to
anything but http(s), and content types the caller does not accept end the request with a reason.
Every request, and every skip, is written to the fetch log before the next one starts.
"""

from __future__ import annotations

import email.utils
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from caravan.ingest.fetch.sources import Sources
from caravan.ingest.fetch.store import History, WebStore

if TYPE_CHECKING:
    import httpx

_HTML = ("text/html", "application/xhtml+xml")
_SUFFIX = {"page": ".html", "feed": ".xml", "gdelt": ".json", "robots": ".txt"}
_WANTED = {"page": "HTML", "feed": "a feed", "gdelt": "JSON", "robots": "text"}


def accepts(kind: str, content_type: str) -> bool:
    """Whether a body of ``content_type`` is of use for a request of ``kind``."""
    if kind == "page":
        return content_type in _HTML
    if kind == "feed":  # feeds come as any XML type, and often as text/html or text/plain
        return "xml" in content_type or "rss" in content_type or "atom" in content_type or content_type.startswith("text/")
    if kind == "gdelt":
        return content_type == "application/json" or content_type.startswith("text/")
    return True  # robots.txt: whatever it is served as, it is read as text


@dataclass
class Fetched:
    """What became of one listed URL (after redirects)."""

    request: str
    url: str
    outcome: str  # fetched, not_modified, disallowed or failed
    body: bytes | None = None  # the body (fetched), or the stored one (not_modified)
    reason: str | None = None
    status: int | None = None
    retry_later: bool = False  # a passing failure: the next run asks again
    snapshot: str | None = None
    fetched_at: str | None = None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class _Answer:
    status: int | None
    headers: httpx.Headers | None
    body: bytes | None
    reason: str | None
    retry_later: bool = False


class PoliteClient:
    def __init__(self, sources: Sources, store: WebStore, history: History, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = utc_now):
        self.sources, self.store, self.history = sources, store, history
        self.sleep, self.clock, self.now = sleep, clock, now
        self.requests = 0  # HTTP requests made in this run
        self._last: dict[str, float] = {}  # host → when its last answer ended (clock)
        self._robots: dict[str, object] = {}  # scheme://host → Protego rules, or a reason to skip the host
        self._crawl_delay: dict[str, float] = {}  # host → Crawl-delay of its robots.txt
        import httpx  # here, not at the top: the code location loads this module and fetches nothing

        self._http = httpx.Client(follow_redirects=False, timeout=sources.timeout_seconds,
                                  headers={"User-Agent": sources.user_agent})

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- one listed URL, through its redirects ------------------------------------------------------------

    def get(self, request: str, kind: str) -> Fetched:
        url, seen = request, {request}
        for _ in range(self.sources.max_redirects + 1):
            if kind != "robots":
                refusal = self._robots_refusal(url)
                if refusal:
                    return self._settle(request, url, kind, _Answer(None, None, None, refusal), "disallowed")
            answer = self._with_retries(request, url, kind)
            if answer.status is None or not 300 <= answer.status < 400 or answer.status == 304:
                return self._finish(request, url, kind, answer)
            location = answer.headers.get("location") if answer.headers else None
            if not location:
                return self._finish(request, url, kind, _Answer(answer.status, answer.headers, None,
                                                               f"HTTP {answer.status} without a Location"))
            target = urllib.parse.urljoin(url, location.strip()).split("#", 1)[0]
            if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
                return self._finish(request, url, kind, _Answer(answer.status, answer.headers, None,
                                                               f"redirect to a non-HTTP(S) URL ({target[:100]})"))
            if target in seen:
                return self._finish(request, url, kind, _Answer(answer.status, answer.headers, None,
                                                               f"redirect loop (back to {target})"))
            self._record(request, url, kind, _Answer(answer.status, answer.headers, None, f"redirect to {target}"))
            seen.add(target)
            url = target
        return self._settle(request, url, kind, _Answer(None, None, None,
                                                        f"more than {self.sources.max_redirects} redirects"), "failed")

    def _finish(self, request: str, url: str, kind: str, answer: _Answer) -> Fetched:
        if answer.status == 304:
            stored = self.history.validators.get(url, {}).get("snapshot")
            return self._settle(request, url, kind, answer, "not_modified", self.store.body(stored) if stored else None,
                                stored)
        if answer.status == 200 and answer.body is not None and answer.reason is None:
            return self._settle(request, url, kind, answer, "fetched", answer.body)
        if answer.reason is None:
            answer.reason = f"HTTP {answer.status}"
        return self._settle(request, url, kind, answer, "failed")

    def _settle(self, request: str, url: str, kind: str, answer: _Answer, outcome: str, body: bytes | None = None,
                snapshot: str | None = None) -> Fetched:
        if outcome == "fetched":
            snapshot = self.store.keep(body, _SUFFIX[kind])
        record = self._record(request, url, kind, answer, outcome=outcome, snapshot=snapshot)
        return Fetched(request, url, outcome, body, answer.reason, answer.status, answer.retry_later, snapshot,
                       record["time"])

    def _record(self, request: str, url: str, kind: str, answer: _Answer, outcome: str | None = None,
                snapshot: str | None = None) -> dict:
        headers = answer.headers or {}
        record = {
            "time": _iso(self.now()), "kind": kind, "request": request, "url": url, "status": answer.status,
            "bytes": len(answer.body) if answer.body is not None else 0, "reason": answer.reason,
            "content_type": headers.get("content-type"), "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"), "snapshot": snapshot, "outcome": outcome,
        }
        if outcome == "failed":
            record["retry_later"] = answer.retry_later
        self.store.append(record)
        return record

    # --- one URL, with retries of 429 and 5xx ---------------------------------------------------------------

    def _with_retries(self, request: str, url: str, kind: str) -> _Answer:
        attempt = 0
        while True:
            answer = self._exchange(url, kind)
            if answer.status is None or (answer.status != 429 and answer.status < 500):
                return answer
            wait = min(self.sources.retry_backoff_seconds * 2 ** attempt, self.sources.max_wait_seconds)
            retry_after = _retry_after(answer.headers.get("retry-after"), self.now())
            if retry_after is not None and retry_after > self.sources.max_wait_seconds:
                answer.reason = f"HTTP {answer.status}, Retry-After {retry_after:g} s is longer than {self.sources.max_wait_seconds:g} s"
                answer.retry_later = True
                return answer
            if attempt >= self.sources.retries:
                answer.reason = f"HTTP {answer.status} after {attempt + 1} attempts"
                answer.retry_later = True
                return answer
            wait = max(wait, retry_after or 0.0)
            self._record(request, url, kind, _Answer(answer.status, answer.headers, None,
                                                     f"HTTP {answer.status}: retry in {wait:g} s"))
            self.sleep(wait)
            attempt += 1

    def _exchange(self, url: str, kind: str) -> _Answer:
        """One request, after the host's delay; the body is read only when it is of use and small enough."""
        import httpx

        host = urllib.parse.urlsplit(url).netloc.lower()
        self._wait_for(host)
        headers = {}
        known = self.history.validators.get(url)
        if known and kind != "page":  # a page is never asked again once fetched; feeds and lists are
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        self.requests += 1
        started = self.clock()
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                return self._read(response, kind, started)
        except httpx.TimeoutException:
            return _Answer(None, None, None, f"no answer within {self.sources.timeout_seconds:g} s", retry_later=True)
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            return _Answer(None, None, None, f"connection failed ({exc.__class__.__name__}: {exc})"[:300], retry_later=True)
        finally:
            self._last[host] = self.clock()

    def _read(self, response: httpx.Response, kind: str, started: float) -> _Answer:
        status, headers = response.status_code, response.headers
        if status != 200:
            return _Answer(status, headers, None, None)
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not accepts(kind, content_type):
            return _Answer(status, headers, None, f"content type {content_type or 'not given'} is not {_WANTED[kind]}")
        limit = self.sources.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _Answer(status, headers, None, f"over the size limit of {limit} bytes ({declared} declared)")
        chunks, size = [], 0
        for chunk in response.iter_bytes():  # decoded: the limit holds for what a compressed body unpacks to
            size += len(chunk)
            if size > limit:
                return _Answer(status, headers, None, f"over the size limit of {limit} bytes")
            if self.clock() - started > self.sources.timeout_seconds:  # a body that trickles in
                return _Answer(status, headers, None, f"body not complete within {self.sources.timeout_seconds:g} s",
                               retry_later=True)
            chunks.append(chunk)
        return _Answer(status, headers, b"".join(chunks), None)

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is None:
            return
        delay = max(self.sources.delay_seconds, self._crawl_delay.get(host, 0.0))
        remaining = last + delay - self.clock()
        if remaining > 0:
            self.sleep(remaining)

    # --- robots.txt -------------------------------------------------------------------------------------

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids ``url``, or None when it may be requested."""
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, str):
            return rules
        if rules is not None and not rules.can_fetch(url, self.sources.user_agent):
            return "disallowed by robots.txt"
        return None

    def _load_robots(self, origin: str):
        """Rules of ``origin``: parsed robots.txt, None (no file: all allowed), or the reason it is skipped.

        As RFC 9309 says: a robots.txt that is not there (4xx) allows everything; one that cannot be
        reached (5xx, timeout) forbids everything until it can."""
        from protego import Protego

        got = self.get(f"{origin}/robots.txt", "robots")
        if got.outcome in ("fetched", "not_modified") and got.body is not None:
            rules = Protego.parse(got.body.decode("utf-8", "replace"))
            self._crawl_delay[urllib.parse.urlsplit(origin).netloc] = float(rules.crawl_delay(self.sources.user_agent) or 0.0)
            return rules
        if got.retry_later:
            return f"robots.txt of {origin} unreachable ({got.reason}): host skipped this run"
        return None


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())
