"""Joining an organisation: a verified resident with an account asks (with an optional
message), may withdraw the request or leave later; a coordinator of that organisation (or a
moderator) accepts or declines. A deactivated organisation takes no one in: asking and
deciding are refused, while withdrawing a request and leaving stay open.

Asking to join writes no participation event: the dashboard counts what residents do
(attending activities, volunteer hours), not the intention to, so that a wave of requests
does not look like volunteering.
"""

from __future__ import annotations

from sqlmodel import col, select

from core.audit import record
from core.errors import Conflict, NotFound
from core.organisations import lifecycle
from core.organisations.common import (
    actor_of,
    organisation_for_update,
    require_active,
    require_coordinator,
    verified_resident,
)
from core.organisations.lifecycle import MembershipStatus
from core.permissions import require
from core.principal import Principal
from core.rows import community_row
from core.text import clean_text, is_whole_number
from db.engine import write_session
from db.models import Organisation, OrganisationMember
from db.models.base import utcnow
from db.models.organisations import MemberRole

MESSAGE_MAX = 500


def request_to_join(*, actor: Principal, organisation_id: int, message: str | None = None) -> None:
    """Ask to join; someone declined or who left may ask again."""
    require(actor, "organisation.join")
    message = (
        clean_text(
            message, field="join_message", max_len=MESSAGE_MAX, multiline=True, required=False
        )
        or ""
    )
    with write_session() as s:
        organisation, organisation_actor = organisation_for_update(s, organisation_id, actor)
        require_active(organisation_actor)
        resident = verified_resident(s, actor)
        assert organisation.id is not None and resident.id is not None  # read from the database
        member = s.exec(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == organisation.id,
                OrganisationMember.resident_id == resident.id,
            )
        ).first()
        if member is not None and member.status == MembershipStatus.REQUESTED:
            raise Conflict("organisation.already_requested")
        if member is not None and member.status == MembershipStatus.ACCEPTED:
            raise Conflict("organisation.already_member")
        if member is None:
            member = OrganisationMember(organisation_id=organisation.id, resident_id=resident.id)
            s.add(member)
        member.user_id, member.role = actor.user_id, MemberRole.MEMBER
        member.status = MembershipStatus.REQUESTED
        member.message, member.decided_by, member.decided_at = message, None, None
        member.created_at = utcnow()
        record(
            s,
            actor=actor,
            action="organisation.request",
            object_type="organisation",
            object_id=organisation.id,
        )


def leave_organisation(*, actor: Principal, organisation_id: int) -> str:
    """Withdraw one's request, or leave; returns the status left behind ("left"). The last
    coordinator cannot leave before staff appoint another."""
    require(actor, "organisation.join")
    with write_session() as s:
        organisation, _ = organisation_for_update(s, organisation_id, actor)
        member = (
            s.exec(
                select(OrganisationMember).where(
                    OrganisationMember.organisation_id == organisation.id,
                    OrganisationMember.resident_id == actor.resident_id,
                    col(OrganisationMember.status).in_(lifecycle.CURRENT),
                )
            ).first()
            if actor.resident_id is not None
            else None
        )
        if member is None:
            raise Conflict("organisation.not_a_member")
        if member.role == MemberRole.COORDINATOR:
            others = s.exec(
                select(OrganisationMember.id).where(
                    OrganisationMember.organisation_id == organisation.id,
                    OrganisationMember.role == MemberRole.COORDINATOR,
                    OrganisationMember.status == MembershipStatus.ACCEPTED,
                    OrganisationMember.id != member.id,
                )
            ).first()
            if others is None:
                raise Conflict("organisation.last_coordinator")
        previous = member.status
        member.status, member.role = MembershipStatus.LEFT, MemberRole.MEMBER
        record(
            s,
            actor=actor,
            action="organisation.leave",
            object_type="organisation",
            object_id=organisation.id,
            payload={"was": previous},
        )
        return member.status


def decide_request(*, actor: Principal, request_id: int, accept: bool) -> None:
    """Accept or decline a pending request to join (a coordinator of that organisation,
    or staff)."""
    require(actor, "organisation.coordinate")
    with write_session() as s:
        member = _member(s, request_id, actor)
        organisation = community_row(s, Organisation, member.organisation_id, actor)
        require_coordinator(s, organisation, actor)
        require_active(actor_of(s, organisation))
        if member.status != MembershipStatus.REQUESTED:
            raise Conflict("organisation.request_already_decided")
        member.status = MembershipStatus.ACCEPTED if accept else MembershipStatus.DECLINED
        member.decided_by, member.decided_at = actor.user_id, utcnow()
        record(
            s,
            actor=actor,
            action="organisation.decide_request",
            object_type="organisation",
            object_id=organisation.id,
            payload={"resident": member.resident_id, "accepted": bool(accept)},
        )


def _member(s, request_id, actor: Principal) -> OrganisationMember:
    """A membership row of an organisation of the actor's community (NotFound otherwise)."""
    member = s.get(OrganisationMember, request_id) if is_whole_number(request_id) else None
    if member is None:
        raise NotFound("error.not_found")
    community_row(s, Organisation, member.organisation_id, actor)
    return member
