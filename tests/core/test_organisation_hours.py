"""Attendance and volunteer hours (core.organisations.hours): recorded by the
resident or by a coordinator, the limits on hours in a day, corrections, and the
participation events they leave. Bad inputs write nothing."""

import math
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.organisations.activities import cancel_activity, sign_up
from core.organisations.hours import correct_hours, record_hours_for, record_my_hours
from core.organisations.manage import set_organisation_active
from core.organisations.membership import decide_request, leave_organisation, request_to_join
from core.organisations.queries import find_people, get_organisation
from db.engine import read_session, write_session
from db.models import OrganisationActivity, ParticipationEvent, VolunteerRecord
from db.models.base import utcnow
from tests.conftest import audit, make_user, other_community
from tests.core.organisation_helpers import (
    TZ,
    erase,
    events,
    member_row,
    move,
    post,
    roster_resident,
    snapshot,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.organisation_helpers import rival as rival
from tests.core.organisation_helpers import team as team

pytestmark = pytest.mark.usefixtures("quick_accounts")


def yesterday_at(hour: int) -> datetime:
    return days_ago_at(1, hour)


def days_ago_at(days: int, hour: int, minute: int = 0) -> datetime:
    """A local time (the community's time zone) `days` calendar days ago."""
    day = (utcnow().astimezone(TZ) - timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


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
            lambda who=who: record_hours_for(
                actor=who,
                activity_id=activity_id,
                resident_id=people["resident2"].resident_id,
                hours=1,
            ),
            lambda who=who: correct_hours(
                actor=who, activity_id=activity_id, resident_id=walk_in, hours=2
            ),
            lambda who=who: decide_request(actor=who, request_id=request, accept=True),
            lambda who=who: decide_request(actor=who, request_id=request, accept=False),
            lambda who=who: post(who, team["id"]),
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
