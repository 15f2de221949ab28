"""A proposal's discussion thread: comments, replies, reactions, edits, flags."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from components.page import person, run_command, show_more, shown_count
from core.discussion import (
    CommentView,
    add_comment,
    delete_comment,
    edit_comment,
    flag_comment,
    react,
    thread,
)
from core.i18n import Translator
from core.markdown import safe_markdown
from core.permissions import can
from core.principal import Principal

ButtonType = Literal["primary", "secondary", "tertiary"]  # st.button's `type`

MAX_INDENT = 4  # deeper replies stay at this indentation, so phones keep room for text
PAGE = 30  # comments drawn at first, and added by each "show more"


def comment_thread(
    t: Translator, viewer: Principal, proposal_id: int, *, open_: bool, tz: str
) -> None:
    comments = thread(viewer=viewer, proposal_id=proposal_id)
    st.markdown(f"#### {t('thread.title', n=len(comments))}")
    may_post = open_ and can(viewer, "comment.create")
    if may_post:
        with st.form(f"comment_{proposal_id}", clear_on_submit=True):
            body = st.text_area(
                t("field_name.comment"),
                max_chars=5000,
                height=100,
                placeholder=t("thread.placeholder"),
            )
            if st.form_submit_button(t("thread.post"), type="primary"):
                run_command(
                    t,
                    lambda: add_comment(actor=viewer, proposal_id=proposal_id, body=body),
                    "thread.posted",
                )
    elif not open_:
        st.caption(t("thread.closed"))
    elif not viewer.is_authenticated:
        st.caption(t("thread.log_in_to_post"))
    if not comments:
        st.caption(t("thread.empty"))
    comments = newest_conversations_first(comments)
    shown = shown_count(f"thread_{proposal_id}", PAGE)
    for comment in comments[:shown]:
        _comment(t, viewer, comment, may_post=may_post, proposal_id=proposal_id, tz=tz)
    show_more(t, f"thread_{proposal_id}", len(comments) - shown, PAGE, "thread.more")


def newest_conversations_first(comments: list[CommentView]) -> list[CommentView]:
    """Conversations (a comment and the replies under it) newest first, each still read top
    down: with a long thread shown a page at a time, a new comment is seen at once."""
    conversations: list[list[CommentView]] = []
    for comment in comments:
        if comment.depth == 0 or not conversations:
            conversations.append([])
        conversations[-1].append(comment)
    return [comment for conversation in reversed(conversations) for comment in conversation]


def _comment(
    t: Translator,
    viewer: Principal,
    comment: CommentView,
    *,
    may_post: bool,
    proposal_id: int,
    tz: str,
) -> None:
    indent = min(comment.depth, MAX_INDENT)
    column = st.columns([indent, 24 - indent])[1] if indent else st.container()
    with column.container(border=True):
        meta = [person(t, comment.author), t.datetime(comment.created_at, tz, "short")]
        if comment.edited:
            meta.append(t("thread.edited"))
        st.caption(" · ".join(meta))
        if comment.state == "deleted":
            st.caption(t("thread.deleted"))
            return
        if comment.state == "hidden":
            st.warning(
                t("thread.hidden", reason=comment.hidden_reason), icon=":material/visibility_off:"
            )
            if comment.original is not None:
                st.caption(t("thread.original_for_moderators"))
                st.text(comment.original)
            return
        st.markdown(safe_markdown(comment.body))
        _actions(t, viewer, comment, may_post=may_post, proposal_id=proposal_id)
        if comment.edited:
            with st.expander(t("thread.revisions")):
                for revision in comment.revisions:
                    st.caption(t.datetime(revision.created_at, tz, "short"))
                    st.text(revision.body)


def _actions(
    t: Translator, viewer: Principal, comment: CommentView, *, may_post: bool, proposal_id: int
) -> None:
    cid = comment.id
    cols = st.columns(5)
    own = comment.author_id == viewer.user_id
    agree_type: ButtonType = "primary" if comment.my_reaction == 1 else "secondary"
    disagree_type: ButtonType = "primary" if comment.my_reaction == -1 else "secondary"
    if cols[0].button(
        f"{t('thread.agree')} {comment.agree}",
        key=f"agree_{cid}",
        type=agree_type,
        disabled=not may_post or own,
    ):
        run_command(t, lambda: react(actor=viewer, comment_id=cid, value=1), "thread.reacted")
    if cols[1].button(
        f"{t('thread.disagree')} {comment.disagree}",
        key=f"disagree_{cid}",
        type=disagree_type,
        disabled=not may_post or own,
    ):
        run_command(t, lambda: react(actor=viewer, comment_id=cid, value=-1), "thread.reacted")
    if not may_post:
        return
    with cols[2].popover(t("thread.reply"), key=f"reply_pop_{cid}"):
        with st.form(f"reply_{cid}", clear_on_submit=True):
            body = st.text_area(t("field_name.comment"), max_chars=5000, key=f"reply_body_{cid}")
            if st.form_submit_button(t("thread.post")):
                run_command(
                    t,
                    lambda: add_comment(
                        actor=viewer, proposal_id=proposal_id, body=body, parent_id=cid
                    ),
                    "thread.posted",
                )
    if comment.can_edit:
        with cols[3].popover(t("thread.edit"), key=f"edit_pop_{cid}"):
            with st.form(f"edit_{cid}"):
                body = st.text_area(
                    t("field_name.comment"),
                    value=comment.body or "",
                    max_chars=5000,
                    key=f"edit_body_{cid}",
                )
                if st.form_submit_button(t("common.save")):
                    run_command(
                        t,
                        lambda: edit_comment(actor=viewer, comment_id=cid, body=body),
                        "thread.edited_ok",
                    )
        if cols[4].button(t("thread.delete"), key=f"delete_{cid}", type="tertiary"):
            run_command(
                t, lambda: delete_comment(actor=viewer, comment_id=cid), "thread.deleted_ok"
            )
    else:
        with cols[3].popover(t("thread.flag"), key=f"flag_pop_{cid}"):
            with st.form(f"flag_{cid}", clear_on_submit=True):
                reason = st.text_input(
                    t("field_name.flag_reason"), max_chars=500, key=f"flag_reason_{cid}"
                )
                if st.form_submit_button(t("thread.flag")):
                    run_command(
                        t,
                        lambda: flag_comment(actor=viewer, comment_id=cid, reason=reason),
                        "thread.flagged",
                    )
