import streamlit as st

from components.organisation_view import coordinator_picker, hours_text, organisation_page
from components.page import (
    detail_id,
    empty_state,
    label,
    open_page,
    people,
    run_command,
    show_flash,
)
from core.markdown import escape_md
from core.organisations.manage import create_organisation
from core.organisations.queries import get_organisation, list_organisations
from core.permissions import can
from core.vocabulary import ORGANISATION_KINDS

page = open_page("page.organisations", "organisations.title", "organisations.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz
staff = can(principal, "organisation.manage")
show_flash(t)

requested = detail_id()
if requested is not None:
    st.page_link(
        "pages/organisations.py", label=t("organisations.back"), icon=":material/arrow_back:"
    )
    shown = get_organisation(viewer=principal, organisation_id=requested)
    if shown is None:
        st.warning(t("error.not_found"))
    else:
        organisation_page(t, principal, shown, tz=tz)
    st.stop()

if staff:
    with st.expander(t("organisations.new"), icon=":material/add_circle:"):
        round_ = st.session_state.setdefault("organisation_form", 0)
        coordinator = coordinator_picker(t, principal, key=f"new_org_{round_}")
        with st.form(f"new_organisation_{round_}"):
            name = st.text_input(
                t("field_name.organisation_name"), max_chars=100, key=f"new_org_name_{round_}"
            )
            kind = st.selectbox(
                t("field_name.organisation_kind"),
                ORGANISATION_KINDS,
                format_func=lambda k: t(f"actor_kind.{k}"),
                key=f"new_org_kind_{round_}",
            )
            purpose = st.text_area(
                t("field_name.organisation_purpose"),
                max_chars=2000,
                key=f"new_org_purpose_{round_}",
            )
            contact = st.text_input(
                t("field_name.organisation_contact"),
                max_chars=200,
                key=f"new_org_contact_{round_}",
                help=t("organisations.contact_help"),
            )

            def create() -> None:
                create_organisation(
                    actor=principal,
                    name=name,
                    kind=kind,
                    purpose=purpose,
                    contact=contact,
                    coordinator_resident_id=coordinator.resident_id if coordinator else None,
                )
                st.session_state["organisation_form"] = round_ + 1

            if st.form_submit_button(t("organisations.create"), type="primary"):
                run_command(t, create, "organisations.created")

show_inactive = staff and st.toggle(t("organisations.show_inactive"), key="org_inactive")
organisations = list_organisations(viewer=principal, include_inactive=show_inactive)
if not organisations:
    empty_state(t, "organisations.empty")
for o in organisations:
    with st.container(border=True):
        st.page_link(
            "pages/organisations.py",
            label=escape_md(o.name),
            query_params={"id": str(o.id)},
            icon=":material/volunteer_activism:",
        )
        badges = [f":blue-badge[{label(t, 'actor_kind', o.kind)}]"]
        if not o.active:
            badges.append(f":gray-badge[{t('organisations.inactive')}]")
        st.markdown(" ".join(badges))
        purpose = o.purpose if len(o.purpose) <= 160 else o.purpose[:157] + "…"
        st.markdown(escape_md(purpose))
        st.caption(
            " · ".join(
                [
                    t("organisations.members_n", n=o.members),
                    t("organisations.upcoming_n", n=o.upcoming),
                    t("organisations.hours_n", hours=hours_text(t, o.hours)),
                    t("organisations.coordinated_by", names=people(t, o.coordinators)),
                ]
            )
        )
