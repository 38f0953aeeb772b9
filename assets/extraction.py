"""Extraction area: quotes, incident mentions and economic figures of every article, extracted by rule.

Incremental: only new or changed articles are extracted again (all of them when the extraction code
changed); the records of removed articles go. The result equals a full rebuild.

The articles are split into partitions by a stable hash of their id. Each partition is a step of its
own, so on a distributed executor (Dask) the partitions run on several workers at once. A partition stores
its records a batch of articles per transaction, each batch with its articles' extraction state, so one
that fails half-way keeps the batches it stored and its re-run extracts what is still to do. On one machine the default is one partition, extracted on every core.

An article whose extraction runs past the time budget (the ``extraction`` resource) is set aside without
records, and listed in ``quarantine`` with the reason; it is tried again only when its text, the
extractors or the budget change.
"""

import json
from datetime import datetime, timezone
from functools import partial

import dagster as dg

from assets.metadata import stored_table_metadata
from caravan.extract.records import extract_batches
from caravan.extract.plan import extractor_version, partition_of, plan_extraction
from caravan.store.tables import EXTRACTED, EXTRACTION_QUARANTINE, EXTRACTION_RUNS, EXTRACTION_STATE, QUARANTINE
from caravan.store.warehouse import ensure_table, in_transaction, load_articles, replace_articles_rows, to_arrow
from assets.resources import ExtractionResource, WarehouseResource

# Articles per batch: the step holds two batches' records as Python rows (the one stored, the one extracted), so
# the batch sets its memory (10,000 articles: 5,000 per batch peaked at 700 MiB, 1,000 at 390 MiB).
_BATCH = 1000
_PREVIEW = {
    "stg_quotes": ("speaker", "text", "medium", "partial"),
    "stg_incident_mentions": ("type", "city", "country", "date", "target_group"),
    "stg_economic_figures": ("subject", "indicator", "value", "unit", "qualifier", "period"),
}
_COUNTS = ("articles_extracted", "articles_reused", "articles_removed")


@dg.op(ins={"articles": dg.In(dg.Nothing)}, out=dg.Out(dg.Nothing),
       description="Creates the staging tables if needed, once, before the partitions run side by side.")
def prepare_extraction(warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        in_transaction(con, lambda: [ensure_table(con, spec) for spec in (*EXTRACTED.values(), EXTRACTION_STATE,
                                                                          EXTRACTION_QUARANTINE, EXTRACTION_RUNS)])


def _partition_op(partition: int, partitions: int) -> dg.OpDefinition:
    @dg.op(name=f"extract_partition_{partition:03d}", ins={"ready": dg.In(dg.Nothing)}, out=dg.Out(dg.Nothing),
           description=f"Extracts the new and changed articles of partition {partition} of {partitions} and stores "
                       "their records, a batch of articles per transaction.")
    def extract_partition(context: dg.OpExecutionContext, warehouse: WarehouseResource,
                          extraction: ExtractionResource) -> None:
        version, run_id, budget = extractor_version(), _first_run_id(context), extraction.time_budget_seconds
        with warehouse.get_connection() as con:
            def mine(query: str) -> list[tuple]:
                return [row for row in con.execute(query).fetchall() if partition_of(row[0], partitions) == partition]

            current = dict(mine("SELECT article_id, sha256 FROM articles"))
            state = {a: (sha, v) for a, sha, v in
                     mine("SELECT article_id, sha256, extractor_version FROM stg_extraction_state")}
            set_aside = {a: (sha, v, b) for a, sha, v, b in mine(
                "SELECT article_id, sha256, extractor_version, time_budget FROM stg_extraction_quarantine")}
            plan = plan_extraction(current, state, version, set_aside, budget)
            context.log.info(f"partition {partition} of {partitions}: extracting {len(plan.extract)} articles, "
                             f"reusing {len(plan.reuse)}, removing {len(plan.remove)}")

            # The stale records go first, with their articles' state: from then on the stored records and the
            # state agree after every commit, so a partition stopped between batches keeps what it stored and its
            # re-run extracts the rest.
            in_transaction(con, lambda: [replace_articles_rows(con, spec, list(plan.replaced), to_arrow(spec, []))
                                         for spec in (*EXTRACTED.values(), EXTRACTION_STATE, EXTRACTION_QUARANTINE)])
            # In batches, so that only two batches of articles and records are in memory at a time: the one being
            # stored and the next, which the workers extract meanwhile. A transaction per batch, as DuckDB holds a
            # transaction's inserted rows in memory until it commits.
            batches = (load_articles(con, list(plan.extract[start:start + _BATCH]))
                       for start in range(0, len(plan.extract), _BATCH))
            now = datetime.now(timezone.utc)
            for batch, records, quarantined in extract_batches(batches, time_budget=budget):
                in_transaction(con, partial(_store_batch, con, batch, records, quarantined, version, budget, now))
                for a in batch:
                    if a.article_id in quarantined:
                        context.log.warning(f"{a.source_path}: {quarantined[a.article_id]} (quarantined)")

            def report() -> None:
                # What the partition did, for the run's report: through the warehouse, so that it reaches
                # the reporting step wherever that runs, and only once the partition's records are stored.
                step_id = f"{run_id}/{partition}"
                con.execute("DELETE FROM stg_extraction_runs WHERE step_id = ?", [step_id])
                con.execute("INSERT INTO stg_extraction_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [step_id, run_id, partition, len(plan.extract), len(plan.reuse), len(plan.remove),
                             json.dumps(list(plan.extract[:100]))])
            in_transaction(con, report)

    return extract_partition


