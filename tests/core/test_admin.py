"""Administration: roles, activation, buildings and actors, refused for non-admins."""

import pytest

from core.accounts import sessions
from core.admin import add_actor, add_building, list_users, set_active, set_actor_active, set_role
from core.community import list_actors, list_buildings
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.conftest import user_row

COMMANDS = [
    lambda p: list_users(actor=p),
    lambda p: set_role(actor=p, user_id=1, role="admin"),
    lambda p: set_active(actor=p, user_id=1, active=False),
    lambda p: add_building(actor=p, code="X", name="X"),
    lambda p: add_actor(actor=p, name="X", kind="volunteer_team"),
    lambda p: set_actor_active(actor=p, actor_id=1, active=False),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("role", ["resident", "moderator", "researcher"])
def test_non_admins_are_refused_in_core(people, role, command):
    with pytest.raises(PermissionDenied):
        command(people[role])


def test_set_role_ends_sessions_and_protects_last_admin(people):
    admin = people["admin"]
    resident = people["resident"]
    set_role(actor=admin, user_id=resident.user_id, role="moderator")
    assert user_row("resident1").role == "moderator"
    assert sessions.resume(resident.session_id) is None
    with pytest.raises(Conflict) as raised:
        set_role(actor=admin, user_id=admin.user_id, role="resident")
    assert raised.value.key == "admin.last_admin"
    with pytest.raises(Conflict):
        set_active(actor=admin, user_id=admin.user_id, active=False)
    with pytest.raises(InvalidInput):
        set_role(actor=admin, user_id=resident.user_id, role="superuser")
    with pytest.raises(NotFound):
        set_role(actor=admin, user_id=99999, role="resident")


def test_deactivate_and_search(people):
    admin = people["admin"]
    set_active(actor=admin, user_id=people["resident2"].user_id, active=False)
    assert not user_row("resident2").active
    assert sessions.resume(people["resident2"].session_id) is None
    assert [u.username for u in list_users(actor=admin, search="RESIDENT2")] == ["resident2"]


def test_buildings_and_actors(people, community):
    admin = people["admin"]
    add_building(actor=admin, code="B9", name="9号楼")
    assert "B9" in [b.code for b in list_buildings(community["id"])]
    with pytest.raises(Conflict):
        add_building(actor=admin, code="B9", name="again")
    with pytest.raises(InvalidInput):
        add_building(actor=admin, code="  ", name="x")
    actor_id = add_actor(actor=admin, name="社工站", kind="social_organisation")
    with pytest.raises(InvalidInput):
        add_actor(actor=admin, name="x", kind="alien")
    set_actor_active(actor=admin, actor_id=actor_id, active=False)
    assert actor_id not in [a.id for a in list_actors(community["id"])]
    assert actor_id in [a.id for a in list_actors(community["id"], include_inactive=True)]
