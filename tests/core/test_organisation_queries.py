"""What each viewer reads of community organisations (core.organisations.queries):
the public list and page, finding people, and volunteering in a resident's download."""

from datetime import timedelta

import pytest

from core.errors import PermissionDenied
from core.organisations.hours import record_hours_for
from core.organisations.membership import decide_request, request_to_join
from core.organisations.queries import (
    find_coordinator_candidates,
    find_people,
    get_organisation,
    list_organisations,
)
from db.models.base import utcnow
from tests.conftest import visitor
from tests.core.organisation_helpers import TZ, erase, member_row, move, post, roster_resident

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.organisation_helpers import rival as rival
from tests.core.organisation_helpers import team as team

pytestmark = pytest.mark.usefixtures("quick_accounts")


def test_the_public_list_and_page(people, team, rival):
    request_to_join(actor=people["resident"], organisation_id=team["id"])
    past = post(team["coordinator"], team["id"], start=-24 * 20)
    upcoming = post(team["coordinator"], team["id"], start=48)
    record_hours_for(
        actor=team["coordinator"],
        activity_id=past,
        resident_id=people["resident2"].resident_id,
        hours=2,
    )
    listed = {o.name: o for o in list_organisations(viewer=visitor(people))}
    assert list(listed) == sorted(listed)  # by name
    mine = listed["W社区志愿者服务队"]
    assert (
        mine.kind,
        mine.members,
        mine.coordinators,
        mine.upcoming,
        mine.hours,
        mine.volunteers,
    ) == ("volunteer_team", 1, ["coord1 name"], 1, 2.0, 1)
    assert listed["阳光社工服务中心"].hours == 0.0
    page = get_organisation(viewer=visitor(people), organisation_id=team["id"])
    assert [a.id for a in page.upcoming_activities] == [upcoming]
    assert [a.id for a in page.past_activities] == [past]
    month = (utcnow() - timedelta(days=20)).astimezone(TZ).strftime("%Y-%m")
    assert page.hours_by_month == [{"month": month, "hours": 2.0}]
    assert (page.coordinates, page.my_status, page.pending) == (False, None, [])
    assert (
        get_organisation(viewer=people["resident"], organisation_id=team["id"]).my_status
        == "requested"
    )
    assert get_organisation(viewer=people["moderator"], organisation_id=team["id"]).coordinates
    assert not get_organisation(viewer=rival["coordinator"], organisation_id=team["id"]).coordinates


def test_staff_find_residents_with_accounts_to_appoint(people, community, team):
    roster_resident(community, "resident1 的邻居")
    found = find_coordinator_candidates(actor=people["moderator"], query="resident1")
    assert [p.resident_id for p in found] == [people["resident"].resident_id]
    assert find_coordinator_candidates(actor=people["moderator"], query="  ") == []
    with pytest.raises(PermissionDenied):
        find_coordinator_candidates(actor=team["coordinator"], query="resident")
    assert (
        find_people(actor=team["coordinator"], organisation_id=team["id"], query="%") == []
    )  # a wildcard is a plain character


def test_a_coordinator_finds_an_attendee_by_full_name_only(people, community, team):
    aunt = roster_resident(community, "王阿姨")
    namesake = roster_resident(community, "王阿姨", building=1)
    roster_resident(community, "王阿姨的妹妹")
    erase(roster_resident(community, "王阿姨", building=2))
    for _ in range(7):
        roster_resident(community, "张伟")
    coordinator = team["coordinator"]

    def found(query, building=None, actor=coordinator):
        return find_people(actor=actor, organisation_id=team["id"], query=query, building=building)

    for partial in ("王", "王阿", "阿姨", "王阿姨的", "%", "_", "resident"):
        assert found(partial) == []
    shown = found(" 王阿姨 ")
    assert [(p.resident_id, p.name, p.building) for p in shown] == [
        (aunt, "王阿姨", "B1"),
        (namesake, "王阿姨", "B2"),
    ]
    assert set(shown[0].model_dump()) == {"resident_id", "name", "building"}  # no account flag
    assert [p.resident_id for p in found("王阿姨", "B2")] == [namesake]
    assert [p.resident_id for p in found("王阿姨", "2号楼")] == [namesake]  # or its name
    assert found("王阿姨", "B3") == []  # the erased one is never found
    assert len(found("张伟")) == 5  # a handful: the building narrows it
    # An account holder is found by the roster name, shown by that name (not linked to
    # their display name), with no hint that an account exists.
    assert [(p.resident_id, p.name) for p in found("resident2 name")] == [
        (people["resident2"].resident_id, "resident2 name")
    ]
    # Staff keep the search by part of a name, with the account flag; never erased rows.
    staff = found("王", actor=people["moderator"])
    assert [p.resident_id for p in staff] == [
        aunt,
        namesake,
        staff[2].resident_id,
    ]  # and the sister
    assert all(p.has_account is False for p in staff)
    assert len(found("张", actor=people["moderator"])) == 7


def test_a_residents_download_and_deletion_cover_their_volunteering(people, team):
    import io
    import zipfile

    from core.data_rights import delete_account, export_my_data

    resident = people["resident"]
    request_to_join(actor=resident, organisation_id=team["id"], message="我会修自行车")
    activity_id = post(team["coordinator"], team["id"], start=-2)
    record_hours_for(
        actor=team["coordinator"],
        activity_id=activity_id,
        resident_id=resident.resident_id,
        hours=1.5,
    )
    with zipfile.ZipFile(io.BytesIO(export_my_data(actor=resident))) as archive:
        files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    assert "我会修自行车" in files["organisation_memberships.csv"]
    assert "1.5" in files["volunteer_hours.csv"]
    delete_account(actor=resident, confirm_username="resident1")
    assert member_row(team["id"], resident.resident_id).message == ""


def test_the_read_model_says_where_the_viewer_stands_and_when_hours_can_be_recorded(people, team):
    resident = people["resident"]

    def page():
        return get_organisation(viewer=resident, organisation_id=team["id"])

    assert not (page().is_member or page().request_pending or page().was_declined)
    request_to_join(actor=resident, organisation_id=team["id"])
    assert page().request_pending and not page().is_member
    request = member_row(team["id"], resident.resident_id).id
    decide_request(actor=team["coordinator"], request_id=request, accept=False)
    assert page().was_declined and not page().request_pending
    request_to_join(actor=resident, organisation_id=team["id"])
    decide_request(actor=team["coordinator"], request_id=request, accept=True)
    assert page().is_member
    ahead, under_way, long_ago = (
        post(team["coordinator"], team["id"], start=start) for start in (24, -1, -1)
    )
    move(long_ago, start=-24 * 40)  # ended more than the 30 days' window ago
    shown = {a.id: a.recordable for a in page().upcoming_activities + page().past_activities}
    assert shown == {ahead: False, under_way: True, long_ago: False}
