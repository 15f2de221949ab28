"""Data rights in a real browser: a resident registers, comments on a proposal, downloads
their data (a zip holding the comment), deletes their account, and their comment shows
"deleted user" in a thread that is otherwise intact."""

import io
import json
import secrets
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import main, nav, register, sidebar

pytestmark = pytest.mark.e2e


def test_export_then_delete_keeps_the_thread(browser, app_url):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 1100}, accept_downloads=True
    )
    page = context.new_page()
    username = f"dr_{secrets.token_hex(3)}"
    comment = f"楼下的路灯坏了 {secrets.token_hex(2)}"
    try:
        register(page, app_url, username, "要离开的居民", "lantern-river-autumn")
        expect(sidebar(page)).to_contain_text("已登录：要离开的居民")

        # Comment on the first proposal of the list, and remember its address.
        nav(page, "提案与需求", "proposals")
        main(page).get_by_role("link").filter(has_text="号楼").first.click()
        expect(main(page)).to_contain_text("返回列表")
        address = page.url
        main(page).get_by_role("textbox", name="评论").fill(comment)
        main(page).get_by_role("button", name="发表").click()
        expect(main(page)).to_contain_text("评论已发表。")

        # Download everything held about me.
        nav(page, "我的账户", "profile")
        with page.expect_download() as download:
            main(page).get_by_role("button", name="下载我的数据").click()
        with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
            assert comment in archive.read("comments.csv").decode("utf-8-sig")
            profile = json.loads(archive.read("profile.json"))
            assert profile["account"]["username"] == username

        # Delete the account, typing the login name to confirm.
        main(page).get_by_text("注销账户").click()
        main(page).get_by_role("textbox", name="输入您的登录名以确认").fill(username)
        main(page).get_by_role("button", name="永久注销我的账户").click()
        expect(main(page)).to_contain_text("您的账户已注销。")
        expect(sidebar(page)).not_to_contain_text("已登录")

        # The comment is still in its thread, by a "deleted user".
        page.goto(address)
        expect(main(page)).to_contain_text(comment)
        expect(main(page)).to_contain_text("已注销用户")
        expect(main(page)).not_to_contain_text("要离开的居民")
        screenshot(page, "deleted-user-comment")
    finally:
        context.close()
