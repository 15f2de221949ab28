"""Page scaffolding: permission guard, headings, errors, empty states."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.session import current_principal, translator
from core.community import CommunityPublic, get_community
from core.errors import DomainError, InvalidInput, RowErrors
from core.i18n import Translator
from core.markdown import Markdown, escape_md
from core.observability import log_event
from core.permissions import can
from core.principal import Principal
from core.text import parse_row_id


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the viewer's language, who they are, and the community
    the page is about (never None: a page without one has stopped before)."""

    t: Translator
    principal: Principal
    community: CommunityPublic

    @property
    def tz(self) -> str:
        """The community's time zone: every date on a page is shown in it."""
        return self.community.timezone


def open_page(action: str, title_key: str, caption_key: str | None = None) -> PageContext:
    """Check the page permission (in core), then draw the heading; stop if refused or if
    there is no community to show."""
    t = translator()
    principal = current_principal()
    if not can(principal, action):
        st.title(t("error.page_forbidden_title"))
        st.error(t("error.page_forbidden"))
        st.stop()
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))
    community = get_community(principal.community_id) if principal.community_id else None
    if community is None:
        st.info(t("common.no_community"))
        st.stop()
        raise AssertionError("st.stop() returned")  # for the type checker: never reached
    return PageContext(t, principal, community)


def field_label(t: Translator, field: str | None) -> str:
    return t(f"field_name.{field}") if field and t.has(f"field_name.{field}") else ""


def _readable(t: Translator, params: dict) -> dict:
    """Parameters naming a roster feature and value (sortition errors) in words."""
    feature = params.get("feature")
    if not isinstance(feature, str) or not t.has(f"field_name.{feature}"):
        return params
    readable = dict(params, feature=t(f"field_name.{feature}"))
    value = params.get("value")
    if value == "unknown":
        readable["value"] = t("invitation.unknown")
    elif t.has(f"{feature}.{value}"):
        readable["value"] = t(f"{feature}.{value}")
    return readable


def message(t: Translator, error: DomainError, *, plain: bool = False) -> str:
    """The translated message for an error, prefixed by the field it concerns: Markdown, or
    plain text (for a table cell) when `plain`."""
    translate = t.plain if plain else t
    text = translate(error.key, **_readable(t, error.params))
    if isinstance(error, InvalidInput) and error.field and field_label(t, error.field):
        text = f"{field_label(t, error.field)}: {text}"
    return text if plain else Markdown(text)


def show_error(t: Translator, error: DomainError) -> None:
    log_event("command", "command.refused", key=error.key)
    st.error(message(t, error), icon=":material/error:")
    if isinstance(error, RowErrors):
        rows = [
            {t("import.line"): line, t("import.problem"): message(t, problem, plain=True)}
            for line, problem in error.rows
        ]
        st.dataframe(rows, hide_index=True, width="stretch")


def empty_state(t: Translator, key: str) -> None:
    st.info(t(key), icon=":material/inbox:")


def person(t: Translator, name: str | None, *, plain: bool = False) -> str:
    """A person's display name, or "deleted user" once they deleted their account (their
    name is then empty): Markdown, or plain text (table cells, select-box options)."""
    if plain:
        return name or t.plain("account.deleted_user")
    return escape_md(name) if name else t("account.deleted_user")


def people(t: Translator, names: list[str | None]) -> str:
    """Display names joined by commas, as a value for a message (which escapes it)."""
    return ", ".join(person(t, name, plain=True) for name in names) or "—"


def label(t: Translator, prefix: str, code: str | None) -> str:
    """A translated label for a code (status, kind, ...); '—' for none."""
    return t(f"{prefix}.{code}") if code else "—"


def run_command(t: Translator, command, success_key: str, **params) -> None:
    """Call a core command; on success remember a message and rerun, else show the error.

    The message is shown by `show_flash` on the next run, after the page has reloaded its
    data, so that what the user sees always reflects the write.
    """
    try:
        command()
    except DomainError as error:
        show_error(t, error)
    else:
        st.session_state["flash"] = (success_key, params)
        st.rerun()


def show_flash(t: Translator) -> None:
    flash = st.session_state.pop("flash", None)
    if isinstance(flash, tuple):
        st.success(t(flash[0], **flash[1]), icon=":material/check_circle:")
    elif isinstance(flash, str):
        st.success(t(flash), icon=":material/celebration:")


def detail_id() -> int | None:
    """The `?id=N` that turns a list page into one item's view: None without one, -1 (which
    no row has, so the page says "not found") when it is not a small positive number.

    Written back into the address bar: st.page_link's query parameters reach the first run
    but not the URL, so without this the next click (a rerun) or a reload lost the item.
    """
    requested = st.query_params.get("id")
    if requested is None:
        return None
    st.query_params["id"] = requested
    row_id = parse_row_id(requested)
    return -1 if row_id is None else row_id


def shown_count(key: str, page: int) -> int:
    """How many items of a long list this session has asked to see (one page at first)."""
    return st.session_state.get(f"shown_{key}", page)


def show_more(
    t: Translator, key: str, remaining: int, page: int, label_key: str = "common.show_more"
) -> None:
    """A button under a list drawn a page at a time: it shows `page` more of the
    `remaining` items. A long list of widgets (a thread of thousands of comments, an
    actor's hundreds of open items) would otherwise take seconds to draw."""
    if remaining > 0:
        st.button(
            t(label_key, n=remaining),
            key=f"more_{key}",
            icon=":material/expand_more:",
            on_click=st.session_state.__setitem__,
            args=(f"shown_{key}", shown_count(key, page) + page),
        )
