"""Caravan at scale: extraction rate, full and incremental build, peak memory, release size, query time.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--workdir DIR] [--keep] [--steps] [--json FILE]

For each size N it generates N synthetic articles (caravan.synthetic, timed apart), then measures:
- extraction alone: caravan.extract.records.extract_article over every article, one worker process per core,
  in articles/s, per core, and per CPU-second (the per-worker start-up is left out and shown apart);
- a full ``caravan build`` in a fresh subprocess: wall time, CPU use and peak RSS (the largest process,
  from wait4, and the whole process tree, sampled every 0.2 s);
- an incremental build into the same warehouse after adding N/100 new articles dated over the archive's years (a
  backfill), then another after adding N/100 more published in the week after the archive (a daily run's news),
  then a third with N/100 more of the week after that (the next daily run: news dated only by their month or year
  now come before the last run's, as a month comes before its days); and last a build of the same corpus again,
  without a release version, as the daily schedule runs it when nothing changed (no release is written): the
  floor under every incremental build, what a run costs before it has anything to do;
- the size of the release folder, and a DuckDB query on the published tables (incidents by type and month
  joined with incident_sources and articles), on the release's caravan.duckdb and on its Parquet files.

It prints the figures; nothing asserts them. Everything is written under the work folder (a temporary
folder, removed afterwards unless --keep or --workdir is given), never into the repository.

The articles are written WITHOUT "synthetic": true (``benchmark_unmarked``), so that the build publishes
them and the release and query figures measure a realistic release. This is for this throw-away benchmark
folder only: synthetic articles never enter a real release, and the generator refuses to write unmarked
articles inside the project folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from anywhere: `python benchmarks/run.py`

FULL_VERSION, INCREMENTAL_VERSION, DAILY_VERSION, NEXT_DAILY_VERSION = (  # fixed release names
    "2000.01.01", "2000.01.02", "2000.01.03", "2000.01.04")
# The synthetic archive is published over 2023-2025; a daily run adds the news of the days after it, the next run
# those of the week after. The first week is the archive's next year: its news come after every report, even those
# dated by their year alone. The second's do not, as a daily run's news in the course of a year.
DAILY_NEWS_DAYS = (dt.date(2026, 1, 1), dt.date(2026, 1, 7))
NEXT_DAILY_NEWS_DAYS = (dt.date(2026, 1, 8), dt.date(2026, 1, 14))
QUERY = """
SELECT i.type, substr(s.date, 1, 7) AS month, count(DISTINCT i.incident_id) AS incidents,
       count(*) AS reports, count(DISTINCT a.article_id) AS articles, count(DISTINCT a.outlet) AS outlets
