import streamlit as st

from components.page import empty_state, escape_md, label, open_page
from core.community import get_community, list_buildings
from core.proposals import SORTS, list_proposals
from core.vocabulary import CATEGORIES, PROPOSAL_KINDS, PROPOSAL_STATUSES

t, principal = open_page("page.proposals", "proposals.title", "proposals.caption")
community = get_community(principal.community_id)
buildings = {b.id: b for b in list_buildings(community.id)}

with st.expander(t("proposals.filters"), expanded=False, icon=":material/filter_list:"):
    c1, c2 = st.columns(2)
    status = c1.selectbox(t("field_name.status"), [None, *PROPOSAL_STATUSES],
                          format_func=lambda s: t("common.all") if s is None else t(f"status.{s}"))
    kind = c2.selectbox(t("field_name.kind"), [None, *PROPOSAL_KINDS],
                        format_func=lambda k: t("common.all") if k is None else t(f"kind.{k}"))
    category = c1.selectbox(t("field_name.category"), [None, *CATEGORIES],
                            format_func=lambda c: t("common.all") if c is None else t(f"category.{c}"))
    building = c2.selectbox(t("field_name.building"), [None, *buildings],
                            format_func=lambda b: t("common.all") if b is None else buildings[b].name)
sort = st.segmented_control(t("proposals.sort"), list(SORTS), default="newest",
                            format_func=lambda s: t(f"proposals.sort.{s}"))
page_number = st.session_state.get("proposals_page", 1)
result = list_proposals(community_id=community.id, status=status, kind=kind, category=category,
                        building_id=building, sort=sort or "newest", page=page_number)

st.caption(t("proposals.count", n=result.total))
if not result.items:
    empty_state(t, "proposals.empty_filtered" if any([status, kind, category, building])
                else "proposals.empty")
for item in result.items:
    with st.container(border=True):
        st.markdown(f"**{escape_md(item.title)}**")
        parts = [label(t, "kind", item.kind), label(t, "status", item.status),
                 label(t, "category", item.category)]
        if item.building:
            parts.append(item.building)
        st.caption(" · ".join(parts))
        st.caption(" · ".join([
            t("proposals.by", name=item.author),
            t("proposals.responsible", actor=item.actor or t("proposals.unassigned")),
            t("proposals.supports", n=item.support_count),
            t("proposals.comments", n=item.comment_count),
            t.datetime(item.created_at, community.timezone, "short")]))

if result.pages > 1:
    st.number_input(t("proposals.page", pages=result.pages), min_value=1, max_value=result.pages,
                    step=1, key="proposals_page")
