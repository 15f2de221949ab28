"""Drafting a needs survey (its details, questions and options), then opening and closing it.

A survey and its questions can change until the first answer arrives, and never once it is
closed: after that, answers would no longer match the questions people were asked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import require
from core.principal import Principal
from core.rows import community_choice, stored_id
from core.surveys import lifecycle
from core.surveys.common import (
    CHOICE_KINDS,
    QUESTION_KINDS,
    SCOPES,
    has_responses,
    load_survey,
    status_of,
)
from core.surveys.lifecycle import SurveyStatus
from core.text import aware_datetime, clean_text, is_whole_number
from db.engine import write_session
from db.models import Building, Survey, SurveyBuilding, SurveyOption, SurveyQuestion
from db.models.base import utcnow

TITLE_MAX = 120
INTRO_MAX = 5000
PROMPT_MAX = 300
OPTION_MAX = 200
MAX_OPTIONS = 20
MAX_QUESTIONS = 30


# --- checking what the moderator typed ----------------------------------------------------


def _details(title, intro, scope, opens_at, closes_at) -> tuple:
    title = clean_text(title, field="title", max_len=TITLE_MAX, min_len=4)
    if isinstance(intro, str) and len(intro) > INTRO_MAX * 2:
        raise InvalidInput("field.too_long", field="intro", max=INTRO_MAX)
    intro = (
        clean_text(intro, field="intro", max_len=INTRO_MAX, multiline=True, required=False) or ""
    )
    if scope not in SCOPES:
        raise InvalidInput("field.not_a_choice", field="scope")
    opens_at = aware_datetime(opens_at, field="opens_at")
    closes_at = aware_datetime(closes_at, field="closes_at")
    if closes_at <= opens_at:
        raise InvalidInput("survey.closes_before_opens", field="closes_at")
    if closes_at <= utcnow():
        raise InvalidInput("survey.closes_in_past", field="closes_at")
    return title, intro, scope, opens_at, closes_at


def _buildings(s: Session, scope: str, building_ids, actor: Principal) -> list[Building]:
    """The buildings a "buildings" survey is for (at least one, each of the actor's
    community); a community-wide survey takes none."""
    if building_ids is None:
        building_ids = []
    if not isinstance(building_ids, (list, tuple, set)):
        raise InvalidInput("field.not_a_choice", field="building")
    if scope == "community":
        if building_ids:
            raise InvalidInput("survey.buildings_for_community", field="building")
        return []
    if not building_ids:
        raise InvalidInput("survey.no_buildings", field="building")
    chosen = [
        community_choice(s, Building, b, actor, field="building")
        for b in dict.fromkeys(building_ids)
    ]
    return chosen


def _question(kind, prompt, options, required) -> tuple[str, str, list[str], bool]:
    if kind not in QUESTION_KINDS:
        raise InvalidInput("field.not_a_choice", field="question_kind")
    prompt = clean_text(prompt, field="prompt", max_len=PROMPT_MAX)
    if not isinstance(required, bool):
        raise InvalidInput("field.not_a_choice", field="required")
    if options is None:
        options = []
    if not isinstance(options, (list, tuple)):
        raise InvalidInput("survey.bad_options", field="options")
    if kind not in CHOICE_KINDS:
        if options:
            raise InvalidInput("survey.no_options_for_kind", field="options")
        return kind, prompt, [], required
    if len(options) > MAX_OPTIONS:
        raise InvalidInput("survey.option_count", field="options", min=2, max=MAX_OPTIONS)
    labels = [clean_text(o, field="options", max_len=OPTION_MAX) for o in options]
    if len(labels) < 2:
        raise InvalidInput("survey.option_count", field="options", min=2, max=MAX_OPTIONS)
    if len({label.casefold() for label in labels}) != len(labels):
        raise InvalidInput("survey.duplicate_labels", field="options")
    return kind, prompt, labels, required


def _editable(s: Session, survey: Survey) -> None:
    """Conflict unless the survey's questions may still change."""
    assert survey.id is not None  # a stored survey
    if status_of(survey) == SurveyStatus.CLOSED:
        raise Conflict("survey.closed_no_changes")
    if has_responses(s, survey.id):
        raise Conflict("survey.questions_frozen")


