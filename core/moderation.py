"""The moderation queue: open flags and proposals waiting for review."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from core.permissions import require
from core.principal import Principal
from db.engine import read_session
from db.models import Comment, CommentFlag, Proposal, User


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
        rows = s.exec(
            select(Comment, Proposal.title, User.display_name, CommentFlag.reason, CommentFlag.created_at)
            .join(CommentFlag, CommentFlag.comment_id == Comment.id)
            .join(Proposal, Comment.proposal_id == Proposal.id)
            .join(User, Comment.author_id == User.id)
            .where(CommentFlag.resolved_at.is_(None), Proposal.community_id == actor.community_id)
            .order_by(col(CommentFlag.created_at))).all()
    grouped: dict[int, FlaggedComment] = {}
    for comment, title, author, reason, at in rows:
        item = grouped.get(comment.id)
        if item is None:
            item = grouped[comment.id] = FlaggedComment(
                comment_id=comment.id, proposal_id=comment.proposal_id, proposal_title=title,
                author=author, body=comment.body, flags=0, reasons=[], first_flagged_at=at)
        item.flags += 1
        item.reasons.append(reason)
    return list(grouped.values())[:limit]


def review_queue(*, actor: Principal, limit: int = 50) -> list[ReviewItem]:
    """Proposals waiting for a moderator: new ones first submitted, then under review."""
    require(actor, "proposal.moderate")
    with read_session() as s:
        rows = s.exec(select(Proposal).where(
            Proposal.community_id == actor.community_id,
            col(Proposal.status).in_(("submitted", "under_review")))
            .order_by(col(Proposal.created_at)).limit(limit)).all()
    return [ReviewItem(proposal_id=p.id, kind=p.kind, title=p.title, status=p.status,
                       support_count=p.support_count, created_at=p.created_at) for p in rows]


def queue_sizes(*, actor: Principal) -> dict[str, int]:
    require(actor, "proposal.moderate")
    with read_session() as s:
        flags = s.exec(select(func.count(func.distinct(CommentFlag.comment_id)))
                       .join(Comment, CommentFlag.comment_id == Comment.id)
                       .join(Proposal, Comment.proposal_id == Proposal.id)
                       .where(CommentFlag.resolved_at.is_(None),
                              Proposal.community_id == actor.community_id)).one()
        review = s.exec(select(func.count()).select_from(Proposal).where(
            Proposal.community_id == actor.community_id,
            col(Proposal.status).in_(("submitted", "under_review")))).one()
    return {"flags": flags, "review": review}
