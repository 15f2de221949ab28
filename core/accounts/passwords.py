"""Password hashing (argon2id through libpass's passlib) and the NIST 800-63B policy.

Policy: 8 to 1,024 characters (far above the 64 NIST asks us to accept), any characters, no
composition rules, no silent truncation (argon2 hashes the whole input), and a refusal of
common or guessable passwords judged by zxcvbn, which ships the frequency lists of leaked
passwords, names and words. The user's own name and login count as guessable.
"""

from __future__ import annotations

import unicodedata

from passlib.context import CryptContext
from zxcvbn import zxcvbn

from core.accounts.common_passwords import is_common
from core.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 1024
# zxcvbn score: 0 too guessable ... 4 very unguessable. 2 = "somewhat guessable", ~10^8 guesses.
MIN_SCORE = 2

# New hashes are argon2id. bcrypt hashes (from an older installation or an imported user
# list) still verify, and are replaced by argon2id at the next successful login.
_context = CryptContext(schemes=["argon2", "bcrypt"], deprecated=["bcrypt"])
# Verified against when the user does not exist, so both paths take the same time.
DUMMY_HASH = _context.hash("yishiting-dummy-password-for-timing")


def check_password_policy(password, *, user_inputs: tuple[str, ...] = ()) -> str:
    """Return the password normalised (NFC) or raise InvalidInput (password.*)."""
    if not isinstance(password, str) or any(unicodedata.category(c) == "Cs" for c in password):
        raise InvalidInput("password.bad_characters", field="password")
    password = unicodedata.normalize("NFC", password)
    if "\x00" in password:
        raise InvalidInput("password.bad_characters", field="password")
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password.too_short", field="password", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password.too_long", field="password", max=MAX_LENGTH)
    inputs = [s for s in user_inputs if s]
    lowered = password.casefold()
    if any(len(s) >= 3 and s.casefold() in lowered for s in inputs):
        raise InvalidInput("password.contains_name", field="password")
    if is_common(password):
        raise InvalidInput("password.too_guessable", field="password")
    # zxcvbn refuses more than 72 characters, and its cost grows with length: the first 72
    # decide guessability (a password longer than that is not short of guesses).
    if zxcvbn(password[:72], user_inputs=inputs)["score"] < MIN_SCORE:
        raise InvalidInput("password.too_guessable", field="password")
    return password


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(ok, new_hash): new_hash is set when the stored hash should be upgraded."""
    if password_hash is None:
        _context.verify(password, DUMMY_HASH)
        return False, None
    return _context.verify_and_update(password, password_hash)
