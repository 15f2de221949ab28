"""Announcements: publishing, pinning and withdrawing (staff only, validated, audited, nothing
half-written), and reading them: filters, order, withdrawn ones, the home page's pinned list."""

import json

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.announcements import (
    HOME_LIMIT,
    get_announcement,
    list_announcements,
    pinned_for_home,
    publish_announcement,
    set_pinned,
    withdraw_announcement,
)
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.principal import Principal
from db.engine import read_session
from db.models import Announcement, AuditEvent
from tests.conftest import make_user, other_community, visitor

pytestmark = pytest.mark.usefixtures("quick_accounts")

BODY = "下周六上午九点在社区广场召开**议事会**，讨论停车位划分方案。"


def publish(actor: Principal, title: str = "停车位划分议事会", **overrides) -> int:
    values = dict(kind="event", title=title, body=BODY)
    values.update(overrides)
    return publish_announcement(actor=actor, **values)


def snapshot() -> tuple:
    """Everything an announcement command may write."""
    with read_session() as s:
        rows = [
            (
                a.id,
                a.kind,
                a.title,
                a.body,
                a.building_id,
                a.pinned,
                a.withdrawn_at,
                a.withdrawn_reason,
            )
            for a in s.exec(select(Announcement).order_by(col(Announcement.id)))
        ]
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return rows, events


def audit_events(action: str) -> list[tuple[str, dict]]:
    with read_session() as s:
        return [
            (e.object_id, json.loads(e.payload))
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
            )
        ]


@pytest.fixture
def elsewhere(database) -> dict:
    """A second community with one building and its own moderator."""
    ids = other_community()
    ids["moderator"] = make_user(ids, "othermod", "moderator")
    return ids


@pytest.fixture
def neighbour(community) -> Principal:
    """A resident of the second building."""
    return make_user({**community, "buildings": community["buildings"][1:]}, "neighbour")


# --- publishing ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_staff_publish_and_it_is_audited(people, community, role):
    building = community["buildings"][1]
    announcement_id = publish(
        people[role],
        kind="decision",
        title="  停车 方案\u200b  ",
        building_id=building,
        pinned=True,
    )
    with read_session() as s:
        row = s.get(Announcement, announcement_id)
    assert (
        row.kind,
        row.title,
        row.body,
        row.building_id,
        row.pinned,
        row.author_id,
        row.community_id,
        row.withdrawn_at,
    ) == (
        "decision",
        "停车 方案",
        BODY,
        building,
        True,
        people[role].user_id,
        community["id"],
        None,
    )
    assert audit_events("announcement.publish") == [
        (
            str(announcement_id),
            {"title": "停车 方案", "kind": "decision", "building": "B2", "pinned": True},
        )
    ]


@pytest.mark.parametrize("role", ["resident", "researcher"])
def test_only_staff_publish_pin_and_withdraw(people, role):
    announcement_id = publish(people["moderator"])
    before = snapshot()
    for who in (people[role], visitor(people)):
        with pytest.raises(PermissionDenied):
            publish(who)
        with pytest.raises(PermissionDenied):
            set_pinned(actor=who, announcement_id=announcement_id, pinned=True)
        with pytest.raises(PermissionDenied):
            withdraw_announcement(actor=who, announcement_id=announcement_id, reason="错了")
    assert snapshot() == before


BAD_INPUTS = [
    ({"kind": "rumour"}, "field.not_a_choice", "kind"),
    ({"kind": None}, "field.not_a_choice", "kind"),
    ({"title": ""}, "field.required", "title"),
    ({"title": " \u200b "}, "field.required", "title"),
    ({"title": "x" * 121}, "field.too_long", "title"),
    ({"title": "通知\u202e"}, "field.bad_characters", "title"),
    ({"title": "通知\x00"}, "field.bad_characters", "title"),
    ({"title": 42}, "field.bad_characters", "title"),
    ({"body": ""}, "field.required", "body"),
    ({"body": "x" * 5001}, "field.too_long", "body"),
    ({"body": "x" * 100_000}, "field.too_long", "body"),
    ({"body": "正文\x07"}, "field.bad_characters", "body"),
    ({"building_id": 99999}, "field.not_a_choice", "building"),
    ({"building_id": "1"}, "field.not_a_choice", "building"),
    ({"building_id": True}, "field.not_a_choice", "building"),
]


