"""The responsibility board page: everyone sees who holds what and since when, can find an
item and show only overdue ones; admins set service levels."""

from core.i18n import Translator

T = Translator("en")


def board(app, role="anonymous"):
    at = app(role)
    at.run()
    at.switch_page("pages/accountability.py").run()
    assert not at.exception, at.exception
    return at


def test_anyone_sees_holdings_and_finds_an_item(app):
    at = board(app)
    summary = at.dataframe[0].value
    assert len(summary) == 6 and summary["open"].sum() > 0
    assert at.get("vega_lite_chart")
    held = at.get("page_link")
    assert held  # the items, linked to their proposals
    title = held[0].proto.label
    at.text_input(key="board_search").input(title[:4]).run()
    assert not at.exception
    assert any(link.proto.label == title for link in at.get("page_link"))
    at.text_input(key="board_search").input("没有这样的事项zzz").run()
    assert at.info[-1].value == T("accountability.no_match")
    at.text_input(key="board_search").input("").run()
    at.toggle(key="board_overdue").set_value(True).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == T("common.save")]  # admins only


def test_admins_set_a_service_level(app):
    from core.accountability import service_levels

    at = board(app, "admin")
    at.selectbox(key="level_category").set_value("safety")
    at.number_input(key="level_first").set_value(2)
    at.number_input(key="level_complete").set_value(20)
    [b for b in at.button if b.label == T("common.save")][0].click().run()
    assert not at.exception
    assert at.success[0].value == T("accountability.level_saved")
    assert service_levels(community_id=1)["safety"] == (2, 20)


def test_an_actor_with_many_items_shows_them_a_page_at_a_time(app):
    from datetime import timedelta

    from sqlalchemy import insert

    from db.engine import write_session
    from db.models import Proposal
    from db.models.base import utcnow

    long_ago = utcnow() - timedelta(days=600)  # waiting longest: listed before the demo's
    with write_session() as s:
        s.execute(
            insert(Proposal),
            [
                dict(
                    community_id=1,
                    kind="need",
                    category="safety",
                    title=f"积压事项 {n:02d}",
                    body="等待答复",
                    author_id=4,
                    status="under_review",
                    actor_id=1,
                    assigned_at=long_ago,
                    clock_started_at=long_ago,
                    created_at=long_ago,
                    updated_at=long_ago,
                )
                for n in range(25)
            ],
        )
    at = board(app)
    backlog = [link for link in at.get("page_link") if link.proto.label.startswith("积压事项")]
    assert len(backlog) == 20
    [more] = [b for b in at.button if b.key == "more_board_1"]
    assert more.label == T("common.show_more", n=5)
    more.click().run()
    backlog = [link for link in at.get("page_link") if link.proto.label.startswith("积压事项")]
    assert len(backlog) == 25 and not [b for b in at.button if b.key == "more_board_1"]