def _store_batch(con, batch: list, records: dict, quarantined: dict, version: str, budget: float,
                 now: datetime) -> None:
    """A batch's records with its articles' extraction state (or quarantine rows): stored together, or not at all."""
    for kind, spec in EXTRACTED.items():
        replace_articles_rows(con, spec, [], to_arrow(spec, records[kind]))
    replace_articles_rows(con, EXTRACTION_STATE, [], to_arrow(EXTRACTION_STATE, [
        {"article_id": a.article_id, "sha256": a.sha256, "extractor_version": version}
        for a in batch if a.article_id not in quarantined]))
    replace_articles_rows(con, EXTRACTION_QUARANTINE, [], to_arrow(EXTRACTION_QUARANTINE, [
        {"article_id": a.article_id, "sha256": a.sha256, "extractor_version": version, "time_budget": budget,
         "reason": quarantined[a.article_id], "detected_at": now}
        for a in batch if a.article_id in quarantined]))


def _first_run_id(context: dg.OpExecutionContext) -> str:
    """The run's id, or for a re-execution the first run's: its partitions that succeeded are not run again."""
    return context.run.root_run_id or context.run_id


@dg.op(ins={"partitions": dg.In(dg.Nothing)}, out={spec.name: dg.Out(dg.Nothing) for spec in EXTRACTED.values()},
       description="Lists the articles set aside in quarantine and reports what the partitions extracted.")
def finish_extraction(context: dg.OpExecutionContext, warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        in_transaction(con, lambda: _list_in_quarantine(con))
        done = con.execute(f"SELECT {', '.join(_COUNTS)}, extracted_article_ids FROM stg_extraction_runs "
                           "WHERE run_id = ? ORDER BY partition", [_first_run_id(context)]).fetchall()
        run = {name: sum(row[i] for row in done) for i, name in enumerate(_COUNTS)}
        run["extractor_version"] = extractor_version()
        run["extracted_article_ids"] = dg.MetadataValue.json(sorted(a for row in done for a in json.loads(row[3] or "[]"))[:100])
        run["partitions"] = len(done)
        set_aside = con.execute("SELECT q.reason, a.source_path FROM stg_extraction_quarantine q JOIN articles a "
                                "USING (article_id) ORDER BY a.source_path").fetchall()
        run["quarantined_articles"] = dg.MetadataValue.md("\n".join(f"- `{p}`: {r}" for r, p in set_aside) or "none")
        for spec in EXTRACTED.values():
            yield dg.Output(None, output_name=spec.name,
                            metadata={**stored_table_metadata(con, spec, _PREVIEW[spec.name]), **run})


def _list_in_quarantine(con) -> None:
    """The articles extraction set aside, as rows of ``quarantine`` beside the files the ingest set aside (which
    rewrites the table at every run): a corpus file is either an ingested article or set aside by the ingest, so the
    rows naming an ingested article's file are extraction's own."""
    ensure_table(con, QUARANTINE)
    con.execute("DELETE FROM quarantine WHERE path IN (SELECT source_path FROM articles)")
    con.execute("INSERT INTO quarantine (path, reason, detected_at) SELECT a.source_path, q.reason, q.detected_at "
                "FROM stg_extraction_quarantine q JOIN articles a USING (article_id) ORDER BY a.source_path")


def extraction_defs(partitions: int = 1) -> dg.Definitions:
    """The extraction assets, in ``partitions`` steps (a fixed number: Dask runs a fixed graph of steps)."""
    steps = [_partition_op(p, partitions) for p in range(partitions)]

    # The group is the decorator's: a graph_multi_asset ignores the group_name of its outs.
    @dg.graph_multi_asset(
        group_name="extraction",
        outs={spec.name: dg.AssetOut(kinds={"duckdb", "python"}, owners=["team:caravan"],
                                     description=spec.description, dagster_type=dg.Nothing)
              for spec in EXTRACTED.values()},
        ins={"articles": dg.AssetIn(dagster_type=dg.Nothing)},
    )
    def extracted_records(articles):
        """Rule-based, deterministic extraction of quotes, incident mentions and economic figures; only new or
        changed articles are extracted again, partition by partition."""
        ready = prepare_extraction(articles)
        return finish_extraction([step(ready) for step in steps])

    return dg.Definitions(assets=[extracted_records])
