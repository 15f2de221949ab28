"""Figures drawn from the per-resident frame: representation of groups among participants,
Duncan's dissimilarity, and how much of the inequality each dimension explains."""

from __future__ import annotations

import pandas as pd

from core import analytics
from core.community import newest_census
from core.dashboard.filters import DEFAULT_K, DIMENSIONS, UNDISCLOSED
from core.permissions import require
from core.principal import Principal
from db.engine import read_session

# Every figure of a row that could be read or subtracted from a margin: blank when hidden.
HIDDEN_FIGURES = [
    "participants",
    "persons",
    "participant_share",
    "population_share",
    "ratio",
    "ci_low",
    "ci_high",
]


def hidden_groups(sides: list[dict], k: int) -> set:
    """The groups to hide in a table with several count columns over the same groups (e.g.
    residents and participants): each column's own `analytics.suppressed` set, their union,
    and that union completed by the same rule on every column again until nothing changes,
    so that no column gives a hidden group away by subtraction."""
    hidden: set = set()
    for sizes in sides:
        hidden |= analytics.suppressed(sizes, k)
    while True:
        before = len(hidden)
        for sizes in sides:
            hidden = analytics.suppressed(sizes, k, hidden=hidden)
        if len(hidden) == before:
            return hidden


def representation_table(
    frame: pd.DataFrame,
    dimension: str,
    *,
    k: int = DEFAULT_K,
    population: dict | None = None,
    taking_part: pd.Series | None = None,
) -> pd.DataFrame:
    """Participants (count > 0, or those `taking_part` marks) against the population by
    group: the roster in scope, or `population` (e.g. census shares). Undisclosed residents
    are left out of both sides.

    Disclosure: the groups to hide follow `analytics.suppressed` on the roster counts and on
    the participant counts, completed on both (see `hidden_groups`). A hidden group keeps
    its row with `suppressed` True and every figure blank (NaN): participants, persons,
    participant_share, population_share, ratio, ci_low and ci_high, so that neither the
    row nor a margin minus the published rows gives it away."""
    known = frame[dimension] != UNDISCLOSED
    active = (frame["count"] > 0) if taking_part is None else taking_part
    participants = frame.loc[known & active, dimension].value_counts().to_dict()
    roster = frame.loc[known, dimension].value_counts().to_dict()
    table = analytics.representation(participants, population or roster)
    table["participants"] = table["group"].map(lambda g: participants.get(g, 0))
    table["persons"] = table["group"].map(lambda g: roster.get(g, 0))
    groups = list(table["group"])
    hidden = hidden_groups(
        [{g: roster.get(g, 0) for g in groups}, {g: participants.get(g, 0) for g in groups}], k
    )
    table["suppressed"] = table["group"].isin(hidden)
    table[["participants", "persons"]] = table[["participants", "persons"]].astype(float)
    table.loc[table["suppressed"], HIDDEN_FIGURES] = float("nan")
    return table


def channel_representation(
    frame: pd.DataFrame, dimension: str, *, k: int = DEFAULT_K, population: dict | None = None
) -> pd.DataFrame:
    """The representation table twice, once for the residents who took part online and once
    for those who took part offline (column `channel`): does the offline channel reach the
    groups the online one misses? Each channel's table hides its groups as
    `representation_table` does; the roster side is the same on both, so a group hidden for
    its roster count is hidden on both."""
    online = frame["acts"] > frame["offline"]
    offline = frame["offline"] > 0
    return pd.concat(
        [
            representation_table(
                frame, dimension, k=k, population=population, taking_part=online
            ).assign(channel="online"),
            representation_table(
                frame, dimension, k=k, population=population, taking_part=offline
            ).assign(channel="offline"),
        ],
        ignore_index=True,
    )


def dissimilarity(frame: pd.DataFrame, dimension: str, *, population: dict | None = None) -> float:
    """Duncan's index of participants against the population for one dimension (a single
    figure over all groups, so no small cell shows)."""
    known = frame[frame[dimension] != UNDISCLOSED]
    participants = known[known["count"] > 0][dimension].value_counts().to_dict()
    if not participants:
        return 0.0
    return analytics.dissimilarity(
        participants, population or known[dimension].value_counts().to_dict()
    )


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
    assert actor.community_id is not None  # a dashboard viewer is signed in, in a community
    with read_session() as s:
        census = newest_census(s, actor.community_id, [dimension])
    return census.get(dimension, (None, {}))[1]
