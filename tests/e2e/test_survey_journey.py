"""A needs survey in a real browser: a moderator drafts a two-question survey for one
building and opens it, two residents of that building answer online and a third, without an
account, on paper; after the close the age-band cross-tabulation shows the one large group
and hides the small ones (the three residents' bands among them), and the moderator turns
the common need into a proposal whose link leads back to the survey.

So that the cross-tabulation has a group to show, set-up adds roster residents of that
building who answer on paper through core: a crowd of one age band (at least k) and a
smaller one of another band, which with the three makes the hidden groups hold at least k
persons together (else the large group would have to be hidden as well)."""

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

BANDS = {
    "18-29": "18–29 岁",
    "30-44": "30–44 岁",
    "45-59": "45–59 岁",
    "60-74": "60–74 岁",
    "75+": "75 岁及以上",
}
CROWD, FEW = 12, 9  # the shown band's residents; another band's, hidden (under k = 10)


def one_building(database_url: str) -> dict:
    """A demo building with two account holders and one roster resident without an account
    (whose name nobody else has), all three consenting to research with an age band given:
    its id and name, the two usernames, the paper resident's name, and the three bands."""
    from db.engine import read_session
    from db.models import Building, Resident, User

    with using_database(database_url), read_session() as s:
        unique = select(Resident.full_name).group_by(Resident.full_name).having(func.count() == 1)
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        counted = (col(Resident.research_consent).is_(True), col(Resident.age_band).is_not(None))
        for building in s.exec(select(Building).order_by(col(Building.id).desc())).all():
            users = s.exec(
                select(User.username, Resident.age_band)
                .join(Resident, Resident.id == User.resident_id)
                .where(
                    Resident.building_id == building.id, col(User.username).like("r0%"), *counted
                )
                .order_by(col(User.id))
            ).all()
            paper = s.exec(
                select(Resident.full_name, Resident.age_band).where(
                    Resident.building_id == building.id,
                    col(Resident.id).not_in(accounts),
                    col(Resident.full_name).in_(unique),
                    *counted,
                )
            ).first()
            if len(users) >= 2 and paper:
                return {
                    "id": building.id,
                    "name": building.name,
                    "users": [u for u, _ in users[:2]],
                    "paper": paper[0],
                    "bands": {band for _, band in users[:2]} | {paper[1]},
                }
    raise AssertionError("no demo building with two account holders and a paper resident")


