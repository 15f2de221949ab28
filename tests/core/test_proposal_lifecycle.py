"""The moderators' side of a proposal's lifecycle (core.proposals.lifecycle and the
commands it gates): status changes, assigning the responsible actor, answers, progress
and merging."""

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.proposals import lifecycle
from core.proposals.commands import (
    answer_proposal,
    assign_actor,
    change_status,
    follow_proposal,
    merge_proposals,
    post_progress,
    support_proposal,
    withdraw_proposal,
)
from core.proposals.queries import get_proposal
from db.engine import read_session, write_session
from db.models import Actor, AuditEvent, ProposalFollow, ProposalStatusChange, Support
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import make_user, other_community
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


# ---- the moderators' lifecycle ----


def test_lifecycle_table_covers_every_status():
    assert set(lifecycle.MODERATOR_MOVES) == set(PROPOSAL_STATUSES)
    for moves in lifecycle.MODERATOR_MOVES.values():
        assert set(moves) <= set(PROPOSAL_STATUSES)
        assert "merged" not in moves and "withdrawn" not in moves  # own commands do these
    assert lifecycle.moderator_can_move("voting", "accepted")
    assert lifecycle.moderator_can_move("open_for_discussion", "in_hearing")
    assert not lifecycle.moderator_can_move("submitted", "accepted")
    assert not lifecycle.moderator_can_move("archived", "submitted")
    assert not lifecycle.moderator_can_move("implemented", "in_progress")


def test_change_status_follows_the_lifecycle_table(people):
    moderator = people["moderator"]
    proposal_id = submit(people["resident"])
    allowed = 0
    wrong = []
    for from_status in PROPOSAL_STATUSES:
        for to_status in PROPOSAL_STATUSES + ("no_such_status",):
            set_status(proposal_id, from_status)
            history = count(ProposalStatusChange)
            reason = "理由：重复或不可行" if to_status in lifecycle.REASON_REQUIRED else None
            try:
                change_status(
                    actor=moderator, proposal_id=proposal_id, to_status=to_status, reason=reason
                )
                moved = True
            except Conflict as refused:
                moved = False
                assert refused.key == "proposal.illegal_transition"
                assert refused.params == {"from": from_status, "to": to_status}
            expected = lifecycle.moderator_can_move(from_status, to_status)
            after = row(proposal_id).status
            if (
                moved != expected
                or after != (to_status if expected else from_status)
                or count(ProposalStatusChange) != history + expected
            ):
                wrong.append((from_status, to_status, moved, after))
            allowed += moved
    assert wrong == []
    assert allowed == sum(len(moves) for moves in lifecycle.MODERATOR_MOVES.values()) == 25
    assert audit_actions().count("proposal.status") == allowed


def test_change_status_records_history_reason_and_starts_the_clock(people):
    proposal_id = submit(people["resident"])
    change_status(actor=people["moderator"], proposal_id=proposal_id, to_status="under_review")
    p = row(proposal_id)
    assert p.status == "under_review" and p.clock_started_at is not None
    change_status(
        actor=people["admin"],
        proposal_id=proposal_id,
        to_status="rejected",
        reason="  不属于社区事务  ",
    )
    history = get_proposal(viewer=people["resident"], proposal_id=proposal_id).history
    assert [(h.from_status, h.to_status, h.reason, h.by_system) for h in history] == [
        (None, "submitted", None, False),
        ("submitted", "under_review", None, False),
        ("under_review", "rejected", "不属于社区事务", False),
    ]
    with read_session() as s:
        event = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
    assert (event.action, event.actor_user_id, event.object_id) == (
        "proposal.status",
        people["admin"].user_id,
        str(proposal_id),
    )
    assert '"from":"under_review"' in event.payload and '"to":"rejected"' in event.payload


@pytest.mark.parametrize("reason", [None, "", "  \n ", "\u200b\u200b"])
def test_rejection_needs_a_reason(people, reason):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        change_status(
            actor=people["moderator"], proposal_id=proposal_id, to_status="rejected", reason=reason
        )
    assert (raised.value.key, raised.value.field) == ("field.required", "reason")
    assert snapshot() == before


