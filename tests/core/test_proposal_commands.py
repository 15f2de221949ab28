"""Residents' proposal commands (core.proposals.commands): submitting, supporting
and the review threshold, following, withdrawing, and the audit and participation
records across a proposal's life."""

import math
from datetime import timedelta

import pytest
from sqlmodel import select

from core.audit import verify
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.principal import Principal
from core.proposals import lifecycle
from core.proposals.commands import (
    answer_proposal,
    assign_actor,
    change_status,
    follow_proposal,
    merge_proposals,
    post_progress,
    support_proposal,
    support_threshold,
    withdraw_proposal,
    withdraw_support,
)
from core.proposals.queries import get_proposal
from db.engine import read_session, write_session
from db.models import (
    ParticipationEvent,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Resident,
    Support,
)
from db.models.base import utcnow
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import BODY, other_community
from tests.core.proposal_helpers import (
    audit_actions,
    count,
    row,
    set_status,
    set_threshold,
    snapshot,
    submit,
)

pytestmark = pytest.mark.usefixtures("quick_accounts")


def threshold_of(proposal_id: int) -> int:
    with read_session() as s:
        return support_threshold(s, s.get(Proposal, proposal_id))


def add_roster(community: dict, building_id: int, n: int) -> None:
    with write_session() as s:
        s.add_all(
            Resident(community_id=community["id"], building_id=building_id, full_name=f"住户{i}")
            for i in range(n)
        )


# ---- submitting ----


@pytest.mark.parametrize("kind", ["proposal", "need"])
def test_submit_writes_proposal_history_follow_participation_and_audit(people, community, kind):
    author = people["resident"]
    proposal_id = submit(
        author,
        kind=kind,
        building_id=community["buildings"][1],
        title="  修好  3号楼的楼道灯 \u200b",
    )
    p = get_proposal(viewer=author, proposal_id=proposal_id)
    assert (p.kind, p.title, p.status, p.category) == (
        kind,
        "修好 3号楼的楼道灯",
        "submitted",
        "facilities",
    )
    assert p.body == BODY and p.building == "B2" and p.author_id == author.user_id
    assert p.following and not p.supported and p.support_count == 0 and p.photo is None
    assert [(h.from_status, h.to_status, h.by_system) for h in p.history] == [
        (None, "submitted", False)
    ]
    with read_session() as s:
        event = s.exec(select(ParticipationEvent)).one()
    assert (event.kind, event.resident_id, event.object_type, event.object_id) == (
        kind,
        author.resident_id,
        "proposal",
        proposal_id,
    )
    assert audit_actions()[-1] == "proposal.submit"


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"title": ""}, "field.required"),
        ({"title": "   \u3000 \u00a0 "}, "field.required"),
        ({"title": "abc\tdef"}, "field.bad_characters"),
        ({"title": "\u200b\u200c\u200d\ufeff\u2060"}, "field.required"),
        ({"title": None}, "field.required"),
        ({"title": "abc"}, "field.too_short"),
        ({"title": "长" * 121}, "field.too_long"),
        ({"title": "abc\u202edef"}, "field.bad_characters"),
        ({"body": ""}, "field.required"),
        ({"body": "\u200b" * 20}, "field.required"),
        ({"body": "太短了"}, "field.too_short"),
        ({"body": "x" * 20_001}, "field.too_long"),
        ({"body": "x" * 1_000_000}, "field.too_long"),
        ({"body": "水" * (1024 * 1024)}, "field.too_long"),
        ({"category": "weather"}, "field.not_a_choice"),
        ({"category": None}, "field.not_a_choice"),
        ({"kind": "complaint"}, "field.not_a_choice"),
        ({"kind": "Proposal"}, "field.not_a_choice"),
        ({"building_id": 99999}, "field.not_a_choice"),
        ({"building_id": "1"}, "field.not_a_choice"),
    ],
)
def test_bad_submissions_write_nothing(people, overrides, key):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], **overrides)
    assert raised.value.key == key
    assert snapshot() == before


def test_building_of_another_community_is_refused(people):
    elsewhere = other_community()
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], building_id=elsewhere["buildings"][0])
    assert (raised.value.key, raised.value.field) == ("field.not_a_choice", "building")
    assert snapshot() == before


def test_researchers_and_anonymous_cannot_submit(people):
    before = snapshot()
    for who in (people["researcher"], Principal(user_id=None, role="anonymous")):
        with pytest.raises(PermissionDenied):
            submit(who)
    assert snapshot() == before


# ---- supporting and the threshold ----


def test_support_once(people, community):
    set_threshold(community, 0.9)  # ceil(0.9 * 5) = 5 supports
    proposal_id = submit(people["resident"])
    supporter = people["resident2"]
    result = support_proposal(actor=supporter, proposal_id=proposal_id)
    assert (result.support_count, result.threshold, result.moved_to_review) == (1, 5, False)
    assert row(proposal_id).support_count == 1 and row(proposal_id).status == "submitted"
    assert count(Support, Support.proposal_id == proposal_id) == 1
    assert count(ParticipationEvent, ParticipationEvent.kind == "support") == 1
    assert get_proposal(viewer=supporter, proposal_id=proposal_id).supported
    assert audit_actions()[-1] == "proposal.support"
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=supporter, proposal_id=proposal_id)
    assert raised.value.key == "support.already"
    assert snapshot() == before


