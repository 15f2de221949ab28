"""SQLite's write-ahead log, truncated to nothing once no reader holds it.

The log keeps, for a while, the pages of recent writes as they were; for secret ballots that
is a trace of who voted with which pending ballot (docs/SECURITY.md). db/engine.py keeps it
short: checkpointed every WAL_PAGES pages and cut back when it restarts. It can only restart
while no reader holds an old snapshot, so a read transaction left open (a long export, a
`sqlite3` shell with BEGIN) lets it grow for as long as that reader lives. `truncate_soon`
bounds that: a background thread tries a non-blocking TRUNCATE checkpoint every few seconds
until one succeeds, i.e. within RETRY_SECONDS of the last such reader ending.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from sqlalchemy import Engine

from db.engine import BUSY_TIMEOUT_MS, WAL_PAGES, get_engine

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# Past this, the log has not been able to restart since the last checkpoint: a reader holds
# an old snapshot (normally it restarts at about WAL_PAGES pages and is cut back to as much).
OVERGROWN_BYTES = 2 * WAL_PAGES * 4096

_retrying: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def wal_file(engine: Engine | None = None) -> Path | None:
    """The -wal file beside the engine's SQLite database (None for PostgreSQL)."""
    engine = engine or get_engine()
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + "-wal")


def overgrown(engine: Engine | None = None) -> bool:
    wal = wal_file(engine)
    try:
        return wal is not None and wal.stat().st_size > OVERGROWN_BYTES
    except FileNotFoundError:
        return False


def truncate(engine: Engine | None = None, *, wait_ms: int = 0) -> bool:
    """One attempt: copy the log into the database and truncate it to zero bytes. True when
    done; False when a reader still holds an old snapshot or a writer held the lock past
    `wait_ms` (a TRUNCATE checkpoint keeps writers out while it waits, so it waits little)."""
    engine = engine or get_engine()
    # On the driver's connection, outside any transaction (a checkpoint inside one cannot
    # truncate).
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None, "a connection just opened is not invalidated"
        raw.execute(f"PRAGMA busy_timeout={wait_ms}")
        try:
            busy, _frames, _copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return not busy


def truncate_soon(engine: Engine | None = None) -> None:
    """Truncate the log in the background, retrying every RETRY_SECONDS until it works (one
    thread per database; a second call while it runs does nothing)."""
    engine = engine or get_engine()
    if wal_file(engine) is None:
        return
    key = str(engine.url)
    with _lock:
        running = _retrying.get(key)
        if running is not None and running.is_alive():
            return
        thread = _retrying[key] = threading.Thread(
            target=_retry, args=(engine,), name="wal-truncation", daemon=True
        )
        thread.start()


def _retry(engine: Engine) -> None:
    log.warning(
        "the write-ahead log grew past its bound (a reader holds an old snapshot, or "
        "a large transaction just committed); truncating it as soon as it can be "
        "(trying every %s s)",
        RETRY_SECONDS,
    )
    while True:
        time.sleep(RETRY_SECONDS)
        if get_engine() is not engine:  # the process moved to another database (tests)
            return
        try:
            if truncate(engine):
                log.warning("the write-ahead log is truncated")
                return
        except Exception:  # noqa: BLE001 - a failed attempt is retried
            log.exception("truncating the write-ahead log failed; retrying")
