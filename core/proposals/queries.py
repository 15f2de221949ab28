"""Reading proposals and needs: the filtered, searchable list, one proposal in full, and
the updates on proposals a user follows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, computed_field
from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from core.principal import Principal
from core.proposals import lifecycle
from core.proposals.lifecycle import Mover, ProposalStatus
from core.rows import stored_id
from db.engine import read_session
from db.models import (
    Actor,
    Building,
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Support,
    Survey,
    User,
)

PAGE_SIZE = 20
SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
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

    # What the lifecycle says about the status, so that pages ask instead of comparing.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def supportable(self) -> bool:
        """Residents can still support (or take back their support)."""
        return self.status in lifecycle.SUPPORTABLE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def adopted(self) -> bool:
        """Decided in its favour: accepted, in progress or implemented."""
        return self.status in lifecycle.ADOPTED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def discussion_open(self) -> bool:
        """Comments and reactions are still taken."""
        return self.status not in lifecycle.DISCUSSION_CLOSED


class StatusChange(BaseModel):
    from_status: str | None
    to_status: str
    reason: str | None
    at: datetime
    by_system: bool = False
    actor: str | None = None  # set when the entry records an assignment


class Progress(BaseModel):
    text: str
    progress_pct: int
    created_at: datetime


class ProposalDetail(ProposalSummary):
    body: str
    building_id: int | None
    actor_id: int | None
    author_id: int
    photo: str | None
    answer_text: str | None
    cost_estimate: float | None
    timeline: str | None
    answered_at: datetime | None
    progress_pct: int
    merged_into_id: int | None
    clock_started_at: datetime | None
    history: list[StatusChange]
    progress: list[Progress]
    threshold: int
    supported: bool
    following: bool
    survey_id: int | None = None  # the needs survey it was made from
    survey_title: str | None = None
    can_withdraw: bool = False  # the viewer is its author, and it is early enough

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clock_running(self) -> bool:
        """The responsible actor's response clock has started and is not stopped."""
        return self.clock_started_at is not None and self.status not in lifecycle.TERMINAL

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counting_to_threshold(self) -> bool:
        """Supports can still take it to review by themselves (the threshold applies)."""
        return lifecycle.can_move(self.status, ProposalStatus.UNDER_REVIEW, by=Mover.SUPPORT)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def can_report_progress(self) -> bool:
        return self.status in lifecycle.REPORTS_PROGRESS

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mergeable(self) -> bool:
        """It can be merged into another proposal as a duplicate."""
        return self.status in lifecycle.MERGEABLE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def moderator_moves(self) -> list[str]:
        """The statuses a moderator can move it to next, in the lifecycle's order."""
        return list(lifecycle.MODERATOR_MOVES.get(self.status, ()))


class FollowedUpdate(BaseModel):
    proposal_id: int
    title: str
    status: str
    at: datetime
    what: str  # status / assigned / answer / progress
    detail: str | None = None


def _like_terms(search: str) -> list[str]:
    """LIKE patterns for each search term, with LIKE's own wildcards escaped.

    Plain substring matching finds Chinese words of any length (FTS trigram indexes miss the
    common two-character words such as 电梯); every term must match title or body.
    """
    terms = [term[:50] for term in search.split() if term][:5]
    return [
        "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for term in terms
    ]


class ProposalPage(BaseModel):
    items: list[ProposalSummary]
    total: int
    page: int
    pages: int


