"""The proposal lifecycle's one gate (core.proposals.commands.move_proposal): every
(from, to, who) triple walked through it and checked against the lifecycle's table, and what
the table itself promises (a hearing never reopens a decided proposal, a survey only makes
new proposals)."""

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.principal import SYSTEM
from core.proposals import lifecycle
from core.proposals.commands import move_proposal, submit_proposal
from core.proposals.lifecycle import Mover, ProposalStatus
from db.engine import read_session, write_session
from db.models import AuditEvent, Proposal, ProposalStatusChange
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import BODY

pytestmark = pytest.mark.usefixtures("quick_accounts")

S = ProposalStatus


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def actors(people) -> dict:
    """The principal each mover acts as: the author is the resident who submits."""
    return {
        Mover.AUTHOR: people["resident"],
        Mover.MODERATOR: people["moderator"],
        Mover.MERGE: people["moderator"],
        Mover.SUPPORT: SYSTEM,
        Mover.HEARING: people["moderator"],
        Mover.SURVEY: people["moderator"],
    }


def new_proposal(author) -> Proposal:
    return Proposal(
        community_id=author.community_id,
        kind="need",
        title="楼道灯不亮",
        body=BODY,
        category="facilities",
        author_id=author.user_id,
    )


def test_the_table_says_what_the_lifecycle_promises():
    moves = {
        by: {(f, t) for f, targets in table.items() for t in targets}
        for by, table in lifecycle.MOVES.items()
    }
    assert set(lifecycle.MOVES) == set(Mover)
    assert {by: len(pairs) for by, pairs in moves.items()} == {
        Mover.AUTHOR: 4,
        Mover.MODERATOR: 25,
        Mover.MERGE: 4,
        Mover.SUPPORT: 1,
        Mover.HEARING: 14,
        Mover.SURVEY: 1,
    }
    # Only authors and surveys make new proposals, and they start submitted.
    assert {by for by, pairs in moves.items() if any(f is None for f, _ in pairs)} == {
        Mover.AUTHOR,
        Mover.SURVEY,
    }
    assert moves[Mover.SURVEY] == {(None, S.SUBMITTED)}
    # A hearing does no more than the moderator who runs it could, and never moves a
    # proposal that is decided or finished.
    assert moves[Mover.HEARING] <= moves[Mover.MODERATOR]
    decided = set(lifecycle.ADOPTED) | set(lifecycle.TERMINAL)
    assert not {f for f, _ in moves[Mover.HEARING]} & decided
    assert (S.IN_PROGRESS, S.OPEN_FOR_DISCUSSION) not in moves[Mover.HEARING]
    # Nothing leaves a finished proposal but archiving it.
    for by, pairs in moves.items():
        assert {t for f, t in pairs if f in lifecycle.TERMINAL} <= {S.ARCHIVED}, by
    # The groups are made of statuses, and the board's open ones are neither new nor done.
    groups = (
        lifecycle.OPEN,
        lifecycle.ADOPTED,
        lifecycle.TERMINAL,
        lifecycle.SUPPORTABLE,
        lifecycle.DISCUSSION_CLOSED,
        lifecycle.CLOCK_STARTS,
        lifecycle.AWAITING_MODERATOR,
    )
    assert all(set(group) <= set(PROPOSAL_STATUSES) for group in groups)
    assert set(lifecycle.OPEN) == set(PROPOSAL_STATUSES) - set(lifecycle.TERMINAL) - {S.SUBMITTED}


def state(proposal_id: int) -> tuple:
    """(history rows, audit events, the proposal, the newest history row), read at once."""
    with read_session() as s:
        return (
            s.exec(select(func.count()).select_from(ProposalStatusChange)).one(),
            s.exec(select(func.count()).select_from(AuditEvent)).one(),
            s.get(Proposal, proposal_id),
            s.exec(
                select(ProposalStatusChange).order_by(col(ProposalStatusChange.id).desc())
            ).first(),
        )


