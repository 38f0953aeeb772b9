"""DuckDB extensions from the ``duckdb-extension-<name>`` packages on PyPI, so nothing is downloaded at run time.

Each package ships ``duckdb_extension_<name>/extensions/v<duckdb version>/<name>.duckdb_extension``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file of the installed ``duckdb-extension-<name>`` package for this DuckDB."""
    package, version = f"duckdb_extension_{name}", duckdb.__version__
    install = f"pip install duckdb-extension-{name}=={version}"
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"DuckDB extension {name!r} is not installed: {install}")
    # An extension only loads into the DuckDB version it was built for, so look in that version's folder only.
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LookupError(f"{package} has no build for DuckDB {version}: {install}")
    return path


def load_extensions(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Install each extension from its package file into the connection's extension directory, then load it.

    ``LOAD '<file>'`` alone is not enough: the postgres file is named ``postgres`` but its entry point is
    ``postgres_scanner``'s; ``INSTALL`` registers it under its real name and ``LOAD <name>`` resolves the alias.
    """
    for name in names:
        path = str(extension_file(name)).replace("'", "''")  # a SQL string literal
        con.execute(f"INSTALL '{path}'")
        con.execute(f"LOAD {name}")
