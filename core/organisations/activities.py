"""Activities of an organisation: its coordinators post them (or cancel them, with a
reason); verified residents sign up before they start, up to the capacity, and may cancel.

Signing up is open to every verified resident, member or not: volunteering once should not
need joining first. An activity lasts at most a day (24 hours: volunteer hours are counted
per calendar day), may be posted up to 30 days after it started (to record a paper
sign-in sheet) and at most a year ahead.

A deactivated organisation posts no activity and takes no sign-up; cancelling an activity
or one's place stays open, so that what was planned can be called off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from core.audit import record
from core.errors import Conflict, InvalidInput
from core.organisations.common import (
    activity_for_update,
    organisation_for_update,
    require_active,
    require_coordinator,
    verified_resident,
)
from core.organisations.lifecycle import SignupStatus
from core.permissions import require
from core.principal import Principal
from core.text import aware_datetime, clean_text, is_whole_number
from db.engine import write_session
from db.models import ActivitySignup, OrganisationActivity, VolunteerRecord
from db.models.base import utcnow

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
PLACE_MAX = 200
REASON_MAX = 500
MAX_CAPACITY = 10_000
MAX_LENGTH = timedelta(hours=24)
POST_AFTER = timedelta(days=30)
POST_AHEAD = timedelta(days=366)


def post_activity(
    *,
    actor: Principal,
    organisation_id: int,
    title: str,
    description: str = "",
    place: str = "",
    starts_at: datetime | None,
    ends_at: datetime | None,
    capacity: int | None = None,
) -> int:
    """An activity of an organisation the actor coordinates; returns its id. Times are
    aware datetimes; `capacity` (people) is optional."""
    require(actor, "organisation.coordinate")
    with write_session() as s:
        organisation, organisation_actor = organisation_for_update(s, organisation_id, actor)
        require_coordinator(s, organisation, actor)
        require_active(organisation_actor)
        assert organisation.id is not None  # read from the database
        assert actor.user_id is not None  # signed in: organisation.coordinate
        title = clean_text(title, field="title", max_len=TITLE_MAX, min_len=2)
        description = (
            clean_text(
                description,
                field="description",
                max_len=DESCRIPTION_MAX,
                multiline=True,
                required=False,
            )
            or ""
        )
        place = clean_text(place, field="place", max_len=PLACE_MAX, required=False) or ""
        starts_at = aware_datetime(starts_at, field="starts_at")
        ends_at = aware_datetime(ends_at, field="ends_at")
        if ends_at <= starts_at:
            raise InvalidInput("activity.ends_before_start", field="ends_at")
        if ends_at - starts_at > MAX_LENGTH:
            raise InvalidInput("activity.too_long", field="ends_at", hours=24)
        now = utcnow()
        if starts_at < now - POST_AFTER:
            raise InvalidInput("activity.too_far_back", field="starts_at", days=30)
        if starts_at > now + POST_AHEAD:
            raise InvalidInput("activity.too_far_ahead", field="starts_at")
        if capacity is not None and (
            not is_whole_number(capacity) or not 1 <= capacity <= MAX_CAPACITY
        ):
            raise InvalidInput("field.out_of_range", field="capacity", min=1, max=MAX_CAPACITY)
        activity = OrganisationActivity(
            organisation_id=organisation.id,
            title=title,
            description=description,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            created_by=actor.user_id,
        )
        s.add(activity)
        s.flush()
        assert activity.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="organisation.post_activity",
            object_type="activity",
            object_id=activity.id,
            payload={
                "organisation": organisation.id,
                "title": title,
                "starts_at": starts_at.isoformat(),
                "capacity": capacity,
            },
        )
        return activity.id


def cancel_activity(*, actor: Principal, activity_id: int, reason: str) -> None:
    """Cancel an activity, with a reason its sign-ups see; one where hours were already
    recorded happened, and cannot be cancelled."""
    require(actor, "organisation.coordinate")
    with write_session() as s:
        activity, organisation, _ = activity_for_update(s, activity_id, actor)
        require_coordinator(s, organisation, actor)
        reason = clean_text(reason, field="reason", max_len=REASON_MAX)
        if activity.cancelled_at is not None:
            raise Conflict("activity.cancelled")
        if (
            s.exec(
                select(VolunteerRecord.id).where(VolunteerRecord.activity_id == activity.id)
            ).first()
            is not None
        ):
            raise Conflict("activity.has_records")
        activity.cancelled_at, activity.cancelled_reason = utcnow(), reason
        record(
            s,
            actor=actor,
            action="organisation.cancel_activity",
            object_type="activity",
            object_id=activity.id,
            payload={"reason": reason},
        )


def _signup(s, activity_id: int, resident_id: int) -> ActivitySignup | None:
    return s.exec(
        select(ActivitySignup).where(
            ActivitySignup.activity_id == activity_id, ActivitySignup.resident_id == resident_id
        )
    ).first()


def sign_up(*, actor: Principal, activity_id: int) -> None:
    """Take a place at an activity that has not started, is not cancelled and is not full."""
    require(actor, "organisation.volunteer")
    with write_session() as s:
        activity, _, organisation_actor = activity_for_update(s, activity_id, actor)
        resident = verified_resident(s, actor)
        assert activity.id is not None and resident.id is not None  # read from the database
        require_active(organisation_actor)
        if activity.cancelled_at is not None:
            raise Conflict("activity.cancelled")
        if utcnow() >= activity.starts_at:
            raise Conflict("activity.started")
        row = _signup(s, activity.id, resident.id)
        if row is not None and row.status == SignupStatus.SIGNED_UP:
            raise Conflict("activity.already_signed_up")
        if activity.capacity is not None:
            taken = s.exec(
                select(func.count())
                .select_from(ActivitySignup)
                .where(
                    ActivitySignup.activity_id == activity.id,
                    ActivitySignup.status == SignupStatus.SIGNED_UP,
                )
            ).one()
            if taken >= activity.capacity:
                raise Conflict("activity.full")
        if row is None:
            row = ActivitySignup(activity_id=activity.id, resident_id=resident.id)
            s.add(row)
        row.user_id, row.status, row.created_at = actor.user_id, SignupStatus.SIGNED_UP, utcnow()
        record(
            s,
            actor=actor,
            action="organisation.sign_up",
            object_type="activity",
            object_id=activity.id,
        )


def cancel_signup(*, actor: Principal, activity_id: int) -> None:
    """Give up one's place before the activity starts."""
    require(actor, "organisation.volunteer")
    with write_session() as s:
        activity, _, _ = activity_for_update(s, activity_id, actor)
        assert activity.id is not None  # read from the database
        row = _signup(s, activity.id, actor.resident_id) if actor.resident_id else None
        if row is None or row.status != SignupStatus.SIGNED_UP:
            raise Conflict("activity.not_signed_up")
        if utcnow() >= activity.starts_at:
            raise Conflict("activity.started")
        row.status = SignupStatus.CANCELLED
        record(
            s,
            actor=actor,
            action="organisation.cancel_signup",
            object_type="activity",
            object_id=activity.id,
        )
