import streamlit as st

from components.dates import default_start, local_datetime
from components.hearing_view import hearing_detail
from components.invitations import pending_invitations
from components.page import (
    detail_id,
    empty_state,
    label,
    open_page,
    run_command,
    show_flash,
)
from core.community import list_buildings
from core.hearings.commands import create_hearing
from core.hearings.queries import get_hearing, list_hearings
from core.markdown import escape_md
from core.permissions import can
from core.proposals.lifecycle import ProposalStatus
from core.proposals.queries import list_proposals
from core.vocabulary import AUDIENCES, HEARING_KINDS

page = open_page("page.hearings", "hearings.title", "hearings.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz
show_flash(t)

requested = detail_id()
if requested is None:
    pending_invitations(t, principal, tz)
if requested is not None:
    st.page_link("pages/hearings.py", label=t("proposal.back"), icon=":material/arrow_back:")
    hearing = get_hearing(viewer=principal, hearing_id=requested)
    if hearing is None:
        st.warning(t("error.not_found"))
    else:
        hearing_detail(t, principal, hearing, tz=tz)
    st.stop()

if can(principal, "hearing.manage"):
    with st.expander(t("hearings.new"), icon=":material/add_circle:"):
        buildings = list_buildings(community.id)
        proposals = list_proposals(
            community_id=community.id, page_size=200, status=ProposalStatus.OPEN_FOR_DISCUSSION
        ).items
        start = default_start(tz)
        with st.form("new_hearing"):
            kind = st.selectbox(
                t("field_name.hearing_kind"),
                HEARING_KINDS,
                format_func=lambda k: t(f"hearing_kind.{k}"),
            )
            title = st.text_input(t("field_name.title"), max_chars=120)
            description = st.text_area(t("field_name.description"), max_chars=10_000)
            c1, c2 = st.columns(2)
            day = c1.date_input(t("field_name.date"), value=start.date())
            begins = c2.time_input(t("field_name.starts_at"), value=start.time())
            ends = c2.time_input(t("field_name.ends_at"), value=start.replace(hour=21).time())
            deadline = c1.date_input(t("field_name.registration_deadline"), value=None)
            place = st.text_input(t("field_name.place"), max_chars=200)
            online_url = st.text_input(t("field_name.online_url"), max_chars=500)
            capacity = st.number_input(
                t("field_name.capacity"),
                min_value=0,
                max_value=10_000,
                value=50,
                step=1,
                help=t("hearings.capacity_help"),
            )
            audience = st.selectbox(
                t("field_name.audience"), AUDIENCES, format_func=lambda a: t(f"audience.{a}")
            )
            building = st.selectbox(
                t("field_name.building"),
                [None, *buildings],
                format_func=lambda b: "—" if b is None else b.name,
            )
            linked = st.multiselect(
                t("field_name.proposals"), proposals, format_func=lambda p: p.title
            )
            if st.form_submit_button(t("hearings.create"), type="primary"):
                run_command(
                    t,
                    lambda: create_hearing(
                        actor=principal,
                        kind=kind,
                        title=title,
                        description=description,
                        starts_at=local_datetime(day, begins, tz),
                        ends_at=local_datetime(day, ends, tz),
                        place=place,
                        online_url=online_url,
                        capacity=int(capacity) or None,
                        registration_deadline=local_datetime(deadline, begins, tz)
                        if deadline
                        else None,
                        audience=audience,
                        building_id=building.id if building else None,
                        proposal_ids=[p.id for p in linked],
                    ),
                    "hearings.created",
                )

hearings = list_hearings(community_id=community.id, include_drafts=can(principal, "hearing.manage"))
if not hearings:
    empty_state(t, "hearings.empty")
for listed in hearings:
    with st.container(border=True):
        st.page_link(
            "pages/hearings.py",
            label=escape_md(listed.title),
            query_params={"id": str(listed.id)},
        )
        st.caption(
            " · ".join(
                [
                    label(t, "hearing_kind", listed.kind),
                    label(t, "hearing_status", listed.status),
                    t.datetime(listed.starts_at, tz, "short"),
                    escape_md(listed.place) if listed.place else t("hearings.online_only"),
                ]
            )
        )
        if listed.capacity:
            st.progress(
                min(1.0, listed.registered / listed.capacity),
                text=t("hearings.registered_of", n=listed.registered, capacity=listed.capacity),
            )
        if listed.attended:
            st.caption(t("hearings.attended", n=listed.attended))
