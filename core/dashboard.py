"""The participation dashboard's data: per-resident activity counts under the filters (one
grouped SQL query; residents who did nothing count as 0), and the figures drawn from them.

Privacy: staff accounts are not residents and stay out; demographics appear only for
residents who consented to research (others are "undisclosed"); a group with fewer than k
persons is suppressed, with a second group suppressed alongside when one alone would be
given away by the total.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import col, select

from core import analytics
from core.community import newest_census
from core.errors import InvalidInput
from core.participation import staff_residents
from core.permissions import require
from core.principal import Principal
from db.engine import read_session
from db.models import (Building, Community, ParticipationEvent, Poll,
                       PollOption, Proposal, Resident, User)
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


def _check(filters: Filters) -> None:
    if any(k not in PARTICIPATION_KINDS for k in filters.kinds):
        raise InvalidInput("field.not_a_choice", field="kind")
    if filters.channel not in (None, "online", "offline"):
        raise InvalidInput("field.not_a_choice", field="channel")
    if filters.start and filters.end and filters.end < filters.start:
        raise InvalidInput("dashboard.bad_period", field="period")
    if filters.object_type not in (None, "hearing", "poll", "proposal"):
        raise InvalidInput("field.not_a_choice", field="object")


def _utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))


def _event_filter(s, actor: Principal, filters: Filters) -> list:
    community = s.get(Community, actor.community_id)
    where = [ParticipationEvent.community_id == actor.community_id,
             col(ParticipationEvent.resident_id).is_not(None)]
    if filters.start:
        where.append(ParticipationEvent.at >= _utc(filters.start, community.timezone))
    if filters.end:
        where.append(ParticipationEvent.at < _utc(filters.end + timedelta(days=1),
                                                  community.timezone))
    if filters.kinds:
        where.append(col(ParticipationEvent.kind).in_(filters.kinds))
    if filters.channel:
        where.append(ParticipationEvent.channel == filters.channel)
    if filters.object_type and filters.object_id is not None:
        where += [ParticipationEvent.object_type == filters.object_type,
                  ParticipationEvent.object_id == filters.object_id]
    return where


def person_counts(*, actor: Principal, filters: Filters) -> pd.DataFrame:
    """One row per resident in scope: resident_id, building, the consented demographics
    (else "undisclosed"), and `count`, their events under the filters (0 if none)."""
    require(actor, "dashboard.view")
    _check(filters)
    with read_session() as s:
        where = _event_filter(s, actor, filters)
        events = (select(ParticipationEvent.resident_id.label("rid"),
                         func.count().label("n"))
                  .where(*where).group_by(ParticipationEvent.resident_id).subquery())
        staff = staff_residents()
        query = (select(Resident.id, Building.code, Resident.research_consent,
                        Resident.age_band, Resident.education, Resident.residency_status,
                        func.coalesce(events.c.n, 0))
                 .join(Building, Building.id == Resident.building_id)
                 .join(events, events.c.rid == Resident.id, isouter=True)
                 .where(Resident.community_id == actor.community_id,
                        col(Resident.id).not_in(staff)))
        if filters.building_id is not None:
            query = query.where(Resident.building_id == filters.building_id)
        rows = [tuple(row) for row in s.execute(query).all()]  # plain tuples: fast for pandas
    frame = pd.DataFrame(rows, columns=["resident_id", "building", "consent", "age_band",
                                        "education", "residency_status", "count"])
    for column in ("age_band", "education", "residency_status"):
        frame[column] = frame[column].where(frame["consent"].astype(bool) &
                                            frame[column].notna(), UNDISCLOSED)
    return frame.drop(columns="consent")


def representation_table(frame: pd.DataFrame, dimension: str, *, k: int = DEFAULT_K,
                         population: dict | None = None) -> pd.DataFrame:
    """Participants (count > 0) against the population by group: the roster in scope, or
    `population` (e.g. census shares). Undisclosed residents are left out of both sides;
    suppressed groups keep their row with NaN figures and `suppressed` True."""
    known = frame[frame[dimension] != UNDISCLOSED]
    participants = known[known["count"] > 0][dimension].value_counts().to_dict()
    roster = known[dimension].value_counts().to_dict()
    table = analytics.representation(participants, population or roster)
    table["participants"] = table["group"].map(lambda g: participants.get(g, 0))
    table["persons"] = table["group"].map(lambda g: roster.get(g, 0))
    hidden = analytics.suppressed({g: roster.get(g, 0) for g in table["group"]}, k) | \
        analytics.suppressed({g: participants.get(g, 0) for g in table["group"]}, k)
    table["suppressed"] = table["group"].isin(hidden)
    figures = ["participant_share", "ratio", "ci_low", "ci_high", "participants"]
    table.loc[table["suppressed"], figures] = float("nan")
    return table


def dissimilarity(frame: pd.DataFrame, dimension: str, *,
                  population: dict | None = None) -> float:
    """Duncan's index of participants against the population for one dimension (a single
    figure over all groups, so no small cell shows)."""
    known = frame[frame[dimension] != UNDISCLOSED]
    participants = known[known["count"] > 0][dimension].value_counts().to_dict()
    if not participants:
        return 0.0
    return analytics.dissimilarity(participants,
                                   population or known[dimension].value_counts().to_dict())


def explained_by(frame: pd.DataFrame) -> pd.DataFrame:
    """The share of the Theil inequality that each dimension explains (between / total),
    over the residents whose value is disclosed."""
    rows = []
    for dimension in DIMENSIONS:
        known = frame[frame[dimension] != UNDISCLOSED]
        if known.empty:
            continue
        parts = analytics.theil_decomposition(known["count"].to_numpy(), known[dimension])
        share = parts["between"] / parts["total"] if parts["total"] else 0.0
        rows.append({"dimension": dimension, "explained": share})
    return pd.DataFrame(rows, columns=["dimension", "explained"])


def census_shares(*, actor: Principal, dimension: str) -> dict[str, float]:
    """The newest census baseline of one dimension ({} when there is none)."""
    require(actor, "dashboard.view")
    with read_session() as s:
        census = newest_census(s, actor.community_id, [dimension])
    return census.get(dimension, (None, {}))[1]


def building_activity(*, actor: Principal, filters: Filters) -> pd.DataFrame:
    """building, kind, share: the share of each building's residents who did each kind of
    activity under the filters (one grouped query; staff excluded)."""
    require(actor, "dashboard.view")
    _check(filters)
    with read_session() as s:
        staff = staff_residents()
        active = s.exec(
            select(Building.code, ParticipationEvent.kind,
                   func.count(func.distinct(ParticipationEvent.resident_id)))
            .join(Resident, Resident.id == ParticipationEvent.resident_id)
            .join(Building, Building.id == Resident.building_id)
            .where(*_event_filter(s, actor, filters), col(Resident.id).not_in(staff))
            .group_by(Building.code, ParticipationEvent.kind)).all()
        sizes = dict(s.exec(select(Building.code, func.count(Resident.id))
                            .join(Resident, Resident.building_id == Building.id)
                            .where(Building.community_id == actor.community_id,
                                   col(Resident.id).not_in(staff))
                            .group_by(Building.code)).all())
    rows = [{"building": code, "kind": kind, "share": n / sizes[code] if sizes.get(code) else 0.0}
            for code, kind, n in active]
    return pd.DataFrame(rows, columns=["building", "kind", "share"])


ADOPTED = ("accepted", "in_progress", "implemented")


class Influence(BaseModel):
    adopted: int  # proposals accepted, in progress or implemented, or funded by a budget poll
    from_top: int  # of those, proposed by the most active 10% under the filters
    share: float
    top_share_of_people: float  # what an equal share would be: 0.1


def influence(*, actor: Principal, frame: pd.DataFrame) -> Influence:
    """How much of what got adopted came from the most active tenth of residents."""
    require(actor, "dashboard.view")
    ranked = frame.sort_values("count", ascending=False, kind="stable")
    top = set(ranked.head(max(1, -(-len(ranked) // 10)))["resident_id"]) \
        if ranked["count"].sum() else set()
    with read_session() as s:
        funded_options = [option for tally in s.exec(select(Poll.tally).where(
            Poll.community_id == actor.community_id, Poll.method == "budget",
            Poll.status == "closed")).all() if tally
            for option in json.loads(tally)["equal_shares"]["funded"]]
        funded = select(PollOption.proposal_id).where(col(PollOption.id).in_(funded_options),
                                                      col(PollOption.proposal_id).is_not(None))
        rows = s.exec(select(Proposal.id, User.resident_id)
                      .join(User, User.id == Proposal.author_id)
                      .where(Proposal.community_id == actor.community_id,
                             col(Proposal.status).in_(ADOPTED)
                             | col(Proposal.id).in_(funded))).all()
    adopted = len(rows)
    from_top = sum(1 for _, rid in rows if rid in top)
    return Influence(adopted=adopted, from_top=from_top,
                     share=from_top / adopted if adopted else 0.0, top_share_of_people=0.1)


ALERT_KINDS = {"hearing": ["hearing_registration", "attendance"], "poll": ["vote"],
               "proposal": ["comment"]}
MIN_PARTICIPANTS = 10


class Alert(BaseModel):
    kind: str  # "under", "over" or "dominated"
    dimension: str | None
    group: str | None
    ratio: float | None
    share: float | None  # top-10% share, for "dominated"
    action: str  # message key of the suggested action


def representation_alerts(*, actor: Principal, object_type: str, object_id: int,
                          k: int = DEFAULT_K, dominance: float = 0.5) -> list[Alert]:
    """Warnings that the people taking part in one hearing, poll or proposal's discussion are
    markedly unlike the residents: a group's ratio below 0.5 or above 2 with its 95% interval
    excluding 1, or the most active 10% making more than `dominance` of the activity."""
    require(actor, "hearing.manage")
    if object_type not in ALERT_KINDS:
        raise InvalidInput("field.not_a_choice", field="object")
    frame = person_counts(actor=actor, filters=Filters(
        kinds=ALERT_KINDS[object_type], object_type=object_type, object_id=object_id))
    if (frame["count"] > 0).sum() < MIN_PARTICIPANTS:
        return []
    alerts = []
    for dimension in DIMENSIONS:
        table = representation_table(frame, dimension, k=k)
        for row in table[~table["suppressed"]].itertuples():
            if row.ratio < 0.5 and row.ci_high < 1:
                kind = "under"
            elif row.ratio > 2 and row.ci_low > 1:
                kind = "over"
            else:
                continue
            alerts.append(Alert(kind=kind, dimension=dimension, group=str(row.group),
                                ratio=float(row.ratio), share=None,
                                action=f"alert.action.{object_type}.{kind}"))
    active = frame[frame["count"] > 0]  # among those who commented: do a few write most?
    top_active = analytics.top_share(active["count"].to_numpy(), 0.1)
    if object_type == "proposal" and top_active > dominance:
        alerts.append(Alert(kind="dominated", dimension=None, group=None, ratio=None,
                            share=top_active, action="alert.action.proposal.dominated"))
    return alerts


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    safe.columns = ["'" + c if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c
                    for c in safe.columns]
    return safe


def pseudonymised_persons(*, actor: Principal, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per consenting resident: a fresh random id (new at every export), coarse
    groups and the activity count; ready for a CSV."""
    require(actor, "dashboard.view")
    import secrets

    with read_session() as s:
        consenting = set(s.exec(select(Resident.id).where(
            Resident.community_id == actor.community_id,
            col(Resident.research_consent).is_(True))).all())
    rows = frame[frame["resident_id"].isin(consenting)].sample(frac=1.0)  # shuffled
    table = pd.DataFrame({"person": [secrets.token_hex(6) for _ in range(len(rows))],
                          "building": rows["building"].to_numpy(),
                          "age_band": rows["age_band"].to_numpy(),
                          "education": rows["education"].to_numpy(),
                          "residency_status": rows["residency_status"].to_numpy(),
                          "count": rows["count"].to_numpy()})
    return spreadsheet_safe(table)
