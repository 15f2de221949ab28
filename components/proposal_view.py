"""One proposal in full: facts, body, supports, answer, progress, history, and the forms of
its author and of moderators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.alerts import show_alerts
from components.page import label, person, run_command
from core.community import list_actors
from core.i18n import Translator
from core.markdown import escape_md, safe_markdown
from core.permissions import can
from core.principal import Principal
from core.proposals.commands import (
    answer_proposal,
    assign_actor,
    change_status,
    follow_proposal,
    merge_proposals,
    post_progress,
    support_proposal,
    withdraw_proposal,
    withdraw_support,
)
from core.proposals.photos import read_photo
from core.proposals.queries import ProposalDetail
from core.vocabulary import utcnow


def proposal_detail(
    t: Translator, viewer: Principal, p: ProposalDetail, *, tz: str, community_id: int
) -> None:
    """One proposal as its page shows it; `community_id` is the viewer's community (the
    proposal's), whose actors a moderator may assign."""
    st.subheader(escape_md(p.title))
    st.caption(
        " · ".join(
            [
                label(t, "kind", p.kind),
                label(t, "status", p.status),
                label(t, "category", p.category),
                escape_md(p.building) if p.building else t("proposal.whole_community"),
                t("proposals.by", name=person(t, p.author)),
                t.datetime(p.created_at, tz, "short"),
            ]
        )
    )
    if p.merged_into_id:
        st.info(t("proposal.merged_into", id=p.merged_into_id), icon=":material/merge:")
    if p.survey_id is not None:
        st.page_link(
            "pages/surveys.py",
            label=t("proposal.from_survey", title=p.survey_title),
            query_params={"id": str(p.survey_id)},
            icon=":material/checklist:",
        )
    _responsibility(t, p)
    st.markdown(safe_markdown(p.body))
    photo = read_photo(p.photo)
    if photo:
        st.image(photo, width=480)
    _supports(t, viewer, p)
    if p.answer_text:
        with st.container(border=True):
            st.markdown(f"**{t('proposal.official_answer')}**")
            st.markdown(safe_markdown(p.answer_text))
            facts = []
            if p.cost_estimate is not None:
                facts.append(t("proposal.cost", cost=t.number(p.cost_estimate)))
            if p.timeline:
                facts.append(t("proposal.timeline", timeline=p.timeline))
            facts.append(t.datetime(p.answered_at, tz, "short"))
            st.caption(" · ".join(facts))
    if p.progress:
        st.markdown(f"**{t('proposal.progress')}**")
        st.progress(p.progress_pct / 100, text=f"{p.progress_pct}%")
        for update in reversed(p.progress):
            st.caption(f"{t.datetime(update.created_at, tz, 'short')} · {update.progress_pct}%")
            st.text(update.text)
    with st.expander(t("proposal.history"), icon=":material/history:"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("proposal.history_when"): t.datetime(h.at, tz, "short"),
                        t("proposal.history_what"): _history_text(t, h),
                        t("proposal.history_reason"): _reason_text(t, h.reason),
                    }
                    for h in p.history
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if p.can_withdraw:
        with st.popover(t("proposal.withdraw"), icon=":material/undo:"):
            with st.form("withdraw"):
                reason = st.text_input(t("field_name.reason"), max_chars=2000)
                if st.form_submit_button(t("proposal.withdraw"), type="primary"):
                    run_command(
                        t,
                        lambda: withdraw_proposal(actor=viewer, proposal_id=p.id, reason=reason),
                        "proposal.withdrawn",
                    )
    if can(viewer, "proposal.moderate"):
        show_alerts(t, viewer, "proposal", p.id)
        moderator_panel(t, viewer, p, community_id)


def _history_text(t: Translator, h) -> str:
    """A line of the history table: plain text."""
    if h.actor:
        return t.plain("proposal.assigned_to", actor=h.actor)
    if h.from_status is None:
        return t("proposal.history_submitted")
    return f"{label(t, 'status', h.from_status)} → {label(t, 'status', h.to_status)}"


def _reason_text(t: Translator, reason: str | None) -> str:
    if reason == "support_threshold":
        return t("proposal.reason.support_threshold")
    return reason or ""


def _responsibility(t: Translator, p: ProposalDetail) -> None:
    if p.actor is None:
        st.caption(t("proposal.no_actor_yet"))
        return
    text: str = t("proposals.responsible", actor=p.actor)
    started = p.clock_started_at
    if p.clock_running and started is not None:  # (running implies started)
        days = (utcnow() - started).days
        text += " · " + t("proposal.waiting_days", days=days)
    st.markdown(f":material/assignment_ind: {text}")


