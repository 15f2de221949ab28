"""Community organisations and volunteer teams: every command (staff set-up, joining,
activities, sign-ups, attendance and hours), the coordinator's scope, the bad inputs (nothing
written), the participation events they leave, and what each viewer reads."""

import json
import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.accountability import responsibility_board
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.organisations import (
    find_coordinator_candidates,
    find_people,
    get_organisation,
    list_organisations,
)
from core.organisations.activities import cancel_activity, cancel_signup, post_activity, sign_up
from core.organisations.hours import correct_hours, record_hours_for, record_my_hours
from core.organisations.manage import (
    appoint_coordinator,
    create_organisation,
    edit_organisation,
    remove_coordinator,
    set_organisation_active,
)
from core.organisations.membership import decide_request, leave_organisation, request_to_join
from core.principal import Principal
from db.engine import read_session, write_session
from db.models import (
    ActivitySignup,
    Actor,
    AuditEvent,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    ParticipationEvent,
    Resident,
    VolunteerRecord,
)
from db.models.base import utcnow
from tests.adversarial.test_races import race
from tests.conftest import make_user, other_community, visitor

pytestmark = pytest.mark.usefixtures("quick_accounts")

PURPOSE = "组织楼道清洁、独居老人探访和垃圾分类督导等志愿服务。"
TZ = ZoneInfo("Asia/Shanghai")


# --- helpers and fixtures --------------------------------------------------------------------


def verify(principal: Principal) -> Principal:
    """A moderator confirmed this resident (make_user's sign-ups are unverified)."""
    with write_session() as s:
        s.get(Resident, principal.resident_id).source = "roster"
    return principal


def roster_resident(community: dict, name: str = "无账号居民", *, building: int = 0) -> int:
    """A roster resident without an account (someone who comes in person), in the
    community's `building`-th building."""
    with write_session() as s:
        row = Resident(
            community_id=community["id"],
            building_id=community["buildings"][building],
            full_name=name,
        )
        s.add(row)
        s.flush()
        return row.id


def create(
    moderator: Principal, coordinator: Principal, name: str = "W社区志愿者服务队", **overrides
) -> int:
    values = dict(
        name=name,
        kind="volunteer_team",
        purpose=PURPOSE,
        contact="微信群",
        coordinator_resident_id=coordinator.resident_id,
    )
    values.update(overrides)
    return create_organisation(actor=moderator, **values)


def hours_from_now(hours: float) -> datetime:
    return (utcnow() + timedelta(hours=hours)).replace(microsecond=0)


def post(
    coordinator: Principal,
    organisation_id: int,
    *,
    start: float = 24,
    length: float = 3,
    **overrides,
) -> int:
    """An activity `start` hours from now (negative: already started), `length` hours long."""
    values = dict(
        title="楼道清洁日",
        description="清理楼道杂物。",
        place="3号楼",
        starts_at=hours_from_now(start),
        ends_at=hours_from_now(start + length),
    )
    values.update(overrides)
    return post_activity(actor=coordinator, organisation_id=organisation_id, **values)


def move(activity_id: int, *, start: float, length: float = 3) -> None:
    """Move an activity in time (it has started once `start` is negative)."""
    with write_session() as s:
        row = s.get(OrganisationActivity, activity_id)
        row.starts_at, row.ends_at = hours_from_now(start), hours_from_now(start + length)


def yesterday_at(hour: int) -> datetime:
    return days_ago_at(1, hour)


def days_ago_at(days: int, hour: int, minute: int = 0) -> datetime:
    """A local time (the community's time zone) `days` calendar days ago."""
    day = (utcnow().astimezone(TZ) - timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def erase(resident_id: int) -> None:
    """What deleting an account does to the roster row (the name kept here on purpose: an
    erased row is refused for being erased, not for a blank name)."""
    with write_session() as s:
        s.get(Resident, resident_id).erased_at = utcnow()


def snapshot() -> tuple:
    """Everything an organisation command may write."""
    with read_session() as s:
        rows = tuple(
            [r.model_dump() for r in s.exec(select(model).order_by(col(model.id)))]
            for model in (
                Actor,
                Organisation,
                OrganisationMember,
                OrganisationActivity,
                ActivitySignup,
                VolunteerRecord,
                ParticipationEvent,
            )
        )
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return rows, events


def audit(action: str) -> list[tuple[str, dict]]:
    with read_session() as s:
        return [
            (e.object_id, json.loads(e.payload))
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
            )
        ]


def events(resident_id: int) -> list[tuple]:
    with read_session() as s:
        return [
            (e.kind, e.amount, e.channel, e.object_type, e.object_id, e.user_id)
            for e in s.exec(
                select(ParticipationEvent)
                .where(ParticipationEvent.resident_id == resident_id)
                .order_by(col(ParticipationEvent.id))
            )
        ]


def member_row(organisation_id: int, resident_id: int) -> OrganisationMember | None:
    with read_session() as s:
        return s.exec(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.resident_id == resident_id,
            )
        ).first()


@pytest.fixture
def team(people, community) -> dict:
    """A volunteer team run by `coordinator`; `resident` and `resident2` are verified."""
    for who in ("resident", "resident2"):
        verify(people[who])
    coordinator = verify(make_user(community, "coord1"))
    return {"id": create(people["moderator"], coordinator), "coordinator": coordinator}


@pytest.fixture
def rival(people, community) -> dict:
    """A second organisation of the same community, with its own coordinator."""
    coordinator = verify(make_user(community, "coord2"))
    return {
        "id": create(
            people["moderator"], coordinator, name="阳光社工服务中心", kind="social_organisation"
        ),
        "coordinator": coordinator,
    }


# --- staff: creating and running organisations -----------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_staff_create_an_organisation_that_is_a_responsible_actor(people, community, role):
    coordinator = make_user(community, "coord1")
    organisation_id = create(people[role], coordinator, name="  W社区 志愿者服务队\u200b ")
    with read_session() as s:
        organisation = s.get(Organisation, organisation_id)
        actor = s.get(Actor, organisation.actor_id)
        member = s.exec(select(OrganisationMember)).one()
    assert (actor.name, actor.kind, actor.active, actor.community_id) == (
        "W社区 志愿者服务队",
        "volunteer_team",
        True,
        community["id"],
    )
    assert (organisation.purpose, organisation.contact, organisation.created_by) == (
        PURPOSE,
        "微信群",
        people[role].user_id,
    )
    assert (member.resident_id, member.user_id, member.role, member.status) == (
        coordinator.resident_id,
        coordinator.user_id,
        "coordinator",
        "accepted",
    )
    assert "W社区 志愿者服务队" in [
        b.name for b in responsibility_board(community_id=community["id"])
    ]
    assert audit("organisation.create") == [
        (
            str(organisation_id),
            {
                "name": "W社区 志愿者服务队",
                "kind": "volunteer_team",
                "actor": actor.id,
                "coordinator": coordinator.resident_id,
            },
        )
    ]


