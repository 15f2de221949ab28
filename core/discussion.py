"""Discussion threads: comments, replies, revisions, reactions and flags.

Comments nest without limit (pages indent up to a few levels). Deleting one's own comment
empties it but keeps the row, so replies keep their place; editing keeps every earlier text
as a revision. A resident may post at most RATE_PER_MINUTE comments a minute and
RATE_PER_HOUR an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.participation import record_participation
from core.permissions import can, require
from core.principal import Principal
from core.proposals import lifecycle
from core.text import clean_text
from db.engine import read_session, write_session
from db.models import Comment, CommentFlag, CommentReaction, CommentRevision, Proposal, User
from db.models.base import utcnow

COMMENT_MAX = 5000
RATE_PER_MINUTE = 5
RATE_PER_HOUR = 60


class Revision(BaseModel):
    body: str
    created_at: datetime


class CommentView(BaseModel):
    """One comment as a viewer may see it: hidden or deleted text is already removed."""

    id: int
    parent_id: int | None
    depth: int
    author: str
    author_id: int
    body: str | None
    state: str  # visible / deleted / hidden
    hidden_reason: str | None
    original: str | None  # the hidden text, for moderators only
    agree: int
    disagree: int
    my_reaction: int
    edited: bool
    created_at: datetime
    can_edit: bool
    revisions: list[Revision]  # earlier texts, oldest first (as `revisions()` gives them)


def _comment(s: Session, comment_id, actor: Principal) -> tuple[Comment, Proposal]:
    comment = s.get(Comment, comment_id) if isinstance(comment_id, int) else None
    proposal = s.get(Proposal, comment.proposal_id) if comment else None
    if comment is None or proposal is None or proposal.community_id != actor.community_id:
        raise NotFound("error.not_found")
    return comment, proposal


def _open_proposal(s: Session, proposal_id, actor: Principal) -> Proposal:
    proposal = s.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None or proposal.community_id != actor.community_id:
        raise NotFound("error.not_found")
    if proposal.status in lifecycle.DISCUSSION_CLOSED:
        raise Conflict("comment.closed")
    return proposal


def _check_rate(s: Session, actor: Principal) -> None:
    now = utcnow()
    for window, limit in (
        (timedelta(minutes=1), RATE_PER_MINUTE),
        (timedelta(hours=1), RATE_PER_HOUR),
    ):
        recent = s.exec(
            select(func.count())
            .select_from(Comment)
            .where(Comment.author_id == actor.user_id, Comment.created_at > now - window)
        ).one()
        if recent >= limit:
            raise Conflict("comment.rate_limited", minutes=int(window.total_seconds() // 60))


def add_comment(
    *, actor: Principal, proposal_id: int, body: str, parent_id: int | None = None
) -> int:
    """A comment on a proposal, or a reply to one of its comments; returns its id."""
    require(actor, "comment.create")
    if isinstance(body, str) and len(body) > COMMENT_MAX * 2:
        raise InvalidInput("field.too_long", field="comment", max=COMMENT_MAX)
    body = clean_text(body, field="comment", max_len=COMMENT_MAX, multiline=True)
    assert actor.user_id is not None  # a participant is signed in
    with write_session() as s:
        proposal = _open_proposal(s, proposal_id, actor)
        assert proposal.id is not None  # read from the database
        depth = 0
        if parent_id is not None:
            parent = s.get(Comment, parent_id) if isinstance(parent_id, int) else None
            if parent is None or parent.proposal_id != proposal.id:
                raise InvalidInput("comment.parent_elsewhere", field="parent")
            depth = parent.depth + 1
        _check_rate(s, actor)
        comment = Comment(
            proposal_id=proposal.id,
            parent_id=parent_id,
            depth=depth,
            author_id=actor.user_id,
            body=body,
        )
        s.add(comment)
        proposal.comment_count += 1
        s.flush()
        assert comment.id is not None  # flushed
        record_participation(
            s,
            community_id=proposal.community_id,
            kind="comment",
            resident_id=actor.resident_id,
            user_id=actor.user_id,
            object_type="comment",
            object_id=comment.id,
        )
        record(
            s,
            actor=actor,
            action="comment.add",
            object_type="comment",
            object_id=comment.id,
            payload={"proposal": proposal.id, "parent": parent_id},
        )
        return comment.id


def edit_comment(*, actor: Principal, comment_id: int, body: str) -> None:
    """The author edits their comment; the earlier text is kept as a revision."""
    require(actor, "comment.create")
    body = clean_text(body, field="comment", max_len=COMMENT_MAX, multiline=True)
    with write_session() as s:
        comment, proposal = _comment(s, comment_id, actor)
        assert comment.id is not None  # read from the database
        if comment.author_id != actor.user_id:
            raise PermissionDenied("comment.edit")
        if comment.deleted_at or comment.hidden_at:
            raise Conflict("comment.not_editable")
        if proposal.status in lifecycle.DISCUSSION_CLOSED:
            raise Conflict("comment.closed")
        if body == comment.body:
            return
        s.add(
            CommentRevision(
                comment_id=comment.id,
                body=comment.body,
                created_at=comment.edited_at or comment.created_at,
            )
        )
        comment.body = body
        comment.edited_at = utcnow()
        record(s, actor=actor, action="comment.edit", object_type="comment", object_id=comment.id)


def delete_comment(*, actor: Principal, comment_id: int) -> None:
    """The author deletes their comment: its text and revisions go, its place stays."""
    with write_session() as s:
        comment, _ = _comment(s, comment_id, actor)
        if comment.author_id != actor.user_id:
            raise PermissionDenied("comment.delete")
        if comment.deleted_at:
            raise Conflict("comment.already_deleted")
        if comment.hidden_at:  # the moderators' record of what was hidden stays
            raise Conflict("comment.not_editable")
        for revision in s.exec(
            select(CommentRevision).where(CommentRevision.comment_id == comment.id)
        ).all():
            s.delete(revision)
        comment.body = ""
        comment.deleted_at = utcnow()
        record(s, actor=actor, action="comment.delete", object_type="comment", object_id=comment.id)


def react(*, actor: Principal, comment_id: int, value: int) -> None:
    """Agree (+1) or disagree (-1); the same reaction again takes it back."""
    require(actor, "comment.create")
    if isinstance(value, bool) or value not in (1, -1):
        raise InvalidInput("field.not_a_choice", field="reaction")
    assert actor.user_id is not None  # a participant is signed in
    with write_session() as s:
        comment, proposal = _comment(s, comment_id, actor)
        assert comment.id is not None  # read from the database
        if proposal.status in lifecycle.DISCUSSION_CLOSED:
            raise Conflict("comment.closed")
        if comment.deleted_at or comment.hidden_at:
            raise Conflict("comment.not_editable")
        if comment.author_id == actor.user_id:
            raise Conflict("reaction.own_comment")
        row = s.exec(
            select(CommentReaction).where(
                CommentReaction.comment_id == comment.id, CommentReaction.user_id == actor.user_id
            )
        ).first()
        if row is not None:
            _count(comment, row.value, -1)
            s.delete(row)
            s.flush()
            if row.value == value:
                record(
                    s,
                    actor=actor,
                    action="comment.unreact",
                    object_type="comment",
                    object_id=comment.id,
                )
                return
        s.add(CommentReaction(comment_id=comment.id, user_id=actor.user_id, value=value))
        _count(comment, value, +1)
        record_participation(
            s,
            community_id=proposal.community_id,
            kind="reaction",
            resident_id=actor.resident_id,
            user_id=actor.user_id,
            object_type="comment",
            object_id=comment.id,
        )
        record(
            s,
            actor=actor,
            action="comment.react",
            object_type="comment",
            object_id=comment.id,
            payload={"value": value},
        )


def _count(comment: Comment, value: int, step: int) -> None:
    if value == 1:
        comment.agree_count += step
    else:
        comment.disagree_count += step


def flag_comment(*, actor: Principal, comment_id: int, reason: str) -> None:
    """Report a comment to the moderators, once per person, with a reason."""
    require(actor, "comment.create")
    reason = clean_text(reason, field="flag_reason", max_len=500)
    assert actor.user_id is not None  # a participant is signed in
    with write_session() as s:
        comment, proposal = _comment(s, comment_id, actor)
        assert comment.id is not None  # read from the database
        if comment.author_id == actor.user_id:
            raise Conflict("flag.own_comment")
        if comment.deleted_at or comment.hidden_at:
            raise Conflict("comment.not_editable")
        exists = s.exec(
            select(CommentFlag.id).where(
                CommentFlag.comment_id == comment.id, CommentFlag.user_id == actor.user_id
            )
        ).first()
        if exists is not None:
            raise Conflict("flag.already")
        s.add(CommentFlag(comment_id=comment.id, user_id=actor.user_id, reason=reason))
        record_participation(
            s,
            community_id=proposal.community_id,
            kind="flag",
            resident_id=actor.resident_id,
            user_id=actor.user_id,
            object_type="comment",
            object_id=comment.id,
        )
        record(s, actor=actor, action="comment.flag", object_type="comment", object_id=comment.id)


def thread(*, viewer: Principal, proposal_id: int) -> list[CommentView]:
    """The proposal's comments in reading order (each reply under its parent), each with its
    earlier texts."""
    moderator = can(viewer, "comment.moderate")
    with read_session() as s:
        rows = s.exec(
            select(Comment, User.display_name)
            .join(User, col(Comment.author_id) == User.id)
            .join(Proposal, col(Proposal.id) == Comment.proposal_id)
            .where(Comment.proposal_id == proposal_id, Proposal.community_id == viewer.community_id)
            .order_by(col(Comment.created_at), col(Comment.id))
        ).all()
        mine = (
            dict(
                s.exec(
                    select(CommentReaction.comment_id, CommentReaction.value)
                    .join(Comment, col(Comment.id) == CommentReaction.comment_id)
                    .where(
                        Comment.proposal_id == proposal_id,
                        CommentReaction.user_id == viewer.user_id,
                    )
                ).all()
            )
            if viewer.is_authenticated
            else {}
        )
        earlier: dict[int, list[Revision]] = {}
        for revision in s.exec(
            select(CommentRevision)
            .join(Comment, col(Comment.id) == CommentRevision.comment_id)
            .where(Comment.proposal_id == proposal_id)
            .order_by(col(CommentRevision.created_at), col(CommentRevision.id))
        ):
            earlier.setdefault(revision.comment_id, []).append(
                Revision(body=revision.body, created_at=revision.created_at)
            )
    views: dict[int, CommentView] = {}
    children: dict[int | None, list[int]] = {}
    for comment, author in rows:
        assert comment.id is not None  # read from the database
        state = "deleted" if comment.deleted_at else "hidden" if comment.hidden_at else "visible"
        views[comment.id] = CommentView(
            id=comment.id,
            parent_id=comment.parent_id,
            depth=comment.depth,
            author=author,
            author_id=comment.author_id,
            body=comment.body if state == "visible" else None,
            state=state,
            hidden_reason=comment.hidden_reason if state == "hidden" else None,
            original=comment.body if state == "hidden" and moderator else None,
            agree=comment.agree_count,
            disagree=comment.disagree_count,
            my_reaction=mine.get(comment.id, 0),
            edited=comment.edited_at is not None,
            created_at=comment.created_at,
            can_edit=state == "visible" and comment.author_id == viewer.user_id,
            revisions=earlier.get(comment.id, [])
            if state == "visible" or (state == "hidden" and moderator)
            else [],
        )
        children.setdefault(comment.parent_id, []).append(comment.id)
    ordered: list[CommentView] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        comment_id = stack.pop()
        ordered.append(views[comment_id])
        stack.extend(reversed(children.get(comment_id, [])))
    return ordered


def revisions(*, viewer: Principal, comment_id: int) -> list[Revision]:
    """Earlier texts of a comment, oldest first (none once it is deleted or hidden)."""
    with read_session() as s:
        comment, _ = _comment(s, comment_id, viewer)
        if comment.deleted_at or (comment.hidden_at and not can(viewer, "comment.moderate")):
            return []
        rows = s.exec(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment.id)
            .order_by(col(CommentRevision.created_at), col(CommentRevision.id))
        )
        return [Revision(body=r.body, created_at=r.created_at) for r in rows]