def _supports(t: Translator, viewer: Principal, p: ProposalDetail) -> None:
    if p.counting_to_threshold:
        st.progress(
            min(1.0, p.support_count / p.threshold),
            text=t("proposal.supports_of_threshold", n=p.support_count, threshold=p.threshold),
        )
    else:
        st.caption(t("proposals.supports", n=p.support_count))
    cols = st.columns(2)
    if can(viewer, "proposal.support") and p.supportable and viewer.user_id != p.author_id:
        if p.supported:
            if cols[0].button(t("proposal.unsupport"), icon=":material/thumb_down_off:"):
                run_command(
                    t,
                    lambda: withdraw_support(actor=viewer, proposal_id=p.id),
                    "proposal.unsupported",
                )
        elif cols[0].button(t("proposal.support"), type="primary", icon=":material/thumb_up:"):
            run_command(
                t, lambda: support_proposal(actor=viewer, proposal_id=p.id), "proposal.supported"
            )
    if can(viewer, "proposal.follow"):
        following = p.following
        if cols[1].button(
            t("proposal.unfollow") if following else t("proposal.follow"),
            icon=":material/notifications:",
        ):
            run_command(
                t,
                lambda: follow_proposal(actor=viewer, proposal_id=p.id, follow=not following),
                "proposal.unfollowed" if following else "proposal.followed",
            )


def moderator_panel(t: Translator, viewer: Principal, p: ProposalDetail, community_id: int) -> None:
    with st.expander(t("proposal.moderate"), icon=":material/shield:"):
        moves = p.moderator_moves
        if moves:
            with st.form("status"):
                to_status = st.selectbox(
                    t("proposal.move_to"), moves, format_func=lambda s: t(f"status.{s}")
                )
                reason = st.text_area(
                    t("field_name.reason"), max_chars=2000, help=t("proposal.reason_help")
                )
                if st.form_submit_button(t("proposal.move"), type="primary"):
                    run_command(
                        t,
                        lambda: change_status(
                            actor=viewer, proposal_id=p.id, to_status=to_status, reason=reason
                        ),
                        "proposal.moved",
                    )
        actors = list_actors(community_id)
        with st.form("assign"):
            choice = st.selectbox(
                t("field_name.actor"),
                actors,
                format_func=lambda a: a.name,
                index=None,
                placeholder=t("common.choose"),
            )
            reason = st.text_input(
                t("field_name.reason"), max_chars=2000, help=t("proposal.reassign_help")
            )
            if st.form_submit_button(t("proposal.assign")):
                run_command(
                    t,
                    lambda: assign_actor(
                        actor=viewer,
                        proposal_id=p.id,
                        responsible_id=choice.id if choice else None,
                        reason=reason,
                    ),
                    "proposal.assigned",
                )
        with st.form("answer"):
            answer = st.text_area(t("field_name.answer"), value=p.answer_text or "", max_chars=5000)
            cost = st.number_input(
                t("field_name.cost_estimate"),
                min_value=0.0,
                value=p.cost_estimate,
                step=100.0,
                placeholder="—",
            )
            timeline = st.text_input(
                t("field_name.timeline"), value=p.timeline or "", max_chars=200
            )
            if st.form_submit_button(t("proposal.answer")):
                run_command(
                    t,
                    lambda: answer_proposal(
                        actor=viewer,
                        proposal_id=p.id,
                        answer=answer,
                        cost_estimate=cost,
                        timeline=timeline,
                    ),
                    "proposal.answered",
                )
        if p.can_report_progress:
            with st.form("progress"):
                text = st.text_area(t("field_name.progress_text"), max_chars=2000)
                pct = st.slider(t("field_name.progress_pct"), 0, 100, p.progress_pct)
                if st.form_submit_button(t("proposal.post_progress")):
                    run_command(
                        t,
                        lambda: post_progress(
                            actor=viewer, proposal_id=p.id, text=text, progress_pct=pct
                        ),
                        "proposal.progress_posted",
                    )
        if p.mergeable:
            with st.form("merge"):
                target = st.number_input(
                    t("field_name.merge_target"), min_value=1, step=1, value=None
                )
                reason = st.text_input(t("field_name.reason"), max_chars=2000, key="merge_reason")
                if st.form_submit_button(t("proposal.merge")):
                    run_command(
                        t,
                        lambda: merge_proposals(
                            actor=viewer,
                            proposal_id=p.id,
                            into_id=int(target) if target else None,
                            reason=reason,
                        ),
                        "proposal.merged_ok",
                    )
