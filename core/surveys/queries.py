"""Reading surveys: the list (with whether each is for the viewer and answered), and one
survey in full with its questions, the viewer's own answer and the proposals made from it.

The status shown is the one the window makes (an open survey past its closing time is
closed); meeting such a survey stores its close."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, computed_field
from sqlalchemy import func
from sqlmodel import col, select

from core.permissions import can, require
from core.principal import Principal
from core.rows import stored_id
from core.surveys import lifecycle
from core.surveys.answering import answers_of
from core.surveys.common import (
    close_lapsed,
    in_scope,
    is_verified,
    lapsed,
    questions_of,
    roster_row,
    status_of,
    survey_or_none,
)
from core.surveys.lifecycle import SurveyStatus
from core.text import is_whole_number
from db.engine import read_session
from db.models import Building, Proposal, Survey, SurveyBuilding, SurveyResponse
from db.models.base import utcnow

LIST_LIMIT = 100
# Keyed by str, as lifecycle.MOVES is: a summary's status is a plain str.
ORDER: dict[str, int] = {SurveyStatus.OPEN: 0, SurveyStatus.DRAFT: 1, SurveyStatus.CLOSED: 2}


class OptionView(BaseModel):
    id: int
    label: str


class QuestionView(BaseModel):
    id: int
    position: int  # 1 first: "question n" in messages
    kind: str
    prompt: str
    required: bool
    options: list[OptionView]


class SurveySummary(BaseModel):
    id: int
    title: str
    status: str  # as the window makes it: "closed" once the closing time has passed
    scope: str
    buildings: list[str]  # names, for a "buildings" survey
    opens_at: datetime
    closes_at: datetime
    responses: int
    accepting: bool  # open and inside its window now (an open one not accepting: not yet)
    for_me: bool  # the viewer is a verified resident of its scope
    answered: str | None  # the viewer's channel ("online" / "offline"), if answered

    # What the lifecycle says about the status, so that pages ask instead of comparing.
    # (mypy does not support decorators on a property, python/mypy#1362: pydantic's docs
    # say to ignore that on @computed_field.)
    @computed_field  # type: ignore[prop-decorator]
    @property
    def draft(self) -> bool:
        """Not opened yet: no answers, no results (staff only see it)."""
        return self.status == SurveyStatus.DRAFT

    @computed_field  # type: ignore[prop-decorator]
    @property
    def closed(self) -> bool:
        """Closed (by a moderator or its window): results for all, proposals can be made."""
        return self.status == SurveyStatus.CLOSED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def waiting_to_open(self) -> bool:
        """Opened, but its window has not begun: not accepting answers yet."""
        return self.status == SurveyStatus.OPEN and not self.accepting

    @computed_field  # type: ignore[prop-decorator]
    @property
    def openable(self) -> bool:
        return lifecycle.can_move(self.status, SurveyStatus.OPEN)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def closable(self) -> bool:
        """Can be closed before the end of its window."""
        return lifecycle.can_move(self.status, SurveyStatus.CLOSED)


class LinkedProposal(BaseModel):
    id: int
    title: str
    status: str


class SurveyDetail(SurveySummary):
    intro: str
    building_ids: list[int]
    questions: list[QuestionView]
    verified: bool  # the viewer is a verified roster resident
    my_answers: dict | None  # {question id: value}, as answer_survey takes them
    editable: bool  # details and questions may still change (not closed, no answers)
    offline: int  # paper answers among the responses
    proposals: list[LinkedProposal]


def _accepting(survey: Survey) -> bool:
    return status_of(survey) == SurveyStatus.OPEN and survey.opens_at <= utcnow()


def list_surveys(*, viewer: Principal, limit: int = LIST_LIMIT) -> list[SurveySummary]:
    """The community's surveys (drafts for staff only): open ones first, then drafts, then
    closed ones, each group by closing time (newest closed first)."""
    require(viewer, "page.surveys")
    staff = can(viewer, "survey.manage")
    with read_session() as s:
        query = select(Survey).where(Survey.community_id == viewer.community_id)
        if not staff:
            query = query.where(Survey.status != SurveyStatus.DRAFT)
        surveys = s.exec(query.order_by(col(Survey.closes_at).desc()).limit(limit)).all()
        ids = [stored_id(x.id) for x in surveys]
        counts = (
            dict(
                s.exec(
                    select(SurveyResponse.survey_id, func.count())
                    .where(col(SurveyResponse.survey_id).in_(ids))
                    .group_by(col(SurveyResponse.survey_id))
                ).all()
            )
            if ids
            else {}
        )
        places: dict[int, list[tuple[int, str]]] = {}
        for survey_id, building_id, name in (
            s.exec(
                select(SurveyBuilding.survey_id, Building.id, Building.name)
                .join(Building, col(Building.id) == col(SurveyBuilding.building_id))
                .where(col(SurveyBuilding.survey_id).in_(ids))
                .order_by(col(Building.code))
            ).all()
            if ids
            else []
        ):
            places.setdefault(survey_id, []).append((stored_id(building_id), name))
        resident = roster_row(s, viewer.resident_id)
        mine = (
            dict(
                s.exec(
                    select(SurveyResponse.survey_id, SurveyResponse.channel).where(
                        SurveyResponse.resident_id == resident.id,
                        col(SurveyResponse.survey_id).in_(ids),
                    )
                ).all()
            )
            if resident is not None and ids
            else {}
        )
    close_lapsed([i for x, i in zip(surveys, ids, strict=True) if lapsed(x)])
    verified = is_verified(resident)
    summaries = [
        SurveySummary(
            id=i,
            title=x.title,
            status=status_of(x),
            scope=x.scope,
            buildings=[name for _, name in places.get(i, [])],
            opens_at=x.opens_at,
            closes_at=x.closes_at,
            responses=counts.get(i, 0),
            accepting=_accepting(x),
            for_me=verified
            and resident is not None
            and in_scope(x, [b for b, _ in places.get(i, [])], resident),
            answered=mine.get(i),
        )
        for x, i in zip(surveys, ids, strict=True)
    ]
    return sorted(summaries, key=_order)


def _order(x: SurveySummary) -> tuple:
    """Open, then drafts, each closing soonest first; then closed ones, newest first."""
    when = x.closes_at.timestamp()
    return ORDER[x.status], -when if x.closed else when


def get_survey(*, viewer: Principal, survey_id: int) -> SurveyDetail | None:
    """One survey in full, or None when it is not there for the viewer (a draft is only
    there for staff)."""
    require(viewer, "page.surveys")
    with read_session() as s:
        survey = survey_or_none(s, survey_id, viewer, staff=can(viewer, "survey.manage"))
        if survey is None:
            return None
        assert survey.id is not None  # a stored survey
        places = s.exec(
            select(Building.id, Building.name)
            .join(SurveyBuilding, col(SurveyBuilding.building_id) == col(Building.id))
            .where(SurveyBuilding.survey_id == survey.id)
            .order_by(col(Building.code))
        ).all()
        questions = questions_of(s, survey.id)
        counts = dict(
            s.exec(
                select(SurveyResponse.channel, func.count())
                .where(SurveyResponse.survey_id == survey.id)
                .group_by(SurveyResponse.channel)
            ).all()
        )
        resident = roster_row(s, viewer.resident_id)
        mine = (
            s.exec(
                select(SurveyResponse.id, SurveyResponse.channel).where(
                    SurveyResponse.survey_id == survey.id, SurveyResponse.resident_id == resident.id
                )
            ).first()
            if resident is not None
            else None
        )
        my_answers = answers_of(s, stored_id(mine[0]), questions) if mine else None
        proposals = s.exec(
            select(Proposal.id, Proposal.title, Proposal.status)
            .where(Proposal.survey_id == survey.id, Proposal.community_id == survey.community_id)
            .order_by(col(Proposal.id))
        ).all()
        status = status_of(survey)
        editable = status != SurveyStatus.CLOSED and not sum(counts.values())
    if status != survey.status:  # open, past its window: store the close
        close_lapsed([survey.id])
    verified = is_verified(resident)
    place_ids = [stored_id(b) for b, _ in places]
    return SurveyDetail(
        id=survey.id,
        title=survey.title,
        status=status,
        scope=survey.scope,
        buildings=[name for _, name in places],
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        responses=sum(counts.values()),
        accepting=_accepting(survey),
        for_me=verified and resident is not None and in_scope(survey, place_ids, resident),
        answered=mine[1] if mine else None,
        intro=survey.intro,
        building_ids=place_ids,
        questions=[
            QuestionView(
                id=stored_id(q.id),
                position=q.position,
                kind=q.kind,
                prompt=q.prompt,
                required=q.required,
                options=[OptionView(id=stored_id(o.id), label=o.label) for o in options],
            )
            for q, options in questions
        ],
        verified=verified,
        my_answers=my_answers,
        editable=editable,
        offline=counts.get("offline", 0),
        proposals=[
            LinkedProposal(id=stored_id(i), title=title, status=status)
            for i, title, status in proposals
        ],
    )


def paper_answer_of(*, viewer: Principal, survey_id: int, resident_id: int) -> dict | None:
    """A resident's paper answer to a survey ({question id: value}, as enter_paper_answer
    takes it), for a moderator to correct; None when they have none (or answered online)."""
    require(viewer, "survey.manage")
    if not is_whole_number(resident_id):
        return None
    with read_session() as s:
        survey = survey_or_none(s, survey_id, viewer, staff=True)
        if survey is None:
            return None
        assert survey.id is not None  # a stored survey
        response_id = s.exec(
            select(SurveyResponse.id).where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.resident_id == resident_id,
                SurveyResponse.channel == "offline",
            )
        ).first()
        if response_id is None:
            return None
        return answers_of(s, response_id, questions_of(s, survey.id))


__all__ = [
    "LinkedProposal",
    "OptionView",
    "QuestionView",
    "SurveyDetail",
    "SurveySummary",
    "get_survey",
    "list_surveys",
    "paper_answer_of",
]
