"""PostgreSQL for tests/pg: one server per session, one fresh database per test.

The server is TEST_DATABASE_URL (a database on a server where we may CREATE DATABASE), or
else a throwaway one started from the installed PostgreSQL binaries and stopped at the end.
A migrated template database is made once; each test gets `CREATE DATABASE ... TEMPLATE`,
which copies files and is much faster than migrating again.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from db.engine import dispose_engines
from tests.conftest import skip_or_fail, using_database

# Unique per run, so that two runs sharing one TEST_DATABASE_URL server do not collide.
PREFIX = f"yishiting_{os.getpid()}"


def _pg_bin(name: str) -> str | None:
    """A PostgreSQL server binary: Debian keeps them out of PATH, under a versioned dir."""

    def version(path: str) -> int:
        digits = path.split("/")[4]
        return int(digits) if digits.isdigit() else 0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres() -> list[str] | None:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else None


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[URL]:
    """A URL to a database on a server where we may create databases."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield make_url(os.environ["TEST_DATABASE_URL"])
        return
    initdb, pg_ctl, prefix = _pg_bin("initdb"), _pg_bin("pg_ctl"), _as_postgres()
    if not initdb or not pg_ctl:
        skip_or_fail(
            "TEST_DATABASE_URL is not set and no PostgreSQL binaries (initdb, pg_ctl) "
            "were found; install the postgresql package or set TEST_DATABASE_URL"
        )
    if prefix is None:
        skip_or_fail(
            "running as root without a postgres user or runuser, so a throwaway "
            "PostgreSQL cannot be started; set TEST_DATABASE_URL"
        )
    # Under /tmp rather than pytest's tmp dir: that one is root-only (0700), and the postgres
    # user must be able to reach its data and socket directory.
    base = tempfile.mkdtemp(prefix="yishiting-pg-")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    os.chmod(base, 0o700)
    data, port = os.path.join(base, "data"), _free_port()
    # No durability needed for throwaway test data: fsync off makes CREATE DATABASE quick.
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -k {base} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )

    def stop() -> None:
        subprocess.run(
            prefix + [pg_ctl, "-D", data, "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(base, ignore_errors=True)

    try:
        _run(
            prefix
            + [initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]
        )
        _run(
            prefix
            + [
                pg_ctl,
                "-D",
                data,
                "-l",
                os.path.join(base, "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        stop()  # in case the server came up but did not answer in time
        skip_or_fail(f"could not start a throwaway PostgreSQL: {error}")
    try:
        yield make_url(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
    finally:
        stop()


@pytest.fixture(scope="session")
def pg_admin(pg_server):
    """Autocommit engine for CREATE/DROP DATABASE (which cannot run in a transaction)."""
    engine = create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    yield engine
    engine.dispose()


def _drop(admin, name: str) -> None:
    # FORCE (PostgreSQL 13+) ends connections a test may have leaked.
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_template(pg_server, pg_admin) -> Iterator[str]:
    """A database migrated to head, used as the template of every test database."""
    from db.migrate import upgrade

    name = f"{PREFIX}_template"
    _drop(pg_admin, name)
    with pg_admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = pg_server.set(database=name).render_as_string(hide_password=False)
    with using_database(url):  # leaves no open connection: a template must have none
        upgrade()
    yield name
    _drop(pg_admin, name)


_numbers = itertools.count(1)


@pytest.fixture
def database(monkeypatch, pg_server, pg_admin, pg_template) -> Iterator[str]:
    """Overrides tests/conftest.py: a fresh migrated PostgreSQL database; yields its URL."""
    name = f"{PREFIX}_test_{next(_numbers)}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    url = pg_server.set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("YISHITING_SECRET_KEY", "test-secret-key")
    dispose_engines()
    try:
        yield url
    finally:
        dispose_engines()
        _drop(pg_admin, name)
