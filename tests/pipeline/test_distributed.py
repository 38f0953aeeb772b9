"""Caravan on distributed parts, all started here on 127.0.0.1 and stopped afterwards: a DuckLake warehouse
(catalog in PostgreSQL, data files in S3), Dagster's runs kept in PostgreSQL, and the extraction partitions
run by two Dask workers. The release must be the one a single machine makes of the same corpus."""

from __future__ import annotations

import filecmp
import importlib
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import REPO, SAMPLE_CORPUS, run_build
from tests.services import Postgres, S3, dask_cluster, is_running, kill_tree, postgres_cluster, s3_server

VERSION = "2024.04.01"
PARTITIONS = 4
BUCKET = "caravan-lake"


@dataclass
class Stack:
    base: Path
    corpus: Path
    pg: Postgres
    s3: S3


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    base = tmp_path_factory.mktemp("stack")
    corpus = base / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    for path in (REPO / "tests" / "data" / "synthetic" / "corpus").iterdir():  # marked synthetic: never released
        shutil.copy(path, corpus / path.name)
    with postgres_cluster(base) as pg, s3_server(base) as s3:
        s3.make_bucket(BUCKET)
        yield Stack(base, corpus, pg, s3)


@pytest.fixture(scope="module")
def single_machine(stack: Stack) -> Path:
    out = stack.base / "single"
    assert run_build(stack.corpus, out, version=VERSION).success
    return out / "releases" / VERSION


def _deployment(stack: Stack, name: str) -> dict[str, str]:
    """The settings every process of one deployment shares: daemon, run launcher and workers alike."""
    (stack.base / f"dask-{name}").mkdir()
    lake = stack.pg.create_database(f"lake_{name}")
    stack.pg.create_database(f"dagster_{name}")
    home = stack.base / f"dagster-home-{name}"
    home.mkdir()
    # psycopg2 named: SQLAlchemy 2.1 would otherwise pick psycopg 3, which dagster-postgres does not support.
    url = f"postgresql+psycopg2://{stack.pg.user}@127.0.0.1:{stack.pg.port}/dagster_{name}"
    (home / "dagster.yaml").write_text(f"storage:\n  postgres:\n    postgres_url: {url}\n", encoding="utf-8")
    return {
        "DAGSTER_HOME": str(home),
        "CARAVAN_CORPUS": str(stack.corpus),
        "CARAVAN_WAREHOUSE": f"ducklake:postgres:{lake}",
        "CARAVAN_LAKE_DATA_PATH": f"s3://{BUCKET}/{name}/",
        "CARAVAN_RELEASES": str(stack.base / f"releases-{name}"),
        "CARAVAN_RELEASE_VERSION": VERSION,
        "CARAVAN_EXTRACTION_PARTITIONS": str(PARTITIONS),
        **stack.s3.env,
    }


@contextmanager
def _environment(env: dict[str, str]):
    """This process as one of the deployment's: its settings, and the code location loaded with them."""
    import pipelines.definitions
    from dagster._core.definitions.reconstruct import ReconstructableJob

    def load() -> None:
        importlib.reload(pipelines.definitions)
        # Dagster keeps the last job it loaded through a pointer; this test loads the same pointer anew.
        ReconstructableJob.get_definition.cache_clear()
        ReconstructableJob.get_repository_definition.cache_clear()

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        load()
        yield pipelines.definitions
    finally:
        os.environ.clear()
        os.environ.update(saved)
        load()


def _launch(module, instance: dg.DagsterInstance) -> dg.ExecutionResult:
    return dg.execute_job(dg.reconstructable(module.build_job), instance=instance)


def _step_pids(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    starts = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
    return {e.dagster_event.step_key: e.dagster_event.pid for e in starts}


def _same_release(a: Path, b: Path) -> list[str]:
    """Files that differ or exist in one release only (every file, the Parquet tables and pages included)."""
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()} | {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    return [str(n) for n in names if not ((a / n).is_file() and (b / n).is_file() and filecmp.cmp(a / n, b / n, shallow=False))]


def test_a_build_on_dask_workers_into_ducklake_equals_a_single_machine_build(stack: Stack, single_machine: Path):
    env = _deployment(stack, "calm")
    with dask_cluster(stack.base / "dask-calm", 2, env=env) as cluster, \
            _environment({**env, "CARAVAN_DASK_SCHEDULER": cluster.address}) as module:
        instance = dg.DagsterInstance.get()
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = _launch(module, instance)
        assert result.success
        pids = _step_pids(instance, result.run_id)
        partition_steps = [k for k in pids if "extract_partition_" in k]
        assert len(partition_steps) == PARTITIONS
        # The steps ran in the workers' processes, on both of them, not in this one.
        worker_pids = {pid for key, pid in pids.items() if key in partition_steps}
        assert os.getpid() not in worker_pids and len(worker_pids) == 2
        # No step hands data to another through files (which would not cross machines): nothing is stored by
        # an IO manager; the partitions report through the warehouse.
        assert instance.all_logs(result.run_id, of_type=dg.DagsterEventType.HANDLED_OUTPUT) == []
        assert len(instance.get_run_records()) == 1  # the run is in PostgreSQL, for every daemon and worker
        instance.dispose()

    assert _same_release(Path(env["CARAVAN_RELEASES"]) / VERSION, single_machine) == []
    # The lake keeps its data files in the object store.
    import boto3

    s3 = boto3.client("s3", endpoint_url=stack.s3.endpoint_url, region_name=stack.s3.env["AWS_REGION"],
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="calm/").get("Contents", [])]
    assert any(k.endswith(".parquet") for k in keys)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = set(), [pid]
    while todo:
        out.add(todo[-1])
        todo.extend(children.get(todo.pop(), []))
    return out


