"""From a fetched HTML page to a corpus article: ``STEM.txt`` and ``STEM.meta.json`` as caravan.ingest.corpus reads them.

trafilatura finds the main text, the title and the site's name, with htmldate behind it for the date.
What the page declares itself is read here first, because trafilatura leaves it out or loses its
precision: the canonical URL (resolved against the page's own URL), the language of ``<html lang>``,
the publication date as the page's metadata writes it (``2024-03`` stays a month), and the licence of
``<link rel="license">``, ``<a rel="license">`` or Dublin Core rights metadata.

Everything depends only on the page's bytes, the URL it came from and when it was fetched, so the same
snapshot always gives the same files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from caravan.ingest.corpus import normalise_text

ALL_RIGHTS_RESERVED = "all rights reserved"
MIN_TEXT_CHARS = 200  # the shortest news brief runs to a few sentences


class NotAnArticle(ValueError):
    """A page that gives no article; the message is the reason."""


@dataclass(frozen=True)
class WebArticle:
    stem: str  # file name without .txt, from the canonical URL
    text: str
    meta: dict


def page_article(body: bytes, url: str, fetched_at: str, snapshot: str,
                 licence_for: Callable[[str], str | None] = lambda url: None) -> WebArticle:
    """The article of the HTML page ``body`` fetched from ``url`` at ``fetched_at`` (ISO UTC time)."""
    import trafilatura

    tree = trafilatura.load_html(body)
    if tree is None:
        raise NotAnArticle("not parseable as HTML")
    canonical = canonical_url(tree, url)
    language = declared_language(tree)
    licence = page_licence(tree, url) or licence_for(canonical) or ALL_RIGHTS_RESERVED
    declared = declared_date(tree, fetched_at[:10])
    doc = trafilatura.bare_extraction(
        body, url=canonical, with_metadata=True, include_comments=False,
        # htmldate's latest acceptable date is "today" unless given: the fetch day keeps re-runs identical.
        date_extraction_params={"original_date": True, "extensive_search": True, "max_date": fetched_at[:10]})
    text = normalise_text(doc.text or "") if doc is not None else ""
    title = " ".join(doc.title.split()) if doc is not None and doc.title else None
    if title and text.split("\n", 1)[0] == title:  # the headline is metadata, not a sentence of the text
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if len(text) < MIN_TEXT_CHARS:  # what is left of a page without an article: a menu, a caption
        raise NotAnArticle(f"no article text found (under {MIN_TEXT_CHARS} characters)")
    published, precision = declared or _found_date(doc.date if doc is not None else None)
    meta = {
        "outlet": (doc.sitename if doc is not None and doc.sitename else None) or _host(canonical),
        "url": canonical,
        "title": title,
        "published": published,
        "published_precision": precision,
        "language": language,
        "license": licence,
        "fetched_from": url,
        "fetched_at": fetched_at,
        "snapshot": snapshot,
    }
    return WebArticle(stem=article_stem(canonical), text=text, meta=meta)


def article_stem(canonical: str) -> str:
    """``web-<host>-<12 hex of SHA-256 of the URL>``: the same canonical URL always gives the same file."""
    host = re.sub(r"[^a-z0-9.-]+", "-", _host(canonical)) or "unknown"
    return f"web-{host}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:12]}"


def _host(url: str) -> str:
    return (urllib.parse.urlsplit(url).hostname or "").lower().removeprefix("www.")


def write_article(folder: Path, article: WebArticle) -> Path:
    """Write the article's two files, each replaced whole; the metadata first, so that a reader never
    sees the text without it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = json.dumps(article.meta, indent=2, ensure_ascii=False) + "\n"
    _replace(folder / f"{article.stem}.meta.json", meta)
    target = folder / f"{article.stem}.txt"
    _replace(target, article.text + "\n")
    return target


