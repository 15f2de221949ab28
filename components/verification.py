"""Verifying residents so that they can vote: activation codes per building (printed and
handed out) and confirming self-registered accounts; and entering one's own code."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.page import escape_md, run_command, show_error
from core.community import list_buildings
from core.errors import DomainError
from core.i18n import Translator
from core.principal import Principal
from core.spreadsheet import csv_bytes
from core.voting.verification import (confirm_resident, issue_activation_codes,
                                      redeem_activation_code, unverified_accounts)


def verification_desk(t: Translator, viewer: Principal, community_id: int) -> None:
    st.markdown(f"**{t('verification.codes')}**")
    st.caption(t("verification.codes_help"))
    buildings = list_buildings(community_id)
    with st.form("issue_codes"):
        building = st.selectbox(t("field_name.building"), buildings,
                                format_func=lambda b: f"{b.name} ({b.code})")
        submitted = st.form_submit_button(t("verification.issue"), type="primary")
    if submitted and building is not None:
        bar = st.progress(0.0, text=t("verification.issuing"))
        try:
            issued = issue_activation_codes(
                actor=viewer, building_id=building.id,
                progress=lambda share: bar.progress(share, text=t("verification.issuing")))
        except DomainError as error:
            show_error(t, error)
        else:
            bar.empty()
            if not issued:
                st.info(t("verification.none_to_issue"))
            else:
                frame = pd.DataFrame([{t("field_name.full_name"): c.name,
                                       t("field_name.unit"): c.unit or "",
                                       t("field_name.activation_code"): c.code}
                                      for c in issued])
                st.success(t("verification.issued", n=len(issued)))
                st.dataframe(frame, hide_index=True, width="stretch")
                st.download_button(t("verification.download"), csv_bytes(frame),
                                   file_name=f"activation-codes-{building.code}.csv",
                                   mime="text/csv", icon=":material/print:")
    st.markdown(f"**{t('verification.pending')}**")
    pending = unverified_accounts(actor=viewer)
    if not pending:
        st.caption(t("verification.none_pending"))
    for account in pending:
        c1, c2 = st.columns([3, 1])
        c1.caption(f"{escape_md(account.display_name)} (@{escape_md(account.username)}) · "
                   f"{escape_md(account.building)}")
        if c2.button(t("verification.confirm"), key=f"confirm_{account.user_id}"):
            run_command(t, lambda uid=account.user_id: confirm_resident(actor=viewer,
                                                                        user_id=uid),
                        "verification.confirmed", name=account.display_name)


def activation_form(t: Translator, viewer: Principal) -> None:
    """For an unverified resident: enter the code the residents' committee gave them."""
    with st.form("activation"):
        st.markdown(f"#### {t('verification.mine')}")
        st.caption(t("verification.mine_help"))
        code = st.text_input(t("field_name.activation_code"), max_chars=20)
        if st.form_submit_button(t("verification.activate")):
            run_command(t, lambda: redeem_activation_code(actor=viewer, code=code),
                        "verification.activated")
