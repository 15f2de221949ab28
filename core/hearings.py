"""Reading hearings (the commands arrive with the hearings issue)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from db.engine import read_session
from db.models import Hearing, HearingAttendance, HearingRegistration


class HearingSummary(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    capacity: int | None
    registered: int
    attended: int


def list_hearings(*, community_id: int, include_drafts: bool = False) -> list[HearingSummary]:
    """Hearings, upcoming first then past (newest first), with registration counts."""
    with read_session() as s:
        registered = (select(HearingRegistration.hearing_id, func.count().label("n"))
                      .where(HearingRegistration.status == "registered")
                      .group_by(HearingRegistration.hearing_id).subquery())
        attended = (select(HearingAttendance.hearing_id, func.count().label("n"))
                    .group_by(HearingAttendance.hearing_id).subquery())
        query = (select(Hearing, func.coalesce(registered.c.n, 0), func.coalesce(attended.c.n, 0))
                 .join(registered, registered.c.hearing_id == Hearing.id, isouter=True)
                 .join(attended, attended.c.hearing_id == Hearing.id, isouter=True)
                 .where(Hearing.community_id == community_id))
        if not include_drafts:
            query = query.where(Hearing.status != "draft")
        rows = s.exec(query.order_by(col(Hearing.starts_at).desc())).all()
    items = [HearingSummary(id=h.id, kind=h.kind, title=h.title, status=h.status,
                            starts_at=h.starts_at, ends_at=h.ends_at, place=h.place,
                            capacity=h.capacity, registered=r, attended=a) for h, r, a in rows]
    return items
