"""Login, registration and profile pages, driven through their widgets."""

from core.i18n import Translator

T = Translator("en")


def fill_login(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()


def test_login_wrong_password_shows_message(app):
    at = app("anonymous")
    at.run()
    at.switch_page("pages/login.py").run()
    fill_login(at, "resident", "not-the-password")
    assert not at.exception
    assert at.error[0].value.endswith(T("login.failed"))
    assert "session_id" not in at.session_state


def test_login_then_home(app):
    at = app("anonymous")
    at.run()
    at.switch_page("pages/login.py").run()
    fill_login(at, "Resident", "yishiting-demo-2026")
    assert not at.exception
    assert at.session_state["session_id"]
    assert at.session_state["handoff_token"]
    assert at.session_state["locale"] == "zh-CN"  # the account's stored language applies
    assert not at.error


def register_form(
    at,
    *,
    username="new.neighbour",
    password="walnut-tree-courtyard",
    confirm=None,
    building=True,
    unit="3-201",
):
    inputs = {w.label: w for w in at.text_input}
    if unit is not None:
        inputs[T("register.unit")].input(unit)
    inputs[T("field_name.username")].input(username)
    inputs[T("field_name.display_name")].input("新邻居")
    inputs[T("field_name.password")].input(password)
    inputs[T("field_name.confirm_password")].input(confirm or password)
    if building:
        [s for s in at.selectbox if s.label == T("field_name.building")][0].select_index(0)
    at.button[0].click().run()


def test_register_refuses_mismatch_and_missing_building(app):
    at = app("anonymous")
    at.run()
    at.switch_page("pages/register.py").run()
    register_form(at, building=False)
    assert at.error[0].value == f"{T('field_name.building')}: {T('field.required')}"
    register_form(at, confirm="something-else-entirely")
    assert at.error[0].value.endswith(T("password.mismatch"))
    # The demo's roster lists flats: the flat is asked for, so the account can be confirmed.
    register_form(at, unit="")
    assert at.error[0].value == f"{T('field_name.unit')}: {T('register.unit_required')}"
    assert "session_id" not in at.session_state


def test_register_weak_password_and_taken_name(app):
    at = app("anonymous")
    at.run()
    at.switch_page("pages/register.py").run()
    register_form(at, password="password123")
    assert at.error[0].value.endswith(T("password.too_guessable"))
    register_form(at, username="ADMIN")
    assert at.error[0].value == T("username.taken")


def test_register_logs_in(app):
    at = app("anonymous")
    at.run()
    at.switch_page("pages/register.py").run()
    register_form(at)
    assert not at.exception, at.exception
    assert at.session_state["session_id"]
    # The browser lands on the home page, which shows this welcome (see tests/e2e).
    assert at.session_state["flash"] == "register.welcome"


def test_profile_edit_and_password_change(app):
    at = app("resident")
    at.run()
    at.switch_page("pages/profile.py").run()
    name = [w for w in at.text_input if w.label == T("field_name.display_name")][0]
    name.input("")
    at.button[0].click().run()
    assert at.error[0].value.endswith(T("field.required"))
    name = [w for w in at.text_input if w.label == T("field_name.display_name")][0]
    name.input("老王")
    at.button[0].click().run()
    assert at.success[0].value == T("profile.saved")
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.current_password")].input("yishiting-demo-2026")
    inputs[T("field_name.new_password")].input("a-brand-new-passphrase")
    inputs[T("field_name.confirm_password")].input("a-brand-new-passphrase")
    at.button[1].click().run()
    assert at.success[0].value == T("profile.password_changed")


def sidebar_script():
    import streamlit as st

    from components.session import current_principal, logout_button, translator

    principal = current_principal()
    if principal.is_authenticated:
        logout_button(translator(), principal)
    st.write(f"role: {principal.role}")


def test_logout_button_ends_the_session(demo_db):
    # AppTest reruns only the current page after a click when st.navigation is used, so the
    # sidebar component is driven on its own here; the browser journey covers it in app.py.
    from streamlit.testing.v1 import AppTest

    from core.accounts import sessions
    from tests.pages.conftest import login_session

    at = AppTest.from_function(sidebar_script, default_timeout=30)
    session_id = at.session_state["session_id"] = login_session("moderator")
    at.session_state["locale"] = "en"
    at.run()
    assert at.markdown[-1].value == "role: moderator"
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert "session_id" not in at.session_state
    assert at.session_state["logged_out_session"] == session_id
    assert sessions.resume(session_id) is None
    assert at.markdown[-1].value == "role: anonymous"
