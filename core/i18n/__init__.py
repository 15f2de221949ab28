"""Per-session translation and locale formatting (zh-CN and en).

Never install a process-wide gettext: one server serves users in different languages at
once. Each session holds its own `Translator`. Catalogue entries live in
`core/i18n/catalog/*.py` as `MESSAGES = {key: (zh-CN text, en text)}`, so that a message can
never exist in one language only.

Messages are Markdown (Streamlit renders them so, widget labels included), and the values put
into them are often typed by users. `t(key, **values)` therefore escapes every value that is
not a number or already `Markdown` (see core.markdown); `t.plain(...)` leaves values as they
are, for the places that show text as it is (table cells, select-box options, file names).
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal, format_percent

from core.markdown import Markdown, escape_md

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
_BABEL = {"zh-CN": "zh_Hans_CN", "en": "en"}


@lru_cache(maxsize=1)
def _all_messages() -> dict[str, tuple[str, str]]:
    from core.i18n import catalog

    merged: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"core.i18n.catalog.{info.name}")
        for key, pair in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice")
            merged[key] = pair
    return merged


def catalogue(locale: str) -> dict[str, str]:
    """The whole catalogue of one locale: key -> text (empty texts included)."""
    index = LOCALES.index(locale)
    return {key: pair[index] for key, pair in _all_messages().items()}


def negotiate(preferred: str | None) -> str:
    """Pick our locale from a browser locale or Accept-Language value ('en-US,en;q=0.9')."""
    if not preferred:
        return DEFAULT_LOCALE
    for part in preferred.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


class _Params(dict[str, object]):
    """Leaves a placeholder visible instead of failing when a parameter is missing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _for_markdown(value: object) -> object:
    """A value as it may stand in a Markdown message: numbers and Markdown as they are
    (format specifications keep working), anything else escaped."""
    if isinstance(value, (Markdown, int, float, Decimal)):
        return value
    return escape_md(value)


class Translator:
    """`t(key, **params)` for one locale; an unknown key shows as the key itself."""

    def __init__(self, locale: str = DEFAULT_LOCALE):
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._messages = catalogue(self.locale)
        self.babel_locale = Locale.parse(_BABEL[self.locale])

    def __call__(self, key: str, **params: object) -> Markdown:
        """The message as Markdown, each value escaped so that it shows as typed."""
        return Markdown(
            self.plain(key, **{name: _for_markdown(value) for name, value in params.items()})
        )

    def plain(self, key: str, **params: object) -> str:
        """The message with its values as they are: for text that is not rendered as
        Markdown (table cells and headers, select-box options, CSV, file names)."""
        text = self._messages.get(key)
        if text is None:
            return key
        return text.format_map(_Params(params)) if "{" in text else text

    def has(self, key: str) -> bool:
        return key in self._messages

    # Formatted numbers and dates hold no user text; as Markdown they pass into messages
    # unescaped (they read the same either way).
    def datetime(
        self, value: datetime | None, tz: str = "Asia/Shanghai", fmt: str = "medium"
    ) -> Markdown:
        if value is None:
            return Markdown("—")
        return Markdown(_babel_datetime(value, fmt, tzinfo=ZoneInfo(tz), locale=self.babel_locale))

    def number(self, value: float, digits: int = 0) -> Markdown:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return Markdown(format_decimal(value, format=pattern, locale=self.babel_locale))

    def percent(self, value: float, digits: int = 0) -> Markdown:
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return Markdown(format_percent(value, format=pattern, locale=self.babel_locale))
