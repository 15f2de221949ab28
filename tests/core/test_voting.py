"""Polls and ballots: creation rules, one verified resident one ballot (also under
concurrency), secrecy, receipts and the bulletin board, changing a vote, paper ballots, the
frozen tally, and verification by activation code or a moderator's confirmation."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect
from sqlmodel import select

from core.audit import canonical_json
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.principal import Principal
from core.voting.ballots import (
    cast_ballot,
    change_ballot,
    enter_paper_ballot,
    find_ballot,
    receipt_hash,
)
from core.voting.mixing import ballot_count
from core.voting.polls import cancel_poll, close_poll, create_poll, open_poll
from core.voting.queries import bulletin_board, get_poll, recount
from core.voting.verification import (
    confirm_resident,
    issue_activation_codes,
    redeem_activation_code,
    roster_candidates,
)
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    Ballot,
    ParticipationEvent,
    PendingBallot,
    Poll,
    PollOption,
    Resident,
    User,
    VoterRoll,
)
from db.models.base import utcnow
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("quick_accounts")


def soon(minutes: float = 0) -> "datetime":  # noqa: F821
    return utcnow().replace(microsecond=0) + timedelta(minutes=minutes)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def ballots(poll_id: int | None = None) -> int:
    """Ballots cast, mixed or still pending."""
    with read_session() as s:
        return ballot_count(s, poll_id)


def verified(community, name: str) -> Principal:
    """A resident whose account a moderator confirmed."""
    principal = make_user(community, name)
    with write_session() as s:
        user = s.get(User, principal.user_id)
        s.get(Resident, user.resident_id).source = "roster"  # linked to its roster row
    return principal


def poll(moderator, method="approval", *, start=True, **overrides) -> int:
    values = dict(
        title="社区活动优先项目",
        method=method,
        opens_at=soon(-1),
        closes_at=soon(60),
        options=[{"label": "合唱团"}, {"label": "读书会"}, {"label": "书法班"}],
    )
    if method == "budget":
        values["options"] = [
            {"label": "路灯", "cost": 40},
            {"label": "长椅", "cost": 30},
            {"label": "花坛", "cost": 50},
        ]
        values["budget"] = 80
    values.update(overrides)
    poll_id = create_poll(actor=moderator, **values)
    if start:
        open_poll(actor=moderator, poll_id=poll_id)
    return poll_id


def option_ids(poll_id) -> list[int]:
    with read_session() as s:
        return [
            o.id
            for o in s.exec(
                select(PollOption)
                .where(PollOption.poll_id == poll_id)
                .order_by(PollOption.position)
            )
        ]


def end_window(poll_id) -> None:
    with write_session() as s:
        s.get(Poll, poll_id).closes_at = soon(-0.01)


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"title": " "}, "field.required"),
        ({"method": "plurality"}, "field.not_a_choice"),
        # Times as functions, read when the test runs: a run that reaches this test more than
        # half an hour after collecting it (a slow, loaded machine) saw an opening time that
        # was no longer after the closing time.
        ({"closes_at": lambda: soon(-120), "opens_at": lambda: soon(-180)}, "poll.closes_in_past"),
        ({"opens_at": lambda: soon(90)}, "poll.closes_before_opens"),
        ({"options": [{"label": "唯一"}]}, "poll.too_few_options"),
        ({"options": [{"label": "甲"}, {"label": "甲 "}]}, "poll.duplicate_options"),
        ({"quorum": 1.5}, "poll.bad_share"),
        ({"quorum": float("nan")}, "poll.bad_share"),
        ({"threshold": 1.0}, "poll.bad_share"),
        ({"max_choices": 0}, "field.out_of_range"),
        ({"max_choices": 4}, "field.out_of_range"),
        ({"building_id": 999}, "field.not_a_choice"),
    ],
)
def test_bad_polls_write_nothing(people, overrides, key):
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    before = count(Poll), count(AuditEvent)
    with pytest.raises(InvalidInput) as raised:
        poll(people["moderator"], start=False, **overrides)
    assert raised.value.key == key
    assert (count(Poll), count(AuditEvent)) == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"budget": 0},
        {"budget": -10},
        {"budget": 2.5},
        {"budget": None},
        {"options": [{"label": "路灯", "cost": 0}, {"label": "长椅", "cost": 30}]},
        {"options": [{"label": "路灯", "cost": -5}, {"label": "长椅", "cost": 30}]},
        {"options": [{"label": "路灯", "cost": float("inf")}, {"label": "长椅", "cost": 30}]},
        {"options": [{"label": "路灯", "cost": 400}, {"label": "长椅", "cost": 300}]},
    ],
)
def test_bad_budget_polls_are_refused(people, overrides):
    with pytest.raises(InvalidInput):
        poll(people["moderator"], "budget", start=False, **overrides)
    assert count(Poll) == 0


def test_residents_cannot_manage_polls(people):
    with pytest.raises(PermissionDenied):
        poll(people["resident"], start=False)
    poll_id = poll(people["moderator"], start=False)
    for command in (
        lambda: open_poll(actor=people["resident"], poll_id=poll_id),
        lambda: cancel_poll(actor=people["resident"], poll_id=poll_id, reason="x"),
        lambda: close_poll(actor=people["resident"], poll_id=poll_id),
        lambda: enter_paper_ballot(
            actor=people["resident"], poll_id=poll_id, resident_id=1, choice=[1]
        ),
    ):
        with pytest.raises(PermissionDenied):
            command()


def test_one_verified_resident_one_secret_ballot_with_a_receipt(people, community):
    moderator = people["moderator"]
    voter = verified(community, "voter1")
    poll_id = poll(moderator)
    a, b, c = option_ids(poll_id)
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=people["resident"], poll_id=poll_id, choice=[a])
    assert raised.value.key == "ballot.unverified"
    code = cast_ballot(actor=voter, poll_id=poll_id, choice=[c, a])
    assert len(code) == 14 and code.count("-") == 2
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=voter, poll_id=poll_id, choice=[b])
    assert raised.value.key == "ballot.already_voted"
    with read_session() as s:
        # Pending until a batch of others is mixed with it: never in the ballot table yet.
        assert s.exec(select(Ballot)).first() is None
        ballot = s.exec(select(PendingBallot)).one()
        roll = s.exec(select(VoterRoll)).one()
    assert json.loads(ballot.choice) == sorted([a, c]) and not ballot.replaces
    assert ballot.receipt_hash == receipt_hash(code) and len(ballot.id) == 32
    assert roll.resident_id == voter.resident_id and roll.channel == "online"
    assert count(ParticipationEvent, ParticipationEvent.kind == "vote") == 1
    assert find_ballot(poll_id=poll_id, receipt=code.lower()) == sorted([a, c])
    detail = get_poll(viewer=voter, poll_id=poll_id)
    assert detail.voted == "online" and not detail.can_vote and detail.tally is None


def test_no_column_links_a_secret_ballot_to_a_voter(database):
    """Nothing in the ballot table names a person or a time, and the roll names no ballot."""
    from db.engine import get_engine

    columns = {c["name"] for c in inspect(get_engine()).get_columns("ballot")}
    assert columns == {"id", "poll_id", "choice", "receipt_hash", "resident_id", "cast_at"}
    roll = {c["name"] for c in inspect(get_engine()).get_columns("voterroll")}
    assert not roll & {"ballot_id", "receipt_hash", "choice"}
    fks = {fk["referred_table"] for fk in inspect(get_engine()).get_foreign_keys("voterroll")}
    assert "ballot" not in fks


def test_ballot_rows_do_not_follow_the_order_of_voting(people, community):
    """Closing rewrites the poll's ballots in a shuffled order with new random keys (SQLite
    keeps them in key order: WITHOUT ROWID; PostgreSQL in the shuffled insertion order).
    tests/adversarial/test_ballot_secrecy.py tries the stronger attacks."""
    from sqlalchemy import text

    poll_id = poll(people["moderator"])
    a = option_ids(poll_id)[0]
    voters = [verified(community, f"order{i}") for i in range(12)]
    codes = [cast_ballot(actor=v, poll_id=poll_id, choice=[a]) for v in voters]
    with read_session() as s:
        postgresql = s.get_bind().dialect.name == "postgresql"
    end_window(poll_id)
    close_poll(actor=people["moderator"], poll_id=poll_id)
    physical = "SELECT id, receipt_hash FROM ballot" + (" ORDER BY ctid" if postgresql else "")
    with read_session() as s:
        rows = list(s.execute(text(physical)))
    stored = [receipt for _id, receipt in rows]
    cast_order = [receipt_hash(c) for c in codes]
    assert sorted(stored) == sorted(cast_order) and stored != cast_order
    keys = [key for key, _receipt in rows]
    assert postgresql or keys == sorted(keys)  # stored in key order; the keys are random


@pytest.mark.parametrize(
    "method, make_choice, key",
    [
        ("approval", lambda ids: [ids[0], ids[0]], "ballot.duplicate_option"),
        ("approval", lambda ids: [], "ballot.empty"),
        ("approval", lambda ids: [99999], "ballot.unknown_option"),
        ("approval", lambda ids: ["1"], "ballot.unknown_option"),
        ("approval", lambda ids: ids[0], "ballot.unknown_option"),
        ("ranked", lambda ids: [ids[1], ids[1]], "ballot.duplicate_rank"),
        ("majority", lambda ids: [ids[0], ids[1]], "ballot.choose_one"),
    ],
)
def test_bad_ballots_write_nothing(people, community, method, make_choice, key):
    voter = verified(community, "badballot")
    poll_id = poll(people["moderator"], method)
    before = count(AuditEvent)
    with pytest.raises(InvalidInput) as raised:
        cast_ballot(actor=voter, poll_id=poll_id, choice=make_choice(option_ids(poll_id)))
    assert raised.value.key == key
    assert ballots() == count(VoterRoll) == 0 and count(AuditEvent) == before


def test_options_of_another_poll_and_too_many_approvals_are_refused(people, community):
    voter = verified(community, "foreign")
    first = poll(people["moderator"], max_choices=2)
    other = poll(people["moderator"], title="另一次投票")
    with pytest.raises(InvalidInput):
        cast_ballot(actor=voter, poll_id=first, choice=[option_ids(other)[0]])
    with pytest.raises(InvalidInput) as raised:
        cast_ballot(actor=voter, poll_id=first, choice=option_ids(first))
    assert raised.value.key == "ballot.too_many" and raised.value.params == {"max": 2}


def test_knapsack_ballots_must_fit_the_budget(people, community):
    voter = verified(community, "knapsack")
    poll_id = poll(people["moderator"], "budget", knapsack=True)
    lamp, bench, bed = option_ids(poll_id)
    with pytest.raises(InvalidInput) as raised:
        cast_ballot(actor=voter, poll_id=poll_id, choice=[lamp, bed])
    assert raised.value.key == "ballot.over_budget"
    assert raised.value.params == {"total": 90, "budget": 80}
    assert cast_ballot(actor=voter, poll_id=poll_id, choice=[lamp, bench])


def test_voting_outside_the_window_or_scope_is_refused(people, community):
    moderator = people["moderator"]
    voter = verified(community, "window")
    draft = poll(moderator, start=False)
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=voter, poll_id=draft, choice=[option_ids(draft)[0]])
    assert raised.value.key == "ballot.not_open"
    later = poll(moderator, opens_at=soon(30))
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=voter, poll_id=later, choice=[option_ids(later)[0]])
    assert raised.value.key == "ballot.not_open"
    ended = poll(moderator)
    end_window(ended)
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=voter, poll_id=ended, choice=[option_ids(ended)[0]])
    assert raised.value.key == "ballot.closed"
    other_building = poll(moderator, building_id=community["buildings"][2])
    with pytest.raises(Conflict) as raised:
        cast_ballot(actor=voter, poll_id=other_building, choice=[option_ids(other_building)[0]])
    assert raised.value.key == "ballot.not_eligible"
    newcomers_excluded = poll(moderator, registered_before_open=True, opens_at=soon(-600))
    with pytest.raises(Conflict) as raised:
        cast_ballot(
            actor=voter, poll_id=newcomers_excluded, choice=[option_ids(newcomers_excluded)[0]]
        )
    assert raised.value.key == "ballot.not_eligible"
    assert ballots() == 0


def test_a_repeated_submission_is_counted_once(people, community):
    voter = verified(community, "doubleclick")
    poll_id = poll(people["moderator"])
    a = option_ids(poll_id)[0]
    code = cast_ballot(actor=voter, poll_id=poll_id, choice=[a], submission="form-1")
    assert code is not None
    assert cast_ballot(actor=voter, poll_id=poll_id, choice=[a], submission="form-1") is None
    with pytest.raises(Conflict):
        cast_ballot(actor=voter, poll_id=poll_id, choice=[a], submission="form-2")
    assert ballots() == count(VoterRoll) == 1


def test_changing_a_vote_by_receipt_where_allowed(people, community):
    voter = verified(community, "changer")
    fixed = poll(people["moderator"])
    changeable = poll(people["moderator"], title="可改票的投票", allow_change=True)
    a, b, _c = option_ids(changeable)
    code = cast_ballot(actor=voter, poll_id=changeable, choice=[a])
    fixed_code = cast_ballot(actor=voter, poll_id=fixed, choice=[option_ids(fixed)[0]])
    with pytest.raises(Conflict) as raised:
        change_ballot(actor=voter, poll_id=fixed, receipt=fixed_code, choice=[option_ids(fixed)[1]])
    assert raised.value.key == "ballot.no_changes"
    with pytest.raises(InvalidInput) as raised:
        change_ballot(actor=voter, poll_id=changeable, receipt="AAAA-BBBB-CCCC", choice=[b])
    assert raised.value.key == "ballot.bad_receipt"
    change_ballot(actor=voter, poll_id=changeable, receipt=code, choice=[b])
    assert find_ballot(poll_id=changeable, receipt=code) == [b]
    assert ballots(changeable) == 1
    other = verified(community, "notvoted")
    with pytest.raises(Conflict) as raised:
        change_ballot(actor=other, poll_id=changeable, receipt=code, choice=[a])
    assert raised.value.key == "ballot.not_voted"


def test_paper_ballots_and_online_ballots_exclude_each_other(people, community):
    moderator = people["moderator"]
    poll_id = poll(moderator, "majority")
    yes, no, _abstain = option_ids(poll_id)
    with write_session() as s:
        paper_voter = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="孙奶奶",
            unit="102",
        )
        s.add(paper_voter)
        s.flush()
        paper_id = paper_voter.id
    code = enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=paper_id, choice=[no])
    assert code
    with pytest.raises(Conflict) as raised:
        enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=paper_id, choice=[yes])
    assert raised.value.key == "ballot.already_voted"
    online = verified(community, "online1")
    cast_ballot(actor=online, poll_id=poll_id, choice=[yes])
    with pytest.raises(Conflict) as raised:
        enter_paper_ballot(
            actor=moderator, poll_id=poll_id, resident_id=online.resident_id, choice=[no]
        )
    assert raised.value.key == "ballot.already_voted_online"
    # The paper voter gets an account and the code is linked to them later: no second vote.
    with write_session() as s:
        roll = s.exec(select(VoterRoll).where(VoterRoll.resident_id == paper_id)).one()
    assert roll.channel == "offline" and roll.entered_by == moderator.user_id


def test_closing_freezes_the_tally_and_anyone_can_recount(people, community):
    moderator = people["moderator"]
    poll_id = poll(moderator, "majority", quorum=0.2)
    yes, no, abstain = option_ids(poll_id)
    voters = [verified(community, f"maj{i}") for i in range(4)]
    for voter, choice in zip(voters, (yes, yes, no, abstain), strict=True):
        cast_ballot(actor=voter, poll_id=poll_id, choice=choice)
    with pytest.raises(Conflict) as raised:
        close_poll(actor=moderator, poll_id=poll_id)
    assert raised.value.key == "poll.still_running"
    assert bulletin_board(viewer=voters[0], poll_id=poll_id) is None
    end_window(poll_id)
    digest = close_poll(actor=moderator, poll_id=poll_id)
    detail = get_poll(viewer=voters[0], poll_id=poll_id)
    assert detail.tally["yes"] == 2 and detail.tally["no"] == 1 and detail.tally["abstain"] == 1
    assert detail.tally["passed"] and detail.tally_hash == digest
    # 4 confirmed voters plus nobody else verified: `people` are unverified self-registrations.
    assert detail.eligible == 4 and detail.tally["quorum_met"]
    board = bulletin_board(viewer=people["researcher"], poll_id=poll_id)
    assert len(board) == 4 and [e.receipt for e in board] == sorted(e.receipt for e in board)
    assert recount(viewer=people["researcher"], poll_id=poll_id)
    with read_session() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "poll.close")).one()
    assert json.loads(event.payload)["tally_hash"] == digest
    with write_session() as s:  # a ballot tampered with after the close
        ballot = s.exec(select(Ballot).where(Ballot.choice == f"[{no}]")).one()
        ballot.choice = f"[{yes}]"
    assert not recount(viewer=people["researcher"], poll_id=poll_id)
    with pytest.raises(Conflict):
        close_poll(actor=moderator, poll_id=poll_id)


def test_budget_results_show_equal_shares_and_greedy(people, community):
    moderator = people["moderator"]
    poll_id = poll(moderator, "budget")
    lamp, bench, bed = option_ids(poll_id)
    ballots = [[lamp, bench]] * 3 + [[bed]] * 2
    for i, choice in enumerate(ballots):
        cast_ballot(actor=verified(community, f"budget{i}"), poll_id=poll_id, choice=choice)
    end_window(poll_id)
    close_poll(actor=moderator, poll_id=poll_id)
    tally = get_poll(viewer=people["resident"], poll_id=poll_id).tally
    assert tally["greedy"] == {"funded": [lamp, bench], "spent": 70}
    # Equal shares: 5 voters, 16 each. The three pay 13.33 each for the lamp; the bench and
    # the flower bed are out of reach. Raising budgets: at 24 each the three fund lamp and
    # bench (70); at 25 the two also reach the bed (50), 120 in all, over the budget of 80:
    # the outcome at 24 stands, and the 10 left buy nothing more.
    # The tally names the rule that counted it, so that a recount can use the same one.
    assert tally["equal_shares"] == {"funded": [lamp, bench], "spent": 70, "rule": "equal-shares-2"}
    assert [row[0] for row in tally["approvals"]] == [lamp, bench, bed]
    assert recount(viewer=people["resident"], poll_id=poll_id)
    with write_session() as s:  # a ballot tampered with after the close
        ballot = s.exec(
            select(Ballot).where(Ballot.poll_id == poll_id, Ballot.choice == f"[{bed}]")
        ).first()
        ballot.choice = f"[{lamp}]"
    assert not recount(viewer=people["resident"], poll_id=poll_id)


def freeze_as_before_rules_had_names(poll_id) -> dict:
    """Store the tally the way polls.py stored it when budget polls were counted through
    pabutools (before 92cfaf5): equal shares by that code (tests/core/legacy_equal_shares.py,
    from 30196ec), and no rule named. The rest of the tally is counted as it was then
    (core/voting/tally.py is unchanged since 114d286 but for the rule's name)."""
    from core.voting.polls import freeze_tally
    from tests.core import legacy_equal_shares

    with write_session() as s:
        poll = s.get(Poll, poll_id)
        result = json.loads(poll.tally)
        costs = {
            str(o.id): int(o.cost)
            for o in s.exec(
                select(PollOption)
                .where(PollOption.poll_id == poll_id)
                .order_by(PollOption.position)
            )
        }
        approvals = [
            {str(i) for i in json.loads(choice)}
            for choice in s.exec(select(Ballot.choice).where(Ballot.poll_id == poll_id))
        ]
        funded = legacy_equal_shares.equal_shares(costs, int(poll.budget), approvals)
        result["equal_shares"] = {
            "funded": [int(o) for o in funded],
            "spent": sum(costs[o] for o in funded),
        }
        freeze_tally(s, poll, result)
    return result


def test_a_budget_poll_closed_before_the_rules_had_names_still_recounts(people, community):
    from core.voting.tally import digest

    moderator = people["moderator"]
    poll_id = poll(moderator, "budget")
    lamp, bench, bed = option_ids(poll_id)
    for i, choice in enumerate([[bed], [lamp, bench]]):
        cast_ballot(actor=verified(community, f"old{i}"), poll_id=poll_id, choice=choice)
    end_window(poll_id)
    close_poll(actor=moderator, poll_id=poll_id)
    # Two voters, 40 each: the second can buy the lamp (40) or the bench (30), one effective
    # vote either way. Counted then, the tie went to the lamp, listed first; beside it the bed
    # (50) does not fit, and the completion adds the bench. Counted now, it goes to the
    # cheaper bench, and at shares of 50 the bed comes too (80). The same ballots, two
    # outcomes: a recount must count by the rule of then.
    assert get_poll(viewer=moderator, poll_id=poll_id).tally["equal_shares"]["funded"] == [
        bench,
        bed,
    ]
    old = freeze_as_before_rules_had_names(poll_id)
    assert old["equal_shares"] == {"funded": [lamp, bench], "spent": 70}
    detail = get_poll(viewer=people["researcher"], poll_id=poll_id)
    assert detail.tally == old and detail.tally_hash == digest(old)
    assert recount(viewer=people["researcher"], poll_id=poll_id)
    with write_session() as s:  # naming today's rule in the stored tally does not help
        p = s.get(Poll, poll_id)
        p.tally = canonical_json(
            {**old, "equal_shares": {**old["equal_shares"], "rule": "equal-shares-2"}}
        )
    assert not recount(viewer=people["researcher"], poll_id=poll_id)
    with write_session() as s:  # nor a rule this version does not know
        s.get(Poll, poll_id).tally = canonical_json(
            {**old, "equal_shares": {**old["equal_shares"], "rule": "equal-shares-9"}}
        )
    assert not recount(viewer=people["researcher"], poll_id=poll_id)
    with write_session() as s:
        s.get(Poll, poll_id).tally = canonical_json(old)
    assert recount(viewer=people["researcher"], poll_id=poll_id)
    with write_session() as s:  # a ballot tampered with after the close
        ballot = s.exec(
            select(Ballot).where(Ballot.poll_id == poll_id, Ballot.choice == f"[{bed}]")
        ).one()
        ballot.choice = f"[{lamp}]"
    assert not recount(viewer=people["researcher"], poll_id=poll_id)


def test_concurrent_ballots_from_one_voter_count_once(people, community):
    voter = verified(community, "racer")
    poll_id = poll(people["moderator"])
    a = option_ids(poll_id)[0]
    barrier = threading.Barrier(8)
    results = []

    def attempt():
        barrier.wait()
        try:
            results.append(cast_ballot(actor=voter, poll_id=poll_id, choice=[a]))
        except Conflict as error:
            results.append(error.key)
        except Exception as error:  # noqa: BLE001 - reported below
            results.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = [r for r in results if r and "-" in r and len(r) == 14]
    assert len(codes) == 1, results
    assert results.count("ballot.already_voted") == 7, results
    assert ballots() == count(VoterRoll) == 1


def test_activation_codes_link_an_account_to_its_roster_row(people, community):
    moderator = people["moderator"]
    with write_session() as s:
        roster = Resident(
            community_id=community["id"],
            building_id=community["buildings"][1],
            full_name="周阿姨",
            unit="502",
            age_band="60-74",
        )
        s.add(roster)
        s.flush()
        roster_id = roster.id
    with pytest.raises(PermissionDenied):
        issue_activation_codes(actor=people["resident"], building_id=community["buildings"][1])
    codes = issue_activation_codes(actor=moderator, building_id=community["buildings"][1])
    assert [c.resident_id for c in codes] == [roster_id]
    newcomer = make_user(community, "zhou")
    # A code links a resident's own account; a staff account is no resident and never takes one.
    with pytest.raises(PermissionDenied):
        redeem_activation_code(actor=moderator, code=codes[0].code)
    with pytest.raises(InvalidInput) as raised:
        redeem_activation_code(actor=newcomer, code="XXXXX-XXXXX")
    assert raised.value.key == "verification.bad_code"
    old_resident = newcomer.resident_id
    redeem_activation_code(actor=newcomer, code=codes[0].code.lower())
    with read_session() as s:
        user = s.get(User, newcomer.user_id)
        assert user.resident_id == roster_id and s.get(Resident, old_resident) is None
        assert s.get(Resident, roster_id).verified_at is not None
    with pytest.raises(InvalidInput):
        redeem_activation_code(actor=make_user(community, "zhou2"), code=codes[0].code)
    voter = Principal(
        user_id=newcomer.user_id,
        role="resident",
        community_id=community["id"],
        resident_id=roster_id,
    )
    poll_id = poll(moderator)
    assert cast_ballot(actor=voter, poll_id=poll_id, choice=[option_ids(poll_id)[0]])


def test_a_moderator_confirms_a_self_registered_resident_by_their_roster_row(people, community):
    resident, moderator = people["resident"], people["moderator"]
    with write_session() as s:
        same = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="Resident1 Name",
            unit="1 01",
        )
        flatmate = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="王五",
            unit="101",
        )
        stranger = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="李四",
            unit="999",
        )
        elsewhere = Resident(
            community_id=community["id"],
            building_id=community["buildings"][1],
            full_name="resident1 name",
            unit="101",
        )
        s.add_all([same, flatmate, stranger, elsewhere])
        s.flush()
        ids = same.id, flatmate.id, stranger.id, elsewhere.id
    candidates = roster_candidates(actor=moderator, user_id=resident.user_id)
    assert [(c.resident_id, c.same_name, c.same_unit) for c in candidates] == [
        (ids[0], True, True),
        (ids[1], False, True),
    ]
    for wrong in (ids[2], ids[3], 99999, None, True, "1"):
        with pytest.raises(InvalidInput) as raised:
            confirm_resident(actor=moderator, user_id=resident.user_id, resident_id=wrong)
        assert raised.value.key == "verification.not_a_candidate"
    with pytest.raises(PermissionDenied):
        confirm_resident(actor=resident, user_id=people["resident2"].user_id, resident_id=ids[0])
    with pytest.raises(NotFound):
        confirm_resident(actor=moderator, user_id=99999, resident_id=ids[0])
    placeholder = resident.resident_id
    confirm_resident(actor=moderator, user_id=resident.user_id, resident_id=ids[0])
    with read_session() as s:
        assert s.get(User, resident.user_id).resident_id == ids[0]
        assert s.get(Resident, placeholder) is None  # merged into the roster row
    with pytest.raises(Conflict) as raised:
        confirm_resident(actor=moderator, user_id=resident.user_id, resident_id=ids[1])
    assert raised.value.key == "verification.already_verified"
    # The roster row now has an account: nobody else can be linked to it.
    with pytest.raises(Conflict) as raised:
        confirm_resident(actor=moderator, user_id=people["resident2"].user_id, resident_id=ids[0])
    assert raised.value.key == "verification.roster_row_taken"
    voter = Principal(
        user_id=resident.user_id, role="resident", community_id=community["id"], resident_id=ids[0]
    )
    poll_id = poll(moderator)
    assert cast_ballot(actor=voter, poll_id=poll_id, choice=[option_ids(poll_id)[0]])


