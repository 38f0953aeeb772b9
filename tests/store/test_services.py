"""The integration-test services really start, answer and stop: PostgreSQL, S3 (moto), DuckLake over both, Dask."""

from __future__ import annotations

import os
import time
from pathlib import Path

import boto3
import duckdb
import psycopg2
import pytest

from caravan.store.extensions import extension_file, load_extensions
from tests.services import (dask_cluster, group_is_gone, is_running, kill_tree, port_is_open, postgres_cluster,
                            s3_server)


def test_extension_files_match_this_duckdb():
    for name in ("ducklake", "postgres", "httpfs"):
        path = extension_file(name)
        assert path.is_file() and path.name == f"{name}.duckdb_extension"
        assert path.parent.name == f"v{duckdb.__version__}"


def test_a_missing_extension_package_says_what_to_install():
    with pytest.raises(LookupError, match="pip install duckdb-extension-nosuch"):
        extension_file("nosuch")


def test_postgres_accepts_connections_and_creates_databases(tmp_path: Path):
    with postgres_cluster(tmp_path) as pg:
        with psycopg2.connect(pg.dsn) as con, con.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
        dsn = pg.create_database("lake")
        assert "dbname=lake" in dsn
        with psycopg2.connect(dsn) as con, con.cursor() as cur:
            cur.execute("SELECT current_database()")
            assert cur.fetchone() == ("lake",)
    assert not port_is_open(pg.port)
    assert not is_running(pg.pid)
    assert (tmp_path / "postgres.log").exists()


def test_postgres_stops_when_the_body_raises(tmp_path: Path):
    with pytest.raises(ZeroDivisionError):
        with postgres_cluster(tmp_path) as pg:
            1 / 0
    assert not port_is_open(pg.port)
    assert not is_running(pg.pid)


def test_ducklake_keeps_its_catalog_in_postgres_and_its_data_on_s3(tmp_path: Path):
    with postgres_cluster(tmp_path) as pg, s3_server(tmp_path) as s3:
        catalog = pg.create_database("lake")
        s3.make_bucket("warehouse")
        # Extensions only from the installed packages: no downloads, and installed under tmp_path.
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                     "extension_directory": str(tmp_path / "duckdb-extensions")})
        load_extensions(con, "ducklake", "postgres", "httpfs")
        con.execute(f"""CREATE SECRET lake_s3 (TYPE s3, KEY_ID 'testing', SECRET 'testing', REGION 'us-east-1',
                        ENDPOINT '127.0.0.1:{s3.port}', URL_STYLE 'path', USE_SSL false)""")
        # No inlining: DuckLake keeps small inserts in the catalog by default; this test wants the Parquet file.
        con.execute(f"ATTACH 'ducklake:postgres:{catalog}' AS lake "
                    "(DATA_PATH 's3://warehouse/lake/', DATA_INLINING_ROW_LIMIT 0)")
        con.execute("CREATE TABLE lake.quotes (id INTEGER, speaker VARCHAR)")
        con.execute("INSERT INTO lake.quotes VALUES (1, 'a worker'), (2, 'an official')")
        assert con.execute("SELECT * FROM lake.quotes ORDER BY id").fetchall() == [(1, "a worker"), (2, "an official")]
        con.close()

        client = boto3.client("s3", endpoint_url=s3.endpoint_url, aws_access_key_id="testing",
                              aws_secret_access_key="testing", region_name="us-east-1")
        listed = client.list_objects_v2(Bucket="warehouse")
        keys = [item["Key"] for item in listed.get("Contents", [])]
        assert any(key.startswith("lake/") and key.endswith(".parquet") for key in keys), keys
        with psycopg2.connect(catalog) as pg_con, pg_con.cursor() as cur:
            cur.execute("SELECT table_name FROM ducklake_table")
            assert cur.fetchall() == [("quotes",)]
    assert not port_is_open(s3.port) and not port_is_open(pg.port)


def _where_am_i(_: int) -> int:
    return os.getpid()


def test_dask_runs_work_on_two_worker_processes(tmp_path: Path):
    from distributed import Client

    with dask_cluster(tmp_path, n_workers=2, env={"CARAVAN_PROBE": "on-worker"}) as cluster:
        with Client(cluster.address) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            assert set(client.run(os.getenv, "CARAVAN_PROBE").values()) == {"on-worker"}
            # One task per worker: each worker runs one thread, so two tasks pinned apart show two processes.
            workers = list(client.scheduler_info()["workers"])
            pids = {client.submit(_where_am_i, i, workers=[w], pure=False).result() for i, w in enumerate(workers)}
            assert len(pids) == 2 and os.getpid() not in pids
            # The project imports on the workers (cwd and PYTHONPATH point at the repository).
            assert set(client.run(lambda: __import__("caravan.store.extensions").__name__).values()) == {"caravan"}
    port = int(cluster.address.rsplit(":", 1)[1])
    assert not port_is_open(port)
    assert all(group_is_gone(proc) for proc in [cluster.scheduler, *cluster.workers])


def test_killing_a_worker_takes_its_nanny_and_process_with_it(tmp_path: Path):
    from distributed import Client

    with dask_cluster(tmp_path, n_workers=2) as cluster:
        kill_tree(cluster.workers[0])  # as a lost machine: the nanny must not restart the worker
        cluster.workers[0].wait(timeout=10)
        with Client(cluster.address) as client:
            deadline = time.monotonic() + 30
            while len(client.scheduler_info()["workers"]) != 1:
                assert time.monotonic() < deadline, "the scheduler still lists the killed worker"
                time.sleep(0.2)
            assert client.submit(_where_am_i, 0, pure=False).result() != os.getpid()
    assert all(group_is_gone(proc) for proc in [cluster.scheduler, *cluster.workers])