def _moderator_commands(proposal_id: int, other_id: int, actor_id: int):
    return {
        "change_status": lambda who: change_status(
            actor=who, proposal_id=proposal_id, to_status="in_progress"
        ),
        "assign_actor": lambda who: assign_actor(
            actor=who, proposal_id=proposal_id, responsible_id=actor_id
        ),
        "answer_proposal": lambda who: answer_proposal(
            actor=who, proposal_id=proposal_id, answer="物业下周更换灯泡。", cost_estimate=200.0
        ),
        "post_progress": lambda who: post_progress(
            actor=who, proposal_id=proposal_id, text="已采购灯泡", progress_pct=50
        ),
        "merge_proposals": lambda who: merge_proposals(
            actor=who, proposal_id=other_id, into_id=proposal_id, reason="重复"
        ),
    }


@pytest.mark.parametrize(
    "command",
    ["change_status", "assign_actor", "answer_proposal", "post_progress", "merge_proposals"],
)
@pytest.mark.parametrize("role", ["resident", "resident2", "researcher"])
def test_moderator_commands_are_refused_to_others(people, community, command, role):
    proposal_id = submit(people["resident"])
    other_id = submit(people["resident2"], title="楼道灯又坏了")
    set_status(proposal_id, "accepted")  # so that post_progress would otherwise succeed
    run = _moderator_commands(proposal_id, other_id, community["actors"][0])[command]
    before = snapshot()
    with pytest.raises(PermissionDenied) as raised:
        run(people[role])
    assert raised.value.key == "error.permission_denied"
    assert raised.value.action == "proposal.moderate"
    assert snapshot() == before
    run(people["moderator"])  # the same call goes through for a moderator
    assert snapshot() != before


def test_proposals_of_another_community_are_not_found(people):
    elsewhere = other_community()
    outsider_mod = make_user(elsewhere, "outsider.mod", "moderator")
    proposal_id = submit(people["resident"])
    before = snapshot()
    assert get_proposal(viewer=outsider_mod, proposal_id=proposal_id) is None
    for command in _moderator_commands(
        proposal_id, proposal_id + 1, elsewhere["actors"][0]
    ).values():
        with pytest.raises((NotFound, InvalidInput)):
            command(outsider_mod)
    with pytest.raises(NotFound):
        follow_proposal(actor=outsider_mod, proposal_id=proposal_id)
    assert snapshot() == before
    assert get_proposal(viewer=people["resident"], proposal_id=99999) is None


# ---- assigning the responsible actor ----


def test_assign_then_reassign_with_a_reason(people, community):
    committee, company = community["actors"]
    proposal_id = submit(people["resident"])
    change_status(actor=people["moderator"], proposal_id=proposal_id, to_status="under_review")
    assign_actor(actor=people["moderator"], proposal_id=proposal_id, responsible_id=committee)
    first = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (first.actor_id, first.actor) == (committee, "居委会")
    assert first.history[-1].actor == "居委会" and first.history[-1].to_status == "under_review"
    assert row(proposal_id).assigned_at is not None
    before = snapshot()
    for reason in (None, "   "):
        with pytest.raises(InvalidInput) as raised:
            assign_actor(
                actor=people["moderator"],
                proposal_id=proposal_id,
                responsible_id=company,
                reason=reason,
            )
        assert raised.value.key == "field.required"
    with pytest.raises(Conflict) as raised:
        assign_actor(
            actor=people["moderator"],
            proposal_id=proposal_id,
            responsible_id=committee,
            reason="再次指派",
        )
    assert raised.value.key == "proposal.same_actor"
    assert snapshot() == before
    clock = row(proposal_id).clock_started_at
    assign_actor(
        actor=people["moderator"],
        proposal_id=proposal_id,
        responsible_id=company,
        reason="属于物业职责",
    )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (p.actor_id, p.actor) == (company, "物业")
    assert (p.history[-1].actor, p.history[-1].reason) == ("物业", "属于物业职责")
    assert p.clock_started_at >= clock
    assert audit_actions()[-2:] == ["proposal.assign", "proposal.assign"]


def test_assigning_a_submitted_proposal_does_not_start_the_clock(people, community):
    proposal_id = submit(people["resident"])
    assign_actor(
        actor=people["moderator"], proposal_id=proposal_id, responsible_id=community["actors"][1]
    )
    p = row(proposal_id)
    assert p.actor_id == community["actors"][1] and p.clock_started_at is None


