"""Hearing commands. Moderators create hearings, move them along their lifecycle, check
people in at the door or online, and publish minutes with an outcome per linked proposal;
residents register (or join the waitlist), cancel, and submit written statements.

Attendance and registrations are per roster resident, so someone without an account who
comes to the hall counts exactly like an account holder in every statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, select

from core.audit import record
from core.errors import Conflict, InvalidInput
from core.hearings import lifecycle
from core.hearings.invitations import invitation_of, take_panel_seat
from core.hearings.lifecycle import HearingStatus, InvitationStatus, RegistrationStatus
from core.hearings.seats import (
    count_registration,
    open_seats_left,
    promote_waitlist,
    registration_of,
)
from core.participation import record_participation
from core.permissions import require
from core.principal import Principal
from core.proposals import lifecycle as proposal_lifecycle
from core.proposals.commands import move_proposal, proposal_for_update
from core.proposals.lifecycle import Mover, ProposalStatus
from core.rows import community_choice, community_row_for_update
from core.text import aware_datetime, clean_text, is_whole_number
from db.engine import write_session
from db.models import (
    Building,
    Hearing,
    HearingAttendance,
    HearingProposal,
    HearingRegistration,
    Proposal,
    Resident,
)
from db.models.base import utcnow
from db.models.hearings import AUDIENCES, CHANNELS, HEARING_KINDS

MAX_CAPACITY = 10_000


def hearing_for_update(s: Session, hearing_id, actor: Principal) -> Hearing:
    return community_row_for_update(s, Hearing, hearing_id, actor)


def _linked_proposals(s: Session, hearing: Hearing, actor: Principal) -> list[Proposal]:
    """The hearing's proposals, each locked for the move its lifecycle may make (in id
    order, so that two hearings sharing proposals never wait for each other in a circle)."""
    ids = sorted(
        s.exec(
            select(HearingProposal.proposal_id).where(HearingProposal.hearing_id == hearing.id)
        ).all()
    )
    return [proposal_for_update(s, proposal_id, actor) for proposal_id in ids]


def create_hearing(
    *,
    actor: Principal,
    kind: str,
    title: str,
    description: str = "",
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None = None,
    online_url: str | None = None,
    capacity: int | None = None,
    registration_deadline: datetime | None = None,
    audience: str = "community",
    building_id: int | None = None,
    proposal_ids: Sequence[int] = (),
) -> int:
    """A hearing in draft; returns its id. Times are aware datetimes."""
    require(actor, "hearing.manage")
    if kind not in HEARING_KINDS:
        raise InvalidInput("field.not_a_choice", field="hearing_kind")
    if audience not in AUDIENCES:
        raise InvalidInput("field.not_a_choice", field="audience")
    title = clean_text(title, field="title", max_len=120, min_len=4)
    description = (
        clean_text(description, field="description", max_len=10_000, multiline=True, required=False)
        or ""
    )
    place = clean_text(place, field="place", max_len=200, required=False)
    online_url = clean_text(online_url, field="online_url", max_len=500, required=False)
    if online_url and not online_url.lower().startswith(("https://", "http://")):
        raise InvalidInput("hearing.bad_url", field="online_url")
    if not place and not online_url:
        raise InvalidInput("hearing.place_or_link", field="place")
    starts_at = aware_datetime(starts_at, field="starts_at")
    ends_at = aware_datetime(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise InvalidInput("hearing.ends_before_start", field="ends_at")
    if registration_deadline is not None:
        registration_deadline = aware_datetime(registration_deadline, field="registration_deadline")
        if registration_deadline > starts_at:
            raise InvalidInput("hearing.deadline_after_start", field="registration_deadline")
    if capacity is not None and (
        not is_whole_number(capacity) or not 1 <= capacity <= MAX_CAPACITY
    ):
        raise InvalidInput("field.out_of_range", field="capacity", min=1, max=MAX_CAPACITY)
    if audience == "building" and building_id is None:
        raise InvalidInput("field.required", field="building")
    assert actor.community_id is not None and actor.user_id is not None  # staff, signed in
    with write_session() as s:
        if building_id is not None:
            community_choice(s, Building, building_id, actor, field="building")
        hearing = Hearing(
            community_id=actor.community_id,
            kind=kind,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            online_url=online_url,
            capacity=capacity,
            registration_deadline=registration_deadline,
            audience=audience,
            building_id=building_id if audience == "building" else None,
            created_by=actor.user_id,
        )
        s.add(hearing)
        s.flush()
        assert hearing.id is not None  # flushed
        for proposal_id in dict.fromkeys(proposal_ids):
            proposal = community_choice(s, Proposal, proposal_id, actor, field="proposals")
            s.add(HearingProposal(hearing_id=hearing.id, proposal_id=proposal.id))
        record(
            s,
            actor=actor,
            action="hearing.create",
            object_type="hearing",
            object_id=hearing.id,
            payload={"kind": kind, "title": title},
        )
        return hearing.id


def move_hearing(
    *, actor: Principal, hearing_id: int, to_status: str, reason: str | None = None
) -> None:
    """Open or close registration, mark the hearing held, or cancel it (with a reason)."""
    require(actor, "hearing.manage")
    if to_status == HearingStatus.MINUTES_PUBLISHED:
        raise Conflict("hearing.use_publish_minutes")
    reason = clean_text(
        reason,
        field="reason",
        max_len=1000,
        multiline=True,
        required=to_status == HearingStatus.CANCELLED,
    )
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        if not lifecycle.can_move(hearing.status, to_status):
            raise Conflict("hearing.illegal_transition", **{"from": hearing.status}, to=to_status)
        previous = hearing.status
        hearing.status = HearingStatus(to_status)
        if to_status == HearingStatus.CANCELLED:
            hearing.cancel_reason = reason
        if to_status == HearingStatus.OPEN:
            # Opening makes the linked proposals open for discussion "in hearing" while they
            # are being discussed; the others stay where they are.
            for proposal in _linked_proposals(s, hearing, actor):
                if proposal_lifecycle.can_move(
                    proposal.status, ProposalStatus.IN_HEARING, by=Mover.HEARING
                ):
                    move_proposal(
                        s, proposal, ProposalStatus.IN_HEARING, actor=actor, by=Mover.HEARING
                    )
        record(
            s,
            actor=actor,
            action="hearing.move",
            object_type="hearing",
            object_id=hearing.id,
            payload={"from": previous, "to": to_status},
        )


def _in_scope(hearing: Hearing, resident: Resident) -> bool:
    return hearing.audience != "building" or resident.building_id == hearing.building_id


def register_for_hearing(*, actor: Principal, hearing_id: int) -> str:
    """Take a place, or join the waitlist when the hearing is full; returns the status."""
    require(actor, "hearing.register")
    if actor.resident_id is None:
        raise Conflict("hearing.no_resident")
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        assert hearing.id is not None  # read from the database
        if hearing.status not in lifecycle.REGISTRATION_OPEN:
            raise Conflict("hearing.registration_closed")
        if hearing.registration_deadline and utcnow() > hearing.registration_deadline:
            raise Conflict("hearing.deadline_passed")
        if hearing.audience == "invited":
            raise Conflict("hearing.invitation_only")
        resident = s.get(Resident, actor.resident_id)
        if resident is None or resident.id is None:
            raise Conflict("hearing.no_resident")
        if not _in_scope(hearing, resident):
            raise Conflict("hearing.out_of_scope")
        existing = registration_of(s, hearing.id, resident.id)
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            raise Conflict("hearing.already_registered")
        left = open_seats_left(s, hearing)
        full = left is not None and left <= 0
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED
        if existing is None:
            existing = HearingRegistration(hearing_id=hearing.id, resident_id=resident.id)
            s.add(existing)
        existing.status, existing.cancelled_at, existing.created_at = status, None, utcnow()
        existing.by_invitation = False
        s.flush()
        count_registration(s, hearing, resident.id)
        record(
            s,
            actor=actor,
            action="hearing.register",
            object_type="hearing",
            object_id=hearing.id,
            payload={"status": status},
        )
        return status


def cancel_registration(*, actor: Principal, hearing_id: int) -> None:
    """Give up one's place; the first on the waitlist takes it. An invitee giving up a panel
    seat declines the invitation (the seat stays with the panel, for a replacement)."""
    require(actor, "hearing.register")
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        if hearing.status not in lifecycle.UPCOMING:
            raise Conflict("hearing.registration_closed")
        row = s.exec(
            select(HearingRegistration).where(
                HearingRegistration.hearing_id == hearing.id,
                HearingRegistration.resident_id == actor.resident_id,
                HearingRegistration.status != RegistrationStatus.CANCELLED,
            )
        ).first()
        if row is None:
            raise Conflict("hearing.not_registered")
        had_open_place = row.status == RegistrationStatus.REGISTERED and not row.by_invitation
        row.status, row.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
        if row.by_invitation:
            # row.resident_id is the actor's (the query matched it), typed as stored.
            invitation = invitation_of(s, row.hearing_id, row.resident_id)
            if invitation is not None and invitation.status == InvitationStatus.ACCEPTED:
                invitation.status = InvitationStatus.DECLINED
                invitation.answered_at, invitation.answered_by = utcnow(), actor.user_id
        s.flush()
        promoted = promote_waitlist(s, hearing) if had_open_place else None
        record(
            s,
            actor=actor,
            action="hearing.cancel_registration",
            object_type="hearing",
            object_id=hearing.id,
            payload={"promoted_resident": promoted.resident_id if promoted else None},
        )


def submit_statement(*, actor: Principal, hearing_id: int, text: str) -> None:
    """A registered resident's written statement, before the hearing is held."""
    require(actor, "hearing.register")
    text = clean_text(text, field="statement", max_len=10_000, min_len=10, multiline=True)
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        if hearing.status not in lifecycle.UPCOMING:
            raise Conflict("hearing.statements_closed")
        row = s.exec(
            select(HearingRegistration).where(
                HearingRegistration.hearing_id == hearing.id,
                HearingRegistration.resident_id == actor.resident_id,
                HearingRegistration.status == RegistrationStatus.REGISTERED,
            )
        ).first()
        if row is None:
            raise Conflict("hearing.not_registered")
        first = row.statement is None
        row.statement = text
        if first:
            record_participation(
                s,
                community_id=hearing.community_id,
                kind="statement",
                resident_id=actor.resident_id,
                user_id=actor.user_id,
                object_type="hearing",
                object_id=hearing.id,
            )
        record(
            s, actor=actor, action="hearing.statement", object_type="hearing", object_id=hearing.id
        )


