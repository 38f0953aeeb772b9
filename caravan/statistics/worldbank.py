"""World Bank Indicators API v2: a small client, snapshots on disk, and one parser for both.

``fetch_snapshot`` asks the API for every page of each indicator and keeps the raw responses as they
came, with their URLs and the retrieval time, in a new folder that is never written again. Builds read
a snapshot offline with ``read_snapshot``, through the same ``parse_page`` the client used while
fetching, so a recorded response and a live one give the same rows.

The API's failures look like this, and each becomes a ``WorldBankError`` that says which one it was:
HTTP 200 with ``[{"message": [{"id": "120", "key": "Invalid value", "value": "..."}]}]`` (id 175:
indicator not found), HTTP 400 with an HTML page, a body that is not JSON, and, after the retries
with exponential backoff, 429 / 5xx answers, timeouts and refused connections.
Data licence of WDI: CC BY 4.0.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pycountry

from caravan.statistics.official_figures import SERIES, WORLD_BANK_SERIES, official_row

DEFAULT_BASE_URL = "https://api.worldbank.org/v2"
COUNTRIES = ("TJK", "KGZ", "UZB", "KAZ", "TKM", "RUS")
INDICATORS = tuple(WORLD_BANK_SERIES.values())
DEFAULT_YEARS = (2015, 2024)
PUBLISHER = "World Bank"
LICENCE = "CC BY 4.0"
MANIFEST = "manifest.json"
_USER_AGENT = "caravan-statistics/0.1 (open data pipeline; urllib)"


class WorldBankError(RuntimeError):
    """The API (or a recorded response) did not give data; the message says why and for which URL."""

    def __init__(self, url: str, problem: str, api_messages: tuple[dict, ...] = ()):
        super().__init__(f"World Bank API {url}: {problem}")
        self.url, self.problem, self.api_messages = url, problem, api_messages


@dataclass(frozen=True)
class Page:
    url: str
    meta: dict  # page, pages, per_page, total as ints; sourceid, lastupdated as given
    rows: list[dict]


# --- Parsing: shared by live fetches and recorded snapshots -----------------------------------------------


def _html_title(text: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    return " ".join(m.group(1).split()) if m else text.strip()[:80]


def _api_messages(data: object) -> tuple[dict, ...] | None:
    """The messages of an error body ``[{"message": [...]}]``, or None when ``data`` is not one."""
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict) and "message" in data[0]:
        messages = data[0]["message"]
        return tuple(m for m in messages if isinstance(m, dict)) if isinstance(messages, list) else ({"value": str(messages)},)
    return None


def _describe_messages(messages: tuple[dict, ...]) -> str:
    return "; ".join(f"id {m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}".replace(" :", ":") for m in messages)


def _as_int(meta: dict, key: str, url: str) -> int:
    try:
        return int(meta[key])  # per_page (and on some endpoints page and pages) come as strings
    except (KeyError, TypeError, ValueError):
        raise WorldBankError(url, f"the page's metadata has no usable {key!r} ({meta.get(key)!r})") from None


def parse_page(body: bytes, url: str) -> Page:
    """One response body of ``/country/.../indicator/...?format=json`` as metadata and rows."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorldBankError(url, f"the response is not UTF-8 (byte {exc.start})") from exc
    if text.lstrip().startswith("<"):
        raise WorldBankError(url, f"the API answered with an HTML/XML page instead of JSON ({_html_title(text)!r})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorldBankError(url, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    messages = _api_messages(data)
    if messages is not None:
        raise WorldBankError(url, f"the API reported an error: {_describe_messages(messages)}", messages)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise WorldBankError(url, "unexpected JSON: expected [metadata, rows]")
    meta = dict(data[0])
    for key in ("page", "pages", "per_page", "total"):
        meta[key] = _as_int(meta, key, url)
    rows = data[1] if data[1] is not None else []  # the API gives null rows when nothing matches
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise WorldBankError(url, "unexpected JSON: the rows are not a list of objects")
    return Page(url, meta, rows)


def _iso3(row: dict) -> str | None:
    code = row.get("countryiso3code")
    if code:
        return code
    # Older answers leave countryiso3code empty; country.id is then the ISO alpha-2 code.
    country = pycountry.countries.get(alpha_2=(row.get("country") or {}).get("id") or "")
    return country.alpha_3 if country else None


def official_rows(page: Page, retrieved_at: datetime) -> list[dict]:
    """Rows of official_figures from one page; observations without a value are not figures."""
    lastupdated = page.meta.get("lastupdated") or None
    reported_as = f"World Bank WDI API, retrieved {retrieved_at:%Y-%m-%d}"
    out = []
    for i, row in enumerate(page.rows):
        if row.get("value") is None:
            continue
        code = (row.get("indicator") or {}).get("id")
        iso3 = _iso3(row)
        date = str(row.get("date") or "")
        if not code or not iso3 or not re.fullmatch(r"\d{4}", date):
            raise WorldBankError(page.url, f"row {i} lacks an indicator id, a country code or a yearly date: {row}")
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            raise WorldBankError(page.url, f"row {i} has a value that is not a number: {row['value']!r}") from None
        series = SERIES.get(code)
        status = row.get("obs_status") or None
        out.append(official_row(
            source_kind="world_bank_api", publisher=PUBLISHER, reported_as=reported_as, indicator_code=code,
            country_iso3=iso3, year=int(date), value=value, unit=series.unit if series else (row.get("unit") or "unknown"),
            qualifier="exact", note=f"obs_status {status}" if status else None, found_at_url=page.url,
            retrieved_at=retrieved_at, date_reported=lastupdated,
        ))
    return out


# --- The client --------------------------------------------------------------------------------------


@dataclass
class WorldBankClient:
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    retries: int = 4  # further attempts after the first one fails for a passing reason
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_backoff: float = 60.0
    per_page: int = 1000
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def indicator_url(self, countries: tuple[str, ...] | list[str], indicator: str, years: tuple[int, int], page: int) -> str:
        query = urllib.parse.urlencode({"format": "json", "date": f"{years[0]}:{years[1]}",
                                        "per_page": self.per_page, "page": page}, safe=":")
        return (f"{self.base_url.rstrip('/')}/country/{';'.join(countries)}/indicator/"
                f"{urllib.parse.quote(indicator, safe='.')}?{query}")

    def get(self, url: str) -> bytes:
        """The body of a successful answer; passing failures are retried with exponential backoff."""
        attempt = 0
        while True:
            retry_after = None
            try:
                request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": "application/json"})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise WorldBankError(url, f"HTTP {exc.code}: {_describe_error_body(_read(exc))}") from None
                reason = f"HTTP {exc.code}"
                retry_after = _seconds(exc.headers.get("Retry-After") if exc.headers else None)
            except TimeoutError:
                reason = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                timed_out = isinstance(exc.reason, TimeoutError)
                reason = f"no answer within {self.timeout:g} s" if timed_out else f"connection failed ({exc.reason})"
            except (http.client.HTTPException, ConnectionError) as exc:
                reason = f"connection broke ({exc.__class__.__name__}: {exc})"
            if attempt >= self.retries:
                raise WorldBankError(url, f"gave up after {attempt + 1} attempts; last failure: {reason}")
            delay = min(self.max_backoff, self.backoff * 2 ** attempt)
            if retry_after is not None:
                delay = max(delay, min(retry_after, self.max_backoff))
            self.sleep(delay)
            attempt += 1

    def fetch_indicator(self, countries, indicator: str, years: tuple[int, int]) -> list[tuple[Page, bytes]]:
        """Every page of one indicator for ``countries`` and ``years``, parsed, with its raw body."""
        pages: list[tuple[Page, bytes]] = []
        number, last = 1, 1
        while number <= last:
            url = self.indicator_url(countries, indicator, years, number)
            body = self.get(url)
            page = parse_page(body, url)
            if pages and page.meta.get("lastupdated") != pages[0][0].meta.get("lastupdated"):
                raise WorldBankError(url, "the data were updated while paging; fetch again")
            pages.append((page, body))
            last = page.meta["pages"] if number == 1 else last
            number += 1
        total = pages[0][0].meta["total"]
        got = sum(len(p.rows) for p, _ in pages)
        if got != total:
            raise WorldBankError(pages[0][0].url, f"paging gave {got} rows over {len(pages)} pages, the API announced {total}")
        return pages


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _describe_error_body(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith("<"):
        return f"the API answered with an HTML page ({_html_title(text)!r})"
    try:
        messages = _api_messages(json.loads(text))
    except json.JSONDecodeError:
        messages = None
    return _describe_messages(messages) if messages else (text.strip()[:200] or "empty body")


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: the exponential backoff is enough


# --- Snapshots ---------------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def fetch_snapshot(folder: Path, countries=COUNTRIES, indicators=INDICATORS, years: tuple[int, int] = DEFAULT_YEARS,
                   client: WorldBankClient | None = None, clock: Callable[[], datetime] = _utc_now) -> Path:
    """Fetch every page of ``indicators`` and record them in a new folder ``worldbank-YYYYMMDDTHHMMSSZ``.

    The folder holds the raw bodies as received and ``manifest.json`` (base URL, request, licence,
    retrieval time, and per response its URL, time and SHA-256). It appears only once complete and is
    never overwritten. Nothing is written when any request fails.
    """
    client = client or WorldBankClient()
    retrieved_at = clock().astimezone(timezone.utc).replace(microsecond=0)
    responses, bodies = [], {}
    for indicator in indicators:
        for number, (page, body) in enumerate(client.fetch_indicator(tuple(countries), indicator, tuple(years)), 1):
            name = f"{indicator}.page{number}.json"
            bodies[name] = body
            responses.append({"file": name, "url": page.url, "indicator": indicator, "page": number,
                              "retrieved_at": _iso(clock()), "sha256": hashlib.sha256(body).hexdigest(),
                              "bytes": len(body)})
    manifest = {
        "source": "World Bank Indicators API v2", "publisher": PUBLISHER, "licence": LICENCE,
        "base_url": client.base_url, "countries": list(countries), "indicators": list(indicators),
        "years": list(years), "retrieved_at": _iso(retrieved_at), "responses": responses,
    }
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"worldbank-{retrieved_at:%Y%m%dT%H%M%SZ}"
    if target.exists():
        raise WorldBankError(client.base_url, f"snapshot {target} already exists; snapshots are never overwritten")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    for name, body in bodies.items():
        (staging / name).write_bytes(body)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    staging.rename(target)
    return target


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def read_snapshot(folder: Path) -> list[dict]:
    """Rows of official_figures from a recorded snapshot, offline, in manifest order."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        retrieved_at = datetime.fromisoformat(manifest["retrieved_at"].replace("Z", "+00:00"))
        responses = manifest["responses"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorldBankError(str(manifest_path), f"not a readable snapshot manifest ({exc})") from exc
    rows: list[dict] = []
    for response in responses:
        path = folder / response["file"]
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise WorldBankError(response["url"], f"recorded response {path} cannot be read ({exc.strerror})") from exc
        if hashlib.sha256(body).hexdigest() != response["sha256"]:
            raise WorldBankError(response["url"], f"recorded response {path} changed since it was fetched (SHA-256 differs)")
        rows.extend(official_rows(parse_page(body, response["url"]), retrieved_at))
    return rows


def latest_snapshot(root: Path) -> Path | None:
    """The newest complete snapshot under ``root`` (names sort by retrieval time), or None."""
    root = Path(root)
    if not root.is_dir():
        return None
    found = sorted(p for p in root.glob("worldbank-*") if (p / MANIFEST).is_file())
    return found[-1] if found else None
