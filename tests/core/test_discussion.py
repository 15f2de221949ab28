"""Discussion threads: nesting and reading order, closed threads, text limits, the rate
limit, edits with revisions, deletion, reactions, flags, and blocked accounts."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.accounts.sessions import principal_for
from core.discussion import (
    COMMENT_MAX,
    RATE_PER_HOUR,
    RATE_PER_MINUTE,
    add_comment,
    delete_comment,
    edit_comment,
    flag_comment,
    react,
    revisions,
    thread,
)
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.principal import Principal
from core.proposals import lifecycle
from core.proposals.commands import follow_proposal, submit_proposal, support_proposal
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    Comment,
    CommentFlag,
    CommentReaction,
    CommentRevision,
    ParticipationEvent,
    Proposal,
    Support,
    User,
)
from db.models.base import utcnow
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import BODY, visitor

pytestmark = pytest.mark.usefixtures("quick_accounts")


# ---- helpers ----

TABLES = (
    Comment,
    CommentRevision,
    CommentReaction,
    CommentFlag,
    AuditEvent,
    ParticipationEvent,
    Support,
    Proposal,
)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def snapshot() -> tuple:
    """Row counts of the tables a discussion command writes, and every comment's state."""
    with read_session() as s:
        comments = [
            (c.id, c.body, c.agree_count, c.disagree_count, c.edited_at, c.deleted_at, c.hidden_at)
            for c in s.exec(select(Comment).order_by(col(Comment.id)))
        ]
        comment_counts = list(s.exec(select(Proposal.comment_count).order_by(col(Proposal.id))))
    return tuple(count(model) for model in TABLES), comments, comment_counts


def audit_actions() -> list[str]:
    with read_session() as s:
        return list(s.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq))))


def set_status(proposal_id: int, status: str) -> None:
    with write_session() as s:
        s.get(Proposal, proposal_id).status = status


def backdate_comments(minutes: int) -> None:
    """Move every comment `minutes` into the past (in Python: no dialect's date arithmetic)."""
    with write_session() as s:
        for comment in s.exec(select(Comment)).all():
            comment.created_at = comment.created_at - timedelta(minutes=minutes)


def blocked(person: Principal, until) -> Principal:
    """The person's principal as the next page run would build it after a (un)block."""
    with write_session() as s:
        s.get(User, person.user_id).blocked_until = until
    with read_session() as s:
        return principal_for(s.get(User, person.user_id), session_id=person.session_id)


def view(viewer: Principal, proposal_id: int, comment_id: int):
    return next(c for c in thread(viewer=viewer, proposal_id=proposal_id) if c.id == comment_id)


# ---- comments, replies and reading order ----


def test_comment_is_written_counted_and_audited(people, proposal_id):
    before_audit = len(audit_actions())
    comment_id = add_comment(
        actor=people["resident"], proposal_id=proposal_id, body="  同意，\r\n晚上确实很黑。\n\n  "
    )
    [c] = thread(viewer=people["resident"], proposal_id=proposal_id)
    assert (c.id, c.body, c.depth, c.parent_id, c.state, c.author) == (
        comment_id,
        "同意，\n晚上确实很黑。",
        0,
        None,
        "visible",
        "resident1 name",
    )
    assert c.can_edit and not c.edited and (c.agree, c.disagree, c.my_reaction) == (0, 0, 0)
    assert not view(people["resident2"], proposal_id, comment_id).can_edit
    with read_session() as s:
        assert s.get(Proposal, proposal_id).comment_count == 1
        event = s.exec(select(ParticipationEvent).where(ParticipationEvent.kind == "comment")).one()
    assert (event.resident_id, event.object_type, event.object_id) == (
        people["resident"].resident_id,
        "comment",
        comment_id,
    )
    assert audit_actions()[before_audit:] == ["comment.add"]