def check_in(*, actor: Principal, hearing_id: int, resident_id: int, channel: str) -> None:
    """Record that a roster resident attended, at the door (offline) or online.

    When the hearing has a capacity, only registered residents are let in; checking someone
    in twice is refused.
    """
    require(actor, "hearing.manage")
    if channel not in CHANNELS:
        raise InvalidInput("field.not_a_choice", field="channel")
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        if hearing.status not in lifecycle.CHECK_IN:
            raise Conflict("hearing.check_in_closed")
        resident = s.get(Resident, resident_id) if isinstance(resident_id, int) else None
        if resident is None or resident.community_id != hearing.community_id:
            raise InvalidInput("hearing.not_a_resident", field="resident")
        assert hearing.id is not None and resident.id is not None  # read from the database
        if (
            s.exec(
                select(HearingAttendance.id).where(
                    HearingAttendance.hearing_id == hearing.id,
                    HearingAttendance.resident_id == resident.id,
                )
            ).first()
            is not None
        ):
            raise Conflict("hearing.already_checked_in")
        invitation = invitation_of(s, hearing.id, resident.id)
        if invitation is not None and invitation.status in lifecycle.INVITATION_DECLINABLE:
            # An invitee is let in even without having answered: coming is accepting.
            take_panel_seat(s, hearing, resident.id, channel=channel)
            invitation.status = InvitationStatus.ATTENDED
        elif hearing.capacity is not None or hearing.audience == "invited":
            registration = registration_of(s, hearing.id, resident.id)
            if registration is None or registration.status != RegistrationStatus.REGISTERED:
                raise Conflict("hearing.registration_required")
        s.add(
            HearingAttendance(
                hearing_id=hearing.id,
                resident_id=resident.id,
                channel=channel,
                checked_in_by=actor.user_id,
            )
        )
        record_participation(
            s,
            community_id=hearing.community_id,
            kind="attendance",
            resident_id=resident.id,
            channel=channel,
            object_type="hearing",
            object_id=hearing.id,
        )
        record(
            s,
            actor=actor,
            action="hearing.check_in",
            object_type="hearing",
            object_id=hearing.id,
            payload={"resident": resident.id, "channel": channel},
        )


