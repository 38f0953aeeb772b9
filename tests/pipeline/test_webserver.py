"""Smoke test of the UI: `dagster dev` on the loopback, asked over GraphQL, runs the build job."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from caravan.store.tables import EXTRACTED, TABLES
from tests.conftest import REPO, SAMPLE_CORPUS

# How often the tests ask the server: the runs and sensor ticks they wait for take seconds each.
POLL_SECONDS = 0.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["data"]


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    """One `dagster dev` for the module (it takes ~10 s to start). Its tests pass in either order: each counts only
    the runs it started, and the inbox's second run extracts only the new article whatever ran before."""
    tmp_path = tmp_path_factory.mktemp("dagster_dev")
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    # Queued runs are launched within a second, not the default five (an instance setting, the test's own).
    (home / "dagster.yaml").write_text("run_coordinator:\n  module: dagster.core.run_coordinator\n"
                                       "  class: QueuedRunCoordinator\n  config:\n    dequeue_interval_seconds: 1\n",
                                       encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    env = {**os.environ, "DAGSTER_HOME": str(home), "CARAVAN_CORPUS": str(corpus),
           "CARAVAN_WAREHOUSE": str(tmp_path / "caravan.duckdb"), "CARAVAN_INBOX_INTERVAL": "1", "CARAVAN_RELEASES": str(tmp_path / "releases")}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _graphql(port, "{ version }")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("dagster dev did not start")
                time.sleep(POLL_SECONDS)
        yield port, tmp_path
    finally:
        # Ctrl-C, as a user stops `dagster dev`; its processes are killed if they linger (it waits on them).
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_ui_lists_the_assets_and_runs_the_build(dagster_dev):
    port, out = dagster_dev
    nodes = _graphql(port, "{ assetNodes { assetKey { path } groupName } }")["assetNodes"]
    assert {n["assetKey"]["path"][0] for n in nodes} == {*TABLES, *(t.name for t in EXTRACTED.values()), "release", "fetched_articles"}
    launch = _graphql(port, 'mutation { launchRun(executionParams: { selector: { repositoryLocationName: "caravan", '
                            'repositoryName: "__repository__", jobName: "build" }, runConfigData: "{}" }) '
                            '{ __typename ... on LaunchRunSuccess { run { runId } } } }')["launchRun"]
    assert launch["__typename"] == "LaunchRunSuccess"
    assert _wait_for_run(port, launch["run"]["runId"]) == "SUCCESS"
    assert (out / "releases" / "latest" / "quotes.parquet").exists()
    assert (out / "caravan.duckdb").exists()


def _wait_for_run(port: int, run_id: str, seconds: float = 240) -> str | None:
    deadline, status = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        status = _graphql(port, f'{{ runOrError(runId: "{run_id}") {{ ... on Run {{ status }} }} }}')["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(POLL_SECONDS)
    return status


def _sensor_runs(port: int) -> list[str]:
    runs = _graphql(port, '{ runsOrError(filter: { tags: [{ key: "caravan/trigger", value: "corpus_inbox" }] }) '
                          '{ ... on Runs { results { runId status tags { key value } } } } }')["runsOrError"]["results"]
    return runs


def test_a_new_article_in_the_inbox_starts_a_run_that_extracts_only_it(dagster_dev):
    """The sensor, running in `dagster dev`'s daemon, notices the new file; the run extracts that article only."""
    port, out = dagster_dev
    started = _graphql(port, 'mutation { startSensor(sensorSelector: { repositoryLocationName: "caravan", '
                             'repositoryName: "__repository__", sensorName: "corpus_inbox_sensor" }) '
                             '{ __typename ... on Sensor { sensorState { status } } } }')["startSensor"]
    assert started["sensorState"]["status"] == "RUNNING"
    deadline = time.monotonic() + 150
    while not _sensor_runs(port) and time.monotonic() < deadline:  # the first tick builds the corpus as it is
        time.sleep(POLL_SECONDS)
    first = _sensor_runs(port)
    assert len(first) == 1 and _wait_for_run(port, first[0]["runId"]) == "SUCCESS"

    # synthetic test article dropped into the inbox (not marked synthetic, so it is released like a real one)
    (out / "corpus" / "kazan-market.txt").write_text(
        "Police raided a market in Kazan on Friday and detained 30 migrants from Uzbekistan, the city police said.\n",
        encoding="utf-8")
    deadline = time.monotonic() + 150
    while len(_sensor_runs(port)) < 2 and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    runs = _sensor_runs(port)
    assert len(runs) == 2
    newest = runs[0]
    assert "kazan-market.txt" in {t["value"] for t in newest["tags"] if t["key"] == "caravan/changed"}
    assert _wait_for_run(port, newest["runId"]) == "SUCCESS"
    mats = _graphql(port, '{ assetOrError(assetKey: { path: ["stg_quotes"] }) { ... on Asset { assetMaterializations(limit: 1) '
                          '{ runId metadataEntries { label ... on IntMetadataEntry { intValue } } } } } }')
    latest = mats["assetOrError"]["assetMaterializations"][0]
    assert latest["runId"] == newest["runId"]
    counts = {e["label"]: e.get("intValue") for e in latest["metadataEntries"]}
    assert (counts["articles_extracted"], counts["articles_reused"]) == (1, 1)
