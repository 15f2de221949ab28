"""Attendance and volunteer hours.

A resident records their own attendance and hours (online) at an activity they signed up
for, once it has started and for up to 30 days after it ended; a coordinator records them
for any roster resident who came in person (offline), signed up or not, and corrects a
figure when it was wrong. One record per person and activity: a second one is refused,
and a correction is its own command.

Each record writes two participation events, dated when the activity started: an
"organisation_activity" (amount 1: an attendance) and a "volunteer_hours" (amount: the
hours), so the dashboard can show whether the same few residents carry the volunteering
too. A correction changes the hours on the record and on its "volunteer_hours" event (the
same fact with the right figure; the public log keeps the old one).

Hours: see common.check_hours (more than 0, at most the activity's length rounded up to whole
hours) and common.check_hours_fit (all organisations together: at most 24 on each local
calendar day an activity touches, and activities overlapping in time hold no more hours than
the time they cover together).

Recording and correcting need an active organisation (a deactivated one is wound down, not
run) and a resident whose data was not erased (their account deleted: nothing more is
attached to the blanked row).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.audit import record
from core.errors import Conflict, InvalidInput
from core.organisations.common import (
    account_of,
    activity_for_update,
    check_hours,
    check_hours_fit,
    require_active,
    require_coordinator,
    verified_resident,
)
from core.organisations.lifecycle import SignupStatus
from core.participation import record_participation
from core.permissions import require
from core.principal import Principal
from core.rows import community_row
from core.text import is_whole_number
from db.engine import write_session
from db.models import (
    ActivitySignup,
    Organisation,
    OrganisationActivity,
    ParticipationEvent,
    Resident,
    VolunteerRecord,
)
from db.models.base import utcnow

RECORD_WINDOW = timedelta(days=30)  # after the activity ended
OBJECT_TYPE = "organisation_activity"


def hours_recordable(activity, now) -> bool:
    """Attendance and hours can be recorded at `now`: the activity is not cancelled, has
    started, and ended at most RECORD_WINDOW ago (what _recordable enforces)."""
    return (
        activity.cancelled_at is None
        and activity.starts_at <= now <= activity.ends_at + RECORD_WINDOW
    )


def _recordable(activity: OrganisationActivity) -> None:
    if activity.cancelled_at is not None:
        raise Conflict("activity.cancelled")
    now = utcnow()
    if now < activity.starts_at:
        raise Conflict("activity.not_started")
    if now > activity.ends_at + RECORD_WINDOW:
        raise Conflict("activity.record_closed", days=RECORD_WINDOW.days)


def _existing(s, activity_id: int, resident_id: int) -> VolunteerRecord | None:
    return s.exec(
        select(VolunteerRecord).where(
            VolunteerRecord.activity_id == activity_id, VolunteerRecord.resident_id == resident_id
        )
    ).first()


def _write(
    s,
    *,
    activity: OrganisationActivity,
    organisation: Organisation,
    resident_id: int,
    user_id: int | None,
    hours: float,
    channel: str,
    recorded_by: int,
) -> None:
    assert activity.id is not None  # read from the database
    s.add(
        VolunteerRecord(
            activity_id=activity.id,
            resident_id=resident_id,
            hours=hours,
            channel=channel,
            recorded_by=recorded_by,
        )
    )
    for kind, amount in (("organisation_activity", 1.0), ("volunteer_hours", hours)):
        record_participation(
            s,
            community_id=organisation.community_id,
            kind=kind,
            resident_id=resident_id,
            user_id=user_id,
            channel=channel,
            object_type=OBJECT_TYPE,
            object_id=activity.id,
            amount=amount,
            at=activity.starts_at,
        )


def record_my_hours(*, actor: Principal, activity_id: int, hours: float | None) -> None:
    """The actor attended an activity they signed up for and gave `hours` hours."""
    require(actor, "organisation.volunteer")
    with write_session() as s:
        activity, organisation, organisation_actor = activity_for_update(s, activity_id, actor)
        require_active(organisation_actor)
        resident = verified_resident(s, actor, lock=True)
        assert activity.id is not None and resident.id is not None  # read from the database
        assert actor.user_id is not None  # verified_resident checked it
        signup = s.exec(
            select(ActivitySignup.id).where(
                ActivitySignup.activity_id == activity.id,
                ActivitySignup.resident_id == resident.id,
                ActivitySignup.status == SignupStatus.SIGNED_UP,
            )
        ).first()
        if signup is None:
            raise Conflict("activity.not_signed_up")
        _recordable(activity)
        hours = check_hours(hours, activity)
        if _existing(s, activity.id, resident.id) is not None:
            raise Conflict("volunteer.already_recorded")
        check_hours_fit(s, activity, resident.id, hours, community_id=organisation.community_id)
        _write(
            s,
            activity=activity,
            organisation=organisation,
            resident_id=resident.id,
            user_id=actor.user_id,
            hours=hours,
            channel="online",
            recorded_by=actor.user_id,
        )
        record(
            s,
            actor=actor,
            action="organisation.record_hours",
            object_type="activity",
            object_id=activity.id,
            payload={"hours": hours, "channel": "online"},
        )


def _attendee(s, resident_id, actor: Principal) -> Resident:
    if not is_whole_number(resident_id):
        raise InvalidInput("volunteer.not_a_resident", field="resident")
    resident = s.get(Resident, resident_id)
    if resident is None or resident.community_id != actor.community_id:
        raise InvalidInput("volunteer.not_a_resident", field="resident")
    # Lock the roster row (PostgreSQL) so that two records of one person's time queue.
    resident = community_row(
        s, Resident, resident.id, actor, lock=s.get_bind().dialect.name == "postgresql"
    )
    if resident.erased_at is not None:
        raise InvalidInput("volunteer.resident_erased", field="resident")
    return resident


def record_hours_for(
    *, actor: Principal, activity_id: int, resident_id: int, hours: float | None
) -> None:
    """A coordinator records that a roster resident (with or without an account) came to
    the activity in person and gave `hours` hours."""
    require(actor, "organisation.coordinate")
    with write_session() as s:
        activity, organisation, organisation_actor = activity_for_update(s, activity_id, actor)
        require_coordinator(s, organisation, actor)
        require_active(organisation_actor)
        resident = _attendee(s, resident_id, actor)
        assert activity.id is not None and resident.id is not None  # read from the database
        assert actor.user_id is not None  # signed in: organisation.coordinate
        _recordable(activity)
        hours = check_hours(hours, activity)
        if _existing(s, activity.id, resident.id) is not None:
            raise Conflict("volunteer.already_recorded")
        check_hours_fit(s, activity, resident.id, hours, community_id=organisation.community_id)
        _write(
            s,
            activity=activity,
            organisation=organisation,
            resident_id=resident.id,
            user_id=account_of(s, resident.id),
            hours=hours,
            channel="offline",
            recorded_by=actor.user_id,
        )
        record(
            s,
            actor=actor,
            action="organisation.record_hours",
            object_type="activity",
            object_id=activity.id,
            payload={"hours": hours, "channel": "offline", "resident": resident.id},
        )


def correct_hours(
    *, actor: Principal, activity_id: int, resident_id: int, hours: float | None
) -> None:
    """A coordinator corrects the hours of an existing record (same checks as recording)."""
    require(actor, "organisation.coordinate")
    with write_session() as s:
        activity, organisation, organisation_actor = activity_for_update(s, activity_id, actor)
        require_coordinator(s, organisation, actor)
        require_active(organisation_actor)
        resident = _attendee(s, resident_id, actor)
        assert activity.id is not None and resident.id is not None  # read from the database
        existing = _existing(s, activity.id, resident.id)
        if existing is None:
            raise Conflict("volunteer.no_record")
        hours = check_hours(hours, activity)
        if hours == existing.hours:
            return  # nothing changes, nothing to record
        check_hours_fit(s, activity, resident.id, hours, community_id=organisation.community_id)
        previous, existing.hours = existing.hours, hours
        for event in s.exec(
            select(ParticipationEvent).where(
                ParticipationEvent.kind == "volunteer_hours",
                ParticipationEvent.resident_id == resident.id,
                ParticipationEvent.object_type == OBJECT_TYPE,
                ParticipationEvent.object_id == activity.id,
            )
        ).all():
            event.amount = hours
        record(
            s,
            actor=actor,
            action="organisation.correct_hours",
            object_type="activity",
            object_id=activity.id,
            payload={"resident": resident.id, "from": previous, "to": hours},
        )
