"""Helpers for the moderator: proportional quotas from population shares, and the strata
overview shown before a draw."""

from __future__ import annotations

import math
import numbers

import pandas as pd

from core.sortition.inputs import PERSON_ID, Quotas, SortitionError, check_k, is_int


def proportional_quotas(
    pool: pd.DataFrame, baseline: dict[str, dict[object, float]], k: int, slack: int = 1
) -> Quotas:
    """Quotas from population shares: for each value, share x k rounded down minus `slack`
    to share x k rounded up plus `slack` persons, clipped to [0, members in the pool].

    baseline[feature][value] = share of the population (any non-negative numbers: they are
    normalised to sum to 1 per feature, so counts work too). Pool values missing from the
    baseline stay unconstrained."""
    k = check_k(k)
    if not is_int(slack) or slack < 0:
        raise SortitionError("sortition.bad_slack", slack=slack)
    quotas: Quotas = {}
    for feature, shares in baseline.items():
        if feature == PERSON_ID or feature not in pool.columns:
            raise SortitionError("sortition.unknown_feature", feature=feature)
        for value, share in shares.items():
            if (
                not isinstance(share, numbers.Real)
                or isinstance(share, bool)
                or not math.isfinite(share)
                or share < 0
            ):
                raise SortitionError("sortition.bad_share", feature=feature, value=value)
        total = float(sum(shares.values()))
        if total <= 0:
            raise SortitionError(
                "sortition.bad_share", feature=feature, value=next(iter(shares), None)
            )
        counts = pool[feature].value_counts(dropna=False)
        quotas[feature] = {}
        for value, share in shares.items():
            target = share / total * k
            available = int(counts.get(value, 0))
            low = min(max(0, math.floor(target + 1e-9) - slack), available)
            high = min(math.ceil(target - 1e-9) + slack, available, k)
            quotas[feature][value] = (low, high)
    return quotas


def strata_overview(
    pool: pd.DataFrame, quotas: Quotas, probabilities: pd.Series | None = None
) -> pd.DataFrame:
    """One row per (feature, value): pool_size (persons), quota_min and quota_max (persons;
    <NA> when unconstrained) and mean_probability (mean selection probability in [0, 1] of
    the pool members with that value; NaN without probabilities or members).

    Values are listed in quota order, then pool values without a quota."""
    records = []
    if probabilities is not None:
        person_probability = pool[PERSON_ID].map(probabilities)
    for feature, bounds in quotas.items():
        if feature == PERSON_ID or feature not in pool.columns:
            raise SortitionError("sortition.unknown_feature", feature=feature)
        column = pool[feature]
        values = list(bounds) + [v for v in column.drop_duplicates() if v not in bounds]
        for value in values:
            members = column.eq(value).to_numpy()
            low, high = bounds.get(value, (pd.NA, pd.NA))
            mean = (
                float(person_probability[members].mean())
                if probabilities is not None and members.any()
                else float("nan")
            )
            records.append(
                dict(
                    feature=feature,
                    value=value,
                    pool_size=int(members.sum()),
                    quota_min=low,
                    quota_max=high,
                    mean_probability=mean,
                )
            )
    frame = pd.DataFrame(
        records,
        columns=["feature", "value", "pool_size", "quota_min", "quota_max", "mean_probability"],
    )
    return frame.astype(
        {
            "pool_size": "int64",
            "quota_min": "Int64",
            "quota_max": "Int64",
            "mean_probability": "float64",
        }
    )
