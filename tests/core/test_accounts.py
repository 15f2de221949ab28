"""Registration, login and throttling, password change, profile."""

import contextlib
import logging
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from core.accounts import devices, sessions
from core.accounts.commands import change_password, get_account, register, update_profile
from core.accounts.login import MAX_FAILURES_PER_PAIR, LoginFailed, LoginThrottled, log_in
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.principal import ANONYMOUS
from db.engine import read_session, write_session
from db.models import LoginAttempt, Resident, User
from db.models.base import utcnow

PASSWORD = "correct-horse-battery"


def counts() -> tuple[int, int]:
    with read_session() as s:
        return (
            s.exec(select(func.count()).select_from(User)).one(),
            s.exec(select(func.count()).select_from(Resident)).one(),
        )


def new(community, username="wang.fang", **overrides):
    values = dict(
        community_id=community["id"],
        username=username,
        display_name="王芳",
        password=PASSWORD,
        building_id=community["buildings"][1],
    )
    values.update(overrides)
    return register(**values)


def test_register_creates_account_and_roster_row(community):
    user_id = new(
        community,
        demographics={
            "age_band": "60-74",
            "residency_status": "renter",
            "years_in_community": "12",
        },
        research_consent=True,
    )
    with read_session() as s:
        user = s.get(User, user_id)
        resident = s.get(Resident, user.resident_id)
    assert user.username == "wang.fang" and user.role == "resident"
    assert user.password_hash.startswith("$argon2id$")
    assert resident.building_id == community["buildings"][1]
    assert (resident.age_band, resident.residency_status, resident.years_in_community) == (
        "60-74",
        "renter",
        12,
    )
    assert resident.research_consent and resident.research_consent_at is not None
    assert resident.source == "self_registered" and resident.verified_at is None


@pytest.mark.parametrize("taken", ["WANG.FANG", "Ｗａｎｇ.Ｆａｎｇ", "wang.fang\u200b"])
def test_duplicate_usernames_are_refused_whatever_the_case_or_width(community, taken):
    new(community)
    before = counts()
    with pytest.raises(Conflict) as raised:
        new(community, username=taken)
    assert raised.value.key == "username.taken"
    assert counts() == before


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"display_name": ""}, "field.required"),
        ({"display_name": "\u200b\u200b"}, "field.required"),
        ({"display_name": "x" * 41}, "field.too_long"),
        ({"username": ""}, "field.required"),
        ({"username": "аdmin"}, "username.invalid"),
        ({"password": "12345678"}, "password.too_guessable"),
        ({"building_id": 99999}, "field.not_a_choice"),
        ({"building_id": "1"}, "field.not_a_choice"),
        ({"demographics": {"age_band": "teen"}}, "field.not_a_choice"),
        ({"demographics": {"years_in_community": "-3"}}, "field.out_of_range"),
        ({"demographics": {"years_in_community": "nan"}}, "field.out_of_range"),
        ({"demographics": {"salary": "1"}}, "field.unknown"),
        ({"locale": "fr"}, "field.not_a_choice"),
    ],
)
def test_bad_registrations_write_nothing(community, overrides, key):
    before = counts()
    with pytest.raises(InvalidInput) as raised:
        new(community, **overrides)
    assert raised.value.key == key
    assert counts() == before


def test_login_success_and_same_failure_for_unknown_and_wrong(community):
    new(community)
    principal, token = log_in(username="Wang.Fang", password=PASSWORD)
    assert principal.role == "resident" and principal.session_id and token
    with pytest.raises(LoginFailed) as wrong:
        log_in(username="wang.fang", password="not-the-password")
    with pytest.raises(LoginFailed) as unknown:
        log_in(username="nobody.here", password="not-the-password")
    assert wrong.value.key == unknown.value.key == "login.failed"


def backdate_attempts(minutes: int) -> None:
    with write_session() as s:
        s.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=minutes)))


@pytest.fixture
def clock(monkeypatch):
    """The login's clock, moved by hand; and passwords compared as plain text, so that the
    throttling tests can make hundreds of attempts at the real limits without spending
    0.4 s of argon2 on each (hashing is tested in test_passwords.py)."""
    import core.accounts.login as login

    now = [utcnow()]
    monkeypatch.setattr(login, "utcnow", lambda: now[0])
    monkeypatch.setattr(
        login,
        "verify_password",
        lambda password, stored: (stored is not None and password == PASSWORD, None),
    )

    class Clock:
        def advance(self, **delta):
            now[0] += timedelta(**delta)

    return Clock()


