"""Volunteering in a real browser: a resident asks to join the demo's volunteer team, its
coordinator accepts and posts an activity, the resident signs up and, once it is under way,
records their hours; the coordinator records hours for a neighbour without an account who
came in person, and the team's page shows the totals."""

import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from tests.conftest import using_database
from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import idle, main
from tests.e2e.test_proposal_journey import signed_in

pytestmark = pytest.mark.e2e


def facts(database_url: str) -> dict:
    """The volunteer team's id and coordinator's login, and a roster resident without an
    account who has not volunteered with it (the one who comes in person)."""
    from db.engine import read_session
    from db.models import Actor, Organisation, OrganisationMember, Resident, User, VolunteerRecord

    with using_database(database_url), read_session() as s:
        team, coordinator = s.exec(
            select(Organisation.id, User.username)
            .join(Actor, Actor.id == Organisation.actor_id)
            .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
            .join(User, User.id == OrganisationMember.user_id)
            .where(Actor.kind == "volunteer_team", OrganisationMember.role == "coordinator")
        ).one()
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        walk_in = s.exec(
            select(Resident)
            .where(
                col(Resident.id).not_in(accounts),
                col(Resident.id).not_in(select(VolunteerRecord.resident_id)),
            )
            .order_by(col(Resident.id).desc())
        ).first()
        return {"team": team, "coordinator": coordinator, "walk_in": walk_in.full_name}


def request_id(database_url: str, team: int) -> int:
    from db.engine import read_session
    from db.models import OrganisationMember, User

    with using_database(database_url), read_session() as s:
        return s.exec(
            select(OrganisationMember.id)
            .join(User, User.resident_id == OrganisationMember.resident_id)
            .where(OrganisationMember.organisation_id == team, User.username == "resident")
        ).one()


def activity_of(database_url: str, title: str) -> int:
    from db.engine import read_session
    from db.models import OrganisationActivity

    with using_database(database_url), read_session() as s:
        return s.exec(
            select(OrganisationActivity.id).where(OrganisationActivity.title == title)
        ).one()


def start_now(database_url: str, activity_id: int) -> None:
    """The activity started an hour ago (and has not ended)."""
    from db.engine import write_session
    from db.models import OrganisationActivity
    from db.models.base import utcnow

    with using_database(database_url), write_session() as s:
        activity = s.get(OrganisationActivity, activity_id)
        activity.starts_at = utcnow() - timedelta(hours=1)
        activity.ends_at = utcnow() + timedelta(hours=2)


def reload(page: Page, url: str) -> None:
    page.goto(url)
    idle(page)


def test_join_post_sign_up_and_record_hours(browser, app_url, e2e_database):
    known = facts(e2e_database)
    url = f"{app_url}/organisations?id={known['team']}"
    title = f"楼道清洁日 {secrets.token_hex(2)}"
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
        for _ in range(2)
    ]
    resident, coordinator = (context.new_page() for context in contexts)
    try:
        # The resident asks to join.
        signed_in(resident, app_url, "resident")
        reload(resident, url)
        main(resident).get_by_role("textbox", name="留言").fill("周末有空，可以帮忙。")
        main(resident).get_by_role("button", name="申请加入").click()
        expect(main(resident)).to_contain_text("申请已提交")

        # The coordinator accepts and posts an activity.
        signed_in(coordinator, app_url, known["coordinator"])
        reload(coordinator, url)
        coordinator.locator(
            f".st-key-accept_{request_id(e2e_database, known['team'])} button"
        ).click()
        expect(main(coordinator)).to_contain_text("加入。")
        idle(coordinator)
        main(coordinator).get_by_role("textbox", name="标题").fill(title)
        main(coordinator).get_by_role("textbox", name="地点").fill("3号楼")
        main(coordinator).get_by_role("button", name="发布", exact=True).click()
        expect(main(coordinator)).to_contain_text("活动已发布。")

        # The resident, now a member, signs up; then the activity gets under way.
        reload(resident, url)
        expect(main(resident)).to_contain_text("您是本组织成员。")
        activity_id = activity_of(e2e_database, title)
        resident.locator(f".st-key-sign_{activity_id} button").click()
        expect(main(resident)).to_contain_text("报名成功。")
        start_now(e2e_database, activity_id)

        # The resident records their own hours.
        reload(resident, url)
        resident.locator(f".st-key-my_hours_value_{activity_id} input").fill("2.5")
        main(resident).get_by_role("button", name="记录我的参与和时长").click()
        expect(main(resident)).to_contain_text("已记录，感谢您的志愿服务！")

        # The coordinator records a neighbour without an account who came in person.
        reload(coordinator, url)
        search = coordinator.locator(f".st-key-find_{activity_id} input")
        search.fill(known["walk_in"])
        search.press("Enter")
        hours = coordinator.locator(f".st-key-record_hours_{activity_id} input")
        hours.fill("2")
        main(coordinator).get_by_role("button", name="记录", exact=True).click()
        expect(main(coordinator)).to_contain_text("记录时长。")

        # The team's page shows the totals: both attendees and their hours.
        expect(main(coordinator)).to_contain_text("2 人参加，共 4.5 小时")
        expect(main(resident)).to_contain_text("您参加了这次活动，服务 2.5 小时。")
        screenshot(coordinator, "organisation-journey")
    finally:
        for context in contexts:
            context.close()