FROM incidents i JOIN incident_sources s USING (incident_id) JOIN articles a ON a.article_id = s.article_id
GROUP BY ALL ORDER BY month, type
"""


# --- measuring a subprocess --------------------------------------------------------------------------

def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes. PSS, the proportional set size, is resident memory with pages shared between
    processes (a fork's copy-on-write pages) divided among them, so that a process tree's sum counts each page
    once; RSS counts them whole, as the peak RSS of a process (``wait4``) does."""
    found = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(("Pss:", "Rss:")):
                    found[line[:3]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return found.get("Pss", 0), found.get("Rss", 0)


def _tree_memory(root: int) -> tuple[int, int]:
    """Memory of a process and all its descendants, from /proc: the tree's PSS, and the RSS of its largest
    process (so that each step's share of the peak RSS can be told)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        children.setdefault(ppid, []).append(int(entry))
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        pss, rss = _memory(pid)
        total, largest = total + pss, max(largest, rss)
        todo.extend(children.get(pid, ()))
    return total, largest


def run_measured(cmd: list[str], log: Path, cwd: Path, max_memory: int, timeout: float) -> dict:
    """Run ``cmd``; wall time, CPU time, peak RSS of its largest process (wait4) and peak memory of its
    process tree (PSS, sampled). The tree is stopped when it passes ``max_memory`` bytes or ``timeout`` seconds."""
    with open(log, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
        peak, stopped, done, timeline = 0, [], threading.Event(), []

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.2):
                memory, largest = _tree_memory(proc.pid)
                timeline.append((time.time(), memory, largest))
                peak = max(peak, memory)
                reason = (f"stopped: memory over {max_memory / 1e9:.1f} GB" if peak > max_memory else
                          f"stopped: over {timeout / 60:.0f} min" if time.perf_counter() - start > timeout else None)
                if reason and not stopped:
                    stopped.append(reason)
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)  # our own child's session only
                    except ProcessLookupError:
                        pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_process": usage.ru_maxrss * 1024,
            "peak_pss_tree": peak, "timeline": timeline, "returncode": proc.returncode,
            "stopped": stopped[0] if stopped else None, "log": str(log)}


# --- extraction alone (runs in its own process: `run.py --extract-only CORPUS`) ------------------------

def _warm_up(first: str) -> None:
    # Imports, spaCy, the gazetteer and dateparser load once per worker: not part of the rate.
    from caravan.ingest.corpus import read_article
    from caravan.extract.records import extract_article

    extract_article(read_article(Path(first)))


def _extract_one(path: str) -> tuple[float, int]:
    from caravan.ingest.corpus import read_article
    from caravan.extract.records import extract_article

    article = read_article(Path(path))
    cpu = time.process_time()
    records = extract_article(article)
    return time.process_time() - cpu, sum(len(rows) for rows in records.values())


def extract_only(corpus: Path, workers: int) -> dict:
    from multiprocessing import Pool

    paths = [str(p) for p in sorted(corpus.glob("*.txt"))]
    start = time.perf_counter()
    with Pool(workers, initializer=_warm_up, initargs=(paths[0],)) as pool:
        pool.map(time.sleep, [0.0] * workers, chunksize=1)  # wait until every worker is warm
        warm = time.perf_counter() - start
        start = time.perf_counter()
        cpu = records = 0
        for seconds, n in pool.imap_unordered(_extract_one, paths, chunksize=8):
            cpu, records = cpu + seconds, records + n
        wall = time.perf_counter() - start
    return {"articles": len(paths), "workers": workers, "wall_s": wall, "cpu_s": cpu, "records": records,
            "warm_up_s": warm}


# --- a build with the time of every step (`run.py --build-steps ...`, used by --steps) -----------------

def build_with_steps(corpus: str, out: str, version: str) -> int:
    """The job ``caravan build`` runs, the same way, printing when each step started and ended. A ``version`` of
    ``-`` names none, as a scheduled run does."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    defs = build_definitions(corpus, str(Path(out) / "data" / "caravan.duckdb"), str(Path(out) / "releases"),
                             None if version == "-" else version)
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("build").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    steps: dict[str, dict] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is not None and event.event_type_value in ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE"):
            steps.setdefault(event.step_key, {})["start" if event.event_type_value == "STEP_START" else "end"] = entry.timestamp
    print("STEPS " + json.dumps(steps))
    return 0 if result.success else 1


# --- the benchmark -------------------------------------------------------------------------------------

def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _query_ms(release: Path) -> dict:
    import duckdb

    def timed(run) -> float:
        """Median of five runs, each with a fresh connection (so DuckDB's own cache starts empty)."""
        out = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            out.append((time.perf_counter() - start) * 1000)
        return statistics.median(out)

    def on_file():
        con = duckdb.connect(str(release / "caravan.duckdb"), read_only=True)
        try:
            return con.sql(QUERY).fetchall()
        finally:
            con.close()

    def on_parquet():
        sql = QUERY
        for clause in ("FROM incidents i", "JOIN incident_sources s", "JOIN articles a"):
            word, table, alias = clause.split()
            sql = sql.replace(clause, f"{word} read_parquet('{release / (table + '.parquet')}') {alias}")
        con = duckdb.connect()
        try:
            return con.sql(sql).fetchall()
        finally:
            con.close()

    return {"rows": len(on_file()), "duckdb_ms": timed(on_file), "parquet_ms": timed(on_parquet)}


def _build_cmd(corpus: Path, out: Path, version: str | None, steps: bool) -> list[str]:
    if steps:
        return [sys.executable, str(Path(__file__).resolve()), "--build-steps", str(corpus), str(out), version or "-"]
    return [sys.executable, "-m", "pipelines.cli", "build", "--corpus", str(corpus), "--out", str(out),
            *(["--version", version] if version else [])]


