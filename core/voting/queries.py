"""Reading polls (casting and counting arrive with the voting issue)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from db.engine import read_session
from db.models import Poll, PollOption, VoterRoll


class PollSummary(BaseModel):
    id: int
    title: str
    method: str
    status: str
    secret: bool
    opens_at: datetime
    closes_at: datetime
    options: int
    voters: int


def list_polls(*, community_id: int, include_drafts: bool = False) -> list[PollSummary]:
    with read_session() as s:
        voters = (select(VoterRoll.poll_id, func.count().label("n"))
                  .group_by(VoterRoll.poll_id).subquery())
        options = (select(PollOption.poll_id, func.count().label("n"))
                   .group_by(PollOption.poll_id).subquery())
        query = (select(Poll, func.coalesce(options.c.n, 0), func.coalesce(voters.c.n, 0))
                 .join(voters, voters.c.poll_id == Poll.id, isouter=True)
                 .join(options, options.c.poll_id == Poll.id, isouter=True)
                 .where(Poll.community_id == community_id))
        if not include_drafts:
            query = query.where(Poll.status != "draft")
        rows = s.exec(query.order_by(col(Poll.closes_at).desc())).all()
    return [PollSummary(id=p.id, title=p.title, method=p.method, status=p.status,
                        secret=p.secret, opens_at=p.opens_at, closes_at=p.closes_at,
                        options=o, voters=v) for p, o, v in rows]
