import streamlit as st

from components.page import show_error
from components.session import current_principal, start, translator
from core.accounts.login import log_in
from core.errors import DomainError

t = translator()
st.title(t("login.title"))
if current_principal().is_authenticated:
    st.success(t("login.already"))
    st.stop()

with st.form("login", enter_to_submit=True):
    username = st.text_input(t("field_name.username"), max_chars=64, autocomplete="username")
    password = st.text_input(t("field_name.password"), type="password", max_chars=256,
                             autocomplete="current-password")
    submitted = st.form_submit_button(t("login.submit"), type="primary", width="stretch")

if submitted:
    try:
        principal, token = log_in(username=username, password=password,
                                  source=st.context.ip_address)
    except DomainError as error:
        show_error(t, error)
    else:
        start(principal, token)
        st.rerun()  # the navigation is rebuilt for the new role; this page leaves it

st.page_link("pages/register.py", label=t("login.no_account"), icon=":material/person_add:")
