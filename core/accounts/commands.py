"""Account commands: register, change password, edit profile, log out."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import col, select

from core.accounts.passwords import check_password_policy, hash_password, verify_password
from core.accounts.profile import clean_demographics
from core.accounts.sessions import revoke, revoke_all_for_user
from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import LOCALES
from core.permissions import require
from core.principal import Principal
from core.text import clean_text, normalise_username
from core.voting.eligibility import is_verified
from db.engine import read_session, write_session
from db.models import Building, Resident, User
from db.models.base import utcnow
from db.models.people import Role


class AccountPublic(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    locale: str
    building_id: int | None
    demographics: dict
    research_consent: bool
    invitation_consent: bool
    verified: bool


def _clean_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise InvalidInput("field.not_a_choice", field="locale")
    return locale


def register(
    *,
    community_id: int,
    username: str,
    display_name: str,
    password: str,
    building_id: int,
    unit: str | None = None,
    demographics: dict | None = None,
    research_consent: bool = False,
    invitation_consent: bool = False,
    locale: str = "zh-CN",
) -> int:
    """Create a resident account and its unverified placeholder row; return the user id.

    `unit` is the flat, which a moderator uses to find the person's roster row when
    confirming the account: required where the building's roster has flats."""
    key = normalise_username(username)
    display_name = clean_text(display_name, field="display_name", max_len=40)
    unit = clean_text(unit, field="unit", max_len=20) if unit and str(unit).strip() else None
    password = check_password_policy(password, user_inputs=(key, display_name))
    demographics = clean_demographics(demographics)
    locale = _clean_locale(locale)
    password_hash = hash_password(password)  # slow: outside the write transaction
    with write_session() as s:
        building = s.get(Building, building_id) if isinstance(building_id, int) else None
        if building is None or building.community_id != community_id:
            raise InvalidInput("field.not_a_choice", field="building")
        if s.exec(select(User.id).where(User.username == key)).first() is not None:
            raise Conflict("username.taken")
        if (
            unit is None
            and s.exec(
                select(Resident.id).where(
                    Resident.building_id == building.id,
                    Resident.source == "roster",
                    col(Resident.unit).is_not(None),
                )
            ).first()
            is not None
        ):
            raise InvalidInput("register.unit_required", field="unit")
        now = utcnow()
        resident = Resident(
            community_id=community_id,
            building_id=building_id,
            full_name=display_name,
            unit=unit,
            source="self_registered",
            research_consent=bool(research_consent),
            research_consent_at=now if research_consent else None,
            invitation_consent=bool(invitation_consent),
            **demographics,
        )
        s.add(resident)
        s.flush()
        user = User(
            community_id=community_id,
            username=key,
            display_name=display_name,
            password_hash=password_hash,
            role=Role.RESIDENT,
            locale=locale,
            resident_id=resident.id,
            password_changed_at=now,
        )
        s.add(user)
        s.flush()
        assert user.id is not None  # flushed
        record(
            s,
            actor=Principal(user_id=user.id, role=Role.RESIDENT),
            action="account.register",
            object_type="user",
            object_id=user.id,
        )
        return user.id


def log_out(*, actor: Principal) -> None:
    revoke(actor.session_id)
    if actor.user_id is not None:
        with write_session() as s:
            record(
                s, actor=actor, action="account.logout", object_type="user", object_id=actor.user_id
            )


def change_password(*, actor: Principal, current_password: str, new_password: str) -> None:
    """Change one's own password; every other session of the user is logged out."""
    require(actor, "account.change_password", actor.user_id)
    with read_session() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("error.not_found")
        stored_hash, inputs = user.password_hash, (user.username, user.display_name)
    ok, _ = verify_password(current_password or "", stored_hash)
    if not ok:
        raise InvalidInput("password.current_wrong", field="current_password")
    new_password = check_password_policy(new_password, user_inputs=inputs)
    if verify_password(new_password, stored_hash)[0]:
        raise InvalidInput("password.same_as_old", field="new_password")
    new_hash = hash_password(new_password)
    with write_session() as s:
        user = s.get(User, actor.user_id)
        if user is None or user.id is None:  # deleted since it was read above
            raise NotFound("error.not_found")
        user.password_hash = new_hash
        user.password_changed_at = utcnow()
        revoke_all_for_user(s, user_id=user.id, keep=actor.session_id)
        record(
            s, actor=actor, action="account.change_password", object_type="user", object_id=user.id
        )


def update_profile(
    *,
    actor: Principal,
    display_name: str,
    locale: str,
    demographics: dict | None = None,
    research_consent: bool | None = None,
    invitation_consent: bool | None = None,
) -> None:
    """Edit one's display name, language, demographics, research consent and consent to be
    invited by lot."""
    require(actor, "account.edit_profile", actor.user_id)
    display_name = clean_text(display_name, field="display_name", max_len=40)
    locale = _clean_locale(locale)
    demographics = clean_demographics(demographics) if demographics is not None else None
    with write_session() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("error.not_found")
        user.display_name = display_name
        user.locale = locale
        resident = s.get(Resident, user.resident_id) if user.resident_id else None
        if resident is not None:
            if demographics is not None:
                for field, value in demographics.items():
                    setattr(resident, field, value)
            if research_consent is not None and research_consent != resident.research_consent:
                resident.research_consent = research_consent
                resident.research_consent_at = utcnow()
            if invitation_consent is not None:
                resident.invitation_consent = bool(invitation_consent)
        payload = {
            name: value
            for name, value in (
                ("research_consent", research_consent),
                ("invitation_consent", invitation_consent),
            )
            if value is not None
        }
        record(
            s,
            actor=actor,
            action="account.update_profile",
            object_type="user",
            object_id=user.id,
            payload=payload,
        )


def get_account(*, actor: Principal) -> AccountPublic:
    require(actor, "account.edit_profile", actor.user_id)
    with read_session() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("error.not_found")
        resident = s.get(Resident, user.resident_id) if user.resident_id else None
        demographics = {}
        if resident is not None:
            demographics = {
                f: getattr(resident, f)
                for f in (
                    "age_band",
                    "gender",
                    "education",
                    "occupation",
                    "residency_status",
                    "years_in_community",
                )
            }
        assert user.id is not None  # read from the database
        return AccountPublic(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            locale=user.locale,
            building_id=resident.building_id if resident else None,
            demographics=demographics,
            research_consent=bool(resident and resident.research_consent),
            invitation_consent=bool(resident and resident.invitation_consent),
            verified=is_verified(resident),
        )
