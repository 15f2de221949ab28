"""Invitations by lot: the draw's public facts, a resident's answer, and the moderator's list
of invitees (answers by letter or phone, replacements, a printable letters list)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.page import run_command, show_error
from core.errors import DomainError
from core.hearings.invitations import answer_invitation, draw_replacement, recheck_draw
from core.hearings.lifecycle import InvitationStatus
from core.hearings.panel_pool import UNKNOWN
from core.hearings.queries import DrawSummary, HearingDetail, my_invitations
from core.i18n import Translator
from core.markdown import escape_md
from core.permissions import can
from core.principal import Principal
from core.spreadsheet import csv_bytes


def group_label(t: Translator, feature: str, value: str) -> str:
    """A feature value for people: translated codes, building codes as they are."""
    if value == UNKNOWN:
        return t("invitation.unknown")
    key = f"{feature}.{value}"
    return t(key) if t.has(key) else value


def stratum_label(t: Translator, stratum: str) -> str:
    """'age_band=60-74|building=B03' -> '60–74 · B03' (translated)."""
    if not stratum:
        return t("invitation.everyone")
    parts = (part.split("=", 1) for part in stratum.split("|"))
    return " · ".join(group_label(t, feature, value) for feature, value in parts)


def draw_facts(t: Translator, viewer: Principal, h: HearingDetail, draw: DrawSummary) -> None:
    """What anyone may check about the hearing's draw (`h.draw`, once there is one): sizes,
    probabilities, seed, quotas."""
    with st.expander(
        t("invitation.facts_title", k=draw.k, pool=t.number(draw.pool_size)),
        icon=":material/casino:",
    ):
        st.markdown(
            t(
                "invitation.facts",
                k=draw.k,
                pool=t.number(draw.pool_size),
                minimum=t.percent(draw.minimum_probability, 1),
            )
        )
        if draw.consenting_only:
            st.caption(t("invitation.facts_consenting"))
        strata = pd.DataFrame(
            [
                {
                    t("invitation.stratum"): stratum_label(t, key),
                    t("invitation.pool_size"): int(values["pool"]),
                    t("invitation.probability"): float(values["probability"]),
                }
                for key, values in draw.strata.items()
            ]
        )
        st.dataframe(
            strata,
            hide_index=True,
            width="stretch",
            column_config={
                t("invitation.probability"): st.column_config.ProgressColumn(
                    format="percent", min_value=0.0, max_value=1.0
                )
            },
        )
        st.caption(
            t(
                "invitation.facts_seed",
                seed=draw.seed,
                digest=draw.pool_digest[:16],
                at=t.datetime(draw.created_at),
            )
        )
        may_recheck = can(viewer, "hearing.manage") or can(viewer, "dashboard.view")
        if may_recheck and st.button(
            t("invitation.recheck"), icon=":material/fact_check:", key=f"recheck_{h.id}"
        ):
            with st.spinner(t("invitation.computing")):
                try:
                    same = recheck_draw(actor=viewer, hearing_id=h.id)
                except DomainError as error:
                    show_error(t, error)
                else:
                    (st.success if same else st.error)(
                        t("invitation.recheck_ok" if same else "invitation.recheck_bad")
                    )


def my_invitation(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    """The viewer's own invitation: accept, decline, or change their mind."""
    status = h.my_invitation
    if status is None or not h.upcoming:
        return
    with st.container(border=True):
        st.markdown(f"**{t('invitation.you_are_invited')}**")
        st.caption(t(f"invitation.mine_{status}"))
        c1, c2 = st.columns(2)
        if h.can_accept_invitation and c1.button(
            t("invitation.accept"),
            type="primary",
            icon=":material/how_to_reg:",
            key="invitation_accept",
        ):
            run_command(
                t,
                lambda: answer_invitation(actor=viewer, hearing_id=h.id, accept=True),
                "invitation.accepted",
            )
        if h.can_decline_invitation and c2.button(
            t("invitation.decline"), icon=":material/event_busy:", key="invitation_decline"
        ):
            run_command(
                t,
                lambda: answer_invitation(actor=viewer, hearing_id=h.id, accept=False),
                "invitation.declined",
            )


def invitation_desk(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    """The moderator's list of invitees with their answers, and what can be done next."""
    counts = pd.Series([i.status for i in h.invitations]).value_counts()
    cols = st.columns(4)
    for column, status in zip(cols, InvitationStatus, strict=True):
        column.metric(t(f"invitation_status.{status}"), int(counts.get(status, 0)))
    letters = pd.DataFrame(
        [
            {
                t("field_name.full_name"): i.name,
                t("field_name.building"): i.building,
                t("field_name.unit"): i.unit or "",
                t("invitation.stratum"): stratum_label(t, i.stratum),
                t("field_name.status"): t(f"invitation_status.{i.status}"),
                t("hearings.account"): t("hearings.has_account")
                if i.has_account
                else t("hearings.no_account"),
            }
            for i in h.invitations
        ]
    )
    st.dataframe(letters, hide_index=True, width="stretch")
    st.download_button(
        t("invitation.letters"),
        csv_bytes(letters),
        file_name=f"invitations-{h.id}.csv",
        mime="text/csv",
        icon=":material/mail:",
        help=t("invitation.letters_help"),
    )
    for invitation in h.invitations:
        actions = []
        if h.upcoming and invitation.acceptable:
            actions.append(("accept", True))
        if h.upcoming and invitation.declinable:
            actions.append(("decline", False))
        can_replace = invitation.replaceable and h.draw_open
        if not actions and not can_replace:
            continue
        c1, c2, c3 = st.columns([3, 1, 1])
        c1.caption(
            f"{escape_md(invitation.name)} · {escape_md(invitation.building)} · "
            f"{t(f'invitation_status.{invitation.status}')}"
        )
        for column, (action, accept) in zip((c2, c3), actions, strict=False):
            if column.button(t(f"invitation.record_{action}"), key=f"inv_{action}_{invitation.id}"):
                run_command(
                    t,
                    lambda rid=invitation.resident_id, a=accept: answer_invitation(
                        actor=viewer, hearing_id=h.id, accept=a, resident_id=rid
                    ),
                    f"invitation.recorded_{action}",
                    name=invitation.name,
                )
        if can_replace and c3.button(
            t("invitation.replace"), icon=":material/autorenew:", key=f"inv_replace_{invitation.id}"
        ):
            run_command(
                t,
                lambda iid=invitation.id: draw_replacement(actor=viewer, invitation_id=iid),
                "invitation.replaced",
                name=invitation.name,
            )


def pending_invitations(t: Translator, viewer: Principal, tz: str) -> None:
    """A notice of the viewer's invitations to hearings still ahead, with links."""
    pending = [i for i in my_invitations(viewer=viewer) if i.pending]
    if not pending:
        return
    with st.container(border=True):
        st.markdown(f":material/mail: **{t('hearings.my_invitations')}**")
        for item in pending:
            st.page_link(
                "pages/hearings.py",
                query_params={"id": str(item.hearing_id)},
                label=t(
                    "hearings.my_invitation_item",
                    title=item.title,
                    when=t.datetime(item.starts_at, tz, "short"),
                    status=t(f"invitation_status.{item.status}"),
                ),
            )
