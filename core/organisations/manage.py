"""Setting organisations up (moderators and admins): create one with its first coordinator,
edit its purpose and contact, appoint and remove coordinators, deactivate or reactivate it.

An organisation is a responsible actor: creating it creates its Actor row (kind
"social_organisation" or "volunteer_team"), so the responsibility board lists it and
proposals can be assigned to it; deactivating it hides it there as well.
"""

from __future__ import annotations

from sqlmodel import Session, select

from core.audit import record
from core.errors import Conflict, InvalidInput
from core.organisations.common import account_of, organisation_for_update
from core.organisations.lifecycle import MembershipStatus
from core.permissions import require
from core.principal import Principal
from core.rows import community_choice
from core.text import clean_text
from db.engine import write_session
from db.models import Actor, Organisation, OrganisationMember, Resident
from db.models.base import utcnow
from db.models.organisations import ORGANISATION_KINDS, MemberRole

NAME_MAX = 100
PURPOSE_MAX = 2000
CONTACT_MAX = 200


def _texts(purpose, contact) -> tuple[str, str]:
    purpose = clean_text(
        purpose, field="organisation_purpose", max_len=PURPOSE_MAX, min_len=10, multiline=True
    )
    contact = (
        clean_text(contact, field="organisation_contact", max_len=CONTACT_MAX, required=False) or ""
    )
    return purpose, contact


def _coordinator(
    s: Session, organisation_id: int, resident_id: object, actor: Principal
) -> tuple[int, int, OrganisationMember | None]:
    """The roster id, account and existing membership of a resident being appointed."""
    if resident_id is None:
        raise InvalidInput("field.required", field="coordinator")
    resident: Resident = community_choice(s, Resident, resident_id, actor, field="coordinator")
    assert resident.id is not None  # read from the database
    user_id = account_of(s, resident.id)
    if user_id is None:
        raise InvalidInput("organisation.coordinator_needs_account", field="coordinator")
    member = s.exec(
        select(OrganisationMember).where(
            OrganisationMember.organisation_id == organisation_id,
            OrganisationMember.resident_id == resident.id,
        )
    ).first()
    return resident.id, user_id, member


def create_organisation(
    *,
    actor: Principal,
    name: str,
    kind: str,
    purpose: str,
    contact: str = "",
    coordinator_resident_id: int | None,
) -> int:
    """A social organisation or volunteer team with its first coordinator (a roster
    resident with an account); returns the organisation's id. The name is unique among the
    community's actors."""
    require(actor, "organisation.manage")
    assert actor.community_id is not None and actor.user_id is not None  # staff, signed in
    name = clean_text(name, field="organisation_name", max_len=NAME_MAX, min_len=2)
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput("field.not_a_choice", field="organisation_kind")
    purpose, contact = _texts(purpose, contact)
    with write_session() as s:
        if (
            s.exec(
                select(Actor.id).where(Actor.community_id == actor.community_id, Actor.name == name)
            ).first()
            is not None
        ):
            raise Conflict("actor.name_taken", name=name)
        actor_row = Actor(community_id=actor.community_id, name=name, kind=kind)
        s.add(actor_row)
        s.flush()
        assert actor_row.id is not None  # flushed
        organisation = Organisation(
            community_id=actor.community_id,
            actor_id=actor_row.id,
            purpose=purpose,
            contact=contact,
            created_by=actor.user_id,
        )
        s.add(organisation)
        s.flush()
        assert organisation.id is not None  # flushed
        resident_id, user_id, _ = _coordinator(s, organisation.id, coordinator_resident_id, actor)
        s.add(
            OrganisationMember(
                organisation_id=organisation.id,
                resident_id=resident_id,
                user_id=user_id,
                role=MemberRole.COORDINATOR,
                status=MembershipStatus.ACCEPTED,
                decided_by=actor.user_id,
                decided_at=utcnow(),
            )
        )
        record(
            s,
            actor=actor,
            action="organisation.create",
            object_type="organisation",
            object_id=organisation.id,
            payload={"name": name, "kind": kind, "actor": actor_row.id, "coordinator": resident_id},
        )
        return organisation.id


def edit_organisation(
    *, actor: Principal, organisation_id: int, purpose: str, contact: str = ""
) -> None:
    """Change what an organisation is for and how to reach it."""
    require(actor, "organisation.manage")
    purpose, contact = _texts(purpose, contact)
    with write_session() as s:
        organisation, _ = organisation_for_update(s, organisation_id, actor)
        if (organisation.purpose, organisation.contact) == (purpose, contact):
            return  # nothing changes, nothing to record
        organisation.purpose, organisation.contact = purpose, contact
        record(
            s,
            actor=actor,
            action="organisation.edit",
            object_type="organisation",
            object_id=organisation.id,
            payload={"purpose": purpose, "contact": contact},
        )


def appoint_coordinator(*, actor: Principal, organisation_id: int, resident_id: int) -> None:
    """Make a roster resident with an account a coordinator of this organisation (and a
    member, if they were not one)."""
    require(actor, "organisation.manage")
    with write_session() as s:
        organisation, _ = organisation_for_update(s, organisation_id, actor)
        assert organisation.id is not None  # read from the database
        appointed, user_id, member = _coordinator(s, organisation.id, resident_id, actor)
        if (
            member is not None
            and member.role == MemberRole.COORDINATOR
            and member.status == MembershipStatus.ACCEPTED
        ):
            raise Conflict("organisation.already_coordinator")
        if member is None:
            member = OrganisationMember(organisation_id=organisation.id, resident_id=appointed)
            s.add(member)
        member.user_id, member.role = user_id, MemberRole.COORDINATOR
        member.status = MembershipStatus.ACCEPTED
        member.decided_by, member.decided_at = actor.user_id, utcnow()
        record(
            s,
            actor=actor,
            action="organisation.appoint_coordinator",
            object_type="organisation",
            object_id=organisation.id,
            payload={"resident": appointed},
        )


def remove_coordinator(*, actor: Principal, organisation_id: int, resident_id: int) -> None:
    """A coordinator goes back to being a member; the last coordinator cannot be removed
    (appoint another first: someone must run the organisation)."""
    require(actor, "organisation.manage")
    with write_session() as s:
        organisation, _ = organisation_for_update(s, organisation_id, actor)
        coordinators = s.exec(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == organisation.id,
                OrganisationMember.role == MemberRole.COORDINATOR,
                OrganisationMember.status == MembershipStatus.ACCEPTED,
            )
        ).all()
        member = next((m for m in coordinators if m.resident_id == resident_id), None)
        if member is None:
            raise InvalidInput("organisation.not_a_coordinator", field="coordinator")
        if len(coordinators) == 1:
            raise Conflict("organisation.last_coordinator")
        member.role = MemberRole.MEMBER
        record(
            s,
            actor=actor,
            action="organisation.remove_coordinator",
            object_type="organisation",
            object_id=organisation.id,
            payload={"resident": member.resident_id},
        )


def set_organisation_active(*, actor: Principal, organisation_id: int, active: bool) -> None:
    """Deactivate an organisation (it leaves the responsibility board and takes no new
    members, activities or sign-ups; its history stays) or bring it back."""
    require(actor, "organisation.manage")
    with write_session() as s:
        organisation, actor_row = organisation_for_update(s, organisation_id, actor)
        if actor_row.active == bool(active):
            raise Conflict("organisation.already_active" if active else "organisation.inactive")
        actor_row.active = bool(active)
        record(
            s,
            actor=actor,
            action="organisation.set_active",
            object_type="organisation",
            object_id=organisation.id,
            payload={"active": bool(active)},
        )
