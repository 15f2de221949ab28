"""Who is in scope and how active each of them was: the per-resident frame every figure of
the dashboard is drawn from.

The roster side (resident, building, consented demographics) does not depend on the filters,
so it is read once and kept per process, keyed by a stamp of the community's residents
(count, newest id, newest change); the event side is one grouped query per filter change over
the per-resident covering index.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Executable, func
from sqlmodel import Session, col, select

from core.dashboard.filters import (
    AMOUNT_MEASURES,
    UNDISCLOSED,
    Filters,
    check,
    event_conditions,
    measure,
)
from core.participation import staff_residents
from core.permissions import require
from core.principal import Principal
from core.rows import stored_id
from db.engine import read_session
from db.models import Building, Community, ParticipationEvent, Resident

DEMOGRAPHICS = ("age_band", "education", "residency_status")
_rosters: dict[tuple[str, int], tuple[tuple, pd.DataFrame]] = {}
_rosters_lock = threading.Lock()


def plain_rows(s: Session, statement: Executable) -> Sequence[Any]:
    """The rows straight from the database driver, skipping SQLAlchemy's per-row processing:
    for large results of plain numbers and strings (tens of thousands of residents)."""
    result = s.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _roster(s: Session, community_id: int) -> pd.DataFrame:
    """resident_id, building_id and the demographics (UNDISCLOSED without research consent)
    of every resident of the community, staff included (they are dropped per call)."""
    stamp = tuple(
        s.exec(
            select(func.count(), func.max(Resident.id), func.max(Resident.updated_at)).where(
                Resident.community_id == community_id
            )
        ).one()
    )
    key = (str(s.get_bind().engine.url), community_id)
    cached = _rosters.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    rows = plain_rows(
        s,
        select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
            Resident.id,
            Resident.building_id,
            Resident.research_consent,
            Resident.age_band,
            Resident.education,
            Resident.residency_status,
        )
        .where(Resident.community_id == community_id)
        .order_by(Resident.id),
    )
    frame = pd.DataFrame(rows, columns=["resident_id", "building_id", "consent", *DEMOGRAPHICS])
    consented = frame["consent"].astype(bool)
    for column in DEMOGRAPHICS:
        frame[column] = frame[column].where(consented & frame[column].notna(), UNDISCLOSED)
    frame = frame.drop(columns="consent")
    with _rosters_lock:
        _rosters[key] = (stamp, frame)
    return frame


def _in_scope(s: Session, community_id: int, building_id: int | None) -> pd.DataFrame:
    """The residents the figures are about: the roster without staff, in one building if
    asked, with the building's code beside its id."""
    roster = _roster(s, community_id)
    staff = set(s.exec(staff_residents()).all())
    scope = roster[~roster["resident_id"].isin(staff)]
    if building_id is not None:
        scope = scope[scope["building_id"] == building_id]
    codes = dict(
        s.exec(
            select(Building.id, Building.code).where(Building.community_id == community_id)
        ).all()
    )
    scope = scope.assign(building=scope["building_id"].map(codes))
    return scope.reset_index(drop=True)


def scope_and_events(s: Session, actor: Principal, filters: Filters) -> tuple[pd.DataFrame, list]:
    """The residents in scope (see _in_scope) and the WHERE conditions on their events under
    the filters: what every per-resident query of the dashboard starts from."""
    community = s.get(Community, actor.community_id)
    assert community is not None  # a dashboard viewer is signed in, in a community
    community_id = stored_id(community.id)
    return (
        _in_scope(s, community_id, filters.building_id),
        event_conditions(community_id, community.timezone, filters),
    )


def person_counts(*, actor: Principal, filters: Filters) -> pd.DataFrame:
    """One row per resident in scope: resident_id, building, the consented demographics
    (else "undisclosed"); `acts` and `offline` (their events under the filters, and how many
    of them offline, 0 if none) and `count`, the measure: acts, or seconds spoken (hours
    given) when the filters select speaking time (volunteer hours) alone."""
    require(actor, "dashboard.view")
    check(filters)
    event = ParticipationEvent
    amounts = measure(filters) != "acts"  # seconds or hours: the sum of the events' amounts
    with read_session() as s:
        scope, where = scope_and_events(s, actor, filters)
        rows = plain_rows(
            s,
            select(
                event.resident_id,
                func.count(),
                func.count().filter(col(event.channel) == "offline"),
                func.coalesce(func.sum(event.amount), 0.0) if amounts else func.count(),
            )
            .where(*where)
            .group_by(col(event.resident_id)),
        )
    counted = pd.DataFrame(rows, columns=["resident_id", "acts", "offline", "count"]).set_index(
        "resident_id"
    )
    frame = scope.drop(columns="building_id")
    for column in ("acts", "offline", "count"):
        frame[column] = frame["resident_id"].map(counted[column]).fillna(0)
    frame["acts"] = frame["acts"].astype(int)
    frame["offline"] = frame["offline"].astype(int)
    if not amounts:
        frame["count"] = frame["count"].astype(int)
    return frame


def kind_counts(*, actor: Principal, filters: Filters) -> pd.DataFrame:
    """One row per resident in scope and one column per kind of activity (the kinds filter
    chosen, or all kinds that occur): their events of that kind under the other filters
    (speaking time in seconds, volunteer hours in hours). For Lorenz curves by kind; one
    grouped query."""
    require(actor, "dashboard.view")
    check(filters)
    event = ParticipationEvent
    with read_session() as s:
        scope, where = scope_and_events(s, actor, filters)
        rows = plain_rows(
            s,
            select(
                event.resident_id,
                event.kind,
                func.count(),
                func.coalesce(func.sum(event.amount), 0.0),
            )
            .where(*where)
            .group_by(col(event.resident_id), col(event.kind)),
        )
    counted = pd.DataFrame(rows, columns=["resident_id", "kind", "acts", "amount"])
    kinds = sorted(counted["kind"].unique())
    matrix = np.zeros((len(scope), len(kinds)))
    row = pd.Index(scope["resident_id"]).get_indexer(counted["resident_id"])
    column = pd.Index(kinds).get_indexer(counted["kind"])
    value = np.where(
        counted["kind"].isin(list(AMOUNT_MEASURES)), counted["amount"], counted["acts"]
    )
    inside = row >= 0  # staff and other buildings are not in scope
    matrix[row[inside], column[inside]] = value[inside]
    return pd.DataFrame(matrix, columns=kinds)


def has_activity(*, actor: Principal) -> bool:
    """Whether any resident of the community has taken part at all."""
    require(actor, "dashboard.view")
    with read_session() as s:
        return (
            s.exec(
                select(ParticipationEvent.id)
                .where(
                    ParticipationEvent.community_id == actor.community_id,
                    col(ParticipationEvent.resident_id).is_not(None),
                )
                .limit(1)
            ).first()
            is not None
        )