def test_a_worker_killed_mid_partition_is_recovered_by_re_running_what_failed(stack: Stack, single_machine: Path):
    env = _deployment(stack, "faulty")
    with dask_cluster(stack.base / "dask-faulty", 2, env=env) as cluster, \
            _environment({**env, "CARAVAN_DASK_SCHEDULER": cluster.address}) as module:
        instance = dg.DagsterInstance.get()
        outcome: dict = {}
        runner = threading.Thread(target=lambda: outcome.setdefault("result", _launch(module, instance)))
        runner.start()
        killed = None
        deadline = time.monotonic() + 240
        while killed is None and time.monotonic() < deadline and runner.is_alive():
            for record in instance.get_run_records():
                for key, pid in _step_pids(instance, record.dagster_run.run_id).items():
                    if "extract_partition_" in key:
                        victim = next(w for w in cluster.workers if pid in _descendants(w.pid))
                        kill_tree(victim)
                        killed = (key, pid)
                        break
            time.sleep(0.05)
        runner.join(timeout=600)
        assert killed is not None, "no partition step started"
        assert not is_running(killed[1])
        result = outcome["result"]
        if not result.success:  # Dask gave up on the lost task: re-run the failed steps only
            failed = [k for k, pid in _step_pids(instance, result.run_id).items()]
            assert any("extract_partition_" in k for k in failed)
            again = dg.execute_job(dg.reconstructable(module.build_job), instance=instance,
                                   reexecution_options=dg.ReexecutionOptions.from_failure(result.run_id, instance))
            assert again.success
        instance.dispose()

    assert _same_release(Path(env["CARAVAN_RELEASES"]) / VERSION, single_machine) == []


def test_an_unreachable_catalog_or_object_store_is_named_and_the_last_release_stays(stack: Stack, single_machine: Path,
                                                                                    monkeypatch, capsys):
    from caravan.store.warehouse import WarehouseUnreachable, connect
    from pipelines.cli import main
    from tests.services import free_port

    lake = stack.pg.create_database("lake_unreachable")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for key, value in stack.s3.env.items():
        monkeypatch.setenv(key, value)
    closed = free_port()

    with pytest.raises(WarehouseUnreachable, match=rf"DuckLake catalog \(PostgreSQL: host=127.0.0.1 port={closed} .*\) unreachable"):
        connect(f"ducklake:postgres:host=127.0.0.1 port={closed} user=caravan dbname=lake", lake_data_path=f"s3://{BUCKET}/x/")

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    with pytest.raises(WarehouseUnreachable, match=rf"DuckLake data path s3://{BUCKET}/x/ \(object store http://127.0.0.1:{closed}\) unreachable"):
        connect(f"ducklake:postgres:{lake}", lake_data_path=f"s3://{BUCKET}/x/")

    # A build against it fails with that message and leaves the releases as they were.
    releases = single_machine.parent
    before = {p: p.read_bytes() for p in releases.rglob("*") if p.is_file()}
    code = main(["build", "--corpus", str(stack.corpus), "--out", str(releases.parent), "--version", "2024.04.02",
                 "--warehouse", f"ducklake:postgres:{lake}", "--lake-data-path", f"s3://{BUCKET}/x/"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"DuckLake data path s3://{BUCKET}/x/ (object store http://127.0.0.1:{closed}) unreachable" in err
    assert "the previous release is untouched" in err
    assert {p: p.read_bytes() for p in releases.rglob("*") if p.is_file()} == before


def test_caravan_build_into_a_ducklake_gives_the_default_builds_release(stack: Stack, single_machine: Path, monkeypatch,
                                                                       capsys):
    from pipelines.cli import main

    lake = stack.pg.create_database("lake_cli")
    for key, value in stack.s3.env.items():
        monkeypatch.setenv(key, value)
    out = stack.base / "cli"
    code = main(["build", "--corpus", str(stack.corpus), "--out", str(out), "--version", VERSION,
                 "--warehouse", f"ducklake:postgres:{lake}", "--lake-data-path", f"s3://{BUCKET}/cli/"])
    assert code == 0, capsys.readouterr().err
    assert f"warehouse: ducklake:postgres:{lake}" in capsys.readouterr().out
    assert _same_release(out / "releases" / VERSION, single_machine) == []
