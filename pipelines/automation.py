"""When the build runs by itself: a daily schedule, and a sensor on the corpus folder (the inbox)."""

from __future__ import annotations

import hashlib
import json
import os

import dagster as dg

from caravan.ingest.corpus import changed_files, corpus_fingerprint
from assets.resources import CorpusResource

# A build reads the corpus as it is and never fetches, so it re-runs offline; fetching is the fetch job.
build_job = dg.define_asset_job("build", selection=dg.AssetSelection.all() - dg.AssetSelection.assets("fetched_articles"),
                                description="Ingest the corpus, extract, validate and publish a release.")

daily_build = dg.ScheduleDefinition(
    name="daily_build", job=build_job, cron_schedule="0 5 * * *", execution_timezone="UTC",
    description="Full build every day at 05:00 UTC.", default_status=dg.DefaultScheduleStatus.STOPPED,
)


@dg.sensor(job=build_job, minimum_interval_seconds=int(os.environ.get("CARAVAN_INBOX_INTERVAL", "30")), default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts a build when article files are added, changed or removed in the corpus folder.")
def corpus_inbox_sensor(context: dg.SensorEvaluationContext, corpus: CorpusResource):
    before = json.loads(context.cursor) if context.cursor else {}
    after = corpus_fingerprint(corpus.folder)
    changed = changed_files(before, after)
    if not changed:
        return dg.SkipReason(f"no new or changed files in {corpus.folder}")
    context.update_cursor(json.dumps(after, sort_keys=True))
    state = hashlib.sha256(json.dumps(after, sort_keys=True).encode()).hexdigest()[:16]
    shown = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
    return dg.RunRequest(run_key=f"corpus-{state}", tags={"caravan/trigger": "corpus_inbox", "caravan/changed": shown[:200]})


defs = dg.Definitions(jobs=[build_job], schedules=[daily_build], sensors=[corpus_inbox_sensor])
