"""A closed poll's results as charts, the turnout, and the bulletin board of ballots by
receipt (find your own, recount the whole)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.i18n import Translator
from core.principal import Principal
from core.voting.ballots import receipt_hash
from core.voting.queries import PollDetail, bulletin_board, recount


def option_label(t: Translator, option) -> str:
    """An option as voters see it: yes / no / abstain translated, budget projects with cost.
    Plain text (charts, tables, select boxes); escape_md it for Markdown."""
    if option.code:
        return t.plain(f"majority.{option.code}")
    return option.label + (f" · {t.number(option.cost)}" if option.cost is not None else "")


def _names(t: Translator, p: PollDetail) -> dict[int, str]:
    return {o.id: option_label(t, o) for o in p.option_list}


def _bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_title: str,
    color: str | None = None,
    fmt: str | None = None,
) -> alt.Chart:
    encoding = dict(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=fmt) if fmt else alt.Axis()),
        y=alt.Y(f"{y}:N", title=None, sort=None),
        tooltip=[y, alt.Tooltip(f"{x}:Q", format=fmt or "d")],
    )
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=None)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(**encoding)
        .properties(height=60 + 30 * frame[y].nunique())
    )


def results(t: Translator, p: PollDetail, tally: dict) -> None:
    """The closed poll's frozen tally (`p.tally`, once it exists) as charts."""
    names = _names(t, p)
    st.markdown(f"#### {t('votes.results')}")
    if p.method == "majority":
        verdict = "votes.passed" if tally["passed"] else "votes.not_passed"
        (st.success if tally["passed"] else st.warning)(t(verdict))
        frame = pd.DataFrame(
            {
                "option": [t(f"majority.{c}") for c in ("yes", "no", "abstain")],
                "votes": [tally["yes"], tally["no"], tally["abstain"]],
            }
        )
        st.altair_chart(
            _bars(frame, x="votes", y="option", x_title=t("votes.count")), width="stretch"
        )
        turnout = pd.DataFrame(
            {
                "what": [t("votes.turnout"), t("votes.quorum")],
                "share": [tally["turnout"], tally["quorum"]],
            }
        )
        st.altair_chart(
            _bars(turnout, x="share", y="what", x_title=t("votes.share_eligible"), fmt="%"),
            width="stretch",
        )
        st.caption(t("votes.quorum_met" if tally["quorum_met"] else "votes.quorum_missed"))
    elif p.method == "approval":
        frame = pd.DataFrame([{"option": names[i], "votes": n} for i, n in tally["approvals"]])
        st.altair_chart(
            _bars(frame, x="votes", y="option", x_title=t("votes.approvals")), width="stretch"
        )
    elif p.method == "ranked":
        order = [names[i] for i in tally["schulze"]]
        st.markdown(t("votes.schulze_order", order=" › ".join(order)))
        ids = [o.id for o in p.option_list]
        matrix = pd.DataFrame(
            tally["pairwise"], index=[names[i] for i in ids], columns=[names[i] for i in ids]
        )
        st.caption(t("votes.pairwise_help"))
        st.dataframe(matrix, width="stretch")
        runoff = tally["runoff"]
        rounds = pd.DataFrame(
            [
                {"round": r + 1, "option": names[int(o)], "votes": n}
                for r, counts in enumerate(runoff["rounds"])
                for o, n in counts.items()
            ]
        )
        if not rounds.empty:
            st.markdown(
                t(
                    "votes.runoff_winner",
                    winner=names[runoff["winner"]] if runoff["winner"] else "—",
                )
            )
            chart = (
                alt.Chart(rounds)
                .mark_bar()
                .encode(
                    x=alt.X("votes:Q", title=t("votes.first_preferences")),
                    y=alt.Y("option:N", title=None, sort=None),
                    row=alt.Row("round:O", title=t("votes.round")),
                    tooltip=["round", "option", "votes"],
                )
                .properties(height=alt.Step(18))
            )
            st.altair_chart(chart, width="stretch")
    elif p.method == "budget":
        cost = {o.id: o.cost or 0 for o in p.option_list}
        rows = []
        for rule in ("equal_shares", "greedy"):
            funded = set(tally[rule]["funded"])
            rows += [
                {
                    "rule": t(f"votes.rule.{rule}"),
                    "project": names[i],
                    "approvals": n,
                    "cost": cost[i],
                    "funded": t("votes.funded_yes") if i in funded else t("votes.funded_no"),
                }
                for i, n in tally["approvals"]
            ]
        frame = pd.DataFrame(rows)
        c1, c2 = st.columns(2)
        for column, rule in ((c1, "equal_shares"), (c2, "greedy")):
            column.metric(
                t(f"votes.rule.{rule}"), t("votes.funded_count", n=len(tally[rule]["funded"]))
            )
            column.caption(
                t(
                    "votes.spent_of",
                    spent=t.number(tally[rule]["spent"]),
                    budget=t.number(tally["budget"]),
                )
            )
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("approvals:Q", title=t("votes.approvals")),
                y=alt.Y("project:N", title=None, sort=None),
                color=alt.Color(
                    "funded:N",
                    title=t("votes.funded"),
                    scale=alt.Scale(
                        domain=[t("votes.funded_yes"), t("votes.funded_no")],
                        range=["#2e7d32", "#bdbdbd"],
                    ),
                ),
                column=alt.Column("rule:N", title=None),
                tooltip=["project", "approvals", "cost", "funded"],
            )
            .properties(height=alt.Step(20), width=220)
        )
        st.altair_chart(chart)
        st.caption(t("votes.equal_shares_help"))
    _turnout(t, p)


