"""The moderator's sortition desk: choose the panel size, the features and their quotas
(by hand or proportional to the census in one click), preview each group's pool size and
selection probability, then draw and invite."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.invitations import group_label, stratum_label
from components.page import run_command, show_error
from core.errors import DomainError
from core.hearings.invitations import draw_panel
from core.hearings.panel_pool import FEATURES, MAX_PANEL, census_quotas, pool_groups, preview_draw
from core.hearings.queries import HearingDetail
from core.i18n import Translator
from core.principal import Principal

DEFAULT_FEATURES = ["age_band", "residency_status", "building"]


def panel_draw(t: Translator, viewer: Principal, h: HearingDetail) -> None:
    st.caption(t("invitation.draw_help"))
    key = f"panel_{h.id}"
    state = st.session_state.setdefault(key, {"version": 0, "quotas": {}, "preview": None})
    c1, c2 = st.columns(2)
    default_k = min(h.capacity - h.registered, 20) if h.capacity else 20
    k = int(
        c1.number_input(
            t("field_name.panel_size"),
            min_value=1,
            max_value=MAX_PANEL,
            value=max(1, default_k),
            step=1,
            key=f"{key}_k",
        )
    )
    consenting = c2.checkbox(
        t("invitation.consenting_only"),
        key=f"{key}_consenting",
        help=t("invitation.consenting_only_help"),
    )
    features = st.multiselect(
        t("field_name.features"),
        FEATURES,
        default=DEFAULT_FEATURES,
        format_func=lambda f: t(f"field_name.{f}"),
        key=f"{key}_features",
    )
    try:
        groups = pool_groups(
            actor=viewer, hearing_id=h.id, features=features, consenting_only=consenting
        )
    except DomainError as error:
        show_error(t, error)
        return
    b1, b2 = st.columns(2)
    if b1.button(
        t("invitation.proportional"),
        icon=":material/balance:",
        key=f"{key}_fill",
        help=t("invitation.proportional_help"),
    ):
        try:
            suggestion = census_quotas(
                actor=viewer, hearing_id=h.id, features=features, k=k, consenting_only=consenting
            )
        except DomainError as error:
            show_error(t, error)
        else:
            state["quotas"], state["version"] = suggestion.quotas, state["version"] + 1
            state["sources"] = suggestion.sources
    if b2.button(t("invitation.clear_quotas"), icon=":material/backspace:", key=f"{key}_clear"):
        state["quotas"], state["version"], state["sources"] = {}, state["version"] + 1, {}
    for feature, source in state.get("sources", {}).items():
        if feature in features:
            year = source.partition(":")[2]
            st.caption(
                t("invitation.source_census", feature=t(f"field_name.{feature}"), year=year)
                if year
                else t("invitation.source_roster", feature=t(f"field_name.{feature}"))
            )
    quotas = _quota_editor(t, groups, state, key)
    if st.button(t("invitation.preview"), icon=":material/query_stats:", key=f"{key}_preview"):
        with st.spinner(t("invitation.computing")):
            try:
                state["preview"] = (
                    k,
                    consenting,
                    quotas,
                    preview_draw(
                        actor=viewer,
                        hearing_id=h.id,
                        k=k,
                        quotas=quotas,
                        consenting_only=consenting,
                    ),
                )
            except DomainError as error:
                state["preview"] = None
                show_error(t, error)
    preview = state["preview"]
    if preview is None:
        return
    settings, result = preview[:3], preview[3]
    if settings != (k, consenting, quotas):
        st.info(t("invitation.preview_stale"), icon=":material/refresh:")
        return
    _show_preview(t, result)
    if st.button(
        t("invitation.draw", k=k), type="primary", icon=":material/casino:", key=f"{key}_draw"
    ):
        with st.spinner(t("invitation.drawing")):
            run_command(
                t,
                lambda: draw_panel(
                    actor=viewer,
                    hearing_id=h.id,
                    k=k,
                    quotas=quotas,
                    consenting_only=consenting,
                    expected_digest=result.pool_digest,
                ),
                "invitation.drawn",
                k=k,
            )


def _quota_editor(t: Translator, groups: pd.DataFrame, state: dict, key: str) -> dict:
    """An editable table of groups with their minimum and maximum; returns the quotas
    (features chosen, each with the groups given a minimum or a maximum)."""
    table = groups.assign(
        group=[
            group_label(t, f, v) for f, v in zip(groups["feature"], groups["value"], strict=True)
        ],
        dimension=[t(f"field_name.{f}") for f in groups["feature"]],
        minimum=[
            state["quotas"].get(f, {}).get(v, (None, None))[0]
            for f, v in zip(groups["feature"], groups["value"], strict=True)
        ],
        maximum=[
            state["quotas"].get(f, {}).get(v, (None, None))[1]
            for f, v in zip(groups["feature"], groups["value"], strict=True)
        ],
    )
    table = table.astype({"minimum": "Int64", "maximum": "Int64"})
    edited = st.data_editor(
        table[["dimension", "group", "pool_size", "minimum", "maximum"]],
        key=f"{key}_editor_{state['version']}",
        hide_index=True,
        width="stretch",
        disabled=["dimension", "group", "pool_size"],
        column_config={
            "dimension": st.column_config.TextColumn(t("invitation.dimension")),
            "group": st.column_config.TextColumn(t("invitation.group")),
            "pool_size": st.column_config.NumberColumn(t("invitation.pool_size")),
            "minimum": st.column_config.NumberColumn(
                t("invitation.minimum"), min_value=0, max_value=MAX_PANEL, step=1
            ),
            "maximum": st.column_config.NumberColumn(
                t("invitation.maximum"), min_value=0, max_value=MAX_PANEL, step=1
            ),
        },
    )
    quotas: dict[str, dict[str, tuple[int, int]]] = {f: {} for f in groups["feature"].unique()}
    for feature, value, low, high in zip(
        groups["feature"], groups["value"], edited["minimum"], edited["maximum"], strict=True
    ):
        if pd.isna(low) and pd.isna(high):
            continue
        quotas[feature][value] = (
            0 if pd.isna(low) else int(low),
            MAX_PANEL if pd.isna(high) else int(high),
        )
    return quotas


def _show_preview(t: Translator, result) -> None:
    c1, c2 = st.columns(2)
    c1.metric(t("invitation.pool_size"), t.number(result.pool_size))
    c2.metric(
        t("invitation.minimum_probability"),
        t.percent(result.minimum_probability, 1),
        help=t("invitation.minimum_probability_help"),
    )
    strata = result.strata.assign(
        dimension=[t(f"field_name.{f}") for f in result.strata["feature"]],
        group=[
            group_label(t, f, v)
            for f, v in zip(result.strata["feature"], result.strata["value"], strict=True)
        ],
    )
    chart = (
        alt.Chart(strata)
        .mark_bar()
        .encode(
            x=alt.X(
                "mean_probability:Q", title=t("invitation.probability"), axis=alt.Axis(format="%")
            ),
            y=alt.Y("group:N", title=None, sort=None),
            row=alt.Row(
                "dimension:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
            ),
            tooltip=[
                alt.Tooltip("group:N", title=t("invitation.group")),
                alt.Tooltip("pool_size:Q", title=t("invitation.pool_size")),
                alt.Tooltip("mean_probability:Q", title=t("invitation.probability"), format=".1%"),
            ],
        )
        .resolve_scale(y="independent")
        .properties(height=alt.Step(18))
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        strata[["dimension", "group", "pool_size", "quota_min", "quota_max", "mean_probability"]],
        hide_index=True,
        width="stretch",
        column_config={
            "dimension": st.column_config.TextColumn(t("invitation.dimension")),
            "group": st.column_config.TextColumn(t("invitation.group")),
            "pool_size": st.column_config.NumberColumn(t("invitation.pool_size")),
            "quota_min": st.column_config.NumberColumn(t("invitation.minimum")),
            "quota_max": st.column_config.NumberColumn(t("invitation.maximum")),
            "mean_probability": st.column_config.ProgressColumn(
                t("invitation.probability"), format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )


__all__ = ["panel_draw", "stratum_label"]
