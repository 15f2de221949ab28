"""Editing the Streamlit session state to claim another role gives nothing: who the user is
comes from the server-side session record, never from values kept in the browser session."""

import pytest

from core.i18n import Translator
from core.principal import Principal

T = Translator("en")
NOT_ON_POSTGRESQL = True  # AppTest on the SQLite demo: tests/pg does not repeat it
FORGED = {
    "role": "admin",
    "user_id": 1,
    "principal": Principal(user_id=1, role="admin", community_id=1),
    "is_admin": True,
    "session_id": "forged-session-id-0000",
}


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_claiming_admin_in_the_session_state_opens_nothing(app, who):
    at = app(who)
    for key, value in FORGED.items():
        if who == "resident" and key == "session_id":
            continue  # keep the resident's real session: a role claim on top of it
        at.session_state[key] = value
    at.run()
    assert not at.exception
    with pytest.raises(ValueError):  # the admin page is not in this user's navigation
        at.switch_page("pages/admin.py")
    direct = app(who, script="pages/admin.py")
    for key, value in FORGED.items():
        if not (who == "resident" and key == "session_id"):
            direct.session_state[key] = value
    direct.run()
    assert direct.title[0].value == T("error.page_forbidden_title")
