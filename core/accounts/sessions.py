"""Browser sessions that survive a page refresh.

A login creates a WebSession row (server side, so it can be revoked) and a one-time handoff
token. The browser redeems the token at `POST /auth/session` (see server.py), which sets a
signed, expiring, HttpOnly, SameSite=Lax cookie holding the session id. On every script run
the app checks the session: idle for 30 minutes or older than 12 hours means logged out.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from core.principal import Principal
from db.engine import ROOT, read_session, write_session
from db.models import User, WebSession
from db.models.base import utcnow

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
HANDOFF_TTL = timedelta(minutes=2)
COOKIE_NAME = "yishiting_session"
# Write last_seen_at at most this often: reads stay reads on most reruns.
TOUCH_INTERVAL = timedelta(seconds=60)


def secret_key() -> str:
    """The server's secret (YISHITING_SECRET_KEY, or one made once in data/secret_key)."""
    key = os.environ.get("YISHITING_SECRET_KEY")
    if key:
        return key
    path = ROOT / "data" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return Path(path).read_text().strip()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="yishiting-session")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_session(session: Session, *, user_id: int) -> tuple[str, str]:
    """Create a session in the caller's transaction; return (session id, handoff token)."""
    now = utcnow()
    session_id = secrets.token_urlsafe(32)
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=session_id,
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            handoff_hash=_sha256(token),
            handoff_expires_at=now + HANDOFF_TTL,
        )
    )
    return session_id, token


def _expired(row: WebSession, now) -> bool:
    return (
        row.revoked_at is not None
        or now - row.last_seen_at > IDLE_TIMEOUT
        or now - row.created_at > ABSOLUTE_TIMEOUT
    )


def redeem_handoff(token: str) -> str | None:
    """Exchange a one-time token for a signed cookie value; None if unknown or used."""
    if not token or len(token) > 100:
        return None
    now = utcnow()
    with write_session() as s:
        row = s.exec(select(WebSession).where(WebSession.handoff_hash == _sha256(token))).first()
        if row is None:
            return None
        row.handoff_hash = None  # single use, even when it fails below
        if row.handoff_expires_at is None or row.handoff_expires_at < now or _expired(row, now):
            return None
        return login_cookie(row.id)


def handoff_pending(session_id: str) -> bool:
    """True while the browser has not yet redeemed this session's handoff token."""
    with read_session() as s:
        row = s.get(WebSession, session_id)
        return bool(
            row
            and row.handoff_hash
            and row.handoff_expires_at
            and row.handoff_expires_at > utcnow()
        )


def login_cookie(session_id: str) -> str:
    """The signed value of the login cookie for a session (what `server.py` sets)."""
    return _serializer().dumps(session_id)


def session_id_from_cookie(cookie_value: str | None) -> str | None:
    """The session id in a cookie whose signature is valid and not older than 12 hours."""
    if not cookie_value:
        return None
    try:
        return _serializer().loads(cookie_value, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()))
    except BadSignature:
        return None


def resume(session_id: str | None) -> Principal | None:
    """The principal of a live session (and keep it alive), or None when it has ended."""
    if not session_id:
        return None
    now = utcnow()
    with read_session() as s:
        row = s.get(WebSession, session_id)
        if row is None or _expired(row, now):
            return None
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            return None
        needs_touch = now - row.last_seen_at > TOUCH_INTERVAL
        principal = principal_for(user, session_id=session_id)
    if needs_touch:
        with write_session() as s:
            row = s.get(WebSession, session_id)
            if row is not None:
                row.last_seen_at = now
    return principal


def revoke(session_id: str | None) -> None:
    if not session_id:
        return
    with write_session() as s:
        row = s.get(WebSession, session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()


def revoke_all_for_user(session: Session, *, user_id: int, keep: str | None = None) -> None:
    """End every session of a user but `keep` (after a password change or a block)."""
    for row in session.exec(
        select(WebSession).where(
            WebSession.user_id == user_id, col(WebSession.revoked_at).is_(None)
        )
    ):
        if row.id != keep:
            row.revoked_at = utcnow()


def principal_for(user: User, *, session_id: str | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        role=user.role,
        community_id=user.community_id,
        resident_id=user.resident_id,
        username=user.username,
        display_name=user.display_name,
        locale=user.locale,
        session_id=session_id,
        blocked_until=user.blocked_until,
    )
