"""Recording participation: one ParticipationEvent per act, online or offline alike."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Integer, func
from sqlmodel import Session, select

from core.permissions import require
from core.principal import Principal
from db.engine import read_session
from db.models import Building, ParticipationEvent, Resident, User
from db.models.records import PARTICIPATION_KINDS

CHANNELS = ("online", "offline")


def record_participation(session: Session, *, community_id: int, kind: str,
                         resident_id: int | None, user_id: int | None = None,
                         channel: str = "online", object_type: str | None = None,
                         object_id: int | None = None, amount: float = 1.0,
                         at: datetime | None = None) -> None:
    """Add one event in the caller's transaction. `amount`: 1, or seconds for speaking."""
    if kind not in PARTICIPATION_KINDS:
        raise ValueError(f"unknown participation kind {kind!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    event = ParticipationEvent(
        community_id=community_id, resident_id=resident_id, user_id=user_id, kind=kind,
        channel=channel, object_type=object_type, object_id=object_id, amount=amount,
    )
    if at is not None:
        event.at = at
    session.add(event)


# ---- reading: aggregates computed in SQL, one grouped query per view ----


STAFF_ROLES = ("moderator", "researcher", "admin")


class ParticipationOverview(BaseModel):
    roster: int
    accounts: int
    participants: int
    events: int
    offline_share: float
    by_kind: dict[str, int]
    by_building: list[dict]
    by_month: list[dict]


def _month(column, dialect: str):
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def staff_residents():
    """SELECT the roster rows of staff accounts (moderators, researchers, admins)."""
    return select(User.resident_id).where(User.role.in_(STAFF_ROLES),
                                          User.resident_id.is_not(None))


def _resident_filter():
    """Staff accounts are not residents: their activity stays out of resident figures."""
    return ParticipationEvent.resident_id.not_in(staff_residents())


def participation_overview(*, actor: Principal) -> ParticipationOverview:
    """Headline counts, per-kind and per-building participation, and a monthly series."""
    require(actor, "dashboard.view")
    community_id = actor.community_id
    with read_session() as s:
        dialect = s.get_bind().dialect.name
        base = [ParticipationEvent.community_id == community_id,
                ParticipationEvent.resident_id.is_not(None), _resident_filter()]
        roster = s.exec(select(func.count()).select_from(Resident)
                        .where(Resident.community_id == community_id)).one()
        accounts = s.exec(select(func.count()).select_from(User)
                          .where(User.community_id == community_id, User.role == "resident")).one()
        participants, events, offline = s.exec(
            select(func.count(func.distinct(ParticipationEvent.resident_id)), func.count(),
                   func.sum(func.cast(ParticipationEvent.channel == "offline", Integer)))
            .where(*base)).one()
        by_kind = dict(s.exec(select(ParticipationEvent.kind, func.count()).where(*base)
                              .group_by(ParticipationEvent.kind)).all())
        roster_by_building = s.exec(
            select(Building.code, func.count(Resident.id))
            .join(Resident, Resident.building_id == Building.id, isouter=True)
            .where(Building.community_id == community_id).group_by(Building.code)).all()
        active_by_building = dict(s.exec(
            select(Building.code, func.count(func.distinct(ParticipationEvent.resident_id)))
            .join(Resident, Resident.id == ParticipationEvent.resident_id)
            .join(Building, Building.id == Resident.building_id)
            .where(*base).group_by(Building.code)).all())
        month = _month(ParticipationEvent.at, dialect)
        by_month = s.exec(select(month, ParticipationEvent.kind, func.count()).where(*base)
                          .group_by(month, ParticipationEvent.kind).order_by(month)).all()
    buildings = [{"building": code, "roster": size,
                  "participants": active_by_building.get(code, 0),
                  "rate": (active_by_building.get(code, 0) / size) if size else 0.0}
                 for code, size in sorted(roster_by_building)]
    return ParticipationOverview(
        roster=roster, accounts=accounts, participants=participants or 0, events=events or 0,
        offline_share=(offline or 0) / events if events else 0.0, by_kind=by_kind,
        by_building=buildings,
        by_month=[{"month": m, "kind": k, "events": n} for m, k, n in by_month],
    )


def overview_frames(overview: ParticipationOverview) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-building and per-month tables as DataFrames for charts."""
    buildings = pd.DataFrame(overview.by_building,
                             columns=["building", "roster", "participants", "rate"])
    months = pd.DataFrame(overview.by_month, columns=["month", "kind", "events"])
    return buildings, months
