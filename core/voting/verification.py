"""Verifying residents, so that only real residents vote, each once.

One person is one roster row. A moderator issues one-time activation codes for a building's
roster residents (printed and handed out); a resident who signed up online enters theirs,
which links the account to the roster row. Or a moderator confirms a self-registered resident
(they checked the address) by choosing the roster row that is this person, among the rows of
the same building whose name or flat match. Either way the account's placeholder row is merged
into the roster row, so an account and a paper ballot for the same person meet on one roll
entry. Codes are stored hashed; issuing again replaces a resident's unused code.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import require
from core.principal import Principal
from core.rows import community_choice, stored_id
from core.text import is_whole_number
from core.voting.codes import code_hash, identity_name, identity_unit, new_code
from core.voting.eligibility import is_verified, verified_clause
from db.engine import read_session, write_session
from db.models import (
    ActivationCode,
    Ballot,
    Building,
    HearingAttendance,
    HearingInvitation,
    HearingRegistration,
    ParticipationEvent,
    Resident,
    Support,
    Testimony,
    User,
    VoterRoll,
)
from db.models.base import table_of, utcnow


class IssuedCode(BaseModel):
    resident_id: int
    name: str
    unit: str | None
    code: str


def issue_activation_codes(
    *, actor: Principal, building_id: int, progress=None
) -> list[IssuedCode]:
    """New codes for every roster resident of the building who has no account yet (shown
    once, for printing)."""
    require(actor, "resident.verify")
    assert actor.community_id is not None and actor.user_id is not None  # staff, signed in
    with write_session() as s:
        building = community_choice(s, Building, building_id, actor, field="building")
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        residents = s.exec(
            select(Resident)
            .where(
                Resident.building_id == building.id,
                Resident.source == "roster",
                col(Resident.id).not_in(accounts),
            )
            .order_by(col(Resident.unit), col(Resident.full_name))
        ).all()
        ids = [r.id for r in residents]
        if ids:
            s.execute(
                table_of(ActivationCode)
                .delete()
                .where(
                    col(ActivationCode.resident_id).in_(ids), col(ActivationCode.used_at).is_(None)
                )
            )
        issued = []
        for index, resident in enumerate(residents):
            code = new_code(5, 5)
            s.add(
                ActivationCode(
                    community_id=actor.community_id,
                    resident_id=stored_id(resident.id),
                    code_hash=code_hash(code),
                    issued_by=actor.user_id,
                )
            )
            issued.append(
                IssuedCode(
                    resident_id=stored_id(resident.id),
                    name=resident.full_name,
                    unit=resident.unit,
                    code=code,
                )
            )
            if progress and index % 50 == 0:
                progress((index + 1) / len(residents))
        record(
            s,
            actor=actor,
            action="resident.issue_codes",
            object_type="building",
            object_id=building.id,
            payload={"codes": len(issued)},
        )
        return issued


def redeem_activation_code(*, actor: Principal, code: str) -> None:
    """Link one's account to the roster row the code was issued for. What the account did
    before (registrations, attendance, speaking, participation) moves to that row."""
    require(actor, "account.activate", actor.user_id)
    with write_session() as s:
        row = s.exec(
            select(ActivationCode).where(ActivationCode.code_hash == code_hash(code or ""))
        ).first()
        if row is None or row.used_at is not None or row.community_id != actor.community_id:
            raise InvalidInput("verification.bad_code", field="activation_code")
        user = s.get(User, actor.user_id)
        assert user is not None  # the signed-in actor's own account
        old = s.get(Resident, user.resident_id) if user.resident_id else None
        if old is not None and is_verified(old):
            raise Conflict("verification.already_verified")
        roster = s.get(Resident, row.resident_id)
        assert roster is not None  # the code's roster row (a foreign key)
        _link(s, user, old, roster)
        row.used_at, row.used_by = utcnow(), user.id
        record(s, actor=actor, action="resident.activate", object_type="user", object_id=user.id)


def _link(s: Session, user: User, old: Resident | None, roster: Resident) -> None:
    """Make `roster` the account's row: the placeholder's rows move onto it. Refused when the
    roster row has an account already, or when both rows are on the roll of one poll (they
    would be one person with two votes; nothing says which poll, or how either voted)."""
    if s.exec(select(User.id).where(User.resident_id == roster.id)).first():
        raise Conflict("verification.roster_row_taken")
    if old is not None:
        both = select(VoterRoll.poll_id).where(VoterRoll.resident_id == roster.id)
        if s.exec(
            select(VoterRoll.id).where(
                VoterRoll.resident_id == old.id, col(VoterRoll.poll_id).in_(both)
            )
        ).first():
            raise Conflict("verification.voted_twice")
    user.resident_id = None
    s.flush()
    if old is not None:
        _merge_into(s, old, roster)
    user.resident_id = roster.id
    roster.verified_at = utcnow()
    try:  # another account was linked to the row at the same instant (a unique key)
        s.flush()
    except IntegrityError:
        raise Conflict("verification.roster_row_taken") from None


def _merge_into(s: Session, old: Resident, roster: Resident) -> None:
    """Move a self-registered placeholder's rows onto the roster row, then delete it."""
    # One row per person and hearing, proposal or poll: where both have one, the roster's
    # stays (a placeholder is unverified, so it never voted or was drawn by lot).
    for model, per in (
        (HearingRegistration, "hearing_id"),
        (HearingAttendance, "hearing_id"),
        (HearingInvitation, "hearing_id"),
        (Support, "proposal_id"),
        (VoterRoll, "poll_id"),
    ):
        column = getattr(model, per)
        taken = select(column).where(col(model.resident_id) == roster.id)
        s.execute(
            table_of(model).delete().where(col(model.resident_id) == old.id, column.in_(taken))
        )
        s.execute(
            update(model).where(col(model.resident_id) == old.id).values(resident_id=roster.id)
        )
    for moved in (Testimony, ParticipationEvent, Ballot):
        s.execute(
            update(moved).where(col(moved.resident_id) == old.id).values(resident_id=roster.id)
        )
    # The person's own choices go with them.
    roster.research_consent = old.research_consent
    roster.research_consent_at = old.research_consent_at
    roster.invitation_consent = old.invitation_consent
    s.flush()
    s.delete(old)


