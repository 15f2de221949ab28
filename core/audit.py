"""The public, hash-chained activity log.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON body, so
changing or removing any past event breaks every later link. `record()` is called last in a
command, inside the command's transaction. `python -m core.audit verify` checks the chain.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime
from typing import TypedDict

from sqlalchemy import Connection, text
from sqlmodel import Session, col, select

from core.principal import Principal
from db.engine import connection_of
from db.models import AuditEvent
from db.models.base import utcnow
from db.prepared import Prepared

GENESIS = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def json_digest(value) -> str:
    """SHA-256 (hex) of a value's canonical JSON: the same value always gives the same hash."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


class _Fields(TypedDict):
    """An event's hashed fields, as record() writes them."""

    at: datetime
    actor_role: str
    actor_user_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    payload: str


def _event_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor_role: str,
    actor_user_id,
    action: str,
    object_type,
    object_id,
    payload: str,
) -> str:
    body = canonical_json(
        {
            "at": at.isoformat(),
            "actor_role": actor_role,
            "actor_user_id": actor_user_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


# The head of the chain, the lock that serialises appenders on PostgreSQL, and the append:
# compiled once and run on the driver's cursor (record() runs in every command).
_HEAD = Prepared(select(AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1))
_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(72657801)"))
# (SQLModel's table classes have a __table__ but do not declare it to type checkers.)
_APPEND = Prepared(AuditEvent.__table__.insert())  # type: ignore[attr-defined]


def record(
    session: Session | Connection,
    *,
    actor: Principal,
    action: str,
    object_type: str | None = None,
    object_id=None,
    payload: dict | None = None,
) -> None:
    """Append one event to the chain, in the caller's transaction (a Session, whose pending
    rows are flushed first so that their ids are set, or a Connection). Never put a secret
    ballot's choice in `payload`."""
    if isinstance(session, Session):
        session.flush()
    db = connection_of(session)
    if db.dialect.name == "postgresql":
        # Serialise appenders so two transactions never chain onto the same head.
        _LOCK.execute(db)
    head = _HEAD.first(db)
    prev_hash = head.hash if head else GENESIS
    at = utcnow().replace(microsecond=0)
    fields = _Fields(
        at=at,
        actor_role=actor.role,
        actor_user_id=actor.user_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        payload=canonical_json(payload or {}),
    )
    # A plain INSERT on the session's connection, not an ORM object: nothing reads the
    # event back in the command, and this runs in every command.
    _APPEND.execute(db, **fields, prev_hash=prev_hash, hash=_event_hash(prev_hash, **fields))


def verify(session: Session) -> int | None:
    """Recompute the chain; return the seq of the first broken event, or None if intact."""
    prev_hash = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))):
        expected = _event_hash(
            prev_hash,
            at=event.at,
            actor_role=event.actor_role,
            actor_user_id=event.actor_user_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            payload=event.payload,
        )
        if event.prev_hash != prev_hash or event.hash != expected:
            return event.seq
        prev_hash = event.hash
    return None


def main(argv: list[str]) -> int:
    from db.engine import read_session

    if argv[:1] != ["verify"]:
        print("usage: python -m core.audit verify", file=sys.stderr)
        return 2
    with read_session() as session:
        broken = verify(session)
    if broken is None:
        print("audit chain intact")
        return 0
    print(f"audit chain broken at event {broken}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
