"""The static release page: what it shows, that it escapes everything, and what Chromium renders of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from caravan.release.page import (bar_chart, incidents_by_month, newest_quotes, render_index_page,
                                  render_release_page, write_pages)
from tests.conftest import SAMPLE_CORPUS, run_build

VERSION = "2024.04.01"
HOSTILE_QUOTE = "<script>alert('x')</script> DROP TABLE quotes; --"
# Synthetic test snippet, written for this test: a quote, a title, an outlet and a URL full of HTML and
# SQL characters, which must come out of the page as the same visible text. Not marked synthetic in its
# metadata, because synthetic articles are left out of releases.
HOSTILE_ARTICLE = (
    "Police in Kazan detained 12 migrants from Tajikistan during a raid on a market on Friday, "
    "the regional interior ministry said.\n"
    f"“{HOSTILE_QUOTE}” said Test Person, a spokesman for a migrants' group.\n"
)
HOSTILE_META = {"outlet": "O'Reilly & <Sons>", "title": "<i>Raid</i> & \"more\" in 'Kazan'",
                "url": "https://example.org/news?a=1&b=\"2\"<x>", "published": "2024-04-06", "language": "en"}
SECTIONS = ("Contents", "Incidents by type", "Incidents by month", "Places", "Newest quotes", "Downloads", "Changes")


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, **attrs):
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and all(c.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                    yield c
                yield from c.iter(tag, **attrs)

    def find(self, tag: str | None = None, **attrs) -> Node:
        found = next(self.iter(tag, **attrs), None)
        assert found is not None, f"no <{tag} {attrs}> in the page"
        return found


class _TreeBuilder(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.node)
        self.node.children.append(node)
        if tag not in self.VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, dict(attrs), self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(page: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One release of the sample corpus plus the hostile article, with its pages written."""
    corpus = tmp_path_factory.mktemp("page") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    (corpus / "hostile-quote.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    (corpus / "hostile-quote.meta.json").write_text(json.dumps(HOSTILE_META), encoding="utf-8")
    out = corpus.parent / "out"
    assert run_build(corpus, out, VERSION).success
    release_dir = out / "releases" / VERSION
    write_pages(release_dir, out / "releases")
    return release_dir


def _table(release_dir: Path, name: str) -> list[dict]:
    return pq.read_table(release_dir / f"{name}.parquet").to_pylist()


def _check_page(dom: Node, release_dir: Path) -> None:
    """What the release page must show, checked the same way on our HTML and on Chromium's DOM."""
    assert dom.find("h1").text() == f"Caravan release {VERSION}"
    assert [h.text() for h in dom.iter("h2")] == list(SECTIONS)

    package = json.loads((release_dir / "datapackage.json").read_text())
    counts = {row.find("th").text(): row.find("td", class_="num").text() for row in dom.find("section", id="counts").iter("tr")
              if next(row.iter("td"), None)}
    assert counts == {r["name"]: f'{pq.read_metadata(release_dir / r["path"]).num_rows:,}' for r in package["resources"]}

    incidents = _table(release_dir, "incidents")
    by_type = dom.find("svg", id="chart-incidents-by-type")
    assert by_type.find("title").text() == "Incidents by type"
    bars = {g.attrs["data-label"]: int(g.attrs["data-count"]) for g in by_type.iter("g", class_="bar")}
    assert bars == Counter(r["type"] for r in incidents) and len(list(by_type.iter("rect"))) == len(bars)
    by_month = {g.attrs["data-label"]: int(g.attrs["data-count"])
                for g in dom.find("svg", id="chart-incidents-by-month").iter("g", class_="bar")}
    assert sum(by_month.values()) == len(incidents)
    assert by_month["2024-03"] == sum(1 for r in incidents if (r["date"] or "").startswith("2024-03"))

    places = [[td.text() for td in tr.iter("td")] for tr in dom.find("table", id="places-table").find("tbody").iter("tr")]
    for r in incidents:
        if r["city"] and r["latitude"] is not None:
            row = next(p for p in places if p[0] == r["city"])
            assert row[4] == f'{r["latitude"]:.4f}, {r["longitude"]:.4f}'
            assert row[3] == str(sum(1 for i in incidents if i["city"] == r["city"]))
            assert row[2].startswith(r["country"])

    quotes = list(dom.find("ol", class_="quotes").iter("li"))
    assert len(quotes) == min(10, len(_table(release_dir, "quotes")))
    newest = quotes[0]  # the hostile article is the most recently published
    assert newest.find("blockquote").text() == f"“{HOSTILE_QUOTE}”"
    assert newest.find("span", class_="speaker").text() == "Test Person"
    link = newest.find("a", class_="article")
    assert link.attrs["href"] == HOSTILE_META["url"] and link.text() == HOSTILE_META["title"]
    assert HOSTILE_META["outlet"] in newest.text()

    sums = dict(line.split("  ")[::-1] for line in (release_dir / "SHA256SUMS").read_text().splitlines())
    downloads = {row.find("a").attrs["href"]: row for row in dom.find("section", id="downloads").find("tbody").iter("tr")}
    assert set(downloads) == {p.name for p in release_dir.iterdir() if p.is_file()} - {"index.html"}
    for name, digest in sums.items():
        if "/" in name:
            continue  # files in subfolders (the validation reports) are not offered one by one
        assert downloads[name].find("code").text() == digest
        assert downloads[name].find("td", class_="num").attrs["title"] == f"{(release_dir / name).stat().st_size} bytes"

    changes = dom.find("section", id="changes")
    assert "first release" in changes.text()
    assert {tr.find("td").text() for tr in changes.find("tbody").iter("tr")} == {r["name"] for r in package["resources"]} - {"changes"}

    # Hostile text stays text: no script element, no event handler, nothing the page would load.
    assert not list(dom.iter("script")) and not list(dom.iter("i"))
    for node in dom.iter():
        assert not any(a.startswith("on") for a in node.attrs), node.attrs
        assert "src" not in node.attrs and node.tag not in ("link", "img", "iframe", "object", "embed")
        assert node.tag == "a" or "href" not in node.attrs


def test_release_page_shows_the_release_and_escapes_everything(built: Path):
    page = (built / "index.html").read_text(encoding="utf-8")
    assert page == render_release_page(built)
    _check_page(parse(page), built)
    assert "<script" not in page and HOSTILE_QUOTE not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; DROP TABLE quotes; --" in page
    assert "O&#x27;Reilly &amp; &lt;Sons&gt;" in page


def test_same_release_gives_the_same_bytes_wherever_it_lies(built: Path, tmp_path: Path):
    copy = tmp_path / "elsewhere" / VERSION
    shutil.copytree(built, copy)
    assert render_release_page(copy) == render_release_page(built)


def test_index_page_lists_every_release_with_counts_and_links(built: Path, tmp_path: Path):
    dom = parse((built.parent / "index.html").read_text(encoding="utf-8"))
    assert dom.find("a", href=f"{VERSION}/index.html").text() == VERSION

    (tmp_path / "index.json").write_text(json.dumps({"latest": "2024.04.08", "releases": [
        {"version": "2024.04.08", "path": "2024.04.08/", "rows": {"articles": 2, "quotes": 1200}},
        {"version": "2024.04.01", "path": "javascript:alert(1)//", "rows": {"articles": 1, "incidents": 11}}]}))
    page = render_index_page(tmp_path)
    dom = parse(page)
    assert [th.text() for th in dom.find("thead").iter("th")] == ["Version", "articles", "quotes", "incidents", "Files"]
    rows = [[c.text() for c in tr.children if not isinstance(c, str)] for tr in dom.find("tbody").iter("tr")]
    assert rows[0][:4] == ["2024.04.08 (latest)", "2", "1,200", ""] and rows[1][:4] == ["2024.04.01", "1", "", "11"]
    assert "javascript:" not in page
    assert page == render_index_page(tmp_path)


def test_dates_known_only_to_the_year_and_undated_incidents_get_their_own_bars():
    rows = [{"date": "2023-11-05", "date_precision": "day"}, {"date": "2024-01", "date_precision": "month"},
            {"date": "2023", "date_precision": "year"}, {"date": "2024-01-30", "date_precision": "day"},
            {"date": None, "date_precision": None}]
    assert incidents_by_month(rows) == [("2023-11", 1), ("2023-12", 0), ("2023 (year only)", 1), ("2024-01", 2), ("undated", 1)]


def test_newest_quotes_are_by_publication_date_then_position(tmp_path: Path):
    articles = pa.table({"article_id": ["a", "b", "c", "d"], "published": ["2024-03", "2024-05-02", None, "2024-03"]})
    quotes = pa.table({"article_id": ["a", "c", "b", "b", "a", "d"], "char_start": [5, 1, 90, 10, 1, 0],
                       "record_id": ["a5", "c1", "b90", "b10", "a1", "d0"], "text": ["w"] * 6})
    pq.write_table(articles, tmp_path / "articles.parquet")
    pq.write_table(quotes, tmp_path / "quotes.parquet")
    newest = newest_quotes(tmp_path / "quotes.parquet", tmp_path / "articles.parquet", ["record_id", "text", "speaker"], n=5)
    # Same date: by article, then position; undated last; a column the file lacks is left out.
    assert newest == [{"record_id": r, "text": "w"} for r in ("b10", "b90", "a1", "a5", "d0")]
    assert [q["record_id"] for q in newest_quotes(tmp_path / "quotes.parquet", tmp_path / "articles.parquet",
                                                  ["record_id"], n=9)][-1] == "c1"


def test_charts_are_labelled_svg():
    svg = parse(bar_chart("c", "Incidents <by> type", "All & sundry.", [("a<b", 3), ("c", 0)])).find("svg")
    assert svg.attrs["role"] == "img" and svg.find("title").text() == "Incidents <by> type"
    bars = list(svg.iter("g", class_="bar"))
    assert [b.find("title").text() for b in bars] == ["a<b: 3", "c: 0"]
    assert [b.find("rect").attrs["width"] for b in bars] == ["420.0", "0.0"]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is needed to test the release page: install Debian's package with "
                "`apt-get install -y chromium` (the CI script does this before the tests).")


def test_chromium_renders_the_release_page(built: Path, tmp_path: Path):
    # Chromium writes crash-report settings and caches under HOME: keep them in tmp_path too.
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (built / "index.html").as_uri()],
        capture_output=True, text=True, timeout=60, check=True, env=env).stdout
    rendered = parse(dom)
    _check_page(rendered, built)
    assert len(list(rendered.iter("rect"))) >= 2  # the browser built the SVG bars of both charts
    # The hostile quote is visible text of the blockquote, not an element.
    assert any(q.text() == f"“{HOSTILE_QUOTE}”" for q in rendered.iter("blockquote"))