def _question_for_update(s: Session, question_id, actor: Principal):
    """(question, its survey) if the survey is the actor's community's, else NotFound."""
    question = s.get(SurveyQuestion, question_id) if is_whole_number(question_id) else None
    if question is None:
        raise NotFound("error.not_found")
    return question, load_survey(s, question.survey_id, actor, lock=True)


def _add_options(s: Session, question_id: int, labels: list[str]) -> None:
    s.add_all(
        [
            SurveyOption(question_id=question_id, position=position, label=label)
            for position, label in enumerate(labels, start=1)
        ]
    )


# --- the survey ---------------------------------------------------------------------------


def create_survey(
    *,
    actor: Principal,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    intro: str = "",
    scope: str = "community",
    building_ids: list[int] | None = None,
) -> int:
    """A draft survey for the whole community or some buildings; returns its id. Questions
    are added next, then it is opened."""
    require(actor, "survey.manage")
    title, intro, scope, opens_at, closes_at = _details(title, intro, scope, opens_at, closes_at)
    assert actor.user_id is not None and actor.community_id is not None  # a signed-in manager
    with write_session() as s:
        buildings = _buildings(s, scope, building_ids, actor)
        survey = Survey(
            community_id=actor.community_id,
            title=title,
            intro=intro,
            scope=scope,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor.user_id,
        )
        s.add(survey)
        s.flush()
        assert survey.id is not None  # set by the flush
        s.add_all(
            [SurveyBuilding(survey_id=survey.id, building_id=stored_id(b.id)) for b in buildings]
        )
        record(
            s,
            actor=actor,
            action="survey.create",
            object_type="survey",
            object_id=survey.id,
            payload={"title": title, "scope": scope, "buildings": [b.code for b in buildings]},
        )
        return survey.id


def update_survey(
    *,
    actor: Principal,
    survey_id: int,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    intro: str = "",
    scope: str = "community",
    building_ids: list[int] | None = None,
) -> None:
    """Change a survey's details while it has no answers (a draft, or open with none yet)."""
    require(actor, "survey.manage")
    title, intro, scope, opens_at, closes_at = _details(title, intro, scope, opens_at, closes_at)
    with write_session() as s:
        survey = load_survey(s, survey_id, actor, lock=True)
        assert survey.id is not None  # a stored survey
        _editable(s, survey)
        buildings = _buildings(s, scope, building_ids, actor)
        survey.title, survey.intro, survey.scope = title, intro, scope
        survey.opens_at, survey.closes_at, survey.updated_at = opens_at, closes_at, utcnow()
        s.execute(delete(SurveyBuilding).where(col(SurveyBuilding.survey_id) == survey.id))
        s.add_all(
            [SurveyBuilding(survey_id=survey.id, building_id=stored_id(b.id)) for b in buildings]
        )
        record(
            s,
            actor=actor,
            action="survey.update",
            object_type="survey",
            object_id=survey.id,
            payload={"title": title, "scope": scope, "buildings": [b.code for b in buildings]},
        )


def open_survey(*, actor: Principal, survey_id: int) -> None:
    """Draft -> open: it takes answers from `opens_at` until `closes_at`."""
    require(actor, "survey.manage")
    with write_session() as s:
        survey = load_survey(s, survey_id, actor, lock=True)
        if not lifecycle.can_move(survey.status, SurveyStatus.OPEN):
            raise Conflict("survey.not_draft")
        if survey.closes_at <= utcnow():
            raise Conflict("survey.closes_in_past")
        if (
            s.exec(
                select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id).limit(1)
            ).first()
            is None
        ):
            raise Conflict("survey.no_questions")
        survey.status, survey.opened_at = SurveyStatus.OPEN, utcnow()
        survey.updated_at = survey.opened_at
        record(s, actor=actor, action="survey.open", object_type="survey", object_id=survey.id)


