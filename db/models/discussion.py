"""Threaded comments with revisions, reactions and flags."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("proposal.id")
    parent_id: int | None = fk("comment.id", nullable=True)
    depth: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}
    )  # 0 for a top-level comment, parent's depth + 1 for a reply
    author_id: int = fk("user.id")
    body: str = Field(max_length=5000)
    agree_count: int = Field(default=0)
    disagree_count: int = Field(default=0)
    edited_at: datetime | None = Field(default=None)
    # Deleted by its author: the body is emptied, the row stays so replies keep their place.
    deleted_at: datetime | None = Field(default=None)
    hidden_at: datetime | None = Field(default=None)
    hidden_reason: str | None = Field(default=None, max_length=500)
    hidden_by: int | None = fk("user.id", nullable=True, index=False)
    created_at: datetime = created_at_field()


class CommentRevision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = fk("comment.id")
    body: str = Field(max_length=5000)
    created_at: datetime = created_at_field()


class CommentReaction(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = fk("comment.id")
    user_id: int = fk("user.id")
    value: int  # +1 agree, -1 disagree
    created_at: datetime = created_at_field()


class CommentFlag(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = fk("comment.id")
    user_id: int = fk("user.id")
    reason: str = Field(max_length=500)
    resolution: str | None = Field(default=None, max_length=16)  # hidden / dismissed
    resolved_by: int | None = fk("user.id", nullable=True, index=False)
    resolved_at: datetime | None = Field(default=None)
    created_at: datetime = created_at_field()
