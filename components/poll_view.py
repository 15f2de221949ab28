"""One poll: its options, the ballot form for the method, the receipt, changing a vote, and
the moderator's desk (open, close, cancel, paper ballots)."""

from __future__ import annotations

import secrets

import streamlit as st

from components.alerts import show_alerts
from components.page import label, run_command, show_error
from components.poll_results import bulletin, option_label, results
from core.errors import DomainError
from core.hearings.queries import find_residents
from core.i18n import Translator
from core.markdown import escape_md, safe_markdown
from core.permissions import can
from core.principal import Principal
from core.voting.ballots import cast_ballot, change_ballot, enter_paper_ballot
from core.voting.polls import cancel_poll, close_poll, open_poll
from core.voting.queries import PollDetail


def poll_detail(t: Translator, viewer: Principal, p: PollDetail, *, tz: str) -> None:
    st.subheader(escape_md(p.title))
    st.caption(
        " · ".join(
            [
                label(t, "poll_method", p.method),
                label(t, "poll_status", p.status),
                t("votes.secret") if p.secret else t("votes.open_ballot"),
                t(
                    "votes.window",
                    opens=t.datetime(p.opens_at, tz, "short"),
                    closes=t.datetime(p.closes_at, tz, "short"),
                ),
            ]
        )
    )
    if p.description:
        st.markdown(safe_markdown(p.description))
    rules = [
        t("votes.scope_building", building=p.building) if p.building else t("votes.scope_community")
    ]
    if p.method == "majority":
        rules.append(
            t("votes.rule_majority", quorum=t.percent(p.quorum), threshold=t.percent(p.threshold))
        )
    if p.method == "approval" and p.max_choices:
        rules.append(t("votes.rule_approval", m=p.max_choices))
    if p.method == "budget":
        rules.append(t("votes.rule_budget", budget=t.number(p.budget or 0)))
    if p.allow_change:
        rules.append(t("votes.rule_change"))
    st.caption(" · ".join(rules))
    if p.cancelled:
        st.error(t("votes.cancelled_because", reason=p.cancel_reason or ""))
    c1, c2 = st.columns(2)
    c1.metric(t("votes.voters"), t.number(p.voters))
    c2.metric(
        t("votes.turnout"),
        t.percent(p.voters / p.eligible if p.eligible else 0, 1),
        help=t("votes.turnout_help", eligible=t.number(p.eligible)),
    )
    _my_ballot(t, viewer, p)
    if p.tally is not None:
        results(t, p, p.tally)
        bulletin(t, viewer, p)
    elif p.voting_open:
        st.info(t("votes.results_after_close"), icon=":material/lock_clock:")
    if can(viewer, "poll.manage"):
        _desk(t, viewer, p)


def _ballot_inputs(t: Translator, p: PollDetail, key: str):
    """The method's ballot widgets; returns the choice as the core expects it."""
    options = p.option_list
    if p.method == "majority":
        picked = st.radio(
            t("field_name.choice"),
            options,
            index=None,
            key=key,
            format_func=lambda o: escape_md(option_label(t, o)),
        )
        return picked.id if picked else None
    if p.method == "ranked":
        order = st.multiselect(
            t("votes.rank_help"), options, key=key, format_func=lambda o: option_label(t, o)
        )
        return [o.id for o in order]
    help_key = "votes.choose_up_to" if p.method == "approval" else "votes.choose_projects"
    st.caption(t(help_key, m=p.max_choices or len(options), budget=t.number(p.budget or 0)))
    chosen = [
        o.id
        for o in options
        if st.checkbox(
            escape_md(option_label(t, o)),
            key=f"{key}_{o.id}",
            help=escape_md(o.description) if o.description else None,
        )
    ]
    if p.method == "budget":
        spent = sum(o.cost or 0 for o in options if o.id in chosen)
        st.progress(
            min(1.0, spent / (p.budget or 1)),
            text=t("votes.spent", spent=t.number(spent), budget=t.number(p.budget or 0)),
        )
    return chosen


