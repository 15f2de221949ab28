"""Authentication under attack: the password policy (length, no truncation, common
passwords), throttling that slows a guesser without locking the owner out (device cookies
that cannot be forged, reused for another account or kept past their age), one answer for
unknown and known names, session timeouts, logout, and the hashes stored."""

import secrets
import statistics
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from passlib.context import CryptContext
from sqlalchemy import update
from sqlmodel import select

from core.accounts.commands import log_out, register
from core.accounts.login import MAX_FAILURES_PER_PAIR, LoginFailed, LoginThrottled, log_in
from core.accounts.passwords import check_password_policy
from core.accounts.sessions import resume, start_session
from core.errors import InvalidInput
from db.engine import read_session, write_session
from db.models import User, WebSession
from db.models.base import utcnow

STRONG = "walnut-lantern-river-"  # long enough to pass zxcvbn, padded below


def account(community, username: str, password: str) -> int:
    return register(
        community_id=community["id"],
        username=username,
        display_name="测试居民",
        password=password,
        building_id=community["buildings"][0],
    )


@pytest.mark.parametrize(
    "length, accepted",
    [(7, False), (8, True), (64, True), (1000, True), (1024, True), (1025, False)],
)
def test_password_length(length, accepted):
    password = (STRONG * 60)[:length] if length > 8 else "q7#Zp2!x"[:length]
    if accepted:
        assert check_password_policy(password) == password
    else:
        with pytest.raises(InvalidInput):
            check_password_policy(password)


@pytest.mark.parametrize(
    "common",
    [
        "password1",
        "123456789",
        "qwertyuiop",
        "iloveyou1",
        "1q2w3e4r5t",
        "woaini1314",
        "5201314520",
        " WoAiNi1314 ",
    ],
)
def test_common_passwords_are_refused(common):
    with pytest.raises(InvalidInput) as error:
        check_password_policy(common)
    assert error.value.key == "password.too_guessable"


def test_no_truncation_after_byte_72(community):
    password = "密码很长" * 6 + secrets.token_hex(20)  # 72 bytes of UTF-8, then more
    assert len(password.encode()) > 72
    account(community, "long.pw", password)
    assert log_in(username="long.pw", password=password)[0]
    with pytest.raises(LoginFailed):
        log_in(username="long.pw", password=password[:-1] + "!")  # differs only at the end


def test_the_eleventh_wrong_attempt_in_a_minute_is_refused_but_the_owner_gets_in(community):
    account(community, "target", STRONG * 2)
    for _ in range(MAX_FAILURES_PER_PAIR):
        with pytest.raises(LoginFailed):
            log_in(
                username="target", password="guess-" + secrets.token_hex(4), source="203.0.113.9"
            )
    assert MAX_FAILURES_PER_PAIR == 10
    with pytest.raises(LoginThrottled):
        log_in(username="target", password=STRONG * 2, source="203.0.113.9")
    assert log_in(username="target", password=STRONG * 2, source="198.51.100.4")[0]


def test_only_a_genuine_device_cookie_for_the_account_escapes_its_lockout(community, monkeypatch):
    import core.accounts.login as login
    from core.accounts import devices

    monkeypatch.setattr(login, "MAX_FAILURES_PER_ACCOUNT", 3)
    account(community, "owner", STRONG * 2)
    account(community, "neighbour", STRONG * 3)
    home = devices.cookie_after_login(
        log_in(username="owner", password=STRONG * 2)[0].session_id, None
    )
    neighbours = devices.cookie_after_login(
        log_in(username="neighbour", password=STRONG * 3)[0].session_id, None
    )
    with monkeypatch.context() as m:  # signed a day more than TTL ago
        m.setattr(
            TimestampSigner,
            "get_timestamp",
            lambda self: int(time.time() - devices.TTL.total_seconds() - 86400),
        )
        expired = devices.cookie_after_login(
            log_in(username="owner", password=STRONG * 2)[0].session_id, None
        )
    with monkeypatch.context() as m:
        m.setenv("YISHITING_SECRET_KEY", "an-attacker-key")
        forged = devices.cookie_after_login(
            log_in(username="owner", password=STRONG * 2)[0].session_id, None
        )
    for n in range(3):  # the account is now locked for untrusted browsers
        with pytest.raises(LoginFailed):
            log_in(
                username="owner", password="guess-" + secrets.token_hex(4), source=f"203.0.113.{n}"
            )
    for cookie in (None, "", "junk", neighbours, expired, forged, home[:-4] + "AAAA"):
        with pytest.raises(LoginThrottled):
            log_in(username="owner", password=STRONG * 2, source="198.51.100.4", device=cookie)
    assert (
        log_in(username="owner", password=STRONG * 2, source="198.51.100.4", device=home)[
            0
        ].username
        == "owner"
    )


def test_unknown_names_get_the_same_answer_in_the_same_time(community):
    account(community, "real.user", STRONG * 2)

    def attempt(username: str) -> tuple[str, float]:
        start = time.perf_counter()
        with pytest.raises(LoginFailed) as error:
            log_in(
                username=username,
                password="not-the-password",
                source=f"192.0.2.{secrets.randbelow(200)}",
            )
        return error.value.key, time.perf_counter() - start

    known = [attempt("real.user") for _ in range(3)]
    unknown = [attempt(f"ghost.{i}") for i in range(3)]
    assert {k for k, _ in known} == {k for k, _ in unknown} == {"login.failed"}
    ratio = statistics.median(t for _, t in known) / statistics.median(t for _, t in unknown)
    assert 0.5 < ratio < 2  # both verify an argon2id hash


def test_sessions_end_when_idle_or_too_old_and_at_logout(community):
    user_id = account(community, "sessions", STRONG * 2)
    with write_session() as s:
        idle, _ = start_session(s, user_id=user_id)
        old, _ = start_session(s, user_id=user_id)
        fresh, _ = start_session(s, user_id=user_id)
    with write_session() as s:
        s.execute(
            update(WebSession)
            .where(WebSession.id == idle)
            .values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
        s.execute(
            update(WebSession)
            .where(WebSession.id == old)
            .values(created_at=utcnow() - timedelta(hours=12, minutes=1))
        )
    assert resume(idle) is None and resume(old) is None
    principal = resume(fresh)
    assert principal is not None
    log_out(actor=principal)
    assert resume(fresh) is None  # the token is dead on the server, not only forgotten


def test_hashes_are_argon2id_and_bcrypt_ones_are_upgraded(community):
    user_id = account(community, "hashes", STRONG * 2)
    with read_session() as s:
        assert s.get(User, user_id).password_hash.startswith("$argon2id$")
    legacy = CryptContext(schemes=["bcrypt"]).hash("an-old-bcrypt-password-2019")
    with write_session() as s:
        s.get(User, user_id).password_hash = legacy
    assert log_in(username="hashes", password="an-old-bcrypt-password-2019")[0]
    with read_session() as s:
        stored = s.exec(select(User.password_hash).where(User.id == user_id)).one()
    assert stored.startswith("$argon2id$")
    assert log_in(username="hashes", password="an-old-bcrypt-password-2019")[0]
