"""Logging in, with throttling that cannot lock a victim out for good.

Failed attempts are counted over sliding windows: per typed account name (whether or not it
exists) from one source address (the 11th wrong attempt within a minute is refused), per
account name from everywhere (100 in 15 minutes, against guessing spread over many
addresses), and per source address over all names (50 in 15 minutes). Past a limit, further
attempts are refused until the window has moved on: the lockout ends by itself, and guessing
from one place does not stop the owner logging in from another. Unknown names and wrong passwords get the same message and take the
same time (a dummy hash is verified when the user does not exist).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts.passwords import verify_password
from core.accounts.sessions import principal_for, start_session
from core.audit import record
from core.errors import DomainError, InvalidInput
from core.principal import Principal
from core.text import normalise_username
from db.engine import write_session
from db.models import LoginAttempt, User
from db.models.base import utcnow

WINDOW = timedelta(minutes=15)
PAIR_WINDOW = timedelta(minutes=1)
MAX_FAILURES_PER_PAIR = 10  # one account from one source, per minute
MAX_FAILURES_PER_ACCOUNT = 100  # one account from everywhere, per WINDOW
MAX_FAILURES_PER_SOURCE = 50  # one source over all accounts, per WINDOW


class LoginThrottled(DomainError):
    def __init__(self, minutes: int):
        super().__init__("login.throttled", minutes=minutes)


class LoginFailed(DomainError):
    def __init__(self):
        super().__init__("login.failed")


def _recent_failures(session: Session, *, since, **where) -> tuple[int, object]:
    """Failures matching `where` (column=value; None matches NULL) since `since` and since
    the last success that matches it."""
    match = [getattr(LoginAttempt, column).is_(None) if value is None
             else getattr(LoginAttempt, column) == value for column, value in where.items()]
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(*match, LoginAttempt.success.is_(True))
    ).one()
    start = max(since, last_success) if last_success else since
    count, oldest = session.exec(
        select(func.count(), func.min(LoginAttempt.at)).where(
            *match, LoginAttempt.success.is_(False), LoginAttempt.at > start)
    ).one()
    return count, oldest


def _throttle_minutes(oldest, now, window: timedelta = WINDOW) -> int:
    remaining = (oldest + window - now).total_seconds() if oldest else window.total_seconds()
    return max(1, int(remaining // 60) + 1)


def log_in(*, username: str, password: str, source: str | None = None) -> tuple[Principal, str]:
    """Check credentials; return (principal with a new session, one-time handoff token).

    Raises LoginFailed (unknown name or wrong password, one message for both) or
    LoginThrottled (too many recent failures for this name or this source).
    """
    try:
        key = normalise_username(username)
    except InvalidInput:
        key = str(username or "")[:64]
    if not isinstance(password, str) or not password or len(password) > 1024:
        password = ""
    source = source[:64] if isinstance(source, str) and source else None
    now = utcnow()
    since = now - WINDOW
    with write_session() as s:
        failures, oldest = _recent_failures(s, since=now - PAIR_WINDOW, username_key=key,
                                            source=source)
        if failures >= MAX_FAILURES_PER_PAIR:
            raise LoginThrottled(_throttle_minutes(oldest, now, PAIR_WINDOW))
        failures, oldest = _recent_failures(s, since=since, username_key=key)
        if failures >= MAX_FAILURES_PER_ACCOUNT:
            raise LoginThrottled(_throttle_minutes(oldest, now))
        if source:
            failures, oldest = _recent_failures(s, since=since, source=source)
            if failures >= MAX_FAILURES_PER_SOURCE:
                raise LoginThrottled(_throttle_minutes(oldest, now))
        user = s.exec(select(User).where(User.username == key)).first()
        ok, new_hash = verify_password(password, user.password_hash if user else None)
        ok = ok and user is not None and user.active
        s.add(LoginAttempt(username_key=key, source=source, success=ok, at=now))
        if not ok:
            failed = True
        else:
            failed = False
            if new_hash:
                user.password_hash = new_hash
            user.last_login_at = now
            session_id, token = start_session(s, user_id=user.id)
            principal = principal_for(user, session_id=session_id)
            record(s, actor=principal, action="account.login", object_type="user",
                   object_id=user.id)
    # Raised after the commit, so that the failed attempt itself is counted.
    if failed:
        raise LoginFailed()
    return principal, token
