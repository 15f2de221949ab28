"""Fair invitations in a real browser: a moderator schedules an invitation-only forum, draws a
panel by lot from the residents who agreed to be invited, an invitee accepts online, another
declines by letter and is replaced from the same stratum, the replacement's reply is recorded,
and both are checked in while a resident who was not invited is turned away."""

import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select, update

from tests.conftest import using_database
from tests.e2e.conftest import screenshot
from tests.e2e.test_hearing_journey import check_in, desk_move, hearing_id
from tests.e2e.test_journey import idle, main, nav
from tests.e2e.test_proposal_journey import choose, signed_in

pytestmark = pytest.mark.e2e
POOL = 7


def agreed_to_be_invited(database_url: str) -> list[tuple[int, str, str]]:
    """Make exactly POOL account holders (not the demo logins) the residents who agreed to be
    invited; returns their (roster id, username, name)."""
    from db.engine import write_session
    from db.models import Resident, User

    with using_database(database_url), write_session() as s:
        s.execute(update(Resident).values(invitation_consent=False))
        rows = s.exec(
            select(Resident.id, User.username, Resident.full_name)
            .join(User, User.resident_id == Resident.id)
            .where(col(User.username).like("r0%"))
            .order_by(col(Resident.id))
            .limit(POOL)
        ).all()
        s.execute(
            update(Resident)
            .where(col(Resident.id).in_([r[0] for r in rows]))
            .values(invitation_consent=True)
        )
        return [tuple(r) for r in rows]


def invited(database_url: str, hearing: int) -> dict[int, str]:
    """Roster id -> invitation status."""
    from db.engine import read_session
    from db.models import HearingInvitation

    with using_database(database_url), read_session() as s:
        return dict(
            s.exec(
                select(HearingInvitation.resident_id, HearingInvitation.status).where(
                    HearingInvitation.hearing_id == hearing
                )
            ).all()
        )


def record(
    page: Page, action: str, invitation_resident: int, database_url: str, hearing: int
) -> None:
    from db.engine import read_session
    from db.models import HearingInvitation

    with using_database(database_url), read_session() as s:
        invitation = s.exec(
            select(HearingInvitation.id).where(
                HearingInvitation.hearing_id == hearing,
                HearingInvitation.resident_id == invitation_resident,
            )
        ).one()
    page.locator(f".st-key-inv_{action}_{invitation} button").click()


def test_draw_accept_replace_and_check_in(browser, app_url, e2e_database):
    pool = agreed_to_be_invited(e2e_database)
    contexts = [
        browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1200})
        for _ in range(2)
    ]
    moderator, invitee_page = (context.new_page() for context in contexts)
    title = f"停车难座谈会 {secrets.token_hex(2)}"
    try:
        signed_in(moderator, app_url, "moderator")
        nav(moderator, "听证与协商", "hearings")
        main(moderator).get_by_text("安排新的听证或协商").click()
        choose(moderator, "类型", "座谈会")
        main(moderator).get_by_role("textbox", name="标题").fill(title)
        main(moderator).get_by_role("textbox", name="地点").fill("居委会会议室")
        main(moderator).get_by_role("spinbutton", name="人数上限").fill("0")
        choose(moderator, "参加范围", "仅限受邀")
        main(moderator).get_by_role("button", name="创建（草稿）").click()
        expect(main(moderator)).to_contain_text("已创建草稿")
        hearing = hearing_id(e2e_database, title)
        hearing_url = f"{app_url}/hearings?id={hearing}"
        moderator.goto(hearing_url)
        desk_move(moderator, "报名中")

        # The panel: POOL - 1 of the POOL residents who agreed, one stratum (no features).
        # A fresh load first: after the flash above, the previous run's widgets linger below
        # the new ones until a run ends.
        moderator.goto(hearing_url)
        idle(moderator)
        consenting = main(moderator).get_by_text("只抽同意受邀的居民")
        consenting.click()
        size = main(moderator).get_by_role("spinbutton", name="小组人数")
        expect(size).to_have_count(1)
        size.fill(str(POOL - 1))
        size.press("Enter")
        features = moderator.locator(f".st-key-panel_{hearing}_features")
        for tag in ("楼栋", "户籍/居住状态", "年龄段"):  # Backspace removes the last tag
            expect(features).to_have_count(1)
            features.locator("input").first.focus()  # focus without opening the list
            moderator.keyboard.press("Backspace")
            expect(features).not_to_contain_text(tag)
        main(moderator).get_by_role("button", name="预览").click()
        expect(main(moderator)).to_contain_text("最低被抽中概率")
        main(moderator).get_by_role("button", name=f"抽签并邀请 {POOL - 1} 人").click()
        expect(main(moderator)).to_contain_text(f"已抽出 {POOL - 1} 人并发出邀请。")
        statuses = invited(e2e_database, hearing)
        assert len(statuses) == POOL - 1 and set(statuses.values()) == {"invited"}
        drawn = [p for p in pool if p[0] in statuses]
        left_out = [p for p in pool if p[0] not in statuses]
        assert len(left_out) == 1

        # The first invitee accepts online, from the notice on the home page.
        accepting, declining = drawn[0], drawn[1]
        signed_in(invitee_page, app_url, accepting[1])
        expect(main(invitee_page)).to_contain_text("您收到了抽签邀请")
        main(invitee_page).get_by_role("link", name=title, exact=False).click()
        expect(main(invitee_page)).to_contain_text("您被抽签邀请参加本场听证")
        expect(main(invitee_page)).to_contain_text(f"抽签：从 {POOL} 人中抽出 {POOL - 1} 人")
        main(invitee_page).get_by_role("button", name="接受邀请").click()
        expect(main(invitee_page)).to_contain_text("已接受邀请，席位为您保留。")

        # Another replies by letter that they cannot come; a replacement is drawn.
        moderator.goto(hearing_url)
        record(moderator, "decline", declining[0], e2e_database, hearing)
        expect(main(moderator)).to_contain_text(f"已记录：{declining[2]} 谢绝邀请。")
        record(moderator, "replace", declining[0], e2e_database, hearing)
        expect(main(moderator)).to_contain_text("已从同一层")
        statuses = invited(e2e_database, hearing)
        assert statuses[left_out[0][0]] == "invited" and statuses[declining[0]] == "declined"
        record(moderator, "accept", left_out[0][0], e2e_database, hearing)
        expect(main(moderator)).to_contain_text(f"已记录：{left_out[0][2]} 接受邀请。")

        # At the door: both come in; someone who was not invited is turned away.
        check_in(moderator, accepting[2], accepting[0], "online")
        check_in(moderator, left_out[0][2], left_out[0][0], "offline")
        # By the widget's key: while a run redraws the page, a section's old copy can still
        # be on screen beside the new one, with a box of the same label.
        idle(moderator)
        search = moderator.locator(".st-key-check_in_query input").last
        search.fill(declining[2])
        search.press("Enter")
        moderator.locator(f".st-key-in_offline_{declining[0]} button").click()
        expect(main(moderator)).to_contain_text("此会议须先报名才能入场")
        statuses = invited(e2e_database, hearing)
        assert statuses[accepting[0]] == "attended" and statuses[left_out[0][0]] == "attended"
        screenshot(moderator, "invitation-journey")
    finally:
        for context in contexts:
            context.close()
