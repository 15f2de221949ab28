"""Communities, their buildings, the actors responsible for issues, census baselines."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk

ACTOR_KINDS = (
    "party_branch",
    "residents_committee",
    "street_office",
    "property_company",
    "social_organisation",
    "volunteer_team",
)


class Community(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    # Share of the roster in a proposal's scope whose support moves it to review.
    support_threshold: float = Field(default=0.05)
    # Moderators are alerted when the most active tenth of a proposal's commenters write
    # more than this share of its comments.
    dominance_alert: float = Field(default=0.5, sa_column_kwargs={"server_default": "0.5"})
    # Research figures publish no group of fewer than this many persons (an admin sets it,
    # never the viewer; see core/dashboard/disclosure rules in docs/PRIVACY.md).
    disclosure_k: int = Field(default=10, sa_column_kwargs={"server_default": "10"})
    created_at: datetime = created_at_field()


class Building(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    code: str = Field(max_length=20)
    name: str = Field(max_length=100)
    created_at: datetime = created_at_field()


class Actor(SQLModel, table=True):
    """A party that can be held responsible for a proposal or need."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    name: str = Field(max_length=100)
    kind: str = Field(max_length=32)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()


class CensusBaseline(SQLModel, table=True):
    """Reference population share of one group on one dimension (e.g. age_band = 60+)."""

    __table_args__ = (UniqueConstraint("community_id", "dimension", "group", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    dimension: str = Field(max_length=32)
    group: str = Field(max_length=64)
    share: float
    source: str = Field(max_length=200)
    year: int


class ServiceLevel(SQLModel, table=True):
    """How soon a responsible actor should answer and complete an issue of one category; a
    category without a row uses the defaults in core/accountability.py."""

    __table_args__ = (UniqueConstraint("community_id", "category"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    category: str = Field(max_length=32)
    first_answer_days: int
    completion_days: int
    updated_at: datetime = created_at_field()


ANNOUNCEMENT_KINDS = ("decision", "event", "result", "notice")


class Announcement(SQLModel, table=True):
    """A notice from the moderators: a governance decision, an event, a result. Pinned ones
    lead the home page; `building_id` limits it to one building's residents (None: all)."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    building_id: int | None = fk("building.id", nullable=True)
    kind: str = Field(max_length=16)
    title: str = Field(max_length=120)
    body: str = Field(max_length=5000)
    pinned: bool = Field(default=False)
    author_id: int = fk("user.id", index=False)
    published_at: datetime = created_at_field()
    withdrawn_at: datetime | None = Field(default=None)
    withdrawn_reason: str | None = Field(default=None, max_length=500)
