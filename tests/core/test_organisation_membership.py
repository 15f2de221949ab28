"""Joining community organisations (core.organisations.membership): asking,
deciding, withdrawing and leaving, and who may."""

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.organisations.membership import decide_request, leave_organisation, request_to_join
from core.organisations.queries import get_organisation
from core.principal import Principal
from tests.conftest import audit, make_user
from tests.core.organisation_helpers import member_row, snapshot

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.organisation_helpers import rival as rival
from tests.core.organisation_helpers import team as team

pytestmark = pytest.mark.usefixtures("quick_accounts")


def test_ask_accept_leave_and_ask_again(people, team):
    resident, coordinator = people["resident"], team["coordinator"]
    request_to_join(actor=resident, organisation_id=team["id"], message="  周末有空 ")
    row = member_row(team["id"], resident.resident_id)
    assert (row.status, row.role, row.message, row.user_id) == (
        "requested",
        "member",
        "周末有空",
        resident.user_id,
    )
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.already_requested"
    pending = get_organisation(viewer=coordinator, organisation_id=team["id"]).pending
    assert [(p.request_id, p.name, p.message) for p in pending] == [
        (row.id, "resident1 name", "周末有空")
    ]
    decide_request(actor=coordinator, request_id=row.id, accept=True)
    row = member_row(team["id"], resident.resident_id)
    assert (row.status, row.decided_by) == ("accepted", coordinator.user_id)
    with pytest.raises(Conflict) as raised:
        decide_request(actor=coordinator, request_id=row.id, accept=False)
    assert raised.value.key == "organisation.request_already_decided"
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.already_member"
    shown = get_organisation(viewer=resident, organisation_id=team["id"])
    assert (shown.my_status, shown.members, shown.pending) == ("accepted", 2, [])
    assert leave_organisation(actor=resident, organisation_id=team["id"]) == "left"
    with pytest.raises(Conflict) as raised:
        leave_organisation(actor=resident, organisation_id=team["id"])
    assert raised.value.key == "organisation.not_a_member"
    request_to_join(actor=resident, organisation_id=team["id"])  # may come back
    assert member_row(team["id"], resident.resident_id).status == "requested"
    assert [p for _, p in audit("organisation.decide_request")] == [
        {"resident": resident.resident_id, "accepted": True}
    ]


def test_staff_decline_and_a_declined_resident_may_ask_again(people, team):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    row = member_row(team["id"], people["resident"].resident_id)
    decide_request(actor=people["moderator"], request_id=row.id, accept=False)
    assert member_row(team["id"], people["resident"].resident_id).status == "declined"
    assert (
        get_organisation(viewer=people["resident"], organisation_id=team["id"]).my_status
        == "declined"
    )
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    assert member_row(team["id"], people["resident"].resident_id).status == "requested"


def test_withdrawing_a_request(people, team):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    leave_organisation(actor=people["resident"], organisation_id=team["id"])
    assert member_row(team["id"], people["resident"].resident_id).status == "left"
    assert get_organisation(viewer=team["coordinator"], organisation_id=team["id"]).pending == []


def test_only_its_own_coordinator_or_staff_decide(people, team, rival):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    row = member_row(team["id"], people["resident"].resident_id)
    before = snapshot()
    for who in (rival["coordinator"], people["resident2"], people["resident"]):
        with pytest.raises(PermissionDenied):
            decide_request(actor=who, request_id=row.id, accept=True)
    with pytest.raises(PermissionDenied):
        decide_request(actor=people["researcher"], request_id=row.id, accept=True)
    for missing in (99999, None, "1"):
        with pytest.raises(NotFound):
            decide_request(actor=team["coordinator"], request_id=missing, accept=True)
    assert snapshot() == before


def test_unverified_or_roster_less_residents_cannot_join(people, community, team):
    newcomer = make_user(community, "newcomer")  # self-registered, not yet verified
    staff_without_roster = Principal(
        user_id=people["admin"].user_id, role="admin", community_id=community["id"]
    )
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=newcomer, organisation_id=team["id"])
    assert raised.value.key == "organisation.unverified"
    with pytest.raises(Conflict) as raised:
        request_to_join(actor=staff_without_roster, organisation_id=team["id"])
    assert raised.value.key == "organisation.no_resident"
    with pytest.raises(InvalidInput) as raised:
        request_to_join(actor=people["resident"], organisation_id=team["id"], message="x" * 501)
    assert raised.value.field == "join_message"
    assert snapshot() == before


def test_the_last_coordinator_cannot_leave(people, team):
    with pytest.raises(Conflict) as raised:
        leave_organisation(actor=team["coordinator"], organisation_id=team["id"])
    assert raised.value.key == "organisation.last_coordinator"