def test_every_move_by_everyone_goes_through_the_one_gate(people):
    """936 triples: allowed exactly when the table says so, and then written the same way
    (history row by the actor, updated_at, the clock, the audit event); refused otherwise,
    with nothing written."""
    author = people["resident"]
    existing = submit_proposal(
        actor=author, kind="need", title="楼道灯不亮", body=BODY, category="facilities"
    )
    wrong, allowed = [], {by: 0 for by in Mover}
    history, audited, before, _ = state(existing)
    for by, actor in actors(people).items():
        for from_status in (None, *PROPOSAL_STATUSES):
            for to_status in PROPOSAL_STATUSES:
                expected = lifecycle.can_move(from_status, to_status, by=by)
                proposal_id = existing
                try:
                    with write_session() as s:
                        if from_status is None:
                            proposal = new_proposal(actor if by is Mover.SURVEY else author)
                        else:
                            proposal = s.get(Proposal, existing)
                            proposal.status = from_status
                            proposal.clock_started_at = None
                            s.flush()
                        move_proposal(
                            s, proposal, to_status, actor=actor, by=by, reason="理由：见会议纪要"
                        )
                        proposal_id = proposal.id
                    moved = True
                except Conflict as refused:
                    moved = False
                    if refused.key != "proposal.illegal_transition" or refused.params != {
                        "from": from_status,
                        "to": to_status,
                    }:
                        wrong.append((by, from_status, to_status, refused))
                rows, events, p, last = after = state(proposal_id)
                if moved != expected:
                    wrong.append((by, from_status, to_status, moved))
                elif moved:
                    allowed[by] += 1
                    ok = (
                        p.status == to_status
                        and rows == history + 1
                        and (last.proposal_id, last.from_status, last.to_status, last.by_user_id)
                        == (p.id, from_status, to_status, actor.user_id)
                        and p.updated_at == last.at
                        and (p.clock_started_at == last.at) == (to_status in lifecycle.CLOCK_STARTS)
                        and events == audited + (by in (Mover.MODERATOR, Mover.HEARING))
                    )
                    if not ok:
                        wrong.append((by, from_status, to_status, "written wrongly"))
                elif (rows, events, p.status) != (history, audited, before.status):
                    wrong.append((by, from_status, to_status, "refused but written"))
                if proposal_id != existing:
                    after = state(existing)
                history, audited, before, _ = after
    assert wrong == []
    assert allowed == {by: sum(len(t) for t in lifecycle.MOVES[by].values()) for by in Mover}


def test_the_gate_records_a_hearings_move_in_the_public_log(people):
    proposal_id = submit_proposal(
        actor=people["resident"], kind="need", title="楼道灯不亮", body=BODY, category="facilities"
    )
    with write_session() as s:
        proposal = s.get(Proposal, proposal_id)
        proposal.status = S.IN_HEARING
        move_proposal(s, proposal, S.VOTING, actor=people["moderator"], by=Mover.HEARING)
    with read_session() as s:
        event = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
    assert (event.action, event.object_id, event.actor_user_id) == (
        "proposal.status",
        str(proposal_id),
        people["moderator"].user_id,
    )
    assert '"by":"hearing"' in event.payload and '"to":"voting"' in event.payload


@pytest.mark.parametrize(
    "by, who",
    [
        (Mover.MODERATOR, "resident"),
        (Mover.HEARING, "resident"),
        (Mover.SURVEY, "researcher"),
        (Mover.MERGE, "resident"),
        (Mover.SUPPORT, "moderator"),
        (Mover.AUTHOR, "resident2"),
    ],
)
def test_only_those_who_may_act_as_the_mover_pass_the_gate(people, by, who):
    proposal_id = submit_proposal(
        actor=people["resident"], kind="need", title="楼道灯不亮", body=BODY, category="facilities"
    )
    start = {
        Mover.AUTHOR: S.SUBMITTED,
        Mover.MODERATOR: S.SUBMITTED,
        Mover.MERGE: S.SUBMITTED,
        Mover.SUPPORT: S.SUBMITTED,
        Mover.HEARING: S.IN_HEARING,
    }
    history = count(ProposalStatusChange)
    with pytest.raises(PermissionDenied), write_session() as s:
        if by is Mover.SURVEY:
            proposal = new_proposal(people[who])
            to_status = S.SUBMITTED
        else:
            proposal = s.get(Proposal, proposal_id)
            proposal.status = start[by]
            to_status = next(iter(lifecycle.MOVES[by][start[by]]))
        move_proposal(s, proposal, to_status, actor=people[who], by=by, reason="理由")
    assert count(ProposalStatusChange) == history
    with read_session() as s:
        assert s.get(Proposal, proposal_id).status == S.SUBMITTED


def test_a_rejection_needs_its_reason_whoever_moves(people):
    proposal_id = submit_proposal(
        actor=people["resident"], kind="need", title="楼道灯不亮", body=BODY, category="facilities"
    )
    for by in (Mover.MODERATOR, Mover.HEARING):
        with pytest.raises(InvalidInput) as raised, write_session() as s:
            move_proposal(
                s, s.get(Proposal, proposal_id), S.REJECTED, actor=people["moderator"], by=by
            )
        assert raised.value.field == "reason"
