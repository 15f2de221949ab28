import streamlit as st

from components.page import empty_state, escape_md, label, open_page
from core.community import get_community
from core.hearings import list_hearings
from core.permissions import can

t, principal = open_page("page.hearings", "hearings.title", "hearings.caption")
community = get_community(principal.community_id)
hearings = list_hearings(community_id=community.id,
                         include_drafts=can(principal, "hearing.manage"))
if not hearings:
    empty_state(t, "hearings.empty")
for hearing in hearings:
    with st.container(border=True):
        st.markdown(f"**{escape_md(hearing.title)}**")
        st.caption(" · ".join([
            label(t, "hearing_kind", hearing.kind), label(t, "hearing_status", hearing.status),
            t.datetime(hearing.starts_at, community.timezone, "short"),
            hearing.place or t("hearings.online_only")]))
        if hearing.capacity:
            st.progress(min(1.0, hearing.registered / hearing.capacity),
                        text=t("hearings.registered_of", n=hearing.registered, capacity=hearing.capacity))
        if hearing.attended:
            st.caption(t("hearings.attended", n=hearing.attended))
