"""Proposal commands: one per intent, each a single transaction with the permission check
first and the audit event last. Residents submit, support, follow and withdraw; moderators
move proposals along the lifecycle, assign the responsible actor, answer, report progress
and merge duplicates.

A proposal's status changes only in move_proposal, the lifecycle's one gate: these commands
call it, and so do hearings and surveys inside their own transactions."""

from __future__ import annotations

import math
from typing import Literal, overload

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

from core.audit import record
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.participation import record_participation
from core.permissions import can, require
from core.principal import SYSTEM, Principal
from core.proposals import lifecycle
from core.proposals.lifecycle import Mover, ProposalStatus
from core.proposals.photos import prepare_photo, store_photo
from core.rows import community_choice, community_row_for_update, stored_id
from core.text import clean_text, is_whole_number
from db.engine import write_session
from db.models import (
    Actor,
    Building,
    Community,
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Resident,
    Support,
    User,
)
from db.models.base import utcnow
from db.models.proposals import CATEGORIES, PROPOSAL_KINDS

TITLE_MAX = 120
BODY_MAX = 20_000


class SupportResult(BaseModel):
    support_count: int
    threshold: int
    moved_to_review: bool


def proposal_for_update(s: Session, proposal_id, actor: Principal) -> Proposal:
    """The proposal, locked for this transaction, if it belongs to the actor's community."""
    return community_row_for_update(s, Proposal, proposal_id, actor)


# Who may act as each mover (beyond the lifecycle's table): the author only on their own
# proposal, the support threshold only as the system, the others by their permission.
_MOVER_PERMISSIONS = {
    Mover.MODERATOR: "proposal.moderate",
    Mover.MERGE: "proposal.moderate",
    Mover.HEARING: "hearing.manage",
    Mover.SURVEY: "survey.manage",
}
# Moves recorded in the public log by the gate itself; the others are part of an intent
# whose own event records them (proposal.submit, .withdraw, .support, .merge and
# survey.make_proposal).
_AUDITED_BY_THE_GATE = (Mover.MODERATOR, Mover.HEARING)


def _may_act_as(actor: Principal, by: Mover, proposal: Proposal) -> bool:
    if by is Mover.AUTHOR:
        return actor.is_authenticated and actor.user_id == proposal.author_id
    if by is Mover.SUPPORT:
        return actor == SYSTEM
    return by in _MOVER_PERMISSIONS and can(actor, _MOVER_PERMISSIONS[by])


def move_proposal(
    s: Session,
    proposal: Proposal,
    to_status: str,
    *,
    actor: Principal,
    by: Mover,
    reason: str | None = None,
) -> None:
    """Move `proposal` to `to_status` in the caller's transaction: the only place a
    proposal's status changes. `proposal` is locked by the caller (proposal_for_update); a
    new one, not yet in the database, enters the lifecycle (from no status).

    Refused with Conflict("proposal.illegal_transition") unless the lifecycle lets `by` make
    this move (lifecycle.MOVES), with PermissionDenied unless `actor` may act as `by`, and
    with InvalidInput when the move needs a reason and has none. Writes the status history
    row (by `actor`; the system's moves have no user), sets updated_at, starts the
    responsible actor's clock where the lifecycle says, and records a "proposal.status"
    audit event for a moderator's or a hearing's move."""
    from_status = None if proposal.id is None else proposal.status
    if not lifecycle.can_move(from_status, to_status, by=by):
        raise Conflict("proposal.illegal_transition", **{"from": from_status}, to=to_status)
    if not _may_act_as(actor, by, proposal):
        raise PermissionDenied("proposal.move")
    if to_status in lifecycle.REASON_REQUIRED and not reason:
        raise InvalidInput("field.required", field="reason")
    to_status = ProposalStatus(to_status)
    now = utcnow()
    if proposal.id is None:
        s.add(proposal)
        s.flush()
    s.add(
        ProposalStatusChange(
            proposal_id=stored_id(proposal.id),
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            by_user_id=actor.user_id,
            at=now,
        )
    )
    proposal.status = to_status
    proposal.updated_at = now
    if to_status in lifecycle.CLOCK_STARTS:
        proposal.clock_started_at = now
    if by in _AUDITED_BY_THE_GATE:
        payload = {"from": from_status, "to": to_status}
        record(
            s,
            actor=actor,
            action="proposal.status",
            object_type="proposal",
            object_id=proposal.id,
            payload=payload if by is Mover.MODERATOR else payload | {"by": by},
        )


@overload
def _reason(reason: object, *, required: Literal[True]) -> str: ...
@overload
def _reason(reason: object, *, required: bool) -> str | None: ...
def _reason(reason: object, *, required: bool) -> str | None:
    return clean_text(reason, field="reason", max_len=2000, multiline=True, required=required)


