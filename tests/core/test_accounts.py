"""Registration, login and throttling, password change, profile."""
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from core.accounts import sessions
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
        return (s.exec(select(func.count()).select_from(User)).one(),
                s.exec(select(func.count()).select_from(Resident)).one())


def new(community, username="wang.fang", **overrides):
    values = dict(community_id=community["id"], username=username, display_name="王芳",
                  password=PASSWORD, building_id=community["buildings"][1])
    values.update(overrides)
    return register(**values)


def test_register_creates_account_and_roster_row(community):
    user_id = new(community, demographics={"age_band": "60-74", "residency_status": "renter",
                                           "years_in_community": "12"}, research_consent=True)
    with read_session() as s:
        user = s.get(User, user_id)
        resident = s.get(Resident, user.resident_id)
    assert user.username == "wang.fang" and user.role == "resident"
    assert user.password_hash.startswith("$argon2id$")
    assert resident.building_id == community["buildings"][1]
    assert (resident.age_band, resident.residency_status, resident.years_in_community) == \
        ("60-74", "renter", 12)
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


@pytest.mark.parametrize("overrides, key", [
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
])
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


@pytest.mark.parametrize("username", ["wang.fang", "ghost.user"])
def test_throttle_per_account_and_source_is_temporary_and_same_for_unknown_names(
        community, username):
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
        assert log_in(username=username, password=PASSWORD,
                      source="10.0.0.66")[0].username == "wang.fang"


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
    for index in range(3):
        with pytest.raises(LoginFailed):
            log_in(username=f"probe{index}", password="x", source="10.0.0.9")
    with pytest.raises(LoginThrottled):
        log_in(username="wang.fang", password=PASSWORD, source="10.0.0.9")
    assert log_in(username="wang.fang", password=PASSWORD, source="10.0.0.10")[0]


def test_success_resets_the_account_count(community):
    new(community)
    for _ in range(MAX_FAILURES_PER_PAIR - 1):
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x")
    log_in(username="wang.fang", password=PASSWORD)
    for _ in range(MAX_FAILURES_PER_PAIR - 1):
        with pytest.raises(LoginFailed):
            log_in(username="wang.fang", password="wrong-password-x")
    assert log_in(username="wang.fang", password=PASSWORD)


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
    update_profile(actor=me, display_name=" 王芳芳 ", locale="en",
                   demographics={"education": "bachelor"}, research_consent=True)
    account = get_account(actor=me)
    assert account.display_name == "王芳芳" and account.locale == "en"
    assert account.demographics["education"] == "bachelor" and account.research_consent
    assert not account.verified
    with pytest.raises(InvalidInput):
        update_profile(actor=me, display_name="", locale="en")
    assert get_account(actor=me).display_name == "王芳芳"
    with pytest.raises(PermissionDenied):
        update_profile(actor=ANONYMOUS, display_name="x", locale="en")
