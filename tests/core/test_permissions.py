"""The permission table: every action against every role, deny by default."""

from datetime import timedelta

import pytest

from core.errors import PermissionDenied
from core.permissions import RULES, can, require
from core.principal import ANONYMOUS, Principal
from db.models.base import utcnow

ROLES = ("anonymous", "resident", "moderator", "researcher", "admin")
EVERYONE = set(ROLES)
SIGNED_IN = {"resident", "moderator", "researcher", "admin"}
STAFF = {"moderator", "admin"}
PARTICIPANTS = {"resident", "moderator", "admin"}
ANALYSTS = {"researcher", "moderator", "admin"}
ADMIN = {"admin"}

EXPECTED = {
    "page.home": EVERYONE,
    "page.proposals": EVERYONE,
    "page.hearings": EVERYONE,
    "page.votes": EVERYONE,
    "page.accountability": EVERYONE,
    "page.profile": SIGNED_IN,
    "page.dashboard": ANALYSTS,
    "page.moderation": STAFF,
    "page.admin": ADMIN,
    "proposal.create": PARTICIPANTS,
    "comment.create": PARTICIPANTS,
    "proposal.support": PARTICIPANTS,
    "proposal.follow": SIGNED_IN,
    "hearing.register": PARTICIPANTS,
    "poll.vote": PARTICIPANTS,
    "resident.verify": STAFF,
    "proposal.moderate": STAFF,
    "comment.moderate": STAFF,
    "user.block": STAFF,
    "hearing.manage": STAFF,
    "poll.manage": STAFF,
    "dashboard.view": ANALYSTS,
    "dashboard.export_persons": {"researcher"},  # the per-person table: researchers only
    "user.manage": ADMIN,
    "building.manage": ADMIN,
    "actor.manage": ADMIN,
    "roster.import": ADMIN,
    "dataset.import": {"researcher", "admin"},
    "community.configure": ADMIN,
    "audit.verify": ADMIN,
    "database.backup": ADMIN,
    "announcement.publish": STAFF,
    "service_level.manage": ADMIN,
    "page.announcements": EVERYONE,
    "account.export": SIGNED_IN,
    "account.delete": SIGNED_IN,
    "page.audit": EVERYONE,
    "page.surveys": EVERYONE,
    "survey.answer": PARTICIPANTS,
    "survey.manage": STAFF,
    "survey.analyse": ANALYSTS,
    "survey.read_text": STAFF,
    "page.organisations": EVERYONE,
    "organisation.manage": STAFF,
    "organisation.join": PARTICIPANTS,
    "organisation.volunteer": PARTICIPANTS,
    "organisation.coordinate": PARTICIPANTS,  # and, checked in core, of that organisation
}


def principal(role: str, **extra) -> Principal:
    if role == "anonymous":
        return ANONYMOUS
    return Principal(user_id=7, role=role, community_id=1, **extra)


def test_every_rule_is_in_the_table():
    own = {"account.change_password", "account.edit_profile", "account.activate"}
    assert set(RULES) == set(EXPECTED) | own


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_table(action, role):
    assert can(principal(role), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("role", ROLES)
def test_unknown_actions_and_roles_are_denied(role):
    assert not can(principal(role), "no.such.action")
    assert not can(Principal(user_id=1, role="superuser"), "page.admin")


@pytest.mark.parametrize("action", ["account.change_password", "account.edit_profile"])
def test_own_account_only(action):
    me = principal("admin")
    assert can(me, action, me.user_id)
    assert not can(me, action, me.user_id + 1)
    assert not can(ANONYMOUS, action, None)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_resident_activates_and_only_their_own_account(role):
    me = principal(role)
    assert can(me, "account.activate", me.user_id) is (role == "resident")
    assert not can(me, "account.activate", (me.user_id or 0) + 1)


def test_blocked_account_cannot_participate_until_block_ends():
    blocked = principal("resident", blocked_until=utcnow() + timedelta(hours=1))
    expired = principal("resident", blocked_until=utcnow() - timedelta(minutes=1))
    assert not can(blocked, "proposal.create")
    assert can(blocked, "page.proposals")
    assert can(expired, "proposal.create")


def test_require_raises():
    with pytest.raises(PermissionDenied) as raised:
        require(principal("resident"), "roster.import")
    assert raised.value.key == "error.permission_denied"
