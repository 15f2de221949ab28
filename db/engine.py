"""One engine per process and short sessions.

SQLite (the embedded default) runs in WAL mode with synchronous=FULL, so that an
acknowledged vote survives a power cut, with foreign keys on and a busy timeout; write
sessions start with BEGIN IMMEDIATE so two writers never deadlock on a lock upgrade.
`DATABASE_URL` switches to PostgreSQL (postgresql+psycopg://...).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'yishiting.db'}"
# How long a writer waits for SQLite's write lock. SQLite's busy handler retries at growing
# intervals (up to 100 ms apart), so with many writers in one process an unlucky one can wait
# far longer than its share: 16 threads casting ballots as fast as they can saw a few waits
# past 10 s in 2,000 ballots on a loaded machine. Waiting is harmless; failing a voter is not.
BUSY_TIMEOUT_MS = 30_000

# Pages in SQLite's write-ahead log before it is checkpointed (and, in bytes of 4 KB pages,
# the size it is cut back to when it restarts).
WAL_PAGES = 250

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    """A new engine for `url`, with this project's SQLite settings where it applies."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, not just unlinked: a mixed secret ballot
        # leaves no copy of its pending row beside its voter's roll entry in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        # A short write-ahead log, kept short: checkpointed every 250 pages (1 MB, about a
        # dozen ballots' worth) and cut back to 1 MB whenever it restarts, so that a copy of
        # the files holds the pages of only the most recent writes (a secret ballot and its
        # roll entry sit together there until mixed; core/voting/mixing.py). Truncating it
        # to nothing after each mixing step instead cost 40% of casting speed: the log then
        # grows again on every commit, and each growth is a metadata fsync.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_PAGES * 4096}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: DATABASE_URL or the SQLite file)."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


_writers: dict[Engine, Engine] = {}


def _writer() -> Engine:
    """The engine for write transactions: on SQLite, the same engine with BEGIN IMMEDIATE
    (made once: making it costs about as much as an indexed lookup)."""
    engine = get_engine()
    writer = _writers.get(engine)
    if writer is None:
        writer = _writers[engine] = (
            engine.execution_options(sqlite_begin="IMMEDIATE")
            if engine.dialect.name == "sqlite"
            else engine
        )
    return writer


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _writers.clear()


@contextmanager
def read_session() -> Iterator[Session]:
    """A short session for reading; nothing it does is committed."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def connection_of(session: Session | Connection) -> Connection:
    """The Connection under a Session's transaction, or the Connection itself: for the
    helpers that run inside either kind of command."""
    return session.connection() if isinstance(session, Session) else session


@contextmanager
def write_connection() -> Iterator[Connection]:
    """One write transaction on a plain Connection, for commands on the hottest path that
    write no ORM objects (casting a ballot): committed on success, rolled back on any
    exception, started with BEGIN IMMEDIATE on SQLite as write_session() is."""
    with _writer().begin() as connection:
        yield connection


@contextmanager
def write_session() -> Iterator[Session]:
    """One write transaction: committed on success, rolled back on any exception."""
    with Session(_writer(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
