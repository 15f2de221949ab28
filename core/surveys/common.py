"""What the survey modules share: who a survey is for, when it takes answers, its status as
its window makes it, and loading its rows for a command."""

from __future__ import annotations

from sqlalchemy import Row, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.errors import Conflict, NotFound
from core.principal import Principal
from core.rows import community_row
from core.surveys.lifecycle import SurveyStatus
from core.text import is_whole_number
from core.voting.eligibility import is_verified  # on the roster, not erased: as for voting
from db.engine import write_session
from db.models import Resident, Survey, SurveyBuilding, SurveyOption, SurveyQuestion, SurveyResponse
from db.models.base import utcnow
from db.models.surveys import QUESTION_KINDS, SURVEY_STATUSES

__all__ = [
    "CHOICE_KINDS",
    "QUESTION_KINDS",
    "SCOPES",
    "SURVEY_STATUSES",
    "building_ids",
    "close_lapsed",
    "has_responses",
    "in_scope",
    "is_verified",
    "lapsed",
    "load_survey",
    "questions_of",
    "roster_row",
    "status_of",
    "survey_or_none",
    "taking_answers",
]

SCOPES = ("community", "buildings")
CHOICE_KINDS = ("single", "multiple", "ranking")  # the kinds whose answers pick options


def load_survey(
    s: Session, survey_id, actor: Principal, *, lock: bool = False, shared: bool = False
) -> Survey:
    """The survey if it belongs to the actor's community (else NotFound); `lock` takes a
    row lock on PostgreSQL (`shared`: FOR SHARE, so answers go in side by side while
    closing waits for them)."""
    return community_row(
        s,
        Survey,
        survey_id,
        actor,
        lock=lock and s.get_bind().dialect.name == "postgresql",
        shared=shared,
    )


def building_ids(s: Session, survey_id: int) -> list[int]:
    return sorted(
        s.exec(
            select(SurveyBuilding.building_id).where(SurveyBuilding.survey_id == survey_id)
        ).all()
    )


def questions_of(s: Session, survey_id: int) -> list[tuple[SurveyQuestion, list[SurveyOption]]]:
    """The survey's questions in order, each with its options in order (two queries)."""
    questions = s.exec(
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(col(SurveyQuestion.position))
    ).all()
    options: dict[int | None, list[SurveyOption]] = {q.id: [] for q in questions}
    if questions:
        for option in s.exec(
            select(SurveyOption)
            .where(col(SurveyOption.question_id).in_(list(options)))
            .order_by(col(SurveyOption.question_id), col(SurveyOption.position))
        ).all():
            options[option.question_id].append(option)
    return [(q, options[q.id]) for q in questions]


def has_responses(s: Session, survey_id: int) -> bool:
    return (
        s.exec(
            select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id).limit(1)
        ).first()
        is not None
    )


# The roster columns that decide whether someone may answer (a plain row, built once).
# SQLAlchemy's select: SQLModel's is typed for at most four columns.
_ROSTER = sa_select(
    col(Resident.id),
    col(Resident.community_id),
    col(Resident.building_id),
    col(Resident.source),
    col(Resident.verified_at),
    col(Resident.erased_at),
).where(col(Resident.id) == bindparam("resident_id"))


def roster_row(s: Session, resident_id) -> Row | None:
    if not is_whole_number(resident_id):
        return None
    return s.connection().execute(_ROSTER, {"resident_id": resident_id}).first()


def in_scope(survey: Survey, buildings: list[int], resident: Row) -> bool:
    """The survey is for the resident: same community, and the whole community or one of
    the survey's buildings."""
    return resident.community_id == survey.community_id and (
        survey.scope == "community" or resident.building_id in buildings
    )


def lapsed(survey: Survey) -> bool:
    """Stored as open, but its window has ended (on the server's clock)."""
    return survey.status == SurveyStatus.OPEN and utcnow() >= survey.closes_at


def status_of(survey: Survey) -> str:
    """The survey's status as its window makes it: an open survey whose closing time has
    passed is closed, whether or not anyone closed it (or the close is stored yet)."""
    return SurveyStatus.CLOSED if lapsed(survey) else survey.status


def close_lapsed(survey_ids: list[int]) -> None:
    """Store the close of those of these surveys whose window has ended (closed_at = the
    end of the window), in a transaction of its own; a survey someone else closed first is
    left as it is. Queries call it when they meet one, so that the stored status catches
    up with the clock."""
    if not survey_ids:
        return
    now = utcnow()
    with write_session() as s:
        s.execute(
            update(Survey)
            .where(
                col(Survey.id).in_(survey_ids),
                col(Survey.status) == SurveyStatus.OPEN,
                col(Survey.closes_at) <= now,
            )
            .values(status=SurveyStatus.CLOSED, closed_at=Survey.closes_at, updated_at=now)
        )


def taking_answers(survey: Survey) -> None:
    """Conflict unless the survey is open and inside its window (on the server's clock)."""
    status = status_of(survey)
    if status == SurveyStatus.CLOSED:
        raise Conflict("survey.closed")
    if status != SurveyStatus.OPEN or utcnow() < survey.opens_at:
        raise Conflict("survey.not_open")


def survey_or_none(s: Session, survey_id, viewer: Principal, *, staff: bool) -> Survey | None:
    """The survey as the viewer may see it: drafts only for staff; None otherwise."""
    try:
        survey = load_survey(s, survey_id, viewer)
    except NotFound:
        return None
    if survey.status == SurveyStatus.DRAFT and not staff:
        return None
    return survey