def test_only_staff_set_organisations_up(people, team):
    before = snapshot()
    for who in (people["resident"], people["researcher"], team["coordinator"], visitor(people)):
        with pytest.raises(PermissionDenied):
            create(who, team["coordinator"], name="另一个队")
        with pytest.raises(PermissionDenied):
            edit_organisation(actor=who, organisation_id=team["id"], purpose=PURPOSE * 2)
        with pytest.raises(PermissionDenied):
            appoint_coordinator(
                actor=who, organisation_id=team["id"], resident_id=people["resident"].resident_id
            )
        with pytest.raises(PermissionDenied):
            set_organisation_active(actor=who, organisation_id=team["id"], active=False)
    assert snapshot() == before


CREATE_BAD_INPUTS = [
    ({"name": ""}, InvalidInput, "field.required", "organisation_name"),
    ({"name": "队"}, InvalidInput, "field.too_short", "organisation_name"),
    ({"name": "x" * 101}, InvalidInput, "field.too_long", "organisation_name"),
    ({"name": "队伍\u202e"}, InvalidInput, "field.bad_characters", "organisation_name"),
    ({"kind": "property_company"}, InvalidInput, "field.not_a_choice", "organisation_kind"),
    ({"kind": None}, InvalidInput, "field.not_a_choice", "organisation_kind"),
    ({"purpose": "短"}, InvalidInput, "field.too_short", "organisation_purpose"),
    ({"purpose": "x" * 2001}, InvalidInput, "field.too_long", "organisation_purpose"),
    ({"contact": "x" * 201}, InvalidInput, "field.too_long", "organisation_contact"),
    ({"coordinator_resident_id": None}, InvalidInput, "field.required", "coordinator"),
    ({"coordinator_resident_id": 99999}, InvalidInput, "field.not_a_choice", "coordinator"),
    ({"coordinator_resident_id": "1"}, InvalidInput, "field.not_a_choice", "coordinator"),
    ({"name": "W社区志愿者服务队"}, Conflict, "actor.name_taken", None),
    ({"name": "居委会"}, Conflict, "actor.name_taken", None),  # any actor's name
]


@pytest.mark.parametrize("overrides, error, key, field", CREATE_BAD_INPUTS)
def test_bad_organisations_are_refused_and_nothing_is_written(
    people, team, overrides, error, key, field
):
    before = snapshot()
    with pytest.raises(error) as raised:
        create(people["moderator"], team["coordinator"], **{"name": "新的志愿队", **overrides})
    assert raised.value.key == key and getattr(raised.value, "field", None) == field
    assert snapshot() == before


def test_a_coordinator_needs_an_account_of_this_community(people, community, team):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        create(
            people["moderator"],
            team["coordinator"],
            name="新的志愿队",
            coordinator_resident_id=roster_resident(community),
        )
    assert raised.value.key == "organisation.coordinator_needs_account"
    elsewhere = other_community()
    stranger = make_user(elsewhere, "stranger")
    with pytest.raises(InvalidInput) as raised:
        appoint_coordinator(
            actor=people["moderator"], organisation_id=team["id"], resident_id=stranger.resident_id
        )
    assert raised.value.field == "coordinator"
    assert snapshot()[0][1:] == before[0][1:]  # other_community() added an actor


def test_edit_purpose_and_contact(people, team):
    edit_organisation(
        actor=people["admin"],
        organisation_id=team["id"],
        purpose="  新的宗旨：" + PURPOSE,
        contact="",
    )
    shown = get_organisation(viewer=people["resident"], organisation_id=team["id"])
    assert (shown.purpose, shown.contact) == ("新的宗旨：" + PURPOSE, "")
    before = snapshot()
    edit_organisation(
        actor=people["admin"],
        organisation_id=team["id"],
        purpose="新的宗旨：" + PURPOSE,
        contact="",
    )
    assert snapshot() == before  # nothing changed, nothing recorded
    assert len(audit("organisation.edit")) == 1


def test_appoint_and_remove_coordinators_keeping_at_least_one(people, team):
    moderator, resident = people["moderator"], people["resident"]
    with pytest.raises(Conflict) as raised:
        remove_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
        )
    assert raised.value.key == "organisation.last_coordinator"
    appoint_coordinator(
        actor=moderator, organisation_id=team["id"], resident_id=resident.resident_id
    )
    with pytest.raises(Conflict):
        appoint_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=resident.resident_id
        )
    shown = get_organisation(viewer=visitor(people), organisation_id=team["id"])
    assert shown.coordinators == ["coord1 name", "resident1 name"] and shown.members == 2
    remove_coordinator(
        actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
    )
    assert member_row(team["id"], team["coordinator"].resident_id).role == "member"
    with pytest.raises(InvalidInput) as raised:
        remove_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
        )
    assert raised.value.key == "organisation.not_a_coordinator"
    # The former coordinator no longer runs it.
    with pytest.raises(PermissionDenied):
        post(team["coordinator"], team["id"])
    assert [p for _, p in audit("organisation.appoint_coordinator")] == [
        {"resident": resident.resident_id}
    ]


def test_deactivated_organisations_take_nothing_new_and_leave_the_board(people, community, team):
    activity_id = post(team["coordinator"], team["id"])
    set_organisation_active(actor=people["moderator"], organisation_id=team["id"], active=False)
    with pytest.raises(Conflict) as raised:
        set_organisation_active(actor=people["moderator"], organisation_id=team["id"], active=False)
    assert raised.value.key == "organisation.inactive"
    before = snapshot()
    for command in (
        lambda: request_to_join(actor=people["resident"], organisation_id=team["id"]),
        lambda: post(team["coordinator"], team["id"]),
        lambda: sign_up(actor=people["resident"], activity_id=activity_id),
    ):
        with pytest.raises(Conflict) as raised:
            command()
        assert raised.value.key == "organisation.inactive"
    assert snapshot() == before
    assert list_organisations(viewer=people["resident"]) == []
    assert get_organisation(viewer=people["resident"], organisation_id=team["id"]) is None
    assert [
        o.id for o in list_organisations(viewer=people["moderator"], include_inactive=True)
    ] == [team["id"]]
    assert "W社区志愿者服务队" not in [
        b.name for b in responsibility_board(community_id=community["id"])
    ]
    set_organisation_active(actor=people["admin"], organisation_id=team["id"], active=True)
    assert [o.id for o in list_organisations(viewer=people["resident"])] == [team["id"]]


