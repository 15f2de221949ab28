"""Where and when: the share of each building's residents who did each kind of activity, and
activity over time, under the dashboard's filters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Integer, String, column, func, literal, literal_column, values
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP
from sqlmodel import col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from core import analytics
from core.community import viewers_community
from core.dashboard.figures import hidden_groups
from core.dashboard.filters import (
    Filters,
    check,
    event_conditions,
    local_midnight,
    measure,
    period_conditions,
)
from core.dashboard.people import scope_and_events
from core.participation import staff_residents
from core.permissions import require
from core.principal import Principal
from core.rows import stored_id
from db.engine import read_session
from db.models import Community, ParticipationEvent, Resident
from db.models.records import PARTICIPATION_KINDS

MAX_BUCKETS = 60


def building_rates(people: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Per building, from the per-resident counts (`person_counts`): roster residents,
    participants (at least one act under the filters) and their ratio, `rate`.

    Disclosure: buildings are hidden by the rule of `core.analytics.suppressed` on the
    roster and the participant counts together (`suppressed` True; roster, participants and
    rate blank), as groups are in the representation table."""
    rates = (
        people.assign(taking_part=people["count"] > 0)
        .groupby("building")
        .agg(roster=("resident_id", "size"), participants=("taking_part", "sum"))
        .reset_index()
    )
    rates["rate"] = rates["participants"] / rates["roster"]
    hidden = hidden_groups(
        [
            dict(zip(rates["building"], rates["roster"], strict=True)),
            dict(zip(rates["building"], rates["participants"], strict=True)),
        ],
        k,
    )
    rates["suppressed"] = rates["building"].isin(hidden)
    rates[["roster", "participants", "rate"]] = rates[["roster", "participants", "rate"]].astype(
        float
    )
    rates.loc[rates["suppressed"], ["roster", "participants", "rate"]] = float("nan")
    return rates


def building_activity(*, actor: Principal, filters: Filters, k: int | None = None) -> pd.DataFrame:
    """building, kind, share, suppressed: the share of each building's residents who did
    each kind of activity under the filters (one grouped query; staff excluded).

    Disclosure: within each kind, the buildings whose number of residents doing it would
    give someone away are hidden by `core.analytics.suppressed` at k (the community's, unless
    given): `suppressed` True and `share` blank."""
    require(actor, "dashboard.view")
    check(filters)
    event = ParticipationEvent
    with read_session() as s:
        scope, where = scope_and_events(s, actor, filters)
        pairs = (
            select(event.resident_id, event.kind)
            .where(*where)
            .group_by(col(event.resident_id), col(event.kind))
            .subquery()
        )
        query = (
            select(Resident.building_id, pairs.c.kind, func.count())
            .join(Resident, col(Resident.id) == pairs.c.resident_id)
            .where(col(Resident.id).not_in(staff_residents()))
            .group_by(col(Resident.building_id), pairs.c.kind)
        )
        if filters.building_id is not None:
            query = query.where(Resident.building_id == filters.building_id)
        active = s.exec(query).all()
    if k is None:
        k = viewers_community(actor).disclosure_k
    sizes = scope.groupby("building_id").size().to_dict()
    codes = dict(zip(scope["building_id"], scope["building"], strict=True))
    counts = [(codes[b], kind, n, sizes[b]) for b, kind, n in active if sizes.get(b)]
    hidden = set()
    for kind in {kind for _, kind, _, _ in counts}:
        doing = {b: n for b, kd, n, _ in counts if kd == kind}
        hidden |= {(b, kind) for b in analytics.suppressed(doing, k)}
    rows = [
        {
            "building": b,
            "kind": kind,
            "share": float("nan") if (b, kind) in hidden else n / size,
            "suppressed": (b, kind) in hidden,
        }
        for b, kind, n, size in counts
    ]
    return pd.DataFrame(rows, columns=["building", "kind", "share", "suppressed"])


