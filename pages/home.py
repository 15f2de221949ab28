import streamlit as st

from components.invitations import pending_invitations
from components.page import empty_state, label, open_page, show_flash
from core.announcements import pinned_for_home
from core.hearings.queries import list_hearings
from core.markdown import escape_md
from core.proposals.queries import followed_updates, list_proposals
from core.vocabulary import utcnow
from core.voting.queries import list_polls

page = open_page("page.home", "home.title")
t, principal, community = page.t, page.principal, page.community
show_flash(t)

if principal.is_authenticated:
    st.subheader(t("home.greeting", name=principal.display_name, community=community.name))
else:
    st.subheader(t("home.welcome", community=community.name))
    st.write(t("home.intro"))
    st.page_link("pages/register.py", label=t("home.join"), icon=":material/person_add:")

pinned = pinned_for_home(viewer=principal)
if pinned:
    with st.container(border=True):
        st.markdown(f"#### {t('announcements.home_heading')}")
        for notice in pinned:
            st.page_link(
                "pages/announcements.py",
                icon=":material/push_pin:",
                label=f"{label(t, 'announcement_kind', notice.kind)} · {escape_md(notice.title)}",
                query_params={"id": str(notice.id)},
            )
        st.page_link(
            "pages/announcements.py",
            label=t("announcements.home_all"),
            icon=":material/arrow_forward:",
        )

if principal.is_authenticated:
    pending_invitations(t, principal, page.tz)
    updates = followed_updates(viewer=principal, limit=5)
    st.markdown(f"#### {t('home.followed_updates')}")
    if not updates:
        st.caption(t("home.no_followed_updates"))
    for update in updates:
        detail = {
            "status": lambda d: label(t, "status", d),
            "assigned": lambda d: t("proposal.assigned_to", actor=d),
            "answer": lambda d: t("home.update.answer"),
            "progress": lambda d: t("home.update.progress", pct=d),
        }[update.what](update.detail)
        with st.container(border=True):
            st.page_link(
                "pages/proposals.py",
                label=escape_md(update.title),
                query_params={"id": str(update.proposal_id)},
            )
            st.caption(f"{detail} · {t.datetime(update.at, page.tz, 'short')}")

latest = list_proposals(community_id=community.id, page_size=5)
hearings = [
    h for h in list_hearings(community_id=community.id) if h.upcoming and h.starts_at >= utcnow()
]
polls = [p for p in list_polls(community_id=community.id) if p.voting_open]

a, b, c = st.columns(3)
a.metric(t("home.metric.proposals"), t.number(latest.total))
b.metric(t("home.metric.hearings"), t.number(len(hearings)))
c.metric(t("home.metric.polls"), t.number(len(polls)))

left, right = st.columns([3, 2])
with left:
    st.markdown(f"#### {t('home.latest_proposals')}")
    if not latest.items:
        empty_state(t, "proposals.empty")
    for item in latest.items:
        with st.container(border=True):
            st.page_link(
                "pages/proposals.py", label=escape_md(item.title), query_params={"id": str(item.id)}
            )
            st.caption(
                " · ".join(
                    [
                        label(t, "kind", item.kind),
                        label(t, "status", item.status),
                        t("proposals.supports", n=item.support_count),
                        t.datetime(item.created_at, page.tz, "short"),
                    ]
                )
            )
    st.page_link(
        "pages/proposals.py", label=t("home.all_proposals"), icon=":material/arrow_forward:"
    )
with right:
    st.markdown(f"#### {t('home.upcoming_hearings')}")
    if not hearings:
        empty_state(t, "hearings.none_upcoming")
    for hearing in sorted(hearings, key=lambda h: h.starts_at):
        with st.container(border=True):
            st.markdown(f"**{escape_md(hearing.title)}**")
            st.caption(
                f"{label(t, 'hearing_kind', hearing.kind)} · "
                f"{t.datetime(hearing.starts_at, page.tz, 'short')}"
            )
    st.markdown(f"#### {t('home.open_polls')}")
    if not polls:
        empty_state(t, "votes.none_open")
    for poll in polls:
        closes = t("votes.closes", when=t.datetime(poll.closes_at, page.tz, "short"))
        st.markdown(f"- {escape_md(poll.title)} ({closes})")
