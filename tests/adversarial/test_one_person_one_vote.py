"""One roster person, one vote, through any channel and any number of accounts.

The two double votes that worked before: (a) a voter deletes the account, registers again
in the same building, is confirmed and votes again (the roll's pseudonym held the flat,
which self-registration never asked for); (b) someone registers under a roster resident's
name, is confirmed without being linked to the roster row and votes, and a moderator then
enters a paper ballot for that roster row. Both databases (tests/pg).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from core.data_rights import delete_account
from core.errors import Conflict, InvalidInput
from core.principal import Principal
from core.voting.ballots import cast_ballot, enter_paper_ballot
from core.voting.mixing import ballot_count
from core.voting.verification import confirm_resident, roster_candidates
from db.engine import read_session, write_session
from db.models import Resident, User, VoterRoll
from db.models.base import utcnow
from tests.conftest import make_user
from tests.core.test_voting import option_ids, poll


def _roster_row(community, name="周阿姨", unit="502") -> int:
    with write_session() as s:
        row = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name=name,
            unit=unit,
        )
        s.add(row)
        s.flush()
        return row.id


def _sign_up(community, username, name="周阿姨", unit="502") -> Principal:
    """Register online as `name` in flat `unit` of the first building."""
    principal = make_user(community, username, unit=unit)
    with write_session() as s:  # the name typed at registration
        s.get(Resident, principal.resident_id).full_name = name
    return principal


def _confirmed(moderator, principal, roster_id) -> Principal:
    """The moderator links the account to its roster row; the principal as it is then."""
    assert roster_id in [
        c.resident_id for c in roster_candidates(actor=moderator, user_id=principal.user_id)
    ]
    confirm_resident(actor=moderator, user_id=principal.user_id, resident_id=roster_id)
    return replace(principal, resident_id=roster_id)


def _votes(poll_id) -> tuple[int, int]:
    with read_session() as s:
        roll = len(s.exec(select(VoterRoll.id).where(VoterRoll.poll_id == poll_id)).all())
        return roll, ballot_count(s, poll_id)


def test_deleting_the_account_and_coming_back_does_not_give_a_second_vote(people, community):
    moderator = people["moderator"]
    roster_id = _roster_row(community)
    poll_id = poll(moderator)
    option = option_ids(poll_id)[0]
    first = _confirmed(moderator, _sign_up(community, "zhou1"), roster_id)
    assert cast_ballot(actor=first, poll_id=poll_id, choice=[option])
    delete_account(actor=first, confirm_username="zhou1")
    # Back under a new account, in the same building: the erased roster row is nobody's
    # candidate, so the account cannot be confirmed and cannot vote.
    again = _sign_up(community, "zhou2", unit="5-02")
    assert roster_candidates(actor=moderator, user_id=again.user_id) == []
    with pytest.raises((InvalidInput, Conflict)):
        confirm_resident(actor=moderator, user_id=again.user_id, resident_id=roster_id)
    with pytest.raises(Conflict) as refused:
        cast_ballot(actor=again, poll_id=poll_id, choice=[option])
    assert refused.value.key == "ballot.unverified"
    # Staff put the person back on the roster (a new row, the flat written differently):
    # the pseudonym the roll kept is computed from the roster's identity and matches.
    new_row = _roster_row(community, name="周 阿姨", unit="502")
    again = _confirmed(moderator, again, new_row)
    with pytest.raises(Conflict) as refused:
        cast_ballot(actor=again, poll_id=poll_id, choice=[option])
    assert refused.value.key == "ballot.already_voted"
    with pytest.raises(Conflict):
        enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=new_row, choice=[option])
    assert _votes(poll_id) == (1, 1)


def test_an_account_and_a_paper_ballot_for_the_same_roster_row_count_once(people, community):
    moderator = people["moderator"]
    roster_id = _roster_row(community)
    poll_id = poll(moderator)
    option = option_ids(poll_id)[0]
    # Online first: someone registers under the roster resident's name and is confirmed,
    # which links the account to that row; the paper ballot for the row is then refused.
    online = _confirmed(moderator, _sign_up(community, "zhou_online"), roster_id)
    assert cast_ballot(actor=online, poll_id=poll_id, choice=[option])
    with pytest.raises(Conflict) as refused:
        enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=roster_id, choice=[option])
    assert refused.value.key == "ballot.already_voted_online"
    # Paper first: a second roster resident votes on paper, then gets an account.
    paper_row = _roster_row(community, name="钱大爷", unit="601")
    assert enter_paper_ballot(
        actor=moderator, poll_id=poll_id, resident_id=paper_row, choice=[option]
    )
    later = _confirmed(moderator, _sign_up(community, "qian", name="钱大爷", unit="601"), paper_row)
    with pytest.raises(Conflict) as refused:
        cast_ballot(actor=later, poll_id=poll_id, choice=[option])
    assert refused.value.key == "ballot.voted_on_paper"
    assert _votes(poll_id) == (2, 2)


def test_a_confirmation_without_a_roster_row_never_votes(people, community):
    """An account confirmed the old way (a verified placeholder, not linked to the roster;
    migration 0009 sends such accounts back to the queue) is not eligible."""
    poll_id = poll(people["moderator"])
    placeholder = _sign_up(community, "legacy")
    with write_session() as s:
        s.get(Resident, placeholder.resident_id).verified_at = utcnow()
    with pytest.raises(Conflict) as refused:
        cast_ballot(actor=placeholder, poll_id=poll_id, choice=[option_ids(poll_id)[0]])
    assert refused.value.key == "ballot.unverified"


def test_linking_two_rows_that_both_voted_in_one_poll_is_refused(people, community):
    moderator = people["moderator"]
    roster_id = _roster_row(community)
    poll_id = poll(moderator)
    option = option_ids(poll_id)[0]
    enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=roster_id, choice=[option])
    account = _sign_up(community, "zhou_legacy")
    with write_session() as s:  # a roll entry from before accounts were linked
        s.add(VoterRoll(poll_id=poll_id, resident_id=account.resident_id, channel="online"))
    with pytest.raises(Conflict) as refused:
        confirm_resident(actor=moderator, user_id=account.user_id, resident_id=roster_id)
    assert refused.value.key == "verification.voted_twice"
    with read_session() as s:  # nothing moved
        assert s.get(User, account.user_id).resident_id == account.resident_id
        assert s.get(Resident, roster_id).verified_at is None


def test_registration_asks_for_the_flat_where_the_roster_has_flats(community):
    _roster_row(community)  # the first building's roster lists flats
    with pytest.raises(InvalidInput) as refused:
        make_user(community, "noflat", unit=None)
    assert refused.value.key == "register.unit_required"
    with pytest.raises(InvalidInput):
        make_user(community, "blankflat", unit="   \u200b")


def test_importing_the_roster_again_does_not_give_anyone_a_second_row(people, community):
    """The review's attack: import the roster, link an account and vote online, import the
    same file again, enter a paper ballot for the new row. The second import adds nobody
    who is already on the roster, so there is no second row to vote with."""
    from core.roster import import_roster

    admin, moderator = people["admin"], people["moderator"]
    code = community["building_codes"][0]
    data = f"full_name,building,unit\n王小明,{code},3-201\n李四,{code},3-202\n".encode()
    assert import_roster(actor=admin, data=data).imported == 2
    with read_session() as s:
        row = s.exec(select(Resident.id).where(Resident.full_name == "王小明")).one()
    online = _confirmed(
        moderator, _sign_up(community, "xiaoming", name="王小明", unit="3-201"), row
    )
    poll_id = poll(moderator)
    option = option_ids(poll_id)[0]
    assert cast_ballot(actor=online, poll_id=poll_id, choice=[option])
    again = import_roster(actor=admin, data=data.replace(b"3-201", b"3 201"))
    assert again.imported == 0 and again.already_listed == 2
    with read_session() as s:
        rows = s.exec(select(Resident.id).where(Resident.full_name == "王小明")).all()
    assert rows == [row]
    assert _votes(poll_id) == (1, 1)


def test_a_paper_receipt_never_changes_the_ballot(people, community):
    """The review's finding: whoever held a paper ballot's receipt (the moderator who typed
    it in, or anyone the voter showed it to) and had voted online could change that ballot
    with `change_ballot`. Paper receipts carry a mark, and a change by one is refused; the
    voter still checks the ballot with it."""
    from core.voting.ballots import change_ballot, find_ballot

    moderator = people["moderator"]
    poll_id = poll(moderator, allow_change=True)
    a, b, _c = option_ids(poll_id)
    paper = enter_paper_ballot(
        actor=moderator, poll_id=poll_id, resident_id=_roster_row(community), choice=[a]
    )
    online_row = _roster_row(community, name="孙先生", unit="701")
    holder = _confirmed(
        moderator, _sign_up(community, "sun", name="孙先生", unit="701"), online_row
    )
    assert cast_ballot(actor=holder, poll_id=poll_id, choice=[a])
    with pytest.raises(Conflict) as refused:
        change_ballot(actor=holder, poll_id=poll_id, receipt=paper, choice=[b])
    assert refused.value.key == "ballot.paper_is_final"
    # Without its mark the code is no receipt at all.
    with pytest.raises(InvalidInput):
        change_ballot(actor=holder, poll_id=poll_id, receipt=paper[1:], choice=[b])
    with pytest.raises(InvalidInput):
        change_ballot(actor=holder, poll_id=poll_id, receipt=paper.replace("-", "")[1:], choice=[b])
    assert find_ballot(poll_id=poll_id, receipt=paper) == [a]
    assert find_ballot(poll_id=poll_id, receipt=paper.lower().replace("-", " ")) == [a]


def _erased(moderator, community, username, name, unit) -> int:
    """A roster row whose person linked an account and then deleted it (the row is erased)."""
    row = _roster_row(community, name=name, unit=unit)
    account = _confirmed(moderator, _sign_up(community, username, name=name, unit=unit), row)
    delete_account(actor=account, confirm_username=username)
    return row


def test_an_erased_roster_row_is_not_eligible(people, community):
    """The review's finding: erased rows still counted as eligible (an inflated quorum base)
    and core accepted a paper ballot for one. Someone who voted and then left still counts in
    the base of that poll, beside their ballot."""
    from core.voting.eligibility import eligible_count
    from db.models import Poll

    moderator = people["moderator"]
    poll_id = poll(moderator)
    a = option_ids(poll_id)[0]

    def base() -> int:
        with read_session() as s:
            return eligible_count(s, s.get(Poll, poll_id))

    before = base()
    gone = _erased(moderator, community, "gone", "吴奶奶", "801")
    assert base() == before  # added to the roster, then erased: not in the base
    with pytest.raises(Conflict) as refused:
        enter_paper_ballot(actor=moderator, poll_id=poll_id, resident_id=gone, choice=[a])
    assert refused.value.key == "ballot.not_eligible"
    row = _roster_row(community, name="郑先生", unit="802")
    voter = _confirmed(moderator, _sign_up(community, "zheng", name="郑先生", unit="802"), row)
    assert base() == before + 1
    assert cast_ballot(actor=voter, poll_id=poll_id, choice=[a])
    delete_account(actor=voter, confirm_username="zheng")
    assert base() == before + 1  # voted, then left: still one of the electorate
    assert _votes(poll_id) == (1, 1)


def test_a_roll_entry_keyed_before_the_upgrade_is_still_recognised(people, community):
    """The review's finding: migration 0009 changed how a flat enters the voter pseudonym
    ('3-201' and '3201' became one flat) but could not recompute the keys of erased rows
    already on a roll (their names are gone). A poll open across the upgrade must still
    recognise the person when they come back."""
    import hashlib
    import hmac
    import unicodedata

    from sqlmodel import update

    from core.accounts.sessions import secret_key

    moderator = people["moderator"]
    poll_id = poll(moderator)
    option = option_ids(poll_id)[0]
    row = _roster_row(community, name="冯先生", unit="3-201")
    first = _confirmed(moderator, _sign_up(community, "feng1", name="冯先生", unit="3-201"), row)
    assert cast_ballot(actor=first, poll_id=poll_id, choice=[option])
    # The key as the code before migration 0009 computed it (separators kept, no NFKC).
    identity = (
        f"{community['id']}|{community['buildings'][0]}|"
        f"{''.join(unicodedata.normalize('NFKC', '冯先生').casefold().split())}|3-201"
    )
    legacy = hmac.new(secret_key().encode(), identity.encode(), hashlib.sha256).hexdigest()
    with write_session() as s:
        s.exec(update(VoterRoll).where(VoterRoll.poll_id == poll_id).values(voter_key=legacy))
    delete_account(actor=first, confirm_username="feng1")
    back = _roster_row(community, name="冯先生", unit="3-201")
    again = _confirmed(moderator, _sign_up(community, "feng2", name="冯先生", unit="3-201"), back)
    with pytest.raises(Conflict) as refused:
        cast_ballot(actor=again, poll_id=poll_id, choice=[option])
    assert refused.value.key == "ballot.already_voted"
    assert _votes(poll_id) == (1, 1)
