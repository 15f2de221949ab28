"""Recording participation: one ParticipationEvent per act, online or offline alike (the
dashboard in core/dashboard reads them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from db.engine import connection_of
from db.models import ParticipationEvent, User
from db.models.base import utcnow
from db.models.people import Role
from db.models.records import PARTICIPATION_KINDS
from db.prepared import Prepared

CHANNELS = ("online", "offline")


# A plain INSERT, built once and run on the session's connection: every act of
# participation writes one row that the command never reads back, so no ORM object (and no
# flush) is spent on it.
# (SQLModel's table classes have a __table__ but do not declare it to type checkers.)
_ADD = Prepared(ParticipationEvent.__table__.insert())  # type: ignore[attr-defined]


def record_participation(
    session: Session | Connection,
    *,
    community_id: int,
    kind: str,
    resident_id: int | None,
    user_id: int | None = None,
    channel: str = "online",
    object_type: str | None = None,
    object_id: int | None = None,
    amount: float = 1.0,
    at: datetime | None = None,
) -> None:
    """Add one event in the caller's transaction (a Session or a Connection). `amount`: 1,
    or seconds for speaking."""
    if kind not in PARTICIPATION_KINDS:
        raise ValueError(f"unknown participation kind {kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    _ADD.execute(
        connection_of(session),
        community_id=community_id,
        resident_id=resident_id,
        user_id=user_id,
        kind=kind,
        channel=channel,
        object_type=object_type,
        object_id=object_id,
        amount=amount,
        at=at if at is not None else utcnow(),
    )


# ---- who counts as a resident in the figures ----


STAFF_ROLES = (Role.MODERATOR, Role.RESEARCHER, Role.ADMIN)


def staff_residents():
    """SELECT the roster rows of staff accounts (moderators, researchers, admins)."""
    return select(User.resident_id).where(
        col(User.role).in_(STAFF_ROLES), col(User.resident_id).is_not(None)
    )