def _turnout(t: Translator, p: PollDetail) -> None:
    buildings = [row for row in p.turnout if row.kind == "building"]
    channels = [row for row in p.turnout if row.kind == "channel"]
    if buildings:
        frame = pd.DataFrame(
            [
                {"building": r.group, "share": r.voters / r.eligible if r.eligible else 0.0}
                for r in buildings
            ]
        )
        st.markdown(f"**{t('votes.turnout_by_building')}**")
        st.altair_chart(
            _bars(frame, x="share", y="building", x_title=t("votes.share_eligible"), fmt="%"),
            width="stretch",
        )
    if channels:
        frame = pd.DataFrame(
            [{"channel": t(f"channel.{r.group}"), "voters": r.voters} for r in channels]
        )
        st.markdown(f"**{t('votes.turnout_by_channel')}**")
        st.altair_chart(
            _bars(frame, x="voters", y="channel", x_title=t("votes.count")), width="stretch"
        )


def bulletin(t: Translator, viewer: Principal, p: PollDetail) -> None:
    with st.expander(t("votes.bulletin"), icon=":material/fact_check:"):
        st.caption(t("votes.bulletin_help", digest=p.tally_hash or ""))
        board = bulletin_board(viewer=viewer, poll_id=p.id) or []
        names = _names(t, p)
        code = st.text_input(t("votes.find_receipt"), max_chars=20, key=f"find_{p.id}")
        if code:
            mine = receipt_hash(code)
            entry = next((e for e in board if e.receipt == mine), None)
            if entry:
                st.success(
                    t("votes.receipt_found", choice=", ".join(names[i] for i in entry.choice))
                )
            else:
                st.error(t("ballot.bad_receipt"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("votes.receipt_hash"): e.receipt[:16],
                        t("field_name.choice"): ", ".join(names[i] for i in e.choice),
                    }
                    for e in board
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        if st.button(t("votes.recount"), icon=":material/calculate:", key=f"recount_{p.id}"):
            with st.spinner(t("votes.counting")):
                same = recount(viewer=viewer, poll_id=p.id)
            (st.success if same else st.error)(
                t("votes.recount_ok" if same else "votes.recount_bad")
            )