def support_threshold(s: Session, proposal: Proposal) -> int:
    """Supports needed to reach review: the community's share of the roster in scope."""
    community = s.get(Community, proposal.community_id)
    assert community is not None  # proposal.community_id is a foreign key
    roster = (
        select(func.count())
        .select_from(Resident)
        .where(Resident.community_id == proposal.community_id)
    )
    if proposal.building_id is not None:
        roster = roster.where(Resident.building_id == proposal.building_id)
    return max(1, math.ceil(round(community.support_threshold * s.exec(roster).one(), 9)))


def clean_proposal(*, kind, category, title, body) -> tuple[str, str]:
    """(title, body) cleaned, or InvalidInput for a bad kind, category, title or body: what
    every new proposal is checked against, whoever makes it."""
    if kind not in PROPOSAL_KINDS:
        raise InvalidInput("field.not_a_choice", field="kind")
    if category not in CATEGORIES:
        raise InvalidInput("field.not_a_choice", field="category")
    title = clean_text(title, field="title", max_len=TITLE_MAX, min_len=4)
    if isinstance(body, str) and len(body) > BODY_MAX * 2:
        raise InvalidInput("field.too_long", field="body", max=BODY_MAX)
    body = clean_text(body, field="body", max_len=BODY_MAX, min_len=10, multiline=True)
    return title, body


def submit_proposal(
    *,
    actor: Principal,
    kind: str,
    title: str,
    body: str,
    category: str,
    building_id: int | None = None,
    photo: bytes | None = None,
) -> int:
    """A resident's proposal (an idea) or need (a problem to solve); returns its id."""
    require(actor, "proposal.create")
    # A participant is signed in, and every user belongs to a community.
    assert actor.user_id is not None and actor.community_id is not None
    title, body = clean_proposal(kind=kind, category=category, title=title, body=body)
    prepared = prepare_photo(photo) if photo is not None else None
    with write_session() as s:
        if building_id is not None:
            community_choice(s, Building, building_id, actor, field="building")
        photo_name = store_photo(*prepared) if prepared else None
        proposal = Proposal(
            community_id=actor.community_id,
            kind=kind,
            title=title,
            body=body,
            category=category,
            building_id=building_id,
            author_id=actor.user_id,
            photo_path=photo_name,
        )
        move_proposal(s, proposal, ProposalStatus.SUBMITTED, actor=actor, by=Mover.AUTHOR)
        s.add(ProposalFollow(proposal_id=stored_id(proposal.id), user_id=actor.user_id))
        record_participation(
            s,
            community_id=actor.community_id,
            kind=kind,
            resident_id=actor.resident_id,
            user_id=actor.user_id,
            object_type="proposal",
            object_id=proposal.id,
        )
        record(
            s,
            actor=actor,
            action="proposal.submit",
            object_type="proposal",
            object_id=proposal.id,
            payload={"kind": kind, "title": title},
        )
        return stored_id(proposal.id)


def support_proposal(*, actor: Principal, proposal_id: int) -> SupportResult:
    """Support once; at the threshold a submitted proposal moves to review by itself."""
    require(actor, "proposal.support")
    if actor.resident_id is None:
        raise Conflict("support.no_resident")
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.status not in lifecycle.SUPPORTABLE:
            raise Conflict("support.closed")
        if proposal.author_id == actor.user_id:
            raise Conflict("support.own_proposal")
        exists = s.exec(
            select(Support.id).where(
                Support.proposal_id == proposal.id, Support.resident_id == actor.resident_id
            )
        ).first()
        if exists is not None:
            raise Conflict("support.already")
        s.add(
            Support(
                proposal_id=stored_id(proposal.id),
                resident_id=actor.resident_id,
                user_id=actor.user_id,
                channel="online",
            )
        )
        proposal.support_count += 1
        threshold = support_threshold(s, proposal)
        moved = (
            lifecycle.can_move(proposal.status, ProposalStatus.UNDER_REVIEW, by=Mover.SUPPORT)
            and proposal.support_count >= threshold
        )
        if moved:
            move_proposal(
                s,
                proposal,
                ProposalStatus.UNDER_REVIEW,
                actor=SYSTEM,
                by=Mover.SUPPORT,
                reason="support_threshold",
            )
        record_participation(
            s,
            community_id=proposal.community_id,
            kind="support",
            resident_id=actor.resident_id,
            user_id=actor.user_id,
            object_type="proposal",
            object_id=proposal.id,
        )
        record(
            s,
            actor=actor,
            action="proposal.support",
            object_type="proposal",
            object_id=proposal.id,
            payload={"moved_to_review": moved},
        )
        return SupportResult(
            support_count=proposal.support_count, threshold=threshold, moved_to_review=moved
        )


