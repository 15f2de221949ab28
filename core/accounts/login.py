"""Logging in, with throttling that holds against spraying and cannot lock the owner out.

Failed attempts are counted over sliding windows, and a success never clears another
account's or another source's failures:

- one typed name (whether or not it exists) from one address: the 11th wrong attempt within
  a minute is refused (a success of that name from that address starts the count again);
- one name from everywhere: 100 failures in 15 minutes (guessing spread over many addresses);
- one address: 50 failures, or failures for 10 different names, in 15 minutes (spraying
  many accounts with a few passwords each).

A browser where the account has logged in before carries a device cookie
(core/accounts/devices.py). Its attempts are counted for that device and account alone
(5 failures in 24 hours) and the three limits above do not apply to it, so the owner gets
in while the account or the shared address is under attack. Past its own limit the cookie
counts for nothing and the attempt is judged like any other. An owner without such a
device, while guessing from several addresses keeps the account over its limit, waits
until the attack stops (at most 15 minutes after it does): refusing every untrusted
attempt is what makes a guessing botnet useless.

Past a limit, attempts are refused without checking the password, until the window has
moved on. Unknown names and wrong passwords get the same message and take the same time
(a dummy hash is verified when the user does not exist).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from core.accounts import devices
from core.accounts.passwords import verify_password
from core.accounts.sessions import principal_for, start_session
from core.audit import record
from core.errors import DomainError, InvalidInput
from core.observability import log_event
from core.principal import Principal
from core.text import normalise_username
from db.engine import write_session
from db.models import LoginAttempt, User
from db.models.base import utcnow

WINDOW = timedelta(minutes=15)
PAIR_WINDOW = timedelta(minutes=1)
DEVICE_WINDOW = timedelta(hours=24)
MAX_FAILURES_PER_PAIR = 10  # one name from one address, per PAIR_WINDOW
MAX_FAILURES_PER_ACCOUNT = 100  # one name from everywhere, per WINDOW
MAX_FAILURES_PER_SOURCE = 50  # one address over all names, per WINDOW
MAX_NAMES_PER_SOURCE = 10  # different names failed from one address, per WINDOW
MAX_FAILURES_PER_DEVICE = 5  # one name from one trusted device, per DEVICE_WINDOW


class LoginThrottled(DomainError):
    def __init__(self, minutes: int):
        super().__init__("login.throttled", minutes=minutes)


class LoginFailed(DomainError):
    def __init__(self):
        super().__init__("login.failed")


def _failed_since(since) -> tuple:
    return col(LoginAttempt.success).is_(False), col(LoginAttempt.at) > since


def _pair_failures(session: Session, *, key: str, source: str | None, since) -> tuple[int, object]:
    """(count, oldest) of one name's failures from one source (None matches NULL) since
    `since` and since that same name's last success from that same source."""
    same_source = (
        col(LoginAttempt.source).is_(None) if source is None else col(LoginAttempt.source) == source
    )
    pair = (LoginAttempt.username_key == key, same_source)
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(*pair, col(LoginAttempt.success).is_(True))
    ).one()
    start = max(since, last_success) if last_success else since
    return session.exec(
        select(func.count(), func.min(LoginAttempt.at)).where(*pair, *_failed_since(start))
    ).one()


def _throttle_minutes(oldest, now, window: timedelta = WINDOW) -> int:
    remaining = (oldest + window - now).total_seconds() if oldest else window.total_seconds()
    return max(1, int(remaining // 60) + 1)


def _untrusted_wait(session: Session, *, key: str, source: str | None, now) -> int | None:
    """Minutes to wait before an attempt at `key` from an untrusted `source` is judged;
    None when no limit is reached."""
    count, oldest = _pair_failures(session, key=key, source=source, since=now - PAIR_WINDOW)
    if count >= MAX_FAILURES_PER_PAIR:
        return _throttle_minutes(oldest, now, PAIR_WINDOW)
    count, oldest = session.exec(
        select(func.count(), func.min(LoginAttempt.at)).where(
            LoginAttempt.username_key == key, *_failed_since(now - WINDOW)
        )
    ).one()
    if count >= MAX_FAILURES_PER_ACCOUNT:
        return _throttle_minutes(oldest, now)
    if source:
        count, names, tried_here, oldest = session.exec(
            select(
                func.count(),
                func.count(func.distinct(LoginAttempt.username_key)),
                func.max(case((col(LoginAttempt.username_key) == key, 1), else_=0)),
                func.min(LoginAttempt.at),
            ).where(LoginAttempt.source == source, *_failed_since(now - WINDOW))
        ).one()
        # A name already tried from here stays within the total; a new one may not widen
        # the spray.
        if count >= MAX_FAILURES_PER_SOURCE or (names >= MAX_NAMES_PER_SOURCE and not tried_here):
            return _throttle_minutes(oldest, now)
    return None


def log_in(
    *, username: str, password: str, source: str | None = None, device: str | None = None
) -> tuple[Principal, str]:
    """Check credentials; return (principal with a new session, one-time handoff token).

    `source` is the client's address (None when unknown), `device` the device cookie the
    browser sent (see core/accounts/devices.py). Raises LoginFailed (unknown name or wrong
    password, one message for both) or LoginThrottled (too many recent failures).
    """
    try:
        key = normalise_username(username)
    except InvalidInput:
        key = str(username or "")[:64]
    if not isinstance(password, str) or not password or len(password) > 1024:
        password = ""
    source = source[:64] if isinstance(source, str) and source else None
    trusted = devices.trusted_source(device, key)
    now = utcnow()
    with write_session() as s:
        if (
            trusted
            and _pair_failures(s, key=key, source=trusted, since=now - DEVICE_WINDOW)[0]
            < MAX_FAILURES_PER_DEVICE
        ):
            counted_as: str | None = trusted
        else:  # no trusted device, or it has used up its own limit
            counted_as = source
            wait = _untrusted_wait(s, key=key, source=source, now=now)
            if wait is not None:
                log_event(
                    "login",
                    "login.throttled",
                    level=logging.WARNING,
                    username=key,
                    source=source,
                    minutes=wait,
                )
                raise LoginThrottled(wait)
        user = s.exec(select(User).where(User.username == key)).first()
        ok, new_hash = verify_password(password, user.password_hash if user else None)
        ok = ok and user is not None and user.active
        s.add(LoginAttempt(username_key=key, source=counted_as, success=ok, at=now))
        if not ok or user is None:  # no user is never ok; said again for the type checker
            failed = True
        else:
            failed = False
            if new_hash:
                user.password_hash = new_hash
            user.last_login_at = now
            assert user.id is not None  # read from the database
            session_id, token = start_session(s, user_id=user.id)
            principal = principal_for(user, session_id=session_id)
            record(
                s, actor=principal, action="account.login", object_type="user", object_id=user.id
            )
    # Raised after the commit, so that the failed attempt itself is counted.
    if failed:
        log_event(
            "login", "login.failed", username=key, source=source, trusted_device=bool(trusted)
        )
        raise LoginFailed()
    return principal, token
