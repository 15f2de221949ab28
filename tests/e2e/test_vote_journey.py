"""A secret participatory-budget poll in a real browser: a moderator creates and opens it,
three residents vote and get receipts, one changes their ballot, the poll closes, and a voter
finds their ballot on the bulletin board by receipt code."""

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from tests.conftest import using_database
from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import idle, main, nav
from tests.e2e.test_proposal_journey import choose, signed_in

pytestmark = pytest.mark.e2e
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def voters(database_url: str) -> list[str]:
    """Three demo account holders on the roster (verified)."""
    from db.engine import read_session
    from db.models import User

    with using_database(database_url), read_session() as s:
        return list(
            s.exec(
                select(User.username)
                .where(col(User.username).like("r0%"))
                .order_by(col(User.id).desc())
                .limit(3)
            ).all()
        )


def poll_id(database_url: str, title: str) -> int:
    from db.engine import read_session
    from db.models import Poll

    with using_database(database_url), read_session() as s:
        return s.exec(select(Poll.id).where(Poll.title == title)).one()


def ballot_labels(database_url: str, poll: int, receipt: str) -> list[str]:
    from core.voting.ballots import find_ballot
    from db.engine import read_session
    from db.models import PollOption

    with using_database(database_url):
        choice = find_ballot(poll_id=poll, receipt=receipt)
        with read_session() as s:
            return [s.get(PollOption, i).label for i in choice]


def end_window(database_url: str, poll: int) -> None:
    from db.engine import write_session
    from db.models import Poll
    from db.models.base import utcnow

    with using_database(database_url), write_session() as s:
        s.get(Poll, poll).closes_at = utcnow() - timedelta(seconds=1)


def vote(page: Page, url: str, projects: list[str]) -> str:
    page.goto(url)
    idle(page)
    for project in projects:
        main(page).get_by_text(project, exact=False).first.click()
    main(page).get_by_role("button", name="投票", exact=True).click()
    notice = main(page).get_by_text("回执码：")
    expect(notice).to_be_visible()
    return RECEIPT.search(notice.inner_text()).group(0)


def test_budget_poll_vote_change_close_and_find_receipt(browser, app_url, e2e_database):
    names = voters(e2e_database)
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1200})
        for _ in range(4)
    ]
    moderator, *residents = (context.new_page() for context in contexts)
    title = f"楼道微更新预算 {secrets.token_hex(2)}"
    try:
        signed_in(moderator, app_url, "moderator")
        nav(moderator, "投票", "votes")
        main(moderator).get_by_text("发起投票").click()
        choose(moderator, "投票方式", "参与式预算")
        main(moderator).get_by_role("textbox", name="标题").fill(title)
        main(moderator).get_by_role("textbox", name="选项").fill(
            "更换路灯 | 40000\n增设长椅 | 30000\n改造花坛 | 50000"
        )
        main(moderator).get_by_role("spinbutton", name="预算").fill("80000")
        main(moderator).get_by_text("截止前允许凭回执码改票").click()
        main(moderator).get_by_role("button", name="创建（草稿）").click()
        expect(main(moderator)).to_contain_text("已创建草稿")
        poll = poll_id(e2e_database, title)
        url = f"{app_url}/votes?id={poll}"
        moderator.goto(url)
        idle(moderator)
        main(moderator).get_by_role("button", name="开始投票").click()
        expect(main(moderator)).to_contain_text("投票已开始。")

        receipts = []
        for page, name, projects in zip(
            residents, names, (["更换路灯", "增设长椅"], ["改造花坛"], ["更换路灯"]), strict=True
        ):
            signed_in(page, app_url, name)
            receipts.append(vote(page, url, projects))
        assert len(set(receipts)) == 3

        # The third voter changes their mind, with the receipt remembered in the session.
        changer = residents[2]
        expander = main(changer).get_by_test_id("stExpander").filter(has_text="改票")
        expander.get_by_text("改票", exact=True).click()
        expander.get_by_text("改造花坛", exact=False).first.click()
        main(changer).get_by_role("button", name="用新选择替换原选票").click()
        expect(main(changer)).to_contain_text("您的选票已更新。")
        assert ballot_labels(e2e_database, poll, receipts[2]) == ["改造花坛"]

        end_window(e2e_database, poll)
        moderator.goto(url)
        idle(moderator)
        main(moderator).get_by_role("button", name="截止并计票").click()
        expect(main(moderator)).to_contain_text("投票已结束，结果已公布。")
        expect(main(moderator)).to_contain_text("平等份额法")

        first = residents[0]
        first.goto(url)
        idle(first)
        main(first).get_by_text("选票公示栏").click()
        search = main(first).get_by_role("textbox", name="输入回执码查找您的选票")
        search.fill(receipts[0])
        search.press("Enter")
        expect(main(first)).to_contain_text("找到了，已计入：更换路灯")
        screenshot(first, "vote-journey")
    finally:
        for context in contexts:
            context.close()
