"""The browser fixtures of tests/e2e and the AppTest fixtures of tests/pages, for the
adversarial tests that run in Chromium or drive the app's scripts."""
from tests.e2e.conftest import app_url, browser, e2e_database  # noqa: F401
from tests.pages.conftest import app, demo_db, demo_template  # noqa: F401