def test_replies_nest_and_thread_reads_each_subtree_in_place(people, proposal_id):
    r, r2, mod, admin = (people[k] for k in ("resident", "resident2", "moderator", "admin"))

    def say(who, body, parent=None):
        return add_comment(actor=who, proposal_id=proposal_id, body=body, parent_id=parent)

    a = say(r, "A")
    b = say(r2, "B")
    a1 = say(mod, "A1", a)
    b1 = say(admin, "B1", b)
    a2 = say(r2, "A2", a)
    a1x = say(admin, "A1x", a1)
    a1x_deep = say(r, "A1x-deep", a1x)
    b2 = say(mod, "B2", b)
    comments = thread(viewer=visitor(people), proposal_id=proposal_id)
    assert [(c.id, c.body, c.depth, c.parent_id) for c in comments] == [
        (a, "A", 0, None),
        (a1, "A1", 1, a),
        (a1x, "A1x", 2, a1),
        (a1x_deep, "A1x-deep", 3, a1x),
        (a2, "A2", 1, a),
        (b, "B", 0, None),
        (b1, "B1", 1, b),
        (b2, "B2", 1, b),
    ]
    assert not any(c.can_edit for c in comments)
    with read_session() as s:
        assert s.get(Proposal, proposal_id).comment_count == 8
    # A fourth level and beyond still nest.
    deeper = say(mod, "deeper", a1x_deep)
    assert view(r, proposal_id, deeper).depth == 4
    assert [c.id for c in thread(viewer=r, proposal_id=proposal_id)][:5] == [
        a,
        a1,
        a1x,
        a1x_deep,
        deeper,
    ]


