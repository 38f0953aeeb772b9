"""The daily schedule and the corpus inbox sensor, evaluated with Dagster's testing helpers."""

import json
import os
from pathlib import Path

import dagster as dg

from pipelines.automation import corpus_inbox_sensor, daily_build
from assets.resources import CorpusResource


def test_daily_schedule_requests_the_build():
    from pipelines.definitions import defs

    assert defs.resolve_schedule_def("daily_build").cron_schedule == "0 5 * * *"
    context = dg.build_schedule_context(scheduled_execution_time=None)
    requests = list(daily_build.evaluate_tick(context).run_requests)
    assert len(requests) == 1
    assert daily_build.job_name == "build"


def test_sensor_requests_a_run_for_new_or_changed_files_only(sample_corpus: Path):
    corpus = CorpusResource(folder=str(sample_corpus))
    ctx = dg.build_sensor_context(cursor=None, resources={"corpus": corpus})
    first = corpus_inbox_sensor(ctx)
    assert isinstance(first, dg.RunRequest)
    cursor = ctx.cursor
    assert set(json.loads(cursor)) == {p.name for p in sample_corpus.iterdir()}

    ctx = dg.build_sensor_context(cursor=cursor, resources={"corpus": corpus})
    assert isinstance(corpus_inbox_sensor(ctx), dg.SkipReason)

    # synthetic snippet: a new article arrives in the inbox
    (sample_corpus / "new.txt").write_text("Police raided a market in Kazan on Friday.", encoding="utf-8")
    ctx = dg.build_sensor_context(cursor=cursor, resources={"corpus": corpus})
    second = corpus_inbox_sensor(ctx)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key
    assert "new.txt" in second.tags["caravan/changed"]

    # a changed file counts too
    cursor = ctx.cursor
    target = sample_corpus / "new.txt"
    target.write_text("Police raided two markets in Kazan on Friday.", encoding="utf-8")
    os.utime(target, ns=(1, 1))
    ctx = dg.build_sensor_context(cursor=cursor, resources={"corpus": corpus})
    assert isinstance(corpus_inbox_sensor(ctx), dg.RunRequest)