def device_of(principal) -> str:
    """The device cookie server.py sets once this login's session cookie is handed over."""
    return devices.cookie_after_login(principal.session_id, None)


@pytest.mark.parametrize("username", ["wang.fang", "ghost.user"])
def test_throttle_per_account_and_source_is_temporary_and_same_for_unknown_names(
    community, username
):
    new(community)
    for _ in range(MAX_FAILURES_PER_PAIR):
        with pytest.raises(LoginFailed):
            log_in(username=username, password="wrong-password-x", source="10.0.0.66")
    with pytest.raises(LoginThrottled) as raised:  # the 11th attempt within a minute
        log_in(username=username, password=PASSWORD, source="10.0.0.66")
    assert raised.value.params["minutes"] >= 1
    if username == "wang.fang":  # the owner, elsewhere, still gets in
        assert log_in(username=username, password=PASSWORD, source="10.0.0.7")[0]
    # ...and the lock lifts once the minute has passed.
    backdate_attempts(2)
    if username == "wang.fang":
        assert (
            log_in(username=username, password=PASSWORD, source="10.0.0.66")[0].username
            == "wang.fang"
        )


def test_throttle_per_account_from_everywhere(community, monkeypatch):
    import core.accounts.login as login

    monkeypatch.setattr(login, "MAX_FAILURES_PER_ACCOUNT", 3)
    new(community)
    for index in range(3):
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x", source=f"10.1.0.{index}")
    with pytest.raises(LoginThrottled):
        log_in(username="wang.fang", password=PASSWORD, source="10.1.0.99")
    backdate_attempts(16)
    assert log_in(username="wang.fang", password=PASSWORD, source="10.1.0.99")[0]


def test_throttle_per_source(community, monkeypatch):
    import core.accounts.login as login

    monkeypatch.setattr(login, "MAX_FAILURES_PER_SOURCE", 3)
    new(community)
    for _ in range(3):  # one name, so only the total counts
        with pytest.raises(LoginFailed):
            log_in(username="probe", password="x", source="10.0.0.9")
    with pytest.raises(LoginThrottled):
        log_in(username="wang.fang", password=PASSWORD, source="10.0.0.9")
    assert log_in(username="wang.fang", password=PASSWORD, source="10.0.0.10")[0]
    backdate_attempts(16)
    assert log_in(username="wang.fang", password=PASSWORD, source="10.0.0.9")[0]


def test_a_success_clears_only_that_name_from_that_source(community):
    new(community)
    for _ in range(MAX_FAILURES_PER_PAIR - 1):  # the owner's own typos...
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x")
    log_in(username="wang.fang", password=PASSWORD)  # ...are forgotten once they get in
    for _ in range(MAX_FAILURES_PER_PAIR - 1):
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x")
    assert log_in(username="wang.fang", password=PASSWORD)


def test_a_spray_from_one_address_is_refused_after_ten_names(community, clock):
    """Issue 17: one attacker address, logging into its own account between guesses, tried
    120 accounts without a single refusal (each success cleared the address's failures)."""
    import core.accounts.login as login

    new(community, "mallory")
    for index in range(3):
        new(community, f"victim{index}")
    outcomes = []
    for index in range(120):
        try:
            log_in(
                username=f"victim{index}" if index < 3 else f"resident{index}",
                password="woaini1314",
                source="203.0.113.5",
            )
        except (LoginFailed, LoginThrottled) as error:
            outcomes.append(type(error).__name__)
        # The attacker's own account, between guesses: never clears anything.
        with contextlib.suppress(LoginThrottled):
            log_in(username="mallory", password=PASSWORD, source="203.0.113.5")
        clock.advance(seconds=5)
    names = login.MAX_NAMES_PER_SOURCE
    assert outcomes == ["LoginFailed"] * names + ["LoginThrottled"] * (120 - names)
    # A name already tried from there stays within the address's total; a new one waits.
    with pytest.raises(LoginFailed):
        log_in(username="victim0", password="5201314520", source="203.0.113.5")
    clock.advance(minutes=16)  # and the refusal lifts by itself
    with pytest.raises(LoginFailed):
        log_in(username="resident999", password="woaini1314", source="203.0.113.5")


