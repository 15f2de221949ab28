"""Reading hearings: the list, one hearing in full, and roster look-up for check-in."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, computed_field
from sqlalchemy import func
from sqlmodel import col, select

from core.hearings import lifecycle
from core.hearings.lifecycle import HearingStatus, RegistrationStatus
from core.permissions import can, require
from core.principal import Principal
from core.rows import stored_id
from db.engine import read_session
from db.models import (
    Building,
    Hearing,
    HearingAttendance,
    HearingDraw,
    HearingInvitation,
    HearingProposal,
    HearingRegistration,
    Proposal,
    Resident,
    Testimony,
    User,
)


class HearingSummary(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    capacity: int | None
    registered: int
    attended: int

    # What the lifecycle says about the status, so that pages ask instead of comparing.
    # mypy does not support decorators on a property (python/mypy#1362); pydantic's
    # docs say to ignore that on @computed_field.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def upcoming(self) -> bool:
        """Announced and not held yet: registrants may cancel and write statements, and
        invitees answer."""
        return self.status in lifecycle.UPCOMING

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cancelled(self) -> bool:
        return self.status == HearingStatus.CANCELLED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def check_in_open(self) -> bool:
        return self.status in lifecycle.CHECK_IN

    @computed_field  # type: ignore[prop-decorator]
    @property
    def speaking_open(self) -> bool:
        """The speaker list takes sign-ups and runs its turns."""
        return self.status in lifecycle.SPEAKING

    @computed_field  # type: ignore[prop-decorator]
    @property
    def draw_open(self) -> bool:
        """A panel, or a replacement for a declined invitee, can be drawn by lot."""
        return self.status in lifecycle.DRAW_OPEN

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recordable(self) -> bool:
        """Held: its minutes and outcomes can be recorded and published."""
        return lifecycle.can_move(self.status, HearingStatus.MINUTES_PUBLISHED)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def moderator_moves(self) -> list[str]:
        """The statuses the moderator's desk offers next (the minutes have their own form)."""
        return [
            m for m in lifecycle.MOVES.get(self.status, ()) if m != HearingStatus.MINUTES_PUBLISHED
        ]


def list_hearings(*, community_id: int, include_drafts: bool = False) -> list[HearingSummary]:
    """Hearings, upcoming first then past (newest first), with registration counts."""
    with read_session() as s:
        registered = (
            select(HearingRegistration.hearing_id, func.count().label("n"))
            .where(HearingRegistration.status == RegistrationStatus.REGISTERED)
            .group_by(col(HearingRegistration.hearing_id))
            .subquery()
        )
        attended = (
            select(HearingAttendance.hearing_id, func.count().label("n"))
            .group_by(col(HearingAttendance.hearing_id))
            .subquery()
        )
        query = (
            select(Hearing, func.coalesce(registered.c.n, 0), func.coalesce(attended.c.n, 0))
            .join(registered, registered.c.hearing_id == Hearing.id, isouter=True)
            .join(attended, attended.c.hearing_id == Hearing.id, isouter=True)
            .where(Hearing.community_id == community_id)
        )
        if not include_drafts:
            query = query.where(Hearing.status != HearingStatus.DRAFT)
        rows = s.exec(query.order_by(col(Hearing.starts_at).desc())).all()
    items = [
        HearingSummary(
            id=stored_id(h.id),
            kind=h.kind,
            title=h.title,
            status=h.status,
            starts_at=h.starts_at,
            ends_at=h.ends_at,
            place=h.place,
            capacity=h.capacity,
            registered=r,
            attended=a,
        )
        for h, r, a in rows
    ]
    return items


class LinkedProposal(BaseModel):
    proposal_id: int
    title: str
    status: str
    outcome: str | None
    outcome_reason: str | None


class Registrant(BaseModel):
    resident_id: int
    name: str
    building: str
    status: str
    has_account: bool
    statement: str | None
    attended: str | None  # channel, when checked in


class Speaker(BaseModel):
    id: int
    name: str
    role: str
    position: str
    turn_order: int | None
    started_at: datetime | None
    seconds: int | None
    summary: str | None
    resident_id: int | None


