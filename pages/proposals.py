import streamlit as st

from components.page import detail_id, empty_state, escape_md, label, open_page, person, show_flash
from components.proposal_view import proposal_detail
from components.thread import comment_thread
from core.community import get_community, list_actors, list_buildings
from core.permissions import can
from core.proposals import SORTS, get_proposal, list_proposals, lifecycle
from core.vocabulary import CATEGORIES, PROPOSAL_KINDS, PROPOSAL_STATUSES

FILTERS = ("proposals_status", "proposals_kind", "proposals_category", "proposals_building",
           "proposals_actor")

t, principal = open_page("page.proposals", "proposals.title", "proposals.caption")
community = get_community(principal.community_id)
show_flash(t)


def show_one(proposal_id: int) -> None:
    st.page_link("pages/proposals.py", label=t("proposal.back"), icon=":material/arrow_back:")
    proposal = get_proposal(viewer=principal, proposal_id=proposal_id)
    if proposal is None:
        st.warning(t("error.not_found"))
        return
    proposal_detail(t, principal, proposal, tz=community.timezone)
    st.divider()
    comment_thread(t, principal, proposal.id, tz=community.timezone,
                   open_=proposal.status not in lifecycle.DISCUSSION_CLOSED)


requested = detail_id()
if requested is not None:
    show_one(requested)
    st.stop()

if can(principal, "proposal.create"):
    st.page_link("pages/new_proposal.py", label=t("new_proposal.title"),
                 icon=":material/add_circle:")
search = st.text_input(t("proposals.search"), max_chars=100, placeholder=t("proposals.search_hint"),
                       icon=":material/search:")
# The select boxes are drawn only while the expander is open (it reruns the page when opened
# or closed): drawn closed, the five boxes and the browser code they load slowed every first
# load of the list. persist_state keeps the choices while it is closed and while a proposal
# is open, as they were kept when the boxes were always drawn.
filters = st.expander(t("proposals.filters"), icon=":material/filter_list:",
                      key="proposals_filters", on_change="rerun")
if filters.open:
    buildings = {b.id: b for b in list_buildings(community.id)}
    actors = {a.id: a for a in list_actors(community.id, include_inactive=True)}
    with filters:
        c1, c2 = st.columns(2)
        c1.selectbox(t("field_name.status"), [None, *PROPOSAL_STATUSES], key=FILTERS[0],
                     persist_state="page",
                     format_func=lambda s: t("common.all") if s is None else t(f"status.{s}"))
        c2.selectbox(t("field_name.kind"), [None, *PROPOSAL_KINDS], key=FILTERS[1],
                     persist_state="page",
                     format_func=lambda k: t("common.all") if k is None else t(f"kind.{k}"))
        c1.selectbox(t("field_name.category"), [None, *CATEGORIES], key=FILTERS[2],
                     persist_state="page",
                     format_func=lambda c: t("common.all") if c is None else t(f"category.{c}"))
        c2.selectbox(t("field_name.building"), [None, *buildings], key=FILTERS[3],
                     persist_state="page",
                     format_func=lambda b: t("common.all") if b is None else buildings[b].name)
        c1.selectbox(t("field_name.actor"), [None, *actors], key=FILTERS[4],
                     persist_state="page",
                     format_func=lambda a: t("common.all") if a is None else actors[a].name)
status, kind, category, building, actor = (st.session_state.get(key) for key in FILTERS)
sort = st.segmented_control(t("proposals.sort"), list(SORTS), default="newest",
                            format_func=lambda s: t(f"proposals.sort.{s}"))
page_number = st.session_state.get("proposals_page", 1)
result = list_proposals(community_id=community.id, status=status, kind=kind, category=category,
                        building_id=building, actor_id=actor, search=search,
                        sort=sort or "newest", page=page_number)

st.caption(t("proposals.count", n=result.total))
if not result.items:
    empty_state(t, "proposals.empty_filtered" if any([status, kind, category, building, actor,
                                                      search]) else "proposals.empty")
for item in result.items:
    with st.container(border=True):
        st.page_link("pages/proposals.py", label=escape_md(item.title), query_params={"id": str(item.id)})
        parts = [label(t, "kind", item.kind), label(t, "status", item.status),
                 label(t, "category", item.category)]
        if item.building:
            parts.append(item.building)
        # One caption of two lines, not two captions: each element costs the browser time.
        st.caption(" · ".join(parts) + "  \n" + " · ".join([
            t("proposals.by", name=person(t, item.author)),
            t("proposals.responsible", actor=escape_md(item.actor) if item.actor
              else t("proposals.unassigned")),
            t("proposals.supports", n=item.support_count),
            t("proposals.comments", n=item.comment_count),
            t.datetime(item.created_at, community.timezone, "short")]))

if result.pages > 1:
    st.number_input(t("proposals.page", pages=result.pages), min_value=1, max_value=result.pages,
                    step=1, key="proposals_page")
