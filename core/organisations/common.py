"""What the organisation commands share: loading an organisation or activity of the actor's
community, the coordinator scope, who counts as a verified resident with an account, and
the checks on volunteer hours."""
from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.permissions import can
from core.principal import Principal
from core.rows import community_row, community_row_for_update
from core.voting.eligibility import is_verified
from db.models import (Actor, Community, Organisation, OrganisationActivity, OrganisationMember,
                       Resident, User, VolunteerRecord)

MAX_DAY_HOURS = 24  # a resident's volunteer hours on one calendar day, all activities together


def _locks(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def organisation_for_update(s: Session, organisation_id, actor: Principal
                            ) -> tuple[Organisation, Actor]:
    """The organisation (locked) and its actor row, or NotFound outside the community."""
    organisation = community_row_for_update(s, Organisation, organisation_id, actor)
    return organisation, s.get(Actor, organisation.actor_id)


def activity_for_update(s: Session, activity_id, actor: Principal
                        ) -> tuple[OrganisationActivity, Organisation, Actor]:
    """The activity (row-locked on PostgreSQL, so that sign-ups and records for it queue;
    SQLite's BEGIN IMMEDIATE serialises writers already) with its organisation and actor."""
    if not isinstance(activity_id, int) or isinstance(activity_id, bool):
        raise NotFound("error.not_found")
    query = select(OrganisationActivity).where(OrganisationActivity.id == activity_id)
    if _locks(s):
        query = query.with_for_update()
    activity = s.exec(query).first()
    if activity is None:
        raise NotFound("error.not_found")
    organisation = community_row(s, Organisation, activity.organisation_id, actor)
    return activity, organisation, s.get(Actor, organisation.actor_id)


def is_coordinator(s: Session, organisation_id: int, resident_id: int | None) -> bool:
    if resident_id is None:
        return False
    return s.exec(select(OrganisationMember.id).where(
        OrganisationMember.organisation_id == organisation_id,
        OrganisationMember.resident_id == resident_id,
        OrganisationMember.role == "coordinator",
        OrganisationMember.status == "accepted")).first() is not None


def require_coordinator(s: Session, organisation: Organisation, actor: Principal) -> None:
    """Staff may act for any organisation; anyone else only for one they coordinate."""
    if can(actor, "organisation.manage"):
        return
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
    return s.exec(select(User.id).where(User.resident_id == resident_id,
                                        col(User.deleted_at).is_(None),
                                        col(User.active).is_(True))).first()


def check_hours(hours, activity: OrganisationActivity) -> float:
    """Hours given at an activity: a real number (not a bool, NaN or infinity), more than
    zero and at most the activity's length rounded up to whole hours (a 2.5-hour activity
    allows 3). Kept to two decimals."""
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or \
            not math.isfinite(hours):
        raise InvalidInput("volunteer.hours_not_a_number", field="hours")
    minutes = round((activity.ends_at - activity.starts_at).total_seconds() / 60)
    longest = math.ceil(minutes / 60)  # to the minute: 2h00m00.4s is still 2 hours
    hours = round(float(hours), 2)
    if not 0 < hours <= longest:
        raise InvalidInput("volunteer.hours_out_of_range", field="hours", max=longest)
    return hours


def local_day_bounds(s: Session, community_id: int, at: datetime) -> tuple[datetime, datetime]:
    """The community-local calendar day holding `at`, as [midnight, next midnight)."""
    tz = ZoneInfo(s.get(Community, community_id).timezone)
    day = at.astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def check_day_total(s: Session, activity: OrganisationActivity, resident_id: int,
                    hours: float, *, community_id: int, replacing: float = 0.0) -> None:
    """Refuse when the resident's volunteer hours on the activity's day (the local day it
    starts on; every organisation counted) would exceed 24. `replacing`: hours of a record
    being corrected, which the new figure replaces."""
    start, end = local_day_bounds(s, community_id, activity.starts_at)
    already = s.exec(select(func.coalesce(func.sum(VolunteerRecord.hours), 0.0))
                     .join(OrganisationActivity,
                           OrganisationActivity.id == VolunteerRecord.activity_id)
                     .where(VolunteerRecord.resident_id == resident_id,
                            OrganisationActivity.starts_at >= start,
                            OrganisationActivity.starts_at < end)).one()
    if float(already) - replacing + hours > MAX_DAY_HOURS + 1e-9:
        raise InvalidInput("volunteer.over_a_day", field="hours", max=MAX_DAY_HOURS,
                           already=round(float(already) - replacing, 2))
