"""The static release pages: ``releases/<version>/index.html`` and ``releases/index.html``.

Everything shown comes from the release's own files (the Parquet tables, datapackage.json, SHA256SUMS,
CHANGES.md), and the pages load nothing: inline CSS, charts drawn here as inline SVG, no scripts. The
same release always gives the same bytes (no time of rendering on the page). Every value from the data
goes through ``html.escape``: quotes, names and titles are text, never markup.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pycountry

from caravan.common.ids import sha256_file
from caravan.release.child import ChildProcess, serve

NEWEST_QUOTES = 10
PAGE_NAME = "index.html"

# The pages need no scripts, fonts or images from anywhere: say so, so a browser blocks them even if
# escaping ever failed.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.45; color: #1b1b1b;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: .85em; word-break: break-all; }
.meta { color: #555; }
.chart .bar rect { fill: #2f6b9a; }
.chart text { font-size: 12px; fill: #1b1b1b; }
ol.quotes { padding-left: 1.2rem; }
ol.quotes li { margin-bottom: 1rem; }
blockquote { margin: 0 0 .2rem; padding-left: .7rem; border-left: 3px solid #2f6b9a; }
.empty { color: #555; font-style: italic; }
"""


def _e(value) -> str:
    """Escape any value for HTML text or a quoted attribute; None is empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def _href(url: str | None, relative: bool = False) -> str | None:
    """An escaped href for http(s) addresses (and, if allowed, plain relative paths); None otherwise,
    so that javascript: or data: addresses in the data never become links."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return _e(url)
    if relative and not parts.scheme and not parts.netloc and not url.startswith("/"):
        return _e(url)
    return None


def _link(url: str | None, text) -> str:
    href = _href(url)
    return f'<a href="{href}">{_e(text)}</a>' if href else _e(text)


def _num(n: int) -> str:
    return f"{n:,}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size, unit = n / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.1f} {unit}"


def _rows(path: Path, columns: list[str], article_ids: set[str] | None = None) -> list[dict]:
    """Rows of a release table, with only the wanted columns that it has (older releases may lack some); only those
    of ``article_ids`` when given (kept in Arrow: a release's articles as Python objects take 150 MB at 100,000)."""
    if not path.exists():
        return []
    present = [c for c in columns if c in pq.read_schema(path).names]
    table = pq.read_table(path, columns=present)
    if article_ids is not None:
        table = table.filter(pc.is_in(table["article_id"], value_set=pa.array(sorted(article_ids), pa.string())))
    return table.to_pylist()


