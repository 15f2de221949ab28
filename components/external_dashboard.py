"""The dashboard on an imported activity log: the real Decidim.Barcelona 2016 log shipped with
the demo, a dataset saved earlier, or a CSV the researcher uploads (and may save)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts import horizontal_counts, lorenz_curves, representation_ratios
from components.page import show_error
from core import analytics
from core.errors import DomainError
from core.i18n import Translator
from core.imported_logs.analysis import (
    demo_log,
    explained,
    filtered,
    group_columns,
    persons,
    read_log,
    voice,
)
from core.imported_logs.saved import delete_dataset, list_datasets, load_dataset, save_dataset
from core.permissions import can
from core.principal import Principal

DEMO_EXCLUDE = {"account_type": ["staff", "official"]}


def external_dashboard(t: Translator, viewer: Principal, k: int) -> None:
    source = st.radio(
        t("external.source"),
        ["demo", "saved", "upload"],
        horizontal=True,
        key="ext_source",
        format_func=lambda s: t(f"external.source_{s}"),
    )
    if source == "demo":
        st.caption(t("external.demo_about"))
        log = _cached_demo(viewer, t)
    elif source == "saved":
        log = _saved(t, viewer)
    else:
        log = _uploaded(t, viewer)
    if log is None:
        return
    columns = group_columns(log)
    c1, c2 = st.columns(2)
    kinds = c1.multiselect(
        t("dashboard.kinds"),
        sorted(log["kind"].unique()),
        key="ext_kinds",
        placeholder=t("dashboard.all_kinds"),
    )
    exclude_by = c2.selectbox(
        t("external.exclude_by"),
        [None, *columns],
        key="ext_exclude_by",
        index=(
            columns.index("account_type") + 1
            if source == "demo" and "account_type" in columns
            else 0
        ),
        format_func=lambda c: "—" if c is None else c,
    )
    excluded = []
    if exclude_by:
        values = sorted(log[exclude_by].unique())
        default = (
            [v for v in DEMO_EXCLUDE.get(exclude_by, []) if v in values] if source == "demo" else []
        )
        excluded = st.multiselect(
            t("external.exclude_values"),
            values,
            default=default,
            key=f"ext_exclude_{exclude_by}",
            help=t("external.exclude_help"),
        )
    data = filtered(log, kinds=kinds, exclude={exclude_by: excluded} if exclude_by else None)
    if data.empty:
        st.info(t("dashboard.no_activity"))
        return
    counts = persons(data)["count"].to_numpy()
    figures = analytics.headline(counts)
    a, b, c, d = st.columns(4)
    a.metric(t("external.persons"), t.number(figures["persons"]))
    b.metric(t("dashboard.top10"), t.percent(figures["top_10_share"]))
    c.metric(
        t("dashboard.gini"),
        f"{figures['gini']:.2f}",
        help=t("dashboard.gini_help", chance=f"{figures['poisson_gini']:.2f}"),
    )
    d.metric(t("dashboard.effective"), t.number(figures["effective_participants"], 1))
    st.info(
        t(
            "external.sentence",
            persons=t.number(figures["persons"]),
            acts=t.number(figures["activity"]),
            top1=t.percent(figures["top_1_share"]),
            top=t.percent(figures["top_10_share"]),
        ),
        icon=":material/campaign:",
    )
    st.markdown(f"#### {t('dashboard.lorenz')}")
    curves = [
        analytics.lorenz(persons(data[data["kind"] == kind])["count"].to_numpy()).assign(
            series=kind
        )
        for kind in sorted(data["kind"].unique())
    ]
    st.altair_chart(
        lorenz_curves(
            pd.concat(curves),
            x_title=t("dashboard.population_share"),
            y_title=t("dashboard.activity_share"),
            equality=t("dashboard.equality"),
        ),
        width="stretch",
    )
    usable = group_columns(data)
    if not usable:
        return
    st.markdown(f"#### {t('external.voice')}")
    group = st.selectbox(t("dashboard.dimension"), usable, key="ext_group")
    table = voice(data, group, k=k).assign(label=lambda f: f["group"])
    st.caption(t("external.voice_help"))
    st.altair_chart(
        representation_ratios(
            table,
            x_title=t("external.voice_ratio"),
            hidden_text=t.plain("dashboard.fewer_than_k", k=k),
        ),
        width="stretch",
    )
    shares = explained(data)
    if not shares.empty:
        st.markdown(f"#### {t('dashboard.explained')}")
        st.altair_chart(
            horizontal_counts(
                shares,
                category="dimension",
                value="explained",
                title=t("dashboard.explained_share"),
            ),
            width="stretch",
        )


def _saved(t: Translator, viewer: Principal) -> pd.DataFrame | None:
    datasets = {d.id: d for d in list_datasets(actor=viewer)}
    if not datasets:
        st.info(t("external.no_saved"), icon=":material/database:")
        return None
    chosen = st.selectbox(
        t("external.pick_saved"),
        list(datasets),
        key="ext_saved",
        format_func=lambda i: t.plain(  # options are plain text
            "external.saved_label",
            name=datasets[i].name,
            rows=t.number(datasets[i].rows),
            persons=t.number(datasets[i].persons),
        ),
    )
    dataset = datasets[chosen]
    st.caption(
        t("external.saved_by", who=dataset.uploaded_by, when=t.datetime(dataset.uploaded_at))
    )
    if dataset.can_delete and st.button(
        t("external.delete"), key="ext_delete", icon=":material/delete:"
    ):
        try:
            delete_dataset(actor=viewer, dataset_id=chosen)
        except DomainError as error:
            show_error(t, error)
            return None
        st.session_state.pop(f"ext_saved_log_{chosen}", None)
        st.toast(t("external.deleted"))
        st.rerun()
    key = f"ext_saved_log_{chosen}"
    if key not in st.session_state:
        with st.spinner(t("external.loading")):
            try:
                st.session_state[key] = load_dataset(actor=viewer, dataset_id=chosen)
            except DomainError as error:
                show_error(t, error)
                return None
    return st.session_state[key]


def _uploaded(t: Translator, viewer: Principal) -> pd.DataFrame | None:
    upload = st.file_uploader(
        t("external.upload"), type=["csv"], key="ext_upload", help=t("external.upload_help")
    )
    if upload is None:
        st.info(t("external.upload_first"), icon=":material/upload_file:")
        return None
    try:
        log = read_log(actor=viewer, data=upload.getvalue())
    except DomainError as error:
        show_error(t, error)
        return None
    if can(viewer, "dataset.import"):
        with st.form("ext_save_form", border=True):
            name = st.text_input(
                t("external.save_name"),
                max_chars=80,
                key="ext_save_name",
                value=upload.name.rsplit(".", 1)[0][:80],
            )
            if st.form_submit_button(t("external.save"), icon=":material/save:"):
                try:
                    save_dataset(
                        actor=viewer, name=name, data=upload.getvalue(), file_name=upload.name
                    )
                    st.success(t("external.saved", name=name.strip()))
                except DomainError as error:
                    show_error(t, error)
    return log


def _cached_demo(viewer: Principal, t: Translator) -> pd.DataFrame:
    """Read once per browser session (2 MB, about half a second)."""
    if "ext_demo_log" not in st.session_state:
        with st.spinner(t("external.loading")):
            st.session_state["ext_demo_log"] = demo_log(actor=viewer)
    return st.session_state["ext_demo_log"]
