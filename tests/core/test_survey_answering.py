"""Needs surveys, answering (core.surveys.answering): answering online once and
editing until the close, the checks on every kind of answer, and paper answers entered
and corrected by moderators. Every refusal writes nothing."""

import pytest
from sqlmodel import col, select

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.surveys.answering import (
    answer_survey,
    correct_paper_answer,
    edit_answer,
    enter_paper_answer,
)
from core.surveys.drafting import close_survey
from core.surveys.queries import get_survey, list_surveys, paper_answer_of
from core.surveys.results import survey_results
from db.engine import read_session, write_session
from db.models import ParticipationEvent, Resident, SurveyAnswer, SurveyResponse
from tests.conftest import audit, make_user, visitor
from tests.core.survey_helpers import (
    count,
    end_window,
    full_answer,
    make_survey,
    roster,
    row_counts,
    soon,
    verified,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import elsewhere as elsewhere
from tests.core.survey_helpers import moderator as moderator
from tests.core.survey_helpers import resident as resident

pytestmark = pytest.mark.usefixtures("quick_accounts")


def refused_for_each(command, cases, **kwargs) -> None:
    """Each (resident_id, error, key) of `cases`: `command` for that resident raises `error`
    with that message key."""
    for resident_id, error, key in cases:
        with pytest.raises(error) as raised:
            command(resident_id=resident_id, **kwargs)
        assert raised.value.key == key, resident_id


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
