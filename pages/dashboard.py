from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import streamlit as st

from components.charts import (
    activity_over_time,
    building_participation,
    heatmap,
    horizontal_counts,
    lorenz_curves,
    representation_ratios,
)
from components.external_dashboard import external_dashboard
from components.page import empty_state, open_page, show_error
from core import analytics
from core.community import list_buildings
from core.dashboard.activity import building_activity, building_rates, trends
from core.dashboard.exports import Generalisation, pseudonymised_persons
from core.dashboard.figures import (
    census_shares,
    channel_representation,
    dissimilarity,
    explained_by,
    representation_table,
)
from core.dashboard.filters import DIMENSIONS, Filters, measure
from core.dashboard.influence import influence
from core.dashboard.people import has_activity, kind_counts, person_counts
from core.dashboard.views import VIEWS, view_data
from core.errors import DomainError
from core.hearings.queries import list_hearings
from core.permissions import can
from core.spreadsheet import csv_bytes
from core.vocabulary import PARTICIPATION_KINDS
from core.voting.queries import list_polls

LORENZ_POINTS = 400  # points drawn per curve, whatever the number of residents

page = open_page("page.dashboard", "dashboard.title", "dashboard.caption")
t, principal, community = page.t, page.principal, page.community
dataset = st.segmented_control(
    t("external.dataset"),
    ["community", "external"],
    default="community",
    key="dash_dataset",
    format_func=lambda d: t(f"external.dataset_{d}"),
)
if dataset == "external":
    external_dashboard(t, principal, community.disclosure_k)
    st.stop()
if not has_activity(actor=principal):
    empty_state(t, "dashboard.empty")
    st.stop()

# ---- filters ------------------------------------------------------------------------
buildings = list_buildings(community.id)
# An occasion is (object type, id), as the filters take it.
occasions = {
    ("hearing", h.id): f"{t('dashboard.occasion_hearing')}: {h.title}"
    for h in list_hearings(community_id=community.id)
}
occasions |= {
    ("poll", p.id): f"{t('dashboard.occasion_poll')}: {p.title}"
    for p in list_polls(community_id=community.id)
}
building_names = {b.id: b.name for b in buildings}
with st.expander(t("dashboard.filters"), icon=":material/filter_alt:", expanded=False):
    c1, c2 = st.columns(2)
    period = c1.date_input(
        t("dashboard.period"), value=[], key="dash_period", help=t("dashboard.period_help")
    )
    kinds = c2.multiselect(
        t("dashboard.kinds"),
        PARTICIPATION_KINDS,
        key="dash_kinds",
        format_func=lambda k: t(f"participation.{k}"),
        placeholder=t("dashboard.all_kinds"),
    )
    channel = c1.selectbox(
        t("dashboard.channel"),
        [None, "online", "offline"],
        key="dash_channel",
        format_func=lambda c: t("common.all") if c is None else t(f"channel.{c}"),
    )
    building = c2.selectbox(
        t("field_name.building"),
        [None, *building_names],
        key="dash_building",
        format_func=lambda b: t("common.all") if b is None else building_names[b],
    )
    occasion = st.selectbox(
        t("dashboard.occasion"),
        [None, *occasions],
        key="dash_occasion",
        format_func=lambda o: t("common.all") if o is None else occasions[o],
    )
    # The community's rule, never the viewer's: a smaller k on screen would undo it.
    k = community.disclosure_k
    st.caption(t("dashboard.k_rule", k=k), help=t("dashboard.k_help", k=k))

start, end = (period[0], period[-1]) if period else (None, None)
filters = Filters(
    start=start,
    end=end,
    kinds=list(kinds),
    channel=channel,
    building_id=building,
    object_type=occasion[0] if occasion else None,
    object_id=occasion[1] if occasion else None,
)
shown_view = st.session_state.get("dash_view") or "concentration"  # its widget comes below
try:  # the per-resident counts, and the shown view's own query beside them
    people, view_result = view_data(actor=principal, filters=filters, view=shown_view)
except DomainError as error:
    show_error(t, error)
    st.stop()
