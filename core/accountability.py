"""Who holds which issue, and for how long (the full board arrives with its own issue)."""
from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import select

from db.engine import read_session
from db.models import Actor, Proposal
from db.models.base import utcnow

OPEN_STATUSES = ("under_review", "open_for_discussion", "in_hearing", "voting", "accepted",
                 "in_progress")


class ActorLoad(BaseModel):
    actor_id: int
    name: str
    kind: str
    open_items: int
    answered: int
    implemented: int
    oldest_wait_days: float | None


def actor_loads(*, community_id: int) -> list[ActorLoad]:
    """Per active actor: open items, answered items, implemented items, longest wait."""
    now = utcnow()
    with read_session() as s:
        actors = s.exec(select(Actor).where(Actor.community_id == community_id,
                                            Actor.active.is_(True))).all()
        rows = s.exec(
            select(Proposal.actor_id, Proposal.status, func.count(),
                   func.min(Proposal.assigned_at), func.count(Proposal.answered_at))
            .where(Proposal.community_id == community_id, Proposal.actor_id.is_not(None))
            .group_by(Proposal.actor_id, Proposal.status)).all()
    stats: dict[int, dict] = {a.id: {"open": 0, "answered": 0, "implemented": 0, "oldest": None}
                              for a in actors}
    for actor_id, status, count, oldest, answered in rows:
        entry = stats.get(actor_id)
        if entry is None:
            continue
        entry["answered"] += answered
        if status == "implemented":
            entry["implemented"] += count
        if status in OPEN_STATUSES:
            entry["open"] += count
            if oldest is not None and (entry["oldest"] is None or oldest < entry["oldest"]):
                entry["oldest"] = oldest
    return [ActorLoad(actor_id=a.id, name=a.name, kind=a.kind, open_items=stats[a.id]["open"],
                      answered=stats[a.id]["answered"], implemented=stats[a.id]["implemented"],
                      oldest_wait_days=None if stats[a.id]["oldest"] is None else
                      round((now - stats[a.id]["oldest"]).total_seconds() / 86400, 1))
            for a in actors]
