"""Append-only facts: participation events (for the dashboard) and the public audit log."""
from datetime import datetime

from sqlmodel import Field, Index, SQLModel

from db.models.base import created_at_field, fk

PARTICIPATION_KINDS = (
    "proposal",
    "need",
    "comment",
    "support",
    "vote",
    "hearing_registration",
    "attendance",
    "speaking",
    "statement",
    "reaction",
    "flag",
)


class ParticipationEvent(SQLModel, table=True):
    """Who did what kind of participation, through which channel, when.

    `amount` is 1 for countable acts and the number of seconds for speaking time.
    """

    __table_args__ = (
        Index("ix_participation_community_kind_at", "community_id", "kind", "at"),
        Index("ix_participation_resident_at", "resident_id", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id", index=False)
    resident_id: int | None = fk("resident.id", nullable=True, index=False)
    user_id: int | None = fk("user.id", nullable=True, index=False)
    kind: str = Field(max_length=24)
    channel: str = Field(default="online", max_length=8)
    object_type: str | None = Field(default=None, max_length=24)
    object_id: int | None = Field(default=None)
    amount: float = Field(default=1.0)
    at: datetime = created_at_field()


class AuditEvent(SQLModel, table=True):
    """One link of the hash-chained public log: hash = SHA-256(prev_hash + canonical body)."""

    seq: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor_role: str = Field(max_length=16)
    actor_user_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=48, index=True)
    object_type: str | None = Field(default=None, max_length=24)
    object_id: str | None = Field(default=None, max_length=64)
    payload: str = Field(default="{}", max_length=100000)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
