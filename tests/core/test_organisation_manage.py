"""Community organisations set up by staff (core.organisations.manage): creating
and editing them, appointing and removing coordinators, deactivating, and the bad inputs
(nothing written)."""

import pytest
from sqlmodel import select

from core.accountability import responsibility_board
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.organisations.activities import sign_up
from core.organisations.manage import (
    appoint_coordinator,
    edit_organisation,
    remove_coordinator,
    set_organisation_active,
)
from core.organisations.membership import request_to_join
from core.organisations.queries import get_organisation, list_organisations
from db.engine import read_session
from db.models import Actor, Organisation, OrganisationMember
from tests.conftest import audit, make_user, other_community, visitor
from tests.core.organisation_helpers import (
    PURPOSE,
    create,
    member_row,
    post,
    roster_resident,
    snapshot,
)

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.organisation_helpers import team as team

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_staff_create_an_organisation_that_is_a_responsible_actor(people, community, role):
    coordinator = make_user(community, "coord1")
    organisation_id = create(people[role], coordinator, name="  W社区 志愿者服务队\u200b ")
    with read_session() as s:
        organisation = s.get(Organisation, organisation_id)
        actor = s.get(Actor, organisation.actor_id)
        member = s.exec(select(OrganisationMember)).one()
    assert (actor.name, actor.kind, actor.active, actor.community_id) == (
        "W社区 志愿者服务队",
        "volunteer_team",
        True,
        community["id"],
    )
    assert (organisation.purpose, organisation.contact, organisation.created_by) == (
        PURPOSE,
        "微信群",
        people[role].user_id,
    )
    assert (member.resident_id, member.user_id, member.role, member.status) == (
        coordinator.resident_id,
        coordinator.user_id,
        "coordinator",
        "accepted",
    )
    assert "W社区 志愿者服务队" in [
        b.name for b in responsibility_board(community_id=community["id"])
    ]
    assert audit("organisation.create") == [
        (
            str(organisation_id),
            {
                "name": "W社区 志愿者服务队",
                "kind": "volunteer_team",
                "actor": actor.id,
                "coordinator": coordinator.resident_id,
            },
        )
    ]


def test_only_staff_set_organisations_up(people, team):
    before = snapshot()
    for who in (people["resident"], people["researcher"], team["coordinator"], visitor(people)):
        with pytest.raises(PermissionDenied):
            create(who, team["coordinator"], name="另一个队")
        with pytest.raises(PermissionDenied):
            edit_organisation(actor=who, organisation_id=team["id"], purpose=PURPOSE * 2)
        with pytest.raises(PermissionDenied):
            appoint_coordinator(
                actor=who, organisation_id=team["id"], resident_id=people["resident"].resident_id
            )
        with pytest.raises(PermissionDenied):
            set_organisation_active(actor=who, organisation_id=team["id"], active=False)
    assert snapshot() == before


CREATE_BAD_INPUTS = [
    ({"name": ""}, InvalidInput, "field.required", "organisation_name"),
    ({"name": "队"}, InvalidInput, "field.too_short", "organisation_name"),
    ({"name": "x" * 101}, InvalidInput, "field.too_long", "organisation_name"),
    ({"name": "队伍\u202e"}, InvalidInput, "field.bad_characters", "organisation_name"),
    ({"kind": "property_company"}, InvalidInput, "field.not_a_choice", "organisation_kind"),
    ({"kind": None}, InvalidInput, "field.not_a_choice", "organisation_kind"),
    ({"purpose": "短"}, InvalidInput, "field.too_short", "organisation_purpose"),
    ({"purpose": "x" * 2001}, InvalidInput, "field.too_long", "organisation_purpose"),
    ({"contact": "x" * 201}, InvalidInput, "field.too_long", "organisation_contact"),
    ({"coordinator_resident_id": None}, InvalidInput, "field.required", "coordinator"),
    ({"coordinator_resident_id": 99999}, InvalidInput, "field.not_a_choice", "coordinator"),
    ({"coordinator_resident_id": "1"}, InvalidInput, "field.not_a_choice", "coordinator"),
    ({"name": "W社区志愿者服务队"}, Conflict, "actor.name_taken", None),
    ({"name": "居委会"}, Conflict, "actor.name_taken", None),  # any actor's name
]


@pytest.mark.parametrize("overrides, error, key, field", CREATE_BAD_INPUTS)
def test_bad_organisations_are_refused_and_nothing_is_written(
    people, team, overrides, error, key, field
):
    before = snapshot()
    with pytest.raises(error) as raised:
        create(people["moderator"], team["coordinator"], **{"name": "新的志愿队", **overrides})
    assert raised.value.key == key and getattr(raised.value, "field", None) == field
    assert snapshot() == before


