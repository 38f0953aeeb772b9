"""The ``caravan`` command: ``build`` runs the Dagster job in-process; ``evaluate`` scores extraction."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from caravan.common.paths import CURATION, SAMPLE_CORPUS, WORLD_BANK_SNAPSHOTS


def root_error(error) -> str:
    """The message of the exception that caused a Dagster step failure (not Dagster's wrapper)."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def _build(args: argparse.Namespace) -> int:
    import dagster as dg

    from caravan.store.warehouse import describe
    from pipelines.definitions import build_definitions

    out = Path(args.out)
    warehouse = args.warehouse or str(out / "data" / "caravan.duckdb")
    releases = out / "releases"
    defs = build_definitions(str(args.corpus), warehouse, str(releases), args.version, lake_data_path=args.lake_data_path)
    result = defs.resolve_job_def("build").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        # Dagster's step-by-step DEBUG log is for the UI; the terminal gets warnings and the summary below.
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )

    failed_checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
                     and not e.event_specific_data.passed]
    for event in failed_checks:
        evaluation = event.event_specific_data
        print(f"check failed: {evaluation.check_name} on {evaluation.asset_key.to_user_string()}: {evaluation.description}",
              file=sys.stderr)
    release = [m for m in result.asset_materializations_for_node("release")]
    if not result.success or not release:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"step failed: {event.step_key}: {root_error(event.event_specific_data.error)}", file=sys.stderr)
        print("build failed: no release was written; the previous release is untouched.", file=sys.stderr)
        return 1
    meta = release[-1].metadata
    if meta["status"].value.startswith("no changes since"):
        print(f"{meta['status'].value}: the published tables are byte-identical to it, so no release was written; "
              f"latest stays {meta['path'].value}")
    else:
        print(f"release {meta['version'].value}: {meta['path'].value}")
        if "changes/against" in meta:
            added, removed, changed = (meta[f"changes/{kind}"].value for kind in ("added", "removed", "changed"))
            print(f"changes against release {meta['changes/against'].value}: {added} rows added, {removed} removed, "
                  f"{changed} changed (listed in CHANGES.md)")
        else:
            print("first release: every row is new")
    print(f"warehouse: {describe(warehouse)}")
    print(f"release DuckDB file: {meta['duckdb'].value}")
    counts = ", ".join(f"{k.removeprefix('rows_')}={v.value}" for k, v in meta.items() if k.startswith("rows_"))
    print(f"rows: {counts}")
    checks = result.asset_materializations_for_node("figure_checks")
    if checks:
        verdicts = {k.removeprefix("verdicts/"): v.value for k, v in checks[-1].metadata.items() if k.startswith("verdicts/")}
        print("figure checks: " + ", ".join(f"{k}={v}" for k, v in verdicts.items()))
    return 0


def _statistics_fetch(args: argparse.Namespace) -> int:
    from caravan.statistics.worldbank import WorldBankClient, fetch_snapshot

    client = WorldBankClient(base_url=args.base_url, timeout=args.timeout, retries=args.retries)
    folder = fetch_snapshot(Path(args.snapshots), years=(args.start, args.end), client=client)
    print(f"World Bank snapshot recorded: {folder}")
    print("later builds read it offline (the newest snapshot in the folder is used)")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from caravan.ingest.fetch import DEFAULT_SOURCES, default_web_folder, fetch, load_sources, rebuild

    sources = load_sources(Path(args.sources or DEFAULT_SOURCES))
    corpus = Path(args.corpus)
    web = Path(args.web) if args.web else default_web_folder(corpus)
    if args.offline:
        done = rebuild(sources, corpus, web)
        print(f"from the snapshots in {web}: {len(done.written)} articles written to {corpus}, "
              f"{done.duplicates} duplicates, {sum(done.not_articles.values())} pages without an article")
        return 0
    if sources.empty:
        print(f"{sources.path} lists no feeds, urls or gdelt queries: nothing to fetch")
        return 0
    summary = fetch(sources, corpus, web)
    print("\n".join(summary.lines()))
    print(f"corpus: {corpus}; fetch log and snapshots: {web}")
    return 0


def _hydrate(args: argparse.Namespace) -> int:
    from caravan.release.hydrate import hydrate

    done = hydrate(Path(args.release), Path(args.corpus), Path(args.out))
    print("\n".join(done.lines()))
    print(f"articles with the restored texts: {args.out}")
    if done.mismatches:
        print(f"caravan hydrate: {len(done.mismatches)} records do not point at their evidence in the filled texts",
              file=sys.stderr)
        return 1
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from caravan.evaluate import evaluate_folder, format_table, report_json

    report = evaluate_folder(Path(args.corpus), Path(args.gold))
    print(format_table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report_json(report), indent=2) + "\n", encoding="utf-8")
    return 0