def test_cannot_support_own_proposal(people):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=people["resident"], proposal_id=proposal_id)
    assert raised.value.key == "support.own_proposal"
    assert snapshot() == before


def test_withdraw_support_then_support_again(people, community):
    set_threshold(community, 0.9)  # keep it submitted throughout
    proposal_id = submit(people["resident"])
    supporter = people["resident2"]
    support_proposal(actor=supporter, proposal_id=proposal_id)
    assert withdraw_support(actor=supporter, proposal_id=proposal_id) == 0
    assert count(Support) == 0 and row(proposal_id).support_count == 0
    assert not get_proposal(viewer=supporter, proposal_id=proposal_id).supported
    assert audit_actions()[-1] == "proposal.unsupport"
    with pytest.raises(Conflict) as raised:
        withdraw_support(actor=supporter, proposal_id=proposal_id)
    assert raised.value.key == "support.none"
    assert support_proposal(actor=supporter, proposal_id=proposal_id).support_count == 1
    assert row(proposal_id).support_count == count(Support) == 1


def test_no_support_for_a_withdrawn_proposal_not_even_by_its_author(people):
    proposal_id = submit(people["resident"])
    support_proposal(actor=people["moderator"], proposal_id=proposal_id)
    withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
    before = snapshot()
    for who in (people["resident2"], people["resident"]):
        with pytest.raises(Conflict) as raised:
            support_proposal(actor=who, proposal_id=proposal_id)
        assert raised.value.key == "support.closed"
    with pytest.raises(Conflict) as raised:
        withdraw_support(actor=people["moderator"], proposal_id=proposal_id)
    assert raised.value.key == "support.closed"
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_support_only_while_supportable(people, community, status):
    set_threshold(community, 0.9)
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in lifecycle.SUPPORTABLE:
        assert (
            support_proposal(actor=people["resident2"], proposal_id=proposal_id).support_count == 1
        )
    else:
        with pytest.raises(Conflict) as raised:
            support_proposal(actor=people["resident2"], proposal_id=proposal_id)
        assert raised.value.key == "support.closed"
        assert count(Support) == 0


def test_support_needs_a_roster_row_and_a_participant_role(people):
    proposal_id = submit(people["resident"])
    no_roster = Principal(
        user_id=people["resident2"].user_id,
        role="resident",
        community_id=people["resident2"].community_id,
        resident_id=None,
    )
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=no_roster, proposal_id=proposal_id)
    assert raised.value.key == "support.no_resident"
    with pytest.raises(PermissionDenied):
        support_proposal(actor=people["researcher"], proposal_id=proposal_id)
    assert snapshot() == before


def test_threshold_moves_a_proposal_to_review_by_itself(people, community):
    assert count(Resident, Resident.community_id == community["id"]) == 5
    set_threshold(community, 0.4)  # ceil(0.4 * 5) = 2
    proposal_id = submit(people["resident"])
    assert threshold_of(proposal_id) == 2
    first = support_proposal(actor=people["resident2"], proposal_id=proposal_id)
    assert (first.support_count, first.threshold, first.moved_to_review) == (1, 2, False)
    assert row(proposal_id).status == "submitted" and row(proposal_id).clock_started_at is None
    second = support_proposal(actor=people["admin"], proposal_id=proposal_id)
    assert (second.support_count, second.threshold, second.moved_to_review) == (2, 2, True)
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.status == "under_review" and p.threshold == 2
    last = p.history[-1]
    assert (last.from_status, last.to_status, last.by_system, last.reason) == (
        "submitted",
        "under_review",
        True,
        "support_threshold",
    )
    assert p.clock_started_at is not None and abs(p.clock_started_at - last.at) < timedelta(
        seconds=1
    )
    assert abs(utcnow() - p.clock_started_at) < timedelta(minutes=1)
    # A third support counts but does not move it again.
    third = support_proposal(actor=people["moderator"], proposal_id=proposal_id)
    assert (third.support_count, third.moved_to_review) == (3, False)
    assert count(ProposalStatusChange, ProposalStatusChange.proposal_id == proposal_id) == 2


def test_threshold_of_a_building_proposal_counts_only_that_buildings_roster(people, community):
    b2 = community["buildings"][1]
    add_roster(community, b2, 10)  # roster: 5 in B1 (the people), 10 in B2
    set_threshold(community, 0.2)
    building_wide = submit(people["resident"], building_id=b2)
    community_wide = submit(people["resident"], title="修好全小区的路灯")
    assert threshold_of(building_wide) == 2 == math.ceil(0.2 * 10)
    assert threshold_of(community_wide) == 3 == math.ceil(0.2 * 15)
    for supporter in (people["resident2"], people["moderator"]):
        support_proposal(actor=supporter, proposal_id=building_wide)
        support_proposal(actor=supporter, proposal_id=community_wide)
    assert row(building_wide).status == "under_review"
    assert row(community_wide).status == "submitted"


