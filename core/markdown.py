"""Making user text safe to render as Markdown.

`escape_md` is the one escaper: it turns any user text into Markdown that shows exactly that
text (the translator applies it to every value put into a message; pages apply it where they
compose Markdown themselves). `Markdown` marks text that is already Markdown (a translated
message, escaped text), so that it is not escaped twice.

Proposal bodies and comments are different: residents write them in Markdown on purpose, and
`safe_markdown` keeps their Markdown when it is inert. Text is parsed with a CommonMark parser
(markdown-it-py, the same grammar the browser's renderer follows); if the parse holds raw
HTML, an image (a remote image would make every reader's browser contact its host) or a link
whose address is not http, https or mailto, the whole text is shown as plain text instead,
every Markdown character escaped. Ordinary Markdown (emphasis, lists, quotes, code, web
links) passes unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Every ASCII punctuation character may be backslash-escaped in CommonMark, and renders as
# itself; escaping all of them also disarms Streamlit's own syntax (`:red[..]` directives,
# `$..$` maths), which its parser reads with the same escapes.
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Some of Streamlit's syntax is found in the parsed text, after escapes are resolved, so a
# backslash cannot stop it: emoji, icon and logo shortcodes (`:smile:`, `:material/star:`,
# `:streamlit:`) and GFM's bare links (`http://...`, `www.example.org`, `a@example.org`).
# An invisible word joiner (U+2060) inside each such pattern does.
WORD_JOINER = "\u2060"
_UNLINKED: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r":(?=[A-Za-z0-9_+-]+:)|:(?=//)"), ":" + WORD_JOINER),
    (re.compile(r"(?i)(?<![A-Za-z0-9])www(?=\.)"), lambda m: m[0] + WORD_JOINER),
    (re.compile(r"(?<=[-.\w+])@"), WORD_JOINER + "@"),
]
_LINE_BREAKS = re.compile(r"[\r\n]+")


class Markdown(str):
    """Text that is already Markdown and is shown as it is: a translated message (its values
    escaped), escaped user text, a formatted number or date. Never escaped again."""

    __slots__ = ()


def escape_md(text: object) -> Markdown:
    """Markdown that shows exactly `text` on one line (line breaks become spaces): every
    ASCII punctuation character backslash-escaped, shortcodes and bare links broken by an
    invisible word joiner."""
    if text is None or text == "":
        return Markdown("")
    unlinked = _LINE_BREAKS.sub(" ", str(text))
    for pattern, replacement in _UNLINKED:
        unlinked = pattern.sub(replacement, unlinked)
    return Markdown("".join("\\" + ch if ch in _PUNCTUATION else ch for ch in unlinked))


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        """Let every link through the parser so that we see it (markdown-it drops
        javascript: links silently, but another renderer might not)."""
        return True


_parser = _Parser("commonmark", {"html": True}).enable(["table", "strikethrough"])


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


def plain_text(text: str) -> Markdown:
    """Markdown that renders as exactly this text, line breaks kept."""
    return Markdown("  \n".join(escape_md(line) for line in text.splitlines()))


def safe_markdown(text: str | None) -> str:
    """The text itself when it is inert Markdown, otherwise the text shown as plain text."""
    if not text:
        return ""
    return text if is_inert(text) else plain_text(text)
