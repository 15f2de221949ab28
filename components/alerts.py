"""Representation alerts on a hearing, poll or proposal, for moderators: who is missing or
over-represented, and what to do about it."""

from __future__ import annotations

import streamlit as st

from core.dashboard.alerts import representation_alerts
from core.i18n import Translator
from core.permissions import can
from core.principal import Principal


def _group(t: Translator, dimension: str, group: str) -> str:
    return t(f"{dimension}.{group}") if t.has(f"{dimension}.{group}") else group


def show_alerts(t: Translator, viewer: Principal, object_type: str, object_id: int) -> None:
    if not can(viewer, "hearing.manage"):
        return
    for alert in representation_alerts(actor=viewer, object_type=object_type, object_id=object_id):
        if alert.kind == "dominated":
            text = t("alert.dominated", share=t.percent(alert.share))
        else:
            text = t(
                f"alert.{alert.kind}",
                dimension=t(f"field_name.{alert.dimension}"),
                group=_group(t, alert.dimension, alert.group),
                ratio=f"{alert.ratio:.2f}",
            )
        st.warning(f"{text} {t(alert.action)}", icon=":material/diversity_3:")