def test_cancel_needs_a_reason_and_shows_it(people):
    poll_id = poll(people["moderator"])
    with pytest.raises(InvalidInput):
        cancel_poll(actor=people["moderator"], poll_id=poll_id, reason=" ")
    cancel_poll(actor=people["moderator"], poll_id=poll_id, reason="选项有误，重新发起")
    detail = get_poll(viewer=people["resident"], poll_id=poll_id)
    assert detail.status == "cancelled" and detail.cancel_reason == "选项有误，重新发起"


def test_nobody_can_edit_someone_elses_ballot(people, community):
    """There is no command to edit ballots; a moderator holding a voter's receipt cannot use
    it, because changing a ballot needs one's own online vote on the roll."""
    voter = verified(community, "edited")
    poll_id = poll(people["moderator"], allow_change=True)
    a, b, _c = option_ids(poll_id)
    code = cast_ballot(actor=voter, poll_id=poll_id, choice=[a])
    with pytest.raises(Conflict) as raised:
        change_ballot(actor=people["moderator"], poll_id=poll_id, receipt=code, choice=[b])
    assert raised.value.key == "ballot.not_voted"
    assert find_ballot(poll_id=poll_id, receipt=code) == [a]


def test_turnout_lists_every_eligible_building(people, community):
    poll_id = poll(people["moderator"])
    cast_ballot(
        actor=verified(community, "turnout1"), poll_id=poll_id, choice=[option_ids(poll_id)[0]]
    )
    with write_session() as s:
        s.add(
            Resident(
                community_id=community["id"],
                building_id=community["buildings"][2],
                full_name="吴叔",
                unit="301",
            )
        )
    detail = get_poll(viewer=people["moderator"], poll_id=poll_id)
    buildings = {
        row.group: (row.voters, row.eligible) for row in detail.turnout if row.kind == "building"
    }
    assert buildings == {"B1": (1, 1), "B3": (0, 1)}


