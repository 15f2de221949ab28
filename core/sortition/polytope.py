"""Types (pool members with the same quota-feature values) and the polytope of panel
compositions they span: one whole composition by MILP, and the diagnosis of infeasible quotas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from core.sortition.inputs import Quotas, SortitionError


@dataclass
class Types:
    """Pool members grouped by their values of the quota features."""

    sizes: np.ndarray  # n_t, persons per type
    positions: list[np.ndarray]  # pool row positions of each type's members
    rows: np.ndarray  # one constraint row per quota: 1 where the type has the value
    lower: np.ndarray  # quota minimums (persons)
    upper: np.ndarray  # quota maximums (persons)
    labels: list[tuple[str, object]]  # (feature, value) of each quota row
    available: np.ndarray  # pool members having each quota's value


def group_types(pool: pd.DataFrame, quotas: Quotas) -> Types:
    features = list(quotas)
    if features:
        codes = pool.groupby(features, sort=False, dropna=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(pool), dtype=int)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    positions = np.split(order, np.cumsum(sizes)[:-1])
    first = np.array([p[0] for p in positions])
    indicators: list[np.ndarray] = []
    lower: list[int] = []
    upper: list[int] = []
    labels: list[tuple[str, object]] = []
    for feature in features:
        values = pool[feature].iloc[first].reset_index(drop=True)
        for value, (low, high) in quotas[feature].items():
            indicators.append(values.eq(value).to_numpy(dtype=float))
            lower.append(low)
            upper.append(high)
            labels.append((feature, value))
    rows = np.array(indicators, dtype=float).reshape(len(labels), len(sizes))
    return Types(
        sizes=sizes,
        positions=positions,
        rows=rows,
        lower=np.array(lower, float),
        upper=np.array(upper, float),
        labels=labels,
        available=rows @ sizes if labels else np.zeros(0),
    )


def composition(
    types: Types,
    k: int,
    objective: np.ndarray | None = None,
    *,
    x_lower: np.ndarray | None = None,
    x_upper: np.ndarray | None = None,
    row_lower: np.ndarray | None = None,
    row_upper: np.ndarray | None = None,
    relaxed: frozenset[int] = frozenset(),
) -> np.ndarray | None:
    """A composition (persons per type, summing to k, within the per-type and per-quota
    bounds given, by default 0..n_t and the quotas) maximising objective @ x (MILP), or None
    if there is none. Quota rows in `relaxed` are ignored."""
    count = len(types.sizes)
    keep = [r for r in range(len(types.labels)) if r not in relaxed]
    row_lower = types.lower if row_lower is None else row_lower
    row_upper = types.upper if row_upper is None else row_upper
    matrix = np.vstack([np.ones((1, count)), types.rows[keep]])
    lower = np.concatenate([[k], row_lower[keep]])
    upper = np.concatenate([[k], row_upper[keep]])
    bounds = Bounds(
        np.zeros(count) if x_lower is None else x_lower, types.sizes if x_upper is None else x_upper
    )
    result = milp(
        c=np.zeros(count) if objective is None else -objective,
        constraints=LinearConstraint(matrix, lower, upper),
        integrality=np.ones(count),
        bounds=bounds,
        options={"mip_rel_gap": 1e-9},
    )
    if result.status == 2:
        return None
    if result.x is None:
        raise RuntimeError(f"sortition MILP failed: {result.message}")
    return np.rint(result.x).astype(int)


def diagnose(types: Types, k: int) -> None:
    """Raise the SortitionError that names why no composition exists (if none does)."""

    def infeasible(r: int) -> SortitionError:
        feature, value = types.labels[r]
        return SortitionError(
            "sortition.quota_infeasible",
            feature=feature,
            value=value,
            minimum=int(types.lower[r]),
            maximum=int(types.upper[r]),
            available=int(types.available[r]),
        )

    for r in range(len(types.labels)):
        if types.lower[r] > types.available[r]:
            raise infeasible(r)
    for feature in dict.fromkeys(feature for feature, _ in types.labels):
        quota_rows = [r for r, (f, _) in enumerate(types.labels) if f == feature]
        covered = types.rows[quota_rows].any(axis=0)
        capacity = int(
            np.minimum(types.upper[quota_rows], types.available[quota_rows]).sum()
            + types.sizes[~covered].sum()
        )
        if capacity < k:
            raise SortitionError("sortition.maximums_below_k", feature=feature, total=capacity, k=k)
    if composition(types, k) is not None:
        return
    for r in range(len(types.labels)):
        if composition(types, k, relaxed=frozenset([r])) is not None:
            raise infeasible(r)
    relaxed = set()
    for r in range(len(types.labels)):
        relaxed.add(r)
        if composition(types, k, relaxed=frozenset(relaxed)) is not None:
            raise infeasible(r)
    raise SortitionError("sortition.quotas_infeasible")  # unreachable: no quotas left