class DrawSummary(BaseModel):
    """The public facts of a hearing's sortition draw (anyone can see them)."""

    k: int
    seed: str
    consenting_only: bool
    quotas: dict[str, dict[str, list[int]]]
    pool_size: int
    pool_digest: str
    minimum_probability: float
    strata: dict[str, dict[str, float]]  # stratum -> {"pool": n, "probability": p}
    created_at: datetime


class InvitationRow(BaseModel):
    id: int
    resident_id: int
    name: str
    building: str
    unit: str | None
    stratum: str
    status: str
    has_account: bool
    replaces_id: int | None
    replaced: bool  # a replacement has been drawn for this (declined) invitation
    answered_at: datetime | None

    # The ignores on @computed_field: see HearingSummary.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def acceptable(self) -> bool:
        """Can still be accepted (a declined seat only while nobody has replaced it)."""
        return self.status in lifecycle.INVITATION_ACCEPTABLE and not self.replaced

    @computed_field  # type: ignore[prop-decorator]
    @property
    def declinable(self) -> bool:
        return self.status in lifecycle.INVITATION_DECLINABLE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def replaceable(self) -> bool:
        """Declined, and no replacement drawn yet."""
        return self.status == lifecycle.InvitationStatus.DECLINED and not self.replaced


class HearingDetail(HearingSummary):
    description: str
    online_url: str | None
    audience: str
    building: str | None
    registration_deadline: datetime | None
    minutes_md: str | None
    minutes_published_at: datetime | None
    cancel_reason: str | None
    waitlisted: int
    proposals: list[LinkedProposal]
    my_status: str | None  # registered / waitlisted / cancelled / None
    my_statement: str | None
    speakers: list[Speaker]  # the speaker list, in turn order (public)
    registrants: list[Registrant]  # filled for moderators only
    walk_ins: list[Registrant]  # attended without registering (moderators only)
    draw: DrawSummary | None  # the sortition draw, if any (public)
    invitations: list[InvitationRow]  # moderators only
    my_invitation: str | None  # the viewer's invitation status, if invited

    # The ignores on @computed_field: see HearingSummary.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def registration_open(self) -> bool:
        """Residents may register themselves (not for a hearing by invitation only)."""
        return self.status in lifecycle.REGISTRATION_OPEN and self.audience != "invited"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def has_place(self) -> bool:
        """The viewer holds a place: a seat, or one on the waitlist."""
        return self.my_status in lifecycle.HOLDS_PLACE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def has_seat(self) -> bool:
        """The viewer is registered with a seat (may write a statement, ask to speak)."""
        return self.my_status == RegistrationStatus.REGISTERED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def can_accept_invitation(self) -> bool:
        return self.my_invitation in lifecycle.INVITATION_ACCEPTABLE

    @computed_field  # type: ignore[prop-decorator]
    @property
    def can_decline_invitation(self) -> bool:
        return self.my_invitation in lifecycle.INVITATION_DECLINABLE


class RosterMatch(BaseModel):
    resident_id: int
    name: str
    building: str
    unit: str | None
    has_account: bool