if people.empty:
    empty_state(t, "dashboard.no_residents")
    st.stop()
counts = people["count"].to_numpy()
figures = analytics.headline(counts)
unit = measure(filters)  # acts, or seconds spoken / hours given when that kind is alone

# ---- headline ------------------------------------------------------------------------
a, b, c, d = st.columns(4)
a.metric(
    t("dashboard.rate"),
    t.percent(figures["participation_rate"], 1),
    help=t("dashboard.rate_help", persons=t.number(figures["persons"])),
)
b.metric(t("dashboard.top10"), t.percent(figures["top_10_share"]), help=t("dashboard.top10_help"))
# The by-chance baseline (Poisson counts) is for counts of acts: in seconds or hours it would
# change with the unit, so it is not offered there. It is a baseline, never a delta arrow.
c.metric(
    t("dashboard.gini"),
    f"{figures['gini']:.2f}",
    help=t("dashboard.gini_help", chance=f"{figures['poisson_gini']:.2f}")
    if unit == "acts"
    else t("dashboard.gini_help_time"),
)
d.metric(
    t("dashboard.effective"),
    t.number(figures["effective_participants"], 1),
    help=t("dashboard.effective_help"),
)
if figures["activity"]:
    st.info(
        t(
            {"seconds": "dashboard.sentence_seconds", "hours": "dashboard.sentence_hours"}.get(
                unit, "dashboard.sentence"
            ),
            top=t.percent(figures["top_10_share"]),
            rate=t.percent(figures["participation_rate"]),
            chance=f"{figures['poisson_gini']:.2f}",
            gini=f"{figures['gini']:.2f}",
        ),
        icon=":material/campaign:",
    )
else:
    empty_state(t, "dashboard.no_activity")

view = st.segmented_control(
    t("dashboard.view"),
    VIEWS,
    default="concentration",
    key="dash_view",
    format_func=lambda v: t(f"dashboard.view_{v}"),
)


def shown(value: float, form: Callable[[float], str]) -> str:
    """A figure as text, or a dash where there is none (a group the census lacks)."""
    return "—" if pd.isna(value) else form(float(value))


def representation_rows(table: pd.DataFrame, hidden_text: str) -> pd.DataFrame:
    """The representation table as the reader sees it: numbers in the viewer's locale, and
    "fewer than k" in every figure of a hidden group."""
    rows = []
    for r in table.itertuples():
        if r.suppressed:
            figures = dict.fromkeys(
                (
                    "persons",
                    "participants",
                    "participant_share",
                    "population_share",
                    "ratio",
                    "interval",
                ),
                hidden_text,
            )
        else:
            figures = {
                "persons": shown(r.persons, lambda v: str(t.number(v))),
                "participants": shown(r.participants, lambda v: str(t.number(v))),
                "participant_share": shown(r.participant_share, lambda v: str(t.percent(v, 1))),
                "population_share": shown(r.population_share, lambda v: str(t.percent(v, 1))),
                "ratio": shown(r.ratio, lambda v: f"{v:.2f}"),
                "interval": "—" if pd.isna(r.ci_low) else f"{r.ci_low:.2f} – {r.ci_high:.2f}",
            }
        rows.append({"label": r.label, **figures})
    return pd.DataFrame(rows)


