import streamlit as st

from components.page import empty_state, escape_md, label, open_page
from core.community import get_community
from core.moderation import flagged_comments, queue_sizes, review_queue

t, principal = open_page("page.moderation", "moderation.title", "moderation.caption")
community = get_community(principal.community_id)
sizes = queue_sizes(actor=principal)
a, b = st.columns(2)
a.metric(t("moderation.flags"), t.number(sizes["flags"]))
b.metric(t("moderation.review"), t.number(sizes["review"]))

flags_tab, review_tab = st.tabs([t("moderation.flags"), t("moderation.review")])
with flags_tab:
    flagged = flagged_comments(actor=principal)
    if not flagged:
        empty_state(t, "moderation.no_flags")
    for item in flagged:
        with st.container(border=True):
            st.caption(t("moderation.flagged_on", title=escape_md(item.proposal_title),
                         author=escape_md(item.author), n=item.flags))
            st.text(item.body)
            st.caption(t("moderation.reasons", reasons=escape_md("; ".join(item.reasons))))
with review_tab:
    queue = review_queue(actor=principal)
    if not queue:
        empty_state(t, "moderation.no_review")
    for item in queue:
        with st.container(border=True):
            st.markdown(f"**{escape_md(item.title)}**")
            st.caption(" · ".join([label(t, "kind", item.kind), label(t, "status", item.status),
                                   t("proposals.supports", n=item.support_count),
                                   t.datetime(item.created_at, community.timezone, "short")]))
