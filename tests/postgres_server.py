"""A throwaway PostgreSQL cluster for the tests, and the fixtures that use it.

One cluster per test session (Debian's `initdb` + `pg_ctl` on a free port, its files
and socket in a temporary folder), a fresh database per test. It never touches the
machine's own PostgreSQL. `initdb` refuses to run as root, so as root the cluster is
run by the `postgres` user. Missing PostgreSQL skips the test outside CI and fails it
with CI=true (`.ci/run` installs it).

Fixtures: `postgres_cluster` (the session's cluster), `postgres_url` (a new empty
database), `archive_url` (parametrized: a SQLite file, then a PostgreSQL database).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from quizkiosk.store import sqlite_url

from tests.conftest import require_tool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL's bin folder that has initdb, if any."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda path: int(Path(path).parts[-3]))
    return Path(newest).parent


def _run_as() -> list[str]:
    """`initdb` refuses root: run the cluster as `postgres` when we are root."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class PostgresCluster:
    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def log_path(self) -> Path:
        return self.folder / "postgres.log"

    def init(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log_path),
                 "-w", "-t", "30", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`fast`: connections are cut, like a database server going down."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> str:
        name = f"quizkiosk_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("quizkiosk_test_")  # only ever our own
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _pg(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [*_run_as(), str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed:\n{result.stdout}\n{result.stderr}")


def start_cluster(folder: Path) -> PostgresCluster:
    bin_dir = postgres_bin_dir()
    require_tool(bin_dir is not None, "PostgreSQL is not installed (apt-get install postgresql)")
    assert bin_dir is not None
    if os.geteuid() == 0:
        require_tool(
            shutil.which("runuser") is not None and _has_user("postgres"),
            "running as root needs runuser and the postgres user to run initdb",
        )
    cluster = PostgresCluster(bin_dir, folder)
    cluster.init()
    cluster.start()
    return cluster


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    # Not under pytest's tmp folder: that one is private to root, and the cluster may
    # run as `postgres`.
    cluster = start_cluster(Path(tempfile.mkdtemp(prefix="quizkiosk-postgres-")))
    try:
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError):  # a test may have left it stopped
            cluster.stop("immediate")
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    url = postgres_cluster.create_database()
    try:
        yield url
    finally:
        postgres_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each archive test runs on both backends: a SQLite file, a PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "results.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url