def test_other_communities_organisations_are_not_found(people, team):
    elsewhere = other_community()
    foreign_moderator = make_user(elsewhere, "othermod", "moderator")
    before = snapshot()
    for missing in (team["id"], 99999, "1", None, True):
        with pytest.raises(NotFound):
            edit_organisation(actor=foreign_moderator, organisation_id=missing, purpose=PURPOSE)
        assert get_organisation(viewer=foreign_moderator, organisation_id=missing) is None
    assert list_organisations(viewer=foreign_moderator) == []
    assert snapshot() == before


# --- joining ---------------------------------------------------------------------------------


def test_ask_accept_leave_and_ask_again(people, team):
    resident, coordinator = people["resident"], team["coordinator"]
    request_to_join(actor=resident, organisation_id=team["id"], message="  周末有空 ")
    row = member_row(team["id"], resident.resident_id)
    assert (row.status, row.role, row.message, row.user_id) == (
        "requested",
        "member",
        "周末有空",
        resident.user_id,
    )
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.already_requested"
    pending = get_organisation(viewer=coordinator, organisation_id=team["id"]).pending
    assert [(p.request_id, p.name, p.message) for p in pending] == [
        (row.id, "resident1 name", "周末有空")
    ]
    decide_request(actor=coordinator, request_id=row.id, accept=True)
    row = member_row(team["id"], resident.resident_id)
    assert (row.status, row.decided_by) == ("accepted", coordinator.user_id)
    with pytest.raises(Conflict) as raised:
        decide_request(actor=coordinator, request_id=row.id, accept=False)
    assert raised.value.key == "organisation.request_already_decided"
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.already_member"
    shown = get_organisation(viewer=resident, organisation_id=team["id"])
    assert (shown.my_status, shown.members, shown.pending) == ("accepted", 2, [])
    assert leave_organisation(actor=resident, organisation_id=team["id"]) == "left"
    with pytest.raises(Conflict) as raised:
        leave_organisation(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.not_a_member"
    request_to_join(actor=resident, organisation_id=team["id"])  # may come back
    assert member_row(team["id"], resident.resident_id).status == "requested"
    assert [p for _, p in audit("organisation.decide_request")] == [
        {"resident": resident.resident_id, "accepted": True}
    ]


def test_staff_decline_and_a_declined_resident_may_ask_again(people, team):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    row = member_row(team["id"], people["resident"].resident_id)
    decide_request(actor=people["moderator"], request_id=row.id, accept=False)
    assert member_row(team["id"], people["resident"].resident_id).status == "declined"
    assert (
        get_organisation(viewer=people["resident"], organisation_id=team["id"]).my_status
        == "declined"
    )
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    assert member_row(team["id"], people["resident"].resident_id).status == "requested"


def test_withdrawing_a_request(people, team):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    leave_organisation(actor=people["resident"], organisation_id=team["id"])
    assert member_row(team["id"], people["resident"].resident_id).status == "left"
    assert get_organisation(viewer=team["coordinator"], organisation_id=team["id"]).pending == []


def test_only_its_own_coordinator_or_staff_decide(people, team, rival):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    row = member_row(team["id"], people["resident"].resident_id)
    before = snapshot()
    for who in (rival["coordinator"], people["resident2"], people["resident"]):
        with pytest.raises(PermissionDenied):
            decide_request(actor=who, request_id=row.id, accept=True)
    with pytest.raises(PermissionDenied):
        decide_request(actor=people["researcher"], request_id=row.id, accept=True)
    for missing in (99999, None, "1"):
        with pytest.raises(NotFound):
            decide_request(actor=team["coordinator"], request_id=missing, accept=True)
    assert snapshot() == before


def test_unverified_or_roster_less_residents_cannot_join(people, community, team):
    newcomer = make_user(community, "newcomer")  # self-registered, not yet verified
    staff_without_roster = Principal(
        user_id=people["admin"].user_id, role="admin", community_id=community["id"]
    )
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=newcomer, organisation_id=team["id"])
    assert raised.value.key == "organisation.unverified"
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=staff_without_roster, organisation_id=team["id"])
    assert raised.value.key == "organisation.no_resident"
    with pytest.raises(InvalidInput) as raised:
        request_to_join(actor=people["resident"], organisation_id=team["id"], message="x" * 501)
    assert raised.value.field == "join_message"
    assert snapshot() == before


def test_the_last_coordinator_cannot_leave(people, team):
    with pytest.raises(Conflict) as raised:
        leave_organisation(actor=team["coordinator"], organisation_id=team["id"])
    assert raised.value.key == "organisation.last_coordinator"


# --- activities and sign-ups ----------------------------------------------------------------


def test_coordinator_posts_and_cancels_an_activity(people, team):
    activity_id = post(team["coordinator"], team["id"], capacity=10, title="  清洁日 ")
    with read_session() as s:
        row = s.get(OrganisationActivity, activity_id)
    assert (row.title, row.capacity, row.organisation_id, row.created_by) == (
        "清洁日",
        10,
        team["id"],
        team["coordinator"].user_id,
    )
    assert audit("organisation.post_activity")[0][1]["title"] == "清洁日"
    cancel_activity(actor=team["coordinator"], activity_id=activity_id, reason="下雨改期")
    with pytest.raises(Conflict) as raised:
        cancel_activity(actor=team["coordinator"], activity_id=activity_id, reason="再取消")
    assert raised.value.key == "activity.cancelled"
    shown = get_organisation(viewer=people["resident"], organisation_id=team["id"])
    assert shown.upcoming_activities[0].cancelled_reason == "下雨改期"
    assert shown.upcoming == 0  # a cancelled one does not count as upcoming


