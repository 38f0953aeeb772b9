"""The `caravan` command as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLD_DIR, SAMPLE_CORPUS

CARAVAN = str(Path(sys.executable).parent / "caravan")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One `caravan build` of the sample, as a user runs it (the tests below read it, none changes it)."""
    out = tmp_path_factory.mktemp("cli_build")
    proc = subprocess.run([CARAVAN, "build", "--corpus", str(SAMPLE_CORPUS), "--out", str(out), "--version", "2024.04.01"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_build_prints_where_the_release_and_duckdb_are(built):
    out, proc = built
    assert f"release 2024.04.01: {out / 'releases' / '2024.04.01'}" in proc.stdout
    assert str(out / "data" / "caravan.duckdb") in proc.stdout
    assert (out / "releases" / "latest" / "datapackage.json").exists()


def test_build_with_a_missing_corpus_fails_clearly(tmp_path: Path):
    proc = subprocess.run([CARAVAN, "build", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "nope: corpus folder does not exist" in proc.stderr
    assert not (tmp_path / "releases").exists()


def test_evaluate_prints_the_summary_line_and_json(tmp_path: Path):
    out = tmp_path / "scores.json"
    proc = subprocess.run([CARAVAN, "evaluate", "--corpus", str(SAMPLE_CORPUS), "--gold", str(GOLD_DIR), "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("quotes_f1=") and " attribution=" in last and " figures_f1=" in last
    assert json.loads(out.read_text())["summary"]


def test_publish_copies_a_release_to_a_folder_once(built, tmp_path: Path):
    release, mirror = built[0] / "releases" / "latest", tmp_path / "mirror"
    first = subprocess.run([CARAVAN, "publish", str(mirror), "--release", str(release)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert (mirror / "2024.04.01" / "quotes.parquet").read_bytes() == (release / "quotes.parquet").read_bytes()
    assert json.loads((mirror / "latest.json").read_text()) == {"version": "2024.04.01"}
    again = subprocess.run([CARAVAN, "publish", str(mirror), "--release", str(release)], capture_output=True, text=True)
    assert "already published" in again.stdout
    missing = subprocess.run([CARAVAN, "publish", str(mirror), "--release", str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and "nope" in missing.stderr
