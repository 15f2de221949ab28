"""A hearing in a real browser: a moderator schedules it and opens registration, a resident
registers, the moderator checks in that account holder and a roster resident who has no
account, holds the hearing and publishes the minutes, which the resident then reads."""

import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from tests.conftest import using_database
from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import idle, main, nav
from tests.e2e.test_proposal_journey import choose, signed_in

pytestmark = pytest.mark.e2e


def roster_people(database_url: str) -> tuple[tuple[int, str], tuple[int, str]]:
    """(roster id, name) of the demo resident and of a roster resident without account."""
    from db.engine import read_session
    from db.models import Resident, User

    with using_database(database_url), read_session() as s:
        resident = s.exec(
            select(Resident)
            .join(User, User.resident_id == Resident.id)
            .where(User.username == "resident")
        ).one()
        accounts = select(User.resident_id).where(User.resident_id.is_not(None))
        walk_in = s.exec(
            select(Resident).where(col(Resident.id).not_in(accounts)).order_by(col(Resident.id))
        ).first()
        return (resident.id, resident.full_name), (walk_in.id, walk_in.full_name)


def hearing_id(database_url: str, title: str) -> int:
    from db.engine import read_session
    from db.models import Hearing

    with using_database(database_url), read_session() as s:
        return s.exec(select(Hearing.id).where(Hearing.title == title)).one()


def desk_move(page: Page, status_label: str) -> None:
    choose(page, "变更状态为", status_label)
    main(page).get_by_role("button", name="变更状态").click()
    expect(main(page)).to_contain_text("状态已变更。")


def check_in(page: Page, name: str, resident_id: int, channel: str) -> None:
    search = main(page).get_by_role("textbox", name="按姓名或房号查找居民")
    search.fill(name)
    search.press("Enter")
    page.locator(f".st-key-in_{channel}_{resident_id} button").click()
    # This person's own message: an earlier check-in's "已签到" may still be on screen, and
    # typing into the search while this run is still going would be lost.
    expect(main(page)).to_contain_text(f"{name} 已签到。")
    idle(page)


def test_schedule_register_check_in_and_publish_minutes(browser, app_url, e2e_database):
    (resident_id, resident_name), (walk_in_id, walk_in_name) = roster_people(e2e_database)
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
        for _ in range(2)
    ]
    moderator, resident = (context.new_page() for context in contexts)
    title = f"加装电梯听证会 {secrets.token_hex(2)}"
    try:
        signed_in(moderator, app_url, "moderator")
        nav(moderator, "听证与协商", "hearings")
        main(moderator).get_by_text("安排新的听证或协商").click()
        main(moderator).get_by_role("textbox", name="标题").fill(title)
        main(moderator).get_by_role("textbox", name="地点").fill("社区活动中心二楼")
        main(moderator).get_by_role("spinbutton", name="人数上限").fill("0")
        main(moderator).get_by_role("button", name="创建（草稿）").click()
        expect(main(moderator)).to_contain_text("已创建草稿")
        main(moderator).get_by_role("link", name=title).click()
        expect(main(moderator)).to_contain_text("主持人工作台")
        hearing_url = f"{app_url}/hearings?id={hearing_id(e2e_database, title)}"
        desk_move(moderator, "报名中")

        signed_in(resident, app_url, "resident")
        resident.goto(hearing_url)
        main(resident).get_by_role("button", name="报名参加").click()
        expect(main(resident)).to_contain_text("您已报名。")

        moderator.goto(hearing_url)
        check_in(moderator, resident_name, resident_id, "online")
        check_in(moderator, walk_in_name, walk_in_id, "offline")
        expect(main(moderator)).to_contain_text("现场参加")
        desk_move(moderator, "已召开")
        main(moderator).get_by_role("textbox", name="纪要（Markdown）").fill(
            "## 会议纪要\n\n与会居民同意按楼层分摊费用，进入投票程序。"
        )
        main(moderator).get_by_role("button", name="发布会议纪要").click()
        expect(main(moderator)).to_contain_text("纪要已发布")
        main(moderator).get_by_role("link", name="返回列表").click()
        expect(main(moderator).get_by_text("安排新的听证或协商")).to_be_visible()

        resident.goto(hearing_url)
        expect(main(resident)).to_contain_text("与会居民同意按楼层分摊费用")
        expect(main(resident)).to_contain_text("纪要已公开")
        screenshot(resident, "hearing-journey")
    finally:
        for context in contexts:
            context.close()
