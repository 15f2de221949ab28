"""Verifying residents so that they can vote: activation codes per building (printed and
handed out) and confirming self-registered accounts; and entering one's own code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.page import run_command, show_error
from core.community import list_buildings
from core.errors import DomainError
from core.i18n import Translator
from core.principal import Principal
from core.spreadsheet import csv_bytes
from core.voting.verification import (
    confirm_resident,
    issue_activation_codes,
    redeem_activation_code,
    roster_candidates,
    unverified_accounts,
)


def verification_desk(t: Translator, viewer: Principal, community_id: int) -> None:
    st.markdown(f"**{t('verification.codes')}**")
    st.caption(t("verification.codes_help"))
    buildings = list_buildings(community_id)
    with st.form("issue_codes"):
        building = st.selectbox(
            t("field_name.building"), buildings, format_func=lambda b: f"{b.name} ({b.code})"
        )
        submitted = st.form_submit_button(t("verification.issue"), type="primary")
    if submitted and building is not None:
        bar = st.progress(0.0, text=t("verification.issuing"))
        try:
            issued = issue_activation_codes(
                actor=viewer,
                building_id=building.id,
                progress=lambda share: bar.progress(share, text=t("verification.issuing")),
            )
        except DomainError as error:
            show_error(t, error)
        else:
            bar.empty()
            if not issued:
                st.info(t("verification.none_to_issue"))
            else:
                frame = pd.DataFrame(
                    [
                        {
                            t("field_name.full_name"): c.name,
                            t("field_name.unit"): c.unit or "",
                            t("field_name.activation_code"): c.code,
                        }
                        for c in issued
                    ]
                )
                st.success(t("verification.issued", n=len(issued)))
                st.dataframe(frame, hide_index=True, width="stretch")
                st.download_button(
                    t("verification.download"),
                    csv_bytes(frame),
                    file_name=f"activation-codes-{building.code}.csv",
                    mime="text/csv",
                    icon=":material/print:",
                )
    st.markdown(f"**{t('verification.pending')}**")
    pending = unverified_accounts(actor=viewer)
    if not pending:
        st.caption(t("verification.none_pending"))
    else:
        _confirm_form(t, viewer, pending)


def _confirm_form(t: Translator, viewer: Principal, pending) -> None:
    """One account at a time: choose it, then the roster row that is this person."""
    # Nothing chosen at first: the roster is searched for the one account picked, not for
    # every account waiting.
    account = st.selectbox(
        t("verification.pending"),
        pending,
        index=None,
        label_visibility="collapsed",
        placeholder=t("verification.choose_account"),
        format_func=lambda a: t.plain(
            "verification.account_line",
            name=a.display_name,
            username=a.username,
            building=a.building,
            unit=a.unit or "—",
        ),
    )
    if account is None:
        return
    try:
        candidates = roster_candidates(actor=viewer, user_id=account.user_id)
    except DomainError as error:
        show_error(t, error)
        return
    if not candidates:
        st.info(t("verification.no_candidates"))
        return
    match = {
        (True, True): "verification.match_both",
        (True, False): "verification.match_name",
        (False, True): "verification.match_unit",
    }
    with st.form(f"confirm_{account.user_id}"):
        row = st.radio(
            t("verification.choose_row"),
            candidates,
            help=t("verification.choose_help"),
            # Radio options render Markdown: t() escapes the names.
            format_func=lambda c: t(
                "verification.candidate",
                name=c.name,
                unit=c.unit or "—",
                match=t(match[(c.same_name, c.same_unit)]),
            ),
        )
        if st.form_submit_button(t("verification.confirm"), type="primary") and row is not None:
            run_command(
                t,
                lambda: confirm_resident(
                    actor=viewer, user_id=account.user_id, resident_id=row.resident_id
                ),
                "verification.confirmed",
                name=account.display_name,
            )


def activation_form(t: Translator, viewer: Principal) -> None:
    """For an unverified resident: enter the code the residents' committee gave them."""
    with st.form("activation"):
        st.markdown(f"#### {t('verification.mine')}")
        st.caption(t("verification.mine_help"))
        code = st.text_input(t("field_name.activation_code"), max_chars=20)
        if st.form_submit_button(t("verification.activate")):
            run_command(
                t, lambda: redeem_activation_code(actor=viewer, code=code), "verification.activated"
            )
