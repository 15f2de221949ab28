"""The real app in a real browser: `streamlit run server.py` on a demo database, driven by
Playwright in Debian's chromium (Playwright's own browser downloads are not available here).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.app_server import app_server
from bench.browser import CHROMIUM_ARGS
from db.engine import ROOT
from tests.conftest import migrate_sqlite, skip_or_fail

ARTIFACTS = ROOT / "test-artifacts"
# A script run that writes (argon2, several tables) can take a few seconds on a busy CI core.
expect.set_options(timeout=15_000)


def _demo_database(path: Path) -> str:
    """A migrated SQLite file holding the demo community."""
    return migrate_sqlite(path, demo_residents=300)


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory) -> str:
    """The URL of the demo database the browser tests' server uses (for test set-up)."""
    return _demo_database(tmp_path_factory.mktemp("e2e-db") / "demo.db")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, e2e_database):
    """Base URL of a Streamlit server running the app on a fresh demo database."""
    log = tmp_path_factory.mktemp("e2e") / "streamlit.log"
    try:
        with app_server(e2e_database, log=log, env={"YISHITING_SECRET_KEY": "e2e-secret-key"}) as (
            base,
            _,
        ):
            yield base
    except RuntimeError as error:  # it never became healthy: say why, with its log
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        skip_or_fail("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that `page` can screenshot a failure.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser):
    """A fresh browser profile (no cookies) that prefers Chinese, like most residents."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # The app must not make residents' browsers contact anyone else (no CDN, no fonts, no
    # analytics): every request elsewhere is refused and recorded, and any fails the test.
    outside: list[str] = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"), refuse)
    context.set_default_timeout(20_000)
    yield context
    context.close()
    assert outside == [], f"the app made the browser request outside hosts: {outside}"


@pytest.fixture
def page(context, request):
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        with contextlib.suppress(Exception):  # best effort: never hide the real failure
            screenshot(page, f"FAILED-{request.node.name}")


def screenshot(page, name: str) -> None:
    """Save the whole page to test-artifacts/NAME.png.

    Streamlit scrolls inside its main container, not the document, so `full_page` alone
    stops at the window: grow the window to the content first."""
    height = page.get_by_test_id("stMain").evaluate("e => e.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 8000)})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
