"""A newcomer's first visit, in a real browser: register, stay logged in across a reload
(the HttpOnly cookie), switch language, log out, log in again."""

import re
import secrets
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

PASSWORD = "violet-teapot-harbour-42"
COOKIE = "yishiting_session"


def idle(page: Page) -> None:
    """Wait until Streamlit has finished its script run (never a fixed sleep).

    Reliable after a page load; after a click the old run's "notRunning" can still show, so
    wait for something the click changes instead (or first, as in `nav`)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def main(page: Page):
    return page.get_by_test_id("stMain")


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    idle(page)


def nav(page: Page, title: str, path: str) -> None:
    """Follow a sidebar link: stays in the same Streamlit session, unlike page.goto."""
    sidebar(page).get_by_role("link", name=title, exact=True).click()
    # The script state reads "notRunning" until the server starts the new run, so wait
    # for the new URL first.
    page.wait_for_url(f"**/{path}")
    idle(page)


def log_in(page: Page, username: str, password: str) -> None:
    form = main(page)
    form.get_by_role("textbox", name="用户名", exact=True).fill(username)
    form.get_by_label("密码", exact=True).fill(password)
    form.get_by_role("button", name="登录", exact=True).click()


def register(page: Page, app_url: str, username: str, display_name: str, password: str) -> int:
    """Open the app, register in the first building, and return the status with which the
    browser redeemed its one-time token for the login cookie."""
    open_app(page, app_url)
    nav(page, "注册", "register")
    form = main(page)
    form.get_by_role("textbox", name="用户名", exact=True).fill(username)
    form.get_by_role("textbox", name="显示名称", exact=True).fill(display_name)
    form.get_by_label("密码", exact=True).fill(password)
    form.get_by_label("确认密码", exact=True).fill(password)
    form.get_by_role("combobox", name="楼栋").click()
    page.get_by_role("option").first.click()
    form.get_by_role("textbox", name="房号（楼内门牌）", exact=True).fill("1-101")
    with page.expect_response(lambda r: r.url.endswith("/auth/session")) as redeemed:
        form.get_by_role("button", name="注册", exact=True).click()
    return redeemed.value.status


def session_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def device_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "yishiting_device"), None)


def test_register_reload_switch_language_log_out_and_in(page: Page, app_url: str):
    username = f"e2e_{secrets.token_hex(3)}"
    # The app hands the browser a one-time token that it redeems for the cookie.
    assert register(page, app_url, username, "浏览器测试居民", PASSWORD) == 204
    expect(sidebar(page)).to_contain_text("已登录：浏览器测试居民")
    expect(main(page)).to_contain_text("浏览器测试居民，欢迎回到")

    cookie = session_cookie(page)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
    # ...and a long-lived device cookie, which exempts this browser from lockouts aimed at
    # the account (core/accounts/devices.py).
    device = device_cookie(page)
    assert device is not None and device["httpOnly"] and device["sameSite"] == "Lax", device
    assert device["expires"] > time.time() + 170 * 86400
    page.reload()  # a new Streamlit session: only the cookie can keep the login
    idle(page)
    expect(sidebar(page)).to_contain_text("已登录：浏览器测试居民")

    sidebar(page).get_by_role("radio", name="English").click()
    expect(sidebar(page)).to_contain_text("Signed in as 浏览器测试居民")

    with page.expect_response(lambda r: r.url.endswith("/auth/logout")):
        sidebar(page).get_by_role("button", name="Log out").click()
    expect(sidebar(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(sidebar(page)).not_to_contain_text("Signed in as")
    assert session_cookie(page) is None
    assert device_cookie(page) == device  # the device stays trusted after logging out
    page.reload()  # the browser locale (zh-CN) applies again in the new session
    idle(page)
    expect(sidebar(page).get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(sidebar(page)).not_to_contain_text("已登录")

    # Logging in switches to the account's language (zh-CN here), so log in in Chinese.
    nav(page, "登录", "login")
    log_in(page, username, PASSWORD)
    expect(sidebar(page)).to_contain_text("已登录：浏览器测试居民")
    sidebar(page).get_by_role("radio", name="English").click()
    expect(sidebar(page)).to_contain_text("Signed in as 浏览器测试居民")
    idle(page)
    screenshot(page, "journey")


def test_wrong_password_is_refused(page: Page, app_url: str):
    open_app(page, app_url)
    nav(page, "登录", "login")
    log_in(page, "resident", "not-the-password")
    expect(main(page).get_by_text(re.compile("用户名或密码不正确"))).to_be_visible()
    expect(sidebar(page)).not_to_contain_text("已登录")
    assert session_cookie(page) is None
