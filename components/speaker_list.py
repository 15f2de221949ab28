"""The speaker list of a hearing: public order and speaking times, residents' sign-up, and
the moderator's controls to order, start and end turns."""

from __future__ import annotations

import streamlit as st

from components.page import run_command
from core.hearings.queries import HearingDetail
from core.hearings.speakers import (
    POSITIONS,
    SPEAKER_ROLES,
    add_speaker,
    end_turn,
    move_speaker,
    sign_up_to_speak,
    start_turn,
)
from core.i18n import Translator
from core.markdown import escape_md
from core.permissions import can
from core.principal import Principal


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def speaker_list(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    if not h.speakers and not h.speaking_open:
        return
    st.markdown(f"**{t('speakers.title')}**")
    moderator = can(viewer, "hearing.manage")
    open_ = h.speaking_open
    if not h.speakers:
        st.caption(t("speakers.empty"))
    for speaker in h.speakers:
        if speaker.seconds is not None:
            state = t("speakers.spoke", time=_duration(speaker.seconds))
        elif speaker.started_at is not None:
            state = t("speakers.speaking")
        else:
            state = t("speakers.waiting")
        with st.container(border=True):
            st.caption(
                " · ".join(
                    [
                        f"#{speaker.turn_order}",
                        escape_md(speaker.name),
                        t(f"speaker_role.{speaker.role}"),
                        t(f"position.{speaker.position}"),
                        state,
                    ]
                )
            )
            if speaker.summary:
                st.text(speaker.summary)
            if moderator and open_ and speaker.seconds is None:
                _turn_controls(t, viewer, speaker)
    if open_ and h.has_seat and can(viewer, "hearing.register"):
        with st.form("sign_up_to_speak"):
            position = st.radio(
                t("field_name.position"),
                POSITIONS,
                horizontal=True,
                format_func=lambda p: t(f"position.{p}"),
            )
            if st.form_submit_button(t("speakers.sign_up")):
                run_command(
                    t,
                    lambda: sign_up_to_speak(actor=viewer, hearing_id=h.id, position=position),
                    "speakers.signed_up",
                )
    if moderator and open_:
        with st.popover(t("speakers.add"), icon=":material/person_add:"):
            with st.form("add_speaker"):
                name = st.text_input(t("field_name.speaker_name"), max_chars=100)
                role = st.selectbox(
                    t("field_name.speaker_role"),
                    SPEAKER_ROLES,
                    format_func=lambda r: t(f"speaker_role.{r}"),
                )
                position = st.selectbox(
                    t("field_name.position"), POSITIONS, format_func=lambda p: t(f"position.{p}")
                )
                if st.form_submit_button(t("speakers.add")):
                    run_command(
                        t,
                        lambda: add_speaker(
                            actor=viewer,
                            hearing_id=h.id,
                            speaker_name=name,
                            speaker_role=role,
                            position=position,
                        ),
                        "speakers.added",
                    )


def _turn_controls(t: Translator, viewer: Principal, speaker) -> None:
    sid = speaker.id
    cols = st.columns(4)
    if cols[0].button("↑", key=f"up_{sid}", help=t("speakers.earlier")):
        run_command(
            t, lambda: move_speaker(actor=viewer, testimony_id=sid, step=-1), "speakers.moved"
        )
    if cols[1].button("↓", key=f"down_{sid}", help=t("speakers.later")):
        run_command(
            t, lambda: move_speaker(actor=viewer, testimony_id=sid, step=1), "speakers.moved"
        )
    if speaker.started_at is None:
        if cols[2].button(t("speakers.start"), key=f"start_{sid}", type="primary"):
            run_command(t, lambda: start_turn(actor=viewer, testimony_id=sid), "speakers.started")
    elif cols[2].button(t("speakers.end"), key=f"end_{sid}", type="primary"):
        run_command(t, lambda: end_turn(actor=viewer, testimony_id=sid), "speakers.ended")
    with cols[3].popover(t("speakers.by_hand"), key=f"manual_pop_{sid}"):
        with st.form(f"manual_{sid}"):
            minutes = st.number_input(
                t("field_name.minutes_spoken"),
                min_value=0,
                max_value=180,
                value=3,
                step=1,
                key=f"mins_{sid}",
            )
            summary = st.text_area(t("field_name.summary"), max_chars=10_000, key=f"summary_{sid}")
            if st.form_submit_button(t("speakers.end")):
                run_command(
                    t,
                    lambda: end_turn(
                        actor=viewer, testimony_id=sid, seconds=int(minutes) * 60, summary=summary
                    ),
                    "speakers.ended",
                )