def _extractor_version() -> str:
    """The version of the extraction code as a build would see it now (in a fresh process: it is cached)."""
    code = "from caravan.extract.plan import extractor_version; print(extractor_version())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO).stdout.strip()


def _step_times(run: dict) -> dict | None:
    """Each step's duration and the peak memory of the process tree while it ran (from the samples)."""
    for line in Path(run["log"]).read_text(errors="replace").splitlines():
        if line.startswith("STEPS "):
            steps = {}
            for key, span in json.loads(line[6:]).items():
                start, end = span.get("start"), span.get("end", span.get("start"))
                during = [(m, r) for t, m, r in run["timeline"] if start is not None and start <= t <= end]
                steps[key] = {"s": (end - start) if start is not None else 0.0,
                              "peak": max((m for m, _ in during), default=None),
                              "rss": max((r for _, r in during), default=None)}
            return steps
    return None


def bench_size(n: int, folder: Path, seed: int, args) -> dict:
    from caravan.synthetic import generate_corpus

    folder.mkdir(parents=True, exist_ok=True)
    corpus, out = folder / "corpus", folder / "out"
    res: dict = {"n": n}

    def say(message: str) -> None:
        print(f"[{n:,}] {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    generate_corpus(corpus, n, seed=seed, benchmark_unmarked=True)
    res["generate_s"] = time.perf_counter() - start
    res["corpus_bytes"] = _folder_bytes(corpus)
    say(f"generated in {res['generate_s']:.1f} s")

    env_run = dict(max_memory=int(args.max_memory_gb * 1e9), timeout=args.timeout_min * 60)
    ext_log = folder / "extract.log"
    res["extract_run"] = run_measured([sys.executable, str(Path(__file__).resolve()), "--extract-only", str(corpus),
                                       "--workers", str(args.workers)], ext_log, folder, **env_run)
    lines = [line for line in ext_log.read_text().splitlines() if line.startswith("{")]
    res["extract"] = json.loads(lines[-1]) if lines else None
    say(f"extraction: {res['extract']}")

    res["extractor_version_full"] = _extractor_version()
    res["full"] = run_measured(_build_cmd(corpus, out, FULL_VERSION, args.steps), folder / "build-full.log", folder, **env_run)
    res["full"]["steps"] = _step_times(res["full"])
    say(f"full build: {res['full']['wall_s']:.1f} s, rc {res['full']['returncode']} {res['full']['stopped'] or ''}")
    full_release = out / "releases" / FULL_VERSION
    res["release_bytes"] = _folder_bytes(full_release) if full_release.is_dir() else None

    added = max(1, n // 100)
    res["added"] = added
    # First a backfill (new articles dated over the archive's years, as the earlier rounds measured), then two daily
    # runs' news (published in the week after the archive, then the week after that), each adding 1 % to what is there.
    for kind, version, days, start_index in (("incremental", INCREMENTAL_VERSION, None, n),
                                             ("daily", DAILY_VERSION, DAILY_NEWS_DAYS, n + added),
                                             ("next_daily", NEXT_DAILY_VERSION, NEXT_DAILY_NEWS_DAYS, n + 2 * added)):
        before = {"incremental": "full", "daily": "incremental", "next_daily": "daily"}[kind]
        if res[before]["returncode"] != 0:
            break
        start = time.perf_counter()
        generate_corpus(corpus, added, seed=seed, start_index=start_index, benchmark_unmarked=True, days=days)
        res[f"generate_{kind}_s"] = time.perf_counter() - start
        # Changed extraction code re-extracts every article: then the incremental figure means nothing.
        res[f"extractor_version_{kind}"] = _extractor_version()
        if res[f"extractor_version_{kind}"] != res["extractor_version_full"]:
            say("the extraction code changed since the full build: the incremental build re-extracts everything")
        res[kind] = run_measured(_build_cmd(corpus, out, version, args.steps), folder / f"build-{kind}.log", folder,
                                 **env_run)
        res[kind]["steps"] = _step_times(res[kind])
        say(f"{kind} build: {res[kind]['wall_s']:.1f} s, rc {res[kind]['returncode']}")
        release = out / "releases" / version
        if kind == "incremental" and release.is_dir():
            res["release_incremental_bytes"] = _folder_bytes(release)
            res["query"] = _query_ms(release)
            say(f"query: {res['query']}")
    if res.get("next_daily", {}).get("returncode") == 0:
        releases = sorted(p.name for p in (out / "releases").iterdir() if p.is_dir())
        res["extractor_version_unchanged"] = _extractor_version()
        res["unchanged"] = run_measured(_build_cmd(corpus, out, None, args.steps), folder / "build-unchanged.log",
                                        folder, **env_run)
        res["unchanged"]["steps"] = _step_times(res["unchanged"])
        # The floor is a run that finds nothing to do: one that wrote a release measured something else.
        res["unchanged"]["released"] = sorted(p.name for p in (out / "releases").iterdir() if p.is_dir()) != releases
        say(f"unchanged build: {res['unchanged']['wall_s']:.1f} s, rc {res['unchanged']['returncode']}, "
            f"{'a release written' if res['unchanged']['released'] else 'no release'}")
    return res


def _fmt(value, spec: str = ".1f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def table(results: list[dict], workers: int) -> str:
    def get(r, *keys):
        for key in keys:
            r = r.get(key) if isinstance(r, dict) else None
        return r

    def build_cell(r, kind, key):
        run = r.get(kind)
        if not run:
            return "-"
        if run["returncode"] != 0:
            return run["stopped"] or f"failed ({run['returncode']})"
        return {"wall": _fmt(run["wall_s"], ".1f", " s"), "cpu": _fmt(100 * run["cpu_s"] / run["wall_s"], ".0f", " %"),
                "rss": _fmt(run["max_rss_process"] / 2**20, ".0f", " MiB"),
                "tree": _fmt(run["peak_pss_tree"] / 2**20, ".0f", " MiB")}[key]

    def ext(r, key):
        e = r.get("extract")
        if not e:
            return r["extract_run"]["stopped"] or "failed"
        return {"rate": _fmt(e["articles"] / e["wall_s"], ".0f"), "core": _fmt(e["articles"] / e["wall_s"] / e["workers"], ".0f"),
                "cpu": _fmt(e["articles"] / e["cpu_s"], ".0f"), "warm": _fmt(e["warm_up_s"], ".1f", " s")}[key]

    def incremental_share(r, kind="incremental"):
        full, inc = r.get("full"), r.get(kind)
        if not full or not inc or full["returncode"] or inc["returncode"]:
            return "-"
        if r.get(f"extractor_version_{kind}") != r.get("extractor_version_full"):
            return "code changed"
        return _fmt(100 * inc["wall_s"] / full["wall_s"], ".1f", " %")

    rows = [
        ("articles", "", lambda r: f"{r['n']:,}"),
        ("generate corpus (not in the build)", "", lambda r: _fmt(r["generate_s"], ".1f", " s")),
        ("corpus on disk", "", lambda r: _fmt(r["corpus_bytes"] / 2**20, ".0f", " MiB")),
        (f"extraction, articles/s ({workers} workers)", "", lambda r: ext(r, "rate")),
        ("extraction, articles/s per core", ">= 300", lambda r: ext(r, "core")),
        ("extraction, articles per CPU-second", "", lambda r: ext(r, "cpu")),
        ("extraction worker start-up (not in rate)", "", lambda r: ext(r, "warm")),
        ("full build, wall", "< 60 s at 10k", lambda r: build_cell(r, "full", "wall")),
        ("full build, CPU use (100 % = 1 core)", f"{100 * workers} % = all", lambda r: build_cell(r, "full", "cpu")),
        ("full build, peak RSS largest process", "< 1.5 GB at 100k", lambda r: build_cell(r, "full", "rss")),
        ("full build, peak memory of the process tree (PSS)", "", lambda r: build_cell(r, "full", "tree")),
        ("incremental build (+1 % articles, backfill), wall", "", lambda r: build_cell(r, "incremental", "wall")),
        ("incremental / full", "< 10 %", incremental_share),
        ("incremental build, peak RSS largest process", "", lambda r: build_cell(r, "incremental", "rss")),
        ("incremental build, peak memory of the process tree (PSS)", "", lambda r: build_cell(r, "incremental", "tree")),
        ("daily build (+1 % more, the next week's news), wall", "", lambda r: build_cell(r, "daily", "wall")),
        ("daily / full", "< 10 %", lambda r: incremental_share(r, "daily")),
        ("daily build, peak RSS largest process", "", lambda r: build_cell(r, "daily", "rss")),
        ("next daily build (+1 % more, the week after), wall", "", lambda r: build_cell(r, "next_daily", "wall")),
        ("next daily / full", "< 10 %", lambda r: incremental_share(r, "next_daily")),
        ("next daily build, peak RSS largest process", "", lambda r: build_cell(r, "next_daily", "rss")),
        ("unchanged corpus (the floor), wall", "", lambda r: build_cell(r, "unchanged", "wall")),
        ("unchanged / full", "", lambda r: incremental_share(r, "unchanged")
         + (" (a release written)" if (r.get("unchanged") or {}).get("released") else "")),
        ("release size (full build)", "", lambda r: _fmt(get(r, "release_bytes") and r["release_bytes"] / 2**20, ".1f", " MiB")),
        ("release size (after incremental)", "",
         lambda r: _fmt(get(r, "release_incremental_bytes") and r["release_incremental_bytes"] / 2**20, ".1f", " MiB")),
        ("query on release caravan.duckdb (median of 5)", "", lambda r: _fmt(get(r, "query", "duckdb_ms"), ".1f", " ms")),
        ("query on release Parquet files (median of 5)", "", lambda r: _fmt(get(r, "query", "parquet_ms"), ".1f", " ms")),
    ]
    header = ["figure", "target"] + [f"{r['n']:,}" for r in results]
    cells = [header] + [[name, target] + [fn(r) for r in results] for name, target, fn in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _steps_table(results: list[dict]) -> str:
    out = []
    for r in results:
        for kind in ("full", "incremental", "daily", "next_daily", "unchanged"):
            steps = (r.get(kind) or {}).get("steps")
            if not steps:
                continue
            out.append(f"\n{r['n']:,} articles, {kind} build: step, seconds, peak memory of the process tree (PSS) and "
                       "peak RSS of its largest process while it ran")
            width = max(len(k) for k in steps)
            for key, v in sorted(steps.items(), key=lambda kv: -kv[1]["s"]):
                peak = f"{v['peak'] / 2**30:6.2f} GiB" if v["peak"] else "         -"
                rss = f"{v['rss'] / 2**30:6.2f} GiB" if v.get("rss") else "         -"
                out.append(f"  {key.ljust(width)}  {v['s']:7.1f} s  {peak}  {rss}")
            out.append(f"  {'sum of steps'.ljust(width)}  {sum(v['s'] for v in steps.values()):7.1f} s")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--workdir", help="work folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction worker processes (default: one per core)")
    parser.add_argument("--steps", action="store_true",
                        help="run the build job through a driver that also reports each step's time (same job and resources as `caravan build`)")
    parser.add_argument("--max-memory-gb", type=float, default=16.0, help="stop a command whose process tree passes this memory (PSS, GB)")
    parser.add_argument("--timeout-min", type=float, default=180.0, help="stop a command after this many minutes")
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    parser.add_argument("--extract-only", help=argparse.SUPPRESS)
    parser.add_argument("--build-steps", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.extract_only:
        print(json.dumps(extract_only(Path(args.extract_only), args.workers)))
        return 0
    if args.build_steps:
        return build_with_steps(*args.build_steps)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="caravan-bench-"))
    if workdir.resolve() == REPO or REPO in workdir.resolve().parents:
        parser.error("--workdir must be outside the repository: the benchmark never writes into it")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"Caravan scale benchmark: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, commit {commit or '?'} (working tree as is), work folder {workdir}", file=sys.stderr)
    results = []
    started = time.perf_counter()
    try:
        for n in sizes:
            results.append(bench_size(n, workdir / f"n{n}", args.seed, args))
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"$ python benchmarks/run.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, commit {commit or '?'}; "
          f"benchmark wall time {(time.perf_counter() - started) / 60:.1f} min\n")
    print(table(results, args.workers))
    steps = _steps_table(results)
    if steps:
        print(steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
