"""Announcements: notices moderators publish (governance decisions, events, results).

Pinned ones lead the home page; one limited to a building is meant for its residents, but
every notice stays public. Moderators pin, unpin and withdraw them; a withdrawn notice is
kept (with its reason) for staff and the audit log, and hidden from everyone else.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select

from core.audit import record
from core.community import default_community
from core.errors import Conflict, InvalidInput
from core.permissions import can, require
from core.principal import Principal
from core.rows import community_choice, community_row_for_update
from core.text import clean_text
from db.engine import read_session, write_session
from db.models import Announcement, Building, Resident, User
from db.models.base import utcnow
from db.models.community import ANNOUNCEMENT_KINDS

__all__ = [
    "ANNOUNCEMENT_KINDS",
    "AnnouncementView",
    "get_announcement",
    "list_announcements",
    "pinned_for_home",
    "publish_announcement",
    "set_pinned",
    "withdraw_announcement",
]

TITLE_MAX = 120
BODY_MAX = 5000
REASON_MAX = 500
HOME_LIMIT = 5
LIST_LIMIT = 200


class AnnouncementView(BaseModel):
    id: int
    kind: str
    title: str
    body: str  # Markdown, rendered through core.markdown.safe_markdown
    building_id: int | None
    building_code: str | None
    building_name: str | None
    pinned: bool
    author: str
    published_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None


# --- commands -------------------------------------------------------------------------------


def publish_announcement(
    *,
    actor: Principal,
    kind: str,
    title: str,
    body: str,
    building_id: int | None = None,
    pinned: bool = False,
) -> int:
    """Publish a notice to the whole community (or to one building); returns its id."""
    require(actor, "announcement.publish")
    if kind not in ANNOUNCEMENT_KINDS:
        raise InvalidInput("field.not_a_choice", field="kind")
    title = clean_text(title, field="title", max_len=TITLE_MAX)
    if isinstance(body, str) and len(body) > BODY_MAX * 2:
        raise InvalidInput("field.too_long", field="body", max=BODY_MAX)
    body = clean_text(body, field="body", max_len=BODY_MAX, multiline=True)
    assert actor.community_id is not None and actor.user_id is not None  # staff, signed in
    with write_session() as s:
        building = None
        if building_id is not None:
            building = community_choice(s, Building, building_id, actor, field="building")
        row = Announcement(
            community_id=actor.community_id,
            building_id=building_id,
            kind=kind,
            title=title,
            body=body,
            pinned=bool(pinned),
            author_id=actor.user_id,
        )
        s.add(row)
        s.flush()
        assert row.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="announcement.publish",
            object_type="announcement",
            object_id=row.id,
            payload={
                "title": title,
                "kind": kind,
                "pinned": bool(pinned),
                "building": building.code if building else None,
            },
        )
        return row.id


def set_pinned(*, actor: Principal, announcement_id: int, pinned: bool) -> None:
    """Pin a notice to the home page or unpin it (a withdrawn notice cannot be pinned)."""
    require(actor, "announcement.publish")
    with write_session() as s:
        row = community_row_for_update(s, Announcement, announcement_id, actor)
        if row.withdrawn_at is not None:
            raise Conflict("announcement.is_withdrawn")
        if row.pinned == bool(pinned):
            return  # nothing changes, nothing to record
        row.pinned = bool(pinned)
        record(
            s,
            actor=actor,
            action="announcement.pin",
            object_type="announcement",
            object_id=row.id,
            payload={"pinned": bool(pinned)},
        )


def withdraw_announcement(*, actor: Principal, announcement_id: int, reason: str) -> None:
    """Withdraw a notice, with a reason; it is unpinned and hidden from residents."""
    require(actor, "announcement.publish")
    reason = clean_text(reason, field="reason", max_len=REASON_MAX)
    with write_session() as s:
        row = community_row_for_update(s, Announcement, announcement_id, actor)
        if row.withdrawn_at is not None:
            raise Conflict("announcement.already_withdrawn")
        row.withdrawn_at = utcnow()
        row.withdrawn_reason = reason
        row.pinned = False
        record(
            s,
            actor=actor,
            action="announcement.withdraw",
            object_type="announcement",
            object_id=row.id,
            payload={"reason": reason},
        )


# --- reading --------------------------------------------------------------------------------


def _community_id(viewer: Principal) -> int | None:
    """The viewer's community; for a visitor without one, the default community."""
    if viewer.community_id is not None:
        return viewer.community_id
    community = default_community()
    return community.id if community else None


