"""No markup from a value put into a translated message.

Every message of both catalogues is rendered with hostile values for every placeholder. The
result is parsed as CommonMark with the GFM tables and strikethrough Streamlit's renderer
(react-markdown with remark-gfm) has, and checked for what Streamlit adds: `:color[..]`
directives and `$..$` maths (parsed from the source, where escapes count), and GFM's bare
links and emoji / icon / logo shortcodes, which Streamlit finds in the parsed text, after
escapes are resolved (and `:material/` in the source itself). A value may add nothing that
the same message with a harmless value does not have, and must show as the characters that
were given.
"""

import re
import string
from collections import Counter

import pytest
from markdown_it import MarkdownIt

from core.i18n import LOCALES, Translator, catalogue
from core.markdown import WORD_JOINER

PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
PARSER.validateLink = lambda url: True  # keep every link, so that we see it

HOSTILE = [
    "![i](http://evil.example/x.png)",
    "[link](http://evil.example)",
    "<http://evil.example>",
    "http://evil.example/x",
    "www.evil.example",
    "mallory@evil.example",
    "<img src=x onerror=alert(1)>",
    ":red[x]",
    ":blue-background[x]",
    ":material/warning:",
    ":material_warning:",
    ":smile:",
    ":streamlit:",
    "$x^2$",
    "$$x$$",
    "**b**",
    "_i_",
    "`c`",
    "~~s~~",
    "# h",
    "- item",
    "1. item",
    "> quote",
    "|a|b|\n|-|-|",
    "a\n\n---\n\n# two",
    "&lt;b&gt; &#x41;",
    "\\*not\\*",
    "[x]: http://evil.example/ref",
]
HARMLESS = "x"
# Backslash escapes hide a character from every construct; `code` spans hide everything.
ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
# mdast-util-gfm-autolink-literal's patterns, applied to text nodes.
BARE_LINK = re.compile(r"(?i)(https?://|(?<![a-z0-9])www\.|[-.\w+]+@[-\w]+\.)")
DIRECTIVE = re.compile(r":[A-Za-z][\w-]*[\[{]")
SHORTCODE = re.compile(r":[\w+-][\w+-]*:")


def tokens(markdown: str):
    stack = list(PARSER.parse(markdown))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(token.children or [])


def structure(markdown: str) -> Counter:
    """How many of each kind of element the parse holds (text aside)."""
    return Counter(
        token.type
        for token in tokens(markdown)
        if token.type not in ("text", "text_special", "softbreak", "inline")
    )


def shown_text(markdown: str) -> str:
    return "".join(
        token.content for token in tokens(markdown) if token.type in ("text", "code_inline")
    )


def unescaped(markdown: str) -> str:
    """The source as Streamlit's syntax extensions see it: escaped characters masked."""
    return ESCAPE.sub("\0", markdown)


def streamlit_syntax(markdown: str) -> Counter:
    source = unescaped(markdown)
    return Counter(
        {
            "bare link": len(BARE_LINK.findall(shown_text(markdown))),
            "directive": len(DIRECTIVE.findall(source)),
            "maths": source.count("$"),
            "material icon": markdown.count(":material/"),  # replaced before parsing
            "shortcode": len(SHORTCODE.findall(shown_text(markdown))),
        }
    )


def placeholders(text: str) -> list[str]:
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


CASES = [(locale, key) for locale in LOCALES for key in sorted(catalogue(locale))]


def test_every_message_is_rendered():
    assert len(CASES) == 2 * len(catalogue("en")) > 2000
    assert sum(bool(placeholders(text)) for text in catalogue("en").values()) > 150


@pytest.mark.parametrize("locale", LOCALES)
def test_no_value_brings_markup_into_a_message(locale):
    t = Translator(locale)
    failures = []
    for key, text in sorted(catalogue(locale).items()):
        names = placeholders(text)
        if not names:
            continue
        harmless = t(key, **dict.fromkeys(names, HARMLESS))
        expected_structure, expected_syntax = structure(harmless), streamlit_syntax(harmless)
        for value in HOSTILE:
            shown = t(key, **dict.fromkeys(names, value))
            added = (structure(shown) - expected_structure) + (
                streamlit_syntax(shown) - expected_syntax
            )
            visible = shown_text(shown).replace(WORD_JOINER, "")
            if added or " ".join(value.split()) not in " ".join(visible.split()):
                failures.append(f"{key} with {value!r}: {dict(added)} -> {shown!r}")
    assert failures == [], f"{len(failures)} renderings let markup in, e.g.:\n" + "\n".join(
        failures[:15]
    )


def test_plain_variant_is_the_text_itself():
    """For widgets that show text as it is (select boxes, tables, file names)."""
    t = Translator("en")
    value = "![i](http://evil.example/x.png) :red[x] $y$"
    assert t.plain("proposals.by", name=value) == catalogue("en")["proposals.by"].format(name=value)


def test_numbers_and_dates_are_not_escaped():
    t = Translator("en")
    assert t("field.too_long", max=1000) == "Too long: at most 1000 characters."
    assert t("audit.intact", n=t.number(12345)) == t.plain("audit.intact", n="12,345")