def concentration() -> None:
    power = influence(actor=principal, frame=people)
    if power.adopted:
        st.metric(
            t("dashboard.influence"),
            t.percent(power.share),
            help=t("dashboard.influence_help", n=power.adopted, top=power.from_top),
        )
        st.caption(t("dashboard.influence_sentence", share=t.percent(power.share), n=power.adopted))
    st.markdown(f"#### {t('dashboard.lorenz')}")
    st.caption(t("dashboard.lorenz_help"))
    compare = st.radio(
        t("dashboard.lorenz_compare"),
        ["period", "kind"],
        horizontal=True,
        key="dash_lorenz",
        format_func=lambda c: t(f"dashboard.lorenz_by_{c}"),
    )
    curves = [
        analytics.lorenz(counts, max_points=LORENZ_POINTS).assign(
            series=t("dashboard.this_selection")
        )
    ]
    if compare == "kind":
        by_kind = kind_counts(actor=principal, filters=filters)
        shown = list(kinds) or list(by_kind.sum().sort_values().index[-4:])
        for kind in shown:
            if kind in by_kind and by_kind[kind].sum():
                curves.append(
                    analytics.lorenz(by_kind[kind].to_numpy(), max_points=LORENZ_POINTS).assign(
                        series=t(f"participation.{kind}")
                    )
                )
    elif start and end:
        length = (end - start) + timedelta(days=1)
        before = filters.model_copy(
            update={"start": start - length, "end": start - timedelta(days=1)}
        )
        previous = person_counts(actor=principal, filters=before)["count"].to_numpy()
        if previous.sum():
            curves.append(
                analytics.lorenz(previous, max_points=LORENZ_POINTS).assign(
                    series=t("dashboard.previous_period")
                )
            )
        else:
            st.caption(t("dashboard.no_previous"))
    else:
        st.caption(t("dashboard.pick_period"))
    st.altair_chart(
        lorenz_curves(
            pd.concat(curves),
            x_title=t("dashboard.population_share"),
            y_title=t("dashboard.activity_share"),
            equality=t("dashboard.equality"),
        ),
        width="stretch",
    )


def group_label(dimension: str, group: str) -> str:
    if dimension == "building":
        return group
    return t(f"{dimension}.{group}") if t.has(f"{dimension}.{group}") else group


def generalisation_note(done: Generalisation) -> str:
    """What the per-person download coarsened so that every combination of its groups is
    shared by at least k persons, in words."""
    parts = [
        t.plain("dashboard.gen_dropped", columns=t.plain(f"field_name.{c}"))
        for c in done.columns_dropped
    ]
    parts += [
        t.plain(
            "dashboard.gen_merged",
            column=t.plain(f"field_name.{column}"),
            values=", ".join(group_label(column, v) for v in values),
        )
        for column, values in done.categories_merged.items()
    ]
    if done.rows_dropped:
        parts.append(t.plain("dashboard.gen_rows", n=done.rows_dropped))
    if not parts:
        return t.plain("dashboard.gen_none", k=done.k)
    return t.plain("dashboard.gen_done", k=done.k, what="; ".join(parts))


