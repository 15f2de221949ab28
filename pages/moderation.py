import streamlit as st

from components.page import (
    empty_state,
    label,
    open_page,
    person,
    run_command,
    show_error,
    show_flash,
)
from components.verification import verification_desk
from core.errors import DomainError
from core.markdown import escape_md
from core.moderation import (
    block_user,
    blocked_users,
    dismiss_flags,
    flagged_comments,
    hide_comment,
    queue_sizes,
    review_queue,
    unblock_user,
    user_activity,
)

page = open_page("page.moderation", "moderation.title", "moderation.caption")
t, principal, community = page.t, page.principal, page.community
show_flash(t)
sizes = queue_sizes(actor=principal)
a, b = st.columns(2)
a.metric(t("moderation.flags"), t.number(sizes["flags"]))
b.metric(t("moderation.review"), t.number(sizes["review"]))

flags_tab, review_tab, users_tab, verify_tab = st.tabs(
    [t("moderation.flags"), t("moderation.review"), t("moderation.users"), t("verification.tab")]
)
with flags_tab:
    flagged = flagged_comments(actor=principal)
    if not flagged:
        empty_state(t, "moderation.no_flags")
    for flag in flagged:
        with st.container(border=True):
            st.caption(
                t(
                    "moderation.flagged_on",
                    title=flag.proposal_title,
                    author=person(t, flag.author),
                    n=flag.flags,
                )
            )
            st.text(flag.body)
            st.caption(t("moderation.reasons", reasons="; ".join(flag.reasons)))
            st.page_link(
                "pages/proposals.py",
                label=t("moderation.open_proposal"),
                query_params={"id": str(flag.proposal_id)},
            )
            with st.form(f"hide_{flag.comment_id}"):
                reason = st.text_input(
                    t("field_name.reason"), max_chars=500, key=f"hide_reason_{flag.comment_id}"
                )
                c1, c2 = st.columns(2)
                if c1.form_submit_button(t("moderation.hide"), type="primary"):
                    run_command(
                        t,
                        lambda cid=flag.comment_id, r=reason: hide_comment(
                            actor=principal, comment_id=cid, reason=r
                        ),
                        "moderation.hidden",
                    )
                if c2.form_submit_button(t("moderation.dismiss")):
                    run_command(
                        t,
                        lambda cid=flag.comment_id: dismiss_flags(actor=principal, comment_id=cid),
                        "moderation.dismissed",
                    )
with review_tab:
    queue = review_queue(actor=principal)
    if not queue:
        empty_state(t, "moderation.no_review")
    for item in queue:
        with st.container(border=True):
            st.page_link(
                "pages/proposals.py",
                label=escape_md(item.title),
                query_params={"id": str(item.proposal_id)},
            )
            st.caption(
                " · ".join(
                    [
                        label(t, "kind", item.kind),
                        label(t, "status", item.status),
                        t("proposals.supports", n=item.support_count),
                        t.datetime(item.created_at, page.tz, "short"),
                    ]
                )
            )
with users_tab:
    username = st.text_input(t("moderation.find_user"), max_chars=64)
    if username:
        try:
            activity = user_activity(actor=principal, username=username)
        except DomainError as error:
            show_error(t, error)
        else:
            st.markdown(
                f"**{escape_md(activity.display_name)}** ({escape_md(activity.username)},"
                f" {t('role.' + activity.role)})"
            )
            c1, c2, c3, c4 = st.columns(4)
            c1.metric(t("moderation.user_proposals"), activity.proposals)
            c2.metric(t("moderation.user_comments"), activity.comments)
            c3.metric(t("moderation.user_hidden"), activity.hidden_comments)
            c4.metric(t("moderation.user_flags"), activity.flags_received)
            for body in activity.recent_comments:
                st.text(body)
            if activity.blocked_until:
                st.warning(
                    t(
                        "moderation.blocked_until",
                        until=t.datetime(activity.blocked_until, page.tz, "short"),
                    )
                )
            with st.form("block"):
                days = st.number_input(
                    t("field_name.block_days"), min_value=1, max_value=90, value=7, step=1
                )
                reason = st.text_input(t("field_name.reason"), max_chars=500, key="block_reason")
                if st.form_submit_button(t("moderation.block"), type="primary"):
                    run_command(
                        t,
                        lambda: block_user(
                            actor=principal,
                            username=activity.username,
                            days=int(days),
                            reason=reason,
                        ),
                        "moderation.blocked",
                        username=activity.username,
                    )
    st.markdown(f"#### {t('moderation.blocked_list')}")
    blocked = blocked_users(actor=principal)
    if not blocked:
        empty_state(t, "moderation.none_blocked")
    for user in blocked:
        c1, c2 = st.columns([4, 1])
        c1.caption(
            t(
                "moderation.blocked_row",
                username=user.username,
                until=t.datetime(user.until, page.tz, "short"),
                reason=user.reason,
            )
        )
        if c2.button(t("moderation.unblock"), key=f"unblock_{user.user_id}"):
            run_command(
                t,
                lambda uid=user.user_id: unblock_user(actor=principal, user_id=uid),
                "moderation.unblocked",
                username=user.username,
            )

with verify_tab:
    verification_desk(t, principal, community.id)
