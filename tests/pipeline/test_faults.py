"""Faults: concurrent builds, killed builds, the warehouse held by someone else."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from caravan.store.warehouse import WarehouseBusy, connect
from tests.conftest import SAMPLE_CORPUS, SampleBuild

CARAVAN = str(Path(sys.executable).parent / "caravan")
_HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(float(sys.argv[2]))"


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_warehouse_is_waited_for_then_refused_clearly(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    holder = _hold(path, 2)
    start = time.monotonic()
    con = connect(path, wait_seconds=30)  # waits for the other process to let go
    assert time.monotonic() - start > 0.5
    con.close()
    holder.wait()

    holder = _hold(path, 30)
    try:
        with pytest.raises(WarehouseBusy, match=r"w.duckdb: in use by another process .*one writer per file"):
            connect(path, wait_seconds=0.5)
    finally:
        holder.kill()
        holder.wait()


def test_two_builds_started_at_once_both_complete(tmp_path: Path):
    builds = [subprocess.Popen([CARAVAN, "build", "--out", str(tmp_path), "--version", version],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for version in ("2024.04.01", "2024.04.02")]
    outcomes = [(b.wait(timeout=600), b.stderr.read()) for b in builds]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    con = duckdb.connect(str(tmp_path / "data" / "caravan.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM quotes").fetchone()[0] > 0
    for version in ("2024.04.01", "2024.04.02"):
        assert (tmp_path / "releases" / version / "datapackage.json").exists()


def test_killed_builds_leave_the_last_release_intact_and_the_next_build_completes(sample_build: SampleBuild,
                                                                                 tmp_path: Path):
    # What `caravan build --out tmp_path --version 2024.04.01` of the sample leaves: a copy of the shared build.
    (tmp_path / "data").mkdir()
    shutil.copy(sample_build.warehouse, tmp_path / "data" / "caravan.duckdb")
    shutil.copytree(sample_build.out / "releases", tmp_path / "releases", symlinks=True)
    release = tmp_path / "releases" / "2024.04.01"
    before = {p: p.read_bytes() for p in release.rglob("*") if p.is_file()}

    # Killed early (while ingesting or extracting) and late (while validating or writing the release).
    for version, kill_after in (("2024.04.02", 3.0), ("2024.04.03", 7.0)):
        doomed = subprocess.Popen([CARAVAN, "build", "--out", str(tmp_path), "--version", version],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(kill_after)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        assert {p: p.read_bytes() for p in release.rglob("*") if p.is_file()} == before
        latest = (tmp_path / "releases" / "latest").resolve()
        assert (latest / "SHA256SUMS").exists()  # latest always points at a complete release

    again = subprocess.run([CARAVAN, "build", "--out", str(tmp_path), "--version", "2024.04.04"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (tmp_path / "releases" / "latest").resolve().name == "2024.04.04"
