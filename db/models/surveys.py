"""Needs surveys: moderators ask residents of the community or some buildings a few
questions; each roster resident answers once (online, or on paper entered by a moderator)."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk


class SurveyStatus(StrEnum):
    """A survey's stored status. Declared beside the table because db may not import core;
    core/surveys/lifecycle.py re-exports it with the moves."""

    DRAFT = "draft"
    OPEN = "open"  # takes answers between opens_at and closes_at
    CLOSED = "closed"


SURVEY_STATUSES = tuple(SurveyStatus)
QUESTION_KINDS = ("single", "multiple", "rating", "ranking", "text")


class Survey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    title: str = Field(max_length=120)
    intro: str = Field(default="", max_length=5000)
    # "community", or "buildings" with the buildings listed in SurveyBuilding.
    scope: str = Field(default="community", max_length=16)
    status: str = Field(default=SurveyStatus.DRAFT, max_length=16)
    opens_at: datetime
    closes_at: datetime
    created_by: int = fk("user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    opened_at: datetime | None = Field(default=None)
    closed_at: datetime | None = Field(default=None)


class SurveyBuilding(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("survey_id", "building_id"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = fk("survey.id")
    building_id: int = fk("building.id")


class SurveyQuestion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("survey_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = fk("survey.id")
    position: int
    kind: str = Field(max_length=16)
    prompt: str = Field(max_length=300)
    required: bool = Field(default=True)


class SurveyOption(SQLModel, table=True):
    """A choice of a single, multiple or ranking question."""

    __table_args__ = (UniqueConstraint("question_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = fk("surveyquestion.id")
    position: int
    label: str = Field(max_length=200)


class SurveyResponse(SQLModel, table=True):
    """One resident's answers to one survey: at most one (a unique key), editable until close."""

    __table_args__ = (UniqueConstraint("survey_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = fk("survey.id")
    resident_id: int = fk("resident.id")
    user_id: int | None = fk("user.id", nullable=True, index=False)
    channel: str = Field(default="online", max_length=8)  # "offline": a paper answer
    entered_by: int | None = fk("user.id", nullable=True, index=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class SurveyAnswer(SQLModel, table=True):
    """One answer to one question: a chosen option (one row per option of a multiple choice;
    with its rank, 1 first, for a ranking), a rating of 1 to 5, or a short text."""

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = fk("surveyresponse.id")
    question_id: int = fk("surveyquestion.id")
    option_id: int | None = fk("surveyoption.id", nullable=True, index=False)
    rank: int | None = Field(default=None)
    rating: int | None = Field(default=None)
    text: str | None = Field(default=None, max_length=1000)
