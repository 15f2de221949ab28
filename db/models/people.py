"""Residents (the roster), user accounts, login throttling and web sessions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.models.base import created_at_field, fk, utcnow

AGE_BANDS = ("18-29", "30-44", "45-59", "60-74", "75+")
GENDERS = ("female", "male", "other")
EDUCATION_LEVELS = ("primary", "secondary", "vocational", "bachelor", "postgraduate")
OCCUPATIONS = ("employed", "self_employed", "retired", "student", "unemployed", "homemaker")
RESIDENCY_STATUSES = ("local_registered", "migrant", "renter")


class Resident(SQLModel, table=True):
    """One person on the community roster, with or without a login.

    Demographics are optional; they enter research figures only while
    `research_consent` is true. `updated_at` moves on every change, so a cached copy of the
    roster (the dashboard keeps one) knows when it is stale.
    """

    __table_args__ = (Index("ix_resident_community_updated", "community_id", "updated_at"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    building_id: int = fk("building.id")
    full_name: str = Field(max_length=100)
    unit: str | None = Field(default=None, max_length=20)
    age_band: str | None = Field(default=None, max_length=8)
    gender: str | None = Field(default=None, max_length=8)
    education: str | None = Field(default=None, max_length=16)
    occupation: str | None = Field(default=None, max_length=16)
    residency_status: str | None = Field(default=None, max_length=20)
    years_in_community: int | None = Field(default=None)
    research_consent: bool = Field(default=False)
    research_consent_at: datetime | None = Field(default=None)
    # Agreed to be invited by lot to hearings (a draw may be limited to those who agreed).
    invitation_consent: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # "roster" when imported or entered by staff, "self_registered" when created at sign-up.
    source: str = Field(default="roster", max_length=20)
    verified_at: datetime | None = Field(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )
    # Set when the person deleted their account: their personal data here was blanked.
    erased_at: datetime | None = Field(default=None)


class Role(StrEnum):
    """Who is acting. An account holds one of the first four; the last two are never stored."""

    RESIDENT = "resident"
    MODERATOR = "moderator"
    RESEARCHER = "researcher"
    ADMIN = "admin"
    ANONYMOUS = "anonymous"  # a visitor who has not signed in
    SYSTEM = "system"  # the app itself (timers, migrations)


ROLES = (Role.RESIDENT, Role.MODERATOR, Role.RESEARCHER, Role.ADMIN)  # an account's


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    # Normalised (NFKC + casefold) login name: the uniqueness key.
    username: str = Field(max_length=32, unique=True)
    display_name: str = Field(max_length=40)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.RESIDENT, max_length=16, index=True)
    locale: str = Field(default="zh-CN", max_length=8)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", unique=True)
    active: bool = Field(default=True)
    blocked_until: datetime | None = Field(default=None)
    password_changed_at: datetime | None = Field(default=None)
    last_login_at: datetime | None = Field(default=None)
    created_at: datetime = created_at_field()
    # Set when the person deleted their account: shown as "deleted user" from then on.
    deleted_at: datetime | None = Field(default=None)


class LoginAttempt(SQLModel, table=True):
    """One login attempt, kept for throttling by account name and by source address.

    Attempts are keyed by the normalised name typed, whether or not such a user exists,
    so throttling behaves the same for unknown names and real accounts.
    """

    id: int | None = Field(default=None, primary_key=True)
    username_key: str = Field(max_length=64, index=True)
    source: str | None = Field(default=None, max_length=64, index=True)
    success: bool
    at: datetime = created_at_field()


class WebSession(SQLModel, table=True):
    """A logged-in browser session; the signed cookie carries its id."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = fk("user.id", ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_seen_at: datetime
    revoked_at: datetime | None = Field(default=None)
    # SHA-256 of the one-time token the browser redeems for the cookie.
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_expires_at: datetime | None = Field(default=None)


class UserBlock(SQLModel, table=True):
    """A moderator's temporary block of an abusive account (history kept)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id")
    blocked_by: int = fk("user.id")
    reason: str = Field(max_length=500)
    until: datetime
    created_at: datetime = created_at_field()
