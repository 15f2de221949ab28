"""The announcements page and the home page's pinned list, driven through widgets."""

from sqlmodel import select

from core.accounts.sessions import resume
from core.announcements import publish_announcement
from core.i18n import Translator
from db.engine import read_session
from db.models import Announcement
from tests.pages.conftest import login_session

T = Translator("en")
BODY = "Meet in the **courtyard** at 9."


def principal(role: str):
    return resume(login_session(role))


def publish(title: str, **values) -> int:
    values = {"kind": "event", "body": BODY, **values}
    return publish_announcement(actor=principal("moderator"), title=title, **values)


def open_announcements(app, role: str, **query):
    at = app(role)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/announcements.py").run()
    assert not at.exception, at.exception
    return at


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def button(at, label: str):
    return [b for b in at.button if b.label == label][0]


def page_links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


def test_moderator_publishes_through_the_form(app):
    at = open_announcements(app, "moderator")
    assert "**周六上午社区议事厅开放日**" in markdown(at)  # the demo community's notices
    at.text_area(key="new_body_0").input(BODY)
    button(at, T("announcements.publish")).click().run()
    assert at.error[0].value == f"{T('field_name.title')}: {T('field.required')}"
    assert at.text_area(key="new_body_0").value == BODY  # kept after the error
    at.selectbox(key="new_kind_0").select("decision")
    at.text_input(key="new_title_0").input("Parking plan adopted")
    at.checkbox(key="new_pinned_0").check()
    button(at, T("announcements.publish")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == T("announcements.published")
    assert "**Parking plan adopted**" in markdown(at)
    assert any(
        T("announcement_kind.decision") in m and T("announcements.pinned") in m
        for m in markdown(at)
    )
    assert at.text_input(key="new_title_1").value == ""  # the form is empty again
    with read_session() as s:
        row = s.exec(select(Announcement).where(Announcement.title == "Parking plan adopted")).one()
    assert (row.kind, row.pinned, row.building_id, row.body) == ("decision", True, None, BODY)


def test_resident_sees_filters_and_cannot_publish(app):
    publish("Water cut on Monday", kind="notice")
    publish("Committee decision on bikes", kind="decision")
    at = open_announcements(app, "resident")
    assert not [b for b in at.button if b.label == T("announcements.publish")]
    assert T("announcements.new") not in [e.label for e in at.expander]
    assert not [
        b for b in at.button if b.label in (T("announcements.pin"), T("announcements.withdraw"))
    ]
    assert {"**Water cut on Monday**", "**Committee decision on bikes**"} <= set(markdown(at))
    assert "Meet in the **courtyard** at 9." in markdown(at)  # Markdown rendered, not escaped
    at.selectbox(key="announcement_kind").select("decision").run()
    assert not at.exception
    assert "**Committee decision on bikes**" in markdown(at)
    assert "**Water cut on Monday**" not in markdown(at)
    at.selectbox(key="announcement_kind").select("result").run()
    assert "**Committee decision on bikes**" not in markdown(at)
    assert "**10 月社区微更新投票结果**" in markdown(at)  # the demo's result


def test_moderator_pins_and_withdraws_with_a_reason(app):
    announcement_id = publish("Cleanup day")
    at = open_announcements(app, "moderator")
    at.button(key=f"pin_{announcement_id}").click().run()
    assert at.success[0].value == T("announcements.pinned_done")
    assert at.button(key=f"pin_{announcement_id}").label == T("announcements.unpin")
    at.text_input(key=f"withdraw_reason_{announcement_id}").input("Postponed")
    button(at, T("announcements.withdraw")).click().run()
    assert at.success[0].value == T("announcements.withdrawn_done")
    assert "**Cleanup day**" not in markdown(at)
    at.toggle(key="announcement_withdrawn").set_value(True).run()
    assert not at.exception
    assert any("Cleanup day" in m and m.startswith(":gray[") for m in markdown(at))
    assert any(c.value.endswith(": Postponed") for c in at.caption)
    assert f"pin_{announcement_id}" not in [b.key for b in at.button]  # withdrawn: no pinning


def test_pinned_announcement_shows_on_home_and_opens(app):
    pinned_id = publish("Residents' assembly", kind="decision", pinned=True)
    publish("Not pinned")
    at = app("resident")
    at.run()
    assert not at.exception
    links = page_links(at)
    assert f"{T('announcement_kind.decision')} · Residents' assembly" in [
        link.replace("\\", "") for link in links
    ]
    assert not [link for link in links if "Not pinned" in link]
    assert T("announcements.home_all") in links
    at = open_announcements(app, "anonymous", id=str(pinned_id))
    assert "**Residents' assembly**" in [m.replace("\\", "") for m in markdown(at)]
    assert "**Not pinned**" not in markdown(at)


def test_unknown_announcement_shows_not_found(app):
    at = open_announcements(app, "resident", id="999999")
    assert at.warning[0].value == T("error.not_found")