def test_only_active_actors_of_the_community_can_be_assigned(people, community):
    elsewhere = other_community()
    with write_session() as s:
        s.get(Actor, community["actors"][1]).active = False
    proposal_id = submit(people["resident"])
    before = snapshot()
    for responsible in (community["actors"][1], elsewhere["actors"][0], 99999, None, "1"):
        with pytest.raises(InvalidInput) as raised:
            assign_actor(
                actor=people["moderator"], proposal_id=proposal_id, responsible_id=responsible
            )
        assert (raised.value.key, raised.value.field) == ("field.not_a_choice", "actor")
    assert snapshot() == before


# ---- answers ----


def test_answer_with_cost_and_timeline(people):
    proposal_id = submit(people["resident"])
    answer_proposal(
        actor=people["moderator"],
        proposal_id=proposal_id,
        answer="物业将在两周内更换所有楼道灯。",
        cost_estimate=1200,
        timeline="两周",
    )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (p.answer_text, p.cost_estimate, p.timeline) == (
        "物业将在两周内更换所有楼道灯。",
        1200.0,
        "两周",
    )
    assert p.answered_at is not None and audit_actions()[-1] == "proposal.answer"


@pytest.mark.parametrize("cost", [float("nan"), float("inf"), -1, -0.01, 1e12 + 1, 10**13, "100"])
def test_answer_cost_out_of_range(people, cost):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        answer_proposal(
            actor=people["moderator"],
            proposal_id=proposal_id,
            answer="物业将在两周内更换。",
            cost_estimate=cost,
        )
    assert (raised.value.key, raised.value.field) == ("field.out_of_range", "cost_estimate")
    assert snapshot() == before


@pytest.mark.parametrize("status", ["archived", "merged", "withdrawn"])
def test_no_answer_on_a_closed_proposal(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        answer_proposal(
            actor=people["moderator"], proposal_id=proposal_id, answer="物业将在两周内更换。"
        )
    assert raised.value.key == "proposal.closed"
    assert snapshot() == before


# ---- progress ----


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_progress_only_once_accepted(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in ("accepted", "in_progress", "implemented"):
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="已采购灯泡", progress_pct=40
        )
        p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
        assert p.progress_pct == 40 and [(u.text, u.progress_pct) for u in p.progress] == [
            ("已采购灯泡", 40)
        ]
        assert p.status == status and audit_actions()[-1] == "proposal.progress"
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="已采购灯泡", progress_pct=40
        )
    assert raised.value.key == "proposal.progress_not_started"
    assert snapshot() == before


def test_progress_percentages(people):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, "in_progress")
    before = snapshot()
    for bad in (101, -1, 50.5, True, False, "50", None, float("nan")):
        with pytest.raises(InvalidInput) as raised:
            post_progress(
                actor=people["moderator"], proposal_id=proposal_id, text="进展", progress_pct=bad
            )
        assert (raised.value.key, raised.value.field) == ("field.out_of_range", "progress_pct")
    assert snapshot() == before
    for pct in (0, 100):
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="进展", progress_pct=pct
        )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.progress_pct == 100 and [u.progress_pct for u in p.progress] == [0, 100]


# ---- merging ----


def test_merge_moves_supports_and_followers_once_per_person(people, community):
    set_threshold(community, 0.9)
    target = submit(people["admin"], title="更换全部楼道灯")
    source = submit(people["moderator"], title="3号楼楼道灯不亮")
    for supporter in (people["resident"], people["resident2"]):
        support_proposal(actor=supporter, proposal_id=source)
    support_proposal(actor=people["resident"], proposal_id=target)
    follow_proposal(actor=people["researcher"], proposal_id=source)
    follow_proposal(actor=people["resident"], proposal_id=source)
    follow_proposal(actor=people["resident"], proposal_id=target)
    assert (
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="与另一条重复"
        )
        == 2
    )
    with read_session() as s:
        supporters = sorted(
            s.exec(select(Support.resident_id).where(Support.proposal_id == target))
        )
        followers = sorted(
            s.exec(select(ProposalFollow.user_id).where(ProposalFollow.proposal_id == target))
        )
        left = (
            s.exec(
                select(func.count()).select_from(Support).where(Support.proposal_id == source)
            ).one(),
            s.exec(
                select(func.count())
                .select_from(ProposalFollow)
                .where(ProposalFollow.proposal_id == source)
            ).one(),
        )
    assert supporters == sorted([people["resident"].resident_id, people["resident2"].resident_id])
    assert followers == sorted(
        people[r].user_id for r in ("admin", "moderator", "resident", "researcher")
    )
    assert left == (0, 0)
    merged = get_proposal(viewer=people["resident"], proposal_id=source)
    assert (merged.status, merged.merged_into_id, merged.support_count) == ("merged", target, 0)
    assert (merged.history[-1].to_status, merged.history[-1].reason) == ("merged", "与另一条重复")
    assert row(target).support_count == 2 and row(target).status == "submitted"
    assert get_proposal(viewer=people["resident2"], proposal_id=target).supported
    assert audit_actions()[-1] == "proposal.merge"


