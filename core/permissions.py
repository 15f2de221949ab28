"""Who may do what: one predicate per action, anything not listed is denied.

Commands call `require()` before they touch the database; pages call `can()` only to decide
what to show. Targets are plain dicts or ids, never ORM objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from core.errors import PermissionDenied
from core.observability import log_event
from core.principal import Principal
from db.models.base import utcnow
from db.models.people import Role

STAFF = frozenset({Role.MODERATOR, Role.ADMIN})
SIGNED_IN = frozenset({Role.RESIDENT, Role.MODERATOR, Role.RESEARCHER, Role.ADMIN})
PARTICIPANTS = frozenset({Role.RESIDENT, Role.MODERATOR, Role.ADMIN})
ANALYSTS = frozenset({Role.RESEARCHER, Role.MODERATOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


def _role_in(roles: frozenset[Role]) -> Callable[[Principal, object], bool]:
    return lambda p, _target: p.role in roles


def _not_blocked(p: Principal) -> bool:
    return p.blocked_until is None or p.blocked_until <= utcnow()


def _participates(p: Principal, _target: object) -> bool:
    return p.role in PARTICIPANTS and _not_blocked(p)


def _self(p: Principal, target: object) -> bool:
    return p.is_authenticated and target is not None and target == p.user_id


def _everyone(_p: Principal, _target: object) -> bool:
    return True


RULES: dict[str, Callable[[Principal, object], bool]] = {
    # Pages (hiding a page is not access control: every page checks again).
    "page.home": _everyone,
    "page.proposals": _everyone,
    "page.hearings": _everyone,
    "page.votes": _everyone,
    "page.accountability": _everyone,
    "page.audit": _everyone,
    "page.profile": _role_in(SIGNED_IN),
    "page.dashboard": _role_in(ANALYSTS),
    "page.moderation": _role_in(STAFF),
    "page.admin": _role_in(ADMINS),
    # Own account: the target is the user id being changed.
    "account.change_password": _self,
    "account.edit_profile": _self,
    # Participation.
    "proposal.create": _participates,
    "comment.create": _participates,
    "proposal.support": _participates,
    "proposal.follow": _role_in(SIGNED_IN),
    "hearing.register": _participates,
    "poll.vote": _participates,  # the command also checks that the voter is verified
    # Staff work.
    "proposal.moderate": _role_in(STAFF),
    "comment.moderate": _role_in(STAFF),
    "user.block": _role_in(STAFF),
    "hearing.manage": _role_in(STAFF),
    "poll.manage": _role_in(STAFF),
    # A resident links their own account to their roster row with a printed code; staff
    # accounts are not residents and are confirmed by nobody.
    "account.activate": lambda p, target: p.role == Role.RESIDENT and _self(p, target),
    "resident.verify": _role_in(STAFF),
    "dashboard.view": _role_in(ANALYSTS),
    # The per-person table (k-anonymous, consenting residents only): researchers alone, not
    # the moderators and admins who also run the community and could match it to the roster.
    "dashboard.export_persons": _role_in(frozenset({Role.RESEARCHER})),
    "dataset.import": _role_in(frozenset({Role.RESEARCHER, Role.ADMIN})),
    # Administration.
    "user.manage": _role_in(ADMINS),
    "building.manage": _role_in(ADMINS),
    "actor.manage": _role_in(ADMINS),
    "roster.import": _role_in(ADMINS),
    "community.configure": _role_in(ADMINS),
    "audit.verify": _role_in(ADMINS),
    "database.backup": _role_in(ADMINS),
    "announcement.publish": _role_in(STAFF),
    "service_level.manage": _role_in(ADMINS),
    "page.announcements": _everyone,
    "page.organisations": _everyone,
    # Organisations and volunteer teams: staff set them up and appoint coordinators; a
    # coordinator's commands also check, in core, that they coordinate that organisation.
    "organisation.manage": _role_in(STAFF),
    "organisation.join": _participates,  # the command also checks that the resident is verified
    "organisation.volunteer": _participates,  # sign up for activities, record one's own hours
    "organisation.coordinate": _participates,
    "account.export": _role_in(SIGNED_IN),
    "account.delete": _role_in(SIGNED_IN),
    # Needs surveys: everyone sees the list and, once closed, the results; answering also
    # needs a verified roster resident in the survey's scope (checked by the command).
    "page.surveys": _everyone,
    "survey.answer": _participates,
    "survey.manage": _role_in(STAFF),
    "survey.analyse": _role_in(ANALYSTS),
    "survey.read_text": _role_in(STAFF),  # free-text answers: moderators and admins only
}


def can(principal: Principal, action: str, target: object = None) -> bool:
    """True only when a rule for `action` exists and allows it (deny by default)."""
    rule = RULES.get(action)
    return bool(rule and rule(principal, target))


def require(principal: Principal, action: str, target: object = None) -> None:
    """Raise PermissionDenied unless `principal` may do `action` on `target`."""
    if not can(principal, action, target):
        log_event(
            "permissions",
            "permission.refused",
            level=logging.WARNING,
            action=action,
            role=principal.role,
            user=principal.user_id,
        )
        raise PermissionDenied(action)
