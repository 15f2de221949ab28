"""Reading organisations: the public list, one organisation's page (with what its
coordinators see on top), and roster look-ups for coordinators and staff.

Public: name, kind, purpose, contact, coordinators' display names, member count, activities
with their sign-up, attendance and hours totals. A coordinator (or staff) also gets the
pending requests, the members, each activity's sign-ups and records, and hours per
volunteer. Names are display names for account holders, roster names for the others (whom
a coordinator met in person); never other roster data.

Finding someone to record (find_people): a coordinator who is not staff must type the
person's exact full name, as on the roster (optionally with the building), and gets back at
most a handful of matches with their roster name and building: enough to pick the neighbour
standing in front of them, not a way to browse the roster or learn who has an account or
which display name belongs to whom. Staff, who keep the roster anyway, search by part of a
name. Erased residents are never found.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, computed_field
from sqlalchemy import func
from sqlmodel import col, select

from core.organisations.common import require_coordinator
from core.organisations.hours import hours_recordable
from core.organisations.lifecycle import MembershipStatus, SignupStatus
from core.permissions import can, require
from core.principal import Principal
from core.rows import community_row
from core.text import is_whole_number
from db.engine import read_session
from db.models import (
    ActivitySignup,
    Actor,
    Building,
    Community,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    Resident,
    User,
    VolunteerRecord,
)
from db.models.base import utcnow
from db.models.organisations import MemberRole

PAST_SHOWN = 50  # past activities on an organisation's page, newest first
ATTENDEE_MATCHES = 5  # namesakes shown to a coordinator typing a full name


class OrganisationSummary(BaseModel):
    id: int
    actor_id: int
    name: str
    kind: str  # "social_organisation" or "volunteer_team"
    purpose: str
    contact: str
    active: bool
    members: int  # accepted members, coordinators included
    coordinators: list[str | None]  # display names (None: a deleted account)
    upcoming: int  # activities not yet ended and not cancelled
    hours: float  # volunteer hours recorded at its activities, in hours
    volunteers: int  # distinct residents with a record


class ActivityView(BaseModel):
    id: int
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    cancelled_at: datetime | None
    cancelled_reason: str | None
    signed_up: int
    attended: int
    hours: float
    my_signup: bool  # the viewer holds a place
    my_hours: float | None  # the viewer's recorded hours
    recordable: bool = False  # attendance and hours can be recorded now


class Attendee(BaseModel):
    """Someone a coordinator found to record: the roster name and the building code."""

    resident_id: int
    name: str | None
    building: str


class Person(Attendee):
    name: str | None  # display name with an account, else roster name; None: deleted user
    has_account: bool


class MemberView(Person):
    request_id: int
    role: str
    status: str
    message: str
    since: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_coordinator(self) -> bool:
        return self.role == MemberRole.COORDINATOR


class RecordView(Person):
    activity_id: int
    hours: float
    channel: str


class SignupView(Person):
    activity_id: int


class VolunteerTotal(Person):
    activities: int
    hours: float


class OrganisationDetail(OrganisationSummary):
    upcoming_activities: list[ActivityView]  # soonest first (cancelled ones included)
    past_activities: list[ActivityView]  # newest first, at most PAST_SHOWN
    hours_by_month: list[dict]  # {"month": "2026-10", "hours": 12.5}, community-local months
    my_status: str | None  # the viewer's membership: requested / accepted / declined / left
    my_role: str | None
    coordinates: bool  # the viewer may act as its coordinator (a coordinator, or staff)
    # Filled for coordinators and staff only:
    pending: list[MemberView]
    members_list: list[MemberView]
    signups: list[SignupView]
    records: list[RecordView]
    totals: list[VolunteerTotal]  # hours per volunteer, most first

    # The viewer's membership, so that pages ask instead of comparing statuses.
    # (mypy does not support decorators on a property, python/mypy#1362: pydantic's docs
    # say to ignore that on @computed_field.)
    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_member(self) -> bool:
        """The viewer is an accepted member (a coordinator too)."""
        return self.my_status == MembershipStatus.ACCEPTED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_coordinator(self) -> bool:
        """The viewer is one of its coordinators (staff who may act as one are not)."""
        return self.is_member and self.my_role == MemberRole.COORDINATOR

    @computed_field  # type: ignore[prop-decorator]
    @property
    def request_pending(self) -> bool:
        """The viewer asked to join and nobody has decided yet."""
        return self.my_status == MembershipStatus.REQUESTED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def was_declined(self) -> bool:
        return self.my_status == MembershipStatus.DECLINED


def _name():
    """A person's shown name: their account's display name, or the roster name."""
    return func.coalesce(User.display_name, Resident.full_name)


def _people(query):
    """Join a query on Resident to its building and (live) account."""
    return query.join(Building, col(Building.id) == col(Resident.building_id)).join(
        User,
        (col(User.resident_id) == col(Resident.id)) & col(User.deleted_at).is_(None),
        isouter=True,
    )


def list_organisations(
    *, viewer: Principal, include_inactive: bool = False
) -> list[OrganisationSummary]:
    """The community's organisations and volunteer teams, by name; inactive ones only for
    staff who ask."""
    require(viewer, "page.organisations")
    if viewer.community_id is None:
        return []
    with read_session() as s:
        query = (
            select(Organisation, Actor)
            .join(Actor, col(Actor.id) == col(Organisation.actor_id))
            .where(Organisation.community_id == viewer.community_id)
            .order_by(col(Actor.name))
        )
        if not (include_inactive and can(viewer, "organisation.manage")):
            query = query.where(col(Actor.active).is_(True))
        rows = s.exec(query).all()
        ids = [o.id for o, _ in rows]
        if not ids:
            return []
        members = dict(
            s.exec(
                select(OrganisationMember.organisation_id, func.count())
                .where(
                    col(OrganisationMember.organisation_id).in_(ids),
                    OrganisationMember.status == MembershipStatus.ACCEPTED,
                )
                .group_by(col(OrganisationMember.organisation_id))
            ).all()
        )
        coordinators: defaultdict[int, list[str | None]] = defaultdict(list)
        for organisation_id, name in s.exec(
            select(OrganisationMember.organisation_id, User.display_name)
            .join(User, col(User.id) == col(OrganisationMember.user_id), isouter=True)
            .where(
                col(OrganisationMember.organisation_id).in_(ids),
                OrganisationMember.role == MemberRole.COORDINATOR,
                OrganisationMember.status == MembershipStatus.ACCEPTED,
            )
            .order_by(col(OrganisationMember.id))
        ).all():
            coordinators[organisation_id].append(name or None)
        upcoming = dict(
            s.exec(
                select(OrganisationActivity.organisation_id, func.count())
                .where(
                    col(OrganisationActivity.organisation_id).in_(ids),
                    OrganisationActivity.ends_at >= utcnow(),
                    col(OrganisationActivity.cancelled_at).is_(None),
                )
                .group_by(col(OrganisationActivity.organisation_id))
            ).all()
        )
        hours = {
            o: (float(h), int(v))
            for o, h, v in s.exec(
                select(
                    OrganisationActivity.organisation_id,
                    func.sum(VolunteerRecord.hours),
                    func.count(func.distinct(VolunteerRecord.resident_id)),
                )
                .join(
                    VolunteerRecord,
                    col(VolunteerRecord.activity_id) == col(OrganisationActivity.id),
                )
                .where(col(OrganisationActivity.organisation_id).in_(ids))
                .group_by(col(OrganisationActivity.organisation_id))
            ).all()
        }
    summaries: list[OrganisationSummary] = []
    for o, a in rows:
        assert o.id is not None and a.id is not None  # read from the database
        summaries.append(
            OrganisationSummary(
                id=o.id,
                actor_id=a.id,
                name=a.name,
                kind=a.kind,
                purpose=o.purpose,
                contact=o.contact,
                active=a.active,
                members=members.get(o.id, 0),
                coordinators=coordinators[o.id],
                upcoming=upcoming.get(o.id, 0),
                hours=round(hours.get(o.id, (0.0, 0))[0], 2),
                volunteers=hours.get(o.id, (0.0, 0))[1],
            )
        )
    return summaries


def get_organisation(*, viewer: Principal, organisation_id: int) -> OrganisationDetail | None:
    """One organisation's page, or None when it is not of the viewer's community (or is
    inactive and the viewer is not staff)."""
    require(viewer, "page.organisations")
    if not is_whole_number(organisation_id) or viewer.community_id is None:
        return None
    staff = can(viewer, "organisation.manage")
    now = utcnow()
    with read_session() as s:
        found = s.exec(
            select(Organisation, Actor, Community.timezone)
            .join(Actor, col(Actor.id) == col(Organisation.actor_id))
            .join(Community, col(Community.id) == col(Organisation.community_id))
            .where(
                Organisation.id == organisation_id, Organisation.community_id == viewer.community_id
            )
        ).first()
        if found is None or not (found[1].active or staff):
            return None
        organisation, actor, timezone = found
        assert organisation.id is not None and actor.id is not None  # read from the database
        memberships = s.exec(
            _people(
                select(OrganisationMember, _name(), Building.code, col(User.id).is_not(None)).join(
                    Resident, col(Resident.id) == col(OrganisationMember.resident_id)
                )
            )
            .where(OrganisationMember.organisation_id == organisation.id)
            .order_by(col(OrganisationMember.created_at), col(OrganisationMember.id))
        ).all()
        activities = s.exec(
            select(OrganisationActivity)
            .where(OrganisationActivity.organisation_id == organisation.id)
            .order_by(col(OrganisationActivity.starts_at))
        ).all()
        signups = s.exec(
            _people(
                # sqlmodel's select() is typed for at most 4 columns
                select(  # type: ignore[call-overload]
                    ActivitySignup.activity_id,
                    Resident.id,
                    _name(),
                    Building.code,
                    col(User.id).is_not(None),
                )
                .join(Resident, col(Resident.id) == col(ActivitySignup.resident_id))
                .join(
                    OrganisationActivity,
                    col(OrganisationActivity.id) == col(ActivitySignup.activity_id),
                )
            )
            .where(
                OrganisationActivity.organisation_id == organisation.id,
                ActivitySignup.status == SignupStatus.SIGNED_UP,
            )
            .order_by(col(ActivitySignup.created_at), col(ActivitySignup.id))
        ).all()
        records = s.exec(
            _people(
                select(VolunteerRecord, _name(), Building.code, col(User.id).is_not(None))
                .join(Resident, col(Resident.id) == col(VolunteerRecord.resident_id))
                .join(
                    OrganisationActivity,
                    col(OrganisationActivity.id) == col(VolunteerRecord.activity_id),
                )
            )
            .where(OrganisationActivity.organisation_id == organisation.id)
            .order_by(col(VolunteerRecord.id))
        ).all()

    mine = next(
        (
            m
            for m, *_ in memberships
            if viewer.resident_id is not None and m.resident_id == viewer.resident_id
        ),
        None,
    )
    coordinates = staff or (
        mine is not None
        and mine.role == MemberRole.COORDINATOR
        and mine.status == MembershipStatus.ACCEPTED
        and can(viewer, "organisation.coordinate")
    )
    accepted = [m for m, *_ in memberships if m.status == MembershipStatus.ACCEPTED]
    coordinator_names = [
        name
        for m, name, *_ in memberships
        if m.status == MembershipStatus.ACCEPTED and m.role == MemberRole.COORDINATOR
    ]

    signed: defaultdict[int, int] = defaultdict(int)
    my_signups: set[int] = set()
    for activity_id, resident_id, *_ in signups:
        signed[activity_id] += 1
        if resident_id == viewer.resident_id:
            my_signups.add(activity_id)
    attended: defaultdict[int, int] = defaultdict(int)
    hours: defaultdict[int, float] = defaultdict(float)
    my_hours: dict[int, float] = {}
    by_person: dict[int, list] = {}
    for r, name, code, has_account in records:
        attended[r.activity_id] += 1
        hours[r.activity_id] += r.hours
        if r.resident_id == viewer.resident_id:
            my_hours[r.activity_id] = r.hours
        total = by_person.setdefault(r.resident_id, [name, code, has_account, 0, 0.0])
        total[3] += 1
        total[4] += r.hours

    def view(a: OrganisationActivity) -> ActivityView:
        assert a.id is not None  # read from the database
        return ActivityView(
            id=a.id,
            title=a.title,
            description=a.description,
            place=a.place,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            capacity=a.capacity,
            cancelled_at=a.cancelled_at,
            cancelled_reason=a.cancelled_reason,
            signed_up=signed[a.id],
            attended=attended[a.id],
            hours=round(hours[a.id], 2),
            my_signup=a.id in my_signups,
            my_hours=my_hours.get(a.id),
            recordable=hours_recordable(a, now),
        )

    tz = ZoneInfo(timezone)
    by_month: dict[str, float] = {}
    for a in activities:
        assert a.id is not None  # read from the database
        if hours[a.id]:
            month = a.starts_at.astimezone(tz).strftime("%Y-%m")
            by_month[month] = by_month.get(month, 0.0) + hours[a.id]
    upcoming = [view(a) for a in activities if a.ends_at >= now]
    past = [view(a) for a in reversed(activities) if a.ends_at < now][:PAST_SHOWN]

    def member(m: OrganisationMember, name, code, has_account) -> MemberView:
        assert m.id is not None  # read from the database
        return MemberView(
            resident_id=m.resident_id,
            name=name or None,
            building=code,
            has_account=bool(has_account),
            request_id=m.id,
            role=m.role,
            status=m.status,
            message=m.message,
            since=m.decided_at or m.created_at,
        )

    total_hours = sum(r.hours for r, *_ in records)
    return OrganisationDetail(
        id=organisation.id,
        actor_id=actor.id,
        name=actor.name,
        kind=actor.kind,
        purpose=organisation.purpose,
        contact=organisation.contact,
        active=actor.active,
        members=len(accepted),
        coordinators=[n or None for n in coordinator_names],
        upcoming=sum(1 for a in upcoming if a.cancelled_at is None),
        hours=round(total_hours, 2),
        volunteers=len(by_person),
        upcoming_activities=upcoming,
        past_activities=past,
        hours_by_month=[{"month": m, "hours": round(h, 2)} for m, h in sorted(by_month.items())],
        my_status=mine.status if mine else None,
        my_role=mine.role if mine else None,
        coordinates=coordinates,
        pending=[member(*row) for row in memberships if row[0].status == MembershipStatus.REQUESTED]
        if coordinates
        else [],
        members_list=[
            member(*row) for row in memberships if row[0].status == MembershipStatus.ACCEPTED
        ]
        if coordinates
        else [],
        signups=[
            SignupView(
                activity_id=a,
                resident_id=rid,
                name=name or None,
                building=code,
                has_account=bool(acc),
            )
            for a, rid, name, code, acc in signups
        ]
        if coordinates
        else [],
        records=[
            RecordView(
                activity_id=r.activity_id,
                resident_id=r.resident_id,
                name=name or None,
                building=code,
                has_account=bool(acc),
                hours=r.hours,
                channel=r.channel,
            )
            for r, name, code, acc in records
        ]
        if coordinates
        else [],
        totals=sorted(
            (
                VolunteerTotal(
                    resident_id=rid,
                    name=v[0] or None,
                    building=v[1],
                    has_account=bool(v[2]),
                    activities=v[3],
                    hours=round(v[4], 2),
                )
                for rid, v in by_person.items()
            ),
            key=lambda v: (-v.hours, v.resident_id),
        )
        if coordinates
        else [],
    )


def find_people(
    *,
    actor: Principal,
    organisation_id: int,
    query: str,
    building: str | None = None,
    limit: int = 20,
) -> Sequence[Attendee]:
    """Roster residents a coordinator may record as having come in person. A coordinator who
    is not staff: those whose roster name is exactly `query` (spacing and letter case aside),
    in the building `building` (its code or name) when given; at most ATTENDEE_MATCHES, as
    Attendee (roster name and building). Staff: names containing the query, up to `limit`,
    as Person (with whether they have an account)."""
    require(actor, "organisation.coordinate")
    with read_session() as s:
        organisation = community_row(s, Organisation, organisation_id, actor)
        require_coordinator(s, organisation, actor)
        if can(actor, "organisation.manage"):
            return _search(s, actor.community_id, query, limit=limit, building=building)
        return _by_full_name(s, actor.community_id, query, building)


def _by_full_name(s, community_id: int | None, query, building) -> list[Attendee]:
    name = _normalised(query, 100)
    if not name or community_id is None:
        return []
    statement = (
        select(Resident.id, Resident.full_name, Building.code)
        .join(Building, col(Building.id) == col(Resident.building_id))
        .where(
            Resident.community_id == community_id,
            col(Resident.erased_at).is_(None),
            func.lower(Resident.full_name) == name.lower(),
        )
    )
    where = _normalised(building, 100)
    if where:
        statement = statement.where(
            (func.lower(Building.code) == where.lower()) | (Building.name == where)
        )
    rows = s.exec(
        statement.order_by(col(Building.code), col(Resident.id)).limit(ATTENDEE_MATCHES)
    ).all()
    return [
        Attendee(resident_id=rid, name=full_name, building=code) for rid, full_name, code in rows
    ]


def _normalised(text, max_len: int) -> str:
    """Typed text as names are stored: NFC, spacing collapsed; "" when not text or too long."""
    if not isinstance(text, str):
        return ""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if len(text) <= max_len else ""


def find_coordinator_candidates(*, actor: Principal, query: str, limit: int = 20) -> list[Person]:
    """Roster residents with an account whose name contains the query (staff appointing a
    coordinator)."""
    require(actor, "organisation.manage")
    with read_session() as s:
        return _search(s, actor.community_id, query, limit=limit, accounts_only=True)


def _search(
    s,
    community_id: int | None,
    query: str,
    *,
    limit: int,
    accounts_only: bool = False,
    building: str | None = None,
) -> list[Person]:
    query = (query or "").strip()[:40] if isinstance(query, str) else ""
    if not query or community_id is None:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = col(Resident.full_name).like(pattern, escape="\\") | col(User.display_name).like(
        pattern, escape="\\"
    )
    statement = _people(
        select(Resident.id, _name(), Building.code, col(User.id).is_not(None))
    ).where(Resident.community_id == community_id, col(Resident.erased_at).is_(None), matches)
    if accounts_only:
        statement = statement.where(col(User.id).is_not(None), col(User.active).is_(True))
    where = _normalised(building, 100)
    if where:
        statement = statement.where(
            (func.lower(Building.code) == where.lower()) | (Building.name == where)
        )
    rows = s.exec(statement.order_by(_name(), col(Resident.id)).limit(limit)).all()
    return [
        Person(resident_id=rid, name=name or None, building=code, has_account=bool(has_account))
        for rid, name, code, has_account in rows
    ]
