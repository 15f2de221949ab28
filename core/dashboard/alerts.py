"""Alerts that change the process: the people taking part in one hearing, poll or proposal's
discussion are markedly unlike the residents, or a few of them do most of it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from core import analytics
from core.community import viewers_community
from core.dashboard.figures import representation_table
from core.dashboard.filters import DIMENSIONS, Filters
from core.dashboard.people import person_counts
from core.errors import InvalidInput
from core.permissions import require
from core.principal import Principal

ALERT_KINDS = {
    "hearing": ["hearing_registration", "attendance"],
    "poll": ["vote"],
    "proposal": ["comment"],
}
MIN_PARTICIPANTS = 10


class GroupAlert(BaseModel):
    """A group markedly under- or over-represented among the people taking part."""

    kind: Literal["under", "over"]
    dimension: str
    group: str
    ratio: float
    share: None = None
    action: str  # message key of the suggested action


class DominanceAlert(BaseModel):
    """The most active 10% make more than the community's level of a discussion."""

    kind: Literal["dominated"]
    dimension: None = None
    group: None = None
    ratio: None = None
    share: float  # top-10% share
    action: str  # message key of the suggested action


Alert = GroupAlert | DominanceAlert


def representation_alerts(
    *,
    actor: Principal,
    object_type: str,
    object_id: int,
    k: int | None = None,
    dominance: float | None = None,
) -> list[Alert]:
    """Warnings that the people taking part in one hearing, poll or proposal's discussion are
    markedly unlike the residents: a group's ratio below 0.5 or above 2 with its 95% interval
    excluding 1, or the most active 10% making more than `dominance` of the activity (the
    community's level, set by an admin, unless given; groups under the community's k, unless
    given, are never named)."""
    require(actor, "hearing.manage")
    if dominance is None or k is None:
        community = viewers_community(actor)
        dominance = community.dominance_alert if dominance is None else dominance
        k = community.disclosure_k if k is None else k
    if object_type not in ALERT_KINDS:
        raise InvalidInput("field.not_a_choice", field="object")
    frame = person_counts(
        actor=actor,
        filters=Filters(
            kinds=ALERT_KINDS[object_type], object_type=object_type, object_id=object_id
        ),
    )
    if (frame["count"] > 0).sum() < MIN_PARTICIPANTS:
        return []
    alerts: list[Alert] = []
    for dimension in DIMENSIONS:
        table = representation_table(frame, dimension, k=k)
        for row in table[~table["suppressed"]].itertuples():
            kind: Literal["under", "over"]
            if row.ratio < 0.5 and row.ci_high < 1:
                kind = "under"
            elif row.ratio > 2 and row.ci_low > 1:
                kind = "over"
            else:
                continue
            alerts.append(
                GroupAlert(
                    kind=kind,
                    dimension=dimension,
                    group=str(row.group),
                    ratio=float(row.ratio),
                    action=f"alert.action.{object_type}.{kind}",
                )
            )
    active = frame[frame["count"] > 0]  # among those who commented: do a few write most?
    top_active = analytics.top_share(active["count"].to_numpy(), 0.1)
    if object_type == "proposal" and top_active > dominance:
        alerts.append(
            DominanceAlert(
                kind="dominated",
                share=top_active,
                action="alert.action.proposal.dominated",
            )
        )
    return alerts
