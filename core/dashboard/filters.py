"""What the dashboard is looking at: the filters, their checks, and the SQL conditions they
put on participation events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlmodel import col

from core.errors import InvalidInput
from db.models import ParticipationEvent
from db.models.records import PARTICIPATION_KINDS

DIMENSIONS = ("age_band", "education", "residency_status", "building")
UNDISCLOSED = "undisclosed"
DEFAULT_K = 10


class Filters(BaseModel):
    start: date | None = None  # community-local days, inclusive
    end: date | None = None
    kinds: list[str] = Field(default_factory=list)  # empty: every kind
    channel: str | None = None
    building_id: int | None = None
    object_type: str | None = None  # "hearing", "poll" or "proposal"
    object_id: int | None = None


def check(filters: Filters) -> None:
    if any(k not in PARTICIPATION_KINDS for k in filters.kinds):
        raise InvalidInput("field.not_a_choice", field="kind")
    if filters.channel not in (None, "online", "offline"):
        raise InvalidInput("field.not_a_choice", field="channel")
    if filters.start and filters.end and filters.end < filters.start:
        raise InvalidInput("dashboard.bad_period", field="period")
    if filters.object_type not in (None, "hearing", "poll", "proposal"):
        raise InvalidInput("field.not_a_choice", field="object")


# Kinds whose events carry an amount that is the measure when the kind is selected alone.
AMOUNT_MEASURES = {"speaking": "seconds", "volunteer_hours": "hours"}


def measure(filters: Filters) -> str:
    """ "seconds" when the filters select speaking time alone (its events carry the seconds
    spoken), "hours" for volunteer hours alone (their events carry the hours given), else
    "acts": each event counts one."""
    if len(filters.kinds) == 1:
        return AMOUNT_MEASURES.get(filters.kinds[0], "acts")
    return "acts"


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))


def period_conditions(filters: Filters, timezone: str) -> list:
    """The filters' period as conditions on the events' time: local days, end inclusive."""
    where = []
    if filters.start:
        where.append(ParticipationEvent.at >= local_midnight(filters.start, timezone))
    if filters.end:
        where.append(
            ParticipationEvent.at < local_midnight(filters.end + timedelta(days=1), timezone)
        )
    return where


def event_conditions(
    community_id: int,
    timezone: str,
    filters: Filters,
    *,
    with_period: bool = True,
    with_kinds: bool = True,
) -> list:
    """WHERE conditions on ParticipationEvent for the filters (the building is applied on
    the roster side, where residents are)."""
    where = [
        ParticipationEvent.community_id == community_id,
        col(ParticipationEvent.resident_id).is_not(None),
    ]
    if with_period:
        where += period_conditions(filters, timezone)
    if with_kinds and filters.kinds:
        where.append(col(ParticipationEvent.kind).in_(filters.kinds))
    if filters.channel:
        where.append(ParticipationEvent.channel == filters.channel)
    if filters.object_type and filters.object_id is not None:
        where += [
            ParticipationEvent.object_type == filters.object_type,
            ParticipationEvent.object_id == filters.object_id,
        ]
    return where
