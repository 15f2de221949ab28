"""Seats at a hearing: those open to everyone (capacity minus the drawn panel's seats) and
the waitlist that fills them."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.hearings.lifecycle import RegistrationStatus
from core.participation import record_participation
from db.models import Hearing, HearingDraw, HearingRegistration, ParticipationEvent, User


def registration_of(s: Session, hearing_id: int, resident_id: int) -> HearingRegistration | None:
    return s.exec(
        select(HearingRegistration).where(
            HearingRegistration.hearing_id == hearing_id,
            HearingRegistration.resident_id == resident_id,
        )
    ).first()


def open_registrations(s: Session, hearing_id: int) -> int:
    """Seats taken by open registration (not through an invitation)."""
    return s.exec(
        select(func.count())
        .select_from(HearingRegistration)
        .where(
            HearingRegistration.hearing_id == hearing_id,
            HearingRegistration.status == RegistrationStatus.REGISTERED,
            col(HearingRegistration.by_invitation).is_(False),
        )
    ).one()


def panel_seats(s: Session, hearing_id: int) -> int:
    """Seats kept for the drawn panel (0 without a draw)."""
    return s.exec(select(HearingDraw.k).where(HearingDraw.hearing_id == hearing_id)).first() or 0


def open_seats_left(s: Session, hearing: Hearing) -> int | None:
    """Open seats still free; None when the hearing has no capacity."""
    if hearing.capacity is None:
        return None
    assert hearing.id is not None  # read from the database
    return hearing.capacity - panel_seats(s, hearing.id) - open_registrations(s, hearing.id)


def promote_waitlist(s: Session, hearing: Hearing) -> HearingRegistration | None:
    """Give a freed open seat to the first on the waitlist; returns that registration."""
    left = open_seats_left(s, hearing)
    if left is not None and left <= 0:
        return None
    promoted = s.exec(
        select(HearingRegistration)
        .where(
            HearingRegistration.hearing_id == hearing.id,
            HearingRegistration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(col(HearingRegistration.created_at), col(HearingRegistration.id))
    ).first()
    if promoted is not None:
        promoted.status = RegistrationStatus.REGISTERED
        s.flush()
    return promoted


def count_registration(
    s: Session, hearing: Hearing, resident_id: int, *, channel: str = "online"
) -> None:
    """A participation event for registering, once per resident and hearing however often
    they cancel and come back (or move from open registration onto the panel)."""
    if (
        s.exec(
            select(ParticipationEvent.id).where(
                ParticipationEvent.kind == "hearing_registration",
                ParticipationEvent.resident_id == resident_id,
                ParticipationEvent.object_type == "hearing",
                ParticipationEvent.object_id == hearing.id,
            )
        ).first()
        is not None
    ):
        return
    user_id = s.exec(select(User.id).where(User.resident_id == resident_id)).first()
    record_participation(
        s,
        community_id=hearing.community_id,
        kind="hearing_registration",
        resident_id=resident_id,
        user_id=user_id,
        channel=channel,
        object_type="hearing",
        object_id=hearing.id,
    )