def _my_ballot(t: Translator, viewer: Principal, p: PollDetail) -> None:
    receipt = st.session_state.get(f"receipt_{p.id}")
    if receipt:
        st.success(t("votes.receipt", code=receipt), icon=":material/receipt_long:")
        st.caption(t("votes.receipt_help"))
    if not p.voting_open or not can(viewer, "poll.vote"):
        return
    if p.voted:
        st.info(t(f"votes.you_voted_{p.voted}"), icon=":material/how_to_vote:")
        if p.allow_change and p.voted == "online":
            with st.expander(t("votes.change"), icon=":material/edit:"):
                with st.form(f"change_{p.id}"):
                    code = st.text_input(t("field_name.receipt"), value=receipt or "", max_chars=20)
                    choice = _ballot_inputs(t, p, f"change_choice_{p.id}")
                    if st.form_submit_button(t("votes.change_submit")):
                        run_command(
                            t,
                            lambda: change_ballot(
                                actor=viewer, poll_id=p.id, receipt=code, choice=choice
                            ),
                            "votes.changed",
                        )
        return
    if not p.verified:
        st.warning(t("ballot.unverified"), icon=":material/verified_user:")
        return
    if not p.can_vote:
        st.info(t("ballot.not_eligible"))
        return
    submission = st.session_state.setdefault(f"submission_{p.id}", secrets.token_hex(16))
    with st.form(f"ballot_{p.id}"):
        st.markdown(f"**{t('votes.your_ballot')}**")
        choice = _ballot_inputs(t, p, f"choice_{p.id}")
        if st.form_submit_button(t("votes.cast"), type="primary", width="stretch"):
            try:
                code = cast_ballot(actor=viewer, poll_id=p.id, choice=choice, submission=submission)
            except DomainError as error:
                show_error(t, error)
            else:
                if code:
                    st.session_state[f"receipt_{p.id}"] = code
                st.session_state["flash"] = ("votes.cast_ok", {})
                st.rerun()


def _desk(t: Translator, viewer: Principal, p: PollDetail) -> None:
    show_alerts(t, viewer, "poll", p.id)
    with st.expander(t("votes.desk"), icon=":material/shield:", expanded=not p.closed):
        c1, c2 = st.columns(2)
        if p.openable and c1.button(t("votes.open"), type="primary"):
            run_command(t, lambda: open_poll(actor=viewer, poll_id=p.id), "votes.opened")
        if p.closable and c1.button(t("votes.close"), type="primary", help=t("votes.close_help")):
            with st.spinner(t("votes.counting")):
                run_command(t, lambda: close_poll(actor=viewer, poll_id=p.id), "votes.closed")
        if p.cancellable:
            with c2.popover(t("votes.cancel"), icon=":material/block:"):
                reason = st.text_input(
                    t("field_name.reason"), max_chars=1000, key=f"cancel_reason_{p.id}"
                )
                if st.button(t("votes.cancel_confirm"), key=f"cancel_{p.id}"):
                    run_command(
                        t,
                        lambda: cancel_poll(actor=viewer, poll_id=p.id, reason=reason),
                        "votes.cancelled",
                    )
        if p.voting_open:
            _paper_ballot(t, viewer, p)


def _paper_ballot(t: Translator, viewer: Principal, p: PollDetail) -> None:
    st.markdown(f"**{t('votes.paper')}**")
    st.caption(t("votes.paper_help"))
    query = st.text_input(t("hearings.find_resident"), max_chars=40, key=f"paper_q_{p.id}")
    matches = find_residents(actor=viewer, query=query) if query else []
    if query and not matches:
        st.caption(t("votes.no_match"))
    if not matches:
        return
    with st.form(f"paper_{p.id}"):
        person = st.selectbox(
            t("field_name.full_name"),
            matches,
            format_func=lambda m: f"{m.name} · {m.building} {m.unit or ''}",
        )
        choice = _ballot_inputs(t, p, f"paper_choice_{p.id}")
        if st.form_submit_button(t("votes.paper_submit")):
            try:
                code = enter_paper_ballot(
                    actor=viewer, poll_id=p.id, resident_id=person.resident_id, choice=choice
                )
            except DomainError as error:
                show_error(t, error)
            else:
                st.success(t("votes.paper_ok", name=person.name, code=code))