def test_a_spray_gets_no_further_with_a_trusted_device_for_the_own_account(community, clock):
    import core.accounts.login as login

    own_device = device_of(new_and_log_in(community, "mallory"))
    refused = 0
    for index in range(40):
        try:
            log_in(username=f"resident{index}", password="woaini1314", source="203.0.113.5")
        except LoginThrottled:
            refused += 1
        except LoginFailed:
            pass
        # The attacker's own device still logs in, and still clears nothing.
        assert log_in(
            username="mallory", password=PASSWORD, source="203.0.113.5", device=own_device
        )[0]
    assert refused == 40 - login.MAX_NAMES_PER_SOURCE


def new_and_log_in(community, username: str, role: str = "resident", source: str = "192.0.2.1"):
    user_id = new(community, username)
    if role != "resident":
        with write_session() as s:
            s.get(User, user_id).role = role
    return log_in(username=username, password=PASSWORD, source=source)[0]


def hammer(username: str, addresses: list[str], clock, minutes: int = 15) -> None:
    """Ten guesses a minute at `username` from each address, and one login a minute into
    the attacker's own account ("mallory") from each, for `minutes`; the clock is left in
    the last minute, while the attack still goes on."""
    for minute in range(minutes):
        if minute:
            clock.advance(minutes=1)
        for address in addresses:
            for _ in range(10):
                with contextlib.suppress(LoginFailed, LoginThrottled):
                    log_in(
                        username=username, password="guess-" + secrets.token_hex(3), source=address
                    )
            with contextlib.suppress(LoginThrottled):
                log_in(username="mallory", password=PASSWORD, source=address)


def test_guessing_from_one_address_no_longer_locks_the_owner_out(community, clock):
    """Issue 17: ten guesses a minute at `admin` plus one own-account login a minute kept
    the real admin refused everywhere (the own login cleared the address's count, so the
    account-wide limit of 100 was reached)."""
    new(community, "mallory")
    new_and_log_in(community, "admin", role="admin")
    hammer("admin", ["203.0.113.5"], clock)
    for elsewhere in ("198.51.100.4", "198.51.100.5"):  # no device cookie needed
        assert log_in(username="admin", password=PASSWORD, source=elsewhere)[0].role == "admin"


def test_owner_with_a_device_cookie_gets_in_while_guessing_from_many_addresses_locks_the_account(
    community, clock
):
    import core.accounts.login as login

    new(community, "mallory")
    home = device_of(new_and_log_in(community, "admin", role="admin"))
    hammer("admin", [f"203.0.113.{n}" for n in range(1, 5)], clock)
    with read_session() as s:
        assert (
            s.exec(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.username_key == "admin",
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at > login.utcnow() - login.WINDOW,
                )
            ).one()
            >= 100
        )
    # From a clean address, on the device where the admin has logged in before: in.
    assert (
        log_in(username="admin", password=PASSWORD, source="198.51.100.4", device=home)[0].role
        == "admin"
    )
    # From a clean address without it (a borrowed phone): refused while the attack goes
    # on, as every untrusted attempt is, or a botnet could guess on; it lifts by itself.
    with pytest.raises(LoginThrottled) as refused:
        log_in(username="admin", password=PASSWORD, source="198.51.100.5")
    assert refused.value.params["minutes"] <= 15
    clock.advance(minutes=16)
    assert log_in(username="admin", password=PASSWORD, source="198.51.100.5")[0]


def test_a_device_cookie_buys_a_thief_five_guesses_and_only_for_its_account(community, clock):
    import core.accounts.login as login

    new(community, "mallory")
    stolen = device_of(new_and_log_in(community, "admin", role="admin"))
    hammer("admin", [f"203.0.113.{n}" for n in range(1, 5)], clock, minutes=12)
    outcomes = []
    for _ in range(8):
        try:
            log_in(username="admin", password="guess-x", source="203.0.113.9", device=stolen)
        except (LoginFailed, LoginThrottled) as error:
            outcomes.append(type(error).__name__)
    # Five guesses on the device's own count; then it counts for nothing, and the account's
    # lock applies to it as to any other browser (the owner's too, on this device, until
    # those five failures are a day old).
    allowed = login.MAX_FAILURES_PER_DEVICE
    assert outcomes == ["LoginFailed"] * allowed + ["LoginThrottled"] * (8 - allowed)
    with pytest.raises(LoginThrottled):
        log_in(username="admin", password=PASSWORD, source="198.51.100.4", device=stolen)
    # It names one account: no trust for any other name, and a forged one is nothing.
    assert devices.trusted_source(stolen, "admin")
    assert devices.trusted_source(stolen, "mallory") is None
    forged = stolen[:-3] + ("xyz" if not stolen.endswith("xyz") else "abc")
    assert devices.read(forged) is None and devices.read("junk") is None


