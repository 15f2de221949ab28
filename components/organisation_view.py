"""One organisation's page: what everyone sees, the resident's own controls (join, sign up,
record hours), the coordinator's desk and the staff's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from components.charts import hours_per_month
from components.dates import local_datetime
from components.page import label, people, person, run_command
from core.i18n import Translator
from core.markdown import escape_md
from core.organisations.activities import cancel_activity, cancel_signup, post_activity, sign_up
from core.organisations.hours import correct_hours, record_hours_for, record_my_hours
from core.organisations.manage import (
    appoint_coordinator,
    edit_organisation,
    remove_coordinator,
    set_organisation_active,
)
from core.organisations.membership import decide_request, leave_organisation, request_to_join
from core.organisations.queries import (
    ActivityView,
    OrganisationDetail,
    find_coordinator_candidates,
    find_people,
)
from core.permissions import can
from core.principal import Principal


def hours_text(t: Translator, hours: float) -> str:
    digits = 0 if hours == int(hours) else 1 if round(hours, 1) == hours else 2
    return t.number(hours, digits)


def organisation_page(t: Translator, viewer: Principal, o: OrganisationDetail, *, tz: str) -> None:
    badges = [f":blue-badge[{label(t, 'actor_kind', o.kind)}]"]
    if not o.active:
        badges.append(f":gray-badge[{t('organisations.inactive')}]")
    st.subheader(escape_md(o.name))
    st.markdown(" ".join(badges))
    st.markdown(escape_md(o.purpose))
    if o.contact:
        st.markdown(f":material/call: {escape_md(o.contact)}")
    st.caption(t("organisations.coordinated_by", names=people(t, o.coordinators)))
    a, b, c = st.columns(3)
    a.metric(t("organisations.members"), t.number(o.members))
    b.metric(t("organisations.volunteers"), t.number(o.volunteers))
    c.metric(t("organisations.hours"), hours_text(t, o.hours))
    _my_membership(t, viewer, o)
    if can(viewer, "organisation.manage"):
        _staff_settings(t, viewer, o)
    if o.coordinates:
        _coordinator_desk(t, viewer, o, tz=tz)

    st.markdown(f"#### {t('organisations.upcoming')}")
    if not o.upcoming_activities:
        st.caption(t("organisations.no_upcoming"))
    for activity in o.upcoming_activities:
        _activity(t, viewer, o, activity, tz=tz)
    st.markdown(f"#### {t('organisations.past')}")
    if not o.past_activities:
        st.caption(t("organisations.no_past"))
    if o.hours_by_month:
        frame = pd.DataFrame(o.hours_by_month)
        st.altair_chart(
            hours_per_month(
                frame, x_title=t("organisations.month"), y_title=t("organisations.hours")
            ),
            width="stretch",
        )
    for activity in o.past_activities:
        _activity(t, viewer, o, activity, tz=tz)


# ---- the viewer's own membership ----------------------------------------------------------


def _my_membership(t: Translator, viewer: Principal, o: OrganisationDetail) -> None:
    if not can(viewer, "organisation.join") or viewer.resident_id is None:
        return
    if o.is_member:
        st.success(
            t(
                "organisations.you_coordinate"
                if o.is_coordinator
                else "organisations.you_are_member"
            ),
            icon=":material/group:",
        )
        if st.button(t("organisations.leave"), key="org_leave"):
            run_command(
                t,
                lambda: leave_organisation(actor=viewer, organisation_id=o.id),
                "organisations.left",
            )
    elif o.request_pending:
        st.info(t("organisations.you_requested"), icon=":material/hourglass_top:")
        if st.button(t("organisations.withdraw_request"), key="org_withdraw"):
            run_command(
                t,
                lambda: leave_organisation(actor=viewer, organisation_id=o.id),
                "organisations.request_withdrawn",
            )
    elif o.active:
        if o.was_declined:
            st.caption(t("organisations.was_declined"))
        with st.form("org_join"):
            message = st.text_area(
                t("field_name.join_message"),
                max_chars=500,
                key="org_join_message",
                help=t("organisations.join_help"),
            )
            if st.form_submit_button(
                t("organisations.join"), type="primary", icon=":material/group_add:"
            ):
                run_command(
                    t,
                    lambda: request_to_join(actor=viewer, organisation_id=o.id, message=message),
                    "organisations.requested",
                )


# ---- activities -----------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _activity(
    t: Translator, viewer: Principal, o: OrganisationDetail, a: ActivityView, *, tz: str
) -> None:
    now = _now()
    cancelled = a.cancelled_at is not None
    with st.container(border=True):
        title = escape_md(a.title)
        st.markdown(f":gray[~~{title}~~]" if cancelled else f"**{title}**")
        facts = [f"{t.datetime(a.starts_at, tz, 'short')} – {t.datetime(a.ends_at, tz, 'short')}"]
        if a.place:
            facts.append(escape_md(a.place))
        st.caption(" · ".join(facts))
        if cancelled:
            st.caption(t("organisations.cancelled_because", reason=a.cancelled_reason or ""))
        if a.description:
            st.markdown(escape_md(a.description))
        if a.capacity:
            st.progress(
                min(1.0, a.signed_up / a.capacity),
                text=t("organisations.signed_up_of", n=a.signed_up, capacity=a.capacity),
            )
        else:
            st.caption(t("organisations.signed_up", n=a.signed_up))
        if a.attended:
            st.caption(t("organisations.attended", n=a.attended, hours=hours_text(t, a.hours)))
        if not cancelled:
            _my_place(t, viewer, o, a, now)
        if o.coordinates:
            _activity_desk(t, viewer, o, a, now)


def _my_place(
    t: Translator, viewer: Principal, o: OrganisationDetail, a: ActivityView, now: datetime
) -> None:
    if not can(viewer, "organisation.volunteer") or viewer.resident_id is None:
        return
    if a.my_hours is not None:
        st.success(t("organisations.your_hours", hours=hours_text(t, a.my_hours)))
    elif now < a.starts_at:
        if a.my_signup:
            st.caption(t("organisations.you_signed_up"))
            if st.button(t("organisations.cancel_signup"), key=f"unsign_{a.id}"):
                run_command(
                    t,
                    lambda: cancel_signup(actor=viewer, activity_id=a.id),
                    "organisations.signup_cancelled",
                )
        elif o.active and st.button(
            t("organisations.sign_up"),
            key=f"sign_{a.id}",
            type="primary",
            icon=":material/how_to_reg:",
        ):
            run_command(
                t, lambda: sign_up(actor=viewer, activity_id=a.id), "organisations.signed_up_ok"
            )
    elif a.my_signup and a.recordable:
        with st.form(f"my_hours_{a.id}"):
            hours = st.number_input(
                t("field_name.hours"),
                min_value=0.25,
                max_value=24.0,
                value=None,
                step=0.5,
                key=f"my_hours_value_{a.id}",
                help=t("organisations.hours_help"),
            )
            if st.form_submit_button(t("organisations.record_mine"), type="primary"):
                run_command(
                    t,
                    lambda: record_my_hours(actor=viewer, activity_id=a.id, hours=hours),
                    "organisations.hours_recorded",
                )


def _activity_desk(
    t: Translator, viewer: Principal, o: OrganisationDetail, a: ActivityView, now: datetime
) -> None:
    signups = [s for s in o.signups if s.activity_id == a.id]
    records = [r for r in o.records if r.activity_id == a.id]
    # Open while the activity is under way: that is when people arrive to be recorded.
    with st.expander(
        t("organisations.activity_desk"),
        icon=":material/badge:",
        expanded=a.starts_at <= now <= a.ends_at and a.cancelled_at is None,
    ):
        if signups or records:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "name": person(t, s.name, plain=True),
                            "building": s.building,
                            "hours": next(
                                (r.hours for r in records if r.resident_id == s.resident_id), None
                            ),
                        }
                        for s in signups
                    ]
                    + [
                        {
                            "name": person(t, r.name, plain=True),
                            "building": r.building,
                            "hours": r.hours,
                        }
                        for r in records
                        if r.resident_id not in {s.resident_id for s in signups}
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "name": t("organisations.person"),
                    "building": t("field_name.building"),
                    "hours": st.column_config.NumberColumn(t("field_name.hours")),
                },
            )
        else:
            st.caption(t("organisations.nobody_yet"))
        if a.recordable:
            _record_for_others(t, viewer, o, a, records)
        if a.cancelled_at is None and not records:
            with st.form(f"cancel_activity_{a.id}"):
                reason = st.text_input(
                    t("field_name.reason"), max_chars=500, key=f"cancel_reason_{a.id}"
                )
                if st.form_submit_button(t("organisations.cancel_activity")):
                    run_command(
                        t,
                        lambda: cancel_activity(actor=viewer, activity_id=a.id, reason=reason),
                        "organisations.activity_cancelled",
                    )


def _record_for_others(
    t: Translator, viewer: Principal, o: OrganisationDetail, a: ActivityView, records: list
) -> None:
    st.markdown(f"**{t('organisations.record_offline')}**")
    if can(viewer, "organisation.manage"):  # staff search the roster by part of a name
        query = st.text_input(
            t("organisations.find_person"),
            max_chars=40,
            key=f"find_{a.id}",
            help=t("organisations.find_person_help"),
        )
        building, nobody = "", "organisations.nobody_found"
    else:  # a coordinator names the person in front of them: the full name, exactly
        c1, c2 = st.columns([3, 1])
        query = c1.text_input(
            t("organisations.find_full_name"),
            max_chars=100,
            key=f"find_{a.id}",
            help=t("organisations.find_full_name_help"),
        )
        building = c2.text_input(
            t("organisations.find_building"),
            max_chars=100,
            key=f"find_building_{a.id}",
            help=t("organisations.find_building_help"),
        )
        nobody = "organisations.nobody_with_full_name"
    matches = (
        find_people(actor=viewer, organisation_id=o.id, query=query, building=building or None)
        if query
        else []
    )
    if query and not matches:
        st.caption(t(nobody))
    if matches:
        with st.form(f"record_for_{a.id}"):
            who = st.selectbox(
                t("organisations.person"),
                matches,
                format_func=lambda p: f"{person(t, p.name, plain=True)} · {p.building}",
                key=f"record_who_{a.id}",
            )
            hours = st.number_input(
                t("field_name.hours"),
                min_value=0.25,
                max_value=24.0,
                value=None,
                step=0.5,
                key=f"record_hours_{a.id}",
            )
            if st.form_submit_button(t("organisations.record"), type="primary"):
                run_command(
                    t,
                    lambda: record_hours_for(
                        actor=viewer, activity_id=a.id, resident_id=who.resident_id, hours=hours
                    ),
                    "organisations.hours_recorded_for",
                    name=person(t, who.name),
                )
    if records:
        with st.form(f"correct_{a.id}"):
            st.markdown(f"**{t('organisations.correct')}**")
            fix = st.selectbox(
                t("organisations.person"),
                records,
                format_func=lambda r: f"{person(t, r.name, plain=True)} · {hours_text(t, r.hours)}",
                key=f"correct_who_{a.id}",
            )
            hours = st.number_input(
                t("field_name.hours"),
                min_value=0.25,
                max_value=24.0,
                value=None,
                step=0.5,
                key=f"correct_hours_{a.id}",
            )
            if st.form_submit_button(t("organisations.correct")):
                run_command(
                    t,
                    lambda: correct_hours(
                        actor=viewer, activity_id=a.id, resident_id=fix.resident_id, hours=hours
                    ),
                    "organisations.hours_corrected",
                )


# ---- the coordinator's desk ------------------------------------------------------------------


def _coordinator_desk(t: Translator, viewer: Principal, o: OrganisationDetail, *, tz: str) -> None:
    with st.expander(
        t("organisations.desk"), icon=":material/shield_person:", expanded=bool(o.pending)
    ):
        st.markdown(f"**{t('organisations.pending', n=len(o.pending))}**")
        if not o.pending:
            st.caption(t("organisations.no_pending"))
        for request in o.pending:
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.markdown(f"{person(t, request.name)} · {escape_md(request.building)}")
            if request.message:
                c1.caption(escape_md(request.message))
            for column, accept in ((c2, True), (c3, False)):
                if column.button(
                    t("organisations.accept" if accept else "organisations.decline"),
                    key=f"{'accept' if accept else 'decline'}_{request.request_id}",
                    type="primary" if accept else "secondary",
                ):
                    run_command(
                        t,
                        lambda rid=request.request_id, ok=accept: decide_request(
                            actor=viewer, request_id=rid, accept=ok
                        ),
                        "organisations.accepted" if accept else "organisations.declined",
                        name=person(t, request.name),
                    )
        if o.active:
            _post_activity_form(t, viewer, o, tz=tz)
        if o.members_list:
            st.markdown(f"**{t('organisations.member_list')}**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "name": person(t, m.name, plain=True),
                            "building": m.building,
                            "role": t(f"organisations.role_{m.role}"),
                            "since": t.datetime(m.since, tz, "short"),
                        }
                        for m in o.members_list
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "name": t("organisations.person"),
                    "building": t("field_name.building"),
                    "role": t("organisations.role"),
                    "since": t("organisations.since"),
                },
            )
        if o.totals:
            st.markdown(f"**{t('organisations.totals')}**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "name": person(t, v.name, plain=True),
                            "building": v.building,
                            "activities": v.activities,
                            "hours": v.hours,
                        }
                        for v in o.totals
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "name": t("organisations.person"),
                    "building": t("field_name.building"),
                    "activities": t("organisations.activities_attended"),
                    "hours": st.column_config.NumberColumn(t("field_name.hours")),
                },
            )


def _post_activity_form(
    t: Translator, viewer: Principal, o: OrganisationDetail, *, tz: str
) -> None:
    from zoneinfo import ZoneInfo

    start = (datetime.now(ZoneInfo(tz)) + timedelta(days=7)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    round_ = st.session_state.setdefault("activity_form", 0)
    with st.form(f"post_activity_{round_}"):
        st.markdown(f"**{t('organisations.post_activity')}**")
        title = st.text_input(t("field_name.title"), max_chars=120, key=f"act_title_{round_}")
        description = st.text_area(
            t("field_name.description"), max_chars=5000, key=f"act_description_{round_}"
        )
        place = st.text_input(t("field_name.place"), max_chars=200, key=f"act_place_{round_}")
        c1, c2 = st.columns(2)
        day = c1.date_input(t("field_name.date"), value=start.date(), key=f"act_day_{round_}")
        capacity = c1.number_input(
            t("field_name.capacity"),
            min_value=0,
            max_value=10_000,
            value=0,
            step=1,
            key=f"act_capacity_{round_}",
            help=t("organisations.capacity_help"),
        )
        begins = c2.time_input(
            t("field_name.starts_at"), value=start.time(), key=f"act_begins_{round_}"
        )
        ends = c2.time_input(
            t("field_name.ends_at"), value=start.replace(hour=11).time(), key=f"act_ends_{round_}"
        )

        def post() -> None:
            post_activity(
                actor=viewer,
                organisation_id=o.id,
                title=title,
                description=description,
                place=place,
                starts_at=local_datetime(day, begins, tz),
                ends_at=local_datetime(day, ends, tz),
                capacity=int(capacity) or None,
            )
            st.session_state["activity_form"] = round_ + 1

        if st.form_submit_button(t("organisations.post"), type="primary"):
            run_command(t, post, "organisations.posted")


# ---- staff settings --------------------------------------------------------------------------


def _staff_settings(t: Translator, viewer: Principal, o: OrganisationDetail) -> None:
    with st.expander(t("organisations.settings"), icon=":material/settings:"):
        with st.form("org_edit"):
            purpose = st.text_area(
                t("field_name.organisation_purpose"),
                value=o.purpose,
                max_chars=2000,
                key="org_edit_purpose",
            )
            contact = st.text_input(
                t("field_name.organisation_contact"),
                value=o.contact,
                max_chars=200,
                key="org_edit_contact",
            )
            if st.form_submit_button(t("common.save")):
                run_command(
                    t,
                    lambda: edit_organisation(
                        actor=viewer, organisation_id=o.id, purpose=purpose, contact=contact
                    ),
                    "organisations.saved",
                )
        st.markdown(f"**{t('organisations.appoint')}**")
        chosen = coordinator_picker(t, viewer, key="appoint")
        if chosen is not None and st.button(t("organisations.appoint"), key="appoint_go"):
            run_command(
                t,
                lambda: appoint_coordinator(
                    actor=viewer, organisation_id=o.id, resident_id=chosen.resident_id
                ),
                "organisations.appointed",
                name=person(t, chosen.name),
            )
        coordinators = [m for m in o.members_list if m.is_coordinator]
        if len(coordinators) > 1:
            with st.form("org_remove_coordinator"):
                gone = st.selectbox(
                    t("organisations.remove_coordinator"),
                    coordinators,
                    format_func=lambda m: person(t, m.name, plain=True),
                    key="remove_coordinator_who",
                )
                if st.form_submit_button(t("organisations.remove_coordinator")):
                    run_command(
                        t,
                        lambda: remove_coordinator(
                            actor=viewer, organisation_id=o.id, resident_id=gone.resident_id
                        ),
                        "organisations.coordinator_removed",
                    )
        if st.button(
            t("organisations.deactivate" if o.active else "organisations.reactivate"),
            key="org_active",
            icon=":material/power_settings_new:",
        ):
            run_command(
                t,
                lambda: set_organisation_active(
                    actor=viewer, organisation_id=o.id, active=not o.active
                ),
                "organisations.deactivated" if o.active else "organisations.reactivated",
            )


def coordinator_picker(t: Translator, viewer: Principal, *, key: str):
    """Find a resident with an account by name and pick one (None until picked)."""
    query = st.text_input(
        t("organisations.find_account"),
        max_chars=40,
        key=f"{key}_query",
        help=t("organisations.find_account_help"),
    )
    if not query:
        return None
    matches = find_coordinator_candidates(actor=viewer, query=query)
    if not matches:
        st.caption(t("organisations.nobody_found"))
        return None
    return st.selectbox(
        t("organisations.coordinator"),
        matches,
        format_func=lambda p: f"{person(t, p.name, plain=True)} · {p.building}",
        key=f"{key}_pick",
    )
