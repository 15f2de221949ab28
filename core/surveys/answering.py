"""Answering a needs survey.

A verified roster resident of the survey's scope answers once, online, while the survey is
open and inside its window, and may change the answer until it closes (while still a
verified resident of its scope). A moderator enters a paper answer for a roster resident
(channel "offline", with who entered it), and may correct one entered by mistake until the
close. Each response writes one participation event ("survey_answer"), however often it is
changed afterwards.

Answers are given as {question id: value}: an option id (single choice), a list of option
ids (multiple choice), a whole number 1-5 (rating), every option id in order, first first
(ranking), or a text (short text). An optional question may be left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.audit import record
from core.errors import Conflict, InvalidInput
from core.participation import record_participation
from core.permissions import require
from core.principal import Principal
from core.surveys.common import (
    building_ids,
    in_scope,
    is_verified,
    load_survey,
    questions_of,
    roster_row,
    taking_answers,
)
from core.text import clean_text, is_whole_number
from db.engine import write_session
from db.models import Survey, SurveyAnswer, SurveyOption, SurveyQuestion, SurveyResponse, User
from db.models.base import utcnow

TEXT_MAX = 1000
RATINGS = (1, 2, 3, 4, 5)
TEXT_ERRORS = {
    "field.too_long": "survey.text_too_long",
    "field.bad_characters": "survey.text_bad_characters",
    "field.required": "survey.answer_required",
}


# --- checking answers ---------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, set)) and len(value) == 0)


def _bad(key: str, n: int, **params) -> InvalidInput:
    return InvalidInput(key, field="answers", n=n, **params)


def _text(value, n: int, required: bool) -> str | None:
    try:
        return clean_text(value, field="answers", max_len=TEXT_MAX, required=required)
    except InvalidInput as error:
        raise _bad(
            TEXT_ERRORS.get(error.key, "survey.text_bad_characters"), n, max=TEXT_MAX
        ) from None


def _rows(question: SurveyQuestion, options: list[SurveyOption], value) -> list[dict]:
    """The answer rows of one question's value, or InvalidInput naming its number."""
    n, ids = question.position, {o.id for o in options}
    one = dict(question_id=question.id)
    if question.kind == "single":
        if isinstance(value, (list, tuple, set)):
            raise _bad("survey.choose_one", n)
        if not is_whole_number(value) or value not in ids:
            raise _bad("survey.unknown_option", n)
        return [dict(one, option_id=value)]
    if question.kind == "rating":
        if not is_whole_number(value) or value not in RATINGS:
            raise _bad("survey.rating_range", n)
        return [dict(one, rating=value)]
    if question.kind == "text":
        text = _text(value, n, question.required)
        return [dict(one, text=text)] if text else []
    # multiple choice and ranking: a list of option ids (a ranking's in order)
    ordered = question.kind == "ranking"
    if not isinstance(value, (list, tuple)) and not (isinstance(value, set) and not ordered):
        raise _bad("survey.unknown_option", n)
    chosen = list(value)
    if any(not is_whole_number(i) or i not in ids for i in chosen):
        raise _bad("survey.unknown_option", n)
    if len(set(chosen)) != len(chosen):
        raise _bad("survey.ranking_duplicates" if ordered else "survey.duplicate_option", n)
    if ordered:
        if len(chosen) != len(ids):
            raise _bad("survey.ranking_incomplete", n, count=len(ids))
        return [dict(one, option_id=i, rank=rank) for rank, i in enumerate(chosen, start=1)]
    return [dict(one, option_id=i) for i in sorted(chosen)]


def clean_answers(
    questions: list[tuple[SurveyQuestion, list[SurveyOption]]], answers
) -> list[dict]:
    """The SurveyAnswer rows (without response id) for `answers`, or InvalidInput: every
    required question answered, every value of its question's kind, nothing else."""
    if not isinstance(answers, dict) or not all(is_whole_number(k) for k in answers):
        raise InvalidInput("survey.bad_answers", field="answers")
    if set(answers) - {q.id for q, _ in questions}:
        raise InvalidInput("survey.bad_answers", field="answers")
    rows = []
    for question, options in questions:
        value = answers.get(question.id)
        if _empty(value):
            if question.required:
                raise _bad("survey.answer_required", question.position)
            continue
        rows.extend(_rows(question, options, value))
    if not rows:
        raise InvalidInput("survey.empty_answer", field="answers")
    return rows