def test_changes_reach_ballots_whether_mixed_or_still_pending(people, community):
    """A change of a ballot already mixed waits as a pending change (never an update in the
    voter's own transaction) and the next mixing step applies it; a ballot still pending is
    simply rewritten. Receipts find the choice that will count, and the tally counts it."""
    from core.voting.mixing import MIX_BATCH

    poll_id = poll(people["moderator"], allow_change=True, secret=True)
    a, b, c = option_ids(poll_id)
    voters = [verified(community, f"changer{i}") for i in range(MIX_BATCH + 2)]
    codes = [cast_ballot(actor=v, poll_id=poll_id, choice=[a]) for v in voters]
    with read_session() as s:  # the first batch is mixed, the last two are pending
        assert count(Ballot, Ballot.poll_id == poll_id) == MIX_BATCH
        assert count(PendingBallot, PendingBallot.poll_id == poll_id) == 2
    change_ballot(actor=voters[0], poll_id=poll_id, receipt=codes[0], choice=[b])  # mixed
    change_ballot(actor=voters[-1], poll_id=poll_id, receipt=codes[-1], choice=[c])  # pending
    with read_session() as s:
        kinds = sorted(
            s.exec(select(PendingBallot.replaces).where(PendingBallot.poll_id == poll_id)).all()
        )
        mixed = s.exec(
            select(Ballot.choice).where(Ballot.receipt_hash == receipt_hash(codes[0]))
        ).one()
    assert kinds == [False, False, True] and json.loads(mixed) == [a]  # not updated in place
    assert find_ballot(poll_id=poll_id, receipt=codes[0]) == [b]
    assert find_ballot(poll_id=poll_id, receipt=codes[-1]) == [c]
    assert ballots(poll_id) == MIX_BATCH + 2
    end_window(poll_id)
    close_poll(actor=people["moderator"], poll_id=poll_id)
    assert find_ballot(poll_id=poll_id, receipt=codes[0]) == [b]
    assert find_ballot(poll_id=poll_id, receipt=codes[-1]) == [c]
    counts = dict(get_poll(viewer=people["researcher"], poll_id=poll_id).tally["approvals"])
    assert counts[a] == MIX_BATCH and counts[b] == counts[c] == 1, counts
    assert recount(viewer=people["researcher"], poll_id=poll_id)
    assert count(PendingBallot) == 0


