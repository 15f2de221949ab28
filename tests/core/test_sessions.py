"""Browser sessions: handoff, signed cookie, idle and absolute timeouts, revocation."""

from datetime import timedelta

from core.accounts import sessions
from core.accounts.login import log_in
from db.engine import write_session
from db.models import WebSession
from db.models.base import utcnow
from tests.conftest import make_user


def test_handoff_is_single_use_and_cookie_round_trips(community):
    make_user(community, "li.ming")
    principal, token = log_in(username="li.ming", password="correct-horse-battery")
    assert sessions.handoff_pending(principal.session_id)
    cookie = sessions.redeem_handoff(token)
    assert cookie and sessions.session_id_from_cookie(cookie) == principal.session_id
    assert not sessions.handoff_pending(principal.session_id)
    assert sessions.redeem_handoff(token) is None
    assert sessions.redeem_handoff("") is None and sessions.redeem_handoff("x" * 500) is None


def test_tampered_or_foreign_cookie_is_rejected(community, monkeypatch):
    make_user(community, "li.ming")
    principal, token = log_in(username="li.ming", password="correct-horse-battery")
    cookie = sessions.redeem_handoff(token)
    assert sessions.session_id_from_cookie(cookie[:-2] + "xx") is None
    assert sessions.session_id_from_cookie(None) is None
    monkeypatch.setenv("YISHITING_SECRET_KEY", "another-key")
    assert sessions.session_id_from_cookie(cookie) is None


def test_expired_handoff_is_refused(community):
    make_user(community, "li.ming")
    principal, token = log_in(username="li.ming", password="correct-horse-battery")
    with write_session() as s:
        s.get(WebSession, principal.session_id).handoff_expires_at = utcnow() - timedelta(seconds=1)
    assert sessions.redeem_handoff(token) is None


def set_times(session_id, *, created=None, seen=None):
    with write_session() as s:
        row = s.get(WebSession, session_id)
        if created:
            row.created_at = created
        if seen:
            row.last_seen_at = seen


def test_idle_timeout(community):
    me = make_user(community, "li.ming")
    set_times(me.session_id, seen=utcnow() - timedelta(minutes=29))
    assert sessions.resume(me.session_id).username == "li.ming"
    set_times(me.session_id, seen=utcnow() - timedelta(minutes=31))
    assert sessions.resume(me.session_id) is None


def test_activity_keeps_session_alive_but_not_past_absolute_timeout(community):
    me = make_user(community, "li.ming")
    set_times(me.session_id, seen=utcnow() - timedelta(minutes=5))
    sessions.resume(me.session_id)
    with write_session() as s:
        assert utcnow() - s.get(WebSession, me.session_id).last_seen_at < timedelta(seconds=5)
    set_times(me.session_id, created=utcnow() - timedelta(hours=12, minutes=1), seen=utcnow())
    assert sessions.resume(me.session_id) is None


def test_revoke(community):
    me = make_user(community, "li.ming")
    sessions.revoke(me.session_id)
    assert sessions.resume(me.session_id) is None
    assert sessions.resume("no-such-session") is None
