import streamlit as st

from components.page import show_error
from components.session import current_principal, log_in_and_start, translator
from core.errors import DomainError

t = translator()
st.title(t("login.title"))
if current_principal().is_authenticated:
    st.success(t("login.already"))
    st.stop()

with st.form("login", enter_to_submit=True):
    username = st.text_input(t("field_name.username"), max_chars=64, autocomplete="username")
    password = st.text_input(
        t("field_name.password"), type="password", max_chars=1024, autocomplete="current-password"
    )
    submitted = st.form_submit_button(t("login.submit"), type="primary", width="stretch")

if submitted:
    try:
        log_in_and_start(username, password)
    except DomainError as error:
        show_error(t, error)

st.page_link("pages/register.py", label=t("login.no_account"), icon=":material/person_add:")
