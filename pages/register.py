import streamlit as st

from components.forms import demographics_inputs
from components.page import show_error
from components.session import current_principal, log_in_and_start, translator
from core.accounts.commands import register
from core.community import default_community, list_buildings
from core.errors import DomainError, InvalidInput

t = translator()
st.title(t("register.title"))
st.caption(t("register.caption"))
if current_principal().is_authenticated:
    st.success(t("login.already"))
    st.stop()
community = default_community()
if community is None:
    st.info(t("common.no_community"))
    st.stop()
buildings = list_buildings(community.id)

with st.form("register"):
    username = st.text_input(
        t("field_name.username"),
        max_chars=32,
        help=t("register.username_help"),
        autocomplete="username",
    )
    display_name = st.text_input(
        t("field_name.display_name"), max_chars=40, help=t("register.display_name_help")
    )
    password = st.text_input(
        t("field_name.password"),
        type="password",
        max_chars=1024,
        help=t("register.password_help"),
        autocomplete="new-password",
    )
    confirm = st.text_input(
        t("field_name.confirm_password"),
        type="password",
        max_chars=1024,
        autocomplete="new-password",
    )
    building = st.selectbox(
        t("field_name.building"),
        options=buildings,
        index=None,
        format_func=lambda b: f"{b.name} ({b.code})",
        placeholder=t("common.choose"),
    )
    unit = st.text_input(t("register.unit"), max_chars=20, help=t("register.unit_help"))
    with st.expander(t("register.optional_demographics")):
        st.caption(t("register.demographics_why"))
        demographics = demographics_inputs(t, {}, key="register")
        consent = st.checkbox(t("field_name.research_consent"), help=t("register.consent_help"))
        invitable = st.checkbox(
            t("field_name.invitation_consent"), help=t("profile.invitation_consent_help")
        )
    submitted = st.form_submit_button(t("register.submit"), type="primary", width="stretch")

if submitted:
    try:
        if password != confirm:
            raise InvalidInput("password.mismatch", field="confirm_password")
        if building is None:
            raise InvalidInput("field.required", field="building")
        register(
            community_id=community.id,
            username=username,
            display_name=display_name,
            password=password,
            building_id=building.id,
            unit=unit,
            demographics=demographics,
            research_consent=consent,
            invitation_consent=invitable,
            locale=t.locale,
        )
        log_in_and_start(username, password, flash="register.welcome")
    except DomainError as error:
        show_error(t, error)
