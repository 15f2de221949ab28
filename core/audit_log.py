"""Reading the public activity log: pages of events with filters, the chain's head, and a
check of the whole chain for admins (the same check as `python -m core.audit verify`)."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from core import audit
from core.errors import InvalidInput
from core.participation import STAFF_ROLES
from core.permissions import require
from core.principal import Principal
from db.engine import read_session
from db.models import AuditEvent, User

PAGE_SIZE = 50


class LoggedEvent(BaseModel):
    seq: int
    at: datetime
    actor_role: str
    actor_name: str | None  # staff act in public; residents' names are not shown
    action: str
    object_type: str | None
    object_id: str | None
    payload: dict
    hash: str


class ChainHead(BaseModel):
    events: int
    seq: int | None
    hash: str


def list_events(*, actor: Principal, action: str | None = None,
                object_type: str | None = None, start: date | None = None,
                end: date | None = None, before_seq: int | None = None,
                limit: int = PAGE_SIZE) -> list[LoggedEvent]:
    """Newest first, `limit` events older than `before_seq` (keyset paging); days are UTC."""
    require(actor, "page.audit")
    if start and end and end < start:
        raise InvalidInput("dashboard.bad_period", field="period")
    if not isinstance(limit, int) or not 1 <= limit <= 500:
        raise InvalidInput("field.not_a_choice", field="limit")
    event = AuditEvent
    query = (select(event, User.display_name)
             .join(User, User.id == event.actor_user_id, isouter=True)
             .order_by(col(event.seq).desc()).limit(limit))
    if action:
        query = query.where(event.action == action)
    if object_type:
        query = query.where(event.object_type == object_type)
    if start:
        query = query.where(event.at >= datetime.combine(start, time.min, timezone.utc))
    if end:
        query = query.where(event.at < datetime.combine(end + timedelta(days=1), time.min,
                                                        timezone.utc))
    if before_seq is not None:
        query = query.where(col(event.seq) < before_seq)
    with read_session() as s:
        rows = s.exec(query).all()
    return [LoggedEvent(seq=e.seq, at=e.at, actor_role=e.actor_role,
                        actor_name=name if e.actor_role in STAFF_ROLES else None,
                        action=e.action, object_type=e.object_type, object_id=e.object_id,
                        payload=json.loads(e.payload), hash=e.hash) for e, name in rows]


def actions(*, actor: Principal) -> list[str]:
    """The kinds of action the log holds, for the filter."""
    require(actor, "page.audit")
    with read_session() as s:
        return list(s.exec(select(AuditEvent.action).distinct()
                           .order_by(AuditEvent.action)).all())


def chain_head(*, actor: Principal) -> ChainHead:
    """How many events there are and the newest one's hash: anyone can note it down and
    later check that the log has only grown from there."""
    require(actor, "page.audit")
    with read_session() as s:
        count = s.exec(select(func.count()).select_from(AuditEvent)).one()
        head = s.exec(select(AuditEvent.seq, AuditEvent.hash)
                      .order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    return ChainHead(events=count, seq=head[0] if head else None,
                     hash=head[1] if head else audit.GENESIS)


def verify_chain(*, actor: Principal) -> int | None:
    """The seq of the first broken link, or None when the whole chain verifies."""
    require(actor, "audit.verify")
    with read_session() as s:
        return audit.verify(s)