def test_a_coordinator_cannot_act_for_another_organisation(people, community, team, rival):
    theirs = post(rival["coordinator"], rival["id"], start=-1)
    request_to_join(actor=people["resident"], organisation_id=rival["id"])
    their_request = member_row(rival["id"], people["resident"].resident_id).id
    before = snapshot()
    other = rival["coordinator"]
    for command in (
        lambda: post(other, team["id"]),
        lambda: cancel_activity(actor=team["coordinator"], activity_id=theirs, reason="不是我的"),
        lambda: record_hours_for(
            actor=team["coordinator"],
            activity_id=theirs,
            resident_id=roster_resident(community),
            hours=1,
        ),
        lambda: correct_hours(
            actor=team["coordinator"],
            activity_id=theirs,
            resident_id=people["resident"].resident_id,
            hours=1,
        ),
        lambda: find_people(actor=team["coordinator"], organisation_id=rival["id"], query="居民"),
        lambda: decide_request(actor=team["coordinator"], request_id=their_request, accept=True),
        lambda: decide_request(actor=team["coordinator"], request_id=their_request, accept=False),
        # A plain resident is nobody's coordinator.
        lambda: post(people["resident"], team["id"]),
    ):
        with pytest.raises(PermissionDenied):
            command()
    with read_session() as s:  # the roster_resident() helper itself wrote a row; nothing else
        assert s.exec(select(func.count()).select_from(VolunteerRecord)).one() == 0
    assert snapshot()[0][2:] == before[0][2:] and snapshot()[1] == before[1]
    assert member_row(rival["id"], people["resident"].resident_id).status == "requested"


def test_staff_may_act_as_coordinators(people, team):
    activity_id = post(people["moderator"], team["id"])
    cancel_activity(actor=people["admin"], activity_id=activity_id, reason="人手不足")


ACTIVITY_BAD_INPUTS = [
    ({"title": ""}, "field.required", "title"),
    ({"title": "x" * 121}, "field.too_long", "title"),
    ({"description": "x" * 5001}, "field.too_long", "description"),
    ({"place": "x" * 201}, "field.too_long", "place"),
    ({"starts_at": datetime(2030, 1, 1)}, "field.required", "starts_at"),  # naive
    ({"ends_at": "tomorrow"}, "field.required", "ends_at"),
    ({"ends_at": hours_from_now(23)}, "activity.ends_before_start", "ends_at"),
    ({"ends_at": hours_from_now(24)}, "activity.ends_before_start", "ends_at"),
    ({"ends_at": hours_from_now(49)}, "activity.too_long", "ends_at"),
    (
        {"starts_at": hours_from_now(-24 * 31), "ends_at": hours_from_now(-24 * 31 + 2)},
        "activity.too_far_back",
        "starts_at",
    ),
    (
        {"starts_at": hours_from_now(24 * 400), "ends_at": hours_from_now(24 * 400 + 2)},
        "activity.too_far_ahead",
        "starts_at",
    ),
    ({"capacity": 0}, "field.out_of_range", "capacity"),
    ({"capacity": -3}, "field.out_of_range", "capacity"),
    ({"capacity": 10_001}, "field.out_of_range", "capacity"),
    ({"capacity": True}, "field.out_of_range", "capacity"),
    ({"capacity": "5"}, "field.out_of_range", "capacity"),
    ({"capacity": 2.5}, "field.out_of_range", "capacity"),
]


@pytest.mark.parametrize("overrides, key, field", ACTIVITY_BAD_INPUTS)
def test_bad_activities_are_refused_and_nothing_is_written(team, overrides, key, field):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        post(team["coordinator"], team["id"], **overrides)
    assert (raised.value.key, raised.value.field) == (key, field)
    assert snapshot() == before


def test_an_activity_may_be_posted_after_it_happened_to_record_a_paper_sheet(team):
    activity_id = post(team["coordinator"], team["id"], start=-24 * 29)
    shown = get_organisation(viewer=team["coordinator"], organisation_id=team["id"])
    assert [a.id for a in shown.past_activities] == [activity_id]


def test_sign_up_and_cancel(people, team):
    activity_id = post(team["coordinator"], team["id"], capacity=2)
    resident = people["resident"]  # not a member: activities are open to every resident
    sign_up(actor=resident, activity_id=activity_id)
    with pytest.raises(Conflict) as raised:
        sign_up(actor=resident, activity_id=activity_id)
    assert raised.value.key == "activity.already_signed_up"
    shown = get_organisation(viewer=resident, organisation_id=team["id"])
    assert (shown.upcoming_activities[0].signed_up, shown.upcoming_activities[0].my_signup) == (
        1,
        True,
    )
    cancel_signup(actor=resident, activity_id=activity_id)
    with pytest.raises(Conflict) as raised:
        cancel_signup(actor=resident, activity_id=activity_id)
    assert raised.value.key == "activity.not_signed_up"
    sign_up(actor=resident, activity_id=activity_id)  # the same row, taken again
    with read_session() as s:
        assert s.exec(select(func.count()).select_from(ActivitySignup)).one() == 1
    assert [a for a, _ in audit("organisation.sign_up")] == [str(activity_id)] * 2


def test_no_place_beyond_the_capacity_after_the_start_or_at_a_cancelled_activity(
    people, community, team
):
    full = post(team["coordinator"], team["id"], capacity=1)
    sign_up(actor=people["resident2"], activity_id=full)
    started = post(team["coordinator"], team["id"], start=-1)
    cancelled = post(team["coordinator"], team["id"])
    cancel_activity(actor=team["coordinator"], activity_id=cancelled, reason="取消")
    newcomer = make_user(community, "newcomer")  # unverified
    before = snapshot()
    for actor, activity_id, key in (
        (people["resident"], full, "activity.full"),
        (people["resident"], started, "activity.started"),
        (people["resident"], cancelled, "activity.cancelled"),
        (newcomer, full, "organisation.unverified"),
    ):
        with pytest.raises(Conflict) as raised:
            sign_up(actor=actor, activity_id=activity_id)
        assert raised.value.key == key
    with pytest.raises(NotFound):
        sign_up(actor=people["resident"], activity_id=99999)
    assert snapshot() == before
    sign_up(actor=people["resident"], activity_id=post(team["coordinator"], team["id"]))
    move(full, start=-1)
    with pytest.raises(Conflict) as raised:
        cancel_signup(actor=people["resident2"], activity_id=full)
    assert raised.value.key == "activity.started"


def test_a_crowd_never_takes_more_places_than_the_capacity(people, community, team):
    activity_id = post(team["coordinator"], team["id"], capacity=4)
    crowd = [verify(make_user(community, f"guest{i}")) for i in range(10)]
    results = race([lambda v=v: sign_up(actor=v, activity_id=activity_id) for v in crowd])
    assert results.count(None) == 4 and results.count("activity.full") == 6, results
    with read_session() as s:
        assert (
            s.exec(
                select(func.count())
                .select_from(ActivitySignup)
                .where(ActivitySignup.status == "signed_up")
            ).one()
            == 4
        )


# --- attendance and hours --------------------------------------------------------------------