def _country(code: str | None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", None)
    return f"{_e(code)} ({_e(name)})" if name else _e(code)


# --- charts -------------------------------------------------------------------------------------

def bar_chart(chart_id: str, title: str, description: str, items: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per item, with its count."""
    label_w, bar_w, value_w, row_h, pad = 170, 420, 50, 24, 6
    width, height = label_w + bar_w + value_w, max(len(items), 1) * row_h + 2 * pad
    top = max((n for _, n in items), default=0) or 1
    out = [f'<svg class="chart" id="{_e(chart_id)}" role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
           f'<desc id="{_e(chart_id)}-desc">{_e(description)}</desc>']
    for i, (label, n) in enumerate(items):
        y = pad + i * row_h
        w = bar_w * n / top
        out.append(f'<g class="bar" data-label="{_e(label)}" data-count="{n}"><title>{_e(label)}: {n}</title>'
                   f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(label)}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"></rect>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{n}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def incidents_by_type(incidents: list[dict]) -> list[tuple[str, int]]:
    """Incident records per type, most frequent first (ties by name)."""
    counts = Counter(r["type"] or "unknown" for r in incidents)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _month_bucket(date: str | None, precision: str | None) -> str:
    if not date:
        return "undated"
    if precision == "year" or len(date) == 4:
        return f"{date[:4]} (year only)"
    return date[:7]


def _bucket_order(bucket: str) -> tuple[int, int]:
    if bucket == "undated":
        return (10**6, 0)
    if bucket.endswith("(year only)"):
        return (int(bucket[:4]), 13)  # after the months of its year
    return (int(bucket[:4]), int(bucket[5:7]))


def incidents_by_month(incidents: list[dict]) -> list[tuple[str, int]]:
    """Incident records per month of their date, in time order, empty months between included;
    dates known only to the year get their own "YYYY (year only)" bar, undated ones an "undated" bar."""
    counts = Counter(_month_bucket(r.get("date"), r.get("date_precision")) for r in incidents)
    months = sorted(_bucket_order(b) for b in counts if b != "undated" and not b.endswith("(year only)"))
    if months:
        (y, m), last = months[0], months[-1]
        while (y, m) <= last:
            counts.setdefault(f"{y:04d}-{m:02d}", 0)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return sorted(counts.items(), key=lambda kv: _bucket_order(kv[0]))


# --- sections -----------------------------------------------------------------------------------

def _counts_section(package: dict) -> str:
    rows = [f'<tr><th scope="row"><a href="{_e(quote(r["path"]))}">{_e(r["name"])}</a></th>'
            f'<td>{_e(r.get("description"))}</td><td class="num">{_num(r.get("rows", 0))}</td></tr>'
            for r in package.get("resources", [])]
    return ('<section id="counts" aria-labelledby="counts-h"><h2 id="counts-h">Contents</h2>\n'
            '<table><thead><tr><th scope="col">Table</th><th scope="col">What it holds</th>'
            '<th scope="col" class="num">Rows</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></section>")


def _chart_section(section_id: str, heading: str, intro: str, items: list[tuple[str, int]], total: int) -> str:
    body = (bar_chart(f"chart-{section_id}", heading, f"{intro} {_num(total)} incident records in all.", items)
            if items else '<p class="empty">No incidents in this release.</p>')
    return (f'<section id="{section_id}" aria-labelledby="{section_id}-h"><h2 id="{section_id}-h">{_e(heading)}</h2>\n'
            f"<p>{_e(intro)}</p>\n{body}</section>")


def places(incidents: list[dict]) -> list[dict]:
    """Places of the incidents (country, region, city), most incidents first, with coordinates where
    the city was resolved."""
    found: dict[tuple, dict] = {}
    for r in incidents:
        key = (r.get("country"), r.get("region"), r.get("city"))
        place = found.setdefault(key, {"country": key[0], "region": key[1], "city": key[2], "incidents": 0,
                                       "latitude": None, "longitude": None, "geonames_id": None})
        place["incidents"] += 1
        for col in ("latitude", "longitude", "geonames_id"):
            if place[col] is None and r.get(col) is not None:
                place[col] = r[col]
    return sorted(found.values(), key=lambda p: (-p["incidents"], p["country"] or "", p["region"] or "", p["city"] or ""))


def _places_section(incidents: list[dict]) -> str:
    rows = []
    for p in places(incidents):
        if p["latitude"] is not None and p["longitude"] is not None:
            lat, lon = p["latitude"], p["longitude"]
            osm = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=9/{lat:.5f}/{lon:.5f}"
            where = f'<a href="{_e(osm)}">{lat:.4f}, {lon:.4f}</a>'
        else:
            where = ""
        city = _e(p["city"]) or '<span class="empty">not named</span>'
        rows.append(f'<tr><td>{city}</td><td>{_e(p["region"])}</td>'
                    f'<td>{_country(p["country"])}</td><td class="num">{_num(p["incidents"])}</td><td>{where}</td></tr>')
    body = ('<table id="places-table"><thead><tr><th scope="col">City</th><th scope="col">Region</th>'
            '<th scope="col">Country</th><th scope="col" class="num">Incidents</th><th scope="col">Coordinates</th></tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>") if rows else '<p class="empty">No incidents in this release.</p>'
    return ('<section id="places" aria-labelledby="places-h"><h2 id="places-h">Places</h2>\n'
            "<p>Where the incidents happened (for a travel advisory, the country that issued it). "
            "Coordinates are GeoNames', where the city was resolved.</p>\n" + body + "</section>")


def newest_quotes(quotes: Path, articles: Path, columns: list[str], n: int = NEWEST_QUOTES) -> list[dict]:
    """The ``n`` quotes of the most recently published articles (undated ones last), in reading order within an
    article, with the ``columns`` the quotes' file has. Read by DuckDB from the release's Parquet files, which keeps
    only the ``n`` newest: a release's quotes (a million at 100,000 articles) are never all in memory."""
    if not quotes.exists():
        return []
    present = ", ".join(f'q."{c}"' for c in columns if c in pq.read_schema(quotes).names)
    con = duckdb.connect(config={"threads": 1})
    try:
        return con.execute(
            f"SELECT {present} FROM read_parquet(?) q LEFT JOIN read_parquet(?) a USING (article_id) "
            "ORDER BY coalesce(a.published, '') DESC, q.article_id, q.char_start, q.record_id LIMIT ?",
            [str(quotes), str(articles), n]).to_arrow_table().to_pylist()
    finally:
        con.close()


def _quotes_section(newest: list[dict], articles: dict[str, dict], total: int) -> str:
    items = []
    for q in newest:
        art = articles.get(q["article_id"], {})
        who = [f'<span class="speaker">{_e(q.get("speaker")) or "unattributed"}</span>']
        if q.get("speaker_description"):
            who.append(f'<span class="speaker-description">{_e(q["speaker_description"])}</span>')
        source = []
        if q.get("medium"):
            source.append(f'medium: <span class="medium">{_e(q["medium"])}</span>')
        title = _e(art.get("title") or art.get("source_path") or q["article_id"])
        link = _href(art.get("url"))
        source.append(f'<a class="article" href="{link}">{title}</a>' if link else f'<span class="article">{title}</span>')
        source += [_e(v) for v in (art.get("outlet"), art.get("published")) if v]
        partial = ' <span class="meta">(partial quote)</span>' if q.get("partial") else ""
        items.append(f'<li class="quote" id="{_e(q["record_id"])}"><blockquote><p>“{_e(q["text"])}”</p></blockquote>'
                     f'<p class="meta">— {", ".join(who)}{partial}. {" · ".join(source)}</p></li>')
    body = ('<ol class="quotes">\n' + "\n".join(items) + "\n</ol>") if items else '<p class="empty">No quotes in this release.</p>'
    return ('<section id="quotes" aria-labelledby="quotes-h"><h2 id="quotes-h">Newest quotes</h2>\n'
            f"<p>The {NEWEST_QUOTES} newest of {_num(total)} quotes, by the publication date of their article.</p>\n"
            + body + "</section>")


def _checksums(release_dir: Path) -> dict[str, str]:
    path = release_dir / "SHA256SUMS"
    if not path.exists():
        return {}
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            sums[name] = digest
    return sums


def _downloads_section(release_dir: Path, package: dict) -> str:
    sums = _checksums(release_dir)
    resources = {r["path"]: r for r in package.get("resources", [])}
    rows = []
    files = [p for p in release_dir.iterdir() if p.is_file() and p.name != PAGE_NAME]
    # The tables first, in the data package's order; then the other files by name.
    order = {name: i for i, name in enumerate(resources)}
    for path in sorted(files, key=lambda p: (order.get(p.name, len(order)), p.name)):
        # SHA256SUMS cannot hold its own digest; any file it does not list is hashed here.
        digest = sums.get(path.name) or sha256_file(path)
        res = resources.get(path.name)
        what = f'{_e(res["name"])}: {_num(res.get("rows", 0))} rows' if res else ""
        size = path.stat().st_size
        rows.append(f'<tr><th scope="row"><a href="{_e(quote(path.name))}" download>{_e(path.name)}</a></th><td>{what}</td>'
                    f'<td class="num" title="{size} bytes">{_size(size)}</td><td><code>{_e(digest)}</code></td></tr>')
    return ('<section id="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">Downloads</h2>\n'
            "<p>Every file of the release, with its SHA-256 (check them all with <code>sha256sum -c SHA256SUMS</code>).</p>\n"
            '<table><thead><tr><th scope="col">File</th><th scope="col">Content</th><th scope="col" class="num">Size</th>'
            '<th scope="col">SHA-256</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></section>")


def _inline_markdown(text: str) -> str:
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", _e(text))


def _changes_section(release_dir: Path) -> str:
    """The summary of CHANGES.md (its text and table up to the first list of ids), with a link to it all."""
    path = release_dir / "CHANGES.md"
    if not path.exists():
        return ""
    out, table = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            break
        if line.startswith("# ") or not line.strip():
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                table.append(cells)
        else:
            out.append(f"<p>{_inline_markdown(line)}</p>")
    if table:
        head, *body = table
        num = ' class="num"'
        out.append("<table><thead><tr>" + "".join(f'<th scope="col">{_inline_markdown(c)}</th>' for c in head) + "</tr></thead>\n<tbody>\n"
                   + "\n".join("<tr>" + "".join(f'<td{num if c.isdigit() else ""}>{_inline_markdown(c)}</td>' for c in row)
                               + "</tr>" for row in body) + "\n</tbody></table>")
    out.append('<p>Every added, removed and changed record id: <a href="CHANGES.md">CHANGES.md</a> '
               'and <a href="changes.parquet">changes.parquet</a>.</p>')
    return ('<section id="changes" aria-labelledby="changes-h"><h2 id="changes-h">Changes</h2>\n' + "\n".join(out) + "</section>")


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", *body, "</body>", "</html>", ""])


# --- pages --------------------------------------------------------------------------------------

def table_sections(release_dir: Path) -> list[str]:
    """The page's sections drawn from the release's tables (the incidents' charts and places, the newest quotes): the
    part of the page that reads the Parquet files, and needs no other file of the release."""
    release_dir = Path(release_dir)
    quotes_file = release_dir / "quotes.parquet"
    newest = newest_quotes(quotes_file, release_dir / "articles.parquet", ["record_id", "article_id", "char_start",
                           "speaker", "speaker_description", "text", "partial", "medium"])
    quoted = {q["article_id"] for q in newest}
    articles = {a["article_id"]: a for a in _rows(release_dir / "articles.parquet",
                                                  ["article_id", "outlet", "url", "title", "published", "source_path"],
                                                  quoted)}
    total_quotes = pq.read_metadata(quotes_file).num_rows if quotes_file.exists() else 0
    incidents = _rows(release_dir / "incidents.parquet",
                      ["type", "city", "region", "country", "latitude", "longitude", "geonames_id", "date", "date_precision"])
    return [_chart_section("incidents-by-type", "Incidents by type", "Incident records per type.",
                           incidents_by_type(incidents), len(incidents)),
            _chart_section("incidents-by-month", "Incidents by month",
                           "Incident records per month of the event's date; dates known only to the year are counted apart.",
                           incidents_by_month(incidents), len(incidents)),
            _places_section(incidents), _quotes_section(newest, articles, total_quotes)]


def render_release_page(release_dir: Path, sections: list[str] | None = None) -> str:
    """The HTML of ``releases/<version>/index.html``, from the release's own files; ``sections`` are its
    ``table_sections``, when they were drawn already."""
    release_dir = Path(release_dir)
    sections = table_sections(release_dir) if sections is None else sections
    package = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    version = package.get("version") or release_dir.name
    licences = ", ".join(_link(lic.get("path"), lic.get("title") or lic.get("name")) for lic in package.get("licenses", []))
    header = [f"<header><h1>Caravan release {_e(version)}</h1>",
              f'<p>{_e(package.get("title"))}. {_e(package.get("description"))}</p>',
              f'<p class="meta">Data licence: {licences or "not stated"}; the articles keep their own licences '
              f'(articles.license). Cite with <a href="CITATION.cff">CITATION.cff</a>; described in '
              f'<a href="datapackage.json">datapackage.json</a> and <a href="README.md">README.md</a>. '
              f'Made by {_e(package.get("created_by"))}. <a href="../{PAGE_NAME}">All releases</a>.</p></header>']
    main = ["<main>", _counts_section(package), *sections, _downloads_section(release_dir, package),
            _changes_section(release_dir), "</main>"]
    return _page(f"Caravan release {version}", header + main)


def render_index_page(releases_dir: Path) -> str:
    """The HTML of ``releases/index.html``: every release of ``index.json`` with its counts and links."""
    index = json.loads((Path(releases_dir) / "index.json").read_text(encoding="utf-8"))
    releases = index.get("releases", [])
    tables: list[str] = []
    for rel in releases:
        tables += [t for t in rel.get("rows", {}) if t not in tables]
    rows, latest = [], '<p class="empty">No release yet.</p>'
    for rel in releases:
        path = rel.get("path") or rel["version"]
        # Percent-encoded, so a path can only ever be a relative address inside releases/.
        base = _href(quote(path.rstrip("/") + "/"), relative=True) or ""
        version = f'<a href="{base}{PAGE_NAME}">{_e(rel["version"])}</a>'
        is_latest = rel["version"] == index.get("latest")
        cells = "".join(f'<td class="num">{_num(rel["rows"][t]) if t in rel.get("rows", {}) else ""}</td>' for t in tables)
        files = f'<a href="{base}datapackage.json">datapackage.json</a> · <a href="{base}CHANGES.md">CHANGES.md</a>'
        rows.append(f'<tr><th scope="row">{version}{" <strong>(latest)</strong>" if is_latest else ""}</th>{cells}<td>{files}</td></tr>')
        if is_latest:
            latest = (f'<p>Latest release: {version} (also at the address <code>latest/</code>, which always '
                      "points to the newest release).</p>")
    body = ["<header><h1>Caravan releases</h1>",
            "<p>Incidents, quotes and economic figures about Central Asian labour migrants in Russia, extracted from "
            "news articles, each with its evidence. Releases are immutable and named by date (YYYY.MM.DD).</p>", latest, "</header>",
            '<main><section id="releases" aria-labelledby="releases-h"><h2 id="releases-h">All releases</h2>',
            '<table><thead><tr><th scope="col">Version</th>' + "".join(f'<th scope="col" class="num">{_e(t)}</th>' for t in tables)
            + '<th scope="col">Files</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></section></main>"]
    return _page("Caravan releases", body)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` by renaming a whole file over it: a reader never sees half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class ReleasePageError(RuntimeError):
    pass


def _page_error(release_dir: Path) -> Callable[[str], ReleasePageError]:
    return lambda message: ReleasePageError(f"{release_dir}: writing the release's page failed: {message}")


class TableSections(ChildProcess):
    """The ``table_sections`` of the release in ``release_dir`` (its tables written), drawn by a child process started
    when this is made: the tables it reads (the incidents, the articles, the newest quotes) take some 200 MB at
    100,000 articles, which go with the child, and it works while the release's other files are written."""

    def __init__(self, release_dir: Path):
        super().__init__("caravan.release.page", {"release_dir": str(release_dir)}, _page_error(release_dir))

    def wait(self) -> list[str]:
        return self.result()


def write_release_page(release_dir: Path, sections: list[str]) -> Path:
    """Write the release's page, its ``table_sections`` given (see ``TableSections``): the rest of it reads only the
    release's small files (datapackage.json, SHA256SUMS, CHANGES.md), here."""
    try:
        (Path(release_dir) / PAGE_NAME).write_text(render_release_page(release_dir, sections), encoding="utf-8")
    except Exception as exc:  # named as the child's failures are
        raise _page_error(release_dir)(f"{type(exc).__name__}: {exc}") from exc
    return Path(release_dir) / PAGE_NAME


def _table_sections(request: dict) -> list[str]:
    return table_sections(Path(request["release_dir"]))


def write_pages(release_dir: Path, releases_dir: Path) -> tuple[Path, Path]:
    """Write the release's page and the page of all releases; returns their paths."""
    release_page, index_page = Path(release_dir) / PAGE_NAME, Path(releases_dir) / PAGE_NAME
    write_atomic(release_page, render_release_page(Path(release_dir)))
    write_atomic(index_page, render_index_page(Path(releases_dir)))
    return release_page, index_page


if __name__ == "__main__":
    serve(_table_sections)