def get_hearing(*, viewer: Principal, hearing_id: int) -> HearingDetail | None:
    """One hearing with its linked proposals, the viewer's registration, and (for
    moderators) who registered and who attended."""
    moderator = can(viewer, "hearing.manage")
    with read_session() as s:
        hearing = s.get(Hearing, hearing_id) if isinstance(hearing_id, int) else None
        if (
            hearing is None
            or hearing.community_id != viewer.community_id
            or (hearing.status == HearingStatus.DRAFT and not moderator)
        ):
            return None
        assert hearing.id is not None  # read from the database
        counts = dict(
            s.exec(
                select(HearingRegistration.status, func.count())
                .where(HearingRegistration.hearing_id == hearing.id)
                .group_by(HearingRegistration.status)
            ).all()
        )
        attendance = dict(
            s.exec(
                select(HearingAttendance.resident_id, HearingAttendance.channel).where(
                    HearingAttendance.hearing_id == hearing.id
                )
            ).all()
        )
        links = s.exec(
            select(HearingProposal, Proposal.title, Proposal.status)
            .join(Proposal, col(Proposal.id) == HearingProposal.proposal_id)
            .where(HearingProposal.hearing_id == hearing.id)
        ).all()
        mine = (
            s.exec(
                select(HearingRegistration).where(
                    HearingRegistration.hearing_id == hearing.id,
                    HearingRegistration.resident_id == viewer.resident_id,
                )
            ).first()
            if viewer.resident_id
            else None
        )
        building = s.get(Building, hearing.building_id) if hearing.building_id else None
        speakers = [
            Speaker(
                id=stored_id(t.id),
                name=t.speaker_name,
                role=t.speaker_role,
                position=t.position,
                turn_order=t.turn_order,
                started_at=t.started_at,
                seconds=t.seconds_spoken,
                summary=t.summary,
                resident_id=t.resident_id,
            )
            for t in s.exec(
                select(Testimony)
                .where(Testimony.hearing_id == hearing.id)
                .order_by(col(Testimony.turn_order), col(Testimony.id))
            )
        ]
        draw = _draw_summary(s, hearing.id)
        invitations = _invitations(s, hearing.id) if moderator and draw else []
        my_invitation = (
            s.exec(
                select(HearingInvitation.status).where(
                    HearingInvitation.hearing_id == hearing.id,
                    HearingInvitation.resident_id == viewer.resident_id,
                )
            ).first()
            if viewer.resident_id
            else None
        )
        registrants, walk_ins = [], []
        if moderator:
            accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
            rows = s.exec(
                select(HearingRegistration, Resident, Building.code, col(Resident.id).in_(accounts))
                .join(Resident, col(Resident.id) == HearingRegistration.resident_id)
                .join(Building, col(Building.id) == Resident.building_id)
                .where(HearingRegistration.hearing_id == hearing.id)
                .order_by(col(HearingRegistration.created_at))
            ).all()
            registered_ids = set()
            for registration, resident, code, has_account in rows:
                assert resident.id is not None  # read from the database
                registered_ids.add(resident.id)
                registrants.append(
                    Registrant(
                        resident_id=resident.id,
                        name=resident.full_name,
                        building=code,
                        status=registration.status,
                        has_account=bool(has_account),
                        statement=registration.statement,
                        attended=attendance.get(resident.id),
                    )
                )
            others = [rid for rid in attendance if rid not in registered_ids]
            if others:
                for resident, code, has_account in s.exec(
                    select(Resident, Building.code, col(Resident.id).in_(accounts))
                    .join(Building, col(Building.id) == Resident.building_id)
                    .where(col(Resident.id).in_(others))
                ).all():
                    assert resident.id is not None  # read from the database
                    walk_ins.append(
                        Registrant(
                            resident_id=resident.id,
                            name=resident.full_name,
                            building=code,
                            status="walk_in",
                            has_account=bool(has_account),
                            statement=None,
                            attended=attendance.get(resident.id),
                        )
                    )
    return HearingDetail(
        id=hearing.id,
        kind=hearing.kind,
        title=hearing.title,
        status=hearing.status,
        starts_at=hearing.starts_at,
        ends_at=hearing.ends_at,
        place=hearing.place,
        capacity=hearing.capacity,
        registered=counts.get(RegistrationStatus.REGISTERED, 0),
        attended=len(attendance),
        description=hearing.description,
        online_url=hearing.online_url,
        audience=hearing.audience,
        building=building.name if building else None,
        registration_deadline=hearing.registration_deadline,
        minutes_md=hearing.minutes_md,
        minutes_published_at=hearing.minutes_published_at,
        cancel_reason=hearing.cancel_reason,
        waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0),
        proposals=[
            LinkedProposal(
                proposal_id=link.proposal_id,
                title=title,
                status=status,
                outcome=link.outcome,
                outcome_reason=link.outcome_reason,
            )
            for link, title, status in links
        ],
        my_status=mine.status if mine else None,
        my_statement=mine.statement if mine else None,
        speakers=speakers,
        registrants=registrants,
        walk_ins=walk_ins,
        draw=draw,
        invitations=invitations,
        my_invitation=my_invitation,
    )


