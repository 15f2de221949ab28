"""Verifying residents, so that only real residents vote.

A moderator issues one-time activation codes for a building's roster residents (printed and
handed out); a resident who signed up online enters theirs, which links the account to the
roster row. Or a moderator confirms a self-registered resident directly (they checked the
address). Codes are stored hashed; issuing again replaces a resident's unused code.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select, update

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import require
from core.principal import Principal
from core.rows import community_choice
from core.voting.codes import code_hash, new_code
from db.engine import read_session, write_session
from db.models import (ActivationCode, Ballot, Building, HearingAttendance, HearingInvitation,
                       HearingRegistration, ParticipationEvent, Resident, Support, Testimony,
                       User, VoterRoll)
from db.models.base import utcnow

class IssuedCode(BaseModel):
    resident_id: int
    name: str
    unit: str | None
    code: str


def issue_activation_codes(*, actor: Principal, building_id: int,
                           progress=None) -> list[IssuedCode]:
    """New codes for every roster resident of the building who has no account yet (shown
    once, for printing)."""
    require(actor, "resident.verify")
    with write_session() as s:
        building = community_choice(s, Building, building_id, actor, field="building")
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        residents = s.exec(select(Resident).where(
            Resident.building_id == building.id, Resident.source == "roster",
            col(Resident.id).not_in(accounts)).order_by(col(Resident.unit),
                                                        col(Resident.full_name))).all()
        ids = [r.id for r in residents]
        if ids:
            s.execute(ActivationCode.__table__.delete().where(
                ActivationCode.resident_id.in_(ids), ActivationCode.used_at.is_(None)))
        issued = []
        for index, resident in enumerate(residents):
            code = new_code(5, 5)
            s.add(ActivationCode(community_id=actor.community_id, resident_id=resident.id,
                                 code_hash=code_hash(code), issued_by=actor.user_id))
            issued.append(IssuedCode(resident_id=resident.id, name=resident.full_name,
                                     unit=resident.unit, code=code))
            if progress and index % 50 == 0:
                progress((index + 1) / len(residents))
        record(s, actor=actor, action="resident.issue_codes", object_type="building",
               object_id=building.id, payload={"codes": len(issued)})
        return issued


def redeem_activation_code(*, actor: Principal, code: str) -> None:
    """Link one's account to the roster row the code was issued for. What the account did
    before (registrations, attendance, speaking, participation) moves to that row."""
    require(actor, "account.edit_profile", actor.user_id)
    with write_session() as s:
        row = s.exec(select(ActivationCode).where(
            ActivationCode.code_hash == code_hash(code or ""))).first()
        if row is None or row.used_at is not None or row.community_id != actor.community_id:
            raise InvalidInput("verification.bad_code", field="activation_code")
        user = s.get(User, actor.user_id)
        if s.exec(select(User.id).where(User.resident_id == row.resident_id)).first():
            raise Conflict("verification.roster_row_taken")
        old = s.get(Resident, user.resident_id) if user.resident_id else None
        if old is not None and (old.source == "roster" or old.verified_at is not None):
            raise Conflict("verification.already_verified")
        roster = s.get(Resident, row.resident_id)
        user.resident_id = None
        s.flush()
        if old is not None:
            _merge_into(s, old, roster)
        user.resident_id = roster.id
        row.used_at, row.used_by = utcnow(), user.id
        roster.verified_at = utcnow()
        record(s, actor=actor, action="resident.activate", object_type="user",
               object_id=user.id)


def _merge_into(s: Session, old: Resident, roster: Resident) -> None:
    """Move a self-registered placeholder's rows onto the roster row, then delete it."""
    # One row per person and hearing, proposal or poll: where both have one, the roster's
    # stays (a placeholder is unverified, so it never voted or was drawn by lot).
    for model, per in ((HearingRegistration, "hearing_id"), (HearingAttendance, "hearing_id"),
                       (HearingInvitation, "hearing_id"), (Support, "proposal_id"),
                       (VoterRoll, "poll_id")):
        column = getattr(model, per)
        taken = select(column).where(model.resident_id == roster.id)
        s.execute(model.__table__.delete().where(model.resident_id == old.id,
                                                 column.in_(taken)))
        s.execute(update(model).where(model.resident_id == old.id)
                  .values(resident_id=roster.id))
    for model in (Testimony, ParticipationEvent, Ballot):
        s.execute(update(model).where(model.resident_id == old.id)
                  .values(resident_id=roster.id))
    # The person's own choices go with them.
    roster.research_consent = old.research_consent
    roster.research_consent_at = old.research_consent_at
    roster.invitation_consent = old.invitation_consent
    s.flush()
    s.delete(old)


def confirm_resident(*, actor: Principal, user_id: int) -> None:
    """A moderator confirms a self-registered resident (e.g. after seeing proof of address)."""
    require(actor, "resident.verify")
    with write_session() as s:
        user = s.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or user.community_id != actor.community_id or user.resident_id is None:
            raise NotFound("error.not_found")
        resident = s.get(Resident, user.resident_id)
        if resident.source == "roster" or resident.verified_at is not None:
            raise Conflict("verification.already_verified")
        resident.verified_at = utcnow()
        record(s, actor=actor, action="resident.confirm", object_type="user",
               object_id=user.id)


class UnverifiedAccount(BaseModel):
    user_id: int
    username: str
    display_name: str
    building: str
    created_at: datetime


def unverified_accounts(*, actor: Principal, limit: int = 200) -> list[UnverifiedAccount]:
    """Self-registered residents nobody has verified yet, oldest first."""
    require(actor, "resident.verify")
    with read_session() as s:
        rows = s.exec(select(User, Building.code)
                      .join(Resident, Resident.id == User.resident_id)
                      .join(Building, Building.id == Resident.building_id)
                      .where(User.community_id == actor.community_id,
                             Resident.source != "roster",
                             col(Resident.verified_at).is_(None))
                      .order_by(col(User.created_at)).limit(limit)).all()
    return [UnverifiedAccount(user_id=u.id, username=u.username, display_name=u.display_name,
                              building=code, created_at=u.created_at) for u, code in rows]
