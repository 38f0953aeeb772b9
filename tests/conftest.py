"""Shared fixtures: the repo's sample corpus and a built release in a temporary folder."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import dagster as dg

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "data" / "corpus"
SAMPLE_STEM = "voa-2024-03-central-asian-migrants-backlash"
GOLD_DIR = REPO / "tests" / "data" / "gold"


# The modules whose tests take the longest (whole builds, services, a Dask cluster): collected first, so that the
# xdist workers start on them and the many short tests fill in around them, instead of one worker finishing a
# minute-long test alone at the end.
SLOW_FIRST = ("tests/pipeline/test_distributed.py", "tests/pipeline/test_webserver.py", "tests/pipeline/test_faults.py",
              "tests/pipeline/test_incremental_merge.py", "tests/extract/test_incremental.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = Path(str(item.fspath)).relative_to(REPO).as_posix()
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)  # stable: the order within each module, and of the other modules, stays


@pytest.fixture
def sample_corpus(tmp_path: Path) -> Path:
    """A private copy of the sample corpus that a test may add files to."""
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, folder)
    return folder


def run_build(corpus: Path, out: Path, version: str = "2024.04.01", **settings):
    """Run the Dagster job in-process, as ``caravan build`` does, into ``out`` (settings: build_definitions')."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    defs = build_definitions(str(corpus), str(out / "caravan.duckdb"), str(out / "releases"), version, **settings)
    return defs.resolve_job_def("build").execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


@dataclass(frozen=True)
class SampleBuild:
    """A build of the sample corpus with the default settings: its folder and the run (for its metadata)."""

    out: Path
    result: dg.ExecuteInProcessResult

    @property
    def warehouse(self) -> Path:
        return self.out / "caravan.duckdb"

    @property
    def release(self) -> Path:
        return self.out / "releases" / "2024.04.01"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> SampleBuild:
    """One build of the sample corpus per test process, shared by the tests that only read it (a build costs
    8-10 s). A test that changes the warehouse or the releases works on a copy of them."""
    out = tmp_path_factory.mktemp("sample_build")
    result = run_build(SAMPLE_CORPUS, out)
    assert result.success
    return SampleBuild(out, result)


@pytest.fixture
def slow_extractor(monkeypatch):
    """Figure extraction that keeps the CPU busy without end on an article holding SLOW-MARKER, as a pathological
    text would."""
    from caravan.extract import records as extract

    figures = extract._EXTRACTORS["economic_figures"]

    def slow(article):
        if "SLOW-MARKER" in article.text:
            busy_until = time.process_time() + 120
            while time.process_time() < busy_until:
                pass
        return figures(article)

    monkeypatch.setitem(extract._EXTRACTORS, "economic_figures", slow)
    return monkeypatch