@pytest.mark.parametrize(
    "share, roster, needed",
    [
        (0.07, 100, 7),
        (0.14, 50, 7),
        (0.28, 25, 7),
        (0.05, 100, 5),
        (0.05, 101, 6),
        (0.001, 5, 1),
    ],
)
def test_threshold_is_the_share_of_the_roster_rounded_up(people, community, share, roster, needed):
    add_roster(community, community["buildings"][2], roster - 5)
    set_threshold(community, share)
    assert threshold_of(submit(people["resident"])) == needed


# ---- following ----


def test_follow_and_unfollow(people):
    proposal_id = submit(people["resident"])
    follower = people["researcher"]  # anyone signed in may follow
    assert not get_proposal(viewer=follower, proposal_id=proposal_id).following
    follow_proposal(actor=follower, proposal_id=proposal_id)
    follow_proposal(actor=follower, proposal_id=proposal_id)  # twice: still one row
    assert get_proposal(viewer=follower, proposal_id=proposal_id).following
    assert count(ProposalFollow, ProposalFollow.user_id == follower.user_id) == 1
    follow_proposal(actor=follower, proposal_id=proposal_id, follow=False)
    follow_proposal(actor=follower, proposal_id=proposal_id, follow=False)
    assert not get_proposal(viewer=follower, proposal_id=proposal_id).following
    assert count(ProposalFollow) == 1  # the author's own
    assert audit_actions()[-2:] == ["proposal.follow", "proposal.unfollow"]  # once each
    assert audit_actions().count("proposal.follow") == 1
    with pytest.raises(PermissionDenied):
        follow_proposal(actor=Principal(user_id=None, role="anonymous"), proposal_id=proposal_id)


# ---- withdrawing ----


def test_author_withdraws_with_a_reason(people):
    proposal_id = submit(people["resident"])
    withdraw_proposal(actor=people["resident"], proposal_id=proposal_id, reason="已经修好了")
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.status == "withdrawn"
    assert (
        p.history[-1].from_status,
        p.history[-1].to_status,
        p.history[-1].reason,
        p.history[-1].by_system,
    ) == ("submitted", "withdrawn", "已经修好了", False)
    assert audit_actions()[-1] == "proposal.withdraw"


def test_only_the_author_withdraws(people):
    proposal_id = submit(people["resident"])
    before = snapshot()
    for who in (people["resident2"], people["moderator"], people["admin"]):
        with pytest.raises(PermissionDenied):
            withdraw_proposal(actor=who, proposal_id=proposal_id)
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_withdrawing_only_early(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in ("submitted", "under_review", "open_for_discussion"):
        withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
        assert row(proposal_id).status == "withdrawn"
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
    assert raised.value.key == "proposal.illegal_transition"
    assert raised.value.params == {"from": status, "to": "withdrawn"}
    assert snapshot() == before


# ---- audit and participation across a proposal's life ----


def test_every_successful_command_is_audited_and_participation_recorded(people, community):
    set_threshold(community, 0.9)
    moderator = people["moderator"]
    start = len(audit_actions())
    first = submit(people["resident"], kind="proposal")
    second = submit(people["resident2"], kind="need", title="楼道灯又坏了")
    support_proposal(actor=people["resident2"], proposal_id=first)
    support_proposal(actor=people["admin"], proposal_id=first)
    withdraw_support(actor=people["admin"], proposal_id=first)
    change_status(actor=moderator, proposal_id=first, to_status="open_for_discussion")
    assign_actor(actor=moderator, proposal_id=first, responsible_id=community["actors"][0])
    answer_proposal(actor=moderator, proposal_id=first, answer="同意，马上安排。")
    change_status(actor=moderator, proposal_id=first, to_status="accepted")
    post_progress(actor=moderator, proposal_id=first, text="开工", progress_pct=10)
    merge_proposals(actor=moderator, proposal_id=second, into_id=first, reason="重复")
    third = submit(people["resident"], kind="proposal", title="再提一个建议")
    withdraw_proposal(actor=people["resident"], proposal_id=third)
    assert audit_actions()[start:] == [
        "proposal.submit",
        "proposal.submit",
        "proposal.support",
        "proposal.support",
        "proposal.unsupport",
        "proposal.status",
        "proposal.assign",
        "proposal.answer",
        "proposal.status",
        "proposal.progress",
        "proposal.merge",
        "proposal.submit",
        "proposal.withdraw",
    ]
    with read_session() as s:
        kinds = sorted(s.exec(select(ParticipationEvent.kind)))
    assert kinds == ["need", "proposal", "proposal", "support", "support"]  # none for withdrawing
    with read_session() as s:
        assert verify(s) is None