def _view(row: Announcement, code, name, author) -> AnnouncementView:
    assert row.id is not None  # read from the database
    return AnnouncementView(
        id=row.id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        building_id=row.building_id,
        building_code=code,
        building_name=name,
        pinned=row.pinned,
        author=author,
        published_at=row.published_at,
        withdrawn_at=row.withdrawn_at,
        withdrawn_reason=row.withdrawn_reason,
    )


def _select(*conditions, limit: int) -> list[AnnouncementView]:
    with read_session() as s:
        query = (
            select(Announcement, Building.code, Building.name, User.display_name)
            .join(Building, col(Announcement.building_id) == Building.id, isouter=True)
            .join(User, col(Announcement.author_id) == User.id)
            .where(*conditions)
            .order_by(
                col(Announcement.pinned).desc(),
                col(Announcement.published_at).desc(),
                col(Announcement.id).desc(),
            )
            .limit(limit)
        )
        return [_view(*row) for row in s.exec(query).all()]


def list_announcements(
    *,
    viewer: Principal,
    building_id: int | None = None,
    kind: str | None = None,
    include_withdrawn: bool = False,
    limit: int = LIST_LIMIT,
) -> list[AnnouncementView]:
    """Notices, pinned first, then newest first. `building_id` keeps the community-wide ones
    and that building's; withdrawn ones are only given to staff who ask for them."""
    require(viewer, "page.announcements")
    if kind is not None and kind not in ANNOUNCEMENT_KINDS:
        raise InvalidInput("field.not_a_choice", field="kind")
    community_id = _community_id(viewer)
    if community_id is None:
        return []
    conditions: list[ColumnElement[bool]] = [col(Announcement.community_id) == community_id]
    if building_id is not None:
        conditions.append(
            or_(
                col(Announcement.building_id).is_(None),
                col(Announcement.building_id) == building_id,
            )
        )
    if kind is not None:
        conditions.append(col(Announcement.kind) == kind)
    if not (include_withdrawn and can(viewer, "announcement.publish")):
        conditions.append(col(Announcement.withdrawn_at).is_(None))
    return _select(*conditions, limit=limit)


def get_announcement(*, viewer: Principal, announcement_id: int) -> AnnouncementView | None:
    """One notice, or None when it does not exist here (or is withdrawn and the viewer is
    not staff)."""
    require(viewer, "page.announcements")
    community_id = _community_id(viewer)
    if not isinstance(announcement_id, int) or community_id is None:
        return None
    conditions: list[ColumnElement[bool]] = [
        col(Announcement.id) == announcement_id,
        col(Announcement.community_id) == community_id,
    ]
    if not can(viewer, "announcement.publish"):
        conditions.append(col(Announcement.withdrawn_at).is_(None))
    found = _select(*conditions, limit=1)
    return found[0] if found else None


def pinned_for_home(*, viewer: Principal) -> list[AnnouncementView]:
    """At most five pinned notices that are not withdrawn: the community-wide ones and those
    of the viewer's own building (a signed-in resident's roster building), newest first."""
    require(viewer, "page.announcements")
    community_id = _community_id(viewer)
    if community_id is None:
        return []
    building_id = None
    if viewer.resident_id is not None:
        with read_session() as s:
            resident = s.get(Resident, viewer.resident_id)
            if resident is not None and resident.community_id == community_id:
                building_id = resident.building_id
    scope: ColumnElement[bool] = col(Announcement.building_id).is_(None)
    if building_id is not None:
        scope = or_(scope, col(Announcement.building_id) == building_id)
    return _select(
        Announcement.community_id == community_id,
        col(Announcement.pinned).is_(True),
        col(Announcement.withdrawn_at).is_(None),
        scope,
        limit=HOME_LIMIT,
    )