@pytest.mark.parametrize("overrides, key, field", BAD_INPUTS)
def test_bad_input_is_refused_and_writes_nothing(people, overrides, key, field):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        publish(people["moderator"], **overrides)
    assert (raised.value.key, raised.value.field) == (key, field)
    assert snapshot() == before


def test_another_communitys_building_is_not_a_choice(people, elsewhere):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        publish(people["moderator"], building_id=elsewhere["buildings"][0])
    assert raised.value.field == "building"
    assert snapshot() == before


def test_a_body_of_exactly_the_maximum_is_accepted(people):
    announcement_id = publish(people["moderator"], title="x" * 120, body="y" * 5000)
    shown = get_announcement(viewer=people["resident"], announcement_id=announcement_id)
    assert (len(shown.title), len(shown.body)) == (120, 5000)


# --- pinning and withdrawing -----------------------------------------------------------------


def test_pin_and_unpin(people):
    moderator = people["moderator"]
    announcement_id = publish(moderator)
    set_pinned(actor=moderator, announcement_id=announcement_id, pinned=True)
    assert get_announcement(viewer=moderator, announcement_id=announcement_id).pinned
    before = snapshot()
    set_pinned(actor=people["admin"], announcement_id=announcement_id, pinned=True)
    assert snapshot() == before  # already pinned: nothing changes, nothing recorded
    set_pinned(actor=moderator, announcement_id=announcement_id, pinned=False)
    assert not get_announcement(viewer=moderator, announcement_id=announcement_id).pinned
    assert audit_events("announcement.pin") == [
        (str(announcement_id), {"pinned": True}),
        (str(announcement_id), {"pinned": False}),
    ]


def test_withdraw_keeps_the_reason_and_unpins(people):
    moderator = people["moderator"]
    announcement_id = publish(moderator, pinned=True)
    withdraw_announcement(
        actor=moderator, announcement_id=announcement_id, reason="  时间改了，另行通知  "
    )
    shown = get_announcement(viewer=moderator, announcement_id=announcement_id)
    assert shown.withdrawn_at is not None and not shown.pinned
    assert shown.withdrawn_reason == "时间改了，另行通知"
    assert audit_events("announcement.withdraw") == [
        (str(announcement_id), {"reason": "时间改了，另行通知"})
    ]


def test_withdrawing_twice_or_pinning_a_withdrawn_one_is_a_conflict(people):
    moderator = people["moderator"]
    announcement_id = publish(moderator)
    withdraw_announcement(actor=moderator, announcement_id=announcement_id, reason="重复发布")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        withdraw_announcement(actor=moderator, announcement_id=announcement_id, reason="再撤")
    assert raised.value.key == "announcement.already_withdrawn"
    with pytest.raises(Conflict) as raised:
        set_pinned(actor=moderator, announcement_id=announcement_id, pinned=True)
    assert raised.value.key == "announcement.is_withdrawn"
    assert snapshot() == before


@pytest.mark.parametrize(
    "reason, key",
    [
        (None, "field.required"),
        ("  ", "field.required"),
        ("x" * 501, "field.too_long"),
        ("理由\u202e", "field.bad_characters"),
    ],
)
def test_withdrawing_needs_a_reason(people, reason, key):
    announcement_id = publish(people["moderator"])
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        withdraw_announcement(
            actor=people["moderator"], announcement_id=announcement_id, reason=reason
        )
    assert (raised.value.key, raised.value.field) == (key, "reason")
    assert snapshot() == before


def test_unknown_or_foreign_announcements_are_not_found(people, elsewhere):
    foreign = publish(elsewhere["moderator"])
    before = snapshot()
    for missing in (foreign, 99999, "1", None):
        with pytest.raises(NotFound):
            set_pinned(actor=people["moderator"], announcement_id=missing, pinned=True)
        with pytest.raises(NotFound):
            withdraw_announcement(
                actor=people["moderator"], announcement_id=missing, reason="不是我们的"
            )
        assert get_announcement(viewer=people["moderator"], announcement_id=missing) is None
    assert snapshot() == before
    assert list_announcements(viewer=people["resident"]) == []


