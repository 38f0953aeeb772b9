"""Real servers for integration tests, each on 127.0.0.1 and a free port: PostgreSQL, S3 (moto) and Dask.

Each is a context manager that starts the server, waits until it answers, yields how to reach it, and stops
it and removes its temporary files on exit, also when the body raises.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(ready: Callable[[], bool], what: str, log: Path, proc: subprocess.Popen | None = None,
                timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start; its log:\n{_tail(log)}")
        time.sleep(0.1)


def _tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def _spawn(args: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """A process in its own session, so it and any children it forks can be signalled as one group."""
    with open(log, "ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)


def kill_tree(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a process started by these helpers and everything it forked (e.g. a Dask nanny and its worker)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the group for a clean shutdown; SIGKILL whatever is left after ``timeout``."""
    kill_tree(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    kill_tree(proc, signal.SIGKILL)  # children the leader did not take down with it
    proc.wait()


def _running() -> dict[int, int]:
    """pid → process group of every process that is running, not merely a zombie: a server's children are
    reparented to init when it exits, and init reaps them a moment later."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)"
        except OSError:  # exited meanwhile
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = int(fields[2])
    return found


def is_running(pid: int) -> bool:
    return pid in _running()


def group_is_gone(proc: subprocess.Popen) -> bool:
    """True when no process of ``proc``'s group is left running."""
    return proc.pid not in _running().values()


# --- PostgreSQL ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Postgres:
    port: int
    user: str
    pid: int  # the postmaster's, so a test can check it is gone

    @property
    def dsn(self) -> str:
        return self.dsn_for("postgres")

    def dsn_for(self, dbname: str) -> str:
        """libpq key=value connection string (what DuckDB's postgres and ducklake extensions take)."""
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its DSN."""
        import psycopg2
        from psycopg2 import sql

        con = psycopg2.connect(self.dsn)
        try:
            con.autocommit = True  # CREATE DATABASE cannot run inside a transaction
            with con.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            con.close()
        return self.dsn_for(name)


def postgres_bin(program: str) -> str:
    """A PostgreSQL server program: Debian keeps them in /usr/lib/postgresql/<major>/bin, off the PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    path = found[-1] if found else shutil.which(program)
    if path is None:
        raise RuntimeError(f"PostgreSQL is not installed ({program} not found in /usr/lib/postgresql/*/bin "
                           "or on the PATH): apt-get install postgresql")
    return path


@contextmanager
def postgres_cluster(base: Path) -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster, trust authentication, TCP on 127.0.0.1 only. Its log is kept in ``base``.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user. That user
    cannot enter pytest's private (0700) temporary folders, and a unix socket path must stay under ~100 bytes,
    so the cluster lives in a short-named folder of the system temporary directory, removed on exit.
    """
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    user = "caravan"
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="caravan-pg-"))
    data, sockets, log = home / "data", home / "s", home / "server.log"
    try:
        sockets.mkdir()
        if as_root:
            shutil.chown(home, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
        subprocess.run(run_as + [initdb, "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8", "--no-locale",
                                 "--no-sync"], check=True, capture_output=True, text=True)
        # Appended settings win over initdb's defaults; fsync off: nothing here needs to survive a crash.
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{sockets}'\n"
                       "fsync = off\n")
        # Only the local socket and 127.0.0.1, no password: a test server nobody else can reach.
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n", encoding="utf-8")
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, text=True)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        try:
            yield Postgres(port=port, user=user, pid=pid)
        finally:
            subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop"],
                           capture_output=True, check=False)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL failed: {error.cmd}\n{error.stdout}{error.stderr}\n{_tail(log)}") from error
    finally:
        if log.exists():
            shutil.copy(log, base / "postgres.log")
        shutil.rmtree(home, ignore_errors=True)


# --- S3 (moto) ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class S3:
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Environment for clients (boto3, s3fs, subprocesses): moto accepts any credentials."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}

    def make_bucket(self, name: str) -> None:
        import boto3

        boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id="testing",
                     aws_secret_access_key="testing", region_name="us-east-1").create_bucket(Bucket=name)


@contextmanager
def s3_server(base: Path) -> Iterator[S3]:
    """moto's S3 in server mode, in a subprocess (DuckDB, Dask workers and s3fs reach it over HTTP)."""
    s3 = S3(port=free_port())
    log = base / "moto.log"
    server = _spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3.port)], log)
    try:
        _wait_until(lambda: _answers(f"{s3.endpoint_url}/moto-api/"), "moto server", log, server)
        yield s3
    finally:
        _stop(server)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
        return True
    except (urllib.error.URLError, OSError):
        return False


# --- Dask ---------------------------------------------------------------------------------------------------

@dataclass
class DaskCluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)  # kill one with kill_tree(workers[i])


@contextmanager
def dask_cluster(base: Path, n_workers: int = 2, env: dict[str, str] | None = None) -> Iterator[DaskCluster]:
    """A Dask scheduler and ``n_workers`` worker processes (one thread each), as separate processes.

    Workers run from the repository with it on PYTHONPATH, so they can import the project's code; ``env`` is
    added to their environment (e.g. the S3 settings). Their scratch space and the logs are kept in ``base``.
    """
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    worker_env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
                  **(env or {})}
    # No dashboards: they would listen on every interface, on fixed ports.
    scheduler = _spawn([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                        "--port", str(port), "--no-dashboard"], base / "dask-scheduler.log", cwd=REPO)
    cluster = DaskCluster(address, scheduler)
    try:
        for i in range(n_workers):
            cluster.workers.append(_spawn(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                 "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", f"worker-{i}",
                 "--local-directory", str(base / f"dask-worker-{i}")],
                base / f"dask-worker-{i}.log", cwd=REPO, env=worker_env))
        try:
            with Client(address, timeout=30) as client:
                client.wait_for_workers(n_workers, timeout=60)
        except (OSError, TimeoutError) as error:
            logs = "\n".join(f"--- {log.name}\n{_tail(log)}" for log in sorted(base.glob("dask-*.log")))
            raise RuntimeError(f"Dask cluster did not start: {error}\n{logs}") from error
        yield cluster
    finally:
        for proc in cluster.workers:
            _stop(proc)
        _stop(scheduler)
