"""core/observability.py: one logfmt line per event on stderr, never forgeable."""

from __future__ import annotations

import io
import logging

import pytest

from core import observability
from core.observability import LogfmtFormatter, configure_logging, log_event, page_run


@pytest.fixture
def lines(monkeypatch):
    """The lines the app's handler writes, with the handler as configure_logging makes it."""
    root = logging.getLogger()
    kept = list(root.handlers), root.level
    root.handlers = []
    stream = io.StringIO()
    configure_logging(stream)
    configure_logging(stream)  # idempotent: a second call adds no second handler
    yield lambda: stream.getvalue().splitlines()
    root.handlers, root.level = kept[0], kept[1]


def test_an_event_is_one_line_of_fields(lines):
    log_event(
        "login",
        "login.throttled",
        level=logging.WARNING,
        username="admin",
        source="10.0.0.7",
        minutes=3,
    )
    (line,) = lines()
    assert (
        " level=warning logger=yishiting.login event=login.throttled username=admin "
        "source=10.0.0.7 minutes=3" in line
    )
    assert line.startswith("at=") and line.split()[0].endswith("Z")


def test_a_hostile_value_cannot_forge_a_line_or_a_field(lines):
    forged = 'x\nat=2026 level=info event=login.ok username=admin "\\ \x1b[31m'
    log_event("login", "login.failed", username=forged)
    (line,) = lines()  # still one line
    assert "event=login.failed" in line and line.count("event=") == 1 + forged.count("event=")
    value = line.split("username=", 1)[1]
    assert value.startswith('"') and value.endswith('"') and "\\n" in value
    assert "\x1b" not in line and "\\u001b" in line
    assert '\\"' in value and "\\\\" in value


def test_a_long_value_is_cut(lines):
    log_event("login", "login.failed", username="a" * 10_000)
    assert len(lines()[0]) < 400


def test_an_error_in_a_page_run_is_logged_with_its_traceback_on_one_line(lines):
    with pytest.raises(ZeroDivisionError), page_run("proposals"):
        _ = 1 / 0
    (line,) = lines()
    assert "level=error" in line and "event=page.error page=proposals" in line
    assert "ZeroDivisionError" in line and "Traceback" in line


def test_streamlit_rerun_and_stop_are_not_errors(lines):
    class Rerun(BaseException):  # what Streamlit's RerunException derives from
        pass

    with pytest.raises(Rerun), page_run("home"):
        raise Rerun()
    assert lines() == []


def test_a_slow_run_is_logged(lines, monkeypatch):
    monkeypatch.setattr(observability, "SLOW_RUN_SECONDS", 0.0)
    with page_run("dashboard"):
        pass
    (line,) = lines()
    assert "level=warning" in line and "event=page.slow page=dashboard seconds=" in line


def test_warnings_from_libraries_pass_and_their_chatter_does_not(lines):
    logging.getLogger("some.library").info("chatter")
    logging.getLogger("some.library").warning("disk almost full")
    assert [line.split("event=")[1] for line in lines()] == ['"disk almost full"']


def test_the_formatter_on_a_plain_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert LogfmtFormatter().format(record).endswith('event="hello world"')
