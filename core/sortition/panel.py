"""The public entry points: the fair distribution over panels, and drawing one panel."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.sortition.inputs import (
    PERSON_ID,
    Quotas,
    SortitionError,
    check_k,
    check_pool,
    check_quotas,
)
from core.sortition.leximin import PEEL_TOLERANCE, column_generation, peel, refit, relaxed_leximin
from core.sortition.polytope import composition, diagnose, group_types


@dataclass(frozen=True)
class PanelResult:
    """A drawn panel: `panel` lists k person ids (pool order); `probabilities` is each pool
    member's probability in [0, 1] of being drawn under the distribution used (indexed by
    person_id, summing to k)."""

    panel: list
    probabilities: pd.Series


@dataclass(frozen=True)
class PanelDistribution:
    """A leximin-fair distribution over quota-meeting panels, ready to draw from.

    compositions[c, t] persons of type t are on panel c, which is used with probability
    weights[c]; type t's members are the pool rows positions[t]."""

    k: int
    person_ids: np.ndarray
    positions: tuple[np.ndarray, ...]
    compositions: np.ndarray
    weights: np.ndarray
    probabilities: pd.Series
    levels: int
    type_probabilities: np.ndarray = field(repr=False)

    @property
    def minimum_probability(self) -> float:
        """The smallest selection probability of any pool member, in [0, 1]."""
        return float(self.type_probabilities.min())

    def draw(self, seed: int | None = None) -> PanelResult:
        """One panel drawn from this distribution; the same seed always gives the same panel."""
        rng = np.random.default_rng(seed)
        chosen = int(rng.choice(len(self.weights), p=self.weights))
        picked = [
            rng.choice(self.positions[t], size=int(x), replace=False)
            for t, x in enumerate(self.compositions[chosen])
            if x > 0
        ]
        rows = np.sort(np.concatenate(picked)) if picked else np.array([], dtype=int)
        return PanelResult(panel=self.person_ids[rows].tolist(), probabilities=self.probabilities)


def fair_distribution(
    pool: pd.DataFrame,
    quotas: Quotas,
    k: int,
    *,
    leximin: bool = True,
    max_levels: int | None = None,
) -> PanelDistribution:
    """The leximin-fair (or, with leximin=False, maximin-fair) distribution over panels of k
    persons from `pool` meeting `quotas`, before drawing: what the moderator can inspect.

    pool: one row per person, a `person_id` column and one column per feature.
    quotas[feature][value] = (min, max) persons on the panel with that value; pool values
    without an entry are unconstrained. max_levels caps the leximin levels (None: no cap).
    Raises SortitionError for bad input or quotas no panel can meet."""
    k = check_k(k)
    check_pool(pool, k)
    quotas = check_quotas(pool, quotas)
    for feature, bounds in quotas.items():
        total = sum(low for low, _ in bounds.values())
        if total > k:
            raise SortitionError("sortition.minimums_exceed_k", feature=feature, total=total, k=k)
    types = group_types(pool, quotas)
    diagnose(types, k)
    sizes = types.sizes

    target, levels = relaxed_leximin(types, k, leximin, max_levels)
    steps, left = peel(types, k, target) if target is not None else ([], 1.0)
    if left <= PEEL_TOLERANCE:
        weights = np.array([w for w, _ in steps])
        compositions = np.array([x for _, x in steps])
    else:
        # steps are only peeled off a target, so `target is not None` adds no condition
        fitted = refit(types, k, steps, target) if steps and target is not None else None
        if fitted is not None:
            weights, compositions = fitted
        else:
            columns = [x for _, x in steps]
            if not columns:
                first = composition(types, k)
                if first is None:  # diagnose() above found one with the same MILP
                    raise RuntimeError("sortition MILP found no composition")
                columns = [first]
            (weights, compositions), levels = column_generation(
                types, k, columns, leximin, max_levels
            )

    weights = np.where(weights > 1e-12, weights, 0.0)
    used = weights > 0
    weights, compositions = weights[used] / weights[used].sum(), compositions[used]
    type_probabilities = np.clip(weights @ compositions / sizes, 0.0, 1.0)
    person = np.empty(len(pool))
    for t, rows in enumerate(types.positions):
        person[rows] = type_probabilities[t]
    person_ids = pool[PERSON_ID].to_numpy()
    probabilities = pd.Series(
        person, index=pd.Index(person_ids, name=PERSON_ID), name="probability"
    )
    return PanelDistribution(
        k=k,
        person_ids=person_ids,
        positions=tuple(types.positions),
        compositions=compositions,
        weights=weights,
        probabilities=probabilities,
        levels=levels,
        type_probabilities=type_probabilities,
    )


def select_panel(
    pool: pd.DataFrame, quotas: Quotas, k: int, seed: int | None = None
) -> PanelResult:
    """Draw k person ids from `pool` meeting `quotas` from the leximin-fair distribution.

    Same arguments as fair_distribution; `seed` makes the draw reproducible (None: fresh
    randomness). `.probabilities` are the selection probabilities in [0, 1] under that
    distribution, indexed by person_id; they sum to k."""
    return fair_distribution(pool, quotas, k).draw(seed)
