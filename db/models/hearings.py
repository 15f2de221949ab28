"""Hearings (听证会), argumentation meetings (论证会), forums (座谈会) and consultations."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk

HEARING_KINDS = ("public_hearing", "argumentation", "forum", "online_consultation")


class HearingStatus(StrEnum):
    """A hearing's status. Declared beside the table because db may not import core;
    core/hearings/lifecycle.py re-exports it with the moves and the named groups."""

    DRAFT = "draft"
    OPEN = "open"  # for registration
    REGISTRATION_CLOSED = "registration_closed"
    HELD = "held"
    MINUTES_PUBLISHED = "minutes_published"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class InvitationStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ATTENDED = "attended"


HEARING_STATUSES = tuple(HearingStatus)
REGISTRATION_STATUSES = tuple(RegistrationStatus)
INVITATION_STATUSES = tuple(InvitationStatus)
AUDIENCES = ("community", "building", "invited")
CHANNELS = ("online", "offline")


class Hearing(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    kind: str = Field(max_length=24)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=10000)
    status: str = Field(default=HearingStatus.DRAFT, max_length=24, index=True)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    place: str | None = Field(default=None, max_length=200)
    online_url: str | None = Field(default=None, max_length=500)
    capacity: int | None = Field(default=None)
    registration_deadline: datetime | None = Field(default=None)
    audience: str = Field(default="community", max_length=16)
    building_id: int | None = fk("building.id", nullable=True)
    minutes_md: str | None = Field(default=None, max_length=100000)
    minutes_published_at: datetime | None = Field(default=None)
    cancel_reason: str | None = Field(default=None, max_length=1000)
    created_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()


class HearingProposal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hearing_id", "proposal_id"),)
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id")
    proposal_id: int = fk("proposal.id")
    outcome: str | None = Field(default=None, max_length=24)
    outcome_reason: str | None = Field(default=None, max_length=2000)


class HearingRegistration(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hearing_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id")
    resident_id: int = fk("resident.id")
    status: str = Field(default=RegistrationStatus.REGISTERED, max_length=16)
    channel: str = Field(default="online", max_length=8)
    statement: str | None = Field(default=None, max_length=10000)
    # A seat taken by accepting a sortition invitation (panel seats are kept apart from the
    # seats open to everyone).
    by_invitation: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    cancelled_at: datetime | None = Field(default=None)


class HearingDraw(SQLModel, table=True):
    """The stratified sortition behind a hearing's invitations, kept so anyone with access
    can redraw it: the same pool, quotas, k and seed always give the same panel.

    JSON columns are canonical JSON: `quotas` {feature: {value: [min, max]}}, `pool`
    {stratum: [resident ids]} (the pool at draw time), `strata` {stratum: {"pool": n,
    "probability": p}} (each member's selection probability under the fair distribution).
    """

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id", unique=True, index=False)
    k: int
    seed: str = Field(max_length=64)
    consenting_only: bool
    quotas: str
    pool: str
    pool_digest: str = Field(max_length=64)
    strata: str
    minimum_probability: float
    created_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()


class HearingInvitation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hearing_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id")
    resident_id: int = fk("resident.id")
    # The resident's values of the draw's quota features, e.g. "age_band=60-74|building=B03".
    stratum: str = Field(max_length=200)
    status: str = Field(default=InvitationStatus.INVITED, max_length=16)
    # Seed of the draw that picked this person (the panel's, or the replacement's own).
    draw_seed: str | None = Field(default=None, max_length=64)
    replaces_id: int | None = fk("hearinginvitation.id", nullable=True, index=False)
    answered_at: datetime | None = Field(default=None)
    # Who recorded the answer: the resident, or a moderator for a reply by letter or phone.
    answered_by: int | None = fk("user.id", nullable=True, index=False)
    created_at: datetime = created_at_field()


class HearingAttendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hearing_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id")
    resident_id: int = fk("resident.id")
    channel: str = Field(max_length=8)
    checked_in_by: int | None = fk("user.id", nullable=True, index=False)
    created_at: datetime = created_at_field()


class SpeakerRole(StrEnum):
    RESIDENT = "resident"
    EXPERT = "expert"
    OFFICIAL = "official"
    ACTOR = "actor"  # someone speaking for a responsible actor


class Testimony(SQLModel, table=True):
    """A turn on the speaker list, or a written statement."""

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = fk("hearing.id")
    resident_id: int | None = fk("resident.id", nullable=True)
    speaker_name: str = Field(max_length=100)
    speaker_role: str = Field(max_length=16)  # resident/expert/official/actor
    position: str = Field(max_length=8)  # for/against/neutral
    summary: str | None = Field(default=None, max_length=10000)
    turn_order: int | None = Field(default=None)
    started_at: datetime | None = Field(default=None)
    seconds_spoken: int | None = Field(default=None)
    created_at: datetime = created_at_field()
