"""Helpers and fixtures shared by the needs-survey tests (tests/core/test_survey_*.py):
a survey with the five kinds of question, full answers to it, roster residents and
the row counts a refused command must leave as they were."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from core.principal import Principal
from core.surveys.answering import enter_paper_answer
from core.surveys.drafting import add_question, create_survey, open_survey
from db.engine import read_session, write_session
from db.models import Resident, Survey, SurveyOption, User
from db.models.base import utcnow
from tests.conftest import make_user, other_community

TITLE = "楼道与公共空间需求调查"


def soon(minutes: float = 0) -> datetime:
    return utcnow().replace(microsecond=0) + timedelta(minutes=minutes)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def row_counts() -> dict[str, int]:
    """Every table's row count: what a refused command must leave as it was."""
    with read_session() as s:
        return {
            table.name: s.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


def verified(community, name: str, building: int = 0) -> Principal:
    """A registered resident of building `building` whom a moderator confirmed."""
    principal = make_user({**community, "buildings": community["buildings"][building:]}, name)
    with write_session() as s:
        s.get(Resident, s.get(User, principal.user_id).resident_id).source = "roster"
    return principal


def roster(
    community, n: int, *, building: int = 0, consent: bool = True, **demographics
) -> list[int]:
    """n roster residents without accounts (verified: imported by staff)."""
    with write_session() as s:
        rows = [
            Resident(
                community_id=community["id"],
                building_id=community["buildings"][building],
                full_name=f"居民{building}-{i}",
                source="roster",
                research_consent=consent,
                **demographics,
            )
            for i in range(n)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


QUESTIONS = [
    ("single", "最需要改善的是哪一项？", ["照明", "停车", "绿化"]),
    ("multiple", "您愿意参加哪些活动？", ["清扫", "种花", "巡逻"]),
    ("rating", "您对楼道卫生的满意度", []),
    ("ranking", "请按重要性排序", ["电梯", "路灯", "长椅"]),
    ("text", "还有什么建议？", []),
]


def make_survey(moderator, *, start: bool = True, questions=QUESTIONS, **overrides) -> dict:
    """A survey with the five kinds of question; returns its id, question ids by kind and
    option ids by kind."""
    values = dict(title=TITLE, intro="请花两分钟填写。", opens_at=soon(-1), closes_at=soon(60))
    values.update(overrides)
    survey_id = create_survey(actor=moderator, **values)
    ids, options = {}, {}
    for kind, prompt, labels in questions:
        ids[kind] = add_question(
            actor=moderator,
            survey_id=survey_id,
            kind=kind,
            prompt=prompt,
            options=labels,
            required=kind != "text",
        )
    if start:
        open_survey(actor=moderator, survey_id=survey_id)
    with read_session() as s:
        for kind, question_id in ids.items():
            options[kind] = list(
                s.exec(
                    select(SurveyOption.id)
                    .where(SurveyOption.question_id == question_id)
                    .order_by(col(SurveyOption.position))
                ).all()
            )
    return {"id": survey_id, "q": ids, "o": options}


def full_answer(
    sv: dict, *, single: int = 0, rating: int = 4, text: str | None = "多装几盏灯"
) -> dict:
    q, o = sv["q"], sv["o"]
    answers = {
        q["single"]: o["single"][single],
        q["multiple"]: [o["multiple"][0], o["multiple"][2]],
        q["rating"]: rating,
        q["ranking"]: [o["ranking"][1], o["ranking"][0], o["ranking"][2]],
    }
    if text is not None:
        answers[q["text"]] = text
    return answers


def end_window(survey_id: int) -> None:
    with write_session() as s:
        s.get(Survey, survey_id).closes_at = soon(-0.01)


@pytest.fixture
def moderator(people) -> Principal:
    return people["moderator"]


@pytest.fixture
def resident(community) -> Principal:
    return verified(community, "answerer")


@pytest.fixture
def elsewhere(database) -> dict:
    ids = other_community()
    ids["moderator"] = make_user(ids, "othermod", "moderator")
    return ids


def answered_survey(moderator, community) -> dict:
    """25 answers, all on paper: 12 in building 1 (consenting, 60-74, retired), 6 in
    building 2 (consenting, 30-44, employed) and 7 in building 3 (5 consenting, 18-29,
    students; 2 not consenting, 75+, unemployed). So each breakdown shows one group and
    hides two small ones that hold at least k persons together."""
    sv = make_survey(moderator)
    groups = [
        roster(
            community,
            12,
            building=0,
            age_band="60-74",
            occupation="retired",
            residency_status="local_registered",
        ),
        roster(
            community,
            6,
            building=1,
            age_band="30-44",
            occupation="employed",
            residency_status="migrant",
        ),
        roster(
            community,
            5,
            building=2,
            age_band="18-29",
            occupation="student",
            residency_status="renter",
        )
        + roster(
            community,
            2,
            building=2,
            consent=False,
            age_band="75+",
            occupation="unemployed",
            residency_status="local_registered",
        ),
    ]
    for group, single, rating in zip(groups, (0, 1, 2), (5, 2, 1), strict=True):
        for resident_id in group:
            enter_paper_answer(
                actor=moderator,
                survey_id=sv["id"],
                resident_id=resident_id,
                answers=full_answer(
                    sv, single=single, rating=rating, text=f'=HYPERLINK("x") {resident_id}'
                ),
            )
    return sv
