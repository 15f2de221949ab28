import streamlit as st

from components.page import empty_state, escape_md, label, open_page
from core.community import get_community
from core.permissions import can
from core.voting.queries import list_polls

t, principal = open_page("page.votes", "votes.title", "votes.caption")
community = get_community(principal.community_id)
polls = list_polls(community_id=community.id, include_drafts=can(principal, "poll.manage"))
if not polls:
    empty_state(t, "votes.empty")
for poll in polls:
    with st.container(border=True):
        st.markdown(f"**{escape_md(poll.title)}**")
        st.caption(" · ".join([
            label(t, "poll_method", poll.method), label(t, "poll_status", poll.status),
            t("votes.secret") if poll.secret else t("votes.open_ballot"),
            t("votes.window", opens=t.datetime(poll.opens_at, community.timezone, "short"),
              closes=t.datetime(poll.closes_at, community.timezone, "short"))]))
        st.caption(t("votes.counts", options=poll.options, voters=poll.voters))
