"""Proposals made from a closed survey (core.surveys.to_proposal): linked to it,
entering the proposal lifecycle through its gate, and refused with bad details."""

import pytest

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.proposals.queries import get_proposal
from core.surveys.drafting import close_survey
from core.surveys.queries import get_survey
from core.surveys.to_proposal import make_proposal, proposals_from_survey
from db.engine import read_session
from db.models import Proposal
from tests.conftest import audit, visitor
from tests.core.survey_helpers import (
    TITLE,
    answered_survey,
    count,
    end_window,
    make_survey,
    row_counts,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import moderator as moderator
from tests.core.survey_helpers import resident as resident

pytestmark = pytest.mark.usefixtures("quick_accounts")


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