def _draw_summary(s, hearing_id: int) -> DrawSummary | None:
    draw = s.exec(select(HearingDraw).where(HearingDraw.hearing_id == hearing_id)).first()
    if draw is None:
        return None
    strata = json.loads(draw.strata)
    return DrawSummary(
        k=draw.k,
        seed=draw.seed,
        consenting_only=draw.consenting_only,
        quotas=json.loads(draw.quotas),
        pool_size=sum(int(v["pool"]) for v in strata.values()),
        pool_digest=draw.pool_digest,
        minimum_probability=draw.minimum_probability,
        strata=strata,
        created_at=draw.created_at,
    )


def _invitations(s, hearing_id: int) -> list[InvitationRow]:
    accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
    replaced = set(
        s.exec(
            select(HearingInvitation.replaces_id).where(
                HearingInvitation.hearing_id == hearing_id,
                col(HearingInvitation.replaces_id).is_not(None),
            )
        ).all()
    )
    rows = s.exec(
        select(HearingInvitation, Resident, Building.code, col(Resident.id).in_(accounts))
        .join(Resident, col(Resident.id) == HearingInvitation.resident_id)
        .join(Building, col(Building.id) == Resident.building_id)
        .where(HearingInvitation.hearing_id == hearing_id)
        .order_by(col(HearingInvitation.id))
    ).all()
    return [
        InvitationRow(
            id=inv.id,
            resident_id=r.id,
            name=r.full_name,
            building=code,
            unit=r.unit,
            stratum=inv.stratum,
            status=inv.status,
            has_account=bool(has_account),
            replaces_id=inv.replaces_id,
            replaced=inv.id in replaced,
            answered_at=inv.answered_at,
        )
        for inv, r, code, has_account in rows
    ]


def find_residents(*, actor: Principal, query: str, limit: int = 20) -> list[RosterMatch]:
    """Roster residents whose name or unit contains the query, for check-in at the door."""
    require(actor, "hearing.manage")
    query = (query or "").strip()[:40]
    if not query:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with read_session() as s:
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        rows = s.exec(
            select(Resident, Building.code, col(Resident.id).in_(accounts))
            .join(Building, col(Building.id) == Resident.building_id)
            .where(
                Resident.community_id == actor.community_id,
                col(Resident.full_name).like(pattern, escape="\\")
                | col(Resident.unit).like(pattern, escape="\\"),
            )
            .order_by(col(Resident.full_name))
            .limit(limit)
        ).all()
    return [
        RosterMatch(
            resident_id=stored_id(r.id),
            name=r.full_name,
            building=code,
            unit=r.unit,
            has_account=bool(has_account),
        )
        for r, code, has_account in rows
    ]


class PendingInvitation(BaseModel):
    hearing_id: int
    title: str
    starts_at: datetime
    status: str

    # The ignores on @computed_field: see HearingSummary.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def pending(self) -> bool:
        """Still to come: invited, or accepted (not declined, not attended yet)."""
        return self.status in lifecycle.INVITATION_DECLINABLE


def my_invitations(*, viewer: Principal) -> list[PendingInvitation]:
    """The viewer's invitations to hearings that can still be answered or attended."""
    if viewer.resident_id is None:
        return []
    with read_session() as s:
        rows = s.exec(
            select(Hearing, HearingInvitation.status)
            .join(HearingInvitation, col(HearingInvitation.hearing_id) == Hearing.id)
            .where(
                HearingInvitation.resident_id == viewer.resident_id,
                Hearing.community_id == viewer.community_id,
                col(Hearing.status).in_(lifecycle.UPCOMING),
            )
            .order_by(col(Hearing.starts_at))
        ).all()
    return [
        PendingInvitation(
            hearing_id=stored_id(h.id), title=h.title, starts_at=h.starts_at, status=status
        )
        for h, status in rows
    ]