def test_a_resident_records_their_own_attendance_and_hours(people, team):
    resident = people["resident"]
    activity_id = post(team["coordinator"], team["id"])
    sign_up(actor=resident, activity_id=activity_id)
    with pytest.raises(Conflict) as raised:
        record_my_hours(actor=resident, activity_id=activity_id, hours=2)
    assert raised.value.key == "activity.not_started"
    move(activity_id, start=-2)
    record_my_hours(actor=resident, activity_id=activity_id, hours=2.5)
    with read_session() as s:
        row = s.exec(select(VolunteerRecord)).one()
        starts = s.get(OrganisationActivity, activity_id).starts_at
        at = {e.at for e in s.exec(select(ParticipationEvent))}
    assert (row.hours, row.channel, row.recorded_by, row.resident_id) == (
        2.5,
        "online",
        resident.user_id,
        resident.resident_id,
    )
    assert events(resident.resident_id) == [
        (
            "organisation_activity",
            1.0,
            "online",
            "organisation_activity",
            activity_id,
            resident.user_id,
        ),
        ("volunteer_hours", 2.5, "online", "organisation_activity", activity_id, resident.user_id),
    ]
    assert at == {starts}  # dated when the activity happened
    with pytest.raises(Conflict) as raised:
        record_my_hours(actor=resident, activity_id=activity_id, hours=1)
    assert raised.value.key == "volunteer.already_recorded"
    assert audit("organisation.record_hours") == [
        (str(activity_id), {"hours": 2.5, "channel": "online"})
    ]
    shown = get_organisation(viewer=resident, organisation_id=team["id"])
    activity = shown.upcoming_activities[0]
    assert (activity.attended, activity.hours, activity.my_hours) == (1, 2.5, 2.5)
    assert (shown.hours, shown.volunteers) == (2.5, 1)
    # It has attendance now: it cannot be cancelled.
    with pytest.raises(Conflict) as raised:
        cancel_activity(actor=team["coordinator"], activity_id=activity_id, reason="取消")
    assert raised.value.key == "activity.has_records"


def test_own_hours_need_a_place_and_an_activity_that_happened(people, team):
    never_signed = post(team["coordinator"], team["id"], start=-1)
    cancelled = post(team["coordinator"], team["id"])
    sign_up(actor=people["resident"], activity_id=cancelled)
    cancel_activity(actor=team["coordinator"], activity_id=cancelled, reason="取消")
    move(cancelled, start=-1)
    long_ago = post(team["coordinator"], team["id"])
    sign_up(actor=people["resident"], activity_id=long_ago)
    move(long_ago, start=-24 * 40)
    before = snapshot()
    for activity_id, key in (
        (never_signed, "activity.not_signed_up"),
        (cancelled, "activity.cancelled"),
        (long_ago, "activity.record_closed"),
    ):
        with pytest.raises(Conflict) as raised:
            record_my_hours(actor=people["resident"], activity_id=activity_id, hours=1)
        assert raised.value.key == key
    assert snapshot() == before


HOURS_BAD_INPUTS = [
    (-1, "volunteer.hours_out_of_range"),
    (0, "volunteer.hours_out_of_range"),
    (0.001, "volunteer.hours_out_of_range"),  # nothing left at two decimals
    (-0.0, "volunteer.hours_out_of_range"),
    (4, "volunteer.hours_out_of_range"),  # a 3-hour activity
    (25, "volunteer.hours_out_of_range"),
    (1e308, "volunteer.hours_out_of_range"),
    (math.nan, "volunteer.hours_not_a_number"),
    (math.inf, "volunteer.hours_not_a_number"),
    (-math.inf, "volunteer.hours_not_a_number"),
    (True, "volunteer.hours_not_a_number"),
    ("2", "volunteer.hours_not_a_number"),
    (None, "volunteer.hours_not_a_number"),
    ([2], "volunteer.hours_not_a_number"),
]


@pytest.mark.parametrize("hours, key", HOURS_BAD_INPUTS)
def test_bad_hours_are_refused_and_nothing_is_written(people, community, team, hours, key):
    activity_id = post(team["coordinator"], team["id"])
    sign_up(actor=people["resident"], activity_id=activity_id)
    move(activity_id, start=-1)
    walk_in = roster_resident(community)
    before = snapshot()
    for record in (
        lambda: record_my_hours(actor=people["resident"], activity_id=activity_id, hours=hours),
        lambda: record_hours_for(
            actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=hours
        ),
    ):
        with pytest.raises(InvalidInput) as raised:
            record()
        assert (raised.value.key, raised.value.field) == (key, "hours")
    assert snapshot() == before


def test_hours_up_to_the_length_rounded_up(people, team):
    activity_id = post(team["coordinator"], team["id"], start=-3, length=2.5)
    record_hours_for(
        actor=team["coordinator"],
        activity_id=activity_id,
        resident_id=people["resident"].resident_id,
        hours=3,
    )
    with pytest.raises(InvalidInput) as raised:
        correct_hours(
            actor=team["coordinator"],
            activity_id=activity_id,
            resident_id=people["resident"].resident_id,
            hours=3.01,
        )
    assert raised.value.params == {"max": 3}


def test_a_coordinator_records_someone_who_came_in_person(people, community, team):
    walk_in = roster_resident(community, "王阿姨")
    activity_id = post(team["coordinator"], team["id"], start=-2)
    assert [
        p.resident_id
        for p in find_people(actor=team["coordinator"], organisation_id=team["id"], query="王阿姨")
    ] == [walk_in]
    record_hours_for(
        actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=2
    )
    record_hours_for(
        actor=team["coordinator"],
        activity_id=activity_id,
        resident_id=people["resident2"].resident_id,
        hours=1,
    )
    with read_session() as s:
        row = s.exec(select(VolunteerRecord).where(VolunteerRecord.resident_id == walk_in)).one()
    assert (row.channel, row.recorded_by) == ("offline", team["coordinator"].user_id)
    assert events(walk_in) == [
        ("organisation_activity", 1.0, "offline", "organisation_activity", activity_id, None),
        ("volunteer_hours", 2.0, "offline", "organisation_activity", activity_id, None),
    ]
    assert events(people["resident2"].resident_id)[0][-1] == people["resident2"].user_id
    with pytest.raises(Conflict) as raised:
        record_hours_for(
            actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1
        )
    assert raised.value.key == "volunteer.already_recorded"
    # The person recorded in person cannot add their own record as well.
    shown = get_organisation(viewer=team["coordinator"], organisation_id=team["id"])
    assert [(t.name, t.hours, t.activities) for t in shown.totals] == [
        ("王阿姨", 2.0, 1),
        ("resident2 name", 1.0, 1),
    ]
    assert {(r.name, r.channel) for r in shown.records} == {
        ("王阿姨", "offline"),
        ("resident2 name", "offline"),
    }
    public = get_organisation(viewer=people["resident"], organisation_id=team["id"])
    assert (public.records, public.totals, public.pending, public.signups) == ([], [], [], [])
    assert public.past_activities == [] and public.upcoming_activities[0].attended == 2