def test_a_coordinator_needs_an_account_of_this_community(people, community, team):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        create(
            people["moderator"],
            team["coordinator"],
            name="新的志愿队",
            coordinator_resident_id=roster_resident(community),
        )
    assert raised.value.key == "organisation.coordinator_needs_account"
    elsewhere = other_community()
    stranger = make_user(elsewhere, "stranger")
    with pytest.raises(InvalidInput) as raised:
        appoint_coordinator(
            actor=people["moderator"], organisation_id=team["id"], resident_id=stranger.resident_id
        )
    assert raised.value.field == "coordinator"
    assert snapshot()[0][1:] == before[0][1:]  # other_community() added an actor


def test_edit_purpose_and_contact(people, team):
    edit_organisation(
        actor=people["admin"],
        organisation_id=team["id"],
        purpose="  新的宗旨：" + PURPOSE,
        contact="",
    )
    shown = get_organisation(viewer=people["resident"], organisation_id=team["id"])
    assert (shown.purpose, shown.contact) == ("新的宗旨：" + PURPOSE, "")
    before = snapshot()
    edit_organisation(
        actor=people["admin"],
        organisation_id=team["id"],
        purpose="新的宗旨：" + PURPOSE,
        contact="",
    )
    assert snapshot() == before  # nothing changed, nothing recorded
    assert len(audit("organisation.edit")) == 1


def test_appoint_and_remove_coordinators_keeping_at_least_one(people, team):
    moderator, resident = people["moderator"], people["resident"]
    with pytest.raises(Conflict) as raised:
        remove_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
        )
    assert raised.value.key == "organisation.last_coordinator"
    appoint_coordinator(
        actor=moderator, organisation_id=team["id"], resident_id=resident.resident_id
    )
    with pytest.raises(Conflict):
        appoint_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=resident.resident_id
        )
    shown = get_organisation(viewer=visitor(people), organisation_id=team["id"])
    assert shown.coordinators == ["coord1 name", "resident1 name"] and shown.members == 2
    remove_coordinator(
        actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
    )
    assert member_row(team["id"], team["coordinator"].resident_id).role == "member"
    with pytest.raises(InvalidInput) as raised:
        remove_coordinator(
            actor=moderator, organisation_id=team["id"], resident_id=team["coordinator"].resident_id
        )
    assert raised.value.key == "organisation.not_a_coordinator"
    # The former coordinator no longer runs it.
    with pytest.raises(PermissionDenied):
        post(team["coordinator"], team["id"])
    assert [p for _, p in audit("organisation.appoint_coordinator")] == [
        {"resident": resident.resident_id}
    ]


def test_deactivated_organisations_take_nothing_new_and_leave_the_board(people, community, team):
    activity_id = post(team["coordinator"], team["id"])
    set_organisation_active(actor=people["moderator"], organisation_id=team["id"], active=False)
    with pytest.raises(Conflict) as raised:
        set_organisation_active(actor=people["moderator"], organisation_id=team["id"], active=False)
    assert raised.value.key == "organisation.inactive"
    before = snapshot()
    for command in (
        lambda: request_to_join(actor=people["resident"], organisation_id=team["id"]),
        lambda: post(team["coordinator"], team["id"]),
        lambda: sign_up(actor=people["resident"], activity_id=activity_id),
    ):
        with pytest.raises(Conflict) as raised:
            command()
        assert raised.value.key == "organisation.inactive"
    assert snapshot() == before
    assert list_organisations(viewer=people["resident"]) == []
    assert get_organisation(viewer=people["resident"], organisation_id=team["id"]) is None
    assert [
        o.id for o in list_organisations(viewer=people["moderator"], include_inactive=True)
    ] == [team["id"]]
    assert "W社区志愿者服务队" not in [
        b.name for b in responsibility_board(community_id=community["id"])
    ]
    set_organisation_active(actor=people["admin"], organisation_id=team["id"], active=True)
    assert [o.id for o in list_organisations(viewer=people["resident"])] == [team["id"]]


def test_other_communities_organisations_are_not_found(people, team):
    elsewhere = other_community()
    foreign_moderator = make_user(elsewhere, "othermod", "moderator")
    before = snapshot()
    for missing in (team["id"], 99999, "1", None, True):
        with pytest.raises(NotFound):
            edit_organisation(actor=foreign_moderator, organisation_id=missing, purpose=PURPOSE)
        assert get_organisation(viewer=foreign_moderator, organisation_id=missing) is None
    assert list_organisations(viewer=foreign_moderator) == []
    assert snapshot() == before
