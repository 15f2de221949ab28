import streamlit as st

from components.page import (
    detail_id,
    empty_state,
    label,
    open_page,
    run_command,
    show_flash,
)
from core.announcements import (
    ANNOUNCEMENT_KINDS,
    AnnouncementView,
    get_announcement,
    list_announcements,
    publish_announcement,
    set_pinned,
    withdraw_announcement,
)
from core.community import list_buildings
from core.markdown import escape_md, safe_markdown
from core.permissions import can

page = open_page("page.announcements", "announcements.title", "announcements.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz
staff = can(principal, "announcement.publish")
buildings = {b.id: b for b in list_buildings(community.id)}
show_flash(t)

KIND_BADGES = {
    "decision": ("blue", ":material/gavel:"),
    "event": ("green", ":material/event:"),
    "result": ("violet", ":material/fact_check:"),
    "notice": ("gray", ":material/info:"),
}


def building_label(building_id: int | None, everyone_key: str) -> str:
    """A select-box option: plain text."""
    return t.plain(everyone_key) if building_id is None else buildings[building_id].name


def staff_controls(a: AnnouncementView) -> None:
    c1, c2 = st.columns(2)
    if c1.button(
        t("announcements.unpin" if a.pinned else "announcements.pin"),
        key=f"pin_{a.id}",
        icon=":material/push_pin:",
        width="stretch",
    ):
        run_command(
            t,
            lambda: set_pinned(actor=principal, announcement_id=a.id, pinned=not a.pinned),
            "announcements.unpinned_done" if a.pinned else "announcements.pinned_done",
        )
    with c2.expander(t("announcements.withdraw"), icon=":material/undo:"):
        with st.form(f"withdraw_{a.id}"):
            reason = st.text_input(
                t("field_name.reason"),
                max_chars=500,
                key=f"withdraw_reason_{a.id}",
                help=t("announcements.withdraw_help"),
            )
            if st.form_submit_button(t("announcements.withdraw")):
                run_command(
                    t,
                    lambda: withdraw_announcement(
                        actor=principal, announcement_id=a.id, reason=reason
                    ),
                    "announcements.withdrawn_done",
                )


def card(a: AnnouncementView) -> None:
    withdrawn = a.withdrawn_at is not None
    colour, icon = ("gray", ":material/block:") if withdrawn else KIND_BADGES[a.kind]
    badges = [f":{colour}-badge[{icon} {label(t, 'announcement_kind', a.kind)}]"]
    if a.pinned:
        badges.append(f":orange-badge[:material/push_pin: {t('announcements.pinned')}]")
    with st.container(border=True):
        st.markdown(" ".join(badges))
        title = escape_md(a.title)
        st.markdown(f":gray[~~{title}~~]" if withdrawn else f"**{title}**")
        if withdrawn:
            st.caption(
                t(
                    "announcements.withdrawn_note",
                    when=t.datetime(a.withdrawn_at, tz, "short"),
                    reason=a.withdrawn_reason,
                )
            )
            st.caption(safe_markdown(a.body))
        else:
            st.markdown(safe_markdown(a.body))
        st.caption(
            " · ".join(
                [
                    escape_md(a.building_name)
                    if a.building_id
                    else t("announcements.whole_community"),
                    t("announcements.by", name=a.author),
                    t.datetime(a.published_at, tz, "short"),
                ]
            )
        )
        if staff and not withdrawn:
            staff_controls(a)


requested = detail_id()
if requested is not None:
    st.page_link(
        "pages/announcements.py", label=t("announcements.back"), icon=":material/arrow_back:"
    )
    shown = get_announcement(viewer=principal, announcement_id=requested)
    if shown is None:
        st.warning(t("error.not_found"))
    else:
        card(shown)
    st.stop()

if staff:
    with st.expander(t("announcements.new"), icon=":material/campaign:"):
        # A fresh set of widgets after each publication empties the form; after an error the
        # same widgets keep what was typed.
        round_ = st.session_state.setdefault("announcement_form", 0)
        with st.form(f"new_announcement_{round_}"):
            kind = st.selectbox(
                t("field_name.kind"),
                ANNOUNCEMENT_KINDS,
                format_func=lambda k: t(f"announcement_kind.{k}"),
                key=f"new_kind_{round_}",
            )
            title = st.text_input(t("field_name.title"), max_chars=120, key=f"new_title_{round_}")
            body = st.text_area(
                t("field_name.body"),
                max_chars=5000,
                help=t("announcements.body_help"),
                key=f"new_body_{round_}",
            )
            scope = st.selectbox(
                t("announcements.scope"),
                [None, *buildings],
                format_func=lambda b: building_label(b, "announcements.whole_community"),
                key=f"new_scope_{round_}",
            )
            pinned = st.checkbox(t("announcements.pin_on_home"), key=f"new_pinned_{round_}")

            def publish() -> None:
                publish_announcement(
                    actor=principal,
                    kind=kind,
                    title=title,
                    body=body,
                    building_id=scope,
                    pinned=pinned,
                )
                st.session_state["announcement_form"] = round_ + 1

            if st.form_submit_button(t("announcements.publish"), type="primary"):
                run_command(t, publish, "announcements.published")

c1, c2 = st.columns(2)
kind_filter = c1.selectbox(
    t("field_name.kind"),
    [None, *ANNOUNCEMENT_KINDS],
    format_func=lambda k: t("common.all") if k is None else t(f"announcement_kind.{k}"),
    key="announcement_kind",
)
building_filter = c2.selectbox(
    t("field_name.building"),
    [None, *buildings],
    format_func=lambda b: building_label(b, "common.all"),
    key="announcement_building",
)
show_withdrawn = staff and st.toggle(
    t("announcements.show_withdrawn"), key="announcement_withdrawn"
)

items = list_announcements(
    viewer=principal,
    building_id=building_filter,
    kind=kind_filter,
    include_withdrawn=show_withdrawn,
)
if not items:
    empty_state(t, "announcements.empty")
for item in items:
    card(item)