def test_recording_someone_not_on_this_roster_is_refused(people, team):
    activity_id = post(team["coordinator"], team["id"], start=-2)
    stranger = make_user(other_community(), "stranger")
    before = snapshot()
    for resident_id in (stranger.resident_id, 99999, None, "3", True):
        with pytest.raises(InvalidInput) as raised:
            record_hours_for(
                actor=team["coordinator"], activity_id=activity_id, resident_id=resident_id, hours=1
            )
        assert (raised.value.key, raised.value.field) == ("volunteer.not_a_resident", "resident")
    assert snapshot() == before


def test_no_more_than_24_hours_in_a_day_across_activities(people, community, team, rival):
    morning = post(
        team["coordinator"], team["id"], starts_at=yesterday_at(0), ends_at=yesterday_at(12)
    )
    afternoon = post(
        rival["coordinator"],
        rival["id"],
        starts_at=yesterday_at(12),
        ends_at=days_ago_at(1, 22, 30),
    )  # 10.5 hours: up to 11 recorded
    evening = post(
        rival["coordinator"],
        rival["id"],
        starts_at=days_ago_at(1, 22, 30),
        ends_at=days_ago_at(1, 23, 59),
    )
    day_before = post(
        rival["coordinator"],
        rival["id"],
        starts_at=yesterday_at(0) - timedelta(hours=2),
        ends_at=yesterday_at(0) - timedelta(hours=1),
    )
    walk_in = roster_resident(community)
    record_hours_for(actor=team["coordinator"], activity_id=morning, resident_id=walk_in, hours=12)
    record_hours_for(
        actor=rival["coordinator"], activity_id=afternoon, resident_id=walk_in, hours=11
    )
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        record_hours_for(
            actor=rival["coordinator"], activity_id=evening, resident_id=walk_in, hours=1.5
        )
    assert (raised.value.key, raised.value.params) == (
        "volunteer.over_a_day",
        {"max": 24, "already": 23.0},
    )
    assert snapshot() == before
    record_hours_for(
        actor=rival["coordinator"], activity_id=day_before, resident_id=walk_in, hours=1
    )  # the day before: its own 24 hours
    record_hours_for(
        actor=rival["coordinator"], activity_id=evening, resident_id=walk_in, hours=1
    )  # exactly 24
    with pytest.raises(InvalidInput) as raised:
        correct_hours(
            actor=rival["coordinator"], activity_id=evening, resident_id=walk_in, hours=1.5
        )
    assert raised.value.key == "volunteer.over_a_day"


def test_an_activity_across_midnight_counts_on_both_days(people, community, team, rival):
    # The review's case: 20:00 to 20:00 the next day at 24 hours, then a whole next day at
    # 24 hours with another organisation: 48 hours in 28. Counting each activity only on the
    # day it starts accepted both.
    overnight = post(
        team["coordinator"], team["id"], starts_at=days_ago_at(2, 20), ends_at=days_ago_at(1, 20)
    )
    next_day = post(
        rival["coordinator"],
        rival["id"],
        starts_at=days_ago_at(1, 0),
        ends_at=days_ago_at(1, 23, 59),
    )
    late = post(
        rival["coordinator"], rival["id"], starts_at=days_ago_at(1, 21), ends_at=days_ago_at(1, 23)
    )  # after the overnight one ended: no overlap
    walk_in = roster_resident(community)
    record_hours_for(
        actor=team["coordinator"], activity_id=overnight, resident_id=walk_in, hours=24
    )
    before = snapshot()
    for activity_id, hours in ((next_day, 24), (late, 2)):
        with pytest.raises(InvalidInput) as raised:
            record_hours_for(
                actor=rival["coordinator"],
                activity_id=activity_id,
                resident_id=walk_in,
                hours=hours,
            )
        assert (raised.value.key, raised.value.field, raised.value.params) == (
            "volunteer.over_a_day",
            "hours",
            {"max": 24, "already": 24.0},
        )
    assert snapshot() == before
    # The other way round: the whole day first, then the overnight activity.
    other = roster_resident(community, "另一位居民")
    record_hours_for(actor=rival["coordinator"], activity_id=next_day, resident_id=other, hours=24)
    with pytest.raises(InvalidInput) as raised:
        record_hours_for(
            actor=team["coordinator"], activity_id=overnight, resident_id=other, hours=24
        )
    assert raised.value.key == "volunteer.over_a_day"
    with read_session() as s:  # the first resident's overnight, the other's whole day
        assert s.exec(select(func.count()).select_from(VolunteerRecord)).one() == 2


def test_hours_at_activities_at_the_same_time_fit_in_the_time_they_cover(
    people, community, team, rival
):
    # Two activities at the same time, each recorded in full, were both accepted.
    ours = post(
        team["coordinator"], team["id"], starts_at=yesterday_at(9), ends_at=yesterday_at(12)
    )
    theirs = post(
        rival["coordinator"], rival["id"], starts_at=yesterday_at(9), ends_at=yesterday_at(12)
    )
    later = post(
        rival["coordinator"], rival["id"], starts_at=yesterday_at(11), ends_at=yesterday_at(14)
    )  # with the others: 9:00 to 14:00, 5 hours
    walk_in = roster_resident(community)
    record_hours_for(actor=team["coordinator"], activity_id=ours, resident_id=walk_in, hours=3)
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        record_hours_for(
            actor=rival["coordinator"], activity_id=theirs, resident_id=walk_in, hours=3
        )
    assert (raised.value.key, raised.value.field, raised.value.params) == (
        "volunteer.overlap",
        "hours",
        {"span": 3.0, "already": 3.0},
    )
    with pytest.raises(InvalidInput) as raised:
        record_hours_for(
            actor=rival["coordinator"], activity_id=later, resident_id=walk_in, hours=2.5
        )
    assert (raised.value.key, raised.value.params) == (
        "volunteer.overlap",
        {"span": 5.0, "already": 3.0},
    )
    assert snapshot() == before
    correct_hours(actor=team["coordinator"], activity_id=ours, resident_id=walk_in, hours=2)
    record_hours_for(
        actor=rival["coordinator"], activity_id=theirs, resident_id=walk_in, hours=1
    )  # 3 hours in the 3 hours both cover
    record_hours_for(
        actor=rival["coordinator"], activity_id=later, resident_id=walk_in, hours=2
    )  # 5 in 5
    with pytest.raises(InvalidInput) as raised:  # a correction is held to the same rule
        correct_hours(
            actor=rival["coordinator"], activity_id=theirs, resident_id=walk_in, hours=1.5
        )
    assert raised.value.key == "volunteer.overlap"
    # The resident's own record too.
    sign_up_ahead = post(team["coordinator"], team["id"])
    sign_up(actor=people["resident"], activity_id=sign_up_ahead)
    record_hours_for(
        actor=rival["coordinator"],
        activity_id=theirs,
        resident_id=people["resident"].resident_id,
        hours=3,
    )
    with write_session() as s:
        row = s.get(OrganisationActivity, sign_up_ahead)
        row.starts_at, row.ends_at = yesterday_at(10), yesterday_at(11)
    with pytest.raises(InvalidInput) as raised:
        record_my_hours(actor=people["resident"], activity_id=sign_up_ahead, hours=1)
    assert raised.value.key == "volunteer.overlap"


