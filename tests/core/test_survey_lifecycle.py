"""Needs surveys' statuses and windows (core.surveys.lifecycle): a survey whose
window ended is closed everywhere, one whose window has not begun takes no answers, and
the flags say what each status allows."""

import pytest

from core.errors import Conflict
from core.surveys.answering import answer_survey, edit_answer
from core.surveys.drafting import add_question, close_survey
from core.surveys.queries import get_survey, list_surveys
from core.surveys.results import survey_results
from core.surveys.to_proposal import make_proposal, proposals_from_survey
from db.engine import read_session
from db.models import Survey
from db.models.base import utcnow
from tests.conftest import visitor
from tests.core.survey_helpers import end_window, full_answer, make_survey, row_counts, soon

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import moderator as moderator
from tests.core.survey_helpers import resident as resident

pytestmark = pytest.mark.usefixtures("quick_accounts")


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


def test_an_open_survey_before_its_window_is_open_but_not_accepting(moderator, resident):
    sv = make_survey(moderator, opens_at=soon(30), closes_at=soon(90))
    shown = get_survey(viewer=resident, survey_id=sv["id"])
    assert (shown.status, shown.accepting) == ("open", False)
    with pytest.raises(Conflict) as raised:
        answer_survey(actor=resident, survey_id=sv["id"], answers=full_answer(sv))
    assert raised.value.key == "survey.not_open"
    assert stored(sv["id"])[:2] == ("open", None)


@pytest.mark.parametrize("status", ["draft", "open", "closed"])
@pytest.mark.parametrize("accepting", [False, True])
def test_a_surveys_flags_say_what_its_status_allows(status, accepting):
    """The flags say what the survey page used to compute from the status itself."""
    from core.surveys.queries import SurveySummary

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