def test_changes_do_not_count_towards_a_mixing_batch(people, community):
    """Ten ballots mixed, nine of their voters change their vote, an eleventh votes: no
    mixing step runs, as it would carry one new ballot among nine changes."""
    from core.voting.mixing import MIX_BATCH

    poll_id = poll(people["moderator"], allow_change=True, secret=True)
    a, b, _c = option_ids(poll_id)
    voters = [verified(community, f"batch{i}") for i in range(MIX_BATCH + 1)]
    codes = [cast_ballot(actor=v, poll_id=poll_id, choice=[a]) for v in voters[:MIX_BATCH]]
    for voter, code in list(zip(voters, codes, strict=False))[: MIX_BATCH - 1]:
        change_ballot(actor=voter, poll_id=poll_id, receipt=code, choice=[b])
    cast_ballot(actor=voters[-1], poll_id=poll_id, choice=[a])
    assert count(Ballot, Ballot.poll_id == poll_id) == MIX_BATCH  # the eleventh waits
    assert count(PendingBallot, PendingBallot.poll_id == poll_id) == MIX_BATCH


def test_a_failed_mixing_step_does_not_cost_the_voter_the_receipt(people, community, monkeypatch):
    import core.voting.mixing as mixing

    def broken(_poll_id):
        raise RuntimeError("database is locked")

    working = mixing.mix_if_due
    monkeypatch.setattr(mixing, "mix_if_due", broken)
    poll_id = poll(people["moderator"])
    a = option_ids(poll_id)[0]
    codes = [
        cast_ballot(actor=verified(community, f"unmixed{i}"), poll_id=poll_id, choice=[a])
        for i in range(mixing.MIX_BATCH + 1)
    ]
    assert all(code and len(code) == 14 for code in codes)
    assert ballots(poll_id) == mixing.MIX_BATCH + 1
    monkeypatch.setattr(mixing, "mix_if_due", working)
    end_window(poll_id)
    close_poll(actor=people["moderator"], poll_id=poll_id)  # the close mixes them all
    assert find_ballot(poll_id=poll_id, receipt=codes[0]) == [a]