# --- reading ---------------------------------------------------------------------------------


def test_pinned_first_then_newest_first(people):
    moderator = people["moderator"]
    first = publish(moderator, title="第一条")
    pinned = publish(moderator, title="置顶的一条", pinned=True)
    third = publish(moderator, title="第三条")
    shown = list_announcements(viewer=people["resident"])
    assert [a.id for a in shown] == [pinned, third, first]
    assert shown[0].author == "moderator1 name"
    assert (shown[0].building_code, shown[0].building_name) == (None, None)


def test_filter_by_building_keeps_community_wide_ones(people, community):
    moderator = people["moderator"]
    b1, b2 = community["buildings"][:2]
    everyone = publish(moderator, title="全社区")
    first = publish(moderator, title="一号楼", building_id=b1)
    second = publish(moderator, title="二号楼", building_id=b2)
    resident = people["resident"]
    assert [a.id for a in list_announcements(viewer=resident)] == [second, first, everyone]
    assert [a.id for a in list_announcements(viewer=resident, building_id=b1)] == [first, everyone]
    shown = list_announcements(viewer=resident, building_id=b2)
    assert [a.id for a in shown] == [second, everyone]
    assert (shown[0].building_code, shown[0].building_name) == ("B2", "2号楼")


def test_filter_by_kind(people):
    moderator = people["moderator"]
    decision = publish(moderator, kind="decision")
    publish(moderator, kind="event")
    result = publish(moderator, kind="result")
    assert [a.id for a in list_announcements(viewer=people["resident"], kind="decision")] == [
        decision
    ]
    assert [a.id for a in list_announcements(viewer=visitor(people), kind="result")] == [result]
    assert list_announcements(viewer=people["resident"], kind="notice") == []
    with pytest.raises(InvalidInput):
        list_announcements(viewer=people["resident"], kind="rumour")


def test_withdrawn_ones_only_for_staff_who_ask(people):
    moderator = people["moderator"]
    kept = publish(moderator, title="保留")
    gone = publish(moderator, title="撤回")
    withdraw_announcement(actor=moderator, announcement_id=gone, reason="发错了")
    for viewer in (people["resident"], people["researcher"], visitor(people)):
        assert [a.id for a in list_announcements(viewer=viewer, include_withdrawn=True)] == [kept]
        assert get_announcement(viewer=viewer, announcement_id=gone) is None
    assert [a.id for a in list_announcements(viewer=moderator)] == [kept]
    shown = list_announcements(viewer=people["admin"], include_withdrawn=True)
    assert [a.id for a in shown] == [gone, kept]
    assert shown[0].withdrawn_reason == "发错了"


def test_a_visitor_without_a_community_sees_the_default_one(people):
    announcement_id = publish(people["moderator"], pinned=True)
    nobody = Principal(user_id=None, role="anonymous")
    assert [a.id for a in list_announcements(viewer=nobody)] == [announcement_id]
    assert [a.id for a in pinned_for_home(viewer=nobody)] == [announcement_id]
    assert get_announcement(viewer=nobody, announcement_id=announcement_id).id == announcement_id


def test_home_shows_pinned_ones_for_everyone_and_the_viewers_building(people, community, neighbour):
    moderator = people["moderator"]
    b1, b2 = community["buildings"][:2]
    publish(moderator, title="未置顶")
    everyone = publish(moderator, title="全社区置顶", pinned=True)
    first = publish(moderator, title="一号楼置顶", building_id=b1, pinned=True)
    second = publish(moderator, title="二号楼置顶", building_id=b2, pinned=True)
    gone = publish(moderator, title="撤回的置顶", pinned=True)
    withdraw_announcement(actor=moderator, announcement_id=gone, reason="取消")
    assert [a.id for a in pinned_for_home(viewer=people["resident"])] == [first, everyone]
    assert [a.id for a in pinned_for_home(viewer=neighbour)] == [second, everyone]
    assert [a.id for a in pinned_for_home(viewer=visitor(people))] == [everyone]


def test_home_shows_at_most_five(people):
    ids = [publish(people["moderator"], title=f"置顶{i}", pinned=True) for i in range(7)]
    assert [a.id for a in pinned_for_home(viewer=people["resident"])] == ids[::-1][:HOME_LIMIT]
