"""Making user Markdown safe to render: no HTML, no images, only web and mail links.

Residents write proposal bodies and comments in Markdown. Before it reaches st.markdown it
passes through `safe_markdown`: raw HTML is shown as text, images become a plain mention of
their description (a remote image would make every reader's browser contact its host), and a
link survives only with an http, https or mailto address; any other (javascript:, data:,
file:, relative) keeps its text and loses the address.
"""
from __future__ import annotations

import re

SAFE_SCHEMES = ("http://", "https://", "mailto:")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(\S+).*$", re.MULTILINE)
REF_USE = re.compile(r"\[([^\]]+)\]\[([^\]]*)\]")
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")


def _safe_url(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def safe_markdown(text: str | None) -> str:
    """The text with every construct that could run code or fetch a resource defused."""
    if not text:
        return ""
    text = IMAGE.sub(lambda m: f"[{m.group(1).strip() or 'image'}]", text)
    text = LINK.sub(lambda m: m.group(0) if _safe_url(m.group(2)) else m.group(1), text)
    text = AUTOLINK.sub(lambda m: m.group(1) if _safe_url(m.group(1)) else
                        m.group(1).replace(":", "\\:"), text)
    text = REFERENCE.sub(lambda m: m.group(0) if _safe_url(m.group(2)) else "", text)
    text = REF_USE.sub(lambda m: m.group(1), text)
    # Raw HTML is never rendered: show the brackets as text.
    return text.replace("<", "&lt;").replace(">", "&gt;")
