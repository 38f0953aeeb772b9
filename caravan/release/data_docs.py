"""Great Expectations Data Docs for a release: a static HTML site of the validation results.

Each table's suite is evaluated over the whole published table in DuckDB SQL
(``caravan.store.sql_checks.evaluate_suite``, which gives what GX's pandas path gives, over the table's validation
frame), and the results are handed to GX as the validation results it would have made: one ``ExpectationValidationResult`` per
expectation, with the result dict of GX's SUMMARY format, in an ``ExpectationSuiteValidationResult`` stored in
the context's validation results store. GX's SiteBuilder then writes the site through a
TupleFilesystemStoreBackend at ``out_dir``, so the pages are GX's own while no table is read into Python. All
links inside the site are relative, so the release folder can be moved. GX is imported lazily: it takes seconds.

Given the same tables, suites, run name and run time, the site's files and folders are the same except for
two things GX writes on every run: a timestamp query string on the logo URL of every page, and random ids of
collapsible sections. So the site is listed in the release's checksums but kept out of byte-for-byte
comparisons.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from caravan.store.sql_checks import PARTIAL_UNEXPECTED, evaluate_suite
from caravan.store.validation import ExpectationResult, ValidationOutcome

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite, ExpectationSuiteValidationResult, ExpectationValidationResult
    from great_expectations.core.run_identifier import RunIdentifier

SITE_NAME = "caravan_release"
DATASOURCE = "caravan"  # names each result page's batch, as GX's pandas datasource of this name did

_README = """\
# Validation reports (Great Expectations Data Docs)

The results are the checks' evaluation in DuckDB SQL over each published table, with Great
Expectations' semantics (the same counts, nulls and first unexpected values as GX's own validation);
GX renders them.

Open `index.html` in a browser. The pages load their styles and scripts (Bootstrap, jQuery,
bootstrap-table, Font Awesome) from public CDNs, so they render fully only when online; offline, the
list of validation results on `index.html` stays empty because it is drawn by one of those scripts.
The pages themselves are plain HTML files and can be opened directly:

{pages}
"""


def build_data_docs(con: duckdb.DuckDBPyConnection, suites: dict[str, dict], out_dir: Path, *,
                    run_name: str = "release", run_time: datetime | None = None) -> Path:
    """Evaluate each table's suite over the whole table in ``con`` and write GX Data Docs of it under ``out_dir``.

    ``suites`` is keyed by table name; a suite is GX 1.x's serialised form (``expectations/<table>.json``).
    ``run_name`` and ``run_time`` name the validation run in the site (and in its folder names); pass the
    release's version and date to make them reproducible, otherwise ``run_time`` is now. Returns the path of
    ``index.html``.
    """
    return render_data_docs(evaluate_suites(con, suites), suites, out_dir, run_name=run_name, run_time=run_time)


def evaluate_suites(con: duckdb.DuckDBPyConnection, suites: dict[str, dict]) -> dict[str, ValidationOutcome]:
    """Each table's suite evaluated over the whole table in ``con``: DuckDB alone, no GX."""
    return {table: evaluate_table(con, table, suite_json) for table, suite_json in suites.items()}


def render_data_docs(outcomes: dict[str, ValidationOutcome], suites: dict[str, dict], out_dir: Path, *,
                     run_name: str = "release", run_time: datetime | None = None) -> Path:
    """GX Data Docs of the suites' ``outcomes`` (as ``evaluate_suites`` gives them) under ``out_dir``: see
    ``build_data_docs``. No table is read here: the evaluation may run elsewhere (a child process)."""
    import great_expectations as gx  # lazy: importing GX takes seconds
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                            ValidationResultIdentifier)

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

    run_id = RunIdentifier(run_name=run_name, run_time=run_time or datetime.now(timezone.utc))
    for table, suite_json in suites.items():
        suite = context.suites.add(ExpectationSuite(name=suite_json["name"], expectations=suite_json["expectations"],
                                                    meta=suite_json.get("meta") or {}))
        result = suite_validation_result(outcomes[table], suite, table, run_id)
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        context.validation_results_store.store_validation_results(
            result, ValidationResultIdentifier(suite_id, run_id, result.batch_id), suite_id)

    context.build_data_docs(site_names=[SITE_NAME])
    _make_reproducible(out_dir)
    index = out_dir / "index.html"
    pages = sorted((out_dir / "validations").rglob("*.html")) + sorted((out_dir / "expectations").rglob("*.html"))
    links = [f"- [{p.relative_to(out_dir).as_posix()}]({p.relative_to(out_dir).as_posix()})" for p in pages]
    (out_dir / "README.md").write_text(_README.format(pages="\n".join(links)), encoding="utf-8")
    return index