def test_a_long_activity_does_not_let_two_short_ones_share_an_hour(community, team, rival):
    long = post(
        rival["coordinator"], rival["id"], starts_at=days_ago_at(1, 9, 30), ends_at=yesterday_at(20)
    )
    first = post(
        team["coordinator"], team["id"], starts_at=yesterday_at(9), ends_at=yesterday_at(10)
    )
    second = post(
        rival["coordinator"], rival["id"], starts_at=yesterday_at(9), ends_at=yesterday_at(10)
    )
    walk_in = roster_resident(community)
    record_hours_for(actor=rival["coordinator"], activity_id=long, resident_id=walk_in, hours=1)
    record_hours_for(actor=team["coordinator"], activity_id=first, resident_id=walk_in, hours=1)
    # All three cover 11 hours with 3 recorded, but the two short ones share one hour.
    with pytest.raises(InvalidInput) as raised:
        record_hours_for(
            actor=rival["coordinator"], activity_id=second, resident_id=walk_in, hours=1
        )
    assert (raised.value.key, raised.value.params) == (
        "volunteer.overlap",
        {"span": 1.0, "already": 1.0},
    )


def test_two_activities_one_after_the_other_on_one_day_are_accepted(people, community, team, rival):
    early = post(
        team["coordinator"], team["id"], starts_at=yesterday_at(6), ends_at=yesterday_at(14)
    )
    late = post(
        rival["coordinator"], rival["id"], starts_at=yesterday_at(14), ends_at=yesterday_at(22)
    )  # begins when the first ends: no overlap
    walk_in = roster_resident(community)
    record_hours_for(actor=team["coordinator"], activity_id=early, resident_id=walk_in, hours=8)
    record_hours_for(actor=rival["coordinator"], activity_id=late, resident_id=walk_in, hours=8)
    with read_session() as s:
        assert (
            s.exec(
                select(func.sum(VolunteerRecord.hours)).where(
                    VolunteerRecord.resident_id == walk_in
                )
            ).one()
            == 16
        )


def test_no_hours_for_an_erased_resident(people, community, team):
    activity_id = post(team["coordinator"], team["id"], start=-2)
    walk_in = roster_resident(community, "王阿姨")
    gone = roster_resident(community, "李叔叔")
    record_hours_for(actor=team["coordinator"], activity_id=activity_id, resident_id=gone, hours=1)
    erase(walk_in)
    erase(gone)
    before = snapshot()
    for command in (
        lambda: record_hours_for(
            actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1
        ),
        lambda: record_hours_for(
            actor=people["moderator"], activity_id=activity_id, resident_id=walk_in, hours=1
        ),
        lambda: correct_hours(
            actor=team["coordinator"], activity_id=activity_id, resident_id=gone, hours=2
        ),
    ):
        with pytest.raises(InvalidInput) as raised:
            command()
        assert (raised.value.key, raised.value.field) == ("volunteer.resident_erased", "resident")
    assert snapshot() == before


def test_a_deactivated_organisation_records_no_hours_and_decides_no_requests(
    people, community, team
):
    activity_id = post(team["coordinator"], team["id"])
    sign_up(actor=people["resident"], activity_id=activity_id)
    move(activity_id, start=-1)
    walk_in = roster_resident(community)
    record_hours_for(
        actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1
    )
    request_to_join(actor=people["resident2"], organisation_id=team["id"])
    request = member_row(team["id"], people["resident2"].resident_id).id
    upcoming = post(team["coordinator"], team["id"])
    set_organisation_active(actor=people["moderator"], organisation_id=team["id"], active=False)
    before = snapshot()
    for who in (team["coordinator"], people["moderator"]):  # staff too: reactivate first
        for command in (
            lambda: record_my_hours(actor=people["resident"], activity_id=activity_id, hours=1),
            lambda: record_hours_for(
                actor=who,
                activity_id=activity_id,
                resident_id=people["resident2"].resident_id,
                hours=1,
            ),
            lambda: correct_hours(actor=who, activity_id=activity_id, resident_id=walk_in, hours=2),
            lambda: decide_request(actor=who, request_id=request, accept=True),
            lambda: decide_request(actor=who, request_id=request, accept=False),
            lambda: post(who, team["id"]),
            lambda: sign_up(actor=people["resident2"], activity_id=upcoming),
            lambda: request_to_join(actor=people["resident"], organisation_id=team["id"]),
        ):
            with pytest.raises(Conflict) as raised:
                command()
            assert raised.value.key == "organisation.inactive"
    assert snapshot() == before
    # What winds things down stays open: cancelling an activity, withdrawing a request.
    cancel_activity(actor=team["coordinator"], activity_id=upcoming, reason="组织已停用")
    leave_organisation(actor=people["resident2"], organisation_id=team["id"])


def test_a_coordinator_corrects_hours_and_the_event_follows(people, community, team):
    walk_in = roster_resident(community)
    activity_id = post(team["coordinator"], team["id"], start=-3)
    with pytest.raises(Conflict) as raised:
        correct_hours(
            actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1
        )
    assert raised.value.key == "volunteer.no_record"
    record_hours_for(
        actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=3
    )
    correct_hours(
        actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1.5
    )
    with read_session() as s:
        assert s.exec(select(VolunteerRecord.hours)).one() == 1.5
    assert [(kind, amount) for kind, amount, *_ in events(walk_in)] == [
        ("organisation_activity", 1.0),
        ("volunteer_hours", 1.5),
    ]
    assert audit("organisation.correct_hours") == [
        (str(activity_id), {"resident": walk_in, "from": 3.0, "to": 1.5})
    ]
    before = snapshot()
    correct_hours(
        actor=team["coordinator"], activity_id=activity_id, resident_id=walk_in, hours=1.5
    )
    assert snapshot() == before  # the same figure: nothing to record
    with pytest.raises(PermissionDenied):
        correct_hours(
            actor=people["resident"], activity_id=activity_id, resident_id=walk_in, hours=1
        )