def answers_of(
    s: Session, response_id: int, questions: list[tuple[SurveyQuestion, list[SurveyOption]]]
) -> dict:
    """A stored response in the shape `clean_answers` takes (to show and edit it)."""
    kinds = {q.id: q.kind for q, _ in questions}
    found: dict[int, Any] = {}  # an option id, a list of them, a rating or a text, by kind
    rows = s.exec(
        select(SurveyAnswer)
        .where(SurveyAnswer.response_id == response_id)
        .order_by(
            col(SurveyAnswer.question_id), col(SurveyAnswer.rank), col(SurveyAnswer.option_id)
        )
    ).all()
    for a in rows:
        kind = kinds.get(a.question_id)
        if kind == "single":
            found[a.question_id] = a.option_id
        elif kind in ("multiple", "ranking"):
            found.setdefault(a.question_id, []).append(a.option_id)
        elif kind == "rating":
            found[a.question_id] = a.rating
        elif kind == "text":
            found[a.question_id] = a.text
    return found


# --- writing ------------------------------------------------------------------------------


def _existing(s: Session, survey_id: int, resident_id: int) -> SurveyResponse | None:
    return s.exec(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey_id, SurveyResponse.resident_id == resident_id
        )
    ).first()


def _add_response(
    s: Session,
    survey: Survey,
    resident_id: int,
    rows: list[dict],
    *,
    user_id: int | None,
    channel: str,
    entered_by: int | None,
) -> int:
    assert survey.id is not None  # a stored survey
    response = SurveyResponse(
        survey_id=survey.id,
        resident_id=resident_id,
        user_id=user_id,
        channel=channel,
        entered_by=entered_by,
    )
    s.add(response)
    try:  # the (survey, resident) key: a second answer sent at the same moment fails here
        s.flush()
    except IntegrityError:
        raise Conflict("survey.already_answered") from None
    assert response.id is not None  # set by the flush
    s.add_all([SurveyAnswer(response_id=response.id, **row) for row in rows])
    record_participation(
        s,
        community_id=survey.community_id,
        kind="survey_answer",
        resident_id=resident_id,
        user_id=user_id,
        channel=channel,
        object_type="survey",
        object_id=survey.id,
    )
    return response.id


def _replace_answers(s: Session, response: SurveyResponse, rows: list[dict]) -> None:
    """A response's answers, replaced in place: the same response (no new participation
    event), changed now."""
    assert response.id is not None  # a stored response
    s.execute(delete(SurveyAnswer).where(col(SurveyAnswer.response_id) == response.id))
    s.add_all([SurveyAnswer(response_id=response.id, **row) for row in rows])
    response.updated_at = utcnow()


def _open_survey(s: Session, survey_id, actor: Principal) -> Survey:
    # FOR SHARE on PostgreSQL: answers go in side by side, closing waits for those in flight.
    survey = load_survey(s, survey_id, actor, lock=True, shared=True)
    taking_answers(survey)
    return survey


def _answering_resident(s: Session, survey: Survey, actor: Principal):
    """The actor's roster row if they may answer this survey online: verified (not erased)
    and of its scope; else Conflict."""
    assert survey.id is not None  # a stored survey
    resident = roster_row(s, actor.resident_id)
    if resident is None or not is_verified(resident):
        raise Conflict("survey.unverified")
    if not in_scope(survey, building_ids(s, survey.id), resident):
        raise Conflict("survey.not_in_scope")
    return resident


def _paper_resident(s: Session, survey: Survey, resident_id):
    """The roster row of a resident whose paper answer a moderator enters or corrects:
    of the survey's community (else InvalidInput), verified and of its scope (else
    Conflict)."""
    assert survey.id is not None  # a stored survey
    resident = roster_row(s, resident_id)
    if resident is None or resident.community_id != survey.community_id:
        raise InvalidInput("survey.not_a_resident", field="resident")
    if not is_verified(resident):
        raise Conflict("survey.resident_unverified")
    if not in_scope(survey, building_ids(s, survey.id), resident):
        raise Conflict("survey.resident_not_in_scope")
    return resident