def test_reply_must_be_to_a_comment_of_the_same_proposal(people, proposal_id):
    other = submit_proposal(
        actor=people["admin"],
        kind="proposal",
        title="增加儿童游乐设施",
        body=BODY,
        category="children",
    )
    elsewhere = add_comment(actor=people["resident"], proposal_id=other, body="支持")
    before = snapshot()
    for parent in (elsewhere, 99999, "1"):
        with pytest.raises(InvalidInput) as raised:
            add_comment(
                actor=people["resident2"], proposal_id=proposal_id, body="回复", parent_id=parent
            )
        assert (raised.value.key, raised.value.field) == ("comment.parent_elsewhere", "parent")
    with pytest.raises(NotFound):
        add_comment(actor=people["resident2"], proposal_id=99999, body="回复")
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_closed_threads_take_no_comments(people, proposal_id, status):
    first = add_comment(actor=people["resident"], proposal_id=proposal_id, body="第一条")
    set_status(proposal_id, status)
    if status not in ("withdrawn", "merged", "archived"):
        add_comment(
            actor=people["resident2"], proposal_id=proposal_id, body="还可以评论", parent_id=first
        )
        assert len(thread(viewer=visitor(people), proposal_id=proposal_id)) == 2
        return
    assert status in lifecycle.DISCUSSION_CLOSED
    before = snapshot()
    for parent in (None, first):
        with pytest.raises(Conflict) as raised:
            add_comment(
                actor=people["resident2"], proposal_id=proposal_id, body="太晚了", parent_id=parent
            )
        assert raised.value.key == "comment.closed"
    for attempt in (
        lambda: react(actor=people["resident2"], comment_id=first, value=1),
        lambda: edit_comment(actor=people["resident"], comment_id=first, body="改一下"),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == "comment.closed"
    assert snapshot() == before


@pytest.mark.parametrize(
    "body, key",
    [
        ("", "field.required"),
        (None, "field.required"),
        ("  \n\t \n ", "field.required"),
        ("\u200b\u200c\u200d\ufeff", "field.required"),
        ("x" * (COMMENT_MAX + 1), "field.too_long"),
        ("说" * (1024 * 1024), "field.too_long"),
        ("x" * (1024 * 1024), "field.too_long"),
        ("bad \x00 byte", "field.bad_characters"),
        ("bad \ud800 surrogate", "field.bad_characters"),
        (12345, "field.bad_characters"),
    ],
)
def test_bad_comments_write_nothing(people, proposal_id, body, key):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        add_comment(actor=people["resident"], proposal_id=proposal_id, body=body)
    assert (raised.value.key, raised.value.field) == (key, "comment")
    assert snapshot() == before


def test_longest_comment_is_accepted(people, proposal_id):
    comment_id = add_comment(
        actor=people["resident"], proposal_id=proposal_id, body="长" * COMMENT_MAX
    )
    assert view(people["resident"], proposal_id, comment_id).body == "长" * COMMENT_MAX


# ---- the rate limit ----


def test_rate_limit_per_minute_then_per_hour(people, proposal_id):
    author = people["resident"]
    for index in range(RATE_PER_MINUTE):
        add_comment(actor=author, proposal_id=proposal_id, body=f"第{index}条")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        add_comment(actor=author, proposal_id=proposal_id, body="再来一条")
    assert (raised.value.key, raised.value.params) == ("comment.rate_limited", {"minutes": 1})
    assert snapshot() == before
    # Others are not limited by this author's pace.
    add_comment(actor=people["resident2"], proposal_id=proposal_id, body="我也说一句")
    # A minute later the author may post again...
    backdate_comments(2)
    add_comment(actor=author, proposal_id=proposal_id, body="一分钟后")
    # ...but the hour still counts every comment: fill it up to the hourly limit.
    mine = count(Comment, Comment.author_id == author.user_id)
    with write_session() as s:
        s.add_all(
            Comment(
                proposal_id=proposal_id,
                author_id=author.user_id,
                body=f"旧{i}",
                created_at=utcnow() - timedelta(minutes=30),
            )
            for i in range(RATE_PER_HOUR - mine)
        )
    assert count(Comment, Comment.author_id == author.user_id) == RATE_PER_HOUR
    backdate_comments(2)  # nothing inside the last minute
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        add_comment(actor=author, proposal_id=proposal_id, body="一小时内太多了")
    assert (raised.value.key, raised.value.params) == ("comment.rate_limited", {"minutes": 60})
    assert snapshot() == before
    backdate_comments(60)
    add_comment(actor=author, proposal_id=proposal_id, body="一小时后")


def test_rate_limit_counts_deleted_comments(people, proposal_id):
    author = people["resident"]
    for index in range(RATE_PER_MINUTE):
        delete_comment(
            actor=author,
            comment_id=add_comment(actor=author, proposal_id=proposal_id, body=f"第{index}条"),
        )
    with pytest.raises(Conflict) as raised:
        add_comment(actor=author, proposal_id=proposal_id, body="删了再发")
    assert raised.value.key == "comment.rate_limited"


# ---- editing and deleting ----


def test_edits_keep_revisions_oldest_first(people, proposal_id):
    author = people["resident"]
    comment_id = add_comment(actor=author, proposal_id=proposal_id, body="第一版")
    edit_comment(actor=author, comment_id=comment_id, body="第二版")
    edit_comment(actor=author, comment_id=comment_id, body="第二版")  # unchanged: no revision
    edit_comment(actor=author, comment_id=comment_id, body="第三版")
    assert [r.body for r in revisions(viewer=people["resident2"], comment_id=comment_id)] == [
        "第一版",
        "第二版",
    ]
    stamps = [r.created_at for r in revisions(viewer=author, comment_id=comment_id)]
    assert stamps == sorted(stamps)
    c = view(people["resident2"], proposal_id, comment_id)
    assert (c.body, c.edited) == ("第三版", True)
    assert c.revisions == revisions(viewer=people["resident2"], comment_id=comment_id)
    assert audit_actions()[-2:] == ["comment.edit", "comment.edit"]
    assert audit_actions().count("comment.edit") == 2


def test_only_the_author_edits(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="原文")
    before = snapshot()
    for who in (people["resident2"], people["moderator"], people["admin"]):
        with pytest.raises(PermissionDenied) as raised:
            edit_comment(actor=who, comment_id=comment_id, body="别人改的")
        assert raised.value.action == "comment.edit"
    for who in (people["resident2"], people["moderator"]):
        with pytest.raises(PermissionDenied) as raised:
            delete_comment(actor=who, comment_id=comment_id)
        assert raised.value.action == "comment.delete"
    with pytest.raises(InvalidInput):
        edit_comment(actor=people["resident"], comment_id=comment_id, body="\u200b")
    assert snapshot() == before
    assert view(people["resident"], proposal_id, comment_id).body == "原文"


def test_delete_keeps_the_place_and_the_replies(people, proposal_id):
    author = people["resident"]
    parent = add_comment(actor=author, proposal_id=proposal_id, body="说错了的话")
    edit_comment(actor=author, comment_id=parent, body="还是说错了")
    reply = add_comment(
        actor=people["resident2"], proposal_id=proposal_id, body="回复你", parent_id=parent
    )
    deeper = add_comment(actor=author, proposal_id=proposal_id, body="再回复", parent_id=reply)
    assert count(CommentRevision) == 1
    delete_comment(actor=author, comment_id=parent)
    comments = thread(viewer=people["moderator"], proposal_id=proposal_id)
    assert [(c.id, c.state, c.body, c.depth) for c in comments] == [
        (parent, "deleted", None, 0),
        (reply, "visible", "回复你", 1),
        (deeper, "visible", "再回复", 2),
    ]
    assert comments[0].original is None and not comments[0].can_edit
    assert comments[0].revisions == []
    assert count(CommentRevision) == 0 and count(Comment) == 3
    assert revisions(viewer=people["moderator"], comment_id=parent) == []
    with read_session() as s:
        assert s.get(Comment, parent).body in ("", None)  # the text itself is gone
    assert audit_actions()[-1] == "comment.delete"
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        delete_comment(actor=author, comment_id=parent)
    assert raised.value.key == "comment.already_deleted"
    for attempt in (
        lambda: edit_comment(actor=author, comment_id=parent, body="复活"),
        lambda: react(actor=people["resident2"], comment_id=parent, value=1),
        lambda: flag_comment(actor=people["resident2"], comment_id=parent, reason="广告"),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.key == "comment.not_editable"
    assert snapshot() == before
    # Replying under a deleted comment keeps the conversation going.
    again = add_comment(
        actor=people["resident2"], proposal_id=proposal_id, body="还在", parent_id=parent
    )
    assert view(author, proposal_id, again).depth == 1


# ---- reactions ----


def test_react_take_back_and_switch(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="同意吗？")
    reader = people["resident2"]

    def counts(who=reader):
        c = view(who, proposal_id, comment_id)
        return c.agree, c.disagree, c.my_reaction

    react(actor=reader, comment_id=comment_id, value=1)
    assert counts() == (1, 0, 1)
    assert counts(people["resident"]) == (1, 0, 0)
    react(actor=reader, comment_id=comment_id, value=1)  # same again: taken back
    assert counts() == (0, 0, 0) and count(CommentReaction) == 0
    react(actor=reader, comment_id=comment_id, value=-1)
    assert counts() == (0, 1, -1)
    react(actor=reader, comment_id=comment_id, value=1)  # switch
    assert counts() == (1, 0, 1) and count(CommentReaction) == 1
    react(actor=people["moderator"], comment_id=comment_id, value=-1)
    assert counts() == (1, 1, 1)
    assert count(ParticipationEvent, ParticipationEvent.kind == "reaction") == 4


def test_react_refusals_write_nothing(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="我的评论")
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        react(actor=people["resident"], comment_id=comment_id, value=1)
    assert raised.value.key == "reaction.own_comment"
    for value in (0, 2, -2, "1", None, 1.5):
        with pytest.raises(InvalidInput) as raised:
            react(actor=people["resident2"], comment_id=comment_id, value=value)
        assert raised.value.key == "field.not_a_choice"
    with pytest.raises(PermissionDenied):
        react(actor=people["researcher"], comment_id=comment_id, value=1)
    with pytest.raises(NotFound):
        react(actor=people["resident2"], comment_id=99999, value=1)
    assert snapshot() == before


# ---- flags ----


def test_flag_once_per_person(people, proposal_id):
    comment_id = add_comment(actor=people["resident"], proposal_id=proposal_id, body="过分的话")
    flag_comment(actor=people["resident2"], comment_id=comment_id, reason="人身攻击")
    assert audit_actions()[-1] == "comment.flag"
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        flag_comment(actor=people["resident2"], comment_id=comment_id, reason="再举报一次")
    assert raised.value.key == "flag.already"
    with pytest.raises(Conflict) as raised:
        flag_comment(actor=people["resident"], comment_id=comment_id, reason="举报自己")
    assert raised.value.key == "flag.own_comment"
    with pytest.raises(InvalidInput) as raised:
        flag_comment(actor=people["admin"], comment_id=comment_id, reason="  ")
    assert raised.value.key == "field.required"
    assert snapshot() == before
    flag_comment(actor=people["admin"], comment_id=comment_id, reason="广告")
    with read_session() as s:
        flags = s.exec(
            select(CommentFlag.user_id, CommentFlag.reason).order_by(col(CommentFlag.id))
        ).all()
    assert [tuple(f) for f in flags] == [
        (people["resident2"].user_id, "人身攻击"),
        (people["admin"].user_id, "广告"),
    ]
    assert view(people["resident2"], proposal_id, comment_id).state == "visible"


# ---- blocked accounts ----


def test_a_blocked_resident_can_read_but_not_take_part(people, proposal_id):
    theirs = add_comment(actor=people["resident"], proposal_id=proposal_id, body="我的评论")
    other = add_comment(actor=people["resident2"], proposal_id=proposal_id, body="别人的评论")
    person = blocked(people["resident"], utcnow() + timedelta(days=3))
    assert person.blocked_until is not None
    before = snapshot()
    attempts = {
        "comment": lambda: add_comment(actor=person, proposal_id=proposal_id, body="被封了"),
        "reply": lambda: add_comment(
            actor=person, proposal_id=proposal_id, body="被封了", parent_id=other
        ),
        "support": lambda: support_proposal(actor=person, proposal_id=proposal_id),
        "submit": lambda: submit_proposal(
            actor=person, kind="proposal", title="新的建议标题", body=BODY, category="other"
        ),
        "edit": lambda: edit_comment(actor=person, comment_id=theirs, body="改一下"),
        "react": lambda: react(actor=person, comment_id=other, value=1),
        "flag": lambda: flag_comment(actor=person, comment_id=other, reason="举报"),
    }
    for attempt in attempts.values():
        with pytest.raises(PermissionDenied):
            attempt()
    assert snapshot() == before
    assert len(thread(viewer=person, proposal_id=proposal_id)) == 2  # reading still works
    follow_proposal(actor=person, proposal_id=proposal_id)  # following is not taking part


def test_a_block_that_has_ended_no_longer_counts(people, proposal_id):
    person = blocked(people["resident"], utcnow() - timedelta(minutes=1))
    comment_id = add_comment(actor=person, proposal_id=proposal_id, body="又可以说话了")
    assert support_proposal(actor=person, proposal_id=proposal_id).support_count == 1
    submit_proposal(
        actor=person, kind="proposal", title="新的建议标题", body=BODY, category="other"
    )
    assert view(person, proposal_id, comment_id).body == "又可以说话了"


def test_boolean_reaction_is_refused(people, proposal_id):
    from core.discussion import react

    comment = add_comment(actor=people["resident"], proposal_id=proposal_id, body="一条评论")
    with pytest.raises(InvalidInput):
        react(actor=people["resident2"], comment_id=comment, value=True)


def test_a_hidden_comment_cannot_be_deleted_by_its_author(people, proposal_id):
    from core.discussion import delete_comment
    from core.moderation import hide_comment

    comment = add_comment(actor=people["resident"], proposal_id=proposal_id, body="过分的话")
    hide_comment(actor=people["moderator"], comment_id=comment, reason="人身攻击")
    with pytest.raises(Conflict):
        delete_comment(actor=people["resident"], comment_id=comment)
    hidden = [
        c for c in thread(viewer=people["moderator"], proposal_id=proposal_id) if c.id == comment
    ][0]
    assert hidden.original == "过分的话"


def test_thread_of_another_community_is_empty(people, proposal_id):
    from core.principal import Principal

    add_comment(actor=people["resident"], proposal_id=proposal_id, body="本社区的评论")
    stranger = Principal(user_id=None, role="anonymous", community_id=999)
    assert thread(viewer=stranger, proposal_id=proposal_id) == []
