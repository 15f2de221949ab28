"""A survey's results: per-question counts, means and ranking scores; a cross-tabulation of
one question by building or by a demographic group; and the free-text answers.

Privacy, with the participation dashboard's k and for every viewer (see privacy.py): a
question's figures, and the respondent totals, are shown only once at least k persons make
them up; a cross-tabulation hides its groups under k and as many more as it takes for the
hidden ones to be at least two and at least k persons together, so that the public totals
give none away. The demographic groups (age band, residency, occupation) count only
residents who consented to research, while buildings count everyone. Free-text answers are
for moderators only, never with names, in an order that does not follow who answered when.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import can, require
from core.principal import Principal
from core.rows import stored_id
from core.spreadsheet import csv_bytes
from core.surveys.answering import RATINGS
from core.surveys.common import load_survey, questions_of, status_of
from core.surveys.lifecycle import SurveyStatus
from core.surveys.privacy import K, hidden_groups, publishable
from db.engine import read_session
from db.models import Building, Resident, Survey, SurveyAnswer, SurveyResponse
from db.models.people import AGE_BANDS, OCCUPATIONS, RESIDENCY_STATUSES

CROSS_DIMENSIONS = ("building", "age_band", "residency_status", "occupation")
DEMOGRAPHIC_ORDER = {
    "age_band": AGE_BANDS,
    "residency_status": RESIDENCY_STATUSES,
    "occupation": OCCUPATIONS,
}


class OptionResult(BaseModel):
    option_id: int
    label: str
    count: int  # persons who chose it (single, multiple) or ranked it (ranking)
    share: float  # of the persons who answered the question
    mean_rank: float | None = None  # ranking: 1 is first
    points: int | None = None  # ranking: n - rank points from each person (Borda)


class QuestionResult(BaseModel):
    question_id: int
    position: int
    kind: str
    prompt: str
    shown: bool  # False: fewer than k answered it, so nothing below is published
    answered: int | None  # persons who answered this question (None when not shown)
    options: list[OptionResult]  # [] when not shown
    ratings: list[int]  # rating: how many gave 1, 2, 3, 4, 5
    mean: float | None  # rating: the mean


class SurveyResults(BaseModel):
    survey_id: int
    title: str
    status: str
    k: int
    respondents: int | None  # None: fewer than k (but some) answered
    offline: int | None  # of which on paper (None with respondents)
    questions: list[QuestionResult]


class CrossTabRow(BaseModel):
    group: str  # a building's name, or a demographic code
    persons: int | None  # None when suppressed
    suppressed: bool
    values: list[float | None]  # one per column; None when suppressed


class CrossTab(BaseModel):
    question_id: int
    dimension: str
    measure: str  # "share" (choices), "mean" (rating), "mean_rank" (ranking)
    columns: list[str]  # option labels; one empty column for a rating's mean
    k: int
    rows: list[CrossTabRow]


class TextAnswer(BaseModel):
    question_id: int
    position: int
    prompt: str
    text: str


def _visible_survey(s: Session, viewer: Principal, survey_id) -> Survey:
    """The survey whose results the viewer may see: once closed, everyone; while open,
    staff and researchers; a draft has none."""
    survey = load_survey(s, survey_id, viewer)
    status = status_of(survey)
    if status == SurveyStatus.DRAFT:
        raise NotFound("error.not_found")
    if status == SurveyStatus.OPEN and not can(viewer, "survey.analyse"):
        raise Conflict("survey.results_after_close")
    return survey


def _answers(s: Session, survey_id: int) -> pd.DataFrame:
    # SQLAlchemy's select: SQLModel's is typed for at most four columns.
    rows = s.execute(
        sa_select(
            col(SurveyAnswer.response_id),
            col(SurveyAnswer.question_id),
            col(SurveyAnswer.option_id),
            col(SurveyAnswer.rank),
            col(SurveyAnswer.rating),
        )
        .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
        .where(col(SurveyResponse.survey_id) == survey_id, col(SurveyAnswer.text).is_(None))
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["response_id", "question_id", "option_id", "rank", "rating"],
    )


def _question_result(question, options, answers: pd.DataFrame, texts: int) -> QuestionResult:
    mine = answers[answers["question_id"] == question.id]
    answered = texts if question.kind == "text" else int(mine["response_id"].nunique())
    if not publishable(answered):
        return QuestionResult(
            question_id=question.id,
            position=question.position,
            kind=question.kind,
            prompt=question.prompt,
            shown=False,
            answered=None,
            options=[],
            ratings=[],
            mean=None,
        )
    ratings, mean, results = [], None, []
    if question.kind == "rating":
        values = mine["rating"].astype(int)
        ratings = [int((values == r).sum()) for r in RATINGS]
        mean = float(values.mean()) if answered else None
    for option in options:
        chosen = mine[mine["option_id"] == option.id]
        count = int(chosen["response_id"].nunique())
        result = OptionResult(
            option_id=option.id,
            label=option.label,
            count=count,
            share=count / answered if answered else 0.0,
        )
        if question.kind == "ranking":
            ranks = chosen["rank"].astype(int)
            result.mean_rank = float(ranks.mean()) if count else None
            result.points = int((len(options) - ranks).sum())
        results.append(result)
    return QuestionResult(
        question_id=question.id,
        position=question.position,
        kind=question.kind,
        prompt=question.prompt,
        shown=True,
        answered=answered,
        options=results,
        ratings=ratings,
        mean=mean,
    )


def survey_results(*, viewer: Principal, survey_id: int) -> SurveyResults:
    """Counts per option (persons and shares of those who answered the question), the
    rating histogram and mean, a ranking's mean rank and Borda points; for text questions
    only how many answered. A question fewer than k persons answered shows none of it, and
    the respondent totals are shown only once k have answered."""
    require(viewer, "page.surveys")
    with read_session() as s:
        survey = _visible_survey(s, viewer, survey_id)
        assert survey.id is not None  # a stored survey
        questions = questions_of(s, survey.id)
        answers = _answers(s, survey.id)
        channels = _channel_counts(s, survey.id)
        texts = _text_counts(s, survey.id)
    respondents = sum(channels.values())
    shown = publishable(respondents)
    return SurveyResults(
        survey_id=survey.id,
        title=survey.title,
        status=status_of(survey),
        k=K,
        respondents=respondents if shown else None,
        offline=channels.get("offline", 0) if shown else None,
        questions=[
            _question_result(q, options, answers, texts.get(stored_id(q.id), 0))
            for q, options in questions
        ],
    )


def _channel_counts(s: Session, survey_id: int) -> dict[str, int]:
    return dict(
        s.exec(
            select(SurveyResponse.channel, func.count())
            .where(SurveyResponse.survey_id == survey_id)
            .group_by(SurveyResponse.channel)
        ).all()
    )


def _text_counts(s: Session, survey_id: int) -> dict[int, int]:
    return dict(
        s.exec(
            select(SurveyAnswer.question_id, func.count())
            .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
            .where(SurveyResponse.survey_id == survey_id, col(SurveyAnswer.text).is_not(None))
            .group_by(col(SurveyAnswer.question_id))
        ).all()
    )


# --- cross-tabulation ---------------------------------------------------------------------


def _groups(s: Session, survey_id: int, dimension: str) -> dict[int, str]:
    """{response id: group} of the responses that count in `dimension`: every one by
    building; only research-consenting residents with the value given for the others."""
    if dimension == "building":
        rows = s.exec(
            select(SurveyResponse.id, Building.name)
            .join(Resident, col(Resident.id) == col(SurveyResponse.resident_id))
            .join(Building, col(Building.id) == col(Resident.building_id))
            .where(SurveyResponse.survey_id == survey_id)
        ).all()
        return {stored_id(response_id): name for response_id, name in rows}
    value = getattr(Resident, dimension)
    rows = s.exec(
        select(SurveyResponse.id, value)
        .join(Resident, col(Resident.id) == col(SurveyResponse.resident_id))
        .where(
            SurveyResponse.survey_id == survey_id,
            col(Resident.research_consent).is_(True),
            col(value).is_not(None),
        )
    ).all()
    return {stored_id(response_id): group for response_id, group in rows}


def _group_order(dimension: str, groups) -> list[str]:
    known = DEMOGRAPHIC_ORDER.get(dimension)
    if known is None:
        return sorted(groups)
    return [g for g in known if g in groups] + sorted(g for g in groups if g not in known)


def cross_tab(*, viewer: Principal, survey_id: int, question_id: int, dimension: str) -> CrossTab:
    """One question's answers per group of `dimension` (building, age_band,
    residency_status, occupation): per group the share choosing each option, the mean
    rating or each option's mean rank. Groups under k persons are suppressed, and more
    with them where the question's public totals would give them away (privacy.py)."""
    require(viewer, "survey.analyse")
    if dimension not in CROSS_DIMENSIONS:
        raise InvalidInput("field.not_a_choice", field="dimension")
    with read_session() as s:
        survey = _visible_survey(s, viewer, survey_id)
        assert survey.id is not None  # a stored survey
        found = [(q, o) for q, o in questions_of(s, survey.id) if q.id == question_id]
        if not found:
            raise InvalidInput("field.not_a_choice", field="question")
        question, options = found[0]
        if question.kind == "text":
            raise InvalidInput("survey.no_cross_tab_for_text", field="question")
        answers = _answers(s, survey.id)
        groups = _groups(s, survey.id, dimension)
    mine = answers[answers["question_id"] == question.id].copy()
    mine["group"] = mine["response_id"].map(groups)
    mine = mine.dropna(subset=["group"])
    sizes = mine.groupby("group")["response_id"].nunique().to_dict()
    hidden = hidden_groups(sizes, K)
    measure = {"rating": "mean", "ranking": "mean_rank"}.get(question.kind, "share")
    columns = [""] if question.kind == "rating" else [o.label for o in options]
    rows = []
    values: list[float | None]
    for group in _group_order(dimension, sizes):
        if group in hidden:
            rows.append(
                CrossTabRow(
                    group=group, persons=None, suppressed=True, values=[None] * len(columns)
                )
            )
            continue
        part, n = mine[mine["group"] == group], int(sizes[group])
        if question.kind == "rating":
            values = [float(part["rating"].mean())]
        elif question.kind == "ranking":
            values = [float(part.loc[part["option_id"] == o.id, "rank"].mean()) for o in options]
        else:
            values = [
                part.loc[part["option_id"] == o.id, "response_id"].nunique() / n for o in options
            ]
        rows.append(CrossTabRow(group=group, persons=n, suppressed=False, values=values))
    return CrossTab(
        question_id=stored_id(question.id),
        dimension=dimension,
        measure=measure,
        columns=columns,
        k=K,
        rows=rows,
    )


