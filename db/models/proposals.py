"""Proposals and needs, their status history, supports, follows and progress updates."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk

PROPOSAL_KINDS = ("proposal", "need")


class ProposalStatus(StrEnum):
    """A proposal's status (the column stores the value). Declared beside the table because
    db may not import core; core/proposals/lifecycle.py re-exports it with the moves and the
    named groups."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    OPEN_FOR_DISCUSSION = "open_for_discussion"
    IN_HEARING = "in_hearing"
    VOTING = "voting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"
    ARCHIVED = "archived"


PROPOSAL_STATUSES = tuple(ProposalStatus)

CATEGORIES = (
    "environment",
    "facilities",
    "safety",
    "elderly_care",
    "children",
    "parking_traffic",
    "culture",
    "other",
)


class Proposal(SQLModel, table=True):
    __table_args__ = (
        Index("ix_proposal_community_status_created", "community_id", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    kind: str = Field(max_length=16)
    title: str = Field(max_length=120)
    body: str = Field(max_length=20000)
    category: str = Field(max_length=32, index=True)
    # None = the whole community; otherwise the building the proposal concerns.
    building_id: int | None = fk("building.id", nullable=True)
    author_id: int = fk("user.id")
    status: str = Field(default=ProposalStatus.SUBMITTED, max_length=24)
    actor_id: int | None = fk("actor.id", nullable=True)
    assigned_at: datetime | None = Field(default=None)
    # When the responsible actor's response clock started (review began, or reassignment).
    clock_started_at: datetime | None = Field(default=None)
    merged_into_id: int | None = fk("proposal.id", nullable=True, index=False)
    # The needs survey this proposal was made from, if any.
    survey_id: int | None = fk("survey.id", nullable=True)
    photo_path: str | None = Field(default=None, max_length=200)
    answer_text: str | None = Field(default=None, max_length=5000)
    cost_estimate: float | None = Field(default=None)
    timeline: str | None = Field(default=None, max_length=200)
    answered_at: datetime | None = Field(default=None)
    progress_pct: int = Field(default=0)
    # Denormalised counts, kept in the same transaction as the rows they count.
    support_count: int = Field(default=0, index=True)
    comment_count: int = Field(default=0)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ProposalStatusChange(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("proposal.id")
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str = Field(max_length=24)
    reason: str | None = Field(default=None, max_length=2000)
    by_user_id: int | None = fk("user.id", nullable=True, index=False)
    # Set when the entry records an assignment of the responsible actor.
    actor_id: int | None = fk("actor.id", nullable=True, index=False)
    at: datetime = created_at_field()


class Support(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("proposal_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("proposal.id")
    resident_id: int = fk("resident.id")
    user_id: int | None = fk("user.id", nullable=True, index=False)
    channel: str = Field(default="online", max_length=8)
    created_at: datetime = created_at_field()


class ProposalFollow(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("proposal.id")
    user_id: int = fk("user.id")
    created_at: datetime = created_at_field()


class ProgressUpdate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = fk("proposal.id")
    text: str = Field(max_length=2000)
    progress_pct: int
    by_user_id: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()
