"""The code location loads as `dagster dev` loads it, with every asset, check and the job."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from caravan.store.tables import EXTRACTED, TABLES

REPO = Path(__file__).resolve().parents[2]


def test_definitions_hold_every_asset_check_and_the_build_job():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {*TABLES, *(t.name for t in EXTRACTED.values()), "release", "fetched_articles"}
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert checks == {(t, f"{t}_expectations") for t in TABLES}
    assert all(graph.get_check_spec(k).blocking for k in graph.asset_check_keys)
    assert defs.resolve_job_def("build").executor_def is dg.in_process_executor
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name


def test_workspace_yaml_loads_the_code_location(tmp_path):
    """`dagster dev` reads workspace.yaml from the repo root; validating it loads the same way."""
    env = {"DAGSTER_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    proc = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Validation successful for code location caravan" in proc.stderr + proc.stdout
