"""Collecting articles from the web, offline: a local HTTP server on 127.0.0.1 serves the pages, feeds and
GDELT answer of tests/data/web, and misbehaves as real servers do (404, 500, 429, slow, loops, huge, PDF)."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import pytest
import yaml

from caravan.ingest.corpus import read_corpus
from caravan.ingest.fetch import FetchError, Sources, SourcesError, fetch, load_sources, rebuild
from caravan.ingest.fetch.article import NotAnArticle, licence_name, page_article
from caravan.ingest.fetch.discover import NotAList, feed_links, gdelt_links
from caravan.ingest.fetch.http import PoliteClient
from caravan.ingest.fetch.store import WebStore
from tests.conftest import REPO

WEB = Path(__file__).resolve().parents[1] / "data" / "web"
STATIC = {
    "/robots.txt": ("robots.txt", "text/plain"),
    "/feeds/atom.xml": ("feed.atom", "application/atom+xml"),
    "/feeds/rss.xml": ("feed.rss", "application/rss+xml; charset=utf-8"),
    "/articles/cc-by.html": ("articles/cc-by.html", "text/html; charset=utf-8"),
    "/articles/plain.html": ("articles/plain.html", "text/html; charset=utf-8"),
    "/ru/article.html": ("ru/article.html", "text/html; charset=utf-8"),
    "/copy/a.html": ("copy/original.html", "text/html; charset=utf-8"),  # the same article under two URLs
    "/copy/b.html": ("copy/original.html", "text/html; charset=utf-8"),
    "/private/secret.html": ("private/secret.html", "text/html"),
}
HUGE = 300_000  # bytes; the tests' limit is 100,000


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, robots: bytes | None = None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.robots = robots
        self.lock = threading.Lock()
        self.log: list[tuple[str, int]] = []  # (path, status) of every request, in order
        self.hits: Counter = Counter()
        self.active = self.max_active = 0

    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow or huge answer, as it should


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        site: _Site = self.server
        parts = urlsplit(self.path)
        with site.lock:
            site.hits[parts.path] += 1
            nth = site.hits[parts.path]
            site.active += 1
            site.max_active = max(site.max_active, site.active)
        self._answer(site, parts.path, parse_qs(parts.query), nth)

    def _note(self, status: int) -> None:
        """Log the answer once it is decided, before it is sent (a slow answer is sent after the client left)."""
        site: _Site = self.server
        with site.lock:
            site.active -= 1
            site.log.append((urlsplit(self.path).path, status))

    def _answer(self, site: _Site, path: str, query: dict, nth: int) -> int:
        if path == "/robots.txt" and site.robots is not None:
            return self._body(200, site.robots, "text/plain")
        if path in STATIC:
            return self._static(site, *STATIC[path])
        if path == "/api/v2/doc/doc":
            if query.get("mode") != ["artlist"] or query.get("format") != ["json"] or not query.get("query"):
                return self._body(200, b"Invalid query mode or format.", "text/html")  # as GDELT answers
            return self._static(site, "gdelt.json", "application/json")
        if path == "/flaky.html":
            return self._body(500, b"busy", "text/plain") if nth == 1 else self._static(site, "articles/flaky.html", "text/html")
        if path == "/busy.html":
            if nth == 1:
                return self._body(429, b"slow down", "text/plain", {"Retry-After": "1"})
            return self._static(site, "articles/busy.html", "text/html")
        if path == "/slow.html":
            return self._static(site, "articles/slow.html", "text/html", delay=2.0)  # past the tests' timeout of 1 s
        if path in ("/loop/a", "/loop/b"):
            target = "/loop/b" if path == "/loop/a" else f"{site.base}/loop/a"
            return self._body(302, b"", "text/plain", {"Location": target})
        if path == "/to-ftp":
            return self._body(301, b"", "text/plain", {"Location": "ftp://127.0.0.1/file.html"})
        if path == "/huge.html":  # no Content-Length: the body ends when the connection closes
            self._note(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(HUGE // 1000):
                self.wfile.write(b"<p>" + b"x" * 993 + b"</p>\n")
            return 200
        if path == "/huge-declared.html":
            return self._body(200, b"<p>" + b"x" * (HUGE - 8) + b"</p>\n", "text/html")
        if path == "/report.pdf":
            return self._body(200, b"%PDF-1.4\n%synthetic test file\n", "application/pdf")
        if path == "/down.html":
            return self._body(503, b"down", "text/plain")
        if path == "/later.html":
            return self._body(429, b"later", "text/plain", {"Retry-After": "3600"})
        return self._body(404, b"not found", "text/plain")

    def _static(self, site: _Site, name: str, content_type: str, delay: float = 0.0) -> int:
        body = (WEB / name).read_bytes().replace(b"{{BASE}}", site.base.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._body(304, b"", None, {"ETag": etag})
        return self._body(200, body, content_type, {"ETag": etag, "Last-Modified": "Wed, 27 Mar 2024 10:00:00 GMT"}, delay)

    def _body(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None,
              delay: float = 0.0) -> int:
        self._note(status)
        time.sleep(delay)
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        return status


def _start(robots: bytes | None = None) -> _Site:
    site = _Site(robots)
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return site


def _stop(site: _Site) -> None:
    site.shutdown()
    site.server_close()


@pytest.fixture
def site():
    site = _start()
    yield site
    _stop(site)


def _sources_file(folder: Path, site: _Site, **extra) -> Path:
    data = {
        "user_agent": "CaravanTest/0.1 (+tests on 127.0.0.1)", "delay_seconds": 0, "timeout_seconds": 1,
        "max_bytes": 100_000, "retries": 2, "retry_backoff_seconds": 0.01,
        "feeds": [f"{site.base}/feeds/atom.xml", f"{site.base}/feeds/rss.xml"],
        "urls": [f"{site.base}/loop/a", f"{site.base}/report.pdf"],
        "gdelt": [{"query": "(Tajik OR Uzbek) migrants Russia sourcelang:english", "timespan": "1d",
                   "base_url": f"{site.base}/api/v2/doc/doc"}],
        **extra,
    }
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_fetch(tmp_path_factory):
    """One fetch of every source of the test site, shared by the tests that look at what it did."""
    site = _start()
    folder = tmp_path_factory.mktemp("fetch")
    sources = load_sources(_sources_file(folder, site))
    sleeps: list[float] = []
    summary = fetch(sources, folder / "corpus", folder / "web", progress=False, sleep=sleeps.append)
    yield {"site": site, "sources": sources, "corpus": folder / "corpus", "web": folder / "web", "summary": summary,
           "sleeps": sleeps, "requests": list(site.log)}
    _stop(site)


def test_the_shipped_sources_file_lists_nothing_and_fetches_nothing(tmp_path: Path):
    sources = load_sources(REPO / "sources.yaml")
    assert sources.empty and sources.licences  # the per-domain licence example is live, the sources are not
    summary = fetch(sources, tmp_path / "corpus", tmp_path / "web", progress=False)
    assert summary.requests == 0 and summary.new_articles == []
    assert not (tmp_path / "corpus").exists() and not (tmp_path / "web").exists()


@pytest.mark.parametrize("text, problem", [
    ("feed: [https://example.org/rss.xml]\n", "unknown key(s) feed"),
    ("urls: [ftp://example.org/a.html]\n", "'urls' holds 'ftp://example.org/a.html', which is not an http(s) URL"),
    ("gdelt: [{timespan: 1d}]\n", "gdelt entry 1 must be a mapping with a non-empty 'query'"),
    ("gdelt: [{query: x, max_records: 1000}]\n", "'max_records' must be 1 to 250"),
    ("delay_seconds: -1\n", "'delay_seconds' must be a number ≥ 0"),
    ("user_agent: ''\n", "'user_agent' must be a non-empty string"),
    ("licences: [voanews.com]\n", "'licences' must map domains to licence names"),
    ("feeds: [unclosed\n", "not valid YAML"),
    ("- just a list\n", "must be a YAML mapping"),
])
def test_a_bad_sources_file_is_a_clear_error_naming_it(tmp_path: Path, text: str, problem: str):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)
    with pytest.raises(SourcesError, match="no such sources file"):
        load_sources(tmp_path / "missing.yaml")


def test_per_domain_licences_cover_subdomains():
    sources = Sources(licences={"voanews.com": "public domain", "news.example.org": "CC BY 4.0"})
    assert sources.licence_for("https://www.voanews.com/a/1.html") == "public domain"
    assert sources.licence_for("https://news.example.org/x") == "CC BY 4.0"
    assert sources.licence_for("https://example.org/x") is None
    assert sources.licence_for("https://notvoanews.com/x") is None


def test_fetch_collects_the_articles_and_counts_every_outcome(first_fetch):
    site, summary, base = first_fetch["site"], first_fetch["summary"], first_fetch["site"].base
    assert summary.listed == 15  # 2 urls, 4 Atom entries, 6 more RSS items, 3 more GDELT articles
    assert summary.fetched == 10  # 2 feeds, 1 GDELT list, 7 pages
    # the GDELT list names /articles/original.html, the canonical URL of /copy/a.html fetched before: known
    assert (summary.not_modified, summary.known, summary.skipped_robots, summary.duplicates) == (0, 1, 1, 1)
    assert dict(summary.failed) == {
        f"redirect loop (back to {base}/loop/a)": 1, "content type application/pdf is not HTML": 1, "HTTP 404": 1,
        "no answer within 1 s": 1, "over the size limit of 100000 bytes": 1,
        "over the size limit of 100000 bytes (300000 declared)": 1}
    assert summary.requests == len(first_fetch["requests"]) == 20
    # 500 then 200: one short backoff; 429 then 200: the Retry-After of 1 s was honoured
    assert first_fetch["sleeps"] == [0.01, 1.0]
    assert ("/flaky.html", 500) in first_fetch["requests"] and ("/busy.html", 429) in first_fetch["requests"]
    assert "/private/secret.html" not in site.hits  # disallowed by robots.txt: never requested
    assert "/articles/original.html" not in site.hits
    assert site.max_active == 1  # one request at a time

    reading = read_corpus(first_fetch["corpus"])
    assert reading.rejected == []
    assert sorted(summary.new_articles) == sorted(Path(a.source_path).name for a in reading.articles)
    by_url = {a.url: a for a in reading.articles}
    assert set(by_url) == {f"{base}/articles/cc-by.html", f"{base}/articles/plain.html", f"{base}/articles/original.html",
                           f"{base}/ru/article.html", f"{base}/flaky.html", f"{base}/busy.html"}
    cc_by = by_url[f"{base}/articles/cc-by.html"]
    assert (cc_by.outlet, cc_by.title, cc_by.published, cc_by.published_precision, cc_by.language, cc_by.license) == (
        "Steppe Herald", "Dormitory raided in Moscow", "2024-03-27", "day", "en", "CC BY 4.0")
    assert cc_by.text.startswith("Police in Moscow raided a dormitory") and "Home" not in cc_by.text
    assert "We are afraid to go outside" in cc_by.text
    plain = by_url[f"{base}/articles/plain.html"]
    assert (plain.outlet, plain.published, plain.published_precision, plain.language, plain.license) == (
        "Volga Daily", "2024-03", "month", "en", "all rights reserved")
    copy = by_url[f"{base}/articles/original.html"]  # /copy/a.html and /copy/b.html: one canonical, one article
    assert copy.license == "CC0 1.0" and copy.published == "2024-03-25"
    assert by_url[f"{base}/ru/article.html"].language == "ru"
    stem = Path(cc_by.source_path).name.removesuffix(".txt")
    assert stem == "web-127.0.0.1-" + hashlib.sha256(cc_by.url.encode()).hexdigest()[:12]
    meta = json.loads((first_fetch["corpus"] / f"{stem}.meta.json").read_text(encoding="utf-8"))
    assert meta["fetched_from"] == cc_by.url and meta["snapshot"].endswith(".html")
    snapshot = first_fetch["web"] / "snapshots" / meta["snapshot"]
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == meta["snapshot"].removesuffix(".html")


def test_every_request_and_skip_is_in_the_fetch_log(first_fetch):
    records = list(WebStore(first_fetch["web"]).records())
    asked = [r for r in records if r["status"] is not None or r["reason"].startswith("no answer")]
    assert len(asked) == len(first_fetch["requests"])  # one line per request, retries and redirects included
    for record in records:
        assert set(record) >= {"time", "kind", "request", "url", "status", "bytes", "reason", "snapshot", "outcome"}
    base = first_fetch["site"].base
    skipped = [r for r in records if r["outcome"] == "disallowed"]
    assert [(r["url"], r["status"], r["reason"]) for r in skipped] == [(f"{base}/private/secret.html", None,
                                                                        "disallowed by robots.txt")]
    loop = [r for r in records if r["request"] == f"{base}/loop/a"]
    assert [(r["url"], r["status"], r["outcome"]) for r in loop] == [
        (f"{base}/loop/a", 302, None), (f"{base}/loop/b", 302, "failed")]
    flaky = [r for r in records if r["request"] == f"{base}/flaky.html"]
    assert [(r["status"], r["reason"], r["outcome"]) for r in flaky] == [
        (500, "HTTP 500: retry in 0.01 s", None), (200, None, "fetched")]
    assert flaky[-1]["bytes"] == len((first_fetch["web"] / "snapshots" / flaky[-1]["snapshot"]).read_bytes())
    slow = [r for r in records if r["request"] == f"{base}/slow.html"]
    assert slow[-1]["retry_later"] is True and slow[-1]["outcome"] == "failed"
    pdf = [r for r in records if r["request"] == f"{base}/report.pdf"]
    assert pdf[-1]["retry_later"] is False and pdf[-1]["bytes"] == 0 and pdf[-1]["snapshot"] is None


def test_a_second_fetch_asks_only_conditionally_and_retries_only_passing_failures(first_fetch):
    site = first_fetch["site"]
    before = len(site.log)
    sleeps: list[float] = []
    again = fetch(first_fetch["sources"], first_fetch["corpus"], first_fetch["web"], progress=False, sleep=sleeps.append)
    # robots.txt, both feeds and the GDELT list answer 304; of the pages only the one that timed out is asked again
    assert sorted(site.log[before:]) == sorted([("/robots.txt", 304), ("/feeds/atom.xml", 304), ("/feeds/rss.xml", 304),
                                                ("/api/v2/doc/doc", 304), ("/slow.html", 200)])
    # requests count robots.txt; the outcomes are those of the sources' feeds, lists and pages
    assert (again.requests, again.not_modified, again.fetched, again.known, again.skipped_robots) == (5, 3, 0, 13, 1)
    assert again.new_articles == [] and dict(again.failed) == {"no answer within 1 s": 1}


def test_the_corpus_files_are_derived_again_offline_byte_for_byte(first_fetch, tmp_path: Path):
    site = first_fetch["site"]
    asked = len(site.log)
    again = rebuild(first_fetch["sources"], tmp_path / "corpus", first_fetch["web"])
    assert len(site.log) == asked  # nothing requested
    assert sorted(again.written) == sorted(first_fetch["summary"].new_articles)
    assert again.duplicates == 1  # /copy/b.html, as when fetched
    for name in again.written:
        for file in (name, name.removesuffix(".txt") + ".meta.json"):
            assert (tmp_path / "corpus" / file).read_bytes() == (first_fetch["corpus"] / file).read_bytes(), file


def test_the_command_fetches_and_derives_again_offline(site, tmp_path: Path, capsys):
    from pipelines.cli import main

    sources = _sources_file(tmp_path, site, feeds=[], gdelt=[], urls=[f"{site.base}/articles/cc-by.html"])
    assert main(["fetch", "--sources", str(sources), "--corpus", str(tmp_path / "corpus")]) == 0
    out = capsys.readouterr().out
    assert "fetched: 1, not modified: 0" in out and "new articles: 1;" in out
    assert f"fetch log and snapshots: {tmp_path / 'web'}" in out
    written = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    assert main(["fetch", "--offline", "--sources", str(sources), "--corpus", str(tmp_path / "again"),
                 "--web", str(tmp_path / "web")]) == 0
    assert "1 articles written" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == written
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: 3\n", encoding="utf-8")
    assert main(["fetch", "--sources", str(bad), "--corpus", str(tmp_path / "corpus")]) == 2
    assert f"{bad}: 'feeds' must be a list of URLs" in capsys.readouterr().err


def test_delays_are_per_host_and_honour_crawl_delay(tmp_path: Path):
    slow_site = _start(robots=b"User-agent: *\nCrawl-delay: 3\n")
    fast_site = _start(robots=b"User-agent: *\nAllow: /\n")
    try:
        sources = Sources(user_agent="CaravanTest/0.1", delay_seconds=2, timeout_seconds=1)
        now, sleeps = [0.0], []

        def sleep(seconds):  # a clock that moves only when the client waits: no timing in the test
            sleeps.append(seconds)
            now[0] += seconds

        store = WebStore(tmp_path / "web")
        with store.locked(), PoliteClient(sources, store, store.history(), sleep=sleep, clock=lambda: now[0]) as client:
            for site in (fast_site, slow_site, fast_site, slow_site):
                assert client.get(f"{site.base}/articles/plain.html", "page").outcome == "fetched"
        # fast: robots.txt, then 2 s before its page; slow: robots.txt, then its Crawl-delay of 3 s;
        # the second page of fast comes 3 s after its first: no wait; the second of slow waits 3 s again
        assert sleeps == [2, 3, 3]
    finally:
        _stop(slow_site)
        _stop(fast_site)


def test_passing_failures_give_up_with_the_reason_and_are_left_for_the_next_run(site, tmp_path: Path):
    sources = Sources(user_agent="CaravanTest/0.1", delay_seconds=0, timeout_seconds=1, retries=2,
                      retry_backoff_seconds=0.5, max_wait_seconds=60)
    store, sleeps = WebStore(tmp_path / "web"), []
    with store.locked(), PoliteClient(sources, store, store.history(), sleep=sleeps.append) as client:
        down = client.get(f"{site.base}/down.html", "page")
        later = client.get(f"{site.base}/later.html", "page")
        ftp = client.get(f"{site.base}/to-ftp", "page")
        refused = client.get("http://127.0.0.1:9/nothing.html", "page")  # the discard port: nothing listens
    assert (down.reason, down.retry_later) == ("HTTP 503 after 3 attempts", True)
    assert sleeps == [0.5, 1.0]  # backoff doubles; the 429 asked for an hour, more than max_wait_seconds
    assert (later.reason, later.retry_later) == ("HTTP 429, Retry-After 3600 s is longer than 60 s", True)
    assert (ftp.reason, ftp.retry_later) == ("redirect to a non-HTTP(S) URL (ftp://127.0.0.1/file.html)", False)
    # robots.txt cannot be read: the host is not asked this run, and the page is asked again the next
    assert refused.outcome == "disallowed" and refused.reason.startswith("robots.txt of http://127.0.0.1:9 unreachable")
    assert store.history().settled == {f"{site.base}/to-ftp"}  # only the definitive failure is not asked again


def test_the_asset_fetches_into_the_corpus_and_reports_the_summary(site, tmp_path: Path):
    from assets.fetch import fetched_articles
    from assets.resources import CorpusResource

    sources = _sources_file(tmp_path, site, feeds=[], gdelt=[],
                            urls=[f"{site.base}/articles/cc-by.html", f"{site.base}/private/secret.html"])
    result = dg.materialize([fetched_articles], resources={"corpus": CorpusResource(folder=str(tmp_path / "corpus"))},
                            run_config={"ops": {"fetched_articles": {"config": {"sources": str(sources)}}}})
    meta = result.asset_materializations_for_node("fetched_articles")[0].metadata
    assert (meta["fetched"].value, meta["skipped_by_robots"].value, meta["new_articles"].value) == (1, 1, 1)
    assert meta["web_folder"].value == str(tmp_path / "web")
    assert len(list((tmp_path / "corpus").glob("web-*.txt"))) == 1


def test_fetching_has_its_own_job_and_hourly_schedule_off_by_default():
    from pipelines.definitions import defs

    schedule = defs.resolve_schedule_def("hourly_fetch")
    assert schedule.cron_schedule == "0 * * * *" and schedule.job_name == "fetch"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("fetched_articles")).group_name == "ingest"
    assert dg.AssetKey("fetched_articles") in graph.get(dg.AssetKey("articles")).parent_keys
    fetch_job = defs.resolve_job_def("fetch")
    assert {k.to_user_string() for k in fetch_job.asset_layer.selected_asset_keys} == {"fetched_articles"}
    build_keys = {k.to_user_string() for k in defs.resolve_job_def("build").asset_layer.selected_asset_keys}
    assert "fetched_articles" not in build_keys and "articles" in build_keys  # builds never go to the web


def test_a_second_fetch_at_the_same_time_is_refused(site, tmp_path: Path):
    sources = load_sources(_sources_file(tmp_path, site, feeds=[], gdelt=[], urls=[f"{site.base}/articles/plain.html"]))
    with WebStore(tmp_path / "web").locked():
        with pytest.raises(FetchError, match="another fetch is running"):
            fetch(sources, tmp_path / "corpus", tmp_path / "web", progress=False)
    assert site.log == []


def test_a_damaged_log_or_snapshot_is_a_clear_error(first_fetch, tmp_path: Path):
    web = tmp_path / "web"
    (web / "snapshots").mkdir(parents=True)
    lines = (first_fetch["web"] / "fetch_log.jsonl").read_text(encoding="utf-8").splitlines()
    (web / "fetch_log.jsonl").write_text("\n".join(lines[:3] + ["{not json"] + lines[3:]) + "\n", encoding="utf-8")
    with pytest.raises(FetchError, match=r"fetch_log.jsonl, line 4: not a JSON record"):
        rebuild(first_fetch["sources"], tmp_path / "corpus", web)
    (web / "fetch_log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = next(json.loads(line) for line in lines if '"kind": "page"' in line and '"outcome": "fetched"' in line)
    (web / "snapshots" / page["snapshot"]).write_bytes(b"<html>edited</html>")
    with pytest.raises(FetchError, match=f"{page['snapshot']}: snapshot changed since it was fetched"):
        rebuild(first_fetch["sources"], tmp_path / "corpus", web)


# --- From HTML to an article, and lists of links: pure functions -------------------------------------------


def _page(head: str, before: str = "", lang: str = "en") -> bytes:
    text = before + ("<p>Police in Kazan checked the documents of traders from Uzbekistan at a market on Friday and "
                    "detained twelve people, the city's police department said in a statement.</p>"
                    "<p>Traders said the checks lasted five hours and that the market stayed closed all afternoon, "
                    "so that many of them lost a day of income before the holidays.</p>")
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body><article>{text}' \
           f"</article></body></html>".encode()


def test_the_licence_is_the_pages_then_the_domains_then_all_rights_reserved():
    def article(head: str, licence_for=lambda url: None):
        return page_article(_page(head), "https://news.example.org/a/1.html", "2024-03-29T08:00:00Z", "x.html",
                            licence_for).meta["license"]

    assert article('<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/deed.en">') == "CC BY-SA 4.0"
    assert article('<meta name="dc.rights" content="Public domain: a work of the U.S. Government">') == \
        "Public domain: a work of the U.S. Government"
    assert article('<link rel="license" href="/terms.html">') == "https://news.example.org/terms.html"
    # the head's licence wins over a licence link in the body, which may be a photo's
    photo = '<a rel="license" href="https://creativecommons.org/licenses/by-sa/2.0/">photo: CC BY-SA 2.0</a>'
    assert page_article(_page('<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">', photo),
                        "https://news.example.org/a/1.html", "2024-03-29T08:00:00Z", "x.html").meta["license"] == "CC BY 4.0"
    assert page_article(_page("<title>t</title>", photo), "https://news.example.org/a/1.html", "2024-03-29T08:00:00Z",
                        "x.html").meta["license"] == "CC BY-SA 2.0"
    domain = lambda url: "public domain (test)" if "example.org" in url else None  # noqa: E731
    assert article('<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">', domain) == "CC BY 4.0"
    assert article("<title>t</title>", domain) == "public domain (test)"
    assert article("<title>t</title>") == "all rights reserved"
    assert licence_name("https://creativecommons.org/publicdomain/mark/1.0/") == "Public Domain Mark 1.0"
    assert licence_name("https://example.org/licence") is None


def test_dates_keep_their_precision_and_never_lie_after_the_fetch():
    def published(head: str, body: str = ""):
        meta = page_article(_page(head, body), "https://news.example.org/a/1.html", "2024-03-29T08:00:00Z", "x.html").meta
        return meta["published"], meta["published_precision"]

    assert published('<meta property="article:published_time" content="2024-03-27T23:30:00-05:00">') == ("2024-03-27", "day")
    assert published('<meta name="dc.date" content="2024-03">') == ("2024-03", "month")
    ld = '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2024"}]}</script>'
    assert published(ld) == ("2024", "year")
    # a date after the fetch is not a publication date; htmldate then reads the page, and a date it
    # completes to the 1st is a month, to the 1st of January a year
    assert published('<meta name="dc.date" content="2030-01-01">', body='<p class="byline">Published 12 March 2024</p>') == (
        "2024-03-12", "day")
    assert published("<title>t</title>", body='<div class="byline">Published: 03/2024</div>') == ("2024-03", "month")
    assert published("<title>t</title>", body='<p class="date">March 2024</p>') == ("2024", "year")
    assert published("<title>t</title>") == (None, None)


def test_the_canonical_url_language_title_and_text():
    body = _page('<title>Checks at a market | Kazan Courier</title><link rel="canonical" href="/news/checks#top">'
                 '<meta property="og:site_name" content="Kazan Courier">', lang="en-US")
    body = body.replace(b"<article>", b"<article><h1>Checks at a market</h1>")
    article = page_article(body, "https://www.kazan.example/amp/checks?utm=1", "2024-03-29T08:00:00Z", "x.html")
    assert article.meta["url"] == "https://www.kazan.example/news/checks"
    assert article.meta["fetched_from"] == "https://www.kazan.example/amp/checks?utm=1"
    assert (article.meta["outlet"], article.meta["title"], article.meta["language"]) == ("Kazan Courier", "Checks at a market", "en")
    assert article.text.startswith("Police in Kazan")  # the headline is in the metadata, not the text
    assert article.stem == "web-kazan.example-" + hashlib.sha256(b"https://www.kazan.example/news/checks").hexdigest()[:12]
    with pytest.raises(NotAnArticle, match=r"no article text found \(under 200 characters\)"):
        page_article(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://x.example/", "2024-03-29T08:00:00Z", "x")


def test_feed_and_gdelt_lists():
    atom = (WEB / "feed.atom").read_bytes().replace(b"{{BASE}}", b"https://h.example")
    assert feed_links(atom, "https://h.example/feeds/atom.xml") == [
        "https://h.example/articles/cc-by.html", "https://h.example/articles/plain.html",
        "https://h.example/private/secret.html", "https://h.example/copy/a.html"]
    with pytest.raises(NotAList, match="not a readable feed"):
        feed_links(b"<html><body>Not a feed</body></html>", "https://h.example/feed")
    gdelt = (WEB / "gdelt.json").read_bytes().replace(b"{{BASE}}", b"https://h.example")
    assert gdelt_links(gdelt, "https://api.example/doc")[1] == "https://h.example/ru/article.html"
    assert gdelt_links(b"{}", "https://api.example/doc") == []  # no article matched
    with pytest.raises(NotAList, match="GDELT answered with text, not JSON: 'Your search contained"):
        gdelt_links(b"Your search contained a keyword that was too short.\n", "https://api.example/doc")


def test_a_build_from_fetched_articles_publishes_text_only_under_allowed_licences_and_hydrate_restores_it(
        first_fetch, tmp_path: Path, capsys):
    import duckdb
    import pyarrow.parquet as pq

    from caravan.release.licences import DEFAULT
    from pipelines.cli import main
    from tests.conftest import run_build

    corpus = tmp_path / "corpus"
    shutil.copytree(first_fetch["corpus"], corpus)
    metas = {p.name.removesuffix(".meta.json"): json.loads(p.read_text(encoding="utf-8"))
             for p in corpus.glob("*.meta.json")}
    assert run_build(corpus, tmp_path / "out").success
    release = tmp_path / "out" / "releases" / "2024.04.01"
    articles = pq.read_table(release / "articles.parquet").to_pylist()
    stems = {a["source_path"].removesuffix(".txt"): a for a in articles}
    assert stems and set(stems) <= set(metas)
    withheld = [a for a in articles if a["text"] is None]
    for stem, article in stems.items():  # the text is published exactly when the page's licence allows it
        allowed = DEFAULT.withheld_reason(metas[stem].get("license")) is None
        assert (article["text"] is not None) == allowed and (article["text_withheld"] is None) == allowed, stem
    assert withheld and len(withheld) < len(articles)
    with duckdb.connect(str(tmp_path / "out" / "caravan.duckdb"), read_only=True) as con:
        reasons = dict(con.sql("SELECT path, reason FROM quarantine").fetchall())
    other_language = [s for s, m in metas.items() if not m.get("language", "en").startswith("en")]
    assert other_language and all(reasons[f"{s}.txt"] == f"language {metas[s]['language']}, not English: kept, "
                                                          "not extracted" for s in other_language)

    assert main(["hydrate", str(release), "--corpus", str(corpus), "--out", str(tmp_path / "full.parquet")]) == 0
    assert f"{len(withheld)} of {len(withheld)} withheld texts restored, 0 not found" in capsys.readouterr().out
    assert all(a["text"] for a in pq.read_table(tmp_path / "full.parquet").to_pylist())
