"""The profile page's data rights: download one's data, delete one's account (with a typed
confirmation), after which the person is signed out and their comments show 'deleted user'."""

from core.i18n import Translator

T = Translator("en")


def profile(app, role="resident"):
    at = app(role)
    at.run()
    at.switch_page("pages/profile.py").run()
    assert not at.exception, at.exception
    return at


def test_the_download_is_offered(app):
    at = profile(app)
    [button] = [b for b in at.get("download_button") if b.proto.label == T("profile.export")]
    assert button


def test_deleting_needs_the_login_name_then_signs_out(app):
    at = profile(app)
    at.text_input(key="delete_confirm").input("not-me")
    [b for b in at.button if b.label == T("profile.delete_button")][0].click().run()
    assert not at.exception
    assert at.error[0].value.endswith(T("account.confirm_mismatch"))
    at.text_input(key="delete_confirm").input("resident")
    [b for b in at.button if b.label == T("profile.delete_button")][0].click().run()
    assert not at.exception, at.exception
    assert any(s.value == T("profile.deleted") for s in at.success)
    assert "session_id" not in at.session_state
    assert not any(b.label == T("nav.logout") for b in at.sidebar.button)  # signed out