def evaluate_table(con: duckdb.DuckDBPyConnection, table: str, suite_json: dict) -> ValidationOutcome:
    """The suite over the table's validation frame, read where it stands. ``evaluate_suite`` counts every
    expectation in one pass over the frame; only a failed expectation reads it again, for its first values. (A copy
    of the frame made first, into a temporary table, cost more than it saved: 100,000 articles' quotes, 1.9 against
    1.6 CPU-seconds.)"""
    return evaluate_suite(con, table, suite_json)


def suite_validation_result(outcome: ValidationOutcome, suite: ExpectationSuite, table: str,
                            run_id: RunIdentifier) -> ExpectationSuiteValidationResult:
    """The SQL evaluation of ``suite`` over ``table`` (``outcome``, one result per expectation in suite order) as
    GX's validation result of the suite: statistics and success as GX counts them, and a batch description."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.validator.validation_statistics import calc_validation_statistics

    configurations = suite.expectation_configurations
    if len(configurations) != len(outcome.results):
        raise ValueError(f"{table}: {len(outcome.results)} results for {len(configurations)} expectations")
    results = [_expectation_validation_result(r, c) for r, c in zip(outcome.results, configurations)]
    statistics = calc_validation_statistics(results)
    batch = {"data_asset_name": table, "batch_data": f"the whole published table {table}, evaluated in DuckDB SQL "
                                                      "with Great Expectations' semantics"}
    meta = {"great_expectations_version": gx.__version__, "batch_spec": batch, "run_id": run_id,
            "validation_time": run_id.run_time,
            "active_batch_definition": {"datasource_name": DATASOURCE, "data_asset_name": table}}
    return ExpectationSuiteValidationResult(
        success=statistics.success, results=results, suite_name=suite.name, meta=meta,
        statistics={"evaluated_expectations": statistics.evaluated_expectations,
                    "successful_expectations": statistics.successful_expectations,
                    "unsuccessful_expectations": statistics.unsuccessful_expectations,
                    "success_percent": statistics.success_percent},
        batch_id=f"{DATASOURCE}-{table}")


def _expectation_validation_result(r: ExpectationResult, configuration) -> ExpectationValidationResult:
    from great_expectations.core import ExpectationValidationResult

    if r.error:
        return ExpectationValidationResult(
            success=False, expectation_config=configuration,
            exception_info={"raised_exception": True, "exception_message": r.error, "exception_traceback": None})
    return ExpectationValidationResult(success=r.success, expectation_config=configuration, result=_result_dict(r))


def _result_dict(r: ExpectationResult) -> dict:
    """The result dict of a column map expectation in GX's SUMMARY format (GX's ``_format_map_output``): the
    percentages are None without rows to count, and the not-null expectation counts no missing values (nulls are
    what it finds)."""
    n, unexpected = r.element_count, r.unexpected_count
    result = {"element_count": n, "unexpected_count": unexpected, "unexpected_percent": r.unexpected_percent,
              "partial_unexpected_list": r.unexpected_sample}
    if r.expectation != "expect_column_values_to_not_be_null":
        missing = r.missing_count or 0  # None where the SQL does not count them (as GX gives 0)
        result.update(missing_count=missing, missing_percent=missing / n * 100 if n else None,
                      unexpected_percent_total=unexpected / n * 100 if n else None,
                      unexpected_percent_nonmissing=r.unexpected_percent)
    counts = _partial_unexpected_counts(r.unexpected_sample)
    if counts is not None:
        result["partial_unexpected_counts"] = counts
    if r.observed_value is not None:
        result["observed_value"] = r.observed_value
    return result


def _partial_unexpected_counts(sample: list) -> list[dict] | None:
    """Each distinct sampled value with its count, most frequent first, then by value, as GX counts them (the
    pages show this table); None where GX gives none, values that cannot be ordered (a null beside a text)."""
    values = [tuple(v.values()) if isinstance(v, dict) else v for v in sample]  # a compound row as a tuple
    try:
        ranked = sorted(Counter(values).most_common(PARTIAL_UNEXPECTED), key=lambda item: (-item[1], item[0]))
    except TypeError:
        return None
    return [{"value": value, "count": count} for value, count in ranked]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOGO_STAMP = re.compile(r"(logo-long\.png)\?d=[0-9TZ.]+")


def _make_reproducible(out_dir: Path) -> None:
    """Take out what GX writes differently on every run (random ids, the render time on the logo), so that the
    same release gives the same pages. Folder names and pages hold the fixed run time."""
    for page in sorted(out_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        ids: dict[str, str] = {}
        html = _UUID.sub(lambda m: ids.setdefault(m.group(0), f"block-{len(ids) + 1}"), html)
        page.write_text(_LOGO_STAMP.sub(r"\1", html), encoding="utf-8")