def add_roster(database_url: str, building_id: int, band: str, n: int) -> list[int]:
    """n consenting roster residents of `band` in the building, without accounts."""
    from db.engine import write_session
    from db.models import Building, Resident

    with using_database(database_url), write_session() as s:
        community_id = s.get(Building, building_id).community_id
        rows = [
            Resident(
                community_id=community_id,
                building_id=building_id,
                source="roster",
                full_name=f"调查{band}组{i}号",
                age_band=band,
                research_consent=True,
            )
            for i in range(n)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def answer_on_paper(
    database_url: str, title: str, resident_ids: list[int], place: str, stars: int
) -> None:
    """Paper answers entered through core by the demo moderator: `place` and `stars`."""
    from core.principal import Principal
    from core.surveys.answering import enter_paper_answer
    from core.surveys.queries import get_survey
    from db.engine import read_session
    from db.models import Survey, User

    with using_database(database_url):
        with read_session() as s:
            moderator = s.exec(select(User).where(User.username == "moderator")).one()
            survey_id = s.exec(select(Survey.id).where(Survey.title == title)).one()
        actor = Principal(
            user_id=moderator.id, role="moderator", community_id=moderator.community_id
        )
        single, rating = get_survey(viewer=actor, survey_id=survey_id).questions
        option = [o.id for o in single.options if o.label == place][0]
        for resident_id in resident_ids:
            enter_paper_answer(
                actor=actor,
                survey_id=survey_id,
                resident_id=resident_id,
                answers={single.id: option, rating.id: stars},
            )


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


def choose(page: Page, box: str, option: str) -> None:
    """Pick `option` in the select box labelled `box` (typing narrows the list)."""
    idle(page)
    combobox = main(page).get_by_role("combobox", name=box)
    combobox.click()
    combobox.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


def test_building_survey_answers_cross_tab_and_proposal(browser, app_url, e2e_database):
    building = one_building(e2e_database)
    crowd_band, few_band = [b for b in BANDS if b not in building["bands"]][:2]
    crowd = add_roster(e2e_database, building["id"], crowd_band, CROWD)
    few = add_roster(e2e_database, building["id"], few_band, FEW)
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1300})
        for _ in range(3)
    ]
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
        buildings.fill(building["name"])
        # Click the option itself: Enter pressed as the list is still filtering chose nothing.
        moderator.get_by_role("option", name=building["name"], exact=True).click()
        moderator.keyboard.press("Escape")
        expect(main(moderator).get_by_test_id("stMultiSelect")).to_contain_text(building["name"])
        main(moderator).get_by_role("button", name="创建（草稿）").click()
        expect(main(moderator)).to_contain_text("草稿已创建")
        idle(moderator)
        add_question(moderator, "单选", "车棚最需要什么？", "充电插座\n防雨棚\n监控")
        add_question(moderator, "评分（1–5）", "您对现在的车棚满意吗？")
        main(moderator).get_by_role("button", name="开始调查").click()
        expect(main(moderator)).to_contain_text("调查已开始。")
        url = f"{app_url}/surveys?id={survey_id(e2e_database, title)}"
        # The rest of the building answers on paper: the crowd gives 4 stars, the few 5.
        answer_on_paper(e2e_database, title, crowd, "防雨棚", 4)
        answer_on_paper(e2e_database, title, few, "监控", 5)

        for page, username, place, stars in zip(
            residents, building["users"], ("充电插座", "防雨棚"), ("2 ★", "3 ★"), strict=True
        ):
            signed_in(page, app_url, username)
            answer(page, url, place, stars)

        moderator.goto(url)
        idle(moderator)
        search = main(moderator).get_by_role("textbox", name="按姓名或房号查找居民")
        search.fill(building["paper"])
        search.press("Enter")
        form = main(moderator).get_by_test_id("stForm").filter(has_text="录入")
        expect(form.get_by_role("combobox", name="居民")).to_be_visible()
        form.get_by_text("充电插座", exact=True).click()
        form.get_by_text("1 ★", exact=True).click()
        form.get_by_role("button", name="录入").click()
        expect(main(moderator)).to_contain_text(f"已录入 {building['paper']} 的纸质问卷。")

        main(moderator).get_by_role("button", name="结束调查").click()
        expect(main(moderator)).to_contain_text("调查已结束，结果已公开。")
        answered = 3 + CROWD + FEW
        expect(main(moderator)).to_contain_text(f"{answered} 人回答了此题")
        # The rating by age band: the crowd's band is shown (12 persons, mean 4.0); the
        # few's band and the three residents' bands are hidden, together over k.
        choose(moderator, "问题", "2. 您对现在的车棚满意吗？")
        choose(moderator, "分组依据", "年龄段")
        hidden = sorted(building["bands"] | {few_band}, key=list(BANDS).index)
        expect(main(moderator)).to_contain_text(
            "已隐藏（保护少于 10 人的组）：" + "、".join(BANDS[b] for b in hidden)
        )
        # The grid draws on a canvas; its cells are also in the DOM, for screen readers.
        cells = main(moderator).get_by_test_id("stDataFrame").locator("td")
        expect(cells.first).to_have_text(BANDS[min(hidden + [crowd_band], key=list(BANDS).index)])
        rows = cells.all_text_contents()
        assert [rows[i : i + 4] for i in range(0, len(rows), 4)] == [
            [BANDS[b], str(CROWD), "4.0", "false"]
            if b == crowd_band
            else [BANDS[b], "—", "—", "true"]  # no count, no mean: nothing to subtract from
            for b in sorted([*hidden, crowd_band], key=list(BANDS).index)
        ]

        main(moderator).get_by_text("把共同需求转为提案").click()
        proposal = main(moderator).get_by_test_id("stForm").filter(has_text="创建提案")
        proposal.get_by_role("textbox", name="标题").fill("车棚加装防雨棚")
        proposal.get_by_role("textbox", name="内容").fill(
            "调查中多数居民希望车棚加装防雨棚，下雨天电动车不再淋湿。"
        )
        proposal.get_by_role("button", name="创建提案").click()
        expect(main(moderator)).to_contain_text("提案已创建。")
        main(moderator).get_by_role("link", name="车棚加装防雨棚").click()
        back = main(moderator).get_by_role("link", name=f"来自需求调查：{title}")
        expect(back).to_be_visible()
        back.click()  # and back to the survey it came from
        moderator.wait_for_url("**/surveys?id=*")
        expect(main(moderator).get_by_role("heading", name=title)).to_be_visible()
        expect(main(moderator)).to_contain_text("由本调查形成的提案")
        screenshot(moderator, "survey-journey")
    finally:
        for context in contexts:
            context.close()
