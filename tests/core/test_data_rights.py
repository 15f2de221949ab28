"""Residents' data rights: the download holds one's own data only, never a secret ballot's
choice; deleting an account blanks personal data, keeps content and counts, and cannot be
used to vote twice."""

import io
import json
import zipfile

import pandas as pd
import pytest
from sqlmodel import select

from core.accounts.sessions import resume
from core.data_rights import delete_account, export_my_data
from core.discussion import add_comment, thread
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.principal import ANONYMOUS, Principal
from core.proposals.commands import support_proposal
from core.proposals.queries import get_proposal
from core.voting.ballots import cast_ballot
from db.engine import read_session, write_session
from db.models import AuditEvent, Resident, User, VoterRoll
from tests.conftest import make_user
from tests.core.test_voting import option_ids, poll

pytestmark = pytest.mark.usefixtures("quick_accounts")


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv(files, name) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(files[name]), encoding="utf-8-sig", dtype=str, keep_default_na=False
    )


def verify(principal) -> None:
    with write_session() as s:
        s.get(Resident, s.get(User, principal.user_id).resident_id).source = "roster"


def test_the_download_holds_my_data_only(people, proposal_id):
    me, other = people["resident"], people["resident2"]
    add_comment(actor=me, proposal_id=proposal_id, body='=HYPERLINK("http://x") 我同意')
    add_comment(actor=other, proposal_id=proposal_id, body="别人的评论")
    support_proposal(actor=me, proposal_id=proposal_id)
    verify(me)
    poll_id = poll(people["moderator"], secret=True)
    cast_ballot(actor=me, poll_id=poll_id, choice=[option_ids(poll_id)[1]])
    files = unzip(export_my_data(actor=me))
    assert {
        "README.txt",
        "profile.json",
        "comments.csv",
        "supports.csv",
        "polls.csv",
        "participation.csv",
        "public_log.csv",
    } <= set(files)
    profile = json.loads(files["profile.json"])
    assert profile["account"]["username"] == "resident1"
    assert "password_hash" not in profile["account"]
    assert profile["roster_entry"]["full_name"] == "resident1 name"
    comments = csv(files, "comments.csv")
    assert list(comments["body"]) == ['\'=HYPERLINK("http://x") 我同意']  # formula defused
    assert len(csv(files, "supports.csv")) == 1
    polls = csv(files, "polls.csv")
    assert list(polls["title"]) == ["社区活动优先项目"] and "choice" not in polls.columns
    assert "open_poll_ballots.csv" in files and files["open_poll_ballots.csv"].strip() in (
        b"",
        b"\xef\xbb\xbf",
    )  # the ballot was secret
    assert b"\xe5\x88\xab\xe4\xba\xba" not in b"".join(files.values())  # "别人" nowhere
    with pytest.raises(PermissionDenied):
        export_my_data(actor=ANONYMOUS)


def test_deleting_an_account_blanks_the_person_and_keeps_the_thread(people, proposal_id):
    me = people["resident"]
    add_comment(actor=me, proposal_id=proposal_id, body="楼道灯确实坏了三个月")
    support_proposal(actor=me, proposal_id=proposal_id)
    before = get_proposal(viewer=people["admin"], proposal_id=proposal_id).support_count
    with pytest.raises(InvalidInput):
        delete_account(actor=me, confirm_username="someone-else")
    assert resume(me.session_id) is not None  # nothing happened
    delete_account(actor=me, confirm_username=" Resident1 ")
    with read_session() as s:
        user = s.get(User, me.user_id)
        resident = s.get(Resident, user.resident_id)
        assert user.username == f"deleted-{user.id}" and user.display_name == ""
        assert not user.active and user.deleted_at is not None and user.password_hash == "!"
        assert resident.full_name == "" and resident.age_band is None
        assert resident.erased_at is not None and not resident.research_consent
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "account.delete")).one()
        assert event.payload == "{}" and "resident1" not in event.payload
    assert resume(me.session_id) is None  # signed out everywhere
    [comment] = thread(viewer=people["resident2"], proposal_id=proposal_id)
    assert comment.author == "" and comment.body == "楼道灯确实坏了三个月"
    assert get_proposal(viewer=people["admin"], proposal_id=proposal_id).support_count == before
    with pytest.raises(Conflict) as error:
        delete_account(actor=me, confirm_username=f"deleted-{me.user_id}")
    assert error.value.key == "account.already_deleted"


def test_staff_with_open_work_and_the_last_admin_cannot_leave(people):
    poll(people["moderator"], start=False)
    with pytest.raises(Conflict) as error:
        delete_account(actor=people["moderator"], confirm_username="moderator1")
    assert error.value.key == "account.open_assignments"
    assert error.value.params == {"hearings": 0, "polls": 1}
    with pytest.raises(Conflict) as error:
        delete_account(actor=people["admin"], confirm_username="admin1")
    assert error.value.key == "admin.last_admin"
    with read_session() as s:
        assert s.get(User, people["admin"].user_id).deleted_at is None


def test_coming_back_under_a_new_account_cannot_vote_twice(people, community):
    me = people["resident"]
    verify(me)
    poll_id = poll(people["moderator"])
    first, second = option_ids(poll_id)[:2]
    cast_ballot(actor=me, poll_id=poll_id, choice=[first])
    delete_account(actor=me, confirm_username="resident1")
    with read_session() as s:
        assert s.exec(select(VoterRoll.voter_key)).one()  # the roll keeps the pseudonym
    # Staff put the same person back on the roster and they open a new account.
    again = make_user(community, "resident1b")
    with write_session() as s:
        resident = s.get(Resident, s.get(User, again.user_id).resident_id)
        resident.full_name, resident.source = "resident1 name", "roster"
    with pytest.raises(Conflict) as error:
        cast_ballot(actor=again, poll_id=poll_id, choice=[second])
    assert error.value.key == "ballot.already_voted"
    # A living namesake in the same flat is somebody else: they vote.
    namesake = make_user(community, "resident1c")
    with write_session() as s:
        resident = s.get(Resident, s.get(User, namesake.user_id).resident_id)
        resident.full_name, resident.source = "resident2 name", "roster"
    verify(people["resident2"])
    cast_ballot(actor=people["resident2"], poll_id=poll_id, choice=[second])
    assert cast_ballot(actor=namesake, poll_id=poll_id, choice=[second])


def test_a_visitor_cannot_delete_anything():
    with pytest.raises(PermissionDenied):
        delete_account(actor=Principal(user_id=None, role="anonymous"), confirm_username="x")