def list_proposals(
    *,
    community_id: int,
    status: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    building_id: int | None = None,
    actor_id: int | None = None,
    search: str | None = None,
    sort: str = "newest",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ProposalPage:
    """One page of proposals matching the filters and search terms, with the total count."""
    filters: list[ColumnElement[bool]] = [col(Proposal.community_id) == community_id]
    for pattern in _like_terms(search or ""):
        filters.append(
            col(Proposal.title).ilike(pattern, escape="\\")
            | col(Proposal.body).ilike(pattern, escape="\\")
        )
    if actor_id:
        filters.append(col(Proposal.actor_id) == actor_id)
    if status:
        filters.append(col(Proposal.status) == status)
    if kind:
        filters.append(col(Proposal.kind) == kind)
    if category:
        filters.append(col(Proposal.category) == category)
    if building_id:
        filters.append(col(Proposal.building_id) == building_id)
    order = SORTS.get(sort, SORTS["newest"])
    with read_session() as s:
        total = s.exec(select(func.count()).select_from(Proposal).where(*filters)).one()
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = s.exec(
            select(Proposal, Building.code, Actor.name, User.display_name)
            .join(Building, col(Proposal.building_id) == Building.id, isouter=True)
            .join(Actor, col(Proposal.actor_id) == Actor.id, isouter=True)
            .join(User, col(Proposal.author_id) == User.id)
            .where(*filters)
            .order_by(*order)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        items = [
            ProposalSummary(
                id=stored_id(p.id),
                kind=p.kind,
                title=p.title,
                category=p.category,
                status=p.status,
                building=code,
                actor=actor_name,
                author=author,
                support_count=p.support_count,
                comment_count=p.comment_count,
                created_at=p.created_at,
            )
            for p, code, actor_name, author in rows
        ]
    return ProposalPage(items=items, total=total, page=page, pages=pages)


def status_history(proposal_id: int) -> list[StatusChange]:
    with read_session() as s:
        return _history(s, proposal_id)


def _history(s, proposal_id: int) -> list[StatusChange]:
    rows = s.exec(
        select(ProposalStatusChange, Actor.name)
        .join(Actor, col(ProposalStatusChange.actor_id) == Actor.id, isouter=True)
        .where(ProposalStatusChange.proposal_id == proposal_id)
        .order_by(col(ProposalStatusChange.at), col(ProposalStatusChange.id))
    ).all()
    return [
        StatusChange(
            from_status=r.from_status,
            to_status=r.to_status,
            reason=r.reason,
            at=r.at,
            by_system=r.by_user_id is None and r.from_status is not None,
            actor=name,
        )
        for r, name in rows
    ]


def get_proposal(*, viewer: Principal, proposal_id: int) -> ProposalDetail | None:
    """One proposal with its history, answer, progress and the viewer's own relation to it."""
    from core.proposals.commands import support_threshold

    with read_session() as s:
        row = s.exec(
            select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
                Proposal, Building.code, Actor.name, User.display_name, Survey.title
            )
            .join(Building, col(Proposal.building_id) == Building.id, isouter=True)
            .join(Actor, col(Proposal.actor_id) == Actor.id, isouter=True)
            .join(User, col(Proposal.author_id) == User.id)
            .join(Survey, col(Proposal.survey_id) == Survey.id, isouter=True)
            .where(Proposal.id == proposal_id, Proposal.community_id == viewer.community_id)
        ).first()
        if row is None:
            return None
        p, code, actor_name, author, survey_title = row
        progress = s.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.proposal_id == p.id)
            .order_by(col(ProgressUpdate.created_at))
        ).all()
        supported = (
            viewer.resident_id is not None
            and s.exec(
                select(Support.id).where(
                    Support.proposal_id == p.id, Support.resident_id == viewer.resident_id
                )
            ).first()
            is not None
        )
        following = (
            viewer.user_id is not None
            and s.exec(
                select(ProposalFollow.id).where(
                    ProposalFollow.proposal_id == p.id, ProposalFollow.user_id == viewer.user_id
                )
            ).first()
            is not None
        )
        return ProposalDetail(
            id=p.id,
            kind=p.kind,
            title=p.title,
            category=p.category,
            status=p.status,
            building=code,
            actor=actor_name,
            author=author,
            support_count=p.support_count,
            comment_count=p.comment_count,
            created_at=p.created_at,
            body=p.body,
            building_id=p.building_id,
            actor_id=p.actor_id,
            author_id=p.author_id,
            photo=p.photo_path,
            answer_text=p.answer_text,
            cost_estimate=p.cost_estimate,
            timeline=p.timeline,
            answered_at=p.answered_at,
            progress_pct=p.progress_pct,
            merged_into_id=p.merged_into_id,
            clock_started_at=p.clock_started_at,
            history=_history(s, p.id),
            progress=[
                Progress(text=u.text, progress_pct=u.progress_pct, created_at=u.created_at)
                for u in progress
            ],
            threshold=support_threshold(s, p),
            supported=supported,
            following=following,
            survey_id=p.survey_id if survey_title is not None else None,
            survey_title=survey_title,
            can_withdraw=viewer.user_id is not None
            and viewer.user_id == p.author_id
            and lifecycle.can_move(p.status, ProposalStatus.WITHDRAWN, by=Mover.AUTHOR),
        )


def followed_updates(*, viewer: Principal, limit: int = 10) -> list[FollowedUpdate]:
    """The newest status changes, answers and progress reports on followed proposals, not
    counting the viewer's own actions."""
    if viewer.user_id is None:
        return []
    with read_session() as s:
        followed = select(ProposalFollow.proposal_id).where(
            ProposalFollow.user_id == viewer.user_id
        )
        changes = s.exec(
            select(ProposalStatusChange, Proposal.title, Proposal.status, Actor.name)
            .join(Proposal, col(Proposal.id) == ProposalStatusChange.proposal_id)
            .join(Actor, col(Actor.id) == ProposalStatusChange.actor_id, isouter=True)
            .where(
                col(ProposalStatusChange.proposal_id).in_(followed),
                col(ProposalStatusChange.from_status).is_not(None),
                (col(ProposalStatusChange.by_user_id) != viewer.user_id)
                | col(ProposalStatusChange.by_user_id).is_(None),
            )
            .order_by(col(ProposalStatusChange.at).desc())
            .limit(limit)
        ).all()
        answers = s.exec(
            select(Proposal)
            .where(col(Proposal.id).in_(followed), col(Proposal.answered_at).is_not(None))
            .order_by(col(Proposal.answered_at).desc())
            .limit(limit)
        ).all()
        progress = s.exec(
            select(ProgressUpdate, Proposal.title, Proposal.status)
            .join(Proposal, col(Proposal.id) == ProgressUpdate.proposal_id)
            .where(
                col(ProgressUpdate.proposal_id).in_(followed),
                ProgressUpdate.by_user_id != viewer.user_id,
            )
            .order_by(col(ProgressUpdate.created_at).desc())
            .limit(limit)
        ).all()
    updates = [
        FollowedUpdate(
            proposal_id=c.proposal_id,
            title=title,
            status=status,
            at=c.at,
            what="assigned" if actor else "status",
            detail=actor or c.to_status,
        )
        for c, title, status, actor in changes
    ]
    for p in answers:
        assert p.answered_at is not None  # the query takes answered proposals only
        updates.append(
            FollowedUpdate(
                proposal_id=stored_id(p.id),
                title=p.title,
                status=p.status,
                at=p.answered_at,
                what="answer",
            )
        )
    updates += [
        FollowedUpdate(
            proposal_id=u.proposal_id,
            title=title,
            status=status,
            at=u.created_at,
            what="progress",
            detail=str(u.progress_pct),
        )
        for u, title, status in progress
    ]
    return sorted(updates, key=lambda u: u.at, reverse=True)[:limit]