def withdraw_support(*, actor: Principal, proposal_id: int) -> int:
    """Take back one's support while the proposal can still be supported; returns the count."""
    require(actor, "proposal.support")
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.status not in lifecycle.SUPPORTABLE:
            raise Conflict("support.closed")
        support = s.exec(
            select(Support).where(
                Support.proposal_id == proposal.id, Support.resident_id == actor.resident_id
            )
        ).first()
        if support is None:
            raise Conflict("support.none")
        s.delete(support)
        proposal.support_count -= 1
        record(
            s,
            actor=actor,
            action="proposal.unsupport",
            object_type="proposal",
            object_id=proposal.id,
        )
        return proposal.support_count


def follow_proposal(*, actor: Principal, proposal_id: int, follow: bool = True) -> None:
    """Follow (or stop following) a proposal: its updates then show on the home page."""
    require(actor, "proposal.follow")
    assert actor.user_id is not None  # following needs a signed-in user
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        row = s.exec(
            select(ProposalFollow).where(
                ProposalFollow.proposal_id == proposal.id, ProposalFollow.user_id == actor.user_id
            )
        ).first()
        if follow and row is None:
            s.add(ProposalFollow(proposal_id=stored_id(proposal.id), user_id=actor.user_id))
        elif not follow and row is not None:
            s.delete(row)
        else:
            return
        record(
            s,
            actor=actor,
            action="proposal.follow" if follow else "proposal.unfollow",
            object_type="proposal",
            object_id=proposal.id,
        )


def withdraw_proposal(*, actor: Principal, proposal_id: int, reason: str | None = None) -> None:
    """The author withdraws their own proposal while it is still early in its life."""
    reason = _reason(reason, required=False)
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.author_id != actor.user_id:
            raise PermissionDenied("proposal.withdraw")
        move_proposal(
            s, proposal, ProposalStatus.WITHDRAWN, actor=actor, by=Mover.AUTHOR, reason=reason
        )
        record(
            s,
            actor=actor,
            action="proposal.withdraw",
            object_type="proposal",
            object_id=proposal.id,
        )


def change_status(
    *, actor: Principal, proposal_id: int, to_status: str, reason: str | None = None
) -> None:
    """A moderator moves a proposal along the lifecycle (rejections need a reason)."""
    require(actor, "proposal.moderate")
    reason = _reason(reason, required=to_status in lifecycle.REASON_REQUIRED)
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        # The gate checks the move and records it (the audit event is this intent's).
        move_proposal(s, proposal, to_status, actor=actor, by=Mover.MODERATOR, reason=reason)


def assign_actor(
    *, actor: Principal, proposal_id: int, responsible_id: int | None, reason: str | None = None
) -> None:
    """Name the responsible actor; a reassignment needs a reason and restarts the clock."""
    require(actor, "proposal.moderate")
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.status in lifecycle.DISCUSSION_CLOSED:
            raise Conflict("proposal.closed")
        target = s.get(Actor, responsible_id) if isinstance(responsible_id, int) else None
        if target is None or target.community_id != actor.community_id or not target.active:
            raise InvalidInput("field.not_a_choice", field="actor")
        if proposal.actor_id == target.id:
            raise Conflict("proposal.same_actor")
        reassign = proposal.actor_id is not None
        reason = _reason(reason, required=reassign)
        now = utcnow()
        previous = proposal.actor_id
        proposal.actor_id = target.id
        proposal.assigned_at = now
        if reassign or proposal.status != ProposalStatus.SUBMITTED:
            proposal.clock_started_at = now
        proposal.updated_at = now
        s.add(
            ProposalStatusChange(
                proposal_id=stored_id(proposal.id),
                from_status=proposal.status,
                to_status=proposal.status,
                by_user_id=actor.user_id,
                reason=reason,
                at=now,
                actor_id=target.id,
            )
        )
        record(
            s,
            actor=actor,
            action="proposal.assign",
            object_type="proposal",
            object_id=proposal.id,
            payload={"from": previous, "to": target.id},
        )


