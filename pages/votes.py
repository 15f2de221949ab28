from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from components.dates import default_start, local_datetime
from components.page import (
    detail_id,
    empty_state,
    label,
    open_page,
    run_command,
    show_error,
    show_flash,
)
from components.poll_view import poll_detail
from core.community import list_buildings
from core.errors import InvalidInput
from core.markdown import escape_md
from core.permissions import can
from core.vocabulary import POLL_METHODS
from core.voting.polls import create_poll, options_from_text
from core.voting.queries import get_poll, list_polls

page = open_page("page.votes", "votes.title", "votes.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz
show_flash(t)

requested = detail_id()
if requested is not None:
    st.page_link("pages/votes.py", label=t("proposal.back"), icon=":material/arrow_back:")
    poll = get_poll(viewer=principal, poll_id=requested)
    if poll is None:
        st.warning(t("error.not_found"))
    else:
        poll_detail(t, principal, poll, tz=tz)
    st.stop()


if can(principal, "poll.manage"):
    with st.expander(t("votes.new"), icon=":material/add_circle:"):
        buildings = list_buildings(community.id)
        method = st.selectbox(
            t("field_name.poll_method"),
            POLL_METHODS,
            format_func=lambda m: t(f"poll_method.{m}"),
            key="new_poll_method",
        )
        start = default_start(tz)  # a week ahead, 19:00
        now = datetime.now(ZoneInfo(tz)).replace(second=0, microsecond=0)
        with st.form("new_poll"):
            title = st.text_input(t("field_name.title"), max_chars=120)
            description = st.text_area(t("field_name.description"), max_chars=10_000)
            c1, c2 = st.columns(2)
            opens_day = c1.date_input(t("votes.opens_day"), value=now.date())
            opens_time = c2.time_input(t("field_name.opens_at"), value=now.time())
            closes_day = c1.date_input(t("votes.closes_day"), value=start.date())
            closes_time = c2.time_input(
                t("field_name.closes_at"), value=start.replace(hour=21).time()
            )
            building = st.selectbox(
                t("field_name.building"),
                [None, *buildings],
                format_func=lambda b: t("votes.scope_community") if b is None else b.name,
            )
            secret = st.checkbox(t("votes.secret_ballot"), value=True)
            allow_change = st.checkbox(t("votes.allow_change"))
            registered_before = st.checkbox(t("votes.registered_before_open"))
            quorum = threshold = 0
            max_choices = budget = None
            knapsack = False
            options_text = ""
            if method == "majority":
                quorum = st.number_input(t("votes.quorum_pct"), 0, 100, 0, step=5)
                threshold = st.number_input(t("votes.threshold_pct"), 0, 99, 50, step=1)
            else:
                options_text = st.text_area(
                    t("field_name.options"),
                    height=150,
                    help=t(
                        "votes.options_budget_help" if method == "budget" else "votes.options_help"
                    ),
                )
            if method == "approval":
                max_choices = int(st.number_input(t("field_name.max_choices"), 1, 100, 2))
            if method == "budget":
                budget = int(st.number_input(t("field_name.budget"), 1, 10**12, 100_000, step=1000))
                knapsack = st.checkbox(t("votes.knapsack"), help=t("votes.knapsack_help"))
            if st.form_submit_button(t("votes.create"), type="primary"):
                try:
                    options = options_from_text(options_text, method)
                except InvalidInput as error:
                    show_error(t, error)
                else:
                    run_command(
                        t,
                        lambda: create_poll(
                            actor=principal,
                            title=title,
                            description=description,
                            method=method,
                            opens_at=local_datetime(opens_day, opens_time, tz),
                            closes_at=local_datetime(closes_day, closes_time, tz),
                            options=options,
                            building_id=building.id if building else None,
                            secret=secret,
                            quorum=quorum / 100,
                            threshold=threshold / 100,
                            max_choices=max_choices,
                            budget=budget,
                            knapsack=knapsack,
                            allow_change=allow_change,
                            registered_before_open=registered_before,
                        ),
                        "votes.created",
                    )

polls = list_polls(community_id=community.id, include_drafts=can(principal, "poll.manage"))
if not polls:
    empty_state(t, "votes.empty")
for listed in polls:
    with st.container(border=True):
        st.page_link(
            "pages/votes.py", label=escape_md(listed.title), query_params={"id": str(listed.id)}
        )
        st.caption(
            " · ".join(
                [
                    label(t, "poll_method", listed.method),
                    label(t, "poll_status", listed.status),
                    t("votes.secret") if listed.secret else t("votes.open_ballot"),
                    t(
                        "votes.window",
                        opens=t.datetime(listed.opens_at, tz, "short"),
                        closes=t.datetime(listed.closes_at, tz, "short"),
                    ),
                ]
            )
        )
        st.caption(t("votes.counts", options=listed.options, voters=listed.voters))
