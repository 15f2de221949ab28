import json

import pandas as pd
import streamlit as st
from babel.dates import format_date

from components.page import empty_state, open_page, show_error
from core.errors import DomainError
from core.permissions import can
from core.public_log import actions, chain_head, list_events, verify_chain

page = open_page("page.audit", "audit.title", "audit.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz


def action_label(action: str) -> str:
    return t(f"audit.action.{action}") if t.has(f"audit.action.{action}") else action


head = chain_head(actor=principal)
a, b = st.columns([1, 3])
a.metric(t("audit.events"), t.number(head.events))
with b:
    st.caption(t("audit.head", seq=head.seq or 0), help=t("audit.head_help"))
    st.code(head.fingerprint, language=None)
if can(principal, "audit.verify") and st.button(
    t("audit.verify"), icon=":material/verified:", key="audit_verify"
):
    with st.spinner(t("audit.verify")):
        broken = verify_chain(actor=principal)
    if broken is None:
        st.success(t("audit.intact", n=t.number(head.events)), icon=":material/check_circle:")
    else:
        st.error(t("audit.broken", seq=broken), icon=":material/report:")

c1, c2, c3 = st.columns(3)
action = c1.selectbox(
    t("audit.filter_action"),
    [None, *actions(actor=principal)],
    key="audit_action",
    format_func=lambda a: t("common.all") if a is None else action_label(a),
)
object_type = c2.selectbox(
    t("audit.filter_object"),
    [
        None,
        "proposal",
        "comment",
        "hearing",
        "poll",
        "user",
        "building",
        "actor",
        "dataset",
        "community",
        "announcement",
    ],
    key="audit_object",
    format_func=lambda o: t("common.all") if o is None else o,
)
period = c3.date_input(t("audit.period"), value=[], key="audit_period")
start, end = (period[0], period[-1]) if period else (None, None)

# Keyset paging: the seqs at which each page shown so far ends.
filters = (action, object_type, start, end)
if st.session_state.get("audit_filters") != filters:
    st.session_state["audit_filters"] = filters
    st.session_state["audit_pages"] = []
pages = st.session_state["audit_pages"]
try:
    log_page = list_events(
        actor=principal,
        action=action,
        object_type=object_type,
        start=start,
        end=end,
        before_seq=pages[-1] if pages else None,
        tz=tz,
    )
except DomainError as error:
    show_error(t, error)
    st.stop()
events = log_page.events
if not events:
    empty_state(t, "audit.empty")
else:
    # A resident's entry has no number, time or fingerprint (core/public_log.py); the table's
    # download button offers exactly these rows.
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "seq": e.seq,
                    "at": t.datetime(e.at, tz)
                    if e.at
                    else format_date(e.day, "medium", locale=t.babel_locale),
                    "actor": t(f"role.{e.actor_role}")
                    + (f" · {e.actor_name}" if e.actor_name else ""),
                    "action": action_label(e.action),
                    "object": " ".join(filter(None, (e.object_type, e.object_id))) or "—",
                    "details": json.dumps(e.payload, ensure_ascii=False, sort_keys=True)[:300],
                    "hash": e.fingerprint[:16] if e.fingerprint else "—",
                }
                for e in events
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "seq": st.column_config.NumberColumn(t("audit.col_seq"), format="%d"),
            "at": t("audit.col_at"),
            "actor": t("audit.col_actor"),
            "action": t("audit.col_action"),
            "object": t("audit.col_object"),
            "details": t("audit.col_details"),
            "hash": t("audit.col_hash"),
        },
    )
    st.caption(t("audit.residents_note"))
n1, n2 = st.columns(2)
if pages and n1.button(t("audit.newest"), icon=":material/first_page:", key="audit_newest"):
    st.session_state["audit_pages"] = []
    st.rerun()
if log_page.older is not None and n2.button(
    t("audit.older"), icon=":material/navigate_next:", key="audit_older"
):
    pages.append(log_page.older)
    st.rerun()
