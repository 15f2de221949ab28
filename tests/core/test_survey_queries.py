"""Needs surveys' read models (core.surveys.queries): the list, and one's own
answers in the data export."""

import csv
import io

import pytest

from core.surveys.answering import answer_survey
from core.surveys.drafting import close_survey
from core.surveys.queries import get_survey, list_surveys
from tests.conftest import visitor
from tests.core.survey_helpers import TITLE, full_answer, make_survey

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import moderator as moderator
from tests.core.survey_helpers import resident as resident

pytestmark = pytest.mark.usefixtures("quick_accounts")


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
