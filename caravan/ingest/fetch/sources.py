"""The sources file: which feeds, pages and GDELT queries to collect, and how politely.

YAML with the keys below; only ``user_agent`` has to be there once anything is listed. Unknown keys are
errors (a misspelt ``feed:`` would otherwise fetch nothing without a word)::

    user_agent: "Caravan/0.1 (+https://example.org/caravan)"   # sent with every request
    delay_seconds: 1.0                                          # between requests to one host
    feeds: [https://example.org/rss.xml]                        # RSS 1.0/2.0 or Atom
    urls: [https://example.org/article.html]                    # single pages
    gdelt:                                                      # GDELT DOC 2.0 API, mode=artlist
      - {query: '(Tajik OR Uzbek) migrants Russia sourcelang:english', timespan: 1d}
    licences: {voanews.com: "public domain (VOA, U.S. government work)"}  # per domain
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from caravan.common.paths import PROJECT_ROOT

DEFAULT_SOURCES = PROJECT_ROOT / "sources.yaml"
GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
DEFAULT_USER_AGENT = "Caravan/0.1 (open-data pipeline on news about Central Asian migrants)"


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


@dataclass(frozen=True)
class GdeltQuery:
    query: str
    timespan: str = "1d"
    max_records: int = 250  # the API's largest page
    base_url: str = GDELT_DOC_API

    def url(self) -> str:
        params = {"query": self.query, "mode": "artlist", "format": "json", "timespan": self.timespan,
                  "maxrecords": self.max_records, "sort": "DateDesc"}
        return f"{self.base_url}?{urllib.parse.urlencode(params)}"


@dataclass(frozen=True)
class Sources:
    path: Path | None = None
    user_agent: str = DEFAULT_USER_AGENT
    delay_seconds: float = 1.0
    feeds: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    gdelt: tuple[GdeltQuery, ...] = ()
    licences: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 30.0
    max_bytes: int = 10_000_000  # a news page is rarely over 2 MB; more is a dump or a trap
    max_redirects: int = 5
    retries: int = 3  # further attempts after a 429 or 5xx answer
    retry_backoff_seconds: float = 2.0  # before the first retry; doubled each time
    max_wait_seconds: float = 120.0  # the longest Retry-After honoured; a longer one means: next run

    @property
    def empty(self) -> bool:
        return not (self.feeds or self.urls or self.gdelt)

    def licence_for(self, url: str) -> str | None:
        """The licence the file gives the URL's domain or a parent of it (voanews.com covers www.voanews.com)."""
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        for domain in sorted(self.licences, key=len, reverse=True):
            if host == domain or host.endswith("." + domain):
                return self.licences[domain]
        return None


_NUMBERS = {"delay_seconds": float, "timeout_seconds": float, "max_bytes": int, "max_redirects": int,
            "retries": int, "retry_backoff_seconds": float, "max_wait_seconds": float}
_KEYS = {"user_agent", "feeds", "urls", "gdelt", "licences", *_NUMBERS}
_GDELT_KEYS = {"query", "timespan", "max_records", "base_url"}


def load_sources(path: Path) -> Sources:
    """The sources of ``path``; an empty file (or one of comments only) lists nothing."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(path, "no such sources file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(path, f"cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise SourcesError(path, f"not valid YAML ({exc})") from exc
    if data is None:
        return Sources(path=path)
    if not isinstance(data, dict):
        raise SourcesError(path, "must be a YAML mapping (user_agent, delay_seconds, feeds, urls, gdelt, licences)")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SourcesError(path, f"unknown key(s) {', '.join(map(str, unknown))}; known: {', '.join(sorted(_KEYS))}")
    settings = {}
    for key, kind in _NUMBERS.items():
        if data.get(key) is not None:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (kind is int and value != int(value)):
                raise SourcesError(path, f"{key!r} must be a {'whole ' if kind is int else ''}number ≥ 0, not {value!r}")
            settings[key] = kind(value)
    user_agent = data.get("user_agent", DEFAULT_USER_AGENT)
    if not isinstance(user_agent, str) or not user_agent.strip():
        raise SourcesError(path, "'user_agent' must be a non-empty string: it tells site owners who is asking")
    licences = data.get("licences") or {}
    if not isinstance(licences, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in licences.items()):
        raise SourcesError(path, "'licences' must map domains to licence names, e.g. {voanews.com: public domain}")
    return Sources(
        path=path, user_agent=user_agent.strip(), feeds=_urls(path, data, "feeds"), urls=_urls(path, data, "urls"),
        gdelt=tuple(_gdelt(path, i, entry) for i, entry in enumerate(data.get("gdelt") or [])),
        licences={k.lower().removeprefix("www."): v.strip() for k, v in licences.items()}, **settings)


def _urls(path: Path, data: dict, key: str) -> tuple[str, ...]:
    values = data.get(key) or []
    if not isinstance(values, list):
        raise SourcesError(path, f"'{key}' must be a list of URLs")
    for value in values:
        if not isinstance(value, str) or urllib.parse.urlsplit(value).scheme not in ("http", "https") \
                or not urllib.parse.urlsplit(value).hostname:
            raise SourcesError(path, f"'{key}' holds {value!r}, which is not an http(s) URL")
    return tuple(dict.fromkeys(values))  # listed twice is fetched once


def _gdelt(path: Path, index: int, entry: object) -> GdeltQuery:
    where = f"gdelt entry {index + 1}"
    if not isinstance(entry, dict) or not isinstance(entry.get("query"), str) or not entry["query"].strip():
        raise SourcesError(path, f"{where} must be a mapping with a non-empty 'query'")
    unknown = sorted(set(entry) - _GDELT_KEYS)
    if unknown:
        raise SourcesError(path, f"{where}: unknown key(s) {', '.join(map(str, unknown))}; known: {', '.join(sorted(_GDELT_KEYS))}")
    max_records = entry.get("max_records", 250)
    if isinstance(max_records, bool) or not isinstance(max_records, int) or not 1 <= max_records <= 250:
        raise SourcesError(path, f"{where}: 'max_records' must be 1 to 250 (the API's limit), not {max_records!r}")
    base_url = entry.get("base_url", GDELT_DOC_API)
    if not isinstance(base_url, str) or urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise SourcesError(path, f"{where}: 'base_url' must be an http(s) URL, not {base_url!r}")
    return GdeltQuery(query=entry["query"].strip(), timespan=str(entry.get("timespan", "1d")),
                      max_records=max_records, base_url=base_url)