# --- reading ---------------------------------------------------------------------------------


def test_the_public_list_and_page(people, team, rival):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    past = post(team["coordinator"], team["id"], start=-24 * 20)
    upcoming = post(team["coordinator"], team["id"], start=48)
    record_hours_for(
        actor=team["coordinator"],
        activity_id=past,
        resident_id=people["resident2"].resident_id,
        hours=2,
    )
    listed = {o.name: o for o in list_organisations(viewer=visitor(people))}
    assert list(listed) == sorted(listed)  # by name
    mine = listed["W社区志愿者服务队"]
    assert (
        mine.kind,
        mine.members,
        mine.coordinators,
        mine.upcoming,
        mine.hours,
        mine.volunteers,
    ) == ("volunteer_team", 1, ["coord1 name"], 1, 2.0, 1)
    assert listed["阳光社工服务中心"].hours == 0.0
    page = get_organisation(viewer=visitor(people), organisation_id=team["id"])
    assert [a.id for a in page.upcoming_activities] == [upcoming]
    assert [a.id for a in page.past_activities] == [past]
    month = (utcnow() - timedelta(days=20)).astimezone(TZ).strftime("%Y-%m")
    assert page.hours_by_month == [{"month": month, "hours": 2.0}]
    assert (page.coordinates, page.my_status, page.pending) == (False, None, [])
    assert (
        get_organisation(viewer=people["resident"], organisation_id=team["id"]).my_status
        == "requested"
    )
    assert get_organisation(viewer=people["moderator"], organisation_id=team["id"]).coordinates
    assert not get_organisation(viewer=rival["coordinator"], organisation_id=team["id"]).coordinates


def test_staff_find_residents_with_accounts_to_appoint(people, community, team):
    roster_resident(community, "resident1 的邻居")
    found = find_coordinator_candidates(actor=people["moderator"], query="resident1")
    assert [p.resident_id for p in found] == [people["resident"].resident_id]
    assert find_coordinator_candidates(actor=people["moderator"], query="  ") == []
    with pytest.raises(PermissionDenied):
        find_coordinator_candidates(actor=team["coordinator"], query="resident")
    assert (
        find_people(actor=team["coordinator"], organisation_id=team["id"], query="%") == []
    )  # a wildcard is a plain character


def test_a_coordinator_finds_an_attendee_by_full_name_only(people, community, team):
    aunt = roster_resident(community, "王阿姨")
    namesake = roster_resident(community, "王阿姨", building=1)
    roster_resident(community, "王阿姨的妹妹")
    erase(roster_resident(community, "王阿姨", building=2))
    for _ in range(7):
        roster_resident(community, "张伟")
    coordinator = team["coordinator"]

    def found(query, building=None, actor=coordinator):
        return find_people(actor=actor, organisation_id=team["id"], query=query, building=building)

    for partial in ("王", "王阿", "阿姨", "王阿姨的", "%", "_", "resident"):
        assert found(partial) == []
    shown = found(" 王阿姨 ")
    assert [(p.resident_id, p.name, p.building) for p in shown] == [
        (aunt, "王阿姨", "B1"),
        (namesake, "王阿姨", "B2"),
    ]
    assert set(shown[0].model_dump()) == {"resident_id", "name", "building"}  # no account flag
    assert [p.resident_id for p in found("王阿姨", "B2")] == [namesake]
    assert [p.resident_id for p in found("王阿姨", "2号楼")] == [namesake]  # or its name
    assert found("王阿姨", "B3") == []  # the erased one is never found
    assert len(found("张伟")) == 5  # a handful: the building narrows it
    # An account holder is found by the roster name, shown by that name (not linked to
    # their display name), with no hint that an account exists.
    assert [(p.resident_id, p.name) for p in found("resident2 name")] == [
        (people["resident2"].resident_id, "resident2 name")
    ]
    # Staff keep the search by part of a name, with the account flag; never erased rows.
    staff = found("王", actor=people["moderator"])
    assert [p.resident_id for p in staff] == [
        aunt,
        namesake,
        staff[2].resident_id,
    ]  # and the sister
    assert all(p.has_account is False for p in staff)
    assert len(found("张", actor=people["moderator"])) == 7


def test_a_residents_download_and_deletion_cover_their_volunteering(people, team):
    import io
    import zipfile

    from core.data_rights import delete_account, export_my_data

    resident = people["resident"]
    request_to_join(actor=resident, organisation_id=team["id"], message="我会修自行车")
    activity_id = post(team["coordinator"], team["id"], start=-2)
    record_hours_for(
        actor=team["coordinator"],
        activity_id=activity_id,
        resident_id=resident.resident_id,
        hours=1.5,
    )
    with zipfile.ZipFile(io.BytesIO(export_my_data(actor=resident))) as archive:
        files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    assert "我会修自行车" in files["organisation_memberships.csv"]
    assert "1.5" in files["volunteer_hours.csv"]
    delete_account(actor=resident, confirm_username="resident1")
    assert member_row(team["id"], resident.resident_id).message == ""


def test_the_read_model_says_where_the_viewer_stands_and_when_hours_can_be_recorded(people, team):
    resident = people["resident"]

    def page():
        return get_organisation(viewer=resident, organisation_id=team["id"])

    assert not (page().is_member or page().request_pending or page().was_declined)
    request_to_join(actor=resident, organisation_id=team["id"])
    assert page().request_pending and not page().is_member
    request = member_row(team["id"], resident.resident_id).id
    decide_request(actor=team["coordinator"], request_id=request, accept=False)
    assert page().was_declined and not page().request_pending
    request_to_join(actor=resident, organisation_id=team["id"])
    decide_request(actor=team["coordinator"], request_id=request, accept=True)
    assert page().is_member
    ahead, under_way, long_ago = (
        post(team["coordinator"], team["id"], start=start) for start in (24, -1, -1)
    )
    move(long_ago, start=-24 * 40)  # ended more than the 30 days' window ago
    shown = {a.id: a.recordable for a in page().upcoming_activities + page().past_activities}
    assert shown == {ahead: False, under_way: True, long_ago: False}
