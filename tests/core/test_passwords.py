import pytest

from core.accounts.passwords import check_password_policy, hash_password, verify_password
from core.errors import InvalidInput


@pytest.mark.parametrize(
    "password, key",
    [
        ("short1!", "password.too_short"),
        ("password", "password.too_guessable"),
        ("password123", "password.too_guessable"),
        ("12345678", "password.too_guessable"),
        ("qwertyuiop", "password.too_guessable"),
        ("aaaaaaaaaaaa", "password.too_guessable"),
        ("x" * 1025, "password.too_long"),
        ("zhangsan-rules-ok", "password.contains_name"),
        ("abc\x00defghij", "password.bad_characters"),
        ("abcd\udc00efgh", "password.bad_characters"),
    ],
)
def test_policy_refuses(password, key):
    with pytest.raises(InvalidInput) as raised:
        check_password_policy(password, user_inputs=("zhangsan", "张三"))
    assert raised.value.key == key


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "lift-broken-3rd-floor",
        "住在三号楼的老王爱下棋",
        "x" * 64 + "Q7!",
        "Tr0ub4dor&3",
    ],
)
def test_policy_accepts_without_composition_rules(password):
    assert check_password_policy(password) == password


def test_argon2id_and_no_truncation():
    long_a = "a-long-passphrase " * 10 + "A"
    long_b = "a-long-passphrase " * 10 + "B"
    stored = hash_password(long_a)
    assert stored.startswith("$argon2id$")
    assert verify_password(long_a, stored)[0]
    assert not verify_password(long_b, stored)[0]


def test_unknown_user_path_verifies_against_dummy():
    assert verify_password("anything", None) == (False, None)