def _replace(path: Path, content: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
    os.replace(tmp, path)


# --- What the page declares ----------------------------------------------------------------------------


def canonical_url(tree, url: str) -> str:
    """``<link rel="canonical">`` resolved against the page's URL, else the page's URL; no fragment."""
    for element in tree.xpath('//head/link[@href]'):
        if "canonical" in (element.get("rel") or "").lower().split():
            resolved = urllib.parse.urljoin(url, element.get("href").strip()).split("#", 1)[0]
            if urllib.parse.urlsplit(resolved).scheme in ("http", "https"):
                return resolved
    return url.split("#", 1)[0]


def declared_language(tree) -> str | None:
    """The primary language subtag the page declares (``en-US`` gives ``en``), else None."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for element in tree.xpath('//meta[@content]'):
        key = (element.get("http-equiv") or element.get("name") or element.get("property") or "").lower()
        if key in ("content-language", "language", "dc.language", "dcterms.language", "og:locale"):
            candidates.append(element.get("content"))
    for value in candidates:
        match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_,\s]|$)", value or "")
        if match:
            return match.group(1).lower()
    return None


_CC = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d+\.\d+)", re.IGNORECASE)
_RIGHTS_META = ("dc.rights", "dcterms.rights", "dc.license", "dcterms.license", "license")


def licence_name(value: str) -> str | None:
    """The name of a Creative Commons licence or dedication from its URL ("CC BY 4.0"), else None."""
    match = _CC.search(value)
    if not match:
        return None
    kind, code, version = match.group(1).lower(), match.group(2).lower(), match.group(3)
    if kind == "publicdomain":
        return {"zero": f"CC0 {version}", "mark": f"Public Domain Mark {version}"}.get(code)
    return f"CC {code.upper()} {version}"


def page_licence(tree, url: str) -> str | None:
    """The licence the page states: ``<link rel="license">`` in its head, then rights metadata, then an
    ``<a rel="license">`` (last, because in the body it may be a photo's licence); CC URLs by name."""
    links = tree.xpath('//head//link[@href]')
    anchors = tree.xpath('//a[@href]')
    for element in links:
        if _is_licence_link(element):
            return _licence_of_link(element, url)
    for element in tree.xpath('//meta[@content]'):
        if (element.get("name") or element.get("property") or "").lower() in _RIGHTS_META:
            content = " ".join(element.get("content").split())
            if content:
                return licence_name(content) or content
    for element in anchors:
        if _is_licence_link(element):
            return _licence_of_link(element, url)
    return None


def _is_licence_link(element) -> bool:
    return bool({"license", "cc:license"} & set((element.get("rel") or "").lower().split()))


def _licence_of_link(element, url: str) -> str:
    href = urllib.parse.urljoin(url, element.get("href").strip())
    return licence_name(href) or href


_DATE_META = ("article:published_time", "og:published_time", "datepublished", "dc.date", "dc.date.issued",
              "dcterms.issued", "dcterms.date", "pubdate", "publishdate", "date")
_ISO_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T\s])")


def declared_date(tree, latest: str) -> tuple[str, str] | None:
    """The publication date as the page's metadata writes it, with its precision (day, month, year):
    meta tags, JSON-LD ``datePublished``, ``<time itemprop="datePublished">``. Dates after ``latest``
    (the fetch day) are not publication dates."""
    values = []
    for element in tree.xpath('//meta[@content]'):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        if key in _DATE_META:
            values.append((_DATE_META.index(key), element.get("content")))
    values.sort(key=lambda pair: pair[0])
    found = [value for _, value in values]
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            found.extend(_json_ld_dates(json.loads(script)))
        except (json.JSONDecodeError, RecursionError):
            continue
    found += tree.xpath('//time[@itemprop="datePublished"]/@datetime | //*[@itemprop="datePublished"]/@content')
    for value in found:
        parsed = _iso_date(value or "")
        if parsed and parsed[0] <= latest:
            return parsed
    return None


def _json_ld_dates(data) -> list[str]:
    if isinstance(data, list):
        return [d for item in data for d in _json_ld_dates(item)]
    if not isinstance(data, dict):
        return []
    own = [data["datePublished"]] if isinstance(data.get("datePublished"), str) else []
    return own + [d for value in data.values() if isinstance(value, (dict, list)) for d in _json_ld_dates(value)]


def _iso_date(value: str) -> tuple[str, str] | None:
    match = _ISO_DATE.match(value)
    if not match:
        return None
    year, month, day = match.groups()
    if not 1990 <= int(year) <= 2100 or (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        return None
    if day:
        return f"{year}-{month}-{day}", "day"
    return (f"{year}-{month}", "month") if month else (year, "year")


def _found_date(found: str | None) -> tuple[str | None, str | None]:
    """htmldate's date, which is always a day: it writes a partial date as the 1st ("03/2024" gives
    2024-03-01, "March 2024" even 2024-01-01), so a 1st is taken as its month and a 1 January as its year.
    An article of the 1st loses its day; no article gains a day it never had."""
    parsed = _iso_date(found or "")
    if not parsed:
        return None, None
    date = parsed[0]
    if date.endswith("-01-01"):
        return date[:4], "year"
    if date.endswith("-01"):
        return date[:7], "month"
    return date, "day"
