"""The votes page: a moderator creates and opens a poll, a verified resident votes and gets a
receipt, an unverified one is told how to get verified, the poll closes and shows results and
the bulletin board; verification by activation code through the profile."""

import json
from datetime import timedelta

from sqlmodel import select

from core.i18n import Translator
from db.engine import read_session, write_session
from db.models import Ballot, Poll, Resident, User, VoterRoll
from db.models.base import utcnow
from tests.pages.test_hearing_pages import button

T = Translator("en")


def open_poll_page(app, role: str, poll_id: int | None = None):
    at = app(role)
    if poll_id is not None:
        at.query_params["id"] = str(poll_id)
    at.run()
    at.switch_page("pages/votes.py").run()
    assert not at.exception, at.exception
    return at


def demo_poll(status: str = "open") -> int:
    with read_session() as s:
        return s.exec(select(Poll.id).where(Poll.status == status)).first()


def fresh_voter() -> None:
    """The demo resident, verified and not yet on any roll."""
    with write_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
        resident = s.get(Resident, user.resident_id)
        resident.source = "roster"
        for row in s.exec(select(VoterRoll).where(VoterRoll.resident_id == resident.id)):
            s.delete(row)


def test_moderator_creates_and_opens_an_approval_poll(app):
    at = open_poll_page(app, "moderator")
    [w for w in at.selectbox if w.label == T("field_name.poll_method")][0].set_value(
        "approval"
    ).run()
    [w for w in at.text_input if w.label == T("field_name.title")][0].input("夏季活动项目选择")
    [w for w in at.text_area if w.label == T("field_name.options")][0].input(
        "游泳课\n乒乓球赛\n纳凉晚会"
    )
    button(at, T("votes.create")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session() as s:
        poll = s.exec(select(Poll).where(Poll.title == "夏季活动项目选择")).one()
    assert poll.status == "draft" and poll.max_choices == 2
    at = open_poll_page(app, "moderator", poll.id)
    button(at, T("votes.open")).click().run()
    with read_session() as s:
        assert s.get(Poll, poll.id).status == "open"


def test_budget_lines_without_a_cost_are_refused_with_a_message(app):
    at = open_poll_page(app, "moderator")
    [w for w in at.selectbox if w.label == T("field_name.poll_method")][0].set_value("budget").run()
    [w for w in at.text_input if w.label == T("field_name.title")][0].input("小区微更新预算")
    [w for w in at.text_area if w.label == T("field_name.options")][0].input(
        "路灯 | 4万\n长椅 | 3000"
    )
    button(at, T("votes.create")).click().run()
    assert at.error[0].value.endswith(T("votes.bad_option_line", line="路灯 | 4万"))


def test_verified_resident_votes_and_sees_the_receipt_once(app):
    poll_id = demo_poll()
    fresh_voter()
    at = open_poll_page(app, "resident", poll_id)
    with read_session() as s:
        assert s.get(Poll, poll_id).method == "approval"  # the demo's open poll
    at.checkbox[0].check()
    button(at, T("votes.cast")).click().run()
    assert not at.exception
    receipts = [m.value for m in at.success if m.value.startswith("Receipt code:")]
    assert len(receipts) == 1
    with read_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
        roll = s.exec(
            select(VoterRoll).where(
                VoterRoll.poll_id == poll_id, VoterRoll.resident_id == user.resident_id
            )
        ).one()
    assert roll.channel == "online"
    assert T("votes.you_voted_online") in [m.value for m in at.info]


def test_unverified_resident_is_told_how_to_get_verified(app):
    poll_id = demo_poll()
    with write_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
        resident = s.get(Resident, user.resident_id)
        resident.source, resident.verified_at = "self_registered", None
        for row in s.exec(select(VoterRoll).where(VoterRoll.resident_id == resident.id)):
            s.delete(row)
    at = open_poll_page(app, "resident", poll_id)
    assert T("ballot.unverified") in [w.value for w in at.warning]
    assert not [b for b in at.button if b.label == T("votes.cast")]


def test_closed_poll_shows_results_bulletin_and_recount(app):
    poll_id = demo_poll("closed")
    at = open_poll_page(app, "researcher", poll_id)
    assert any(m.value == f"#### {T('votes.results')}" for m in at.markdown)
    button(at, T("votes.recount")).click().run()
    assert T("votes.recount_ok") in [m.value for m in at.success]


def test_moderator_closes_a_poll_after_its_window(app):
    poll_id = demo_poll()
    with write_session() as s:
        s.get(Poll, poll_id).closes_at = utcnow() - timedelta(minutes=1)
    at = open_poll_page(app, "moderator", poll_id)
    button(at, T("votes.close")).click().run()
    assert not at.exception
    with read_session() as s:
        poll = s.get(Poll, poll_id)
        ballots = s.exec(select(Ballot.choice).where(Ballot.poll_id == poll_id)).all()
    assert poll.status == "closed" and json.loads(poll.tally)["ballots"] == len(ballots)


def test_moderator_issues_codes_and_a_resident_activates(app):
    from core.principal import Principal
    from core.voting.verification import issue_activation_codes

    with write_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
        resident = s.get(Resident, user.resident_id)
        resident.source, resident.verified_at = "self_registered", None
        building = resident.building_id
        moderator = s.exec(select(User).where(User.username == "moderator")).one()
    at = app("moderator")
    at.run()
    at.switch_page("pages/moderation.py").run()
    button(at, T("verification.issue")).click().run()
    assert not at.exception
    issued = issue_activation_codes(
        actor=Principal(user_id=moderator.id, role="moderator", community_id=1),
        building_id=building,
    )
    at = app("resident")
    at.run()
    at.switch_page("pages/profile.py").run()
    [w for w in at.text_input if w.label == T("field_name.activation_code")][0].input(
        issued[0].code
    )
    button(at, T("verification.activate")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
    assert user.resident_id == issued[0].resident_id


def test_moderator_confirms_an_account_by_choosing_its_roster_row(app):
    with write_session() as s:
        user = s.exec(select(User).where(User.username == "resident")).one()
        placeholder = s.get(Resident, user.resident_id)
        placeholder.source, placeholder.verified_at = "self_registered", None
        twin = Resident(
            community_id=placeholder.community_id,
            building_id=placeholder.building_id,
            full_name=placeholder.full_name,
            unit=placeholder.unit or "9-901",
        )
        placeholder.unit = twin.unit
        s.add(twin)
        s.flush()
        user_id, twin_id = user.id, twin.id
    at = app("moderator")
    at.run()
    at.switch_page("pages/moderation.py").run()
    accounts = [b for b in at.selectbox if b.label == T("verification.pending")][0]
    accounts.select([a for a in accounts.options if "@resident" in a][0]).run()
    rows = [r for r in at.radio if r.label == T("verification.choose_row")][0]
    assert len(rows.options) >= 1 and T("verification.match_both") in rows.options[0]
    # The closest match comes first and is preselected.
    button(at, T("verification.confirm")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session() as s:
        assert s.get(User, user_id).resident_id == twin_id
