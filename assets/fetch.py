"""Collecting: articles from the web into the corpus folder, on its own job and hourly schedule.

Builds never fetch (the ``build`` job leaves this asset out): a build reads the corpus as it is, so it
re-runs offline from what was fetched. New article files start a build through the corpus inbox sensor.
"""

import os
from pathlib import Path
from typing import Optional

import dagster as dg

from pydantic import Field

from caravan.ingest.fetch import DEFAULT_SOURCES, default_web_folder, fetch, load_sources
from assets.resources import CorpusResource


class FetchConfig(dg.Config):
    sources: Optional[str] = Field(
        default=None, description="Sources file (YAML); default: $CARAVAN_SOURCES, else sources.yaml at the repository root.")
    web_folder: Optional[str] = Field(
        default=None, description="Fetch log and snapshots; default: web/ beside the corpus folder.")


@dg.asset(group_name="ingest", kinds={"python"}, owners=["team:caravan"],
          description="Articles collected from the feeds, pages and GDELT queries of the sources file into the corpus "
                      "folder (STEM.txt + STEM.meta.json), each response kept under the web folder beside the corpus.")
def fetched_articles(context: dg.AssetExecutionContext, config: FetchConfig, corpus: CorpusResource) -> dg.MaterializeResult:
    sources_path = Path(config.sources or os.environ.get("CARAVAN_SOURCES") or DEFAULT_SOURCES)
    web = Path(config.web_folder) if config.web_folder else default_web_folder(Path(corpus.folder))
    summary = fetch(load_sources(sources_path), Path(corpus.folder), web, progress=False)
    for line in summary.lines():
        context.log.info(line)
    failed = "\n".join(f"- {n} × {reason}" for reason, n in sorted(summary.failed.items(), key=lambda x: (-x[1], x[0])))
    return dg.MaterializeResult(metadata={
        "sources": str(sources_path), "web_folder": str(web), "requests": summary.requests,
        "pages_listed": summary.listed, "fetched": summary.fetched, "not_modified": summary.not_modified,
        "already_known": summary.known, "skipped_by_robots": summary.skipped_robots,
        "failed": sum(summary.failed.values()), "failed_by_reason": dg.MetadataValue.md(failed or "none"),
        "duplicates": summary.duplicates, "not_articles": sum(summary.not_articles.values()),
        "new_articles": len(summary.new_articles),
        "new_article_files": dg.MetadataValue.md("\n".join(f"- `{name}`" for name in summary.new_articles) or "none"),
    })


fetch_job = dg.define_asset_job("fetch", selection=[fetched_articles],
                                description="Collect new articles from the web into the corpus folder.")

hourly_fetch = dg.ScheduleDefinition(
    name="hourly_fetch", job=fetch_job, cron_schedule="0 * * * *", execution_timezone="UTC",
    description="Fetch the sources every hour.", default_status=dg.DefaultScheduleStatus.STOPPED,
)

defs = dg.Definitions(assets=[fetched_articles], jobs=[fetch_job], schedules=[hourly_fetch])
