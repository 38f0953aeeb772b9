"""Imports run one way between the packages and between the library's stages (import-linter's contracts in
pyproject.toml): pipelines above assets above caravan; in caravan, each stage above those it reads from."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from tests.conftest import REPO


def _lint(config: Path) -> int:
    cwd = os.getcwd()
    os.chdir(REPO)  # the linter finds the packages from where it runs
    try:
        return lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)


def _library_parts() -> set[str]:
    """The library's stages (packages) and tools (modules at its top)."""
    lib = REPO / "caravan"
    return {p.name for p in lib.iterdir() if (p / "__init__.py").is_file()} | {
        p.stem for p in lib.glob("*.py") if p.stem != "__init__"}


def test_the_import_contracts_hold():
    assert _lint(REPO / "pyproject.toml") == 0


def test_the_contracts_name_every_stage_of_the_library():
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [stages] = [c for c in settings["contracts"] if c.get("containers") == ["caravan"]]
    named = {part.strip() for layer in stages["layers"] for part in layer.split("|")}
    assert named == _library_parts()  # a new stage or tool gets a place in the order


@pytest.mark.parametrize("reversed_contract", [0, 1])
def test_a_contract_against_the_real_imports_fails(tmp_path, reversed_contract):
    """The check reads this tree's imports: the same contracts upside down are broken."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = settings["contracts"][reversed_contract]
    lines = ["[importlinter]", f"root_packages =\n    " + "\n    ".join(settings["root_packages"]),
             "[importlinter:contract:upside-down]", "name = upside down", "type = layers",
             "layers =\n    " + "\n    ".join(reversed(contract["layers"]))]
    if "containers" in contract:
        lines.append("containers =\n    " + "\n    ".join(contract["containers"]))
    config = tmp_path / "upside_down.ini"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _lint(config) == 1


def test_the_readme_map_names_every_package_and_tool_of_the_library():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):readme.index("## Tables")]
    mapped = set(re.findall(r"`caravan/(\w+)(?:/|\.py)`", layout))
    assert mapped == _library_parts()