def publish_minutes(
    *,
    actor: Principal,
    hearing_id: int,
    minutes: str,
    outcomes: dict[int, tuple[str, str | None]] | None = None,
) -> None:
    """Publish the minutes (Markdown) of a held hearing with an outcome per linked proposal,
    which moves those proposals along their lifecycle (a rejection needs a reason)."""
    require(actor, "hearing.manage")
    minutes = clean_text(minutes, field="minutes", max_len=100_000, min_len=10, multiline=True)
    outcomes = outcomes or {}
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        if not lifecycle.can_move(hearing.status, HearingStatus.MINUTES_PUBLISHED):
            raise Conflict(
                "hearing.illegal_transition",
                **{"from": hearing.status},
                to=HearingStatus.MINUTES_PUBLISHED,
            )
        links = {
            link.proposal_id: link
            for link in s.exec(
                select(HearingProposal).where(HearingProposal.hearing_id == hearing.id)
            ).all()
        }
        unknown = set(outcomes) - set(links)
        if unknown:
            raise InvalidInput("field.not_a_choice", field="proposals")
        proposals = {p.id: p for p in _linked_proposals(s, hearing, actor)}
        for proposal_id, (outcome, reason) in outcomes.items():
            if outcome not in lifecycle.OUTCOMES:
                raise InvalidInput("field.not_a_choice", field="outcome")
            target = lifecycle.OUTCOMES[outcome]
            reason = clean_text(
                reason,
                field="reason",
                max_len=2000,
                multiline=True,
                required=target in proposal_lifecycle.REASON_REQUIRED,
            )
            link = links[proposal_id]
            link.outcome, link.outcome_reason = outcome, reason
            proposal = proposals[proposal_id]
            # Through the proposal's own gate, as far as its lifecycle lets a hearing take
            # it: one already decided (in progress, implemented...) stays where it is.
            if target and proposal_lifecycle.can_move(proposal.status, target, by=Mover.HEARING):
                move_proposal(s, proposal, target, actor=actor, by=Mover.HEARING, reason=reason)
        hearing.minutes_md = minutes
        hearing.minutes_published_at = utcnow()
        hearing.status = HearingStatus.MINUTES_PUBLISHED
        record(
            s,
            actor=actor,
            action="hearing.publish_minutes",
            object_type="hearing",
            object_id=hearing.id,
            payload={"outcomes": {str(k): v[0] for k, v in outcomes.items()}},
        )
