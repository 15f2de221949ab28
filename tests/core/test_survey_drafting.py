"""Needs surveys, drafting (core.surveys.drafting): creating a survey, its
questions (frozen once answered), opening and closing, and who may do it. Every refusal
writes nothing."""

from datetime import datetime

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.surveys.answering import answer_survey, enter_paper_answer
from core.surveys.drafting import (
    add_question,
    close_survey,
    create_survey,
    edit_question,
    open_survey,
    remove_question,
    update_survey,
)
from core.surveys.queries import get_survey
from core.surveys.results import survey_results
from tests.conftest import audit, visitor
from tests.core.survey_helpers import (
    QUESTIONS,
    TITLE,
    end_window,
    full_answer,
    make_survey,
    roster,
    row_counts,
    soon,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import elsewhere as elsewhere
from tests.core.survey_helpers import moderator as moderator
from tests.core.survey_helpers import resident as resident

pytestmark = pytest.mark.usefixtures("quick_accounts")


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


@pytest.mark.parametrize("role", ["resident", "researcher"])
def test_only_staff_draft_open_close_and_enter_paper(people, community, role):
    sv = make_survey(people["moderator"], start=False)
    someone = roster(community, 1)[0]
    before = row_counts()
    for who in (people[role], visitor(people)):
        for attempt in (
            lambda who=who: create_survey(
                actor=who, title=TITLE, opens_at=soon(), closes_at=soon(9)
            ),
            lambda who=who: add_question(actor=who, survey_id=sv["id"], kind="rating", prompt="问"),
            lambda who=who: remove_question(actor=who, question_id=sv["q"]["text"]),
            lambda who=who: open_survey(actor=who, survey_id=sv["id"]),
            lambda who=who: close_survey(actor=who, survey_id=sv["id"]),
            lambda who=who: enter_paper_answer(
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
