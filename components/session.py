"""The per-session context: language, logged-in principal, login cookie handoff."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from core.accounts import devices, sessions
from core.accounts.commands import log_out
from core.accounts.login import log_in
from core.community import default_community
from core.i18n import LOCALES, Translator, negotiate
from core.principal import ANONYMOUS, Principal

LOCALE_LABELS = {"zh-CN": "中文", "en": "English"}


def locale_label(locale: str) -> str:
    """A language's name in that language, as the language choices show it."""
    return LOCALE_LABELS[locale]


def translator() -> Translator:
    """This session's translator; the first run picks the browser's language."""
    if "locale" not in st.session_state:
        st.session_state["locale"] = negotiate(st.context.locale)
    locale = st.session_state["locale"]
    cached = st.session_state.get("_translator")
    if cached is None or cached.locale != locale:
        cached = st.session_state["_translator"] = Translator(locale)
    return cached


def current_principal() -> Principal:
    """Who is using this session: from the session id, else from the login cookie."""
    session_id = st.session_state.get("session_id")
    principal = sessions.resume(session_id) if session_id else None
    if principal is None and session_id:
        st.session_state.pop("session_id", None)
        st.session_state["session_ended"] = True
    if principal is None:
        cookie_session = sessions.session_id_from_cookie(
            st.context.cookies.get(sessions.COOKIE_NAME)
        )
        if cookie_session and cookie_session != st.session_state.get("logged_out_session"):
            principal = sessions.resume(cookie_session)
            if principal is not None:
                st.session_state["session_id"] = cookie_session
                st.session_state.pop("session_ended", None)
    if principal is None:
        community = default_community()
        return replace(ANONYMOUS, community_id=community.id if community else None)
    return principal


def log_in_and_start(username: str, password: str, *, flash: str | None = None) -> None:
    """Log in through core, remember the session here, and rerun into the member navigation.

    Raises the core's DomainError (wrong password, throttled) for the page to show.
    """
    principal, token = log_in(
        username=username,
        password=password,
        source=st.context.ip_address,
        device=st.context.cookies.get(devices.COOKIE_NAME),
    )
    start(principal, token)
    if flash:
        st.session_state["flash"] = flash
    st.rerun()  # the navigation is rebuilt for the new role; the login page leaves it


def start(principal: Principal, handoff_token: str) -> None:
    """Remember a fresh login in this session and arrange the cookie for page reloads."""
    st.session_state["session_id"] = principal.session_id
    st.session_state["handoff_token"] = handoff_token
    st.session_state["locale"] = principal.locale
    st.session_state.pop("session_ended", None)
    st.session_state.pop("logged_out_session", None)


def end(session_id: str | None) -> None:
    """Forget the login here; the cookie is cleared by the browser and ignored meanwhile."""
    st.session_state.pop("session_id", None)
    st.session_state.pop("handoff_token", None)
    st.session_state["logged_out_session"] = session_id
    st.session_state["clear_cookie"] = True


def cookie_bridge() -> None:
    """Let the browser redeem the handoff token for an HttpOnly cookie (see server.py).

    Rendered on every run until the token has been redeemed; the token is ours (URL-safe
    base64), never user input.
    """
    token = st.session_state.get("handoff_token")
    session_id = st.session_state.get("session_id")
    if token and session_id and sessions.handoff_pending(session_id):
        body = json.dumps(token)
        st.sidebar.html(
            "<script>fetch('/auth/session',{method:'POST',credentials:'same-origin',"
            f"body:new URLSearchParams({{token:{body}}})}});</script>",
            unsafe_allow_javascript=True,
            width=1,
        )
    elif token:
        st.session_state.pop("handoff_token", None)
    if st.session_state.pop("clear_cookie", False):
        st.sidebar.html(
            "<script>fetch('/auth/logout',{method:'POST',credentials:'same-origin'});</script>",
            unsafe_allow_javascript=True,
            width=1,
        )


def _apply_language_choice() -> None:
    choice = st.session_state.get("language_choice")
    if choice in LOCALES:
        st.session_state["locale"] = choice


def language_switcher(t: Translator) -> None:
    """Sidebar language choice; the widget always shows the session's current language."""
    st.session_state["language_choice"] = t.locale
    st.sidebar.segmented_control(
        t("nav.language"),
        options=list(LOCALES),
        format_func=locale_label,
        key="language_choice",
        on_change=_apply_language_choice,
    )


def logout_button(t: Translator, principal: Principal) -> None:
    if st.sidebar.button(t("nav.logout"), icon=":material/logout:", key="logout"):
        log_out(actor=principal)
        end(principal.session_id)
        st.rerun()
