"""Organisations' activities and sign-ups (core.organisations.activities):
posting and cancelling within the coordinator's scope, the bad inputs (nothing written),
and the capacity."""

from datetime import datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.organisations.activities import cancel_activity, cancel_signup, sign_up
from core.organisations.hours import correct_hours, record_hours_for
from core.organisations.membership import decide_request, request_to_join
from core.organisations.queries import find_people, get_organisation
from db.engine import read_session
from db.models import ActivitySignup, OrganisationActivity, VolunteerRecord
from tests.adversarial.test_races import race
from tests.conftest import audit, make_user
from tests.core.organisation_helpers import (
    hours_from_now,
    member_row,
    move,
    post,
    roster_resident,
    snapshot,
    verify,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.organisation_helpers import rival as rival
from tests.core.organisation_helpers import team as team

pytestmark = pytest.mark.usefixtures("quick_accounts")


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
