"""safe_markdown: no raw HTML, no images, links only to http(s) and mailto addresses.

The output is checked with a real CommonMark parser (markdown-it-py), configured to keep
every link it finds, rather than with patterns of our own.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from core.markdown import WORD_JOINER, is_inert, plain_text, safe_markdown

CHECKER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
CHECKER.validateLink = lambda url: True
SAFE = ("http://", "https://", "mailto:")


def tokens(markdown: str):
    stack = list(CHECKER.parse(markdown))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(token.children or [])


def assert_defused(markdown: str) -> None:
    """The rendered output holds no HTML, no image and only web or mail links."""
    for token in tokens(safe_markdown(markdown)):
        assert token.type not in ("html_inline", "html_block", "image"), token
        if token.type == "link_open":
            assert str(token.attrGet("href")).lower().startswith(SAFE), token


def rendered_text(markdown: str) -> str:
    """The characters a reader sees (text, code), line breaks as newlines."""
    parts = []
    for token in CHECKER.parse(markdown):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        if token.type == "paragraph_close":
            parts.append("\n\n")
    return "".join(parts).strip()


DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<style>body{display:none}</style>",
    "<!-- hidden -->",
    "[x](javascript:alert(1))",
    "[x]( JAVASCRIPT:alert(1) )",
    "[x](\tJaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](/relative/path)",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![](http://evil.example/track.png)",
    '![楼道照片](https://evil.example/track.png "标题")',
    "[![logo](http://evil.example/logo.png)](https://example.org)",
    # Constructs that defeat pattern-based sanitisers:
    "[a [b] c](javascript:alert(1))",
    "[x\\]](javascript:alert(1))",
    "[a\\]b]\n\n[a\\]b]: javascript:alert(1)",
    "![x]\n\n[x]: http://evil.example/track.png",
    "![a [b] c](http://evil.example/track.png)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "**请看** [通知](https://example.org/n) 和 [这个](javascript:alert(1))",
]


@pytest.mark.parametrize("dangerous", DANGEROUS)
def test_dangerous_text_is_shown_as_plain_text(dangerous):
    assert not is_inert(dangerous)
    assert_defused(dangerous)
    # Nothing is lost: the reader sees the characters that were typed (bare links are
    # broken by an invisible word joiner).
    assert rendered_text(safe_markdown(dangerous)) == rendered_text(plain_text(dangerous))
    assert "".join(
        rendered_text(safe_markdown(dangerous)).replace(WORD_JOINER, "").split()
    ) == "".join(dangerous.split())


@pytest.mark.parametrize(
    "safe",
    [
        "[ok](https://example.org)",
        "[ok](HTTPS://Example.org/path?q=1&r=2#frag)",
        '[ok](http://example.org "标题")',
        "[写信](mailto:juwei@example.org)",
        "<https://example.org>",
        "**bold** and *italic* and `code` and ~~struck~~",
        "# 标题\n\n- 第一点：电梯坏了\n- 第二点：楼道灯不亮\n\n1. 一\n2. 二",
        "> 引用居委会的通知\n\n我同意。",
        "居民们希望在3号楼前增设无障碍坡道，方便老人和轮椅出行。",
        "价格 5 & 10，比例 50%，路径 a_b_c，转义 \\*不是斜体\\*, 3 > 2",
        "```\ncode <b>not html</b>\n```",
        "见[通知][1]。\n\n[1]: https://example.org/notice",
    ],
)
def test_ordinary_markdown_is_left_intact(safe):
    assert safe_markdown(safe) == safe
    assert_defused(safe)


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_gives_nothing(empty):
    assert safe_markdown(empty) == ""


def test_plain_text_keeps_paragraphs_and_line_breaks():
    text = "第一行 <b>\n第二行\n\n新段落 [x](javascript:y)"
    assert rendered_text(plain_text(text)) == text


# Property tests (module-level functions: tests/pg re-runs this module in a class).
MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("[]()<>!:*_`\\#&;/ \n-ajvscript.hx电梯")), max_size=60
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), MARKDOWNISH))
def test_whatever_is_typed_renders_inert(text):
    assert_defused(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_plain_text_is_always_inert(text):
    assert is_inert(plain_text(text))
