"""Every page renders for every role that may see it, in both languages, and refuses others."""

import pytest

from core.i18n import Translator, catalogue
from core.permissions import can
from core.principal import Principal

PAGES = {
    "pages/home.py": ("page.home", "home.title"),
    "pages/proposals.py": ("page.proposals", "proposals.title"),
    "pages/new_proposal.py": ("proposal.create", "new_proposal.title"),
    "pages/hearings.py": ("page.hearings", "hearings.title"),
    "pages/votes.py": ("page.votes", "votes.title"),
    "pages/announcements.py": ("page.announcements", "announcements.title"),
    "pages/surveys.py": ("page.surveys", "surveys.title"),
    "pages/organisations.py": ("page.organisations", "organisations.title"),
    "pages/accountability.py": ("page.accountability", "accountability.title"),
    "pages/audit.py": ("page.audit", "audit.title"),
    "pages/dashboard.py": ("page.dashboard", "dashboard.title"),
    "pages/moderation.py": ("page.moderation", "moderation.title"),
    "pages/admin.py": ("page.admin", "admin.title"),
    "pages/profile.py": ("page.profile", "profile.title"),
}
ROLES = ("anonymous", "resident", "moderator", "researcher", "admin")
KEYS = set(catalogue("en"))


def allowed(role: str, action: str) -> bool:
    return can(Principal(user_id=None if role == "anonymous" else 1, role=role), action)


def visible_texts(at) -> list[str]:
    texts = (
        [e.value for e in at.title]
        + [e.value for e in at.markdown]
        + [e.value for e in at.caption]
        + [e.value for e in at.info]
        + [e.value for e in at.error]
    )
    texts += [e.label for e in at.metric] + [e.label for e in at.button]
    return [str(text) for text in texts]


CASES = [
    (role, page, locale)
    for role in ROLES
    for page, (action, _) in PAGES.items()
    if allowed(role, action)
    for locale in ("en", "zh-CN")
]


@pytest.mark.parametrize("role, page, locale", CASES)
def test_page_renders(app, role, page, locale):
    at = app(role, locale=locale)
    at.run()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    t = Translator(locale)
    assert at.title[0].value == t(PAGES[page][1])
    untranslated = [text for text in visible_texts(at) if text in KEYS]
    assert untranslated == []
    assert not at.error


FORBIDDEN = [
    (role, page)
    for role in ROLES
    for page, (action, _) in PAGES.items()
    if not allowed(role, action)
]


@pytest.mark.parametrize("role, page", FORBIDDEN)
def test_forbidden_page_refuses_even_when_opened_directly(app, role, page):
    at = app(role, script=page)
    at.run()
    assert not at.exception
    t = Translator("en")
    assert at.title[0].value == t("error.page_forbidden_title")
    assert at.error[0].value == t("error.page_forbidden")
    assert len(at.title) == 1  # nothing of the page itself was drawn


def test_forged_session_id_is_anonymous(app):
    at = app("anonymous", script="pages/admin.py")
    at.session_state["session_id"] = "forged-session-id"
    at.run()
    assert at.error[0].value == Translator("en")("error.page_forbidden")
