"""Per-session translation and locale formatting (zh-CN and en).

Never install a process-wide gettext: one server serves users in different languages at
once. Each session holds its own `Translator`. Catalogue entries live in
`core/i18n/catalog/*.py` as `MESSAGES = {key: (zh-CN text, en text)}`, so that a message can
never exist in one language only.
"""
from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal, format_percent

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


class _Params(dict):
    """Leaves a placeholder visible instead of failing when a parameter is missing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """`t(key, **params)` for one locale; an unknown key shows as the key itself."""

    def __init__(self, locale: str = DEFAULT_LOCALE):
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._messages = catalogue(self.locale)
        self.babel_locale = Locale.parse(_BABEL[self.locale])

    def __call__(self, key: str, **params) -> str:
        text = self._messages.get(key)
        if text is None:
            return key
        return text.format_map(_Params(params)) if "{" in text else text

    def has(self, key: str) -> bool:
        return key in self._messages

    def datetime(self, value: datetime | None, tz: str = "Asia/Shanghai", fmt: str = "medium") -> str:
        if value is None:
            return "—"
        return _babel_datetime(value, fmt, tzinfo=ZoneInfo(tz), locale=self.babel_locale)

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.babel_locale)

    def percent(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.babel_locale)
