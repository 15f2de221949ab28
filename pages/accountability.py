import pandas as pd
import streamlit as st

from components.charts import stacked_counts
from components.page import (
    empty_state,
    label,
    open_page,
    run_command,
    show_flash,
    show_more,
    shown_count,
)
from core.accountability import MAX_DAYS, responsibility_board, service_levels, set_service_level
from core.markdown import escape_md
from core.permissions import can
from core.vocabulary import CATEGORIES

PAGE = 20  # an actor's open items drawn at first (longest waiting first), and per "show more"

page = open_page("page.accountability", "accountability.title", "accountability.caption")
t, principal, community = page.t, page.principal, page.community
show_flash(t)
board = responsibility_board(community_id=community.id)
if not board:
    empty_state(t, "accountability.empty")
    st.stop()

# ---- at a glance ---------------------------------------------------------------------------
chart = pd.DataFrame(
    [{"actor": a.name, "state": t("accountability.overdue"), "items": a.overdue} for a in board]
    + [
        {"actor": a.name, "state": t("accountability.on_time"), "items": a.open_items - a.overdue}
        for a in board
    ]
)
st.altair_chart(
    stacked_counts(
        chart,
        category="actor",
        value="items",
        color="state",
        title=t("accountability.chart_items"),
        colors=["#c0392b", "#4a7fb5"],
    ),
    width="stretch",
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "actor": a.name,
                "kind": label(t, "actor_kind", a.kind),
                "open": a.open_items,
                "overdue": a.overdue,
                "answered": a.answered,
                "implemented": a.implemented,
                "response": a.median_response_days,
                "completion": a.median_completion_days,
                "oldest": a.oldest_wait_days,
            }
            for a in board
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "actor": t("accountability.actor"),
        "kind": t("accountability.kind"),
        "open": t("accountability.open"),
        "overdue": t("accountability.overdue"),
        "answered": t("accountability.answered"),
        "implemented": t("accountability.implemented"),
        "response": st.column_config.NumberColumn(
            t("accountability.median_response"), format="%.1f"
        ),
        "completion": st.column_config.NumberColumn(
            t("accountability.median_completion"), format="%.1f"
        ),
        "oldest": st.column_config.NumberColumn(t("accountability.oldest_wait"), format="%.1f"),
    },
)

# ---- who holds what ------------------------------------------------------------------------
c1, c2 = st.columns([3, 2])
search = c1.text_input(
    t("accountability.search"),
    max_chars=60,
    key="board_search",
    help=t("accountability.search_help"),
).strip()
only_overdue = c2.toggle(t("accountability.only_overdue"), key="board_overdue")
shown_any = False
for actor in board:
    items = [
        i
        for i in actor.items
        if (not only_overdue or i.overdue)
        and (not search or search.casefold() in i.title.casefold())
    ]
    if (search or only_overdue) and not items:
        continue
    shown_any = True
    with st.expander(
        t("accountability.held_by", actor=actor.name, n=actor.open_items, overdue=actor.overdue),
        expanded=bool(search) or only_overdue,
        icon=":material/warning:" if actor.overdue else ":material/task_alt:",
    ):
        if not items:
            st.caption(t("accountability.nothing_open"))
        shown = shown_count(f"board_{actor.actor_id}", PAGE)
        for item in items[:shown]:
            line = st.container()
            a, b = line.columns([3, 2])
            a.page_link(
                "pages/proposals.py",
                label=escape_md(item.title),
                query_params={"id": str(item.proposal_id)},
                icon=":material/report:" if item.overdue else ":material/description:",
            )
            since = t.datetime(item.held_since, page.tz, "short")
            facts = [
                label(t, "status", item.status),
                f"{t('accountability.held_since')} {since}",
                f"{t('accountability.waiting_days')} {item.waiting_days:.1f}",
            ]
            if item.overdue:
                facts.append(f":red[{t(f'accountability.overdue_{item.overdue}')}]")
            b.caption(" · ".join(facts))
        show_more(t, f"board_{actor.actor_id}", len(items) - shown, PAGE)
if not shown_any:
    empty_state(t, "accountability.no_match")

# ---- service levels ------------------------------------------------------------------------
with st.expander(t("accountability.levels"), icon=":material/timer:"):
    st.caption(t("accountability.levels_help"))
    levels = service_levels(community_id=community.id)
    st.dataframe(
        pd.DataFrame(
            [
                {"category": label(t, "category", c), "first": f, "complete": d}
                for c, (f, d) in levels.items()
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "category": t("accountability.category"),
            "first": t("field_name.first_answer_days"),
            "complete": t("field_name.completion_days"),
        },
    )
    if can(principal, "service_level.manage"):
        with st.form("service_level"):
            st.markdown(f"##### {t('accountability.set_level')}")
            category = st.selectbox(
                t("accountability.category"),
                CATEGORIES,
                format_func=lambda c: label(t, "category", c),
                key="level_category",
            )
            f1, f2 = st.columns(2)
            first = f1.number_input(
                t("field_name.first_answer_days"),
                min_value=1,
                max_value=MAX_DAYS,
                value=levels[category][0],
                step=1,
                key="level_first",
            )
            complete = f2.number_input(
                t("field_name.completion_days"),
                min_value=1,
                max_value=MAX_DAYS,
                value=levels[category][1],
                step=1,
                key="level_complete",
            )
            if st.form_submit_button(t("common.save"), type="primary"):
                run_command(
                    t,
                    lambda: set_service_level(
                        actor=principal,
                        category=category,
                        first_answer_days=int(first),
                        completion_days=int(complete),
                    ),
                    "accountability.level_saved",
                )
