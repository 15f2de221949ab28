"""The organisations page, driven through its widgets: the public list and page, a resident
joining, signing up and recording hours, the coordinator's desk, and staff set-up."""

import json
from datetime import timedelta

from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from core.accounts.sessions import resume
from core.i18n import Translator
from core.organisations.activities import post_activity, sign_up
from db.engine import read_session, write_session
from db.models import (
    Actor,
    Building,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    Resident,
    User,
    VolunteerRecord,
)
from db.models.base import utcnow
from tests.pages.conftest import ROOT, TIMEOUT, login_session

T = Translator("en")
PAGE = "pages/organisations.py"


def team() -> tuple[int, str]:
    """The demo's volunteer team: (id, coordinator's username)."""
    with read_session() as s:
        organisation_id, username = s.exec(
            select(Organisation.id, User.username)
            .join(Actor, Actor.id == Organisation.actor_id)
            .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
            .join(User, User.id == OrganisationMember.user_id)
            .where(Actor.kind == "volunteer_team", OrganisationMember.role == "coordinator")
        ).one()
    return organisation_id, username


def open_page(app, role: str, organisation_id: int | None = None, *, username: str = ""):
    """The page as `role`, or as the account `username` (a coordinator)."""
    if username:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        at.session_state["locale"] = "en"
        at.session_state["session_id"] = login_session(username)
    else:
        at = app(role)
    if organisation_id is not None:
        at.query_params["id"] = str(organisation_id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def button(at, label: str):
    return [b for b in at.button if b.label == label][0]


def texts(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [e.value for e in at.success]
        + [e.value for e in at.info]
    )


def test_anonymous_visitor_sees_the_list_and_a_page(app):
    at = open_page(app, "anonymous")
    links = [e.proto.label for e in at.get("page_link")]
    assert {"阳光社工服务中心", "W社区志愿者服务队"} <= set(links)
    organisation_id, _ = team()
    at = open_page(app, "anonymous", organisation_id)
    assert at.subheader[0].value == "W社区志愿者服务队"
    assert "W社区志愿者服务队：楼道清洁" in texts(at)
    assert T("organisations.coordinated_by", names="")[:-1] in texts(at)
    assert [m.label for m in at.metric] == [
        T("organisations.members"),
        T("organisations.volunteers"),
        T("organisations.hours"),
    ]
    assert float(at.metric[2].value) > 0  # the demo's past activities
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["y"]["field"] == "hours"
    assert not [f for f in at.get("form")]  # nothing to fill in without an account
    assert not at.expander  # no desk, no settings


def test_resident_asks_to_join_and_signs_up(app):
    organisation_id, _ = team()
    at = open_page(app, "resident", organisation_id)
    at.text_area(key="org_join_message").input("I can help on weekends")
    button(at, T("organisations.join")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == T("organisations.requested")
    assert at.info[0].value == T("organisations.you_requested")
    upcoming = [b for b in at.button if b.key and b.key.startswith("sign_")]
    assert upcoming, "the demo's upcoming activity offers a place"
    upcoming[0].click().run()
    assert at.success[0].value == T("organisations.signed_up_ok")
    assert T("organisations.you_signed_up") in texts(at)
    with read_session() as s:
        resident = s.exec(select(User).where(User.username == "resident")).one()
        row = s.exec(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.resident_id == resident.resident_id,
            )
        ).one()
    assert (row.status, row.message) == ("requested", "I can help on weekends")


def test_resident_records_own_hours_and_sees_a_clear_error(app):
    organisation_id, username = team()
    coordinator = resume(login_session(username))
    resident = resume(login_session("resident"))
    activity_id = post_activity(
        actor=coordinator,
        organisation_id=organisation_id,
        title="Stairwell clean-up",
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=1, hours=2),
    )
    sign_up(actor=resident, activity_id=activity_id)
    with write_session() as s:  # it has started now
        row = s.get(OrganisationActivity, activity_id)
        row.starts_at, row.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    at = open_page(app, "resident", organisation_id)
    at.number_input(key=f"my_hours_value_{activity_id}").set_value(5.0)
    button(at, T("organisations.record_mine")).click().run()
    assert (
        at.error[0].value == f"{T('field_name.hours')}: {T('volunteer.hours_out_of_range', max=2)}"
    )
    at.number_input(key=f"my_hours_value_{activity_id}").set_value(1.5)
    button(at, T("organisations.record_mine")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == T("organisations.hours_recorded")
    assert T("organisations.your_hours", hours=T.number(1.5, 1)) in [s.value for s in at.success]


def test_coordinator_accepts_posts_and_records_an_offline_attendee(app):
    organisation_id, username = team()
    at = open_page(app, "", organisation_id, username=username)
    desk = [e for e in at.expander if e.label == T("organisations.desk")]
    assert desk, "the coordinator's desk"
    accept = [b for b in at.button if b.key and b.key.startswith("accept_")]
    assert len(accept) == 2  # the demo's two waiting requests
    accept[0].click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.endswith("is now a member.")
    assert len([b for b in at.button if b.key and b.key.startswith("accept_")]) == 1

    at.text_input(key="act_title_0").input("Visit older neighbours")
    at.text_input(key="act_place_0").input("Community centre")
    at.number_input(key="act_capacity_0").set_value(8)
    button(at, T("organisations.post")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == T("organisations.posted")
    assert "**Visit older neighbours**" in [m.value for m in at.markdown]
    assert at.text_input(key="act_title_1").value == ""

    with read_session() as s:
        recent = s.exec(
            select(OrganisationActivity.id)
            .where(
                OrganisationActivity.organisation_id == organisation_id,
                OrganisationActivity.starts_at < utcnow(),
                OrganisationActivity.starts_at > utcnow() - timedelta(days=20),
            )
            .order_by(col(OrganisationActivity.starts_at).desc())
        ).first()
        accounts = select(User.resident_id).where(col(User.resident_id).is_not(None))
        recorded = select(VolunteerRecord.resident_id).where(VolunteerRecord.activity_id == recent)
        walk_in = s.exec(
            select(Resident)
            .where(col(Resident.id).not_in(accounts), col(Resident.id).not_in(recorded))
            .order_by(col(Resident.id))
        ).first()
    # A coordinator who is not staff finds someone by their full name only.
    search = at.text_input(key=f"find_{recent}")
    assert (search.label, search.help) == (
        T("organisations.find_full_name"),
        T("organisations.find_full_name_help"),
    )
    search.input(walk_in.full_name[:-1]).run()
    assert not at.exception, at.exception
    assert T("organisations.nobody_with_full_name") in texts(at)
    assert not [s for s in at.selectbox if s.key == f"record_who_{recent}"]
    with read_session() as s:
        building = s.exec(select(Building.code).where(Building.id == walk_in.building_id)).one()
    at.text_input(key=f"find_building_{recent}").input(building)
    at.text_input(key=f"find_{recent}").input(walk_in.full_name).run()
    assert all(
        o.endswith(f" · {building}") for o in at.selectbox(key=f"record_who_{recent}").options
    )
    options = at.selectbox(key=f"record_who_{recent}").options
    assert any(walk_in.full_name in o for o in options)
    index = next(i for i, o in enumerate(options) if walk_in.full_name in o)
    at.selectbox(key=f"record_who_{recent}").select_index(index)
    at.number_input(key=f"record_hours_{recent}").set_value(2.0)
    button(at, T("organisations.record")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Hours recorded for")
    with read_session() as s:
        row = s.exec(
            select(VolunteerRecord).where(
                VolunteerRecord.activity_id == recent, VolunteerRecord.resident_id == walk_in.id
            )
        ).one()
    assert (row.hours, row.channel) == (2.0, "offline")
    totals = [
        f for f in at.dataframe if "hours" in f.value.columns and "activities" in f.value.columns
    ]
    assert totals and totals[0].value["hours"].sum() > 0


def test_moderator_creates_an_organisation(app):
    with read_session() as s:
        name = s.exec(select(User.display_name).where(User.username == "resident")).one()
    at = open_page(app, "moderator")
    button(at, T("organisations.create")).click().run()  # nobody chosen yet
    assert at.error[0].value.startswith(T("field_name.organisation_name"))
    at.text_input(key="new_org_0_query").input(name).run()
    assert any(name in option for option in at.selectbox(key="new_org_0_pick").options)
    at.text_input(key="new_org_name_0").input("Green fingers")
    at.text_area(key="new_org_purpose_0").input("Looks after the courtyard garden together.")
    button(at, T("organisations.create")).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == T("organisations.created")
    assert "Green fingers" in [e.proto.label for e in at.get("page_link")]


def test_moderator_sees_the_settings_and_deactivates(app):
    organisation_id, _ = team()
    at = open_page(app, "moderator", organisation_id)
    assert T("organisations.settings") in [e.label for e in at.expander]
    button(at, T("organisations.deactivate")).click().run()
    assert at.success[0].value == T("organisations.deactivated")
    at = open_page(app, "resident", organisation_id)
    assert at.warning[0].value == T("error.not_found")


def test_unknown_organisation_shows_not_found(app):
    at = open_page(app, "resident", 999999)
    assert at.warning[0].value == T("error.not_found")
