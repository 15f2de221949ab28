"""Hearings: creation rules, lifecycle, registration with waitlist, statements, check-in
(account holders and roster residents without an account alike), minutes and outcomes."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.hearings import lifecycle
from core.hearings.commands import (
    cancel_registration,
    check_in,
    create_hearing,
    move_hearing,
    publish_minutes,
    register_for_hearing,
    submit_statement,
)
from core.hearings.queries import find_residents, get_hearing, list_hearings
from core.principal import Principal
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    Hearing,
    HearingAttendance,
    HearingRegistration,
    ParticipationEvent,
    Proposal,
    Resident,
)
from db.models.base import utcnow
from db.models.hearings import HEARING_STATUSES
from tests.conftest import make_user, other_community

pytestmark = pytest.mark.usefixtures("quick_accounts")


def when(days: float = 7):
    return utcnow().replace(microsecond=0) + timedelta(days=days)


def new_hearing(moderator, **overrides) -> int:
    values = dict(
        kind="public_hearing",
        title="加装电梯听证会",
        starts_at=when(7),
        ends_at=when(7) + timedelta(hours=2),
        place="社区活动中心",
    )
    values.update(overrides)
    return create_hearing(actor=moderator, **values)


def opened(moderator, **overrides) -> int:
    hearing_id = new_hearing(moderator, **overrides)
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="open")
    return hearing_id


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def status_of(hearing_id: int) -> str:
    with read_session() as s:
        return s.get(Hearing, hearing_id).status


def roster_only(community) -> int:
    """A roster resident without an account."""
    with write_session() as s:
        resident = Resident(
            community_id=community["id"],
            building_id=community["buildings"][0],
            full_name="赵大爷",
            unit="101",
        )
        s.add(resident)
        s.flush()
        return resident.id


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"title": "  "}, "field.required"),
        ({"kind": "party"}, "field.not_a_choice"),
        ({"ends_at": when(6)}, "hearing.ends_before_start"),
        ({"place": None}, "hearing.place_or_link"),
        ({"online_url": "javascript:alert(1)"}, "hearing.bad_url"),
        ({"capacity": 0}, "field.out_of_range"),
        ({"capacity": -5}, "field.out_of_range"),
        ({"capacity": True}, "field.out_of_range"),
        ({"registration_deadline": when(8)}, "hearing.deadline_after_start"),
        ({"starts_at": when(7).replace(tzinfo=None)}, "field.required"),
        ({"audience": "building"}, "field.required"),
        ({"proposal_ids": [99999]}, "field.not_a_choice"),
    ],
)
def test_bad_hearings_write_nothing(people, overrides, key):
    before = count(Hearing), count(AuditEvent)
    with pytest.raises(InvalidInput) as raised:
        new_hearing(people["moderator"], **overrides)
    assert raised.value.key == key
    assert (count(Hearing), count(AuditEvent)) == before


def test_only_staff_manage_hearings(people):
    for role in ("resident", "researcher"):
        with pytest.raises(PermissionDenied):
            new_hearing(people[role])
    hearing_id = new_hearing(people["moderator"])
    with pytest.raises(PermissionDenied):
        move_hearing(actor=people["resident"], hearing_id=hearing_id, to_status="open")
    with pytest.raises(PermissionDenied):
        check_in(
            actor=people["resident"],
            hearing_id=hearing_id,
            resident_id=people["resident"].resident_id,
            channel="offline",
        )


@pytest.mark.parametrize("start", HEARING_STATUSES)
@pytest.mark.parametrize("target", [s for s in HEARING_STATUSES if s != "minutes_published"])
def test_lifecycle_table(people, start, target):
    hearing_id = new_hearing(people["moderator"])
    with write_session() as s:
        s.get(Hearing, hearing_id).status = start

    def move():
        return move_hearing(
            actor=people["moderator"], hearing_id=hearing_id, to_status=target, reason="天气原因"
        )

    if lifecycle.can_move(start, target):
        move()
        assert status_of(hearing_id) == target
    else:
        with pytest.raises(Conflict):
            move()
        assert status_of(hearing_id) == start


def test_cancelling_needs_a_reason_that_registrants_see(people):
    hearing_id = opened(people["moderator"])
    with pytest.raises(InvalidInput):
        move_hearing(actor=people["moderator"], hearing_id=hearing_id, to_status="cancelled")
    move_hearing(
        actor=people["moderator"],
        hearing_id=hearing_id,
        to_status="cancelled",
        reason="场地维修，改期另行通知",
    )
    assert (
        get_hearing(viewer=people["resident"], hearing_id=hearing_id).cancel_reason
        == "场地维修，改期另行通知"
    )


def test_drafts_are_hidden_from_residents(people):
    hearing_id = new_hearing(people["moderator"])
    assert get_hearing(viewer=people["resident"], hearing_id=hearing_id) is None
    assert get_hearing(viewer=people["moderator"], hearing_id=hearing_id).status == "draft"


def test_waitlist_and_promotion(people, community):
    hearing_id = opened(people["moderator"], capacity=1)
    assert register_for_hearing(actor=people["resident"], hearing_id=hearing_id) == "registered"
    assert register_for_hearing(actor=people["resident2"], hearing_id=hearing_id) == "waitlisted"
    with pytest.raises(Conflict) as raised:
        register_for_hearing(actor=people["resident2"], hearing_id=hearing_id)
    assert raised.value.key == "hearing.already_registered"
    cancel_registration(actor=people["resident"], hearing_id=hearing_id)
    detail = get_hearing(viewer=people["resident2"], hearing_id=hearing_id)
    assert detail.my_status == "registered" and detail.registered == 1
    assert count(ParticipationEvent, ParticipationEvent.kind == "hearing_registration") == 2
    # Registering again after cancelling joins the end of the waitlist.
    assert register_for_hearing(actor=people["resident"], hearing_id=hearing_id) == "waitlisted"


@pytest.mark.parametrize(
    "setup, key",
    [
        (lambda h, m: None, "hearing.registration_closed"),  # still a draft
        (lambda h, m: _deadline_passed(h), "hearing.deadline_passed"),
    ],
)
def test_registration_refusals(people, setup, key):
    hearing_id = new_hearing(people["moderator"], registration_deadline=when(5))
    if key != "hearing.registration_closed":
        move_hearing(actor=people["moderator"], hearing_id=hearing_id, to_status="open")
    setup(hearing_id, people["moderator"])
    with pytest.raises(Conflict) as raised:
        register_for_hearing(actor=people["resident"], hearing_id=hearing_id)
    assert raised.value.key == key
    assert count(HearingRegistration) == 0


def _deadline_passed(hearing_id):
    with write_session() as s:
        s.get(Hearing, hearing_id).registration_deadline = utcnow() - timedelta(minutes=1)


def test_building_and_invited_audiences(people, community):
    other_building = community["buildings"][1]
    hearing_id = opened(people["moderator"], audience="building", building_id=other_building)
    with pytest.raises(Conflict) as raised:
        register_for_hearing(actor=people["resident"], hearing_id=hearing_id)
    assert raised.value.key == "hearing.out_of_scope"
    invited = opened(people["moderator"], audience="invited")
    with pytest.raises(Conflict) as raised:
        register_for_hearing(actor=people["resident"], hearing_id=invited)
    assert raised.value.key == "hearing.invitation_only"


def test_statements(people):
    hearing_id = opened(people["moderator"])
    with pytest.raises(Conflict):
        submit_statement(
            actor=people["resident"], hearing_id=hearing_id, text="我支持加装电梯，费用按楼层分摊。"
        )
    register_for_hearing(actor=people["resident"], hearing_id=hearing_id)
    with pytest.raises(InvalidInput):
        submit_statement(actor=people["resident"], hearing_id=hearing_id, text="\u200b  ")
    submit_statement(
        actor=people["resident"], hearing_id=hearing_id, text="我支持加装电梯，费用按楼层分摊。"
    )
    submit_statement(
        actor=people["resident"], hearing_id=hearing_id, text="补充：低楼层住户应少分摊。"
    )
    assert (
        get_hearing(viewer=people["resident"], hearing_id=hearing_id).my_statement
        == "补充：低楼层住户应少分摊。"
    )
    assert count(ParticipationEvent, ParticipationEvent.kind == "statement") == 1


def test_check_in_counts_people_without_accounts_like_account_holders(people, community):
    moderator = people["moderator"]
    hearing_id = opened(moderator)  # no capacity: walk-ins welcome
    walk_in = roster_only(community)
    check_in(
        actor=moderator,
        hearing_id=hearing_id,
        resident_id=people["resident"].resident_id,
        channel="online",
    )
    check_in(actor=moderator, hearing_id=hearing_id, resident_id=walk_in, channel="offline")
    with pytest.raises(Conflict) as raised:
        check_in(actor=moderator, hearing_id=hearing_id, resident_id=walk_in, channel="offline")
    assert raised.value.key == "hearing.already_checked_in"
    events = {(e.resident_id, e.channel) for e in _events("attendance")}
    assert events == {(people["resident"].resident_id, "online"), (walk_in, "offline")}
    detail = get_hearing(viewer=moderator, hearing_id=hearing_id)
    assert detail.attended == 2
    assert {(r.name, r.has_account, r.attended) for r in detail.walk_ins} >= {
        ("赵大爷", False, "offline")
    }
    assert [m.name for m in find_residents(actor=moderator, query="赵")] == ["赵大爷"]


def _events(kind):
    with read_session() as s:
        return s.exec(select(ParticipationEvent).where(ParticipationEvent.kind == kind)).all()


def test_check_in_refusals(people, community):
    moderator = people["moderator"]
    limited = opened(moderator, capacity=10)
    with pytest.raises(Conflict) as raised:
        check_in(
            actor=moderator,
            hearing_id=limited,
            resident_id=roster_only(community),
            channel="offline",
        )
    assert raised.value.key == "hearing.registration_required"
    other = other_community("别的社区")
    with write_session() as s:
        stranger = Resident(
            community_id=other["id"], building_id=other["buildings"][0], full_name="外人"
        )
        s.add(stranger)
        s.flush()
        stranger_id = stranger.id
    with pytest.raises(InvalidInput) as raised:
        check_in(
            actor=moderator,
            hearing_id=opened(moderator),
            resident_id=stranger_id,
            channel="offline",
        )
    assert raised.value.key == "hearing.not_a_resident"
    with pytest.raises(InvalidInput):
        check_in(
            actor=moderator,
            hearing_id=limited,
            resident_id=people["resident"].resident_id,
            channel="carrier-pigeon",
        )
    draft = new_hearing(moderator)
    with pytest.raises(Conflict) as raised:
        check_in(
            actor=moderator,
            hearing_id=draft,
            resident_id=people["resident"].resident_id,
            channel="offline",
        )
    assert raised.value.key == "hearing.check_in_closed"
    assert count(HearingAttendance) == 0


def test_minutes_move_linked_proposals(people):
    from core.proposals.commands import change_status, submit_proposal

    moderator = people["moderator"]
    proposals = [
        submit_proposal(
            actor=people["resident"],
            kind="proposal",
            title=f"加装电梯方案{i}",
            body="六层老楼加装电梯，费用按楼层分摊。",
            category="facilities",
        )
        for i in range(2)
    ]
    for proposal_id in proposals:
        change_status(actor=moderator, proposal_id=proposal_id, to_status="open_for_discussion")
    hearing_id = new_hearing(moderator, proposal_ids=proposals)
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="open")
    with read_session() as s:
        assert {s.get(Proposal, p).status for p in proposals} == {"in_hearing"}
    with pytest.raises(Conflict):  # not held yet
        publish_minutes(actor=moderator, hearing_id=hearing_id, minutes="## 纪要\n\n同意进入投票。")
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="held")
    with pytest.raises(InvalidInput):  # a rejection needs its reason
        publish_minutes(
            actor=moderator,
            hearing_id=hearing_id,
            minutes="## 纪要\n\n详见附件。",
            outcomes={proposals[0]: ("moves_to_vote", None), proposals[1]: ("rejected", " ")},
        )
    assert status_of(hearing_id) == "held"
    publish_minutes(
        actor=moderator,
        hearing_id=hearing_id,
        minutes="## 纪要\n\n详见附件。",
        outcomes={proposals[0]: ("moves_to_vote", None), proposals[1]: ("rejected", "费用过高")},
    )
    with read_session() as s:
        assert [s.get(Proposal, p).status for p in proposals] == ["voting", "rejected"]
    detail = get_hearing(viewer=people["resident"], hearing_id=hearing_id)
    assert detail.status == "minutes_published" and "详见附件" in detail.minutes_md
    assert {(p.outcome, p.outcome_reason) for p in detail.proposals} == {
        ("moves_to_vote", None),
        ("rejected", "费用过高"),
    }


def test_minutes_never_send_a_decided_proposal_back(people):
    """Regression: a proposal already in progress when the minutes come out stays in
    progress whatever the outcome says; the outcome is still recorded on the hearing."""
    from core.proposals.commands import change_status, submit_proposal

    moderator = people["moderator"]
    proposals = [
        submit_proposal(
            actor=people["resident"],
            kind="proposal",
            title=f"加装电梯方案{i}",
            category="facilities",
            body="六层老楼加装电梯，费用按楼层分摊。",
        )
        for i in range(2)
    ]
    for proposal_id in proposals:
        change_status(actor=moderator, proposal_id=proposal_id, to_status="open_for_discussion")
    hearing_id = new_hearing(moderator, proposal_ids=proposals)
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="open")
    for status in ("accepted", "in_progress"):  # decided while the hearing runs
        change_status(actor=moderator, proposal_id=proposals[0], to_status=status)
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="held")
    publish_minutes(
        actor=moderator,
        hearing_id=hearing_id,
        minutes="## 纪要\n\n继续讨论。",
        outcomes={p: ("more_discussion", None) for p in proposals},
    )
    with read_session() as s:
        assert [s.get(Proposal, p).status for p in proposals] == [
            "in_progress",
            "open_for_discussion",
        ]
    detail = get_hearing(viewer=people["resident"], hearing_id=hearing_id)
    assert {p.outcome for p in detail.proposals} == {"more_discussion"}


def test_a_hearing_moves_its_proposals_through_their_lifecycle(people):
    """Opening and the minutes move linked proposals the way a moderator's move does:
    a history row, updated_at, and a proposal.status event in the public log."""
    from core.proposals.commands import change_status, submit_proposal
    from core.proposals.queries import get_proposal

    moderator = people["moderator"]
    proposal_id = submit_proposal(
        actor=people["resident"],
        kind="proposal",
        title="加装电梯方案",
        body="六层老楼加装电梯，费用按楼层分摊。",
        category="facilities",
    )
    change_status(actor=moderator, proposal_id=proposal_id, to_status="open_for_discussion")
    hearing_id = new_hearing(moderator, proposal_ids=[proposal_id])
    with read_session() as s:
        before = s.get(Proposal, proposal_id).updated_at
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="open")
    with read_session() as s:
        assert s.get(Proposal, proposal_id).updated_at > before
    move_hearing(actor=moderator, hearing_id=hearing_id, to_status="held")
    publish_minutes(
        actor=moderator,
        hearing_id=hearing_id,
        minutes="## 纪要\n\n进入投票。",
        outcomes={proposal_id: ("moves_to_vote", None)},
    )
    history = get_proposal(viewer=people["resident"], proposal_id=proposal_id).history
    assert [(h.from_status, h.to_status) for h in history][-2:] == [
        ("open_for_discussion", "in_hearing"),
        ("in_hearing", "voting"),
    ]
    with read_session() as s:
        events = [
            (e.action, e.object_id) for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq))
        ][-5:]
    assert events == [
        ("proposal.status", str(proposal_id)),
        ("hearing.move", str(hearing_id)),
        ("hearing.move", str(hearing_id)),
        ("proposal.status", str(proposal_id)),
        ("hearing.publish_minutes", str(hearing_id)),
    ]


def test_other_communities_hearings_are_not_found(people):
    hearing_id = opened(people["moderator"])
    stranger = Principal(
        user_id=people["resident"].user_id,
        role="resident",
        community_id=999,
        resident_id=people["resident"].resident_id,
    )
    with pytest.raises(NotFound):
        register_for_hearing(actor=stranger, hearing_id=hearing_id)
    assert get_hearing(viewer=stranger, hearing_id=hearing_id) is None


def test_staff_without_roster_row_cannot_register(people, community):
    hearing_id = opened(people["moderator"])
    staff = make_user(community, "staffer", "moderator")
    with write_session() as s:
        from db.models import User

        s.get(User, staff.user_id).resident_id = None
    nobody = Principal(user_id=staff.user_id, role="moderator", community_id=community["id"])
    with pytest.raises(Conflict) as raised:
        register_for_hearing(actor=nobody, hearing_id=hearing_id)
    assert raised.value.key == "hearing.no_resident"


@pytest.mark.parametrize("status", HEARING_STATUSES)
def test_the_read_model_answers_what_pages_used_to_work_out(people, status):
    """The flags say what the hearing page used to compute from the status itself."""
    moderator, resident = people["moderator"], people["resident"]
    hearing_id = opened(moderator)
    register_for_hearing(actor=resident, hearing_id=hearing_id)
    with write_session() as s:
        s.get(Hearing, hearing_id).status = status
    h = get_hearing(viewer=moderator, hearing_id=hearing_id)
    mine = get_hearing(viewer=resident, hearing_id=hearing_id)
    assert h.upcoming == (status in ("open", "registration_closed"))
    assert h.cancelled == (status == "cancelled")
    assert h.check_in_open == h.speaking_open == (status in ("open", "registration_closed", "held"))
    assert h.draw_open == (status in ("draft", "open", "registration_closed"))
    assert h.recordable == (status == "held")
    assert h.registration_open == (status == "open")
    assert h.moderator_moves == [m for m in lifecycle.MOVES[status] if m != "minutes_published"]
    if mine is not None:  # (a draft is not shown to residents)
        assert mine.has_place and mine.has_seat and not mine.can_accept_invitation
    summary = next(
        x
        for x in list_hearings(community_id=moderator.community_id, include_drafts=True)
        if x.id == hearing_id
    )
    assert (summary.upcoming, summary.recordable) == (h.upcoming, h.recordable)
