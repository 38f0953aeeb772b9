"""Where the pages come from: the links of RSS/Atom feeds and of GDELT DOC 2.0 article lists."""

from __future__ import annotations

import json
import urllib.parse


class NotAList(ValueError):
    """A feed or article list that gave no links; the message says what it was instead."""


def page_url(link: str, base: str) -> str | None:
    """``link`` made absolute against ``base``, without its fragment; None unless it is http(s)."""
    url = urllib.parse.urljoin(base, link.strip()).split("#", 1)[0]
    parts = urllib.parse.urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def feed_links(body: bytes, url: str) -> list[str]:
    """Entry links of an RSS 0.9x/1.0/2.0 or Atom feed, in feed order (Atom: the rel="alternate" link)."""
    import feedparser

    # Parsed from the bytes already fetched: feedparser never goes to the network here.
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries and (parsed.bozo or not parsed.version):
        problem = getattr(parsed.get("bozo_exception"), "args", [""])[0] if parsed.bozo else "no RSS or Atom root"
        raise NotAList(f"not a readable feed ({str(problem)[:120]})")
    links = (page_url(entry.get("link") or "", url) for entry in parsed.entries)
    return list(dict.fromkeys(link for link in links if link))


def gdelt_links(body: bytes, url: str) -> list[str]:
    """Article URLs of a GDELT DOC 2.0 ``mode=artlist&format=json`` answer.

    The documented shape is ``{"articles": [{"url", "url_mobile", "title", "seendate", "socialimage",
    "domain", "language", "sourcecountry"}, ...]}``; no match gives ``{}``. The API answers a bad query
    with a line of plain text (status 200), which is reported as it came."""
    text = body.decode("utf-8-sig", "replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        first = text.splitlines()[0][:160] if text else "an empty body"
        raise NotAList(f"GDELT answered with text, not JSON: {first!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise NotAList("GDELT answer is not {'articles': [...]}")
    links = (page_url(item["url"], url) for item in data.get("articles", [])
             if isinstance(item, dict) and isinstance(item.get("url"), str))
    return list(dict.fromkeys(link for link in links if link))