def close_survey(*, actor: Principal, survey_id: int) -> None:
    """Open -> closed before the end of the window (at its end a survey closes by itself):
    no answer or change after it."""
    require(actor, "survey.manage")
    with write_session() as s:
        survey = load_survey(s, survey_id, actor, lock=True)
        if not lifecycle.can_move(status_of(survey), SurveyStatus.CLOSED):
            raise Conflict("survey.not_running")
        survey.status, survey.closed_at = SurveyStatus.CLOSED, utcnow()
        survey.updated_at = survey.closed_at
        record(s, actor=actor, action="survey.close", object_type="survey", object_id=survey.id)


# --- questions ----------------------------------------------------------------------------


def add_question(
    *,
    actor: Principal,
    survey_id: int,
    kind: str,
    prompt: str,
    options: list[str] | None = None,
    required: bool = True,
) -> int:
    """A question at the end of the survey; returns its id. `options`: the labels of a
    single choice, multiple choice or ranking question (2 to 20); none for a rating (1-5)
    or a short text."""
    require(actor, "survey.manage")
    kind, prompt, labels, required = _question(kind, prompt, options, required)
    with write_session() as s:
        survey = load_survey(s, survey_id, actor, lock=True)
        assert survey.id is not None  # a stored survey
        _editable(s, survey)
        last = (
            s.exec(
                select(SurveyQuestion.position)
                .where(SurveyQuestion.survey_id == survey.id)
                .order_by(col(SurveyQuestion.position).desc())
                .limit(1)
            ).first()
            or 0
        )
        if last >= MAX_QUESTIONS:
            raise Conflict("survey.too_many_questions", max=MAX_QUESTIONS)
        question = SurveyQuestion(
            survey_id=survey.id, position=last + 1, kind=kind, prompt=prompt, required=required
        )
        s.add(question)
        s.flush()
        assert question.id is not None  # set by the flush
        _add_options(s, question.id, labels)
        survey.updated_at = utcnow()
        record(
            s,
            actor=actor,
            action="survey.add_question",
            object_type="survey",
            object_id=survey.id,
            payload={"position": question.position, "kind": kind},
        )
        return question.id


def edit_question(
    *,
    actor: Principal,
    question_id: int,
    kind: str,
    prompt: str,
    options: list[str] | None = None,
    required: bool = True,
) -> None:
    """Rewrite a question (kind, prompt, options, required) while the survey has no
    answers; its options are replaced."""
    require(actor, "survey.manage")
    kind, prompt, labels, required = _question(kind, prompt, options, required)
    with write_session() as s:
        question, survey = _question_for_update(s, question_id, actor)
        _editable(s, survey)
        question.kind, question.prompt, question.required = kind, prompt, required
        s.execute(delete(SurveyOption).where(SurveyOption.question_id == question.id))
        _add_options(s, question.id, labels)
        survey.updated_at = utcnow()
        record(
            s,
            actor=actor,
            action="survey.edit_question",
            object_type="survey",
            object_id=survey.id,
            payload={"position": question.position, "kind": kind},
        )


def remove_question(*, actor: Principal, question_id: int) -> None:
    """Remove a question while the survey has no answers; the later ones move up."""
    require(actor, "survey.manage")
    with write_session() as s:
        question, survey = _question_for_update(s, question_id, actor)
        _editable(s, survey)
        position = question.position
        s.execute(delete(SurveyOption).where(SurveyOption.question_id == question.id))
        s.delete(question)
        s.flush()
        later = s.exec(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id, col(SurveyQuestion.position) > position)
            .order_by(col(SurveyQuestion.position))
        ).all()
        for q in later:  # one at a time, upwards: the (survey, position) key stays unique
            q.position -= 1
            s.flush()
        survey.updated_at = utcnow()
        record(
            s,
            actor=actor,
            action="survey.remove_question",
            object_type="survey",
            object_id=survey.id,
            payload={"position": position},
        )
