"""Trusted devices: the "device cookie" of OWASP's brute-force guidance and NIST 800-63B's
remembered device, so that an attack on an account cannot lock its owner out.

After a successful login, `server.py` gives the browser a signed, long-lived, HttpOnly,
SameSite=Lax cookie naming a random device id and the accounts that have logged in on it
(the newest few, for a household sharing a tablet). A login that presents a valid device
cookie naming the account typed is judged by that device's own small failure limit
(core/accounts/login.py) instead of the account-wide and address-wide ones. The cookie opens
nothing by itself: the password is still checked, and a stolen cookie buys only a few guesses.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.accounts.sessions import secret_key
from db.engine import read_session
from db.models import User, WebSession

COOKIE_NAME = "yishiting_device"
TTL = timedelta(days=180)  # renewed at every login on the device
MAX_ACCOUNTS = 5


@dataclass(frozen=True)
class Device:
    id: str
    accounts: tuple[str, ...]  # normalised usernames, newest first

    @property
    def source(self) -> str:
        """How this device's login attempts are counted (LoginAttempt.source): never an
        address, and not the id itself, so the throttling table cannot forge a cookie."""
        return "device:" + hashlib.sha256(self.id.encode()).hexdigest()[:40]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="yishiting-device")


def read(cookie_value: str | None) -> Device | None:
    """The device in a cookie whose signature is valid and younger than TTL, else None."""
    if not cookie_value or not isinstance(cookie_value, str) or len(cookie_value) > 4096:
        return None
    try:
        data = _serializer().loads(cookie_value, max_age=int(TTL.total_seconds()))
        device = Device(id=str(data["d"]), accounts=tuple(str(a) for a in data["a"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return device if device.id else None


def trusted_source(cookie_value: str | None, username_key: str) -> str | None:
    """The device's throttling source when the cookie is valid and names this account."""
    device = read(cookie_value)
    return device.source if device and username_key in device.accounts else None


def cookie_after_login(session_id: str | None, presented: str | None) -> str | None:
    """The device cookie to set once a login's session cookie is handed over: the device the
    browser already has (same id, so its failure count carries on) or a new one, with this
    session's account first. None if the session is unknown."""
    if not session_id:
        return None
    with read_session() as s:
        row = s.get(WebSession, session_id)
        user = s.get(User, row.user_id) if row else None
        if user is None:
            return None
        username = user.username
    device = read(presented)
    device_id = device.id if device else secrets.token_urlsafe(24)
    others = [a for a in (device.accounts if device else ()) if a != username]
    accounts = [username, *others][:MAX_ACCOUNTS]
    return _serializer().dumps({"d": device_id, "a": accounts})
