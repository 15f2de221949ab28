"""What the organisation commands share: loading an organisation or activity of the actor's
community, the coordinator scope, who counts as a verified resident with an account, and
the checks on volunteer hours.

The hours one record may hold (check_hours): more than 0, at most the activity's length
rounded up to whole hours.

The hours a resident's records may hold together (check_hours_fit), all organisations
counted, the record being written or corrected included:
(a) A record's hours count on every local calendar day (the community's time zone) that its
    activity touches, in full: an activity from 20:00 to 08:00 the next morning counts on
    both days. Each day's total for the resident stays at most 24 hours.
(b) Hours recorded at activities that overlap in time (one begins before another ends; one
    that begins when another ends does not overlap it) may not together exceed the time
    those activities cover together: the length of the union of their intervals, in hours.
    Nobody gives 3 hours to each of two activities held at the same time. The rule holds for
    every group of activities linked by overlaps, so a long activity overlapping two short
    ones at the same moment does not let those two share the same hour. (A single activity
    keeps the rounding up of check_hours.)
The resident's roster row is locked (PostgreSQL) before the check, so that two records of
one person queue; SQLite serialises writers already.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.organisations.lifecycle import MembershipStatus
from core.permissions import can
from core.principal import Principal
from core.rows import community_row, community_row_for_update
from core.text import is_whole_number
from core.voting.eligibility import is_verified
from db.models import (
    Actor,
    Community,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    Resident,
    User,
    VolunteerRecord,
)
from db.models.organisations import MemberRole

MAX_DAY_HOURS = 24  # a resident's volunteer hours on one calendar day, all activities together
# How far around an activity other records are read for the overlap rule: activities last at
# most a day, so a chain of overlaps longer than this is not a real schedule.
OVERLAP_REACH = timedelta(days=3)
EPSILON = 1e-9  # hours are kept to two decimals; compare sums with a hair of slack
# An activity's (starts_at, ends_at, hours) as the hours rules see it.
Interval = tuple[datetime, datetime, float]


def _locks(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def organisation_for_update(
    s: Session, organisation_id, actor: Principal
) -> tuple[Organisation, Actor]:
    """The organisation (locked) and its actor row, or NotFound outside the community."""
    organisation = community_row_for_update(s, Organisation, organisation_id, actor)
    return organisation, actor_of(s, organisation)


def activity_for_update(
    s: Session, activity_id, actor: Principal
) -> tuple[OrganisationActivity, Organisation, Actor]:
    """The activity (row-locked on PostgreSQL, so that sign-ups and records for it queue;
    SQLite's BEGIN IMMEDIATE serialises writers already) with its organisation and actor."""
    if not is_whole_number(activity_id):
        raise NotFound("error.not_found")
    query = select(OrganisationActivity).where(OrganisationActivity.id == activity_id)
    if _locks(s):
        query = query.with_for_update()
    activity = s.exec(query).first()
    if activity is None:
        raise NotFound("error.not_found")
    organisation = community_row(s, Organisation, activity.organisation_id, actor)
    return activity, organisation, actor_of(s, organisation)


def actor_of(s: Session, organisation: Organisation) -> Actor:
    """The organisation's Actor row (its name, kind and whether it is active)."""
    actor = s.get(Actor, organisation.actor_id)
    assert actor is not None  # organisation.actor_id is a foreign key
    return actor


def is_coordinator(s: Session, organisation_id: int, resident_id: int | None) -> bool:
    if resident_id is None:
        return False
    return (
        s.exec(
            select(OrganisationMember.id).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.resident_id == resident_id,
                OrganisationMember.role == MemberRole.COORDINATOR,
                OrganisationMember.status == MembershipStatus.ACCEPTED,
            )
        ).first()
        is not None
    )


def require_coordinator(s: Session, organisation: Organisation, actor: Principal) -> None:
    """Staff may act for any organisation; anyone else only for one they coordinate."""
    if can(actor, "organisation.manage"):
        return
    assert organisation.id is not None  # read from the database
    if not is_coordinator(s, organisation.id, actor.resident_id):
        raise PermissionDenied("organisation.coordinate")


def require_active(organisation_actor: Actor) -> None:
    if not organisation_actor.active:
        raise Conflict("organisation.inactive")


def verified_resident(s: Session, actor: Principal, *, lock: bool = False) -> Resident:
    """The actor's own roster row: they must have one (an account linked to the roster) and
    it must be verified (imported by staff, or confirmed by a moderator)."""
    if actor.resident_id is None or actor.user_id is None:
        raise Conflict("organisation.no_resident")
    resident = community_row(s, Resident, actor.resident_id, actor, lock=lock and _locks(s))
    if not is_verified(resident):
        raise Conflict("organisation.unverified")
    return resident


def account_of(s: Session, resident_id: int) -> int | None:
    """The user id of the live account linked to a roster row, if any."""
    return s.exec(
        select(User.id).where(
            User.resident_id == resident_id,
            col(User.deleted_at).is_(None),
            col(User.active).is_(True),
        )
    ).first()


