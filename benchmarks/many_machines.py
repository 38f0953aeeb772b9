"""Build time on distributed parts with 1 and 2 Dask workers, beside the single-machine build.

    python benchmarks/many_machines.py [--articles 2000] [--partitions 4] [--workdir DIR]

Starts on 127.0.0.1 what tests/pipeline/test_distributed.py starts (PostgreSQL, moto's S3 server, a Dask
scheduler and workers), generates a synthetic corpus (caravan.synthetic, marked synthetic: it never
enters a release), and prints the wall time of the build job:
- on one machine: the DuckDB file, every step in one process, extraction on every core (the default);
- on a DuckLake (catalog in PostgreSQL, data in S3) with the steps on 1, then 2 Dask workers.
Each distributed build gets a fresh lake and a fresh Dagster instance in PostgreSQL. Nothing asserts the
figures; they go into the README's "Running on many machines" section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.services import dask_cluster, postgres_cluster, s3_server  # noqa: E402  (the same parts as the test)

VERSION = "2000.01.01"
BUCKET = "caravan-bench"


def _build(env: dict[str, str], log: Path) -> float:
    """Wall time of the build job in a fresh process with ``env`` (the run launcher of a deployment)."""
    code = ("import dagster as dg, sys\n"
            "from pipelines.definitions import build_job\n"
            "result = dg.execute_job(dg.reconstructable(build_job), instance=dg.DagsterInstance.get())\n"
            "sys.exit(0 if result.success else 1)\n")
    start = time.perf_counter()
    with open(log, "w") as out:
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, **env}, stdout=out,
                              stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"build failed, see {log}")
    return time.perf_counter() - start


def _step_times(home: Path) -> tuple[float, float, float]:
    """From the run's events in the deployment's instance: seconds from the first extraction partition's start
    to the last one's end, the partitions' summed step time, and every other step's summed time."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        run_id = instance.get_run_records()[0].dagster_run.run_id
        spans: dict[str, list[float]] = {}
        for kind in (dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS):
            for entry in instance.all_logs(run_id, of_type=kind):
                spans.setdefault(entry.dagster_event.step_key, []).append(entry.timestamp)
    partitions = {k: v for k, v in spans.items() if "extract_partition_" in k}
    span = max(max(v) for v in partitions.values()) - min(min(v) for v in partitions.values())
    summed = sum(max(v) - min(v) for v in partitions.values())
    others = sum(max(v) - min(v) for k, v in spans.items() if k not in partitions)
    return span, summed, others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="caravan-distributed-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "caravan.synthetic", "--out", str(corpus), "--n", str(args.articles)],
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    rows, details = [], []
    single = {"CARAVAN_CORPUS": str(corpus), "CARAVAN_WAREHOUSE": str(work / "single" / "caravan.duckdb"),
              "CARAVAN_RELEASES": str(work / "single" / "releases"), "CARAVAN_RELEASE_VERSION": VERSION,
              "DAGSTER_HOME": str(work / "single")}
    for old in [work / "single", *work.glob("workers*"), *work.glob("dask-*"), *work.glob("caravan-pg-*")]:
        shutil.rmtree(old, ignore_errors=True)  # every build starts empty: a full build, a new release
    (work / "single").mkdir()
    (work / "single" / "dagster.yaml").write_text("", encoding="utf-8")
    rows.append(("one machine: DuckDB file, in-process, extraction on every core", _build(single, work / "single.log")))
    with postgres_cluster(work) as pg, s3_server(work) as s3:
        s3.make_bucket(BUCKET)
        for n in (1, 2):
            name = f"workers{n}"
            lake = pg.create_database(f"lake_{name}")
            pg.create_database(f"dagster_{name}")
            home = work / name
            home.mkdir(exist_ok=True)
            (home / "dagster.yaml").write_text(
                f"storage:\n  postgres:\n    postgres_url: postgresql+psycopg2://{pg.user}@127.0.0.1:{pg.port}/dagster_{name}\n",
                encoding="utf-8")
            env = {"DAGSTER_HOME": str(home), "CARAVAN_CORPUS": str(corpus),
                   "CARAVAN_WAREHOUSE": f"ducklake:postgres:{lake}", "CARAVAN_LAKE_DATA_PATH": f"s3://{BUCKET}/{name}/",
                   "CARAVAN_RELEASES": str(home / "releases"), "CARAVAN_RELEASE_VERSION": VERSION,
                   "CARAVAN_EXTRACTION_PARTITIONS": str(args.partitions), **s3.env}
            (work / f"dask-{name}").mkdir(exist_ok=True)
            with dask_cluster(work / f"dask-{name}", n, env=env) as cluster:
                seconds = _build({**env, "CARAVAN_DASK_SCHEDULER": cluster.address}, work / f"{name}.log")
            span, summed, others = _step_times(home)
            rows.append((f"DuckLake (PostgreSQL + S3), {n} Dask worker{'s' if n > 1 else ''}, "
                         f"{args.partitions} partitions", seconds))
            details.append(f"{n} worker{'s' if n > 1 else ''}: extraction partitions {summed:.1f} s of step time in "
                           f"{span:.1f} s of wall time; all other steps {others:.1f} s of step time")
    print(f"{args.articles:,} synthetic articles, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'build':<75} {'wall':>8}")
    for label, seconds in rows:
        print(f"{label:<75} {seconds:>7.1f}s")
    for line in details:
        print(line)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
