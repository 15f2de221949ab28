"""A needs survey in a real browser: a moderator drafts a two-question survey for one
building and opens it, two residents of that building answer online and a third, without an
account, on paper; after the close the cross-tabulation hides the small group, and the
moderator turns the common need into a proposal that links back to the survey."""
import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import col, select

from tests.conftest import using_database
from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import idle, main, nav
from tests.e2e.test_proposal_journey import signed_in

pytestmark = pytest.mark.e2e


def one_building(database_url: str) -> tuple[str, list[str], str]:
    """(building name, two account holders' usernames, a roster resident without an account
    whose name nobody else has) of one building of the demo."""
    from db.engine import read_session
    from db.models import Building, Resident, User

    with using_database(database_url), read_session() as s:
        unique = select(Resident.full_name).group_by(Resident.full_name) \
            .having(func.count() == 1)
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        for building in s.exec(select(Building).order_by(col(Building.id).desc())).all():
            users = s.exec(select(User.username).join(Resident, Resident.id == User.resident_id)
                           .where(Resident.building_id == building.id,
                                  col(User.username).like("r0%"))
                           .order_by(col(User.id))).all()
            paper = s.exec(select(Resident.full_name).where(
                Resident.building_id == building.id, col(Resident.id).not_in(accounts),
                col(Resident.full_name).in_(unique))).first()
            if len(users) >= 2 and paper:
                return building.name, list(users[:2]), paper
    raise AssertionError("no demo building with two account holders and a paper resident")


def survey_id(database_url: str, title: str) -> int:
    from db.engine import read_session
    from db.models import Survey

    with using_database(database_url), read_session() as s:
        return s.exec(select(Survey.id).where(Survey.title == title)).one()


def add_question(page: Page, kind: str, prompt: str, options: str = "") -> None:
    form = main(page).get_by_test_id("stForm").filter(has_text="添加问题")
    form.get_by_role("combobox", name="题型").click()
    page.get_by_role("option", name=kind, exact=True).click()
    form.get_by_role("textbox", name="问题").fill(prompt)
    if options:
        form.get_by_role("textbox", name="选项").fill(options)
    form.get_by_role("button", name="添加问题").click()
    expect(main(page)).to_contain_text(prompt)
    idle(page)


def answer(page: Page, url: str, place: str, stars: str) -> None:
    page.goto(url)
    idle(page)
    form = main(page).get_by_test_id("stForm")
    form.get_by_text(place, exact=True).click()
    form.get_by_text(stars, exact=True).click()
    form.get_by_role("button", name="提交").click()
    expect(main(page)).to_contain_text("谢谢！您的回答已收到")


def test_building_survey_answers_cross_tab_and_proposal(browser, app_url, e2e_database):
    building, (first, second), on_paper = one_building(e2e_database)
    contexts = [browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1300})
                for _ in range(3)]
    moderator, *residents = (context.new_page() for context in contexts)
    title = f"车棚改造需求调查 {secrets.token_hex(2)}"
    try:
        signed_in(moderator, app_url, "moderator")
        nav(moderator, "需求调查", "surveys")
        main(moderator).get_by_text("发起调查").click()
        main(moderator).get_by_role("textbox", name="标题").fill(title)
        main(moderator).get_by_text("指定楼栋", exact=True).click()
        buildings = main(moderator).get_by_role("combobox", name="楼栋")
        buildings.click()
        buildings.fill(building)
        buildings.press("Enter")
        moderator.keyboard.press("Escape")
        expect(main(moderator).get_by_test_id("stMultiSelect")).to_contain_text(building)
        main(moderator).get_by_role("button", name="创建（草稿）").click()
        expect(main(moderator)).to_contain_text("草稿已创建")
        idle(moderator)
        add_question(moderator, "单选", "车棚最需要什么？", "充电插座\n防雨棚\n监控")
        add_question(moderator, "评分（1–5）", "您对现在的车棚满意吗？")
        main(moderator).get_by_role("button", name="开始调查").click()
        expect(main(moderator)).to_contain_text("调查已开始。")
        url = f"{app_url}/surveys?id={survey_id(e2e_database, title)}"

        for page, username, place, stars in zip(residents, (first, second),
                                                ("充电插座", "防雨棚"), ("2 ★", "3 ★")):
            signed_in(page, app_url, username)
            answer(page, url, place, stars)

        moderator.goto(url)
        idle(moderator)
        search = main(moderator).get_by_role("textbox", name="按姓名或房号查找居民")
        search.fill(on_paper)
        search.press("Enter")
        form = main(moderator).get_by_test_id("stForm").filter(has_text="录入")
        expect(form.get_by_role("combobox", name="居民")).to_be_visible()
        form.get_by_text("充电插座", exact=True).click()
        form.get_by_text("1 ★", exact=True).click()
        form.get_by_role("button", name="录入").click()
        expect(main(moderator)).to_contain_text(f"已录入 {on_paper} 的纸质问卷。")

        main(moderator).get_by_role("button", name="结束调查").click()
        expect(main(moderator)).to_contain_text("调查已结束，结果已公开。")
        expect(main(moderator)).to_contain_text("3 人回答了此题")
        # Three persons in one building: fewer than k, so the group is hidden.
        expect(main(moderator)).to_contain_text(f"已隐藏（少于 10 人）：{building}")

        main(moderator).get_by_text("把共同需求转为提案").click()
        proposal = main(moderator).get_by_test_id("stForm").filter(has_text="创建提案")
        proposal.get_by_role("textbox", name="标题").fill("车棚加装充电插座")
        proposal.get_by_role("textbox", name="内容").fill(
            "调查中多数居民希望车棚加装充电插座，避免在楼道里充电。")
        proposal.get_by_role("button", name="创建提案").click()
        expect(main(moderator)).to_contain_text("提案已创建。")
        main(moderator).get_by_role("link", name="车棚加装充电插座").click()
        expect(main(moderator)).to_contain_text(f"来自需求调查：{title}")
        screenshot(moderator, "survey-journey")
    finally:
        for context in contexts:
            context.close()