def answer_proposal(
    *,
    actor: Principal,
    proposal_id: int,
    answer: str,
    cost_estimate: float | None = None,
    timeline: str | None = None,
) -> None:
    """The official answer on behalf of the responsible actor (text, cost, timeline)."""
    require(actor, "proposal.moderate")
    answer = clean_text(answer, field="answer", max_len=5000, min_len=5, multiline=True)
    timeline = clean_text(timeline, field="timeline", max_len=200, required=False)
    if cost_estimate is not None and (
        not isinstance(cost_estimate, (int, float))
        or isinstance(cost_estimate, bool)
        or cost_estimate != cost_estimate
        or not 0 <= cost_estimate <= 1e12
    ):
        raise InvalidInput("field.out_of_range", field="cost_estimate", min=0, max=10**12)
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.status in lifecycle.DISCUSSION_CLOSED:
            raise Conflict("proposal.closed")
        proposal.answer_text = answer
        proposal.cost_estimate = float(cost_estimate) if cost_estimate is not None else None
        proposal.timeline = timeline
        proposal.answered_at = proposal.updated_at = utcnow()
        record(
            s, actor=actor, action="proposal.answer", object_type="proposal", object_id=proposal.id
        )


def post_progress(*, actor: Principal, proposal_id: int, text: str, progress_pct) -> None:
    """A progress report on an accepted proposal, with the share done (0-100)."""
    require(actor, "proposal.moderate")
    text = clean_text(text, field="progress_text", max_len=2000, multiline=True)
    by_user_id = actor.user_id
    assert by_user_id is not None  # staff are signed in
    if not is_whole_number(progress_pct) or not 0 <= progress_pct <= 100:
        raise InvalidInput("field.out_of_range", field="progress_pct", min=0, max=100)
    with write_session() as s:
        proposal = proposal_for_update(s, proposal_id, actor)
        if proposal.status not in lifecycle.REPORTS_PROGRESS:
            raise Conflict("proposal.progress_not_started")
        s.add(
            ProgressUpdate(
                proposal_id=stored_id(proposal.id),
                text=text,
                progress_pct=progress_pct,
                by_user_id=by_user_id,
            )
        )
        proposal.progress_pct = progress_pct
        proposal.updated_at = utcnow()
        record(
            s,
            actor=actor,
            action="proposal.progress",
            object_type="proposal",
            object_id=proposal.id,
            payload={"progress_pct": progress_pct},
        )


def merge_proposals(*, actor: Principal, proposal_id: int, into_id: int | None, reason: str) -> int:
    """Merge a duplicate into another proposal: its supports and followers move over,
    counted once per person. Returns the target's new support count."""
    require(actor, "proposal.moderate")
    reason = _reason(reason, required=True)
    if not is_whole_number(into_id):
        raise InvalidInput("field.required", field="merge_target")
    if proposal_id == into_id:
        raise InvalidInput("proposal.merge_into_itself", field="merge_target")
    with write_session() as s:
        source = proposal_for_update(s, proposal_id, actor)
        target = proposal_for_update(s, into_id, actor)
        if not lifecycle.can_move(source.status, ProposalStatus.MERGED, by=Mover.MERGE):
            raise Conflict(
                "proposal.illegal_transition", **{"from": source.status}, to=ProposalStatus.MERGED
            )
        if target.status in lifecycle.DISCUSSION_CLOSED:
            raise Conflict("proposal.merge_target_closed")
        have = set(s.exec(select(Support.resident_id).where(Support.proposal_id == target.id)))
        target_author = s.get(User, target.author_id)
        assert target_author is not None  # target.author_id is a foreign key
        target_id = stored_id(target.id)
        for support in s.exec(select(Support).where(Support.proposal_id == source.id)).all():
            # Counted once per person, and never for the target's own author.
            if support.resident_id in have or support.resident_id == target_author.resident_id:
                s.delete(support)
            else:
                support.proposal_id = target_id
                have.add(support.resident_id)
        following = set(
            s.exec(select(ProposalFollow.user_id).where(ProposalFollow.proposal_id == target.id))
        )
        for follow in s.exec(
            select(ProposalFollow).where(ProposalFollow.proposal_id == source.id)
        ).all():
            if follow.user_id in following:
                s.delete(follow)
            else:
                follow.proposal_id = target_id
        source.support_count = 0
        target.support_count = len(have)
        source.merged_into_id = target.id
        move_proposal(s, source, ProposalStatus.MERGED, actor=actor, by=Mover.MERGE, reason=reason)
        if lifecycle.can_move(
            target.status, ProposalStatus.UNDER_REVIEW, by=Mover.SUPPORT
        ) and target.support_count >= support_threshold(s, target):
            move_proposal(
                s,
                target,
                ProposalStatus.UNDER_REVIEW,
                actor=SYSTEM,
                by=Mover.SUPPORT,
                reason="support_threshold",
            )
        record(
            s,
            actor=actor,
            action="proposal.merge",
            object_type="proposal",
            object_id=source.id,
            payload={"into": target.id},
        )
        return target.support_count