def answer_survey(*, actor: Principal, survey_id: int, answers: dict) -> int:
    """The signed-in resident's answer, once; returns the response id."""
    require(actor, "survey.answer")
    with write_session() as s:
        survey = _open_survey(s, survey_id, actor)
        assert survey.id is not None  # a stored survey
        resident = _answering_resident(s, survey, actor)
        existing = _existing(s, survey.id, resident.id)
        if existing is not None:
            raise Conflict(
                "survey.answered_on_paper"
                if existing.channel == "offline"
                else "survey.already_answered"
            )
        rows = clean_answers(questions_of(s, survey.id), answers)
        response_id = _add_response(
            s, survey, resident.id, rows, user_id=actor.user_id, channel="online", entered_by=None
        )
        record(s, actor=actor, action="survey.answer", object_type="survey", object_id=survey.id)
        return response_id


def edit_answer(*, actor: Principal, survey_id: int, answers: dict) -> None:
    """Replace one's own online answer while the survey is still open and one is still a
    verified resident of its scope, as for a first answer (no new participation event: it
    is the same response)."""
    require(actor, "survey.answer")
    with write_session() as s:
        survey = _open_survey(s, survey_id, actor)
        assert survey.id is not None  # a stored survey
        resident = _answering_resident(s, survey, actor)
        response = _existing(s, survey.id, resident.id)
        if response is None:
            raise Conflict("survey.not_answered")
        if response.channel == "offline":
            raise Conflict("survey.answered_on_paper")
        _replace_answers(s, response, clean_answers(questions_of(s, survey.id), answers))
        record(
            s, actor=actor, action="survey.edit_answer", object_type="survey", object_id=survey.id
        )


def enter_paper_answer(*, actor: Principal, survey_id: int, resident_id: int, answers: dict) -> int:
    """A moderator enters a roster resident's answer given on paper (or in person);
    returns the response id. Whoever answered online cannot also answer on paper."""
    require(actor, "survey.manage")
    with write_session() as s:
        survey = _open_survey(s, survey_id, actor)
        assert survey.id is not None  # a stored survey
        resident = _paper_resident(s, survey, resident_id)
        existing = _existing(s, survey.id, resident.id)
        if existing is not None:
            raise Conflict(
                "survey.already_answered_online"
                if existing.channel == "online"
                else "survey.already_answered_on_paper"
            )
        rows = clean_answers(questions_of(s, survey.id), answers)
        user_id = s.exec(select(User.id).where(User.resident_id == resident.id)).first()
        response_id = _add_response(
            s,
            survey,
            resident.id,
            rows,
            user_id=user_id,
            channel="offline",
            entered_by=actor.user_id,
        )
        # Not who: the public log does not say which residents answered.
        record(
            s, actor=actor, action="survey.paper_answer", object_type="survey", object_id=survey.id
        )
        return response_id


def correct_paper_answer(
    *, actor: Principal, survey_id: int, resident_id: int, answers: dict
) -> None:
    """A moderator replaces the answers of a paper answer entered by mistake, while the
    survey takes answers; it stays a paper answer (channel "offline") and keeps who entered
    it. An online answer is its resident's own to change."""
    require(actor, "survey.manage")
    with write_session() as s:
        survey = _open_survey(s, survey_id, actor)
        assert survey.id is not None  # a stored survey
        resident = _paper_resident(s, survey, resident_id)
        response = _existing(s, survey.id, resident.id)
        if response is None:
            raise Conflict("survey.no_paper_answer")
        if response.channel != "offline":
            raise Conflict("survey.answered_online_not_paper")
        _replace_answers(s, response, clean_answers(questions_of(s, survey.id), answers))
        # Not who, as for entering one: the public log does not name who answered.
        record(
            s,
            actor=actor,
            action="survey.correct_paper_answer",
            object_type="survey",
            object_id=survey.id,
        )
