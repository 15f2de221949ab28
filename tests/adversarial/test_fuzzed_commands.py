"""Random sequences of commands by random roles (Hypothesis): whatever is allowed or refused,
the invariants hold afterwards: no row points at a missing one, supports and comments match
the counters on proposals, every vote has its ballot and its participation record, hearings
never seat more than their capacity, and the audit chain verifies."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, text
from sqlmodel import select

from core.audit import verify
from core.discussion import add_comment, delete_comment, flag_comment
from core.errors import DomainError
from core.hearings.commands import cancel_registration, register_for_hearing
from core.moderation import hide_comment
from core.proposals.commands import (
    change_status,
    submit_proposal,
    support_proposal,
    withdraw_support,
)
from core.voting.ballots import cast_ballot
from core.voting.mixing import ballot_count
from db.engine import read_session, write_session
from db.models import (
    Comment,
    Hearing,
    HearingRegistration,
    ParticipationEvent,
    Proposal,
    Resident,
    Support,
    User,
    VoterRoll,
)
from tests.conftest import BODY
from tests.core.test_hearings import opened
from tests.core.test_voting import option_ids, poll

pytestmark = pytest.mark.usefixtures("quick_accounts")
ROLES = ("resident", "resident2", "moderator", "researcher", "admin")


def ids(model, *where) -> list[int]:
    with read_session() as s:
        return list(s.exec(select(model.id).where(*where).order_by(model.id)).all())


def pick(options: list, n: int):
    return options[n % len(options)] if options else 0


COMMANDS = {
    "submit": lambda who, n, w: submit_proposal(
        actor=who, kind="need", title=f"需求 {n}", body=BODY, category="facilities"
    ),
    "comment": lambda who, n, w: add_comment(
        actor=who, proposal_id=pick(ids(Proposal), n), body=f"意见 {n}"
    ),
    "delete_comment": lambda who, n, w: delete_comment(actor=who, comment_id=pick(ids(Comment), n)),
    "flag": lambda who, n, w: flag_comment(
        actor=who, comment_id=pick(ids(Comment), n), reason="不当言论"
    ),
    "hide": lambda who, n, w: hide_comment(
        actor=who, comment_id=pick(ids(Comment), n), reason="违反规则"
    ),
    "support": lambda who, n, w: support_proposal(actor=who, proposal_id=pick(ids(Proposal), n)),
    "unsupport": lambda who, n, w: withdraw_support(actor=who, proposal_id=pick(ids(Proposal), n)),
    "review": lambda who, n, w: change_status(
        actor=who, proposal_id=pick(ids(Proposal), n), to_status="under_review"
    ),
    "register": lambda who, n, w: register_for_hearing(actor=who, hearing_id=w["hearing"]),
    "unregister": lambda who, n, w: cancel_registration(actor=who, hearing_id=w["hearing"]),
    "vote": lambda who, n, w: cast_ballot(
        actor=who, poll_id=w["poll"], choice=[pick(w["options"], n)]
    ),
}


def check_invariants(world) -> None:
    with read_session() as s:
        assert verify(s) is None
        if s.get_bind().dialect.name == "sqlite":
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        for proposal in s.exec(select(Proposal)).all():
            supports = s.exec(
                select(func.count()).select_from(Support).where(Support.proposal_id == proposal.id)
            ).one()
            comments = s.exec(
                select(func.count()).select_from(Comment).where(Comment.proposal_id == proposal.id)
            ).one()
            assert proposal.support_count == supports, proposal.id
            assert proposal.comment_count == comments, proposal.id
        roll = s.exec(
            select(func.count()).select_from(VoterRoll).where(VoterRoll.poll_id == world["poll"])
        ).one()
        ballots = ballot_count(s, world["poll"])
        votes = s.exec(
            select(func.count())
            .select_from(ParticipationEvent)
            .where(ParticipationEvent.kind == "vote", ParticipationEvent.object_id == world["poll"])
        ).one()
        assert roll == ballots == votes
        seated = s.exec(
            select(func.count())
            .select_from(HearingRegistration)
            .where(
                HearingRegistration.hearing_id == world["hearing"],
                HearingRegistration.status == "registered",
            )
        ).one()
        assert seated <= s.get(Hearing, world["hearing"]).capacity


@pytest.fixture
def world(people):
    with write_session() as s:  # the residents may vote (verified roster rows)
        for user in s.exec(select(User)).all():
            if user.resident_id:
                s.get(Resident, user.resident_id).source = "roster"
    poll_id = poll(people["moderator"])
    return {
        "people": people,
        "poll": poll_id,
        "options": option_ids(poll_id),
        "hearing": opened(people["moderator"], capacity=2),
    }


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(COMMANDS)), st.sampled_from(ROLES), st.integers(0, 50)),
        min_size=1,
        max_size=12,
    )
)
def test_random_commands_keep_the_invariants(world, steps):
    for command, role, n in steps:
        # Refused with a message: fine, as long as nothing broke.
        with contextlib.suppress(DomainError):
            COMMANDS[command](world["people"][role], n, world)
    check_invariants(world)
