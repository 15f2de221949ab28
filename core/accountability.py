"""The responsibility board: who holds which proposal or need, since when, how fast each
actor answers and completes, and what is overdue against the community's service levels.

An item's clock starts when it reached the actor (the support threshold or an assignment);
it waits "since it was assigned or last answered" (the latest of assignment, official answer
and progress update). Overdue: no official answer after the category's first-answer days, or
not implemented after its completion days. Categories without their own service level use
the defaults below.
"""

from __future__ import annotations

import statistics
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from core.audit import record
from core.errors import InvalidInput
from core.permissions import require
from core.principal import Principal
from core.proposals import lifecycle
from core.proposals.lifecycle import ProposalStatus
from core.rows import stored_id
from db.engine import read_session, write_session
from db.models import Actor, ProgressUpdate, Proposal, ProposalStatusChange, ServiceLevel
from db.models.base import utcnow
from db.models.proposals import CATEGORIES

DEFAULT_FIRST_ANSWER_DAYS = 7
DEFAULT_COMPLETION_DAYS = 90
MAX_DAYS = 730
DAY = 86400


class BoardItem(BaseModel):
    proposal_id: int
    title: str
    kind: str
    category: str
    status: str
    held_since: datetime  # assigned or last answered
    waiting_days: float
    overdue: str | None  # "answer", "completion" or None


class ActorBoard(BaseModel):
    actor_id: int
    name: str
    kind: str
    by_status: dict[str, int]
    open_items: int
    answered: int
    implemented: int
    overdue: int
    median_response_days: float | None  # clock start to official answer
    median_completion_days: float | None  # clock start to implemented
    oldest_wait_days: float | None
    items: list[BoardItem]  # the open ones, longest waiting first


def service_levels(*, community_id: int) -> dict[str, tuple[int, int]]:
    """category -> (first answer days, completion days), defaults filled in."""
    with read_session() as s:
        rows = s.exec(select(ServiceLevel).where(ServiceLevel.community_id == community_id))
        own = {r.category: (r.first_answer_days, r.completion_days) for r in rows}
    return {c: own.get(c, (DEFAULT_FIRST_ANSWER_DAYS, DEFAULT_COMPLETION_DAYS)) for c in CATEGORIES}


def set_service_level(
    *, actor: Principal, category: str, first_answer_days, completion_days
) -> None:
    require(actor, "service_level.manage")
    assert actor.community_id is not None  # an admin is signed in, in a community
    if category not in CATEGORIES:
        raise InvalidInput("field.not_a_choice", field="category")
    for field, value in (
        ("first_answer_days", first_answer_days),
        ("completion_days", completion_days),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
            raise InvalidInput("accountability.bad_days", field=field, max=MAX_DAYS)
    if completion_days < first_answer_days:
        raise InvalidInput("accountability.completion_before_answer", field="completion_days")
    with write_session() as s:
        row = s.exec(
            select(ServiceLevel).where(
                ServiceLevel.community_id == actor.community_id, ServiceLevel.category == category
            )
        ).first()
        if row is None:
            row = ServiceLevel(
                community_id=actor.community_id,
                category=category,
                first_answer_days=first_answer_days,
                completion_days=completion_days,
            )
            s.add(row)
        row.first_answer_days, row.completion_days = first_answer_days, completion_days
        row.updated_at = utcnow()
        record(
            s,
            actor=actor,
            action="service_level.set",
            object_type="category",
            object_id=category,
            payload={"first_answer_days": first_answer_days, "completion_days": completion_days},
        )


def _days(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / DAY, 1)


def responsibility_board(*, community_id: int) -> list[ActorBoard]:
    """Every active actor with what it holds (public: anyone may look)."""
    now = utcnow()
    levels = service_levels(community_id=community_id)
    with read_session() as s:
        actors = s.exec(
            select(Actor)
            .where(Actor.community_id == community_id, col(Actor.active).is_(True))
            .order_by(col(Actor.id))
        ).all()
        held = s.exec(
            select(Proposal).where(
                Proposal.community_id == community_id, col(Proposal.actor_id).is_not(None)
            )
        ).all()
        ids = [p.id for p in held]
        implemented = (
            dict(
                s.exec(
                    select(ProposalStatusChange.proposal_id, func.min(ProposalStatusChange.at))
                    .where(
                        col(ProposalStatusChange.proposal_id).in_(ids),
                        ProposalStatusChange.to_status == ProposalStatus.IMPLEMENTED,
                    )
                    .group_by(col(ProposalStatusChange.proposal_id))
                ).all()
            )
            if ids
            else {}
        )
        progressed = (
            dict(
                s.exec(
                    select(ProgressUpdate.proposal_id, func.max(ProgressUpdate.created_at))
                    .where(col(ProgressUpdate.proposal_id).in_(ids))
                    .group_by(col(ProgressUpdate.proposal_id))
                ).all()
            )
            if ids
            else {}
        )
    boards = []
    for actor in actors:
        mine = [p for p in held if p.actor_id == actor.id]
        by_status: dict[str, int] = {}
        responses, completions, items = [], [], []
        for p in mine:
            proposal_id = stored_id(p.id)
            by_status[p.status] = by_status.get(p.status, 0) + 1
            start = p.clock_started_at or p.assigned_at or p.created_at
            if p.answered_at:
                responses.append(_days(p.answered_at, start))
            if proposal_id in implemented:
                completions.append(_days(implemented[proposal_id], start))
            if p.status not in lifecycle.OPEN:
                continue
            since = max(
                t
                for t in (p.assigned_at, p.answered_at, progressed.get(proposal_id), start)
                if t is not None
            )
            first, complete = levels.get(
                p.category, (DEFAULT_FIRST_ANSWER_DAYS, DEFAULT_COMPLETION_DAYS)
            )
            overdue = (
                "answer"
                if p.answered_at is None and _days(now, start) > first
                else "completion"
                if _days(now, start) > complete
                else None
            )
            items.append(
                BoardItem(
                    proposal_id=proposal_id,
                    title=p.title,
                    kind=p.kind,
                    category=p.category,
                    status=p.status,
                    held_since=since,
                    waiting_days=_days(now, since),
                    overdue=overdue,
                )
            )
        items.sort(key=lambda i: -i.waiting_days)
        boards.append(
            ActorBoard(
                actor_id=stored_id(actor.id),
                name=actor.name,
                kind=actor.kind,
                by_status=by_status,
                open_items=len(items),
                answered=len(responses),
                implemented=by_status.get(ProposalStatus.IMPLEMENTED, 0),
                overdue=sum(1 for i in items if i.overdue),
                median_response_days=statistics.median(responses) if responses else None,
                median_completion_days=statistics.median(completions) if completions else None,
                oldest_wait_days=items[0].waiting_days if items else None,
                items=items,
            )
        )
    return boards
