import streamlit as st

from components.forms import demographics_inputs
from components.page import open_page, show_error, show_flash
from components.session import end, locale_label
from components.verification import activation_form
from core.accounts.commands import change_password, get_account, update_profile
from core.data_rights import delete_account, export_my_data
from core.errors import DomainError, InvalidInput
from core.i18n import LOCALES
from core.permissions import can

page = open_page("page.profile", "profile.title")
t, principal = page.t, page.principal
account = get_account(actor=principal)
flash = st.session_state.pop("profile_flash", None)
if flash:
    st.success(t(flash))

st.write(t("profile.summary", username=account.username, role=t(f"role.{account.role}")))
st.caption(t("profile.verified") if account.verified else t("profile.unverified"))
show_flash(t)
if not account.verified and can(principal, "account.activate", principal.user_id):
    activation_form(t, principal)

with st.form("profile"):
    st.markdown(f"#### {t('profile.edit')}")
    display_name = st.text_input(
        t("field_name.display_name"), value=account.display_name, max_chars=40
    )
    locale = st.selectbox(
        t("field_name.locale"),
        list(LOCALES),
        index=list(LOCALES).index(t.locale),
        format_func=locale_label,
    )
    demographics = demographics_inputs(t, account.demographics, key="profile")
    consent = st.checkbox(
        t("field_name.research_consent"),
        value=account.research_consent,
        help=t("register.consent_help"),
    )
    invitable = st.checkbox(
        t("field_name.invitation_consent"),
        value=account.invitation_consent,
        help=t("profile.invitation_consent_help"),
    )
    if st.form_submit_button(t("common.save"), type="primary"):
        try:
            update_profile(
                actor=principal,
                display_name=display_name,
                locale=locale,
                demographics=demographics,
                research_consent=consent,
                invitation_consent=invitable,
            )
        except DomainError as error:
            show_error(t, error)
        else:
            st.session_state["locale"] = locale
            st.session_state["profile_flash"] = "profile.saved"
            st.rerun()

with st.form("password", clear_on_submit=True):
    st.markdown(f"#### {t('profile.change_password')}")
    current = st.text_input(
        t("field_name.current_password"),
        type="password",
        max_chars=1024,
        autocomplete="current-password",
    )
    new = st.text_input(
        t("field_name.new_password"),
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
    if st.form_submit_button(t("profile.change_password")):
        try:
            if new != confirm:
                raise InvalidInput("password.mismatch", field="confirm_password")
            change_password(actor=principal, current_password=current, new_password=new)
        except DomainError as error:
            show_error(t, error)
        else:
            st.success(t("profile.password_changed"))

st.markdown(f"#### {t('profile.your_data')}")
st.caption(t("profile.your_data_help"))
st.download_button(
    t("profile.export"),
    lambda: export_my_data(actor=principal),
    file_name=f"yishiting-{account.username}.zip",
    mime="application/zip",
    icon=":material/download:",
    key="export_my_data",
)
st.caption(t("profile.research_consent_note"))

with st.expander(t("profile.delete_title"), icon=":material/person_remove:"):
    st.warning(t("profile.delete_help"))
    with st.form("delete_account"):
        typed = st.text_input(
            t("profile.delete_confirm"),
            max_chars=40,
            placeholder=account.username,
            key="delete_confirm",
        )
        if st.form_submit_button(t("profile.delete_button"), type="primary"):
            try:
                delete_account(actor=principal, confirm_username=typed)
            except DomainError as error:
                show_error(t, error)
            else:
                end(principal.session_id)
                st.session_state["flash"] = ("profile.deleted", {})
                st.switch_page("pages/home.py")