def representation() -> None:
    st.markdown(f"#### {t('dashboard.representation')}")
    c1, c2 = st.columns(2)
    dimension = c1.selectbox(
        t("dashboard.dimension"),
        DIMENSIONS,
        key="dash_dimension",
        format_func=lambda d: t(f"field_name.{d}"),
    )
    census = census_shares(actor=principal, dimension=dimension)
    against = c2.radio(
        t("dashboard.against"),
        ["roster", "census"] if census else ["roster"],
        key="dash_against",
        horizontal=True,
        format_func=lambda a: t(f"dashboard.against_{a}"),
    )
    population = census if against == "census" else None
    by_channel = st.toggle(
        t("dashboard.by_channel"), key="dash_by_channel", help=t("dashboard.by_channel_help")
    )
    table = representation_table(people, dimension, k=k, population=population)
    table["label"] = [group_label(dimension, g) for g in table["group"]]
    st.caption(t("dashboard.representation_help"))
    hidden_text = t.plain("dashboard.fewer_than_k", k=k)
    if by_channel:
        split = channel_representation(people, dimension, k=k, population=population)
        split["label"] = [
            f"{group_label(dimension, g)} · {t(f'channel.{c}')}"
            for g, c in zip(split["group"], split["channel"], strict=True)
        ]
        chart = representation_ratios(split, x_title=t("dashboard.ratio"), hidden_text=hidden_text)
    else:
        chart = representation_ratios(table, x_title=t("dashboard.ratio"), hidden_text=hidden_text)
    st.altair_chart(chart, width="stretch")
    # A hidden group keeps its row and says why; none of its figures is shown, so none can be
    # worked out from the others (core/dashboard/figures.py).
    st.dataframe(
        representation_rows(table, hidden_text),
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn(t("dashboard.group")),
            "persons": st.column_config.TextColumn(t("dashboard.persons")),
            "participants": st.column_config.TextColumn(t("dashboard.participants")),
            "participant_share": st.column_config.TextColumn(t("dashboard.participant_share")),
            "population_share": st.column_config.TextColumn(t("dashboard.population_share_col")),
            "ratio": st.column_config.TextColumn(t("dashboard.ratio")),
            "interval": st.column_config.TextColumn(
                t("dashboard.interval"), help=t("dashboard.interval_help")
            ),
        },
    )
    st.caption(t("dashboard.suppressed_help", k=k))
    e1, e2 = st.columns(2)
    e1.download_button(
        t("dashboard.export_table"),
        csv_bytes(
            table[
                [
                    "group",
                    "persons",
                    "participants",
                    "participant_share",
                    "population_share",
                    "ratio",
                    "ci_low",
                    "ci_high",
                    "suppressed",
                ]
            ]
        ),
        file_name=f"representation-{dimension}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    if can(principal, "dashboard.export_persons"):
        persons_table, generalised = pseudonymised_persons(actor=principal, frame=people, k=k)
        e2.download_button(
            t("dashboard.export_persons"),
            csv_bytes(persons_table),
            file_name="participation-per-person.csv",
            mime="text/csv",
            icon=":material/download:",
            help=t("dashboard.export_persons_help", k=k),
        )
        e2.caption(generalisation_note(generalised))
    st.caption(
        t(
            "dashboard.dissimilarity",
            value=t.percent(dissimilarity(people, dimension, population=population), 1),
        )
    )
    explained = explained_by(people)
    if not explained.empty and figures["activity"]:
        st.markdown(f"#### {t('dashboard.explained')}")
        st.caption(t("dashboard.explained_help"))
        explained["dimension"] = explained["dimension"].map(lambda d: t(f"field_name.{d}"))
        st.altair_chart(
            horizontal_counts(
                explained,
                category="dimension",
                value="explained",
                title=t("dashboard.explained_share"),
            ),
            width="stretch",
        )


def where() -> None:
    st.markdown(f"#### {t('dashboard.by_building')}")
    st.altair_chart(
        building_participation(
            building_rates(people, k=k),
            x_title=t("field_name.building"),
            y_title=t("dashboard.rate"),
            hidden_text=t.plain("dashboard.fewer_than_k", k=k),
        ),
        width="stretch",
    )
    grid = (
        view_result
        if view == shown_view and isinstance(view_result, pd.DataFrame)
        else building_activity(actor=principal, filters=filters)
    )
    if grid.empty:
        st.info(t("dashboard.no_activity"))
        return
    st.markdown(f"#### {t('dashboard.heatmap')}")
    st.caption(t("dashboard.heatmap_help"))
    grid["kind"] = grid["kind"].map(lambda kind: t(f"participation.{kind}"))
    st.altair_chart(
        heatmap(
            grid,
            x="kind",
            y="building",
            value="share",
            x_title=t("dashboard.kind"),
            y_title=t("field_name.building"),
            value_title=t("dashboard.rate"),
            hidden_text=t.plain("dashboard.fewer_than_k", k=k),
        ),
        width="stretch",
    )


def over_time() -> None:
    granularity, series = (
        view_result
        if view == shown_view and isinstance(view_result, tuple)
        else trends(actor=principal, filters=filters)
    )
    st.markdown(f"#### {t('dashboard.trends')}")
    if series.empty:
        st.info(t("dashboard.no_activity"))
        return
    st.caption(t(f"dashboard.trends_per_{granularity}"))
    series["kind"] = series["kind"].map(lambda kind: t(f"participation.{kind}"))
    st.altair_chart(
        activity_over_time(
            series,
            x_title=t(f"dashboard.period_{granularity}"),
            y_title=t(
                {"seconds": "dashboard.seconds", "hours": "dashboard.hours"}.get(
                    unit, "dashboard.events"
                )
            ),
            color_title=t("dashboard.kind"),
        ),
        width="stretch",
    )


{
    "concentration": concentration,
    "representation": representation,
    "where": where,
    "time": over_time,
}[view or "concentration"]()