def _review(args: argparse.Namespace) -> int:
    from caravan.curate.curation import format_review, load_decisions, uncovered
    from caravan.store.tables import TABLES
    from caravan.store.warehouse import connect

    decisions = load_decisions(Path(args.curation))
    con = connect(args.warehouse, read_only=True, lake_data_path=args.lake_data_path)
    try:
        # In table order: curation writes only the rows that change, so stored order is not the table's.
        tables = {name: con.sql(f'SELECT * FROM "{name}" ORDER BY {TABLES[name].order_by()}').to_arrow_table().to_pylist()
                  for name in ("quotes", "incidents", "incident_sources", "economic_figures")}
    finally:
        con.close()
    print(format_review(uncovered(tables, decisions)))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from caravan.release.publish import publish_release

    written = publish_release(Path(args.release), args.target)
    if not written:
        print(f"{args.release} is already published at {args.target}: nothing to do")
    else:
        print(f"published {len(written)} objects to {args.target} (latest.json updated last)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="caravan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="ingest, extract, validate and publish a release (runs the Dagster job in-process)")
    build.add_argument("--corpus", default=str(SAMPLE_CORPUS), help="folder of STEM.txt (+ STEM.meta.json) articles (default: the sample corpus)")
    build.add_argument("--out", default=".", help="output folder: OUT/data/caravan.duckdb and OUT/releases/")
    build.add_argument("--warehouse", help="DuckDB file (default OUT/data/caravan.duckdb), or a DuckLake: "
                                           "ducklake:postgres:<libpq DSN> with --lake-data-path")
    build.add_argument("--lake-data-path", help="where a DuckLake warehouse keeps its data files: s3://bucket/prefix/ "
                                                "(S3 settings from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...) or a folder")
    build.add_argument("--version", help="release version (default: today's YYYY.MM.DD, suffixed when taken, and no "
                                         "release at all when the tables are byte-identical to the latest release's)")
    build.set_defaults(func=_build)
    fetch_web = sub.add_parser("fetch", help="collect articles from the web (feeds, pages, GDELT) into the corpus folder")
    fetch_web.add_argument("--sources", help="sources file (default: sources.yaml at the repository root)")
    fetch_web.add_argument("--corpus", default=str(SAMPLE_CORPUS), help="corpus folder the articles are written to (default: data/corpus)")
    fetch_web.add_argument("--web", help="fetch log and snapshots (default: web/ beside the corpus folder)")
    fetch_web.add_argument("--offline", action="store_true",
                           help="request nothing: write the corpus files again from the snapshots of earlier fetches")
    fetch_web.set_defaults(func=_fetch)
    hydrate = sub.add_parser("hydrate", help="fill a release's withheld article texts in from your copy of the articles")
    hydrate.add_argument("release", help="release folder (e.g. releases/latest)")
    hydrate.add_argument("--corpus", required=True, help="folder of STEM.txt articles; texts are matched by SHA-256")
    hydrate.add_argument("--out", required=True, help="Parquet file to write: the release's articles with the texts filled in")
    hydrate.set_defaults(func=_hydrate)
    evaluate = sub.add_parser("evaluate", help="score extraction against gold labels (EVALUATION.md)")
    evaluate.add_argument("--corpus", required=True)
    evaluate.add_argument("--gold", required=True)
    evaluate.add_argument("--json", help="also write the figures as JSON to this file")
    evaluate.set_defaults(func=_evaluate)
    review = sub.add_parser("review", help="list the records no curation decision covers yet, with their evidence")
    review.add_argument("--warehouse", default="data/caravan.duckdb", help="warehouse of the last build (DuckDB file or ducklake: URI)")
    review.add_argument("--lake-data-path", help="data path of a DuckLake warehouse")
    review.add_argument("--curation", default=str(CURATION), help="folder of curation decisions")
    review.set_defaults(func=_review)
    publish = sub.add_parser("publish", help="copy a release to object storage (s3://bucket/prefix) or a folder")
    publish.add_argument("target", help="fsspec URL: s3://bucket/prefix (settings from AWS_* variables) or a folder")
    publish.add_argument("--release", default="releases/latest", help="release folder (default releases/latest)")
    publish.set_defaults(func=_publish)
    statistics = sub.add_parser("statistics", help="official statistics")
    stats_sub = statistics.add_subparsers(dest="statistics_command", required=True)
    fetch = stats_sub.add_parser("fetch", help="record a World Bank API snapshot for offline builds")
    fetch.add_argument("--snapshots", default=str(WORLD_BANK_SNAPSHOTS), help="folder of snapshots")
    fetch.add_argument("--base-url", default="https://api.worldbank.org/v2", help="API base URL")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    fetch.add_argument("--retries", type=int, default=4, help="further attempts after a passing failure (429, 5xx, timeout)")
    fetch.add_argument("--start", type=int, default=2015, help="first year")
    fetch.add_argument("--end", type=int, default=2024, help="last year")
    fetch.set_defaults(func=_statistics_fetch)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"caravan {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
