import streamlit as st

from components.page import (
    detail_id,
    empty_state,
    label,
    open_page,
    person,
    show_flash,
    show_more,
    shown_count,
)
from components.proposal_view import proposal_detail
from components.thread import comment_thread
from core.community import list_actors, list_buildings
from core.markdown import escape_md
from core.permissions import can
from core.proposals.queries import PAGE_SIZE, SORTS, get_proposal, list_proposals
from core.vocabulary import CATEGORIES, PROPOSAL_KINDS, PROPOSAL_STATUSES

FILTERS = (
    "proposals_status",
    "proposals_kind",
    "proposals_category",
    "proposals_building",
    "proposals_actor",
)
SEARCH = "proposals_search"
LIST = "proposals"

page = open_page("page.proposals", "proposals.title", "proposals.caption")
t, principal, community = page.t, page.principal, page.community
show_flash(t)


def show_one(proposal_id: int) -> None:
    st.page_link("pages/proposals.py", label=t("proposal.back"), icon=":material/arrow_back:")
    proposal = get_proposal(viewer=principal, proposal_id=proposal_id)
    if proposal is None:
        st.warning(t("error.not_found"))
        return
    proposal_detail(t, principal, proposal, tz=page.tz, community_id=community.id)
    st.divider()
    comment_thread(t, principal, proposal.id, tz=page.tz, open_=proposal.discussion_open)


def clear_criteria() -> None:
    for key in (SEARCH, *FILTERS):
        st.session_state.pop(key, None)


def narrowed_to(search: str, status, kind, category, building_id, actor_id) -> None:
    """What the list is narrowed to, while the section that sets it is closed, and a button
    that shows everything again."""
    shown = [f"“{search}”"] if search else []
    shown += [t(f"status.{status}")] if status else []
    shown += [t(f"kind.{kind}")] if kind else []
    shown += [t(f"category.{category}")] if category else []
    if building_id:
        shown += [b.name for b in list_buildings(community.id) if b.id == building_id]
    if actor_id:
        shown += [
            a.name for a in list_actors(community.id, include_inactive=True) if a.id == actor_id
        ]
    st.caption(t("proposals.narrowed_to", criteria=" · ".join(shown)))
    st.button(
        t("proposals.clear_criteria"),
        icon=":material/close:",
        key="proposals_clear",
        on_click=clear_criteria,
    )


requested = detail_id()
if requested is not None:
    show_one(requested)
    st.stop()

if can(principal, "proposal.create"):
    st.page_link(
        "pages/new_proposal.py", label=t("new_proposal.title"), icon=":material/add_circle:"
    )
# The search box and the select boxes are drawn only while this section is open (it reruns
# the page when opened or closed): drawn on every first load, their browser code (fetched
# after the page connects, a dozen files for the search box alone) slowed every first load
# of the list (bench/browser.py). persist_state keeps the choices while it is closed and
# while a proposal is open; a line under it says what the list is narrowed to.
criteria = st.expander(
    t("proposals.filters"), icon=":material/search:", key="proposals_filters", on_change="rerun"
)
if criteria.open:
    buildings = {b.id: b for b in list_buildings(community.id)}
    actors = {a.id: a for a in list_actors(community.id, include_inactive=True)}
    with criteria:
        st.text_input(
            t("proposals.search"),
            max_chars=100,
            key=SEARCH,
            persist_state="page",
            placeholder=t("proposals.search_hint"),
            icon=":material/search:",
        )
        c1, c2 = st.columns(2)
        c1.selectbox(
            t("field_name.status"),
            [None, *PROPOSAL_STATUSES],
            key=FILTERS[0],
            persist_state="page",
            format_func=lambda s: t("common.all") if s is None else t(f"status.{s}"),
        )
        c2.selectbox(
            t("field_name.kind"),
            [None, *PROPOSAL_KINDS],
            key=FILTERS[1],
            persist_state="page",
            format_func=lambda k: t("common.all") if k is None else t(f"kind.{k}"),
        )
        c1.selectbox(
            t("field_name.category"),
            [None, *CATEGORIES],
            key=FILTERS[2],
            persist_state="page",
            format_func=lambda c: t("common.all") if c is None else t(f"category.{c}"),
        )
        c2.selectbox(
            t("field_name.building"),
            [None, *buildings],
            key=FILTERS[3],
            persist_state="page",
            format_func=lambda b: t("common.all") if b is None else buildings[b].name,
        )
        c1.selectbox(
            t("field_name.actor"),
            [None, *actors],
            key=FILTERS[4],
            persist_state="page",
            format_func=lambda a: t("common.all") if a is None else actors[a].name,
        )
search = (st.session_state.get(SEARCH) or "").strip()
status, kind, category, building, actor = (st.session_state.get(key) for key in FILTERS)
if not criteria.open and (search or any([status, kind, category, building, actor])):
    narrowed_to(search, status, kind, category, building, actor)
sort = st.segmented_control(
    t("proposals.sort"),
    list(SORTS),
    default="newest",
    format_func=lambda s: t(f"proposals.sort.{s}"),
)
# One page at first and "show more" under the list, as in threads; a new search, filter or
# sort starts again from the first page.
asked = (search, status, kind, category, building, actor, sort)
if st.session_state.get("proposals_asked") != asked:
    st.session_state["proposals_asked"] = asked
    st.session_state.pop(f"shown_{LIST}", None)
result = list_proposals(
    community_id=community.id,
    status=status,
    kind=kind,
    category=category,
    building_id=building,
    actor_id=actor,
    search=search,
    sort=sort or "newest",
    page_size=shown_count(LIST, PAGE_SIZE),
)

st.caption(t("proposals.count", n=result.total))
if not result.items:
    empty_state(
        t,
        "proposals.empty_filtered"
        if any([status, kind, category, building, actor, search])
        else "proposals.empty",
    )
for item in result.items:
    with st.container(border=True):
        st.page_link(
            "pages/proposals.py", label=escape_md(item.title), query_params={"id": str(item.id)}
        )
        parts = [
            label(t, "kind", item.kind),
            label(t, "status", item.status),
            label(t, "category", item.category),
        ]
        if item.building:
            parts.append(escape_md(item.building))
        # One caption of two lines, not two captions: each element costs the browser time.
        st.caption(
            " · ".join(parts)
            + "  \n"
            + " · ".join(
                [
                    t("proposals.by", name=person(t, item.author)),
                    t("proposals.responsible", actor=item.actor or t("proposals.unassigned")),
                    t("proposals.supports", n=item.support_count),
                    t("proposals.comments", n=item.comment_count),
                    t.datetime(item.created_at, page.tz, "short"),
                ]
            )
        )

show_more(t, LIST, result.total - len(result.items), PAGE_SIZE)
