"""Cleaning and validating text typed by users.

Every free-text field goes through `clean_text`: Unicode NFC, invisible characters removed,
control characters, lone surrogates and (in single-line fields) bidirectional overrides
rejected, outer whitespace stripped, then length checked in characters.
"""

import re
import unicodedata
from datetime import datetime
from typing import Literal, TypeGuard, overload

from core.errors import InvalidInput

# Zero-width and other invisible format characters that carry no meaning in our fields.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
USERNAME_RE = re.compile(r"^[a-z0-9_.\-\u4e00-\u9fff]{3,32}$")
# A row id as it may appear in an address: ASCII digits only (str.isdigit and int() also take
# '²' and '٣'), no sign, no leading zero, at most 18 digits (below 2**63, SQL's BIGINT).
ROW_ID_RE = re.compile(r"[1-9][0-9]{0,17}")


def _has_bad_code_points(value: str, *, multiline: bool) -> bool:
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cs":  # lone surrogate
            return True
        if cat == "Cc" and not (multiline and ch in "\n\t\r"):
            return True
    return False


@overload
def clean_text(
    value: object,
    *,
    field: str,
    max_len: int,
    min_len: int = 1,
    multiline: bool = False,
    required: Literal[True] = True,
) -> str: ...
@overload
def clean_text(
    value: object,
    *,
    field: str,
    max_len: int,
    min_len: int = 1,
    multiline: bool = False,
    required: bool,
) -> str | None: ...
def clean_text(
    value: object,
    *,
    field: str,
    max_len: int,
    min_len: int = 1,
    multiline: bool = False,
    required: bool = True,
) -> str | None:
    """Return the cleaned text, or None for an empty optional field.

    Raises InvalidInput with keys `field.required`, `field.too_long`, `field.too_short`,
    `field.bad_characters`.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("field.bad_characters", field=field)
    if _has_bad_code_points(value, multiline=multiline):
        raise InvalidInput("field.bad_characters", field=field)
    if not multiline and BIDI_CONTROLS.search(value):
        raise InvalidInput("field.bad_characters", field=field)
    value = unicodedata.normalize("NFC", value).translate(INVISIBLE)
    value = value.replace("\r\n", "\n").strip() if multiline else " ".join(value.split())
    if not value:
        if required:
            raise InvalidInput("field.required", field=field)
        return None
    if len(value) > max_len:
        raise InvalidInput("field.too_long", field=field, max=max_len)
    if len(value) < min_len:
        raise InvalidInput("field.too_short", field=field, min=min_len)
    return value


def normalise_username(value: object) -> str:
    """The uniqueness key of a login name: NFKC (full-width -> ASCII), casefolded.

    Allowed after normalising: a-z, 0-9, `_ . -` and CJK ideographs, 3 to 32 characters;
    anything else (other scripts' look-alike letters included) is refused.
    """
    if not isinstance(value, str):
        raise InvalidInput("username.invalid", field="username")
    if _has_bad_code_points(value, multiline=False) or BIDI_CONTROLS.search(value):
        raise InvalidInput("username.invalid", field="username")
    key = unicodedata.normalize("NFKC", value.translate(INVISIBLE)).casefold().strip()
    if not key:
        raise InvalidInput("field.required", field="username")
    if not USERNAME_RE.match(key):
        raise InvalidInput("username.invalid", field="username")
    return key


def is_whole_number(value: object) -> TypeGuard[int]:
    """An int and not a bool (True is an int in Python): the one check for an id, a count
    or an amount that a caller passes in."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_row_id(value: object) -> int | None:
    """The id in `?id=...`, or None when it is not a small positive whole number."""
    if not isinstance(value, str) or not ROW_ID_RE.fullmatch(value):
        return None
    return int(value)


def aware_datetime(value: object, *, field: str) -> datetime:
    """A timezone-aware datetime, or InvalidInput (a naive time is ambiguous)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput("field.required", field=field)
    return value
