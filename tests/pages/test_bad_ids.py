"""An address's `?id=` that is not a small positive whole number in ASCII digits shows the
page's "not found" message, never an error and never another item (int() reads '٣' as 3)."""

import pytest

from core.i18n import Translator
from core.text import parse_row_id

T = Translator("en")
PAGES_WITH_AN_ID = [
    "pages/proposals.py",
    "pages/votes.py",
    "pages/hearings.py",
    "pages/surveys.py",
    "pages/announcements.py",
    "pages/organisations.py",
]
BAD_IDS = [
    "²",
    "٣",
    "３",
    "0",
    "-1",
    "1e3",
    " 1",
    "1 ",
    "01",
    "1" * 23,
    "9" * 19,
    "1;DROP TABLE proposal",
    "",
    "0x10",
    "1.0",
]


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_parser_refuses(value):
    assert parse_row_id(value) is None


@pytest.mark.parametrize(
    "value, expected", [("1", 1), ("42", 42), ("9" * 18, 999_999_999_999_999_999)]
)
def test_the_parser_accepts(value, expected):
    assert parse_row_id(value) == expected


@pytest.mark.parametrize("page", PAGES_WITH_AN_ID)
def test_a_bad_id_is_not_found(app, page):
    at = app("moderator")
    at.run()
    at.switch_page(page)
    for value in BAD_IDS:
        at.query_params["id"] = value
        at.run()
        assert not at.exception, (value, at.exception)
        assert [w.value for w in at.warning] == [T("error.not_found")], value