def test_merge_refusals_write_nothing(people):
    target = submit(people["resident"])
    source = submit(people["resident2"], title="楼道灯又坏了")
    withdrawn = submit(people["resident2"], title="楼道灯坏了第三次")
    withdraw_proposal(actor=people["resident2"], proposal_id=withdrawn)
    before = snapshot()
    cases = [
        (dict(proposal_id=source, into_id=target, reason=None), InvalidInput, "field.required"),
        (dict(proposal_id=source, into_id=target, reason=" "), InvalidInput, "field.required"),
        (
            dict(proposal_id=source, into_id=source, reason="重复"),
            InvalidInput,
            "proposal.merge_into_itself",
        ),
        (
            dict(proposal_id=source, into_id=withdrawn, reason="重复"),
            Conflict,
            "proposal.merge_target_closed",
        ),
        (dict(proposal_id=source, into_id=99999, reason="重复"), NotFound, "error.not_found"),
    ]
    for kwargs, error, key in cases:
        with pytest.raises(error) as raised:
            merge_proposals(actor=people["moderator"], **kwargs)
        assert raised.value.key == key
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_only_early_proposals_can_be_merged(people, status):
    target = submit(people["resident"])
    source = submit(people["resident2"], title="楼道灯又坏了")
    set_status(source, status)
    if status in ("submitted", "under_review", "open_for_discussion", "in_hearing"):
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
        assert (row(source).status, row(source).merged_into_id) == ("merged", target)
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
    assert raised.value.key == "proposal.illegal_transition"
    assert raised.value.params == {"from": status, "to": "merged"}
    assert snapshot() == before


# ---- regressions found in review ----


def test_merge_never_gives_the_target_author_a_support_and_can_reach_the_threshold(
    people, community
):
    from core.proposals.commands import merge_proposals, support_proposal

    set_threshold(community, 0.0001)  # one support reaches review
    target = submit(people["resident"], title="目标提案：楼道灯")
    source = submit(people["resident2"], title="重复提案：楼道灯")
    support_proposal(actor=people["resident"], proposal_id=source)  # the target's author
    assert (
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
        == 0
    )
    assert row(target).status == "submitted"
    other = submit(people["resident2"], title="另一个重复提案")
    support_proposal(actor=people["admin"], proposal_id=other)
    assert (
        merge_proposals(actor=people["moderator"], proposal_id=other, into_id=target, reason="重复")
        == 1
    )
    assert row(target).status == "under_review"


@pytest.mark.parametrize("status", ["withdrawn", "merged", "archived"])
def test_no_assignment_on_closed_proposals(people, community, status):
    from core.errors import Conflict
    from core.proposals.commands import assign_actor

    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    with pytest.raises(Conflict) as raised:
        assign_actor(
            actor=people["moderator"],
            proposal_id=proposal_id,
            responsible_id=community["actors"][0],
        )
    assert raised.value.key == "proposal.closed"


def test_boolean_cost_is_refused(people):
    from core.errors import InvalidInput
    from core.proposals.commands import answer_proposal

    proposal_id = submit(people["resident"])
    with pytest.raises(InvalidInput):
        answer_proposal(
            actor=people["moderator"],
            proposal_id=proposal_id,
            answer="已收到，会处理。",
            cost_estimate=True,
        )
