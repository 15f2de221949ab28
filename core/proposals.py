"""Reading proposals and needs (the commands arrive with the proposals issue)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from db.engine import read_session
from db.models import Actor, Building, Proposal, ProposalStatusChange, User

PAGE_SIZE = 20
SORTS = {
    "newest": (col(Proposal.created_at).desc(), col(Proposal.id).desc()),
    "most_supported": (col(Proposal.support_count).desc(), col(Proposal.id).desc()),
    "most_discussed": (col(Proposal.comment_count).desc(), col(Proposal.id).desc()),
}


class ProposalSummary(BaseModel):
    id: int
    kind: str
    title: str
    category: str
    status: str
    building: str | None
    actor: str | None
    author: str
    support_count: int
    comment_count: int
    created_at: datetime


class StatusChange(BaseModel):
    from_status: str | None
    to_status: str
    reason: str | None
    at: datetime


class ProposalPage(BaseModel):
    items: list[ProposalSummary]
    total: int
    page: int
    pages: int


def list_proposals(*, community_id: int, status: str | None = None, kind: str | None = None,
                   category: str | None = None, building_id: int | None = None,
                   sort: str = "newest", page: int = 1, page_size: int = PAGE_SIZE) -> ProposalPage:
    """One page of proposals matching the filters, with the total count."""
    filters = [Proposal.community_id == community_id]
    if status:
        filters.append(Proposal.status == status)
    if kind:
        filters.append(Proposal.kind == kind)
    if category:
        filters.append(Proposal.category == category)
    if building_id:
        filters.append(Proposal.building_id == building_id)
    order = SORTS.get(sort, SORTS["newest"])
    with read_session() as s:
        total = s.exec(select(func.count()).select_from(Proposal).where(*filters)).one()
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = s.exec(
            select(Proposal, Building.code, Actor.name, User.display_name)
            .join(Building, Proposal.building_id == Building.id, isouter=True)
            .join(Actor, Proposal.actor_id == Actor.id, isouter=True)
            .join(User, Proposal.author_id == User.id)
            .where(*filters).order_by(*order)
            .offset((page - 1) * page_size).limit(page_size)
        ).all()
        items = [ProposalSummary(
            id=p.id, kind=p.kind, title=p.title, category=p.category, status=p.status,
            building=code, actor=actor_name, author=author, support_count=p.support_count,
            comment_count=p.comment_count, created_at=p.created_at)
            for p, code, actor_name, author in rows]
    return ProposalPage(items=items, total=total, page=page, pages=pages)


def status_history(proposal_id: int) -> list[StatusChange]:
    with read_session() as s:
        rows = s.exec(select(ProposalStatusChange)
                      .where(ProposalStatusChange.proposal_id == proposal_id)
                      .order_by(col(ProposalStatusChange.at), col(ProposalStatusChange.id)))
        return [StatusChange.model_validate(r, from_attributes=True) for r in rows]