def test_a_change_landing_after_the_first_count_is_in_the_frozen_tally(
    people, community, monkeypatch
):
    """close_poll counts before it locks; a change committed in between keeps the number of
    ballots but not their choices, and must not leave a stale tally. Here the first read sees
    the choices as they were before a last change (b instead of a, for one voter)."""
    import core.voting.polls as polls

    poll_id = poll(people["moderator"])
    a, b, _c = option_ids(poll_id)
    for i in range(3):
        cast_ballot(actor=verified(community, f"late{i}"), poll_id=poll_id, choice=[a])
    reads = []
    current = polls.counted_choices

    def before_the_change_on_the_first_read(s, pid):
        choices = current(s, pid)
        reads.append(pid)
        return [f"[{b}]"] + choices[1:] if len(reads) == 1 else choices

    monkeypatch.setattr(polls, "counted_choices", before_the_change_on_the_first_read)
    end_window(poll_id)
    close_poll(actor=people["moderator"], poll_id=poll_id)
    tally = dict(get_poll(viewer=people["researcher"], poll_id=poll_id).tally["approvals"])
    assert tally[a] == 3 and tally[b] == 0, tally  # what the ballots say, not the first read
    assert recount(viewer=people["researcher"], poll_id=poll_id)


@pytest.mark.parametrize("status", ["draft", "open", "closed", "published", "cancelled"])
def test_a_polls_flags_say_what_its_status_allows(status):
    """The flags say what the poll page used to compute from the status itself."""
    from core.voting.queries import PollSummary

    p = PollSummary(
        id=1,
        title="加装电梯",
        method="majority",
        status=status,
        secret=True,
        opens_at=utcnow(),
        closes_at=utcnow(),
        options=2,
        voters=0,
    )
    assert p.voting_open == (status == "open")
    assert p.closed == (status == "closed") and p.cancelled == (status == "cancelled")
    assert p.openable == (status == "draft") and p.closable == (status == "open")
    assert p.cancellable == (status in ("draft", "open"))


def test_options_typed_one_per_line():
    """What the new-poll form's text area gives create_poll (pages only pass it on)."""
    from core.voting.polls import options_from_text

    assert options_from_text("合唱团\n\n  读书会 \n", "approval") == [
        {"label": "合唱团"},
        {"label": "读书会"},
    ]
    assert options_from_text("路灯 | 40,000\nA|B 方案 | 30\n", "budget") == [
        {"label": "路灯", "cost": 40000},
        {"label": "A|B 方案", "cost": 30},
    ]
    with pytest.raises(InvalidInput) as refused:
        options_from_text("路灯 | 40000\n长椅\n", "budget")
    assert refused.value.key == "votes.bad_option_line" and refused.value.params["line"] == "长椅"
    assert options_from_text("", "budget") == []
