"""Smoke test of the UI: `dagster dev` on the loopback, asked over GraphQL, runs the build job."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from caravan.tables import EXTRACTED, TABLES
from tests.conftest import REPO, SAMPLE_CORPUS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["data"]


@pytest.fixture
def dagster_dev(tmp_path: Path):
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "CARAVAN_CORPUS": str(SAMPLE_CORPUS),
           "CARAVAN_WAREHOUSE": str(tmp_path / "caravan.duckdb"), "CARAVAN_RELEASES": str(tmp_path / "releases")}
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
                time.sleep(1)
        yield port, tmp_path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_ui_lists_the_assets_and_runs_the_build(dagster_dev):
    port, out = dagster_dev
    nodes = _graphql(port, "{ assetNodes { assetKey { path } groupName } }")["assetNodes"]
    assert {n["assetKey"]["path"][0] for n in nodes} == {*TABLES, *(t.name for t in EXTRACTED.values()), "release"}
    launch = _graphql(port, 'mutation { launchRun(executionParams: { selector: { repositoryLocationName: "caravan", '
                            'repositoryName: "__repository__", jobName: "build" }, runConfigData: "{}" }) '
                            '{ __typename ... on LaunchRunSuccess { run { runId } } } }')["launchRun"]
    assert launch["__typename"] == "LaunchRunSuccess"
    run_id = launch["run"]["runId"]
    deadline = time.monotonic() + 240
    status = None
    while time.monotonic() < deadline:
        status = _graphql(port, f'{{ runOrError(runId: "{run_id}") {{ ... on Run {{ status }} }} }}')["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    assert status == "SUCCESS"
    assert (out / "releases" / "latest" / "quotes.parquet").exists()
    assert (out / "caravan.duckdb").exists()
