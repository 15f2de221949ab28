"""Many people acting on the same rows at the same instant (threads released together by a
barrier, each with its own connection): exactly the allowed writes happen. Run on SQLite
here and on PostgreSQL through tests/pg."""

import threading

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import DomainError
from core.hearings.commands import register_for_hearing
from core.proposals.commands import support_proposal
from core.voting.ballots import cast_ballot
from core.voting.mixing import ballot_count
from db.engine import read_session
from db.models import HearingRegistration, Proposal, Support, VoterRoll
from tests.conftest import make_user
from tests.core.test_hearings import opened
from tests.core.test_voting import option_ids, poll, verified

pytestmark = pytest.mark.usefixtures("quick_accounts")


def race(actions) -> list:
    """Run the callables at once; return each one's result or DomainError key."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            results[index] = action()
        except DomainError as error:
            results[index] = error.key
        except Exception as error:  # noqa: BLE001 - an unexpected failure is the finding
            results[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, str) and r.startswith("crash")], results
    return results


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


@pytest.mark.parametrize("voters", [2, 16])
def test_many_voters_at_once_each_count_once(people, community, voters):
    poll_id = poll(people["moderator"])
    option = option_ids(poll_id)[0]
    crowd = [verified(community, f"voter{i}") for i in range(voters)]
    results = race(
        [lambda v=v: cast_ballot(actor=v, poll_id=poll_id, choice=[option]) for v in crowd]
    )
    assert all(isinstance(r, str) and len(r) == 14 for r in results), results  # receipts
    assert count(VoterRoll, VoterRoll.poll_id == poll_id) == voters
    with read_session() as s:
        assert ballot_count(s, poll_id) == voters


def test_a_crowd_of_supporters_and_double_clicks(people, community, proposal_id):
    crowd = [make_user(community, f"fan{i}") for i in range(12)]
    actions = [lambda v=v: support_proposal(actor=v, proposal_id=proposal_id) for v in crowd]
    actions += [lambda: support_proposal(actor=crowd[0], proposal_id=proposal_id)] * 4
    results = race(actions)
    assert results.count("support.already") == 4, [r for r in results if isinstance(r, str)]
    assert count(Support, Support.proposal_id == proposal_id) == 12
    with read_session() as s:
        assert s.get(Proposal, proposal_id).support_count == 12


def test_registrants_never_exceed_the_capacity(people, community):
    hearing_id = opened(people["moderator"], capacity=5)
    crowd = [make_user(community, f"guest{i}") for i in range(12)]
    results = race(
        [lambda v=v: register_for_hearing(actor=v, hearing_id=hearing_id) for v in crowd]
    )
    assert results.count("registered") == 5 and results.count("waitlisted") == 7, results
    assert (
        count(
            HearingRegistration,
            HearingRegistration.hearing_id == hearing_id,
            HearingRegistration.status == "registered",
        )
        == 5
    )


def test_closing_while_a_mixing_step_holds_the_pending_ballots(people, community):
    """PostgreSQL: a mixing step has locked a batch of pending ballots when the moderator
    closes the poll; the close waits for it, and the mixer's INSERT into ballot (a key-share
    lock on the poll) must not wait for the close in turn: that was a deadlock."""
    import time

    from sqlalchemy import text

    from core.voting.mixing import MIX_BATCH
    from core.voting.polls import close_poll
    from db.engine import get_engine, write_session
    from db.models import Poll
    from db.models.base import utcnow

    if get_engine().dialect.name != "postgresql":
        pytest.skip("PostgreSQL row locks (SQLite serialises writers)")
    poll_id = poll(people["moderator"])
    option = option_ids(poll_id)[0]
    for i in range(MIX_BATCH - 1):
        cast_ballot(actor=verified(community, f"held{i}"), poll_id=poll_id, choice=[option])
    with write_session() as s:
        s.get(Poll, poll_id).closes_at = utcnow()
    outcome = []
    with get_engine().connect() as mixer:
        rows = mixer.execute(
            text(
                "SELECT id, choice, receipt_hash FROM pendingballot "
                "WHERE poll_id = :p FOR UPDATE SKIP LOCKED"
            ),
            {"p": poll_id},
        ).all()
        closer = threading.Thread(
            target=lambda: outcome.append(close_poll(actor=people["moderator"], poll_id=poll_id))
        )
        closer.start()
        time.sleep(1)  # the close now holds the poll and waits for these rows
        for i, (row_id, choice, receipt) in enumerate(rows):
            mixer.execute(
                text(
                    "INSERT INTO ballot (id, poll_id, choice, receipt_hash) VALUES (:i, :p, :c, :r)"
                ),
                {"i": f"{i:032x}", "p": poll_id, "c": choice, "r": receipt},
            )
            mixer.execute(text("DELETE FROM pendingballot WHERE id = :i"), {"i": row_id})
        mixer.commit()
    closer.join(60)
    assert outcome and len(outcome[0]) == 64  # the tally's hash: the close went through
    with read_session() as s:
        assert ballot_count(s, poll_id) == MIX_BATCH - 1


def test_two_changes_of_one_mixed_ballot_at_once(people, community):
    """The review's finding: on PostgreSQL two changes of a ballot already mixed both found
    no pending row and both inserted one; the second died on the unique receipt with a raw
    IntegrityError. One of the two choices counts, and both voters get an answer."""
    from core.voting.ballots import change_ballot, find_ballot
    from core.voting.mixing import MIX_BATCH, mix_if_due

    poll_id = poll(people["moderator"], allow_change=True, secret=True)
    a, b, c = option_ids(poll_id)
    voter = verified(community, "changer")
    code = cast_ballot(actor=voter, poll_id=poll_id, choice=[a])
    for i in range(MIX_BATCH - 1):
        cast_ballot(actor=verified(community, f"mixed{i}"), poll_id=poll_id, choice=[a])
    mix_if_due(poll_id)
    results = race(
        [
            lambda: change_ballot(actor=voter, poll_id=poll_id, receipt=code, choice=[b]),
            lambda: change_ballot(actor=voter, poll_id=poll_id, receipt=code, choice=[c]),
        ]
    )
    assert results == [None, None], results
    assert find_ballot(poll_id=poll_id, receipt=code) in ([b], [c])
    with read_session() as s:
        assert ballot_count(s, poll_id) == MIX_BATCH


def test_two_confirmations_of_one_roster_row_at_once(people, community):
    """Two moderators link two accounts to one roster row at the same instant: one link
    holds, the other gets the translated refusal, never a raw IntegrityError."""
    from core.voting.verification import confirm_resident
    from db.engine import write_session
    from db.models import Resident, User

    with write_session() as s:
        row = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="褚女士",
            unit="905",
        )
        s.add(row)
        s.flush()
        row_id = row.id
    accounts = []
    for name in ("chu1", "chu2"):
        principal = make_user(community, name, unit="905")
        with write_session() as s:
            s.get(Resident, principal.resident_id).full_name = "褚女士"
        accounts.append(principal)
    results = race(
        [
            lambda p=p: confirm_resident(
                actor=people["moderator"], user_id=p.user_id, resident_id=row_id
            )
            for p in accounts
        ]
    )
    assert sorted(results, key=str) == [None, "verification.roster_row_taken"], results
    assert count(User, User.resident_id == row_id) == 1
