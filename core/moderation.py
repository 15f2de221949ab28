"""Moderation: the queue of flags and proposals to review, hiding comments, and blocking
abusive accounts for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import require
from core.principal import Principal
from core.proposals import lifecycle
from core.rows import stored_id
from core.text import clean_text, is_whole_number
from db.engine import read_session, write_session
from db.models import Comment, CommentFlag, Proposal, User, UserBlock
from db.models.base import utcnow
from db.models.people import Role

MAX_BLOCK_DAYS = 90


class FlaggedComment(BaseModel):
    comment_id: int
    proposal_id: int
    proposal_title: str
    author: str
    body: str
    flags: int
    reasons: list[str]
    first_flagged_at: datetime


class ReviewItem(BaseModel):
    proposal_id: int
    kind: str
    title: str
    status: str
    support_count: int
    created_at: datetime


def flagged_comments(*, actor: Principal, limit: int = 50) -> list[FlaggedComment]:
    require(actor, "comment.moderate")
    with read_session() as s:
        # SQLAlchemy's select: SQLModel's is typed for at most four columns.
        rows = s.execute(
            sa_select(
                Comment,
                col(Proposal.title),
                col(User.display_name),
                col(CommentFlag.reason),
                col(CommentFlag.created_at),
            )
            .join(CommentFlag, col(CommentFlag.comment_id) == col(Comment.id))
            .join(Proposal, col(Comment.proposal_id) == col(Proposal.id))
            .join(User, col(Comment.author_id) == col(User.id))
            .where(
                col(CommentFlag.resolved_at).is_(None),
                col(Proposal.community_id) == actor.community_id,
            )
            .order_by(col(CommentFlag.created_at))
        ).all()
    grouped: dict[int, FlaggedComment] = {}
    for comment, title, author, reason, at in rows:
        item = grouped.get(comment.id)
        if item is None:
            item = grouped[comment.id] = FlaggedComment(
                comment_id=comment.id,
                proposal_id=comment.proposal_id,
                proposal_title=title,
                author=author,
                body=comment.body,
                flags=0,
                reasons=[],
                first_flagged_at=at,
            )
        item.flags += 1
        item.reasons.append(reason)
    return list(grouped.values())[:limit]


def review_queue(*, actor: Principal, limit: int = 50) -> list[ReviewItem]:
    """Proposals waiting for a moderator: new ones first submitted, then under review."""
    require(actor, "proposal.moderate")
    with read_session() as s:
        rows = s.exec(
            select(Proposal)
            .where(
                Proposal.community_id == actor.community_id,
                col(Proposal.status).in_(lifecycle.AWAITING_MODERATOR),
            )
            .order_by(col(Proposal.created_at))
            .limit(limit)
        ).all()
    return [
        ReviewItem(
            proposal_id=stored_id(p.id),
            kind=p.kind,
            title=p.title,
            status=p.status,
            support_count=p.support_count,
            created_at=p.created_at,
        )
        for p in rows
    ]


def queue_sizes(*, actor: Principal) -> dict[str, int]:
    require(actor, "proposal.moderate")
    with read_session() as s:
        flags = s.exec(
            select(func.count(func.distinct(CommentFlag.comment_id)))
            .join(Comment, col(CommentFlag.comment_id) == col(Comment.id))
            .join(Proposal, col(Comment.proposal_id) == col(Proposal.id))
            .where(
                col(CommentFlag.resolved_at).is_(None),
                Proposal.community_id == actor.community_id,
            )
        ).one()
        review = s.exec(
            select(func.count())
            .select_from(Proposal)
            .where(
                Proposal.community_id == actor.community_id,
                col(Proposal.status).in_(lifecycle.AWAITING_MODERATOR),
            )
        ).one()
    return {"flags": flags, "review": review}


def _flagged(s, comment_id, actor: Principal) -> Comment:
    comment = s.get(Comment, comment_id) if isinstance(comment_id, int) else None
    proposal = s.get(Proposal, comment.proposal_id) if comment else None
    if comment is None or proposal is None or proposal.community_id != actor.community_id:
        raise NotFound("error.not_found")
    return comment


def _resolve_flags(s, comment: Comment, actor: Principal, resolution: str) -> int:
    flags = s.exec(
        select(CommentFlag).where(
            CommentFlag.comment_id == comment.id, col(CommentFlag.resolved_at).is_(None)
        )
    ).all()
    for flag in flags:
        flag.resolution, flag.resolved_by, flag.resolved_at = resolution, actor.user_id, utcnow()
    return len(flags)


def hide_comment(*, actor: Principal, comment_id: int, reason: str) -> None:
    """Hide a comment: everyone sees "hidden by a moderator" and the reason; its open flags
    are resolved. Moderators still see the original."""
    require(actor, "comment.moderate")
    reason = clean_text(reason, field="reason", max_len=500)
    with write_session() as s:
        comment = _flagged(s, comment_id, actor)
        if comment.hidden_at is not None:
            raise Conflict("comment.already_hidden")
        comment.hidden_at, comment.hidden_reason, comment.hidden_by = (
            utcnow(),
            reason,
            actor.user_id,
        )
        resolved = _resolve_flags(s, comment, actor, "hidden")
        record(
            s,
            actor=actor,
            action="comment.hide",
            object_type="comment",
            object_id=comment.id,
            payload={"reason": reason, "flags": resolved},
        )


def dismiss_flags(*, actor: Principal, comment_id: int) -> int:
    """Close a comment's open flags without hiding it; returns how many were closed."""
    require(actor, "comment.moderate")
    with write_session() as s:
        comment = _flagged(s, comment_id, actor)
        resolved = _resolve_flags(s, comment, actor, "dismissed")
        if resolved == 0:
            raise Conflict("flag.none_open")
        record(
            s,
            actor=actor,
            action="comment.dismiss_flags",
            object_type="comment",
            object_id=comment.id,
            payload={"flags": resolved},
        )
        return resolved


