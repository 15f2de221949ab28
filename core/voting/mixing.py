"""Mixing secret ballots, so that nobody holding the database can tell whose ballot is whose.

A secret ballot is written twice. First, in the voter's own transaction, into PendingBallot
beside the voter's roll entry: the vote is durable the moment it is acknowledged. Then a
separate mixing transaction moves the poll's pending ballots, at least `MIX_BATCH` of them,
into Ballot in random order with fresh random keys, and deletes them from PendingBallot. No
Ballot row is ever written by a transaction that also wrote a roll entry, an audit event or a
participation record: on PostgreSQL rows written together share `xmin`, and on SQLite their
pages sit together in the write-ahead log.

At the close (or cancellation), every remaining pending ballot is mixed and then all of the
poll's ballots are rewritten in random order, in one transaction: they all carry that one
transaction id and their physical positions follow a shuffle, not the batches. Afterwards the
pending ballots' traces are removed from storage: on SQLite deleted cells are zeroed
(`secure_delete`) and the write-ahead log is checkpointed and truncated; on PostgreSQL the
pending table is rewritten with TRUNCATE (its dead rows never reach a dump or a query).

What an adversary with a copy of the database learns while a poll is open is bounded: the
pending ballots (fewer than `MIX_BATCH` per poll) are still linked to their voters, a mixed
ballot can be placed in its batch of at least `MIX_BATCH` voters, and on SQLite the short
write-ahead log (db/engine.py: 250 pages, cut back to 1 MB) holds the pages of about the last
dozen ballots, as long as no reader holds an old snapshot (db/wal.py truncates the log
within seconds of such a reader's end). docs/SECURITY.md states the threat model.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update
from sqlmodel import Session, col

from db.engine import connection_of, get_engine, write_connection
from db.models import Ballot, PendingBallot
from db.models.base import table_of
from db.prepared import Prepared
from db.wal import overgrown, truncate, truncate_soon

log = logging.getLogger(__name__)

# Ballots mixed together at the least, while a poll is open: each mixed ballot hides among at
# least this many voters, and at most MIX_BATCH - 1 ballots of a poll are pending at a time.
MIX_BATCH = 10
# How long a close waits for SQLite's log to be free before leaving its truncation to the
# background (a TRUNCATE checkpoint keeps every writer waiting while it waits).
CLOSE_WAIT_MS = 2_000
_shuffle = secrets.SystemRandom().shuffle

# Only new ballots count towards a batch: a change to a mixed ballot is not another voter to
# hide among, so a batch of changes plus one new ballot would single that ballot out.
_PENDING_COUNT = Prepared(
    select(func.count().label("n"))
    .select_from(PendingBallot)
    .where(
        col(PendingBallot.poll_id) == bindparam("poll_id"), col(PendingBallot.replaces).is_(False)
    )
)


def pending_count(s: Session | Connection, poll_id: int) -> int:
    return _PENDING_COUNT.first(connection_of(s), poll_id=poll_id).n


_PENDING_ROWS = select(
    col(PendingBallot.id),
    col(PendingBallot.choice),
    col(PendingBallot.receipt_hash),
    col(PendingBallot.replaces),
).where(col(PendingBallot.poll_id) == bindparam("poll_id"))
_PENDING = {
    "wait": Prepared(_PENDING_ROWS.with_for_update(), name="Pending"),
    "skip": Prepared(_PENDING_ROWS.with_for_update(skip_locked=True), name="Pending"),
    "sqlite": Prepared(_PENDING_ROWS, name="Pending"),
}
_MOVE = Prepared(table_of(Ballot).insert())
# (Parameters of an UPDATE may not be named like a column of its table.)
_CHANGE = Prepared(
    update(Ballot)
    .where(
        col(Ballot.poll_id) == bindparam("poll"), col(Ballot.receipt_hash) == bindparam("receipt")
    )
    .values(choice=bindparam("new_choice"))
)
_DROP_PENDING = Prepared(delete(PendingBallot).where(col(PendingBallot.id) == bindparam("id")))


def _new_ballot_rows(
    s: Session | Connection, poll_id: int, *, at_least: int = 1, wait: bool = True
) -> int:
    """Move the poll's pending ballots into Ballot, in random order, and apply pending
    changes to mixed ballots; returns how many pending rows were mixed (0 when fewer than
    `at_least` could be had). Exactly the rows read are moved and deleted: on PostgreSQL
    they are locked as they are read (FOR UPDATE; SKIP LOCKED unless `wait`), so two mixers
    never move one row twice and a ballot committed meanwhile is left for the next one."""
    db = connection_of(s)
    query = _PENDING["sqlite" if db.dialect.name == "sqlite" else "wait" if wait else "skip"]
    rows = query.all(db, poll_id=poll_id)
    if not rows or sum(not r.replaces for r in rows) < at_least:
        return 0
    _shuffle(rows)
    _MOVE.many(
        db,
        [
            dict(
                id=secrets.token_hex(16),
                poll_id=poll_id,
                choice=r.choice,
                receipt_hash=r.receipt_hash,
                resident_id=None,
                cast_at=None,
            )
            for r in rows
            if not r.replaces
        ],
    )
    # A change applies to the mixed ballot under its receipt.
    _CHANGE.many(
        db,
        [
            dict(poll=poll_id, receipt=r.receipt_hash, new_choice=r.choice)
            for r in rows
            if r.replaces
        ],
    )
    _DROP_PENDING.many(db, [dict(id=r.id) for r in rows])
    return len(rows)


def ballot_count(s: Session | Connection, poll_id: int | None = None) -> int:
    """Ballots cast (mixed and pending; a pending change is not another ballot), in one poll
    or, without `poll_id`, in all."""
    db = connection_of(s)
    mixed = select(func.count()).select_from(Ballot)
    pending = select(func.count()).select_from(PendingBallot).where(~col(PendingBallot.replaces))
    if poll_id is not None:
        mixed = mixed.where(col(Ballot.poll_id) == poll_id)
        pending = pending.where(col(PendingBallot.poll_id) == poll_id)
    return db.execute(mixed).scalar_one() + db.execute(pending).scalar_one()


def counted_choices(s: Session | Connection, poll_id: int) -> list[str]:
    """The choice (canonical JSON) of every ballot of the poll as it will count: mixed ones,
    with pending changes applied, and pending ones. In no particular order."""
    db = connection_of(s)
    pending = db.execute(
        select(
            col(PendingBallot.receipt_hash), col(PendingBallot.choice), col(PendingBallot.replaces)
        ).where(col(PendingBallot.poll_id) == poll_id)
    ).all()
    changed = {p.receipt_hash: p.choice for p in pending if p.replaces}
    mixed = db.execute(
        select(col(Ballot.receipt_hash), col(Ballot.choice)).where(col(Ballot.poll_id) == poll_id)
    ).all()
    return [changed.get(b.receipt_hash, b.choice) for b in mixed] + [
        p.choice for p in pending if not p.replaces
    ]


def mix_due(s: Session | Connection, poll_id: int) -> bool:
    """Inside the casting transaction: does the poll now have a full batch pending? (Asked
    there, so that the casts that find nothing due, nine in ten, cost no second commit.)"""
    return pending_count(s, poll_id) >= MIX_BATCH


def mix_after_commit(poll_id: int) -> None:
    """What a command calls after its vote committed, when `mix_due` said so. The vote is
    counted already; a mixing step that fails (a lock, a dropped connection) must not cost
    the voter their receipt, and the next vote or the close mixes what is pending."""
    try:
        mix_if_due(poll_id)
    except Exception:  # noqa: BLE001 - logged; the ballots stay pending, nothing is lost
        log.exception("mixing poll %s failed; its pending ballots wait for the next step", poll_id)


def mix_if_due(poll_id: int) -> int:
    """After the casting transaction committed, when `mix_due` said so: mix the poll's
    pending ballots (in a transaction of their own). Returns the number of ballots mixed (0:
    another caster's mixing step took them first). SQLite's short write-ahead log (db/engine.py)
    soon overwrites the pages that held them while pending; the close truncates it."""
    with write_connection() as db:
        mixed = _new_ballot_rows(db, poll_id, at_least=MIX_BATCH, wait=False)
    if overgrown():  # a reader has kept SQLite's log from restarting: see db/wal.py
        truncate_soon()
    return mixed


# A fresh random key (32 hex digits, like secrets.token_hex(16)) made by the database itself
# from its strong random source, so that a poll of 300,000 ballots is rewritten in three
# statements instead of 300,000 round trips.
_RANDOM_KEY = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
}


def seal_poll(s: Session | Connection, poll_id: int) -> int:
    """Inside the close (or cancel) transaction, with the poll locked: mix what is pending,
    then rewrite all the poll's ballots with new random keys, inserted in key order (a
    uniform shuffle of the old order, as the keys are random), so that none keeps the
    transaction id, key or position of the batch it was mixed in. Returns the ballot count.
    Call `scrub_storage()` after the transaction commits."""
    _new_ballot_rows(s, poll_id)
    db = connection_of(s)
    key = _RANDOM_KEY[db.dialect.name]
    db.execute(
        text(
            "CREATE TEMPORARY TABLE sealing AS SELECT choice, receipt_hash, "
            "resident_id, cast_at FROM ballot WHERE poll_id = :p"
        ),
        {"p": poll_id},
    )
    db.execute(delete(Ballot).where(col(Ballot.poll_id) == poll_id))
    inserted = db.execute(
        text(
            "INSERT INTO ballot (id, poll_id, choice, receipt_hash, resident_id, cast_at) "
            f"SELECT k, :p, choice, receipt_hash, resident_id, cast_at FROM (SELECT {key} AS k, "
            "choice, receipt_hash, resident_id, cast_at FROM sealing) AS fresh ORDER BY k"
        ),
        {"p": poll_id},
    )
    # Dropped in the transaction (an error rolls its creation back with everything else).
    db.execute(text("DROP TABLE sealing"))
    return inserted.rowcount


def scrub_after_commit() -> None:
    """After a close or cancellation committed: scrub, and log (never raise) if it fails:
    the poll is closed and its tally frozen; the next close scrubs again."""
    try:
        scrub_storage()
    except Exception:  # noqa: BLE001 - logged; the close itself has happened
        log.exception("scrubbing the pending ballots' traces failed after a close")


def scrub_storage() -> bool:
    """After a close or cancellation: remove what deleted pending ballots leave in storage;
    True when it is all gone.

    SQLite: every connection runs with secure_delete on (db/engine.py), so deleted cells and
    pages are zeroed; here the write-ahead log, which may still hold pages as they were while
    ballots were pending, is copied into the database and truncated to zero bytes (in the
    background, as soon as it can be, while a reader holds an old snapshot: db/wal.py).
    PostgreSQL: the pending table is rewritten with TRUNCATE, which gives it new files, and
    what other polls have pending goes back in with a new transaction id."""
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with write_connection() as db:
            db.execute(text("LOCK TABLE pendingballot IN ACCESS EXCLUSIVE MODE"))
            keep = [dict(r._mapping) for r in db.execute(select(PendingBallot)).all()]
            db.execute(text("TRUNCATE pendingballot"))
            if keep:
                _shuffle(keep)
                db.execute(insert(PendingBallot), keep)
        return True
    if truncate(engine, wait_ms=CLOSE_WAIT_MS):
        return True
    log.warning(
        "the write-ahead log could not be truncated at a close (a reader holds it); "
        "it is truncated in the background once the reader ends"
    )
    truncate_soon(engine)
    return False
