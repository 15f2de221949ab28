import pytest

from core.errors import InvalidInput
from core.text import clean_text, normalise_username


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  议事厅  ", "议事厅"),
        ("a\u200bb", "ab"),
        ("two   spaces", "two spaces"),
        ("e\u0301", "\u00e9"),
    ],
)
def test_clean_text_normalises(raw, expected):
    assert clean_text(raw, field="x", max_len=20) == expected


@pytest.mark.parametrize(
    "raw, key",
    [
        ("", "field.required"),
        ("   ", "field.required"),
        ("\u200b\u200d\ufeff", "field.required"),
        ("x" * 21, "field.too_long"),
        ("a\x00b", "field.bad_characters"),
        ("abc\ud800", "field.bad_characters"),
        ("user\u202egnp.exe", "field.bad_characters"),
        (12, "field.bad_characters"),
    ],
)
def test_clean_text_refuses(raw, key):
    with pytest.raises(InvalidInput) as raised:
        clean_text(raw, field="title", max_len=20)
    assert raised.value.key == key
    assert raised.value.field == "title"


def test_multiline_keeps_newlines_and_optional_may_be_empty():
    assert clean_text("a\n\nb ", field="body", max_len=10, multiline=True) == "a\n\nb"
    assert clean_text("  ", field="unit", max_len=5, required=False) is None


@pytest.mark.parametrize(
    "raw, key",
    [
        ("Admin", "admin"),
        ("ＡＤＭＩＮ", "admin"),
        (" Zhang.Wei_1 ", "zhang.wei_1"),
        ("张伟", None),
        ("li\u200bming", "liming"),
    ],
)
def test_username_key(raw, key):
    if key is None:
        with pytest.raises(InvalidInput):  # two characters: too short
            normalise_username(raw)
    else:
        assert normalise_username(raw) == key


@pytest.mark.parametrize(
    "raw", ["аdmin", "ab", "x" * 33, "a b c", "adm\u202ein", "<script>", "a\x00bc", "", "   "]
)
def test_username_refuses(raw):
    with pytest.raises(InvalidInput):
        normalise_username(raw)


def test_chinese_username_allowed():
    assert normalise_username("张伟伟") == "张伟伟"
