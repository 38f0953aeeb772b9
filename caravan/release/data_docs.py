"""Great Expectations Data Docs for a release: a static HTML site of the validation results.

Each table's validation frame (``caravan.store.validation.validation_frame``) is validated against its suite
by GX's own machinery (ephemeral context, pandas datasource, validation definitions), and GX's
SiteBuilder writes the site through a TupleFilesystemStoreBackend at ``out_dir``. All links inside
the site are relative, so the release folder can be moved. GX is imported lazily: it takes seconds.

Given the same frames, suites, run name and run time, the site's files and folders are the same
except for three things GX writes on every run: the batch's ``ge_load_time`` on each result page, a
timestamp query string on the logo URL of every page, and random ids of collapsible sections. So the
site is listed in the release's checksums but kept out of byte-for-byte comparisons.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from caravan.store.validation import validate_frame

SITE_NAME = "caravan_release"

_README = """\
# Validation reports (Great Expectations Data Docs)

Open `index.html` in a browser. The pages load their styles and scripts (Bootstrap, jQuery,
bootstrap-table, Font Awesome) from public CDNs, so they render fully only when online; offline, the
list of validation results on `index.html` stays empty because it is drawn by one of those scripts.
The pages themselves are plain HTML files and can be opened directly:

{pages}
"""


def build_data_docs(frames: dict[str, pd.DataFrame], suites: dict[str, dict], out_dir: Path, *,
                    run_name: str = "release", run_time: datetime | None = None) -> Path:
    """Validate each table's frame with its suite and write GX Data Docs under ``out_dir``.

    ``frames`` and ``suites`` are keyed by table name; a suite is GX 1.x's serialised form
    (``expectations/<table>.json``). ``run_name`` and ``run_time`` name the validation run in the
    site (and in its folder names); pass the release's version and date to make them reproducible,
    otherwise ``run_time`` is now. Returns the path of ``index.html``.
    """
    import great_expectations as gx  # lazy: importing GX takes seconds
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (DataContextConfig, InMemoryStoreBackendDefaults,
                                                            ProgressBarsConfig)

    if set(frames) != set(suites):
        raise ValueError(f"frames and suites name different tables: {sorted(set(frames) ^ set(suites))}")
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        # A site written over an older one would keep the older run's pages beside the new ones.
        raise FileExistsError(f"{out_dir}: not empty; data docs are written into a new folder")
    out_dir.mkdir(parents=True, exist_ok=True)

    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    # In-memory stores, and no default site in a temporary folder: this site is the only one.
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                               data_docs_sites={SITE_NAME: site})
    context = gx.get_context(project_config=config, mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)

    run_id = RunIdentifier(run_name=run_name, run_time=run_time or datetime.now(timezone.utc))
    datasource = context.data_sources.add_pandas("caravan")
    for table in frames:
        suite_json = suites[table]
        batch_definition = datasource.add_dataframe_asset(table).add_batch_definition_whole_dataframe("whole_table")
        suite = context.suites.add(ExpectationSuite(name=suite_json["name"], expectations=suite_json["expectations"],
                                                    meta=suite_json.get("meta") or {}))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch_definition, suite=suite))
        # SUMMARY keeps a sample of unexpected values, which the result pages show for failures.
        definition.run(batch_parameters={"dataframe": frames[table]}, run_id=run_id, result_format="SUMMARY")

    context.build_data_docs(site_names=[SITE_NAME])
    _make_reproducible(out_dir, run_id.run_time)
    index = out_dir / "index.html"
    pages = sorted((out_dir / "validations").rglob("*.html")) + sorted((out_dir / "expectations").rglob("*.html"))
    links = [f"- [{p.relative_to(out_dir).as_posix()}]({p.relative_to(out_dir).as_posix()})" for p in pages]
    (out_dir / "README.md").write_text(_README.format(pages="\n".join(links)), encoding="utf-8")
    return index


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STAMP = re.compile(r"\d{8}T\d{6}\.\d{6}Z")
_LOGO_STAMP = re.compile(r"(logo-long\.png)\?d=[0-9TZ.]+")


def _make_reproducible(out_dir: Path, run_time: datetime) -> None:
    """Take out what GX writes differently on every run (random ids, load and render times), so that the
    same release gives the same pages. Folder names already hold the fixed run time."""
    stamp = run_time.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    for page in sorted(out_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        ids: dict[str, str] = {}
        html = _UUID.sub(lambda m: ids.setdefault(m.group(0), f"block-{len(ids) + 1}"), html)
        html = _LOGO_STAMP.sub(r"\1", _STAMP.sub(stamp, html))
        page.write_text(html, encoding="utf-8")


def validation_summary(frames: dict[str, pd.DataFrame], suites: dict[str, dict]) -> dict[str, dict]:
    """Per table: whether the suite passed, how many expectations ran, and the failing ones described."""
    summary = {}
    for table in frames:
        outcome = validate_frame(frames[table], suites[table])
        summary[table] = {"success": outcome.success, "evaluated": outcome.evaluated,
                          "failed": [f.describe() for f in outcome.failures]}
    return summary
