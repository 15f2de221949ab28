"""Append-only facts: participation events (for the dashboard), the public audit log, and
activity logs imported from elsewhere for research."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
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
    "survey_answer",
    "organisation_activity",  # attending an organisation's or volunteer team's activity
    "volunteer_hours",  # amount: the hours given
)


class ParticipationEvent(SQLModel, table=True):
    """Who did what kind of participation, through which channel, when.

    `amount` is 1 for countable acts and the number of seconds for speaking time.
    """

    __table_args__ = (
        # Covering indexes for the dashboard: per-resident counts scan the first in resident
        # order without touching the table; trends count time ranges of one kind in the
        # second. Both carry every column a dashboard filter reads.
        Index(
            "ix_participation_per_resident",
            "community_id",
            "resident_id",
            "kind",
            "channel",
            "at",
            "amount",
        ),
        Index(
            "ix_participation_kind_time",
            "community_id",
            "kind",
            "at",
            "resident_id",
            "channel",
            "amount",
        ),
        Index("ix_participation_object", "object_type", "object_id"),
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


class ExternalDataset(SQLModel, table=True):
    """An activity log from elsewhere that a researcher imported, kept so that it can be
    analysed again later: the CSV as uploaded (gzip-compressed), with what was checked."""

    __table_args__ = (UniqueConstraint("community_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    name: str = Field(max_length=80)
    file_name: str | None = Field(default=None, max_length=200)
    rows: int
    persons: int
    columns: str = Field(max_length=4000)  # JSON list of the CSV's column names
    sha256: str = Field(max_length=64)  # of the bytes as uploaded
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: int = fk("user.id", index=False)
    uploaded_at: datetime = created_at_field()