class RosterCandidate(BaseModel):
    resident_id: int
    name: str
    unit: str | None
    same_name: bool
    same_unit: bool


def _candidates(s: Session, placeholder: Resident) -> list[Resident]:
    """Roster rows of the placeholder's building, without an account and not erased, whose
    name or flat is the placeholder's (compared as the voter pseudonym compares them), the
    closest matches first."""
    name, unit = identity_name(placeholder.full_name), identity_unit(placeholder.unit)
    accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
    rows = s.exec(
        select(Resident)
        .where(
            Resident.community_id == placeholder.community_id,
            Resident.building_id == placeholder.building_id,
            Resident.source == "roster",
            col(Resident.erased_at).is_(None),
            col(Resident.id).not_in(accounts),
        )
        .order_by(col(Resident.unit), col(Resident.full_name), col(Resident.id))
    ).all()
    matching = [
        (
            bool(name) and identity_name(r.full_name) == name,
            bool(unit) and identity_unit(r.unit) == unit,
            r,
        )
        for r in rows
    ]
    # Best first: same name and flat, then same name, then same flat.
    return [
        r
        for same_name, same_unit, r in sorted(
            (m for m in matching if m[0] or m[1]), key=lambda m: (not m[0], not m[1])
        )
    ]


def _placeholder(s: Session, actor: Principal, user_id) -> tuple[User, Resident]:
    user = (
        s.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    )
    if user is None or user.community_id != actor.community_id or user.resident_id is None:
        raise NotFound("error.not_found")
    resident = s.get(Resident, user.resident_id)
    assert resident is not None  # user.resident_id is a foreign key
    if is_verified(resident):
        raise Conflict("verification.already_verified")
    return user, resident


def roster_candidates(*, actor: Principal, user_id: int) -> list[RosterCandidate]:
    """The roster rows a moderator may link a self-registered account to (same building,
    same name or flat, no account yet)."""
    require(actor, "resident.verify")
    with read_session() as s:
        _user, placeholder = _placeholder(s, actor, user_id)
        name, unit = identity_name(placeholder.full_name), identity_unit(placeholder.unit)
        return [
            RosterCandidate(
                resident_id=stored_id(r.id),
                name=r.full_name,
                unit=r.unit,
                same_name=bool(name) and identity_name(r.full_name) == name,
                same_unit=bool(unit) and identity_unit(r.unit) == unit,
            )
            for r in _candidates(s, placeholder)
        ]


def confirm_resident(*, actor: Principal, user_id: int, resident_id: int) -> None:
    """A moderator confirms a self-registered resident (e.g. after seeing proof of address)
    by linking the account to their roster row, one of `roster_candidates`."""
    require(actor, "resident.verify")
    with write_session() as s:
        user, placeholder = _placeholder(s, actor, user_id)
        valid = is_whole_number(resident_id)
        roster = (
            next((r for r in _candidates(s, placeholder) if r.id == resident_id), None)
            if valid
            else None
        )
        if roster is None:
            if (
                valid
                and s.exec(
                    select(User.id).where(
                        User.resident_id == resident_id, User.community_id == actor.community_id
                    )
                ).first()
            ):
                raise Conflict("verification.roster_row_taken")
            raise InvalidInput("verification.not_a_candidate", field="resident")
        _link(s, user, placeholder, roster)
        record(s, actor=actor, action="resident.confirm", object_type="user", object_id=user.id)


class UnverifiedAccount(BaseModel):
    user_id: int
    username: str
    display_name: str
    building: str
    unit: str | None
    created_at: datetime


def unverified_accounts(*, actor: Principal, limit: int = 200) -> list[UnverifiedAccount]:
    """Self-registered residents nobody has verified yet, oldest first."""
    require(actor, "resident.verify")
    with read_session() as s:
        rows = s.exec(
            select(User, Building.code, Resident.unit)
            .join(Resident, col(Resident.id) == User.resident_id)
            .join(Building, col(Building.id) == Resident.building_id)
            .where(User.community_id == actor.community_id, User.active, ~verified_clause())
            .order_by(col(User.created_at))
            .limit(limit)
        ).all()
    return [
        UnverifiedAccount(
            user_id=stored_id(u.id),
            username=u.username,
            display_name=u.display_name,
            building=code,
            unit=unit,
            created_at=u.created_at,
        )
        for u, code, unit in rows
    ]