# --- free text ----------------------------------------------------------------------------


def _shuffle_key(survey_id: int, answer_id: int) -> str:
    """A keyed hash of the answer's id: an order that stays the same from one view to the
    next but says nothing about who answered first (ids follow the order of answering)."""
    from core.accounts.sessions import secret_key

    message = f"survey-text|{survey_id}|{answer_id}".encode()
    return hmac.new(secret_key().encode(), message, hashlib.sha256).hexdigest()


def text_answers(*, viewer: Principal, survey_id: int) -> list[TextAnswer]:
    """Every short-text answer, by question, without names and in a stable shuffled order
    (moderators and admins only; while the survey is open too)."""
    require(viewer, "survey.read_text")
    with read_session() as s:
        survey = load_survey(s, survey_id, viewer)
        if survey.status == SurveyStatus.DRAFT:  # (a draft never lapses)
            raise NotFound("error.not_found")
        assert survey.id is not None  # a stored survey
        questions = {q.id: q for q, _ in questions_of(s, survey.id) if q.kind == "text"}
        rows = s.exec(
            select(SurveyAnswer.id, SurveyAnswer.question_id, SurveyAnswer.text)
            .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
            .where(SurveyResponse.survey_id == survey.id, col(SurveyAnswer.text).is_not(None))
        ).all()
    ordered = sorted(rows, key=lambda r: (questions[r[1]].position, _shuffle_key(survey.id, r[0])))
    answers = []
    for _, q, text in ordered:
        assert text is not None  # the query takes only answers with a text
        answers.append(
            TextAnswer(
                question_id=q, position=questions[q].position, prompt=questions[q].prompt, text=text
            )
        )
    return answers


def text_answers_csv(*, viewer: Principal, survey_id: int) -> bytes:
    """The free-text answers as CSV (question number, question, answer): no identities,
    and cells a spreadsheet would run as formulas made inert."""
    require(viewer, "survey.read_text")
    answers = text_answers(viewer=viewer, survey_id=survey_id)
    frame = pd.DataFrame(
        [{"question": a.position, "prompt": a.prompt, "answer": a.text} for a in answers],
        columns=["question", "prompt", "answer"],
    )
    return csv_bytes(frame)
