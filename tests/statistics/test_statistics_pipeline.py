"""Official figures and figure checks in the pipeline and the release; the fetch command."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from tests.conftest import SampleBuild
from tests.statistics.test_worldbank import server  # noqa: F401  (the local API fixture)


@pytest.fixture(scope="module")
def release(sample_build: SampleBuild) -> Path:
    return sample_build.release


def test_reference_figures_are_released_with_their_provenance(release: Path):
    rows = pq.read_table(release / "official_figures.parquet").to_pylist()
    assert len(rows) == 54
    assert all(r["found_at_url"].startswith("http") and r["publisher"] and r["reported_as"] for r in rows)
    tjk_2023 = {(r["reported_as"], r["value"]) for r in rows
                if (r["indicator_code"], r["country_iso3"], r["year"]) == ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2023)}
    assert {v for _, v in tjk_2023} >= {48.2, 38.0}  # both vintages, side by side


def test_the_sample_tajikistan_share_is_checked_against_both_vintages(release: Path):
    checks = [r for r in pq.read_table(release / "figure_checks.parquet").to_pylist()
              if r["indicator"] == "remittances_share_of_gdp" and r["countries"] == "TJK"]
    by_value = {r["official_value"]: r for r in checks}
    assert by_value[48.2]["vintage_verdict"] == "consistent"
    assert by_value[38.0]["vintage_verdict"] == "inconsistent"
    assert "later revision" in by_value[38.0]["vintage_rule"]
    assert {r["verdict"] for r in checks} == {"consistent"}
    assert "over 48 % of GDP for TJK 2023" in checks[0]["rule"]
    figures = {r["record_id"] for r in pq.read_table(release / "economic_figures.parquet").to_pylist()}
    assert {r["figure_record_id"] for r in checks} <= figures


def test_a_figure_without_period_uses_the_year_before_publication(release: Path):
    checks = pq.read_table(release / "figure_checks.parquet").to_pylist()
    assumed = [r for r in checks if r["period_assumed"]]
    assert assumed and all(r["period"] == "2023" and "year before publication" in r["rule"] for r in assumed)


def test_fetch_records_a_snapshot_that_the_build_reads_offline(server, tmp_path: Path, capsys):  # noqa: F811
    snapshots = tmp_path / "snapshots"
    code = main(["statistics", "fetch", "--base-url", f"http://127.0.0.1:{server.server_port}/v2",
                 "--snapshots", str(snapshots), "--timeout", "5"])
    assert code == 0
    assert "World Bank snapshot recorded" in capsys.readouterr().out
    server.shutdown()  # the build is offline

    from assets.statistics import official_figures
    from caravan.common.paths import REFERENCE_FIGURES
    from assets.resources import StatisticsResource, WarehouseResource

    # Only the official_figures asset: these are synthetic fixture values and never go into a release.
    result = dg.materialize([official_figures], resources={
        "statistics": StatisticsResource(reference_csv=str(REFERENCE_FIGURES), snapshots_folder=str(snapshots)),
        "warehouse": WarehouseResource(database=str(tmp_path / "w.duckdb"))})
    assert result.success
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    kinds = dict(con.sql("SELECT source_kind, count(*) FROM official_figures GROUP BY 1").fetchall())
    assert kinds["reference_csv"] == 54 and kinds["world_bank_api"] > 0


def test_fetch_from_an_unreachable_api_fails_clearly(tmp_path: Path, capsys):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["statistics", "fetch", "--base-url", f"http://127.0.0.1:{port}/v2", "--snapshots", str(tmp_path), "--timeout", "1", "--retries", "0"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err
    assert not any(tmp_path.iterdir())
