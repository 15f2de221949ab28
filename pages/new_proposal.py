import streamlit as st

from components.page import open_page, show_error
from core.community import list_buildings
from core.errors import DomainError, InvalidInput
from core.proposals.commands import submit_proposal
from core.proposals.photos import MAX_BYTES
from core.vocabulary import CATEGORIES, PROPOSAL_KINDS

page = open_page("proposal.create", "new_proposal.title", "new_proposal.caption")
t, principal, community = page.t, page.principal, page.community
buildings = list_buildings(community.id)

with st.form("new_proposal"):
    kind = st.radio(
        t("field_name.kind"),
        PROPOSAL_KINDS,
        horizontal=True,
        format_func=lambda k: t(f"new_proposal.kind.{k}"),
    )
    title = st.text_input(
        t("field_name.title"), max_chars=120, placeholder=t("new_proposal.title_hint")
    )
    body = st.text_area(
        t("field_name.body"),
        max_chars=20000,
        height=160,
        placeholder=t("new_proposal.body_hint"),
        help=t("new_proposal.markdown_help"),
    )
    category = st.selectbox(
        t("field_name.category"),
        CATEGORIES,
        index=None,
        format_func=lambda c: t(f"category.{c}"),
        placeholder=t("common.choose"),
    )
    scope = st.selectbox(
        t("field_name.scope"),
        [None, *buildings],
        format_func=lambda b: (
            t("proposal.whole_community") if b is None else f"{b.name} ({b.code})"
        ),
    )
    photo = st.file_uploader(
        t("field_name.photo"),
        type=["jpg", "jpeg", "png", "webp"],
        max_upload_size=MAX_BYTES // (1024 * 1024),
    )
    submitted = st.form_submit_button(t("new_proposal.submit"), type="primary", width="stretch")

if submitted:
    try:
        if category is None:
            raise InvalidInput("field.required", field="category")
        proposal_id = submit_proposal(
            actor=principal,
            kind=kind,
            title=title,
            body=body,
            category=category,
            building_id=scope.id if scope else None,
            photo=photo.getvalue() if photo is not None else None,
        )
    except DomainError as error:
        show_error(t, error)
    else:
        st.session_state["flash"] = ("new_proposal.done", {})
        st.switch_page("pages/proposals.py", query_params={"id": str(proposal_id)})
