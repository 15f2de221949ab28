"""Needs surveys: drafting (questions frozen once answered), opening and closing; answering
online once and editing until the close; paper answers by moderators; results with the
dashboard's small-cell suppression and consent rule; free text for moderators only; and
proposals made from a closed survey. Every refusal writes nothing."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.principal import Principal
from core.proposals import get_proposal
from core.surveys import (
    K,
    add_question,
    answer_survey,
    close_survey,
    correct_paper_answer,
    create_survey,
    cross_tab,
    edit_answer,
    edit_question,
    enter_paper_answer,
    get_survey,
    hidden_groups,
    list_surveys,
    make_proposal,
    open_survey,
    paper_answer_of,
    proposals_from_survey,
    remove_question,
    survey_results,
    text_answers,
    text_answers_csv,
    update_survey,
)
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    ParticipationEvent,
    Proposal,
    Resident,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyResponse,
    User,
)
from db.models.base import utcnow
from tests.conftest import make_user, other_community, visitor

pytestmark = pytest.mark.usefixtures("quick_accounts")

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


def audit(action: str) -> list[tuple[str, dict]]:
    with read_session() as s:
        return [
            (e.object_id, json.loads(e.payload))
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
            )
        ]


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


def refused_for_each(command, cases, **kwargs) -> None:
    """Each (resident_id, error, key) of `cases`: `command` for that resident raises `error`
    with that message key."""
    for resident_id, error, key in cases:
        with pytest.raises(error) as raised:
            command(resident_id=resident_id, **kwargs)
        assert raised.value.key == key, resident_id


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


# --- drafting --------------------------------------------------------------------------------


def test_create_a_building_survey_and_it_is_audited(moderator, community):
    b2, b3 = community["buildings"][1:]
    survey_id = create_survey(
        actor=moderator,
        title="  二号楼\u200b 需求调查 ",
        intro=" 说明 ",
        scope="buildings",
        building_ids=[b3, b2, b2],
        opens_at=soon(10),
        closes_at=soon(600),
    )
    shown = get_survey(viewer=moderator, survey_id=survey_id)
    assert (
        shown.title,
        shown.intro,
        shown.status,
        shown.scope,
        shown.building_ids,
        shown.buildings,
    ) == ("二号楼 需求调查", "说明", "draft", "buildings", [b2, b3], ["2号楼", "3号楼"])
    assert shown.editable and shown.responses == 0 and shown.questions == []
    assert audit("survey.create") == [
        (
            str(survey_id),
            {"title": "二号楼 需求调查", "scope": "buildings", "buildings": ["B3", "B2"]},
        )
    ]


BAD_SURVEYS = [
    ({"title": ""}, InvalidInput, "field.required", "title"),
    ({"title": "调查"}, InvalidInput, "field.too_short", "title"),
    ({"title": "x" * 121}, InvalidInput, "field.too_long", "title"),
    ({"title": "调查问卷\u202e"}, InvalidInput, "field.bad_characters", "title"),
    ({"intro": "x" * 5001}, InvalidInput, "field.too_long", "intro"),
    ({"intro": "说明\x00"}, InvalidInput, "field.bad_characters", "intro"),
    ({"scope": "street"}, InvalidInput, "field.not_a_choice", "scope"),
    ({"scope": "buildings"}, InvalidInput, "survey.no_buildings", "building"),
    (
        {"scope": "buildings", "building_ids": [99999]},
        InvalidInput,
        "field.not_a_choice",
        "building",
    ),
    ({"scope": "buildings", "building_ids": ["1"]}, InvalidInput, "field.not_a_choice", "building"),
    ({"scope": "buildings", "building_ids": 1}, InvalidInput, "field.not_a_choice", "building"),
    ({"building_ids": [1]}, InvalidInput, "survey.buildings_for_community", "building"),
    ({"opens_at": soon(120)}, InvalidInput, "survey.closes_before_opens", "closes_at"),
    (
        {"opens_at": soon(-120), "closes_at": soon(-60)},
        InvalidInput,
        "survey.closes_in_past",
        "closes_at",
    ),
    ({"opens_at": datetime(2030, 1, 1)}, InvalidInput, "field.required", "opens_at"),
    ({"closes_at": "tomorrow"}, InvalidInput, "field.required", "closes_at"),
]


@pytest.mark.parametrize("overrides, error, key, field", BAD_SURVEYS)
def test_bad_survey_details_are_refused_and_nothing_is_written(
    moderator, overrides, error, key, field
):
    values = dict(title=TITLE, opens_at=soon(-1), closes_at=soon(60))
    values.update(overrides)
    before = row_counts()
    with pytest.raises(error) as raised:
        create_survey(actor=moderator, **values)
    assert (raised.value.key, raised.value.field) == (key, field)
    assert row_counts() == before


def test_another_communitys_building_is_not_a_choice(moderator, elsewhere):
    before = row_counts()
    with pytest.raises(InvalidInput) as raised:
        create_survey(
            actor=moderator,
            title=TITLE,
            scope="buildings",
            building_ids=[elsewhere["buildings"][0]],
            opens_at=soon(),
            closes_at=soon(60),
        )
    assert raised.value.field == "building"
    assert row_counts() == before


def test_questions_of_every_kind_in_order(moderator):
    sv = make_survey(moderator, start=False)
    shown = get_survey(viewer=moderator, survey_id=sv["id"])
    assert [
        (q.position, q.kind, q.required, [o.label for o in q.options]) for q in shown.questions
    ] == [
        (1, "single", True, ["照明", "停车", "绿化"]),
        (2, "multiple", True, ["清扫", "种花", "巡逻"]),
        (3, "rating", True, []),
        (4, "ranking", True, ["电梯", "路灯", "长椅"]),
        (5, "text", False, []),
    ]
    assert [p["kind"] for _, p in audit("survey.add_question")] == [k for k, _, _ in QUESTIONS]


BAD_QUESTIONS = [
    ({"kind": "essay"}, "field.not_a_choice", "question_kind"),
    ({"kind": None}, "field.not_a_choice", "question_kind"),
    ({"prompt": " "}, "field.required", "prompt"),
    ({"prompt": "问" * 301}, "field.too_long", "prompt"),
    ({"options": ["唯一"]}, "survey.option_count", "options"),
    ({"options": []}, "survey.option_count", "options"),
    ({"options": [f"选项{i}" for i in range(21)]}, "survey.option_count", "options"),
    ({"options": ["照明", "照明 "]}, "survey.duplicate_labels", "options"),
    ({"options": ["照明", ""]}, "field.required", "options"),
    ({"options": ["照明", "x" * 201]}, "field.too_long", "options"),
    ({"options": "照明\n停车"}, "survey.bad_options", "options"),
    ({"kind": "rating", "options": ["1", "2"]}, "survey.no_options_for_kind", "options"),
    ({"kind": "text", "options": ["a", "b"]}, "survey.no_options_for_kind", "options"),
    ({"required": "yes"}, "field.not_a_choice", "required"),
]


@pytest.mark.parametrize("overrides, key, field", BAD_QUESTIONS)
def test_bad_questions_are_refused(moderator, overrides, key, field):
    survey_id = create_survey(actor=moderator, title=TITLE, opens_at=soon(), closes_at=soon(60))
    values = dict(kind="single", prompt="哪一项？", options=["照明", "停车"], required=True)
    values.update(overrides)
    before = row_counts()
    with pytest.raises(InvalidInput) as raised:
        add_question(actor=moderator, survey_id=survey_id, **values)
    assert (raised.value.key, raised.value.field) == (key, field)
    assert row_counts() == before


def test_edit_and_remove_questions_while_there_are_no_answers(moderator):
    sv = make_survey(moderator, start=False)
    edit_question(
        actor=moderator,
        question_id=sv["q"]["single"],
        kind="ranking",
        prompt="请排序",
        options=["甲", "乙", "丙", "丁"],
        required=False,
    )
    remove_question(actor=moderator, question_id=sv["q"]["multiple"])
    shown = get_survey(viewer=moderator, survey_id=sv["id"])
    assert [(q.position, q.kind, q.prompt) for q in shown.questions] == [
        (1, "ranking", "请排序"),
        (2, "rating", "您对楼道卫生的满意度"),
        (3, "ranking", "请按重要性排序"),
        (4, "text", "还有什么建议？"),
    ]
    assert [o.label for o in shown.questions[0].options] == ["甲", "乙", "丙", "丁"]
    assert not shown.questions[0].required
    update_survey(
        actor=moderator,
        survey_id=sv["id"],
        title="改过的标题",
        opens_at=soon(-1),
        closes_at=soon(30),
    )
    assert get_survey(viewer=moderator, survey_id=sv["id"]).title == "改过的标题"
    assert len(audit("survey.edit_question")) == len(audit("survey.remove_question")) == 1


def test_questions_are_frozen_once_an_answer_exists(moderator, resident, community):
    sv = make_survey(moderator)
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    assert not get_survey(viewer=moderator, survey_id=sv["id"]).editable
    before = row_counts()
    attempts = [
        lambda: add_question(actor=moderator, survey_id=sv["id"], kind="rating", prompt="再问一个"),
        lambda: edit_question(
            actor=moderator,
            question_id=sv["q"]["single"],
            kind="single",
            prompt="改一下",
            options=["甲", "乙"],
        ),
        lambda: remove_question(actor=moderator, question_id=sv["q"]["text"]),
        lambda: update_survey(
            actor=moderator,
            survey_id=sv["id"],
            title="改过的标题",
            opens_at=soon(-1),
            closes_at=soon(60),
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == "survey.questions_frozen"
    close_survey(actor=moderator, survey_id=sv["id"])
    with pytest.raises(Conflict) as raised:
        attempts[0]()
    assert raised.value.key == "survey.closed_no_changes"
    assert row_counts() == {**before, "auditevent": before["auditevent"] + 1}  # the close


def test_open_and_close_follow_draft_open_closed(moderator):
    empty = create_survey(actor=moderator, title=TITLE, opens_at=soon(), closes_at=soon(60))
    with pytest.raises(Conflict) as raised:
        open_survey(actor=moderator, survey_id=empty)
    assert raised.value.key == "survey.no_questions"
    with pytest.raises(Conflict) as raised:
        close_survey(actor=moderator, survey_id=empty)
    assert raised.value.key == "survey.not_running"
    sv = make_survey(moderator)
    with pytest.raises(Conflict) as raised:
        open_survey(actor=moderator, survey_id=sv["id"])
    assert raised.value.key == "survey.not_draft"
    close_survey(actor=moderator, survey_id=sv["id"])
    shown = get_survey(viewer=moderator, survey_id=sv["id"])
    assert shown.status == "closed" and not shown.accepting and not shown.editable
    with pytest.raises(Conflict):
        close_survey(actor=moderator, survey_id=sv["id"])
    assert [a for a, _ in audit("survey.open")] == [str(sv["id"])]
    assert [a for a, _ in audit("survey.close")] == [str(sv["id"])]


def test_a_draft_whose_window_has_passed_cannot_open(moderator):
    sv = make_survey(moderator, start=False)
    end_window(sv["id"])
    with pytest.raises(Conflict) as raised:
        open_survey(actor=moderator, survey_id=sv["id"])
    assert raised.value.key == "survey.closes_in_past"


def stored(survey_id: int) -> tuple:
    with read_session() as s:
        row = s.get(Survey, survey_id)
        return row.status, row.closed_at, row.closes_at


def test_a_survey_whose_window_ended_is_closed_everywhere(moderator, resident, people):
    sv = make_survey(moderator)
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    end_window(sv["id"])
    assert stored(sv["id"])[0] == "open"  # nobody closed it
    before = row_counts()
    for attempt in (
        lambda: answer_survey(
            actor=people["resident2"], survey_id=sv["id"], answers=full_answer(sv)
        ),
        lambda: edit_answer(actor=resident, survey_id=sv["id"], answers=full_answer(sv, single=1)),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == "survey.closed"
    for attempt, key in (
        (lambda: close_survey(actor=moderator, survey_id=sv["id"]), "survey.not_running"),
        (
            lambda: add_question(
                actor=moderator, survey_id=sv["id"], kind="rating", prompt="再问一个"
            ),
            "survey.closed_no_changes",
        ),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == key
    assert row_counts() == before
    # Its results are public, as after a close.
    assert survey_results(viewer=visitor(people), survey_id=sv["id"]).status == "closed"
    # The queries say closed, and store it: closed at the end of the window.
    shown = get_survey(viewer=resident, survey_id=sv["id"])
    assert (shown.status, shown.accepting, shown.editable) == ("closed", False, False)
    assert [(x.id, x.status, x.accepting) for x in list_surveys(viewer=resident)] == [
        (sv["id"], "closed", False)
    ]
    status, closed_at, closes_at = stored(sv["id"])
    assert (status, closed_at) == ("closed", closes_at)
    proposal_id = make_proposal(
        actor=moderator,
        survey_id=sv["id"],
        title="楼道照明改造",
        body="调查显示大家最需要楼道照明。",
        category="facilities",
    )
    assert [p.id for p in proposals_from_survey(viewer=resident, survey_id=sv["id"])] == [
        proposal_id
    ]


def test_a_proposal_from_a_survey_past_its_window_before_anyone_looks(moderator):
    sv = make_survey(moderator)
    end_window(sv["id"])
    make_proposal(
        actor=moderator,
        survey_id=sv["id"],
        title="楼道照明改造",
        body="调查显示大家最需要楼道照明。",
        category="facilities",
    )
    assert count(Proposal, Proposal.survey_id == sv["id"]) == 1


def test_a_proposal_from_a_survey_enters_the_lifecycle_through_its_gate(moderator, resident):
    sv = make_survey(moderator)
    end_window(sv["id"])
    proposal_id = make_proposal(
        actor=moderator,
        survey_id=sv["id"],
        title="楼道照明改造",
        body="调查显示大家最需要楼道照明。",
        category="facilities",
    )
    p = get_proposal(viewer=resident, proposal_id=proposal_id)
    assert [(h.from_status, h.to_status, h.by_system) for h in p.history] == [
        (None, "submitted", False)
    ]
    assert p.status == "submitted" and p.counting_to_threshold and p.survey_id == sv["id"]


def test_an_open_survey_before_its_window_is_open_but_not_accepting(moderator, resident):
    sv = make_survey(moderator, opens_at=soon(30), closes_at=soon(90))
    shown = get_survey(viewer=resident, survey_id=sv["id"])
    assert (shown.status, shown.accepting) == ("open", False)
    with pytest.raises(Conflict) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    assert raised.value.key == "survey.not_open"
    assert stored(sv["id"])[:2] == ("open", None)


@pytest.mark.parametrize("role", ["resident", "researcher"])
def test_only_staff_draft_open_close_and_enter_paper(people, community, role):
    sv = make_survey(people["moderator"], start=False)
    someone = roster(community, 1)[0]
    before = row_counts()
    for who in (people[role], visitor(people)):
        for attempt in (
            lambda: create_survey(actor=who, title=TITLE, opens_at=soon(), closes_at=soon(9)),
            lambda: add_question(actor=who, survey_id=sv["id"], kind="rating", prompt="问"),
            lambda: remove_question(actor=who, question_id=sv["q"]["text"]),
            lambda: open_survey(actor=who, survey_id=sv["id"]),
            lambda: close_survey(actor=who, survey_id=sv["id"]),
            lambda: enter_paper_answer(
                actor=who, survey_id=sv["id"], resident_id=someone, answers=full_answer(sv)
            ),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
    assert row_counts() == before


def test_another_communitys_survey_is_not_found(moderator, elsewhere, resident):
    theirs = make_survey(elsewhere["moderator"])
    before = row_counts()
    for attempt in (
        lambda: open_survey(actor=moderator, survey_id=theirs["id"]),
        lambda: close_survey(actor=moderator, survey_id=theirs["id"]),
        lambda: remove_question(actor=moderator, question_id=theirs["q"]["text"]),
        lambda: answer_survey(actor=resident, survey_id=theirs["id"], answers=full_answer(theirs)),
        lambda: survey_results(viewer=moderator, survey_id=theirs["id"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    for missing in (99999, "1", None, True):
        with pytest.raises(NotFound):
            open_survey(actor=moderator, survey_id=missing)
    assert get_survey(viewer=moderator, survey_id=theirs["id"]) is None
    assert row_counts() == before


# --- answering -------------------------------------------------------------------------------


def test_answer_once_then_edit_until_the_close(moderator, resident):
    sv = make_survey(moderator)
    answers = full_answer(sv)
    response_id = answer_survey(actor=resident, survey_id=sv["id"], answers=answers)
    shown = get_survey(viewer=resident, survey_id=sv["id"])
    assert shown.answered == "online" and shown.my_answers == answers and shown.responses == 1
    with read_session() as s:
        response = s.get(SurveyResponse, response_id)
        assert (response.channel, response.user_id, response.entered_by) == (
            "online",
            resident.user_id,
            None,
        )
    assert count(SurveyAnswer) == 1 + 2 + 1 + 3 + 1
    changed = full_answer(sv, single=2, rating=1, text=None)
    edit_answer(actor=resident, survey_id=sv["id"], answers=changed)
    assert get_survey(viewer=resident, survey_id=sv["id"]).my_answers == changed
    assert count(SurveyAnswer) == 1 + 2 + 1 + 3
    # One participation event per response, not per edit.
    with read_session() as s:
        events = s.exec(
            select(ParticipationEvent).where(ParticipationEvent.kind == "survey_answer")
        ).all()
    assert [(e.resident_id, e.user_id, e.channel, e.object_type, e.object_id) for e in events] == [
        (resident.resident_id, resident.user_id, "online", "survey", sv["id"])
    ]
    assert [a for a, _ in audit("survey.answer")] == [str(sv["id"])]
    assert audit("survey.edit_answer") == [(str(sv["id"]), {})]
    close_survey(actor=moderator, survey_id=sv["id"])
    before = row_counts()
    with pytest.raises(Conflict) as raised:
        edit_answer(actor=resident, survey_id=sv["id"], answers=answers)
    assert raised.value.key == "survey.closed"
    assert row_counts() == before


def test_a_second_answer_is_refused(moderator, resident):
    sv = make_survey(moderator)
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    before = row_counts()
    with pytest.raises(Conflict) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv, single=1))
    assert raised.value.key == "survey.already_answered"
    assert row_counts() == before


def test_editing_without_an_answer_is_refused(moderator, resident):
    sv = make_survey(moderator)
    with pytest.raises(Conflict) as raised:
        edit_answer(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    assert raised.value.key == "survey.not_answered"
    assert count(SurveyResponse) == 0


@pytest.mark.parametrize(
    "when, key",
    [
        ("closed", "survey.closed"),
        ("window_ended", "survey.closed"),
        ("not_yet", "survey.not_open"),
        ("draft", "survey.not_open"),
    ],
)
def test_answers_outside_the_open_window_are_refused(moderator, resident, when, key):
    sv = make_survey(
        moderator, start=when != "draft", opens_at=soon(30) if when == "not_yet" else soon(-1)
    )
    if when == "closed":
        close_survey(actor=moderator, survey_id=sv["id"])
    if when == "window_ended":
        end_window(sv["id"])
    before = row_counts()
    with pytest.raises(Conflict) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    assert raised.value.key == key
    assert row_counts() == before


def test_only_verified_residents_in_scope_answer(moderator, community, people):
    b2 = community["buildings"][1]
    sv = make_survey(moderator, scope="buildings", building_ids=[b2])
    outsider = verified(community, "firstbuilding", building=0)
    unverified = make_user({**community, "buildings": [b2]}, "newcomer")
    before = row_counts()
    for who, key in (
        (outsider, "survey.not_in_scope"),
        (unverified, "survey.unverified"),
        (people["admin"], "survey.unverified"),
    ):
        with pytest.raises(Conflict) as raised:
            answer_survey(actor=who, survey_id=sv["id"], answers=full_answer(sv))
        assert raised.value.key == key
    for who in (people["researcher"], visitor(people)):
        with pytest.raises(PermissionDenied):
            answer_survey(actor=who, survey_id=sv["id"], answers=full_answer(sv))
    assert row_counts() == before
    inside = verified(community, "secondbuilding", building=1)
    answer_survey(actor=inside, survey_id=sv["id"], answers=full_answer(sv))
    assert [(s.id, s.for_me) for s in list_surveys(viewer=inside)] == [(sv["id"], True)]
    assert [(s.id, s.for_me) for s in list_surveys(viewer=outsider)] == [(sv["id"], False)]


def bad_answer(sv: dict, case: str):
    q, o = sv["q"], sv["o"]
    answers = full_answer(sv)
    foreign_option = o["multiple"][0]
    changes = {
        "ranking_duplicates": (q["ranking"], [o["ranking"][0], o["ranking"][0], o["ranking"][1]]),
        "ranking_missing": (q["ranking"], [o["ranking"][0], o["ranking"][1]]),
        "ranking_foreign": (q["ranking"], [o["ranking"][0], o["ranking"][1], foreign_option]),
        "ranking_not_list": (q["ranking"], o["ranking"][0]),
        "rating_0": (q["rating"], 0),
        "rating_6": (q["rating"], 6),
        "rating_bool": (q["rating"], True),
        "rating_str": (q["rating"], "3"),
        "rating_float": (q["rating"], 3.5),
        "single_unknown": (q["single"], 99999),
        "single_foreign": (q["single"], foreign_option),
        "single_list": (q["single"], [o["single"][0]]),
        "single_str": (q["single"], str(o["single"][0])),
        "multiple_duplicate": (q["multiple"], [o["multiple"][0], o["multiple"][0]]),
        "multiple_unknown": (q["multiple"], [o["multiple"][0], 99999]),
        "multiple_not_list": (q["multiple"], o["multiple"][0]),
        "single_missing": (q["single"], None),
        "multiple_empty": (q["multiple"], []),
        "text_too_long": (q["text"], "长" * 1001),
        "text_control": (q["text"], "建议\x07"),
        "text_bidi": (q["text"], "建议\u202e"),
        "text_number": (q["text"], 42),
    }
    question, value = changes[case]
    answers[question] = value
    return answers


BAD_ANSWERS = [
    ("ranking_duplicates", "survey.ranking_duplicates", 4),
    ("ranking_missing", "survey.ranking_incomplete", 4),
    ("ranking_foreign", "survey.unknown_option", 4),
    ("ranking_not_list", "survey.unknown_option", 4),
    ("rating_0", "survey.rating_range", 3),
    ("rating_6", "survey.rating_range", 3),
    ("rating_bool", "survey.rating_range", 3),
    ("rating_str", "survey.rating_range", 3),
    ("rating_float", "survey.rating_range", 3),
    ("single_unknown", "survey.unknown_option", 1),
    ("single_foreign", "survey.unknown_option", 1),
    ("single_list", "survey.choose_one", 1),
    ("single_str", "survey.unknown_option", 1),
    ("multiple_duplicate", "survey.duplicate_option", 2),
    ("multiple_unknown", "survey.unknown_option", 2),
    ("multiple_not_list", "survey.unknown_option", 2),
    ("single_missing", "survey.answer_required", 1),
    ("multiple_empty", "survey.answer_required", 2),
    ("text_too_long", "survey.text_too_long", 5),
    ("text_control", "survey.text_bad_characters", 5),
    ("text_bidi", "survey.text_bad_characters", 5),
    ("text_number", "survey.text_bad_characters", 5),
]


@pytest.mark.parametrize("case, key, n", BAD_ANSWERS)
def test_bad_answers_are_refused_with_the_question_number(moderator, resident, case, key, n):
    sv = make_survey(moderator)
    before = row_counts()
    with pytest.raises(InvalidInput) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=bad_answer(sv, case))
    assert (raised.value.key, raised.value.field, raised.value.params.get("n")) == (
        key,
        "answers",
        n,
    )
    assert row_counts() == before


@pytest.mark.parametrize("answers", [None, [], "1", {"1": 2}, {99999: 1}, {True: 1}])
def test_answers_that_are_not_a_mapping_of_the_questions_are_refused(moderator, resident, answers):
    sv = make_survey(moderator)
    before = row_counts()
    with pytest.raises(InvalidInput) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=answers)
    assert raised.value.key in ("survey.bad_answers", "survey.answer_required")
    assert row_counts() == before


def test_bad_edits_leave_the_first_answer(moderator, resident):
    sv = make_survey(moderator)
    answers = full_answer(sv)
    answer_survey(actor=resident, survey_id=sv["id"], answers=answers)
    before = row_counts()
    with pytest.raises(InvalidInput):
        edit_answer(actor=resident, survey_id=sv["id"], answers=bad_answer(sv, "rating_6"))
    assert row_counts() == before
    assert get_survey(viewer=resident, survey_id=sv["id"]).my_answers == answers


def test_edits_recheck_verification_and_scope_as_for_a_first_answer(moderator, community):
    b1, b2 = community["buildings"][:2]
    sv = make_survey(moderator, scope="buildings", building_ids=[b1])
    moved, erased = verified(community, "mover"), verified(community, "leaver")
    for who in (moved, erased):
        answer_survey(actor=who, survey_id=sv["id"], answers=full_answer(sv))
    with write_session() as s:
        s.get(Resident, moved.resident_id).building_id = b2
    from core.data_rights import delete_account

    delete_account(actor=erased, confirm_username="leaver")
    before = row_counts()
    for who, key in ((moved, "survey.not_in_scope"), (erased, "survey.unverified")):
        with pytest.raises(Conflict) as raised:
            edit_answer(actor=who, survey_id=sv["id"], answers=full_answer(sv, single=2))
        assert raised.value.key == key
    assert row_counts() == before


def test_an_all_optional_survey_needs_at_least_one_answer(moderator, resident):
    sv = make_survey(moderator, questions=[("text", "有什么建议？", [])])
    with pytest.raises(InvalidInput) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers={sv["q"]["text"]: "  "})
    assert raised.value.key == "survey.empty_answer"
    answer_survey(actor=resident, survey_id=sv["id"], answers={sv["q"]["text"]: "  多种树 "})
    assert get_survey(viewer=resident, survey_id=sv["id"]).my_answers == {sv["q"]["text"]: "多种树"}


# --- paper answers ---------------------------------------------------------------------------


def test_paper_answers_for_roster_residents(moderator, community, resident):
    sv = make_survey(moderator)
    paper_only = roster(community, 1)[0]
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=paper_only,
        answers=full_answer(sv, text=None),
    )
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=resident.resident_id,
        answers=full_answer(sv),
    )
    with read_session() as s:
        rows = s.exec(select(SurveyResponse).order_by(col(SurveyResponse.id))).all()
        events = s.exec(
            select(
                ParticipationEvent.resident_id,
                ParticipationEvent.user_id,
                ParticipationEvent.channel,
            )
            .where(ParticipationEvent.kind == "survey_answer")
            .order_by(col(ParticipationEvent.id))
        ).all()
    assert [(r.resident_id, r.user_id, r.channel, r.entered_by) for r in rows] == [
        (paper_only, None, "offline", moderator.user_id),
        (resident.resident_id, resident.user_id, "offline", moderator.user_id),
    ]
    assert [tuple(e) for e in events] == [
        (paper_only, None, "offline"),
        (resident.resident_id, resident.user_id, "offline"),
    ]
    assert audit("survey.paper_answer") == [(str(sv["id"]), {}), (str(sv["id"]), {})]
    shown = get_survey(viewer=resident, survey_id=sv["id"])
    assert (shown.answered, shown.offline, shown.responses) == ("offline", 2, 2)
    before = row_counts()
    for attempt in (
        lambda: answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv)),
        lambda: edit_answer(actor=resident, survey_id=sv["id"], answers=full_answer(sv)),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == "survey.answered_on_paper"
    assert row_counts() == before


def test_paper_answers_that_cannot_be_taken(moderator, community, resident, elsewhere):
    sv = make_survey(moderator, scope="buildings", building_ids=[community["buildings"][0]])
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    on_paper = roster(community, 1)[0]
    enter_paper_answer(
        actor=moderator, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
    )
    self_registered = make_user(community, "unconfirmed").resident_id
    other_building = roster(community, 1, building=1)[0]
    with write_session() as s:
        foreign = Resident(
            community_id=elsewhere["id"],
            building_id=elsewhere["buildings"][0],
            full_name="外人",
            source="roster",
        )
        s.add(foreign)
        s.flush()
        foreign = foreign.id
    before = row_counts()
    cases = [
        (resident.resident_id, Conflict, "survey.already_answered_online"),
        (on_paper, Conflict, "survey.already_answered_on_paper"),
        (self_registered, Conflict, "survey.resident_unverified"),
        (other_building, Conflict, "survey.resident_not_in_scope"),
        (foreign, InvalidInput, "survey.not_a_resident"),
        (99999, InvalidInput, "survey.not_a_resident"),
        ("1", InvalidInput, "survey.not_a_resident"),
    ]
    refused_for_each(
        enter_paper_answer, cases, actor=moderator, survey_id=sv["id"], answers=full_answer(sv)
    )
    fresh = roster(community, 1)[0]
    before = row_counts()
    with pytest.raises(InvalidInput):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=fresh,
            answers=bad_answer(sv, "rating_0"),
        )
    close_survey(actor=moderator, survey_id=sv["id"])
    with pytest.raises(Conflict) as raised:
        enter_paper_answer(
            actor=moderator, survey_id=sv["id"], resident_id=fresh, answers=full_answer(sv)
        )
    assert raised.value.key == "survey.closed"
    assert row_counts()["surveyresponse"] == before["surveyresponse"]


def test_a_moderator_corrects_a_paper_answer_entered_by_mistake(moderator, community):
    sv = make_survey(moderator)
    on_paper = roster(community, 1)[0]
    response_id = enter_paper_answer(
        actor=moderator, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
    )
    other_moderator = make_user(community, "secondmod", "moderator")
    fixed = full_answer(sv, single=2, rating=1, text=None)
    before = row_counts()
    correct_paper_answer(
        actor=other_moderator, survey_id=sv["id"], resident_id=on_paper, answers=fixed
    )
    assert paper_answer_of(viewer=moderator, survey_id=sv["id"], resident_id=on_paper) == fixed
    with read_session() as s:
        response = s.get(SurveyResponse, response_id)
        assert (response.channel, response.entered_by, response.user_id) == (
            "offline",
            moderator.user_id,
            None,
        )
    after = row_counts()
    assert after["surveyanswer"] == before["surveyanswer"] - 1  # the text answer went
    assert after["participationevent"] == before["participationevent"]  # the same response
    assert audit("survey.correct_paper_answer") == [(str(sv["id"]), {})]
    assert survey_results(viewer=moderator, survey_id=sv["id"]).respondents is None  # 1 < k


def test_paper_corrections_that_cannot_be_made(moderator, community, resident, people, elsewhere):
    sv = make_survey(moderator, scope="buildings", building_ids=[community["buildings"][0]])
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    on_paper, nobody = roster(community, 1)[0], roster(community, 1)[0]
    enter_paper_answer(
        actor=moderator, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
    )
    foreign = roster(elsewhere, 1)[0]
    before = row_counts()
    cases = [
        (resident.resident_id, Conflict, "survey.answered_online_not_paper"),
        (nobody, Conflict, "survey.no_paper_answer"),
        (foreign, InvalidInput, "survey.not_a_resident"),
        ("1", InvalidInput, "survey.not_a_resident"),
    ]
    refused_for_each(
        correct_paper_answer, cases, actor=moderator, survey_id=sv["id"], answers=full_answer(sv)
    )
    with pytest.raises(InvalidInput):
        correct_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=on_paper,
            answers=bad_answer(sv, "rating_0"),
        )
    for who in (people["resident"], people["researcher"], visitor(people)):
        with pytest.raises(PermissionDenied):
            correct_paper_answer(
                actor=who, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
            )
        with pytest.raises(PermissionDenied):
            paper_answer_of(viewer=who, survey_id=sv["id"], resident_id=on_paper)
    with write_session() as s:  # moved away since: out of the survey's buildings
        s.get(Resident, on_paper).building_id = community["buildings"][1]
    with pytest.raises(Conflict) as raised:
        correct_paper_answer(
            actor=moderator, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
        )
    assert raised.value.key == "survey.resident_not_in_scope"
    assert (
        paper_answer_of(viewer=moderator, survey_id=sv["id"], resident_id=resident.resident_id)
        is None
    )  # online: theirs
    close_survey(actor=moderator, survey_id=sv["id"])
    with pytest.raises(Conflict) as raised:
        correct_paper_answer(
            actor=moderator, survey_id=sv["id"], resident_id=on_paper, answers=full_answer(sv)
        )
    assert raised.value.key == "survey.closed"
    assert row_counts() == {**before, "auditevent": before["auditevent"] + 1}  # the close


# --- results ---------------------------------------------------------------------------------


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
    for group, single, rating in zip(groups, (0, 1, 2), (5, 2, 1)):
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


def test_per_question_results(moderator, community, people):
    sv = answered_survey(moderator, community)
    close_survey(actor=moderator, survey_id=sv["id"])
    result = survey_results(viewer=visitor(people), survey_id=sv["id"])
    assert (result.respondents, result.offline, result.status, result.k) == (25, 25, "closed", K)
    single, multiple, rating, ranking, text = result.questions
    assert all(q.shown for q in result.questions)
    assert [(o.label, o.count) for o in single.options] == [("照明", 12), ("停车", 6), ("绿化", 7)]
    assert single.answered == 25 and single.options[0].share == pytest.approx(12 / 25)
    assert [o.count for o in multiple.options] == [25, 0, 25]
    assert rating.ratings == [7, 6, 0, 0, 12] and rating.mean == pytest.approx(79 / 25)
    assert [(o.label, o.mean_rank, o.points) for o in ranking.options] == [
        ("电梯", 2.0, 25),
        ("路灯", 1.0, 50),
        ("长椅", 3.0, 0),
    ]
    assert (text.kind, text.answered, text.options) == ("text", 25, [])


def test_results_while_open_are_for_staff_and_researchers(moderator, community, people):
    sv = answered_survey(moderator, community)
    for who in ("moderator", "admin", "researcher"):
        assert survey_results(viewer=people[who], survey_id=sv["id"]).respondents == 25
    for who in (people["resident"], visitor(people)):
        with pytest.raises(Conflict) as raised:
            survey_results(viewer=who, survey_id=sv["id"])
        assert raised.value.key == "survey.results_after_close"
    draft = make_survey(moderator, start=False)
    with pytest.raises(NotFound):
        survey_results(viewer=moderator, survey_id=draft["id"])


def test_a_survey_one_person_answered_shows_no_counts_to_anyone(moderator, community, people):
    sv = make_survey(moderator, scope="buildings", building_ids=[community["buildings"][0]])
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=roster(community, 1)[0],
        answers=full_answer(sv),
    )
    close_survey(actor=moderator, survey_id=sv["id"])
    for who in (visitor(people), people["resident"], people["researcher"], moderator):
        result = survey_results(viewer=who, survey_id=sv["id"])
        assert (result.respondents, result.offline, result.k) == (None, None, K)
        assert [(q.shown, q.answered, q.options, q.ratings, q.mean) for q in result.questions] == [
            (False, None, [], [], None)
        ] * 5
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["rating"],
        dimension="building",
    )
    assert [(r.persons, r.suppressed, r.values) for r in table.rows] == [(None, True, [None])]


def test_an_optional_question_fewer_than_k_answered_is_not_shown(moderator, community, people):
    sv = make_survey(moderator)
    people_ = roster(community, K)
    for i, resident_id in enumerate(people_):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, text="多装灯" if i < K - 1 else None),
        )
    result = survey_results(viewer=people["researcher"], survey_id=sv["id"])
    assert result.respondents == K
    assert [(q.kind, q.shown, q.answered) for q in result.questions] == [
        ("single", True, K),
        ("multiple", True, K),
        ("rating", True, K),
        ("ranking", True, K),
        ("text", False, None),
    ]


def test_a_lone_answer_cannot_be_derived_from_the_totals(moderator, community, people):
    """The reviewer's case: 10 answers in building 1 and 1 in building 2. The question's
    totals are public (11 answered); had building 1 been shown, total minus building 1
    would be the lone answer. Both are hidden."""
    b1, b2 = community["buildings"][:2]
    sv = make_survey(moderator, scope="buildings", building_ids=[b1, b2])
    for resident_id in roster(community, 10, building=0):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, single=0, rating=5),
        )
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=roster(community, 1, building=1)[0],
        answers=full_answer(sv, single=1, rating=1),
    )
    close_survey(actor=moderator, survey_id=sv["id"])
    public = survey_results(viewer=visitor(people), survey_id=sv["id"])
    assert public.respondents == 11 and public.questions[0].answered == 11
    for kind in ("single", "multiple", "rating", "ranking"):
        table = cross_tab(
            viewer=people["researcher"],
            survey_id=sv["id"],
            question_id=sv["q"][kind],
            dimension="building",
        )
        assert [(r.group, r.persons, r.suppressed) for r in table.rows] == [
            ("1号楼", None, True),
            ("2号楼", None, True),
        ]
        assert all(v is None for r in table.rows for v in r.values)


@pytest.mark.parametrize(
    "sizes, hidden",
    [
        ({"a": 10, "b": 1}, {"a", "b"}),  # two groups, one small: both
        ({"a": 20, "b": 12}, set()),
        ({"a": 3}, {"a"}),
        ({"a": 0, "b": 15}, set()),
        ({"a": 12, "b": 6, "c": 17}, {"a", "b"}),  # one small: the next smallest with it
        ({"a": 12, "b": 3, "c": 12}, {"a", "b"}),  # ties by name
        ({"a": 20, "b": 6, "c": 7}, {"b", "c"}),  # two small holding 13 >= k: enough
        ({"a": 50, "b": 1, "c": 2, "d": 60}, {"a", "b", "c"}),  # 3 < k: one more
        ({"a": 12, "b": 1, "c": 1}, {"a", "b", "c"}),
        ({"a": 30, "b": 9, "c": 5, "d": 40}, {"b", "c"}),
    ],
)
def test_secondary_suppression_hides_at_least_two_groups_of_k_together(sizes, hidden):
    assert hidden_groups(sizes) == hidden
    found = hidden_groups(sizes)
    if found:
        assert len(found) >= 2 or found == {g for g, n in sizes.items() if n}
        assert sum(sizes[g] for g in found) >= K or found == {g for g, n in sizes.items() if n}


def test_cross_tab_by_building_suppresses_small_groups(moderator, community, people):
    sv = answered_survey(moderator, community)
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["single"],
        dimension="building",
    )
    assert (table.measure, table.columns, table.k) == ("share", ["照明", "停车", "绿化"], K)
    # 6 and 7 persons are under k: both hidden (building counts everyone, consent or not).
    assert [(r.group, r.persons, r.suppressed, r.values) for r in table.rows] == [
        ("1号楼", 12, False, [1.0, 0.0, 0.0]),
        ("2号楼", None, True, [None] * 3),
        ("3号楼", None, True, [None] * 3),
    ]
    rating = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["rating"], dimension="building"
    )
    assert (rating.measure, rating.columns, rating.rows[0].values) == ("mean", [""], [5.0])
    ranking = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["ranking"], dimension="building"
    )
    assert ranking.measure == "mean_rank" and ranking.rows[0].values == [2.0, 1.0, 3.0]


def test_one_small_group_takes_the_next_smallest_with_it(moderator, community, people):
    sv = answered_survey(moderator, community)
    for resident_id in roster(community, 10, building=2, consent=False):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, single=2),
        )
    table = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["single"], dimension="building"
    )
    # Sizes 12, 6, 17: only building 2 is small, so the next smallest is hidden too, else
    # the total would give it away.
    assert [(r.group, r.suppressed) for r in table.rows] == [
        ("1号楼", True),
        ("2号楼", True),
        ("3号楼", False),
    ]


@pytest.mark.parametrize(
    "dimension, shown",
    [
        ("age_band", [("60-74", 12, False), ("30-44", None, True), ("18-29", None, True)]),
        ("occupation", [("employed", None, True), ("retired", 12, False), ("student", None, True)]),
        (
            "residency_status",
            [("local_registered", 12, False), ("migrant", None, True), ("renter", None, True)],
        ),
    ],
)
def test_demographic_cross_tabs_count_only_consenting_residents(
    moderator, community, people, dimension, shown
):
    sv = answered_survey(moderator, community)
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["single"],
        dimension=dimension,
    )
    # The two non-consenting unemployed residents aged 75+ appear nowhere.
    assert sorted((r.group, r.persons, r.suppressed) for r in table.rows) == sorted(shown)


def test_cross_tab_refusals(moderator, community, people):
    sv = answered_survey(moderator, community)
    for who in (people["resident"], visitor(people)):
        with pytest.raises(PermissionDenied):
            cross_tab(
                viewer=who, survey_id=sv["id"], question_id=sv["q"]["single"], dimension="building"
            )
    for question, dimension, key, field in (
        (sv["q"]["single"], "gender", "field.not_a_choice", "dimension"),
        (sv["q"]["single"], "education", "field.not_a_choice", "dimension"),
        (99999, "building", "field.not_a_choice", "question"),
        (sv["q"]["text"], "building", "survey.no_cross_tab_for_text", "question"),
    ):
        with pytest.raises(InvalidInput) as raised:
            cross_tab(
                viewer=moderator, survey_id=sv["id"], question_id=question, dimension=dimension
            )
        assert (raised.value.key, raised.value.field) == (key, field)


def test_free_text_for_moderators_only_without_names_in_a_stable_order(
    moderator, community, people
):
    sv = answered_survey(moderator, community)
    for who in (people["resident"], people["researcher"], visitor(people)):
        with pytest.raises(PermissionDenied):
            text_answers(viewer=who, survey_id=sv["id"])
        with pytest.raises(PermissionDenied):
            text_answers_csv(viewer=who, survey_id=sv["id"])
    first = text_answers(viewer=moderator, survey_id=sv["id"])
    assert first == text_answers(viewer=people["admin"], survey_id=sv["id"])
    assert len(first) == 25 and {a.position for a in first} == {5}
    assert set(type(first[0]).model_fields) == {"question_id", "position", "prompt", "text"}
    with read_session() as s:
        in_order = [
            a.text
            for a in s.exec(
                select(SurveyAnswer)
                .where(col(SurveyAnswer.text).is_not(None))
                .order_by(col(SurveyAnswer.id))
            )
        ]
    assert sorted(a.text for a in first) == sorted(in_order)
    assert [a.text for a in first] != in_order  # not in the order people answered
    exported = text_answers_csv(viewer=moderator, survey_id=sv["id"])
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert rows[0] == ["question", "prompt", "answer"]
    assert all(row[2].startswith("'=HYPERLINK") for row in rows[1:])  # inert in a spreadsheet
    with read_session() as s:
        names = s.exec(select(Resident.full_name)).all()
    assert not any(name in exported.decode("utf-8-sig") for name in names)


# --- proposals from a survey -----------------------------------------------------------------


def test_a_closed_survey_becomes_a_linked_proposal(moderator, community, people):
    sv = answered_survey(moderator, community)
    values = dict(
        title="一号楼楼道照明改造",
        body="调查中一号楼的居民都把照明列为最需要改善的一项。",
        category="facilities",
        building_id=community["buildings"][0],
    )
    before = row_counts()
    with pytest.raises(Conflict) as raised:
        make_proposal(actor=moderator, survey_id=sv["id"], **values)
    assert raised.value.key == "survey.not_closed"
    with pytest.raises(PermissionDenied):
        make_proposal(actor=people["resident"], survey_id=sv["id"], **values)
    assert row_counts() == before
    close_survey(actor=moderator, survey_id=sv["id"])
    proposal_id = make_proposal(actor=moderator, survey_id=sv["id"], **values)
    with read_session() as s:
        row = s.get(Proposal, proposal_id)
        assert (row.survey_id, row.kind, row.status, row.author_id, row.building_id) == (
            sv["id"],
            "need",
            "submitted",
            moderator.user_id,
            community["buildings"][0],
        )
    shown = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (shown.survey_id, shown.survey_title) == (sv["id"], TITLE)
    assert [
        (p.id, p.title) for p in proposals_from_survey(viewer=visitor(people), survey_id=sv["id"])
    ] == [(proposal_id, "一号楼楼道照明改造")]
    assert [p.id for p in get_survey(viewer=people["resident"], survey_id=sv["id"]).proposals] == [
        proposal_id
    ]
    assert audit("survey.make_proposal") == [
        (str(proposal_id), {"survey": sv["id"], "kind": "need", "title": "一号楼楼道照明改造"})
    ]


@pytest.mark.parametrize(
    "overrides, key, field",
    [
        ({"title": "灯"}, "field.too_short", "title"),
        ({"body": "太短"}, "field.too_short", "body"),
        ({"category": "misc"}, "field.not_a_choice", "category"),
        ({"kind": "wish"}, "field.not_a_choice", "kind"),
        ({"building_id": 99999}, "field.not_a_choice", "building"),
    ],
)
def test_bad_proposals_from_a_survey_are_refused(moderator, overrides, key, field):
    sv = make_survey(moderator)
    close_survey(actor=moderator, survey_id=sv["id"])
    values = dict(title="楼道照明改造", body="调查显示大家最需要楼道照明。", category="facilities")
    values.update(overrides)
    before = row_counts()
    with pytest.raises(InvalidInput) as raised:
        make_proposal(actor=moderator, survey_id=sv["id"], **values)
    assert (raised.value.key, raised.value.field) == (key, field)
    assert row_counts() == before


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_drafts_to_staff_only_and_open_ones_first(moderator, resident, people):
    closed = make_survey(moderator, title="已经结束的调查")
    close_survey(actor=moderator, survey_id=closed["id"])
    draft = make_survey(moderator, start=False, title="还在起草的调查")
    running = make_survey(moderator, title="正在进行的调查")
    answer_survey(actor=resident, survey_id=running["id"], answers=full_answer(running))
    assert [s.id for s in list_surveys(viewer=moderator)] == [
        running["id"],
        draft["id"],
        closed["id"],
    ]
    shown = list_surveys(viewer=resident)
    assert [(s.id, s.status, s.accepting, s.for_me, s.answered, s.responses) for s in shown] == [
        (running["id"], "open", True, True, "online", 1),
        (closed["id"], "closed", False, True, None, 0),
    ]
    assert [s.id for s in list_surveys(viewer=visitor(people))] == [running["id"], closed["id"]]
    assert get_survey(viewer=resident, survey_id=draft["id"]) is None
    assert get_survey(viewer=visitor(people), survey_id=running["id"]).for_me is False


def test_ones_own_answers_are_in_the_data_export(moderator, resident):
    import zipfile

    from core.data_rights import export_my_data

    sv = make_survey(moderator)
    answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    with zipfile.ZipFile(io.BytesIO(export_my_data(actor=resident))) as archive:
        exported = archive.read("survey_answers.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["title"] for r in rows} == {TITLE}
    assert [r["label"] for r in rows if r["position"] == "4"] == ["路灯", "电梯", "长椅"]
    assert [r["text"] for r in rows if r["position"] == "5"] == ["多装几盏灯"]


@pytest.mark.parametrize("status", ["draft", "open", "closed"])
@pytest.mark.parametrize("accepting", [False, True])
def test_a_surveys_flags_say_what_its_status_allows(status, accepting):
    """The flags say what the survey page used to compute from the status itself."""
    from core.surveys import SurveySummary

    x = SurveySummary(
        id=1,
        title="需求调查",
        status=status,
        scope="community",
        buildings=[],
        opens_at=utcnow(),
        closes_at=utcnow(),
        responses=0,
        accepting=accepting,
        for_me=True,
        answered=None,
    )
    assert (x.draft, x.closed) == (status == "draft", status == "closed")
    assert x.waiting_to_open == (status == "open" and not accepting)
    assert (x.openable, x.closable) == (status == "draft", status == "open")
