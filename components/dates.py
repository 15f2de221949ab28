"""Dates and times picked in forms, in the community's time zone (hearings, polls, surveys,
organisations' activities)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_datetime(day, clock: time, tz: str) -> datetime | None:
    """Combine a date and a time picked in the community's time zone."""
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=ZoneInfo(tz))


def default_start(tz: str) -> datetime:
    """A week ahead at 19:00, local time: when a new meeting or poll is proposed by default."""
    now = datetime.now(ZoneInfo(tz))
    return (now + timedelta(days=7)).replace(hour=19, minute=0, second=0, microsecond=0)