def check_hours(hours, activity: OrganisationActivity) -> float:
    """Hours given at an activity: a real number (not a bool, NaN or infinity), more than
    zero and at most the activity's length rounded up to whole hours (a 2.5-hour activity
    allows 3). Kept to two decimals."""
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not math.isfinite(hours):
        raise InvalidInput("volunteer.hours_not_a_number", field="hours")
    minutes = round((activity.ends_at - activity.starts_at).total_seconds() / 60)
    longest = math.ceil(minutes / 60)  # to the minute: 2h00m00.4s is still 2 hours
    hours = round(float(hours), 2)
    if not 0 < hours <= longest:
        raise InvalidInput("volunteer.hours_out_of_range", field="hours", max=longest)
    return hours


def local_days(
    tz: ZoneInfo, starts_at: datetime, ends_at: datetime
) -> list[tuple[datetime, datetime]]:
    """The local calendar days that [starts_at, ends_at) touches, each as [midnight, next
    midnight); an activity ending at midnight does not touch the day after."""
    first = starts_at.astimezone(tz).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    days, day = [], first
    while day <= last:
        days.append(
            (
                datetime.combine(day, time.min, tzinfo=tz),
                datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
            )
        )
        day += timedelta(days=1)
    return days


def check_hours_fit(
    s: Session, activity: OrganisationActivity, resident_id: int, hours: float, *, community_id: int
) -> None:
    """Refuse `hours` (hours) for the resident at this activity when, with their other
    records (all organisations; a record of this same activity, being corrected, left out),
    a day they touch would hold more than 24 hours ("volunteer.over_a_day"), or activities
    overlapping in time would hold more hours than the time they cover together
    ("volunteer.overlap"). See the module docstring."""
    community = s.get(Community, community_id)
    assert community is not None  # the caller's community, which exists
    tz = ZoneInfo(community.timezone)
    days = local_days(tz, activity.starts_at, activity.ends_at)
    # Within the reach: every activity touching the same days (they lie within a day and an
    # hour of this one), and every overlap that matters.
    others: list[Interval] = [
        (start, end, h)
        for start, end, h in s.exec(
            select(
                OrganisationActivity.starts_at, OrganisationActivity.ends_at, VolunteerRecord.hours
            )
            .join(
                OrganisationActivity,
                col(OrganisationActivity.id) == col(VolunteerRecord.activity_id),
            )
            .where(
                VolunteerRecord.resident_id == resident_id,
                VolunteerRecord.activity_id != activity.id,
                OrganisationActivity.starts_at < activity.ends_at + OVERLAP_REACH,
                OrganisationActivity.ends_at > activity.starts_at - OVERLAP_REACH,
            )
        )
    ]
    for day_start, day_end in days:
        already = sum(h for start, end, h in others if start < day_end and end > day_start)
        if already + hours > MAX_DAY_HOURS + EPSILON:
            raise InvalidInput(
                "volunteer.over_a_day", field="hours", max=MAX_DAY_HOURS, already=round(already, 2)
            )
    crowded = _overcrowded(activity.starts_at, activity.ends_at, hours, others)
    if crowded is not None:
        span, overlapping = crowded
        raise InvalidInput(
            "volunteer.overlap", field="hours", span=round(span, 2), already=round(overlapping, 2)
        )


def _overcrowded(
    starts_at: datetime,
    ends_at: datetime,
    hours: float,
    others: list[Interval],
) -> tuple[float, float] | None:
    """A group of activities linked by overlaps, this one among them, whose hours exceed the
    time they cover: (that time, the other activities' hours in it), both in hours; None
    when every group fits.

    Every group spans a window from one activity's start to another's end. Among the
    activities lying wholly inside a window, the ones linked to this one by overlaps form the
    largest group there, so checking it (narrowest windows first) checks every group."""
    mine: Interval = (starts_at, ends_at, hours)
    rows = [mine] + others
    windows = sorted(
        {
            (a, b)
            for a in {r[0] for r in rows if r[0] <= starts_at}
            for b in {r[1] for r in rows if r[1] >= ends_at}
        },
        key=lambda w: w[1] - w[0],
    )
    for window_start, window_end in windows:
        group = next(
            g
            for g in _linked(r for r in rows if r[0] >= window_start and r[1] <= window_end)
            if any(r is mine for r in g)
        )
        if len(group) < 2:
            continue
        span = (max(r[1] for r in group) - min(r[0] for r in group)).total_seconds() / 3600
        total = sum(r[2] for r in group)
        if total > span + EPSILON:
            return span, total - hours
    return None


def _linked(rows: Iterable[Interval]) -> Iterator[list[Interval]]:
    """Split intervals (start, end, ...) into groups linked by overlaps, earliest first."""
    ordered = sorted(rows, key=lambda r: (r[0], r[1]))
    if not ordered:
        return
    group, reach = [ordered[0]], ordered[0][1]
    for row in ordered[1:]:
        if row[0] >= reach:  # begins when (or after) all before it ended
            yield group
            group, reach = [row], row[1]
        else:
            group.append(row)
            reach = max(reach, row[1])
    yield group
