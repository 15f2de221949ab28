"""Community organisations and volunteer teams: responsible actors (an Actor row, so the
responsibility board lists them) with a public page, members, coordinators, activities,
sign-ups, attendance and volunteer hours."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk

ORGANISATION_KINDS = ("social_organisation", "volunteer_team")  # the Actor kinds they take


class MemberRole(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


MEMBER_ROLES = tuple(MemberRole)


class MembershipStatus(StrEnum):
    """A resident's request to join and, once accepted, membership. Declared beside the
    table because db may not import core; core/organisations/lifecycle.py re-exports it."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"


class SignupStatus(StrEnum):
    SIGNED_UP = "signed_up"
    CANCELLED = "cancelled"


MEMBERSHIP_STATUSES = tuple(MembershipStatus)
SIGNUP_STATUSES = tuple(SignupStatus)


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    actor_id: int = fk("actor.id", unique=True, index=False)
    purpose: str = Field(max_length=2000)
    contact: str = Field(default="", max_length=200)
    created_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()


class OrganisationMember(SQLModel, table=True):
    """A resident's request to join, and once accepted their membership; a coordinator is a
    member who runs the organisation (the role is scoped to this organisation only)."""

    __table_args__ = (UniqueConstraint("organisation_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id")
    resident_id: int = fk("resident.id")
    user_id: int | None = fk("user.id", nullable=True)
    role: str = Field(default=MemberRole.MEMBER, max_length=16)
    status: str = Field(default=MembershipStatus.REQUESTED, max_length=16)
    message: str = Field(default="", max_length=500)
    decided_by: int | None = fk("user.id", nullable=True, index=False)
    decided_at: datetime | None = Field(default=None)
    created_at: datetime = created_at_field()


class OrganisationActivity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id")
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    place: str = Field(default="", max_length=200)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    capacity: int | None = Field(default=None)
    created_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()
    cancelled_at: datetime | None = Field(default=None)
    cancelled_reason: str | None = Field(default=None, max_length=500)


class ActivitySignup(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("activity_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = fk("organisationactivity.id")
    resident_id: int = fk("resident.id")
    user_id: int | None = fk("user.id", nullable=True, index=False)
    status: str = Field(default=SignupStatus.SIGNED_UP, max_length=16)
    created_at: datetime = created_at_field()


class VolunteerRecord(SQLModel, table=True):
    """A resident's attendance at an activity and the hours they gave: recorded by the
    resident online or by a coordinator for someone who came in person (offline)."""

    __table_args__ = (UniqueConstraint("activity_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = fk("organisationactivity.id")
    resident_id: int = fk("resident.id")
    hours: float
    channel: str = Field(default="online", max_length=8)
    recorded_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()
