"""Moderation: hiding comments, dismissing flags, blocking accounts, the queues, and that
only staff may do any of it."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.accounts.sessions import principal_for
from core.discussion import add_comment, flag_comment, revisions, thread
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.moderation import (
    MAX_BLOCK_DAYS,
    block_user,
    blocked_users,
    dismiss_flags,
    flagged_comments,
    hide_comment,
    queue_sizes,
    review_queue,
    unblock_user,
)
from core.principal import ANONYMOUS, Principal
from core.proposals.commands import change_status, submit_proposal
from db.engine import read_session, write_session
from db.models import AuditEvent, Comment, CommentFlag, User, UserBlock
from db.models.base import utcnow
from tests.conftest import BODY, make_user, other_community, visitor

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.fixture
def flagged(people, proposal_id) -> int:
    """A comment by resident2, flagged by resident and by the admin."""
    comment_id = add_comment(
        actor=people["resident2"], proposal_id=proposal_id, body="你们这些人都是骗子！"
    )
    flag_comment(actor=people["resident"], comment_id=comment_id, reason="人身攻击")
    flag_comment(actor=people["admin"], comment_id=comment_id, reason="辱骂")
    return comment_id


# ---- helpers ----

TABLES = (Comment, CommentFlag, UserBlock, AuditEvent)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def snapshot() -> tuple:
    with read_session() as s:
        comments = [
            (c.id, c.body, c.hidden_at, c.hidden_reason, c.hidden_by)
            for c in s.exec(select(Comment).order_by(col(Comment.id)))
        ]
        flags = [
            (f.id, f.resolution, f.resolved_by, f.resolved_at)
            for f in s.exec(select(CommentFlag).order_by(col(CommentFlag.id)))
        ]
        users = [(u.id, u.blocked_until) for u in s.exec(select(User).order_by(col(User.id)))]
    return tuple(count(model) for model in TABLES), comments, flags, users


def last_audit() -> AuditEvent:
    with read_session() as s:
        return s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()


def view(viewer: Principal, proposal_id: int, comment_id: int):
    return next(c for c in thread(viewer=viewer, proposal_id=proposal_id) if c.id == comment_id)


def current(person: Principal) -> Principal:
    """The principal the next page run builds for this person."""
    with read_session() as s:
        return principal_for(s.get(User, person.user_id), session_id=person.session_id)


# ---- hiding comments ----


def test_hide_shows_the_reason_to_everyone_and_the_text_to_moderators(people, proposal_id, flagged):
    assert [c.flags for c in flagged_comments(actor=people["moderator"])] == [2]
    hide_comment(actor=people["moderator"], comment_id=flagged, reason="  人身攻击  ")
    for viewer in (visitor(people), people["resident"], people["resident2"], people["researcher"]):
        c = view(viewer, proposal_id, flagged)
        assert (c.state, c.body, c.hidden_reason, c.original, c.can_edit) == (
            "hidden",
            None,
            "人身攻击",
            None,
            False,
        )
    for viewer in (people["moderator"], people["admin"]):
        c = view(viewer, proposal_id, flagged)
        assert (c.state, c.body, c.hidden_reason, c.original) == (
            "hidden",
            None,
            "人身攻击",
            "你们这些人都是骗子！",
        )
    with read_session() as s:
        flags = s.exec(select(CommentFlag)).all()
    assert {(f.resolution, f.resolved_by) for f in flags} == {
        ("hidden", people["moderator"].user_id)
    }
    assert all(f.resolved_at is not None for f in flags)
    assert flagged_comments(actor=people["moderator"]) == []
    event = last_audit()
    assert (event.action, event.object_id, event.actor_user_id) == (
        "comment.hide",
        str(flagged),
        people["moderator"].user_id,
    )
    assert '"flags":2' in event.payload


def test_hidden_comment_revisions_only_for_moderators(people, proposal_id):
    from core.discussion import edit_comment

    comment_id = add_comment(actor=people["resident2"], proposal_id=proposal_id, body="第一版")
    edit_comment(actor=people["resident2"], comment_id=comment_id, body="第二版，骂人的")
    hide_comment(actor=people["admin"], comment_id=comment_id, reason="辱骂")
    assert revisions(viewer=people["resident"], comment_id=comment_id) == []
    assert revisions(viewer=people["resident2"], comment_id=comment_id) == []
    assert [r.body for r in revisions(viewer=people["moderator"], comment_id=comment_id)] == [
        "第一版"
    ]
    for who in ("resident", "resident2", "moderator"):  # the thread carries the same revisions
        assert view(people[who], proposal_id, comment_id).revisions == revisions(
            viewer=people[who], comment_id=comment_id
        )
    with pytest.raises(Conflict) as raised:
        edit_comment(actor=people["resident2"], comment_id=comment_id, body="改好了")
    assert raised.value.key == "comment.not_editable"


@pytest.mark.parametrize("reason", [None, "", "   ", "\u200b"])
def test_hiding_needs_a_reason(people, flagged, reason):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        hide_comment(actor=people["moderator"], comment_id=flagged, reason=reason)
    assert (raised.value.key, raised.value.field) == ("field.required", "reason")
    assert snapshot() == before


def test_hiding_twice_is_refused(people, flagged):
    hide_comment(actor=people["moderator"], comment_id=flagged, reason="辱骂")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        hide_comment(actor=people["admin"], comment_id=flagged, reason="再隐藏一次")
    assert raised.value.key == "comment.already_hidden"
    with pytest.raises(NotFound):
        hide_comment(actor=people["admin"], comment_id=99999, reason="不存在")
    assert snapshot() == before


def test_an_unflagged_comment_can_be_hidden(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="广告广告")
    hide_comment(actor=people["moderator"], comment_id=comment_id, reason="广告")
    assert view(people["resident"], proposal_id, comment_id).state == "hidden"
    assert '"flags":0' in last_audit().payload


# ---- dismissing flags ----


def test_dismiss_flags_keeps_the_comment(people, proposal_id, flagged):
    assert dismiss_flags(actor=people["admin"], comment_id=flagged) == 2
    with read_session() as s:
        flags = s.exec(select(CommentFlag)).all()
    assert {(f.resolution, f.resolved_by) for f in flags} == {
        ("dismissed", people["admin"].user_id)
    }
    assert view(people["resident"], proposal_id, flagged).state == "visible"
    assert flagged_comments(actor=people["moderator"]) == []
    assert (last_audit().action, last_audit().object_id) == ("comment.dismiss_flags", str(flagged))
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        dismiss_flags(actor=people["moderator"], comment_id=flagged)
    assert raised.value.key == "flag.none_open"
    assert snapshot() == before


def test_dismissing_an_unflagged_comment(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="正常评论")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        dismiss_flags(actor=people["moderator"], comment_id=comment_id)
    assert raised.value.key == "flag.none_open"
    assert snapshot() == before


# ---- the queues ----


def test_flagged_comments_group_flags_per_comment(people, proposal_id, flagged):
    quiet = add_comment(actor=people["resident"], proposal_id=proposal_id, body="另一条")
    flag_comment(actor=people["resident2"], comment_id=quiet, reason="跑题")
    items = flagged_comments(actor=people["moderator"])
    assert [(i.comment_id, i.flags, sorted(i.reasons), i.author) for i in items] == [
        (flagged, 2, sorted(["人身攻击", "辱骂"]), "resident2 name"),
        (quiet, 1, ["跑题"], "resident1 name"),
    ]
    assert (
        items[0].body == "你们这些人都是骗子！" and items[0].proposal_title == "修好3号楼的楼道灯"
    )
    assert queue_sizes(actor=people["moderator"]) == {"flags": 2, "review": 1}


def test_review_queue_lists_new_and_reviewed_proposals(people, proposal_id):
    second = submit_proposal(
        actor=people["resident"],
        kind="proposal",
        title="增加儿童游乐设施",
        body=BODY,
        category="children",
    )
    third = submit_proposal(
        actor=people["resident"],
        kind="proposal",
        title="开放社区活动室",
        body=BODY,
        category="culture",
    )
    change_status(actor=people["moderator"], proposal_id=second, to_status="under_review")
    change_status(actor=people["moderator"], proposal_id=third, to_status="open_for_discussion")
    queue = review_queue(actor=people["admin"])
    assert [(i.proposal_id, i.status) for i in queue] == [
        (proposal_id, "submitted"),
        (second, "under_review"),
    ]


# ---- blocking ----


def test_block_list_and_unblock(people, proposal_id):
    moderator = people["moderator"]
    until = block_user(actor=moderator, username="  Resident2 ", days=7, reason="反复辱骂他人")
    assert timedelta(days=7) - timedelta(minutes=1) < until - utcnow() <= timedelta(days=7)
    [listed] = blocked_users(actor=moderator)
    assert (listed.user_id, listed.username, listed.reason) == (
        people["resident2"].user_id,
        "resident2",
        "反复辱骂他人",
    )
    assert abs(listed.until - until) < timedelta(seconds=1)
    event = last_audit()
    assert (event.action, event.object_id) == ("user.block", str(people["resident2"].user_id))
    assert '"days":7' in event.payload
    with pytest.raises(PermissionDenied):
        add_comment(actor=current(people["resident2"]), proposal_id=proposal_id, body="我被封了吗")
    # A second block replaces the end date; the history keeps both.
    block_user(actor=people["admin"], username="resident2", days=30, reason="继续辱骂")
    assert count(UserBlock) == 2
    assert [b.reason for b in blocked_users(actor=moderator)] == ["继续辱骂"]
    unblock_user(actor=moderator, user_id=people["resident2"].user_id)
    assert blocked_users(actor=moderator) == []
    assert last_audit().action == "user.unblock"
    add_comment(actor=current(people["resident2"]), proposal_id=proposal_id, body="解封了")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        unblock_user(actor=moderator, user_id=people["resident2"].user_id)
    assert raised.value.key == "moderation.not_blocked"
    with pytest.raises(NotFound):
        unblock_user(actor=moderator, user_id=99999)
    assert snapshot() == before


@pytest.mark.parametrize(
    "days", [0, -1, MAX_BLOCK_DAYS + 1, 1.5, True, False, "7", None, float("nan")]
)
def test_block_days_out_of_range(people, days):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        block_user(actor=people["moderator"], username="resident2", days=days, reason="辱骂")
    assert (raised.value.key, raised.value.field) == ("field.out_of_range", "block_days")
    assert snapshot() == before


@pytest.mark.parametrize("days", [1, MAX_BLOCK_DAYS])
def test_block_days_at_the_limits(people, days):
    until = block_user(actor=people["moderator"], username="resident2", days=days, reason="辱骂")
    assert abs(until - utcnow() - timedelta(days=days)) < timedelta(minutes=1)


def test_block_refusals_write_nothing(people):
    make_user(other_community(), "outsider")
    before = snapshot()
    cases = [
        ("nobody.here", NotFound, "moderation.no_such_user"),
        ("", NotFound, "moderation.no_such_user"),
        ("outsider", NotFound, "moderation.no_such_user"),
        ("moderator1", Conflict, "moderation.only_residents"),
        ("admin1", Conflict, "moderation.only_residents"),
        ("researcher1", Conflict, "moderation.only_residents"),
    ]
    for username, error, key in cases:
        with pytest.raises(error) as raised:
            block_user(actor=people["moderator"], username=username, days=3, reason="测试")
        assert raised.value.key == key, username
    with pytest.raises(InvalidInput) as raised:
        block_user(actor=people["moderator"], username="resident2", days=3, reason=" ")
    assert raised.value.key == "field.required"
    assert snapshot() == before
    assert blocked_users(actor=people["moderator"]) == []


def test_an_expired_block_is_not_listed(people):
    block_user(actor=people["moderator"], username="resident2", days=1, reason="辱骂")
    with write_session() as s:
        s.get(User, people["resident2"].user_id).blocked_until = utcnow() - timedelta(seconds=1)
    assert blocked_users(actor=people["moderator"]) == []
    with pytest.raises(Conflict) as raised:
        unblock_user(actor=people["moderator"], user_id=people["resident2"].user_id)
    assert raised.value.key == "moderation.not_blocked"


# ---- only staff moderate ----

STAFF_ONLY = {
    "hide_comment": lambda who, c, p: hide_comment(actor=who, comment_id=c, reason="辱骂"),
    "dismiss_flags": lambda who, c, p: dismiss_flags(actor=who, comment_id=c),
    "block_user": lambda who, c, p: block_user(
        actor=who, username="resident2", days=3, reason="辱骂"
    ),
    "unblock_user": lambda who, c, p: unblock_user(actor=who, user_id=p["resident2"].user_id),
    "blocked_users": lambda who, c, p: blocked_users(actor=who),
    "flagged_comments": lambda who, c, p: flagged_comments(actor=who),
    "review_queue": lambda who, c, p: review_queue(actor=who),
    "queue_sizes": lambda who, c, p: queue_sizes(actor=who),
}


@pytest.mark.parametrize("command", sorted(STAFF_ONLY))
def test_only_staff_moderate(people, flagged, command):
    if command == "unblock_user":
        block_user(actor=people["moderator"], username="resident2", days=3, reason="辱骂")
    run = STAFF_ONLY[command]
    before = snapshot()
    for role in ("resident", "resident2", "researcher"):
        with pytest.raises(PermissionDenied):
            run(people[role], flagged, people)
    with pytest.raises(PermissionDenied):
        run(ANONYMOUS, flagged, people)
    assert snapshot() == before
    run(people["moderator"], flagged, people)  # and the same call is fine for a moderator
