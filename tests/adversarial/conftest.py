"""The AppTest fixtures of tests/pages, for the adversarial tests that drive the app's
scripts. (The adversarial browser test lives in tests/e2e/test_hostile_markup.py: one
Playwright per test session, so it shares tests/e2e's Chromium.)"""

from tests.pages.conftest import app, demo_db, demo_template  # noqa: F401
