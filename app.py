"""Yishiting (议事厅): page config, login state, role-based navigation. Nothing else."""

import streamlit as st

from components.session import (
    cookie_bridge,
    current_principal,
    language_switcher,
    logout_button,
    translator,
)
from core.observability import page_run
from core.permissions import can

# A local icon: material and emoji favicons are fetched from outside CDNs by the browser.
st.set_page_config(
    page_title="议事厅 Yishiting", page_icon="components/assets/icon.png", layout="wide"
)

t = translator()
principal = current_principal()

# (page file, permission, title key, icon, url path)
SECTIONS = {
    "nav.section.take_part": [
        ("pages/home.py", "page.home", "nav.home", ":material/home:", "home"),
        (
            "pages/proposals.py",
            "page.proposals",
            "nav.proposals",
            ":material/lightbulb:",
            "proposals",
        ),
        (
            "pages/new_proposal.py",
            "proposal.create",
            "nav.new_proposal",
            ":material/add_circle:",
            "new",
        ),
        ("pages/hearings.py", "page.hearings", "nav.hearings", ":material/groups:", "hearings"),
        ("pages/votes.py", "page.votes", "nav.votes", ":material/how_to_vote:", "votes"),
        (
            "pages/announcements.py",
            "page.announcements",
            "nav.announcements",
            ":material/campaign:",
            "announcements",
        ),
        ("pages/surveys.py", "page.surveys", "nav.surveys", ":material/checklist:", "surveys"),
        (
            "pages/organisations.py",
            "page.organisations",
            "nav.organisations",
            ":material/volunteer_activism:",
            "organisations",
        ),
    ],
    "nav.section.transparency": [
        (
            "pages/accountability.py",
            "page.accountability",
            "nav.accountability",
            ":material/assignment_ind:",
            "accountability",
        ),
        ("pages/audit.py", "page.audit", "nav.audit", ":material/receipt_long:", "log"),
        (
            "pages/dashboard.py",
            "page.dashboard",
            "nav.dashboard",
            ":material/monitoring:",
            "dashboard",
        ),
    ],
    "nav.section.manage": [
        (
            "pages/moderation.py",
            "page.moderation",
            "nav.moderation",
            ":material/shield:",
            "moderation",
        ),
        ("pages/admin.py", "page.admin", "nav.admin", ":material/admin_panel_settings:", "admin"),
    ],
    "nav.section.account": [
        ("pages/profile.py", "page.profile", "nav.profile", ":material/person:", "profile"),
    ],
}

navigation: dict[str, list[st.Page]] = {}
for section, entries in SECTIONS.items():
    pages = [
        st.Page(path, title=t(title), icon=icon, url_path=url, default=url == "home")
        for path, action, title, icon, url in entries
        if can(principal, action)
    ]
    if pages:
        navigation[t(section)] = pages
if not principal.is_authenticated:
    navigation[t("nav.section.account")] = [
        st.Page("pages/login.py", title=t("nav.login"), icon=":material/login:", url_path="login"),
        st.Page(
            "pages/register.py",
            title=t("nav.register"),
            icon=":material/person_add:",
            url_path="register",
        ),
    ]

with st.sidebar:
    st.markdown(f"### {t('app.name')}")
    if principal.is_authenticated:
        st.caption(
            t("nav.signed_in_as", name=principal.display_name, role=t(f"role.{principal.role}"))
        )
    elif st.session_state.pop("session_ended", False):
        st.warning(t("login.session_ended"))
language_switcher(t)
if principal.is_authenticated:
    logout_button(t, principal)
cookie_bridge()

page = st.navigation(navigation, position="sidebar")
with page_run(page.url_path or "home"):
    page.run()
