"""Making user Markdown safe to render: no HTML, no images, only web and mail links.

Residents write proposal bodies and comments in Markdown, which st.markdown renders. Text is
parsed with a CommonMark parser (markdown-it-py, the same grammar the browser's renderer
follows); if the parse holds raw HTML, an image (a remote image would make every reader's
browser contact its host) or a link whose address is not http, https or mailto, the whole
text is shown as plain text instead, every Markdown character escaped. Ordinary Markdown
(emphasis, lists, quotes, code, web links) passes unchanged.
"""
from __future__ import annotations

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Every ASCII punctuation character may be backslash-escaped in CommonMark.
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# Let every link through the parser so that we see it (markdown-it drops javascript: links
# silently, but another renderer might not).
_parser.validateLink = lambda url: True


def _tokens(text: str):
    stack = list(reversed(_parser.parse(text)))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(reversed(token.children or []))


def is_inert(text: str) -> bool:
    """True when the text renders without HTML, images or non-web links."""
    for token in _tokens(text):
        if token.type in ("html_inline", "html_block", "image"):
            return False
        if token.type == "link_open":
            href = str(token.attrGet("href") or "").strip().lower()
            if not href.startswith(SAFE_SCHEMES):
                return False
    return True


def plain_text(text: str) -> str:
    """Markdown that renders as exactly this text: every special character escaped, line
    breaks kept."""
    escaped = "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)
    return "  \n".join(escaped.splitlines())


def safe_markdown(text: str | None) -> str:
    """The text itself when it is inert Markdown, otherwise the text shown as plain text."""
    if not text:
        return ""
    return text if is_inert(text) else plain_text(text)
