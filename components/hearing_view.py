"""One hearing in full, the residents' registration controls and the moderator's desk."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.alerts import show_alerts
from components.invitations import draw_facts, invitation_desk, my_invitation
from components.page import label, run_command
from components.panel_draw import panel_draw
from components.speaker_list import speaker_list
from core.hearings import lifecycle
from core.hearings.commands import (
    cancel_registration,
    check_in,
    move_hearing,
    publish_minutes,
    register_for_hearing,
    submit_statement,
)
from core.hearings.queries import HearingDetail, find_residents
from core.i18n import Translator
from core.markdown import escape_md, safe_markdown
from core.permissions import can
from core.principal import Principal


def hearing_detail(t: Translator, viewer: Principal, h: HearingDetail, *, tz: str) -> None:
    st.subheader(escape_md(h.title))
    st.caption(
        " · ".join(
            [
                label(t, "hearing_kind", h.kind),
                label(t, "hearing_status", h.status),
                f"{t.datetime(h.starts_at, tz, 'short')} – {t.datetime(h.ends_at, tz, 'short')}",
            ]
        )
    )
    if h.place:
        st.markdown(f":material/location_on: {escape_md(h.place)}")
    if h.online_url:
        st.link_button(t("hearings.join_online"), h.online_url, icon=":material/videocam:")
    if h.cancelled:
        st.error(t("hearings.cancelled_because", reason=h.cancel_reason or ""))
    if h.description:
        st.markdown(safe_markdown(h.description))
    if h.capacity:
        st.progress(
            min(1.0, h.registered / h.capacity),
            text=t("hearings.registered_of", n=h.registered, capacity=h.capacity),
        )
    if h.waitlisted:
        st.caption(t("hearings.waitlisted_count", n=h.waitlisted))
    if h.proposals:
        st.markdown(f"**{t('hearings.linked_proposals')}**")
        for p in h.proposals:
            outcome = f" — {label(t, 'outcome', p.outcome)}" if p.outcome else ""
            st.page_link(
                "pages/proposals.py",
                label=escape_md(p.title) + outcome,
                query_params={"id": str(p.proposal_id)},
            )
            if p.outcome_reason:
                st.caption(escape_md(p.outcome_reason))
    if h.draw is not None:
        draw_facts(t, viewer, h, h.draw)
    if h.minutes_md:
        with st.container(border=True):
            st.markdown(f"**{t('hearings.minutes')}**")
            st.markdown(safe_markdown(h.minutes_md))
    _my_registration(t, viewer, h)
    speaker_list(t, viewer, h)
    if can(viewer, "hearing.manage"):
        moderator_desk(t, viewer, h)


def _my_registration(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    if not can(viewer, "hearing.register") or viewer.resident_id is None:
        return
    if h.my_invitation is not None:
        my_invitation(t, viewer, h)
    elif h.has_place:
        st.success(t(f"hearings.you_are_{h.my_status}"))
        if h.upcoming and st.button(t("hearings.cancel_mine")):
            run_command(
                t,
                lambda: cancel_registration(actor=viewer, hearing_id=h.id),
                "hearings.cancelled_mine",
            )
    elif h.registration_open and st.button(
        t("hearings.register"), type="primary", icon=":material/how_to_reg:"
    ):
        run_command(
            t, lambda: register_for_hearing(actor=viewer, hearing_id=h.id), "hearings.registered_ok"
        )
    if h.has_seat and h.upcoming:
        with st.form("statement"):
            text = st.text_area(
                t("field_name.statement"),
                value=h.my_statement or "",
                max_chars=10_000,
                help=t("hearings.statement_help"),
            )
            if st.form_submit_button(t("hearings.submit_statement")):
                run_command(
                    t,
                    lambda: submit_statement(actor=viewer, hearing_id=h.id, text=text),
                    "hearings.statement_saved",
                )


def moderator_desk(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    show_alerts(t, viewer, "hearing", h.id)
    with st.expander(t("hearings.desk"), icon=":material/shield:", expanded=True):
        moves = h.moderator_moves
        if moves:
            with st.form("hearing_move"):
                to_status = st.selectbox(
                    t("hearings.move_to"), moves, format_func=lambda s: t(f"hearing_status.{s}")
                )
                reason = st.text_input(
                    t("field_name.reason"), max_chars=1000, help=t("hearings.cancel_reason_help")
                )
                if st.form_submit_button(t("hearings.move"), type="primary"):
                    run_command(
                        t,
                        lambda: move_hearing(
                            actor=viewer, hearing_id=h.id, to_status=to_status, reason=reason
                        ),
                        "hearings.moved",
                    )
        if h.check_in_open:
            _check_in(t, viewer, h)
        if h.draw is not None or h.draw_open:
            with st.container(border=True):
                st.markdown(f"**{t('invitation.desk')}**")
                if h.draw is None:
                    panel_draw(t, viewer, h)
                else:
                    invitation_desk(t, viewer, h)
        if h.registrants or h.walk_ins:
            st.markdown(f"**{t('hearings.registrants')}**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("field_name.full_name"): r.name,
                            t("field_name.building"): r.building,
                            t("field_name.status"): t(f"registration.{r.status}"),
                            t("hearings.account"): r.has_account,
                            t("hearings.attended_col"): t(f"channel.{r.attended}")
                            if r.attended
                            else "—",
                            t("field_name.statement"): r.statement or "",
                        }
                        for r in h.registrants + h.walk_ins
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        if h.recordable:
            _minutes_form(t, viewer, h)


def _check_in(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    st.markdown(f"**{t('hearings.check_in')}**")
    query = st.text_input(
        t("hearings.find_resident"),
        max_chars=40,
        key="check_in_query",
        help=t("hearings.find_resident_help"),
    )
    for match in find_residents(actor=viewer, query=query):
        c1, c2, c3 = st.columns([3, 1, 1])
        account = t("hearings.has_account") if match.has_account else t("hearings.no_account")
        c1.caption(
            f"{escape_md(match.name)} · {escape_md(match.building)} "
            f"{escape_md(match.unit or '')}"
            f" · {account}"
        )
        for column, channel in ((c2, "offline"), (c3, "online")):
            if column.button(t(f"channel.{channel}"), key=f"in_{channel}_{match.resident_id}"):
                run_command(
                    t,
                    lambda rid=match.resident_id, ch=channel: check_in(
                        actor=viewer, hearing_id=h.id, resident_id=rid, channel=ch
                    ),
                    "hearings.checked_in",
                    name=match.name,
                )


def _minutes_form(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    with st.form("minutes"):
        st.markdown(f"**{t('hearings.publish_minutes')}**")
        minutes = st.text_area(t("field_name.minutes"), height=200, max_chars=100_000)
        outcomes: dict[int, tuple[str, str | None]] = {}
        for p in h.proposals:
            outcome = st.selectbox(
                escape_md(p.title),
                list(lifecycle.OUTCOMES),
                format_func=lambda o: t(f"outcome.{o}"),
                key=f"outcome_{p.proposal_id}",
            )
            reason = st.text_input(
                t("field_name.reason"), max_chars=2000, key=f"outcome_reason_{p.proposal_id}"
            )
            outcomes[p.proposal_id] = (outcome, reason)
        if st.form_submit_button(t("hearings.publish_minutes"), type="primary"):
            run_command(
                t,
                lambda: publish_minutes(
                    actor=viewer, hearing_id=h.id, minutes=minutes, outcomes=outcomes
                ),
                "hearings.minutes_published",
            )
