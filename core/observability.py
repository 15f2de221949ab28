"""What the running app tells its operator: one line per event on stderr.

Each line is `key=value` pairs (logfmt): the time, level, logger, the event's name and its
fields, e.g. `at=2026-12-03T14:05:09Z level=warning logger=yishiting.login
event=login.throttled username=admin source=10.0.0.7 minutes=3`. systemd's journal keeps
stderr as it is, and `journalctl -u yishiting | grep event=login.throttled` or any logfmt
tool reads it. A value never spans lines: newlines, quotes and control characters that a
hostile username could carry are escaped, so nobody can forge a line.

Events: failed and throttled logins, refused permissions and commands, errors in a page
run, and page runs slower than SLOW_RUN_SECONDS. `health` answers the /healthz route.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

ROOT = "yishiting"
SLOW_RUN_SECONDS = 2.0
VALUE_MAX = 200  # characters of one value kept in the line
ERROR_MAX = 8000  # of a traceback, whose last lines say the most: the end is kept


def _value(value: object, limit: int = VALUE_MAX) -> str:
    text = str(value)
    text = text[:limit] if limit > 0 else text[limit:]
    if text and all(ch.isprintable() and ch not in ' ="\\' for ch in text):
        return text
    escaped = "".join(
        {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
        or (ch if ch.isprintable() else f"\\u{ord(ch):04x}")
        for ch in text
    )
    return f'"{escaped}"'


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        fields = {
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        line = " ".join(f"{key}={_value(value)}" for key, value in fields.items())
        if record.exc_info:
            line += f" error={_value(self.formatException(record.exc_info), -ERROR_MAX)}"
        return line


class _AppHandler(logging.StreamHandler[TextIO]):
    """The app's own handler, marked so that configure_logging adds it only once."""

    yishiting = True


def configure_logging(stream: TextIO | None = None) -> None:
    """Send the app's events (and warnings from anything else) to stderr as logfmt lines.
    Idempotent: Streamlit may import the entry point more than once."""
    root = logging.getLogger()
    if any(getattr(handler, "yishiting", False) for handler in root.handlers):
        return
    handler = _AppHandler(stream or sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.getLogger(ROOT).setLevel(logging.INFO)


def log_event(
    area: str,
    event: str,
    *,
    level: int = logging.INFO,
    exc_info: bool | BaseException | None = None,
    **fields: object,
) -> None:
    """One event: `area` names the logger (yishiting.<area>), `event` what happened."""
    logging.getLogger(f"{ROOT}.{area}").log(
        level, event, exc_info=exc_info, extra={"fields": fields}
    )


def health() -> tuple[bool, dict[str, str]]:
    """The health route's answer (server.py /healthz): see db/health.py."""
    from db.health import database_health

    return database_health()


@contextmanager
def page_run(page: str) -> Iterator[None]:
    """Around one run of a page script: log an error that escapes it (then let Streamlit
    show it as it would), and a run slower than SLOW_RUN_SECONDS. Streamlit's rerun and stop
    signals are not errors (they are BaseException, not Exception)."""
    started = time.perf_counter()
    try:
        yield
    except Exception:
        log_event("page", "page.error", level=logging.ERROR, exc_info=True, page=page)
        raise
    finally:
        seconds = time.perf_counter() - started
        if seconds > SLOW_RUN_SECONDS:
            log_event(
                "page", "page.slow", level=logging.WARNING, page=page, seconds=f"{seconds:.2f}"
            )
