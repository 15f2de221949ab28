"""The public activity log as the public reads it (core/audit.py writes and chains it):
pages of events with filters, the chain's head, and a check of the whole chain for admins
(the same check as `python -m core.audit verify`).

What the public sees is not the stored chain. Staff act in public: their entries (and the
system's) show the number, the time to the second, their name and a fingerprint. A
resident's entry (any other actor, anonymous included) shows only the day, what was done
and to which public object: no number, no time, no fingerprint, no user id, no roster or
invitation id, and within its day it is sorted by what it is, not by when, so no value in
it pairs it with another entry. A resident's events about their own account (sign-in and
-out, registration, activation, password, profile, deletion) are not listed at all: paired
with a public comment's time, they named the person behind an id. The chain's hashes are
never shown either: every input to an event's hash except the
previous hash is guessable (a user id, a second), so anyone holding one hash could recover
the actor of the next event by trying them all. The public sees a keyed fingerprint of each
hash instead, which changes whenever the hash does, and cannot be recomputed from guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import and_, func, not_, or_
from sqlmodel import col, select

from core import audit
from core.accounts.sessions import secret_key
from core.errors import InvalidInput
from core.participation import STAFF_ROLES
from core.permissions import require
from core.principal import Principal
from db.engine import read_session
from db.models import AuditEvent, User
from db.models.people import Role

PAGE_SIZE = 50
# Payload keys that point at one person (a roster row, or an invitation, which is one
# person's): dropped from every public entry, staff ones included.
PERSON_KEYS = frozenset({"resident", "promoted_resident", "coordinator", "invitation", "replaces"})


class LoggedEvent(BaseModel):
    """One entry as the public sees it (see the module's docstring)."""

    seq: int | None  # public entries (staff, system) only
    at: datetime | None  # public entries only
    day: date  # in the community's time zone
    actor_role: str
    actor_name: str | None  # staff act in public; residents' names are not shown
    action: str
    object_type: str | None
    object_id: str | None  # never a user's id
    payload: dict
    fingerprint: str | None  # public entries only


class LogPage(BaseModel):
    events: list[LoggedEvent]
    older: int | None  # `before_seq` for the next page; None on the last one


class ChainHead(BaseModel):
    events: int  # every entry, the unlisted ones included
    seq: int | None  # the newest public entry, which anyone can find in the list later
    fingerprint: str


def _fingerprint_key() -> bytes:
    return hashlib.sha256(("yishiting-audit-fingerprint:" + secret_key()).encode()).digest()


def fingerprint(chain_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA-256 of an event's chain hash under a key derived from the server's secret:
    the same for the same hash, useless as a starting point for guessing the next one."""
    return hmac.new(key or _fingerprint_key(), chain_hash.encode(), hashlib.sha256).hexdigest()


# Who acts in public: staff, and the system itself (e.g. a proposal moved on by its
# supports), which is nobody's personal act.
PUBLIC_ACTORS = (*STAFF_ROLES, Role.SYSTEM)


def acts_in_public(role: str) -> bool:
    return role in PUBLIC_ACTORS


# Residents' events about their own account (sign-in and -out, registration, activation,
# password, profile, deletion) stay in the chain and in the count, not in the list.
_LISTED = not_(
    and_(
        col(AuditEvent.actor_role).notin_(PUBLIC_ACTORS),
        or_(
            col(AuditEvent.action).startswith("account."),
            func.coalesce(AuditEvent.object_type, "") == "user",
        ),
    )
)


def _public(event: AuditEvent, name: str | None, zone: ZoneInfo, key: bytes) -> LoggedEvent:
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    staff = acts_in_public(event.actor_role)
    payload = {k: v for k, v in json.loads(event.payload).items() if k not in PERSON_KEYS}
    return LoggedEvent(
        seq=event.seq if staff else None,
        at=at if staff else None,
        day=at.astimezone(zone).date(),
        actor_role=event.actor_role,
        actor_name=name if staff else None,
        action=event.action,
        object_type=event.object_type,
        object_id=None if event.object_type == "user" else event.object_id,
        payload=payload,
        fingerprint=fingerprint(event.hash, key) if staff else None,
    )


def _order(event: LoggedEvent) -> tuple:
    """Newest day first; in a day, public entries newest first, then residents' entries by
    what they are (an order that says nothing about time)."""
    if event.seq is not None:
        return (-event.day.toordinal(), 0, -event.seq)
    return (
        -event.day.toordinal(),
        1,
        event.action,
        event.object_type or "",
        event.object_id or "",
        json.dumps(event.payload, sort_keys=True, default=str),
    )


def list_events(
    *,
    actor: Principal,
    action: str | None = None,
    object_type: str | None = None,
    start: date | None = None,
    end: date | None = None,
    before_seq: int | None = None,
    limit: int = PAGE_SIZE,
    tz: str = "Asia/Shanghai",
) -> LogPage:
    """The `limit` newest listed entries older than `before_seq` (keyset paging), as the
    public sees them; `start`/`end` are UTC days, `tz` the zone of the entries' days."""
    require(actor, "page.audit")
    if start and end and end < start:
        raise InvalidInput("dashboard.bad_period", field="period")
    if not isinstance(limit, int) or not 1 <= limit <= 500:
        raise InvalidInput("field.not_a_choice", field="limit")
    event = AuditEvent
    query = (
        select(event, User.display_name)
        .join(User, col(User.id) == event.actor_user_id, isouter=True)
        .where(_LISTED)
        .order_by(col(event.seq).desc())
        .limit(limit)
    )
    if action:
        query = query.where(event.action == action)
    if object_type:
        query = query.where(event.object_type == object_type)
    if start:
        query = query.where(event.at >= datetime.combine(start, time.min, UTC))
    if end:
        query = query.where(event.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    if before_seq is not None:
        query = query.where(col(event.seq) < before_seq)
    with read_session() as s:
        rows = s.exec(query).all()
    zone, key = ZoneInfo(tz), _fingerprint_key()
    events = sorted((_public(e, name, zone, key) for e, name in rows), key=_order)
    return LogPage(events=events, older=rows[-1][0].seq if len(rows) == limit else None)


def actions(*, actor: Principal) -> list[str]:
    """The kinds of action the log holds, for the filter."""
    require(actor, "page.audit")
    with read_session() as s:
        return list(
            s.exec(
                select(AuditEvent.action).where(_LISTED).distinct().order_by(AuditEvent.action)
            ).all()
        )


def chain_head(*, actor: Principal) -> ChainHead:
    """How many events there are, and the newest public entry's number and fingerprint:
    anyone can note them down, find that entry in the list later and check that nothing
    up to it has been rewritten (its hash covers every earlier event)."""
    require(actor, "page.audit")
    with read_session() as s:
        count = s.exec(select(func.count()).select_from(AuditEvent)).one()
        head = s.exec(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(col(AuditEvent.actor_role).in_(PUBLIC_ACTORS))
            .order_by(col(AuditEvent.seq).desc())
            .limit(1)
        ).first()
    return ChainHead(
        events=count,
        seq=head[0] if head else None,
        fingerprint=fingerprint(head[1] if head else audit.GENESIS),
    )


def verify_chain(*, actor: Principal) -> int | None:
    """The seq of the first broken link, or None when the whole chain verifies."""
    require(actor, "audit.verify")
    with read_session() as s:
        return audit.verify(s)