def test_the_device_cookie_keeps_its_id_and_names_the_newest_accounts(community, monkeypatch):
    first_cookie = device_of(new_and_log_in(community, "wang.fang"))
    first = devices.read(first_cookie)
    assert first.accounts == ("wang.fang",) and len(first.id) >= 24
    # A second account on the same browser: the same device, newest account first.
    second_cookie = devices.cookie_after_login(
        new_and_log_in(community, "li.ming").session_id, first_cookie
    )
    assert devices.read(second_cookie) == devices.Device(
        id=first.id, accounts=("li.ming", "wang.fang")
    )
    monkeypatch.setattr(devices, "MAX_ACCOUNTS", 1)
    again = log_in(username="wang.fang", password=PASSWORD)[0]
    assert devices.read(
        devices.cookie_after_login(again.session_id, second_cookie)
    ) == devices.Device(id=first.id, accounts=("wang.fang",))
    assert devices.cookie_after_login("no-such-session", second_cookie) is None
    monkeypatch.setenv("YISHITING_SECRET_KEY", "another-key")
    assert devices.read(second_cookie) is None


def test_deactivated_account_cannot_log_in(community):
    user_id = new(community)
    with write_session() as s:
        s.get(User, user_id).active = False
    with pytest.raises(LoginFailed):
        log_in(username="wang.fang", password=PASSWORD)


def test_change_password_logs_out_other_sessions(community):
    new(community)
    first, _ = log_in(username="wang.fang", password=PASSWORD)
    second, _ = log_in(username="wang.fang", password=PASSWORD)
    with pytest.raises(InvalidInput) as raised:
        change_password(actor=second, current_password="wrong", new_password="another-good-one")
    assert raised.value.key == "password.current_wrong"
    with pytest.raises(InvalidInput) as raised:
        change_password(actor=second, current_password=PASSWORD, new_password=PASSWORD)
    assert raised.value.key == "password.same_as_old"
    change_password(actor=second, current_password=PASSWORD, new_password="another-good-one")
    assert sessions.resume(first.session_id) is None
    assert sessions.resume(second.session_id) is not None
    with pytest.raises(LoginFailed):
        log_in(username="wang.fang", password=PASSWORD)
    assert log_in(username="wang.fang", password="another-good-one")


def test_update_profile_and_consent(community):
    new(community)
    me, _ = log_in(username="wang.fang", password=PASSWORD)
    update_profile(
        actor=me,
        display_name=" 王芳芳 ",
        locale="en",
        demographics={"education": "bachelor"},
        research_consent=True,
    )
    account = get_account(actor=me)
    assert account.display_name == "王芳芳" and account.locale == "en"
    assert account.demographics["education"] == "bachelor" and account.research_consent
    assert not account.verified
    with pytest.raises(InvalidInput):
        update_profile(actor=me, display_name="", locale="en")
    assert get_account(actor=me).display_name == "王芳芳"
    with pytest.raises(PermissionDenied):
        update_profile(actor=ANONYMOUS, display_name="x", locale="en")


def test_failed_and_throttled_logins_and_refused_permissions_are_logged(community, caplog):
    """The operator's journal (core/observability.py) shows who was refused, from where."""
    from core.permissions import require

    new(community)
    caplog.set_level(logging.INFO, logger="yishiting")
    for _ in range(MAX_FAILURES_PER_PAIR):
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x", source="10.0.0.66")
    with pytest.raises(LoginThrottled):
        log_in(username="wang.fang", password=PASSWORD, source="10.0.0.66")
    with pytest.raises(PermissionDenied):
        require(ANONYMOUS, "poll.manage")
    events = [(r.getMessage(), r.fields) for r in caplog.records if r.name.startswith("yishiting")]
    assert (
        events.count(
            (
                "login.failed",
                {"username": "wang.fang", "source": "10.0.0.66", "trusted_device": False},
            )
        )
        == MAX_FAILURES_PER_PAIR
    )
    assert (
        "login.throttled",
        {"username": "wang.fang", "source": "10.0.0.66", "minutes": 1},
    ) in events
    assert (
        "permission.refused",
        {"action": "poll.manage", "role": "anonymous", "user": None},
    ) in events
