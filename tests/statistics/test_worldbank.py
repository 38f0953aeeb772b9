"""The World Bank API client against a real HTTP server on 127.0.0.1, and snapshots read offline.

Every response served here is a SYNTHETIC TEST FIXTURE in the API's format, generated in this file:
made-up values, never World Bank data, written only under tmp_path and never part of a release.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from caravan.statistics.worldbank import (MANIFEST, WorldBankClient, WorldBankError, fetch_snapshot, latest_snapshot,
                               parse_page, read_snapshot)

FIXTURE_LABEL = "SYNTHETIC TEST FIXTURE (caravan tests): not World Bank data"
LASTUPDATED = "2000-01-31"
# Made-up observations: (country ISO3, year, value); None is a year the API has no value for.
OBSERVATIONS = [("TJK", 2023, 11.11), ("TJK", 2022, 22.22), ("KGZ", 2023, 33.33), ("KGZ", 2022, None), ("TJK", 2021, 44.44)]
_ISO2 = {"TJK": "TJ", "KGZ": "KG"}


def fixture_page(indicator: str, page: int, per_page: int, observations=OBSERVATIONS) -> bytes:
    """One page of a synthetic answer in the API's JSON format; per_page comes back as a string, as it can."""
    pages = max(1, -(-len(observations) // per_page))
    chunk = observations[(page - 1) * per_page: page * per_page]
    meta = {"page": page, "pages": pages, "per_page": str(per_page), "total": len(observations), "sourceid": "2",
            "lastupdated": LASTUPDATED, "fixture": FIXTURE_LABEL}
    rows = [{"indicator": {"id": indicator, "value": "synthetic indicator"},
             "country": {"id": _ISO2[iso3], "value": f"synthetic {iso3}"}, "countryiso3code": iso3,
             "date": str(year), "value": value, "unit": "", "obs_status": "", "decimal": 1}
            for iso3, year, value in chunk]
    return json.dumps([meta, rows]).encode()


ERROR_BODY = json.dumps([{"message": [{"id": "175", "key": "Invalid format",
                                       "value": "The indicator was not found. It may have been deleted or archived."}]}]).encode()
HTML_400 = b"<!DOCTYPE html><html><head><title>Bad Request</title></head><body><h1>Bad Request</h1></body></html>"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        indicator = parts.path.rsplit("/", 1)[-1]
        server = self.server
        with server.lock:
            server.calls[indicator] = server.calls.get(indicator, 0) + 1
            call = server.calls[indicator]
            server.requests.append(self.path)
        status, headers, body = server.behaviour(indicator, call, query)
        try:
            if status == "sleep":
                time.sleep(headers)
                status, headers, body = 200, {}, fixture_page(indicator, int(query["page"]), int(query["per_page"]))
            self.send_response(status)
            for name, value in {"Content-Type": "application/json;charset=utf-8", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout test wants


def _behaviour(indicator: str, call: int, query: dict):
    page, per_page = int(query.get("page", 1)), int(query.get("per_page", 1000))
    ok = (200, {}, fixture_page(indicator, page, per_page))
    if indicator == "ERROR.BODY":
        return 200, {}, ERROR_BODY
    if indicator == "HTML.400":
        return 400, {"Content-Type": "text/html"}, HTML_400
    if indicator == "FLAKY.500":
        return (500, {}, b"Internal Server Error") if call == 1 else ok
    if indicator == "BUSY.429":
        return (429, {"Retry-After": "3"}, b"") if call == 1 else ok
    if indicator == "SLOW.ONCE":
        return ("sleep", 0.8, None) if call == 1 else ok
    if indicator == "SLOW.ALWAYS":
        return "sleep", 0.8, None
    if indicator == "MALFORMED":
        return 200, {}, b'[{"page": 1, "pages": 1, "per_page": "50", "total": 1}, [{"indicator": '
    if indicator == "DOWN.503":
        return 503, {}, b"Service Unavailable"
    return ok


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    httpd.lock, httpd.calls, httpd.requests, httpd.behaviour = threading.Lock(), {}, [], _behaviour
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _client(httpd, **kwargs) -> tuple[WorldBankClient, list[float]]:
    sleeps: list[float] = []
    settings = {"timeout": 2.0, "retries": 3, "backoff": 0.5, "per_page": 2, **kwargs}
    return WorldBankClient(base_url=f"http://127.0.0.1:{httpd.server_port}/v2", sleep=sleeps.append, **settings), sleeps


def test_urls_follow_the_api_format():
    client = WorldBankClient(per_page=1000)
    assert client.indicator_url(("TJK", "KGZ"), "BX.TRF.PWKR.DT.GD.ZS", (2015, 2024), 1) == (
        "https://api.worldbank.org/v2/country/TJK;KGZ/indicator/BX.TRF.PWKR.DT.GD.ZS"
        "?format=json&date=2015:2024&per_page=1000&page=1")


def test_every_page_is_followed(server):
    client, sleeps = _client(server)
    pages = client.fetch_indicator(("TJK", "KGZ"), "BX.TRF.PWKR.DT.GD.ZS", (2015, 2024))
    assert [p.meta["page"] for p, _ in pages] == [1, 2, 3]
    assert all(p.meta["per_page"] == 2 for p, _ in pages)  # given as the string "2"
    assert sum(len(p.rows) for p, _ in pages) == 5
    assert server.calls["BX.TRF.PWKR.DT.GD.ZS"] == 3 and sleeps == []
    assert "/v2/country/TJK;KGZ/indicator/BX.TRF.PWKR.DT.GD.ZS?format=json&date=2015:2024&per_page=2&page=3" in server.requests


def test_an_error_body_is_a_clear_error_and_not_retried(server):
    client, sleeps = _client(server)
    with pytest.raises(WorldBankError, match=r"the API reported an error: id 175 Invalid format: The indicator was not found") as err:
        client.fetch_indicator(("TJK",), "ERROR.BODY", (2015, 2024))
    assert err.value.api_messages[0]["id"] == "175"
    assert server.calls["ERROR.BODY"] == 1 and sleeps == []


def test_an_html_400_is_a_clear_error_and_not_retried(server):
    client, sleeps = _client(server)
    with pytest.raises(WorldBankError, match=r"HTTP 400: the API answered with an HTML page \('Bad Request'\)"):
        client.fetch_indicator(("TJK",), "HTML.400", (2015, 2024))
    assert server.calls["HTML.400"] == 1 and sleeps == []


def test_malformed_json_is_a_clear_error(server):
    client, _ = _client(server)
    with pytest.raises(WorldBankError, match="malformed JSON at line 1"):
        client.fetch_indicator(("TJK",), "MALFORMED", (2015, 2024))


def test_a_500_is_retried_with_backoff(server):
    client, sleeps = _client(server)
    pages = client.fetch_indicator(("TJK", "KGZ"), "FLAKY.500", (2015, 2024))
    assert sum(len(p.rows) for p, _ in pages) == 5
    assert sleeps == [0.5]  # one retry after the first failure
    assert server.calls["FLAKY.500"] == 4  # the failed first page, then three pages


def test_a_429_waits_as_long_as_retry_after_says(server):
    client, sleeps = _client(server)
    client.fetch_indicator(("TJK", "KGZ"), "BUSY.429", (2015, 2024))
    assert sleeps == [3.0]


def test_backoff_doubles_and_exhausted_retries_are_a_clear_error(server):
    client, sleeps = _client(server, retries=3)
    with pytest.raises(WorldBankError, match=r"gave up after 4 attempts; last failure: HTTP 503"):
        client.fetch_indicator(("TJK",), "DOWN.503", (2015, 2024))
    assert sleeps == [0.5, 1.0, 2.0]


def test_a_timeout_is_retried(server):
    client, sleeps = _client(server, timeout=0.2)
    pages = client.fetch_indicator(("TJK", "KGZ"), "SLOW.ONCE", (2015, 2024))
    assert sum(len(p.rows) for p, _ in pages) == 5 and sleeps == [0.5]


def test_timeouts_every_time_give_up(server):
    client, sleeps = _client(server, timeout=0.2, retries=1)
    with pytest.raises(WorldBankError, match=r"gave up after 2 attempts; last failure: no answer within 0.2 s"):
        client.fetch_indicator(("TJK",), "SLOW.ALWAYS", (2015, 2024))
    assert sleeps == [0.5]


def test_a_refused_connection_gives_up_clearly():
    # Port 9 on 127.0.0.1 (discard) has no listener in the test environment.
    client = WorldBankClient(base_url="http://127.0.0.1:9/v2", timeout=0.5, retries=1, sleep=lambda s: None)
    with pytest.raises(WorldBankError, match="gave up after 2 attempts; last failure: connection failed"):
        client.get(client.indicator_url(("TJK",), "X", (2015, 2024), 1))


def test_parse_page_handles_empty_answers_and_string_counts():
    page = parse_page(b'[{"page": "1", "pages": "0", "per_page": "50", "total": 0, "lastupdated": "2000-01-31"}, null]', "u")
    assert page.rows == [] and page.meta["pages"] == 0 and page.meta["per_page"] == 50


def _clock():
    return datetime(2025, 1, 2, 10, 30, 5, 123456, tzinfo=timezone.utc)


def test_snapshot_round_trip_offline(server, tmp_path):
    client, _ = _client(server)
    folder = fetch_snapshot(tmp_path / "snapshots", countries=("TJK", "KGZ"),
                            indicators=("BX.TRF.PWKR.DT.GD.ZS", "SM.POP.TOTL"), years=(2015, 2024),
                            client=client, clock=_clock)
    assert folder.name == "worldbank-20250102T103005Z"
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["retrieved_at"] == "2025-01-02T10:30:05Z" and manifest["licence"] == "CC BY 4.0"
    assert manifest["base_url"] == client.base_url
    assert [r["file"] for r in manifest["responses"]] == [
        "BX.TRF.PWKR.DT.GD.ZS.page1.json", "BX.TRF.PWKR.DT.GD.ZS.page2.json", "BX.TRF.PWKR.DT.GD.ZS.page3.json",
        "SM.POP.TOTL.page1.json", "SM.POP.TOTL.page2.json", "SM.POP.TOTL.page3.json"]
    first = manifest["responses"][0]
    assert first["url"].startswith(f"http://127.0.0.1:{server.server_port}/v2/country/TJK;KGZ/indicator/")
    assert (folder / first["file"]).read_bytes() == fixture_page("BX.TRF.PWKR.DT.GD.ZS", 1, 2)  # raw, as received

    server.shutdown()  # from here on, nothing is online
    rows = read_snapshot(folder)
    assert len(rows) == 8  # 2 indicators x 4 observations with a value; the null one is not a figure
    tjk = next(r for r in rows if (r["indicator_code"], r["country_iso3"], r["year"]) == ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2023))
    assert tjk["value"] == 11.11 and tjk["unit"] == "percent_of_gdp" and tjk["indicator"] == "remittances_share_of_gdp"
    assert tjk["publisher"] == "World Bank" and tjk["reported_as"] == "World Bank WDI API, retrieved 2025-01-02"
    assert tjk["reported_date"] == LASTUPDATED and tjk["source_kind"] == "world_bank_api"
    assert tjk["retrieved_at"] == datetime(2025, 1, 2, 10, 30, 5, tzinfo=timezone.utc)
    assert tjk["found_at_url"] == first["url"]
    pop = next(r for r in rows if r["indicator_code"] == "SM.POP.TOTL")
    assert pop["unit"] == "persons"
    assert rows == read_snapshot(folder)  # deterministic
    assert len({r["record_id"] for r in rows}) == len(rows)
    assert latest_snapshot(tmp_path / "snapshots") == folder


def test_a_snapshot_is_never_overwritten(server, tmp_path):
    client, _ = _client(server)
    args = dict(countries=("TJK",), indicators=("BX.TRF.PWKR.DT.GD.ZS",), years=(2015, 2024), client=client, clock=_clock)
    fetch_snapshot(tmp_path, **args)
    with pytest.raises(WorldBankError, match="already exists"):
        fetch_snapshot(tmp_path, **args)


def test_a_failed_fetch_records_nothing(server, tmp_path):
    client, _ = _client(server)
    with pytest.raises(WorldBankError):
        fetch_snapshot(tmp_path, countries=("TJK",), indicators=("BX.TRF.PWKR.DT.GD.ZS", "ERROR.BODY"),
                       years=(2015, 2024), client=client, clock=_clock)
    assert list(tmp_path.iterdir()) == []


def test_a_changed_recording_is_refused(server, tmp_path):
    client, _ = _client(server)
    folder = fetch_snapshot(tmp_path, countries=("TJK",), indicators=("BX.TRF.PWKR.DT.GD.ZS",), years=(2015, 2024),
                            client=client, clock=_clock)
    page = folder / "BX.TRF.PWKR.DT.GD.ZS.page1.json"
    page.write_bytes(page.read_bytes().replace(b"11.11", b"99.99"))
    with pytest.raises(WorldBankError, match="changed since it was fetched"):
        read_snapshot(folder)


def test_latest_snapshot_of_an_empty_folder_is_none(tmp_path):
    assert latest_snapshot(tmp_path) is None and latest_snapshot(tmp_path / "missing") is None