def _buckets(first: date, last: date) -> tuple[str, list[date]]:
    """The granularity ("day", "week", "month" or "year") that gives at most MAX_BUCKETS
    periods from `first` to `last`, and the periods' first days plus the day after the end."""
    span = (last - first).days + 1
    if span <= MAX_BUCKETS:
        return "day", [first + timedelta(days=i) for i in range(span + 1)]
    if span <= MAX_BUCKETS * 7:
        monday = first - timedelta(days=first.weekday())
        starts = [monday]
        while starts[-1] <= last:
            starts.append(starts[-1] + timedelta(days=7))
        return "week", starts
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = 1 if months <= MAX_BUCKETS else 12
    starts = [date(first.year, first.month if step == 1 else 1, 1)]
    while starts[-1] <= last:
        month = starts[-1].month - 1 + step
        starts.append(date(starts[-1].year + month // 12, month % 12 + 1, 1))
    return ("month" if step == 1 else "year"), starts


def trends(*, actor: Principal, filters: Filters) -> tuple[str, pd.DataFrame]:
    """(granularity, frame of period, kind, value): activity per day, week, month or year
    (whichever keeps the chart readable) over the filters' period, or from the first event to
    today. `value` counts acts, or seconds (hours) when the filters select speaking time
    (volunteer hours) alone.

    Each database counts the periods its fastest way (see the two helpers below); periods
    start at local midnight, not UTC's."""
    require(actor, "dashboard.view")
    check(filters)
    event = ParticipationEvent
    kinds = filters.kinds or list(PARTICIPATION_KINDS)
    value = (
        func.coalesce(func.sum(event.amount), 0.0) if measure(filters) != "acts" else func.count()
    )
    with read_session() as s:
        community = s.get(Community, actor.community_id)
        assert community is not None  # a dashboard viewer is signed in, in a community
        tz = ZoneInfo(community.timezone)
        where = event_conditions(
            stored_id(community.id),
            community.timezone,
            filters,
            with_period=False,
            with_kinds=False,
        )
        where.append(col(event.resident_id).not_in(staff_residents()))
        if filters.object_id is not None:
            return _trends_of_few(s, where, filters, kinds, community.timezone)
        first, last = filters.start, filters.end
        if first is None:  # the community's first such event (a building's axis starts there
            # too, so that buildings can be compared)
            earliest = [
                t
                for t in s.execute(
                    select(
                        *[
                            select(func.min(event.at))
                            .where(*where, event.kind == kind)
                            .scalar_subquery()
                            for kind in kinds
                        ]
                    )
                ).one()
                if t is not None
            ]
            if not earliest:
                return "day", pd.DataFrame(columns=["period", "kind", "value"])
            first = min(earliest).astimezone(tz).date()
        granularity, starts = _buckets(first, max(first, last or datetime.now(tz).date()))
        if filters.building_id is not None:
            where.append(
                col(event.resident_id).in_(
                    select(Resident.id).where(Resident.building_id == filters.building_id)
                )
            )
        edges = [local_midnight(day, community.timezone) for day in starts]
        count = (
            _counted_by_width_bucket
            if s.get_bind().dialect.name == "postgresql"
            else _counted_cell_by_cell
        )
        counted = count(s, where, kinds, edges, value)
    frame = pd.DataFrame(
        [
            (starts[i], kind, float(counted.get((kind, i), 0.0)))
            for kind in kinds
            for i in range(len(starts) - 1)
        ],
        columns=["period", "kind", "value"],
    )
    return granularity, _present(frame)


def _counted_cell_by_cell(s, where: list, kinds: list[str], edges: list, value) -> dict:
    """{(kind, period index): value}: the cells (kind, UTC bounds) go to the database as a
    VALUES list and each is counted by a correlated subquery, an index range count over the
    kind/time covering index (SQLite plans it so; grouping by a computed period would
    evaluate it on every row)."""
    event = ParticipationEvent
    cells = [(kind, i) for kind in kinds for i in range(len(edges) - 1)]
    bucket = (
        values(
            column("kind", String),
            column("lo", UTCDateTime()),
            column("hi", UTCDateTime()),
            column("cell", Integer),
            name="bucket",
        )
        .data([(kind, edges[i], edges[i + 1], n) for n, (kind, i) in enumerate(cells)])
        .cte("bucket")
    )
    in_cell = (
        select(value)
        .where(*where, event.kind == bucket.c.kind, event.at >= bucket.c.lo, event.at < bucket.c.hi)
        .correlate(bucket)
        .scalar_subquery()
    )
    return {
        cells[n]: v for n, v in s.execute(select(bucket.c.cell, in_cell).select_from(bucket)).all()
    }


def _counted_by_width_bucket(s, where: list, kinds: list[str], edges: list, value) -> dict:
    """{(kind, period index): value} on PostgreSQL: one grouped (and parallel) scan with
    width_bucket over the period bounds, which it runs faster than many small range counts
    when a building or several kinds are selected."""
    event = ParticipationEvent
    period = func.width_bucket(event.at, literal(edges, type_=ARRAY(TIMESTAMP(timezone=True))))
    rows = s.execute(
        select(event.kind, period, value)
        .where(*where, col(event.kind).in_(kinds), event.at >= edges[0], event.at < edges[-1])
        .group_by(literal_column("1"), literal_column("2"))
    ).all()
    return {(kind, n - 1): v for kind, n, v in rows}


def _present(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the kinds that happened at all in the period shown."""
    shown = frame.groupby("kind")["value"].transform("sum") > 0
    return frame[shown].reset_index(drop=True)


def _trends_of_few(
    s, where: list, filters: Filters, kinds: list[str], timezone: str
) -> tuple[str, pd.DataFrame]:
    """Trends of one hearing, poll or proposal: its few events' kind and time are read
    through the object index and counted here."""
    event = ParticipationEvent
    where = [*where, col(event.kind).in_(kinds)]
    if filters.building_id is not None:
        where.append(
            col(event.resident_id).in_(
                select(Resident.id).where(Resident.building_id == filters.building_id)
            )
        )
    where += period_conditions(filters, timezone)
    rows = s.connection().execute(select(event.kind, event.at, event.amount).where(*where)).all()
    if not rows:
        return "day", pd.DataFrame(columns=["period", "kind", "value"])
    events = pd.DataFrame([tuple(r) for r in rows], columns=["kind", "at", "amount"])
    at = pd.to_datetime(events["at"], utc=True)
    tz = ZoneInfo(timezone)
    first = filters.start or at.min().tz_convert(tz).date()
    granularity, starts = _buckets(first, max(first, filters.end or datetime.now(tz).date()))
    edges = pd.DatetimeIndex([local_midnight(day, timezone) for day in starts]).tz_convert("UTC")
    events["cell"] = (
        np.searchsorted(edges.asi8, at.dt.tz_convert("UTC").astype("int64"), side="right") - 1
    )
    events["value"] = events["amount"] if measure(filters) != "acts" else 1.0
    counted = events.groupby(["kind", "cell"])["value"].sum()
    frame = pd.DataFrame(
        [
            (day, kind, float(counted.get((kind, i), 0.0)))
            for kind in kinds
            for i, day in enumerate(starts[:-1])
        ],
        columns=["period", "kind", "value"],
    )
    return granularity, _present(frame)