class BlockedUser(BaseModel):
    user_id: int
    username: str
    display_name: str
    until: datetime
    reason: str


def block_user(*, actor: Principal, username: str, days, reason: str) -> datetime:
    """Stop an account from posting, supporting and voting for 1 to 90 days; it can still
    read. Returns when the block ends."""
    require(actor, "user.block")
    reason = clean_text(reason, field="reason", max_len=500)
    if not is_whole_number(days) or not 1 <= days <= MAX_BLOCK_DAYS:
        raise InvalidInput("field.out_of_range", field="block_days", min=1, max=MAX_BLOCK_DAYS)
    with write_session() as s:
        user = s.exec(
            select(User).where(
                User.username == str(username or "").strip().casefold(),
                User.community_id == actor.community_id,
            )
        ).first()
        if user is None:
            raise NotFound("moderation.no_such_user")
        if user.role != Role.RESIDENT:
            raise Conflict("moderation.only_residents")
        assert user.id is not None and actor.user_id is not None  # stored; a signed-in moderator
        until = utcnow() + timedelta(days=days)
        user.blocked_until = until
        s.add(UserBlock(user_id=user.id, blocked_by=actor.user_id, reason=reason, until=until))
        record(
            s,
            actor=actor,
            action="user.block",
            object_type="user",
            object_id=user.id,
            payload={"days": days, "reason": reason},
        )
        return until


def unblock_user(*, actor: Principal, user_id: int) -> None:
    require(actor, "user.block")
    with write_session() as s:
        user = s.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or user.community_id != actor.community_id:
            raise NotFound("error.not_found")
        if user.blocked_until is None or user.blocked_until <= utcnow():
            raise Conflict("moderation.not_blocked")
        user.blocked_until = None
        record(s, actor=actor, action="user.unblock", object_type="user", object_id=user.id)


def blocked_users(*, actor: Principal) -> list[BlockedUser]:
    require(actor, "user.block")
    now = utcnow()
    with read_session() as s:
        users = s.exec(
            select(User).where(
                User.community_id == actor.community_id, col(User.blocked_until) > now
            )
        ).all()
        reasons: dict[int, str] = {}
        for user_id, reason in s.exec(
            select(UserBlock.user_id, UserBlock.reason)
            .where(col(UserBlock.user_id).in_([u.id for u in users]))
            .order_by(col(UserBlock.created_at), col(UserBlock.id))
        ):
            reasons[user_id] = reason  # the newest block's reason stays
    blocked = []
    for user in users:
        user_id = stored_id(user.id)
        assert user.blocked_until is not None  # the query takes blocked users only
        blocked.append(
            BlockedUser(
                user_id=user_id,
                username=user.username,
                display_name=user.display_name,
                until=user.blocked_until,
                reason=reasons.get(user_id, ""),
            )
        )
    return blocked


class UserActivity(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: str
    blocked_until: datetime | None
    proposals: int
    comments: int
    hidden_comments: int
    flags_received: int
    recent_comments: list[str]


def user_activity(*, actor: Principal, username: str) -> UserActivity:
    """What a moderator needs before blocking someone: their recent writing and its flags."""
    require(actor, "user.block")
    with read_session() as s:
        user = s.exec(
            select(User).where(
                User.username == str(username or "").strip().casefold(),
                User.community_id == actor.community_id,
            )
        ).first()
        if user is None:
            raise NotFound("moderation.no_such_user")

        def count(query: SelectOfScalar[int]) -> int:
            return s.exec(query).one()

        proposals = count(
            select(func.count()).select_from(Proposal).where(Proposal.author_id == user.id)
        )
        comments = count(
            select(func.count()).select_from(Comment).where(Comment.author_id == user.id)
        )
        hidden = count(
            select(func.count())
            .select_from(Comment)
            .where(Comment.author_id == user.id, col(Comment.hidden_at).is_not(None))
        )
        flags = count(
            select(func.count())
            .select_from(CommentFlag)
            .join(Comment, col(Comment.id) == col(CommentFlag.comment_id))
            .where(Comment.author_id == user.id)
        )
        recent = s.exec(
            select(Comment.body)
            .where(Comment.author_id == user.id, col(Comment.deleted_at).is_(None))
            .order_by(col(Comment.created_at).desc())
            .limit(10)
        ).all()
        blocked = (
            user.blocked_until if user.blocked_until and user.blocked_until > utcnow() else None
        )
        return UserActivity(
            user_id=stored_id(user.id),
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            blocked_until=blocked,
            proposals=proposals,
            comments=comments,
            hidden_comments=hidden,
            flags_received=flags,
            recent_comments=list(recent),
        )
