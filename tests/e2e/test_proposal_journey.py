"""A proposal's way through the hall, in a real browser with three people: a resident
submits it, a neighbour supports it and comments, a moderator opens it for discussion and
answers, and the first resident sees the answer, on the proposal and on the home page."""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import (
    idle,
    log_in,
    main,
    nav,
    open_app,
    register,
    session_cookie,
    sidebar,
)

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "yishiting-demo-2026"


def signed_in(page: Page, app_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    open_app(page, app_url)
    nav(page, "登录", "login")
    with page.expect_response(lambda r: r.url.endswith("/auth/session")):
        log_in(page, username, password)
    expect(sidebar(page)).to_contain_text("已登录")
    assert session_cookie(page) is not None


def open_proposal(page: Page, app_url: str, proposal_id: str) -> None:
    """A full page load on the proposal's address: the login cookie keeps the user."""
    page.goto(f"{app_url}/proposals?id={proposal_id}")
    idle(page)
    expect(sidebar(page)).to_contain_text("已登录")


def choose(page: Page, combobox: str, option: str) -> None:
    main(page).get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_submit_support_discuss_answer(browser, app_url: str):
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        for _ in range(3)
    ]
    author, neighbour, moderator = (context.new_page() for context in contexts)
    title = f"楼道安装扶手 {secrets.token_hex(2)}"
    try:
        # 1. A resident submits a proposal.
        signed_in(author, app_url, "resident")
        nav(author, "提出建议", "new")
        main(author).get_by_role("textbox", name="标题").fill(title)
        main(author).get_by_role("textbox", name="内容").fill(
            "老人上下楼不方便，建议在 **每层楼道** 安装扶手。"
        )
        choose(author, "类别", "设施维修")
        main(author).get_by_role("button", name="提交").click()
        author.wait_for_url(re.compile(r".*/proposals\?id=\d+"))
        expect(main(author)).to_contain_text(title)
        expect(main(author)).to_contain_text("已提交，感谢您的参与！")
        proposal_id = re.search(r"id=(\d+)", author.url).group(1)

        # 2. A neighbour registers, supports it and comments.
        register(
            neighbour, app_url, f"nb_{secrets.token_hex(3)}", "隔壁邻居", "walnut-courtyard-evening"
        )
        # Found through the list's search, then opened by its link (not by address).
        nav(neighbour, "提案与需求", "proposals")
        main(neighbour).get_by_text("搜索与筛选").click()
        search = main(neighbour).get_by_role("textbox", name="搜索")
        search.fill(title)
        search.press("Enter")
        expect(main(neighbour)).to_contain_text("共 1 项")
        main(neighbour).get_by_role("link", name=title).click()
        expect(main(neighbour)).to_contain_text("返回列表")
        main(neighbour).get_by_role("button", name="支持").click()
        expect(main(neighbour)).to_contain_text("已支持。")
        expect(main(neighbour)).to_contain_text("1 /")
        main(neighbour).get_by_role("textbox", name="评论").fill("完全赞同，我家老人也需要。")
        main(neighbour).get_by_role("button", name="发表").click()
        expect(main(neighbour)).to_contain_text("评论已发表。")
        expect(main(neighbour)).to_contain_text("完全赞同，我家老人也需要。")

        # 3. A moderator opens it for discussion and answers.
        signed_in(moderator, app_url, "moderator")
        open_proposal(moderator, app_url, proposal_id)
        main(moderator).get_by_text("主持人操作").click()
        choose(moderator, "变更状态为", "讨论中")
        main(moderator).get_by_role("button", name="变更状态").click()
        expect(main(moderator)).to_contain_text("状态已变更。")
        main(moderator).get_by_text("主持人操作").click()
        main(moderator).get_by_role("textbox", name="正式答复").fill(
            "居委会已联系物业，下月起分楼栋安装。"
        )
        main(moderator).get_by_role("button", name="发布正式答复").click()
        expect(main(moderator)).to_contain_text("答复已发布。")

        # 4. The author sees the answer, on the proposal and among followed updates.
        open_proposal(author, app_url, proposal_id)
        expect(main(author)).to_contain_text("居委会已联系物业，下月起分楼栋安装。")
        expect(main(author)).to_contain_text("讨论中")
        expect(main(author)).to_contain_text("完全赞同，我家老人也需要。")
        screenshot(author, "proposal-journey")
        sidebar(author).get_by_role(
            "link", name="首页", exact=True
        ).click()  # the default page: "/"
        expect(main(author)).to_contain_text("我关注的提案动态")
        expect(main(author)).to_contain_text("收到正式答复")
        expect(main(author)).to_contain_text(title)
    finally:
        for context in contexts:
            context.close()
