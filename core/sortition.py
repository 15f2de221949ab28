"""Stratified sortition: draw a panel of k residents that meets demographic quotas, as fairly
as the quotas allow.

Fairness is that of Flanigan et al., "Fair algorithms for selecting citizens' assemblies"
(Nature 596, 2021): among all probability distributions over quota-meeting panels, use one
that is *leximin*: it maximises the smallest selection probability any pool member has, then
the second smallest, and so on. Every probability here is a number in [0, 1]; every count
(k, quota bounds, pool sizes) is a number of persons.

How (exact, not a heuristic; every LP and MILP is scipy's HiGHS, linprog and milp):

1. Types. Only the features that have quotas matter, so pool members with the same values of
   those features are interchangeable: group them into types t with n_t members. A panel's
   *composition* is the integer vector x (0 <= x_t <= n_t, sum x_t = k, each quota's bounds
   met by the sum of x_t over the types having that value). Drawing x_t of a type's n_t
   members uniformly gives each of them probability x_t / n_t. Any distribution over panels
   can be symmetrised within types without lowering any level of the leximin order, so an
   optimum over compositions is an optimum over panels: member probability = E[x_t] / n_t.
2. Target. Leximin over the *fractional* compositions (the LP relaxation): per level one LP
   maximising the smallest unfixed y_t / n_t; types with a positive dual are at that level in
   every optimum (complementary slackness) and get fixed, or all unfixed types at once when
   the seats left cannot lift them all. Mixtures of whole compositions lie inside the
   relaxation, so this target is at least as good in the leximin order as anything
   attainable, and it *is* the leximin optimum as soon as some mixture attains it.
3. Mixture. Peel whole compositions off the target (greedy Caratheodory): find a composition
   on the smallest face of the relaxation holding the remainder (usually by moving a person or
   two from the previous one, else by MILP), subtract as much of it as keeps the remainder
   inside; each step makes another constraint tight, so at most #types + #quotas + 1 steps.
   If the remainder reaches a face with no whole composition, the last steps are reweighed by
   column generation (LP master, MILP pricing on that face; 16, then 128 steps released).
   The target is then met within 1e-8 persons per type.
4. Fallback, when that fails (rare: the target is then usually not attainable, because the
   relaxation has fractional corners where it matters): Flanigan et al.'s own algorithm on
   types, leximin directly over mixtures of whole compositions by column generation (an LP
   master over the compositions known, warm-started with the peeled ones, whose duals price
   new ones by MILP; dual-based level fixing as in 2).
   Slower, equally exact. `max_levels` caps the leximin levels in 2 and 4 (after the cap the
   distribution is still maximin optimal); it is deterministic, unlike a time limit, so the
   same seed draws the same panel on any machine.
5. Draw: a numpy Generator(seed) picks one composition with the mixture's weights, then x_t
   members of each type uniformly without replacement (same Generator).

Infeasible quotas are diagnosed before any optimisation: the cheap counting checks first, then
a MILP feasibility check per quota relaxation, so the error names the quota to change.

Errors are SortitionError (an InvalidInput) with these message keys and parameters:
  sortition.bad_k (k), sortition.missing_person_id (), sortition.duplicate_person (person_id),
  sortition.pool_too_small (k, pool), sortition.unknown_feature (feature),
  sortition.bad_quota (feature, value), sortition.minimums_exceed_k (feature, total, k),
  sortition.quota_infeasible (feature, value, minimum, maximum, available),
  sortition.maximums_below_k (feature, total, k), sortition.quotas_infeasible (),
  sortition.bad_share (feature, value), sortition.bad_slack (slack).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from core.errors import InvalidInput

Quotas = dict[str, dict[object, tuple[int, int]]]

PERSON_ID = "person_id"
FIX_SLACK = 1e-9        # fixed levels may fall this much below their value (LP round-off)
PRICE_TOLERANCE = 1e-9  # a composition must beat the dual bound by this much to be added
MAX_COLUMNS_PER_LEVEL = 2_000  # a safety cap on the fallback's pricing rounds per level
PEEL_TOLERANCE = 1e-9   # persons x weight: remainders this small count as zero
FIT_TOLERANCE = 1e-8    # persons per type: deviation from the target accepted
TIGHT = dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10)
RELEASED_STEPS = (16, 128)  # last peeling steps reweighed when peeling gets stuck, per try
FIT_ROUNDS = 40         # pricing rounds per try before leaving it to the exact fallback


class SortitionError(InvalidInput):
    """A pool, panel size or quota set that no panel can be drawn from; `key` says why."""


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
        picked = [rng.choice(self.positions[t], size=int(x), replace=False)
                  for t, x in enumerate(self.compositions[chosen]) if x > 0]
        rows = np.sort(np.concatenate(picked)) if picked else np.array([], dtype=int)
        return PanelResult(panel=self.person_ids[rows].tolist(), probabilities=self.probabilities)


# ---- input checks ----


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_k(k) -> int:
    if not _is_int(k) or k < 1:
        raise SortitionError("sortition.bad_k", k=k)
    return int(k)


def _check_pool(pool: pd.DataFrame, k: int) -> None:
    if PERSON_ID not in pool.columns:
        raise SortitionError("sortition.missing_person_id")
    duplicated = pool[PERSON_ID].duplicated()
    if duplicated.any():
        raise SortitionError("sortition.duplicate_person",
                             person_id=pool.loc[duplicated, PERSON_ID].tolist()[0])
    if len(pool) < k:
        raise SortitionError("sortition.pool_too_small", k=k, pool=len(pool))


def _check_quotas(pool: pd.DataFrame, quotas: Quotas) -> Quotas:
    """The quotas with plain int bounds, or SortitionError for an unknown feature or a bad
    (min, max) pair."""
    checked = {}
    for feature, bounds in quotas.items():
        if feature == PERSON_ID or feature not in pool.columns:
            raise SortitionError("sortition.unknown_feature", feature=feature)
        if not isinstance(bounds, dict):
            raise SortitionError("sortition.bad_quota", feature=feature, value=None)
        checked[feature] = {}
        for value, bound in bounds.items():
            ok = isinstance(bound, (tuple, list)) and len(bound) == 2 and \
                all(_is_int(b) for b in bound) and 0 <= bound[0] <= bound[1]
            if not ok:
                raise SortitionError("sortition.bad_quota", feature=feature, value=value)
            checked[feature][value] = (int(bound[0]), int(bound[1]))
    return checked


# ---- types and the composition polytope ----


@dataclass
class _Types:
    """Pool members grouped by their values of the quota features."""

    sizes: np.ndarray            # n_t, persons per type
    positions: list[np.ndarray]  # pool row positions of each type's members
    rows: np.ndarray             # one constraint row per quota: 1 where the type has the value
    lower: np.ndarray            # quota minimums (persons)
    upper: np.ndarray            # quota maximums (persons)
    labels: list[tuple[str, object]]  # (feature, value) of each quota row
    available: np.ndarray        # pool members having each quota's value


def _group(pool: pd.DataFrame, quotas: Quotas) -> _Types:
    features = list(quotas)
    if features:
        codes = pool.groupby(features, sort=False, dropna=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(pool), dtype=int)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    positions = np.split(order, np.cumsum(sizes)[:-1])
    first = np.array([p[0] for p in positions])
    rows, lower, upper, labels = [], [], [], []
    for feature in features:
        values = pool[feature].iloc[first].reset_index(drop=True)
        for value, (low, high) in quotas[feature].items():
            rows.append(values.eq(value).to_numpy(dtype=float))
            lower.append(low)
            upper.append(high)
            labels.append((feature, value))
    rows = np.array(rows, dtype=float).reshape(len(labels), len(sizes))
    return _Types(sizes=sizes, positions=positions, rows=rows, lower=np.array(lower, float),
                  upper=np.array(upper, float), labels=labels,
                  available=rows @ sizes if labels else np.zeros(0))


def _composition(types: _Types, k: int, objective: np.ndarray | None = None, *,
                 x_lower=None, x_upper=None, row_lower=None, row_upper=None,
                 relaxed: frozenset[int] = frozenset()) -> np.ndarray | None:
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
    bounds = Bounds(np.zeros(count) if x_lower is None else x_lower,
                    types.sizes if x_upper is None else x_upper)
    result = milp(c=np.zeros(count) if objective is None else -objective,
                  constraints=LinearConstraint(matrix, lower, upper),
                  integrality=np.ones(count), bounds=bounds, options={"mip_rel_gap": 1e-9})
    if result.status == 2:
        return None
    if result.x is None:
        raise RuntimeError(f"sortition MILP failed: {result.message}")
    return np.rint(result.x).astype(int)


def _diagnose(types: _Types, k: int) -> None:
    """Raise the SortitionError that names why no composition exists (if none does)."""
    def infeasible(r: int) -> SortitionError:
        feature, value = types.labels[r]
        return SortitionError(
            "sortition.quota_infeasible", feature=feature, value=value,
            minimum=int(types.lower[r]), maximum=int(types.upper[r]),
            available=int(types.available[r]))

    for r in range(len(types.labels)):
        if types.lower[r] > types.available[r]:
            raise infeasible(r)
    for feature in dict.fromkeys(feature for feature, _ in types.labels):
        quota_rows = [r for r, (f, _) in enumerate(types.labels) if f == feature]
        covered = types.rows[quota_rows].any(axis=0)
        capacity = int(np.minimum(types.upper[quota_rows], types.available[quota_rows]).sum()
                       + types.sizes[~covered].sum())
        if capacity < k:
            raise SortitionError("sortition.maximums_below_k", feature=feature, total=capacity,
                                 k=k)
    if _composition(types, k) is not None:
        return
    for r in range(len(types.labels)):
        if _composition(types, k, relaxed=frozenset([r])) is not None:
            raise infeasible(r)
    relaxed = set()
    for r in range(len(types.labels)):
        relaxed.add(r)
        if _composition(types, k, relaxed=frozenset(relaxed)) is not None:
            raise infeasible(r)
    raise SortitionError("sortition.quotas_infeasible")  # unreachable: no quotas left


# ---- step 1: leximin over the LP relaxation (an upper bound, usually attained) ----


def _fix_level(fixed: np.ndarray, z: float, duals: np.ndarray, sizes: np.ndarray,
               k: int) -> bool:
    """Fix the unfixed types that must stay at level z; False if none can be identified."""
    free = np.isnan(fixed)
    seats_left = k - np.nansum(fixed * sizes)
    if seats_left - z * sizes[free].sum() <= 1e-9 * k:
        fixed[free] = z  # none can rise above z without another falling below it
        return True
    tight = free & (duals > 1e-9)
    fixed[tight] = z
    return bool(tight.any())


def _relaxed_leximin(types: _Types, k: int, leximin: bool,
                     max_levels: int | None) -> tuple[np.ndarray | None, int]:
    """Leximin expected persons per type over the fractional compositions (quotas and
    0 <= y_t <= n_t, sum k), level by level with linprog; returns (y, levels solved), y None
    if the first LP failed."""
    sizes = types.sizes.astype(float)
    count, quota_count = len(sizes), len(types.labels)
    quota = sparse.csr_array(types.rows)
    fixed = np.full(count, np.nan)
    levels, y = 0, None
    while np.isnan(fixed).any():
        free = np.isnan(fixed)
        blocks = [[-sparse.diags_array(1.0 / sizes), sparse.csr_array(free[:, None] * 1.0)]]
        if quota_count:
            blocks += [[quota, None], [-quota, None]]
        a_ub = sparse.block_array(blocks, format="csc")
        b_ub = np.concatenate([np.where(free, 0.0, -(np.nan_to_num(fixed) - FIX_SLACK)),
                               types.upper, -types.lower])
        a_eq = sparse.csr_array(np.concatenate([np.ones(count), [0.0]])[None, :])
        objective = np.zeros(count + 1)
        objective[-1] = -1.0
        bounds = np.column_stack([np.zeros(count + 1), np.concatenate([sizes, [1.0]])])
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[k], bounds=bounds,
                         method="highs", options=TIGHT)
        if result.status != 0:  # numerical trouble: keep the last level's solution
            break
        levels += 1
        y = result.x[:count]
        if not leximin or (max_levels is not None and levels >= max_levels):
            break
        if not _fix_level(fixed, result.x[-1], -result.ineqlin.marginals[:count], sizes, k):
            break
    return (None if y is None else np.clip(y, 0.0, sizes)), levels


# ---- step 2: peel integer compositions off that target (greedy Caratheodory) ----


def _repair(types: _Types, x: np.ndarray, x_lower, x_upper, row_lower,
            row_upper) -> np.ndarray | None:
    """Move persons between types, one at a time, until x is within the bounds given (the
    previous step's composition usually needs one or two moves); None if that gets stuck."""
    x = x.copy()
    quota = types.rows
    for _ in range(4 * int(x.sum()) + 4):
        sums = quota @ x
        row_excess = np.maximum(row_lower - sums, 0) + np.maximum(sums - row_upper, 0)
        type_excess = np.maximum(x_lower - x, 0) + np.maximum(x - x_upper, 0)
        if not row_excess.any() and not type_excess.any():
            return x
        sources = np.flatnonzero(x > x_lower)
        targets = np.flatnonzero(x < x_upper)
        if not len(sources) or not len(targets):
            return None
        # change of each quota's excess if its count goes one up or one down; moving a person
        # from s to t changes the quotas s has and t has not, and those t has and s has not
        up = np.maximum(row_lower - sums - 1, 0) + np.maximum(sums + 1 - row_upper, 0) \
            - row_excess
        down = np.maximum(row_lower - sums + 1, 0) + np.maximum(sums - 1 - row_upper, 0) \
            - row_excess
        change = ((down @ quota[:, sources])[:, None] + (up @ quota[:, targets])[None, :]
                  - quota[:, sources].T @ ((up + down)[:, None] * quota[:, targets]))
        # a type outside its bounds weighs 3 quota units: a move that fixes it may push one
        # quota over and another under, to be repaired by the next moves
        change -= 3 * ((x[sources] > x_upper[sources])[:, None] * 1
                       + (x[targets] < x_lower[targets]))
        best = np.unravel_index(np.argmin(change), change.shape)
        if change[best] >= 0:
            return None
        x[sources[best[0]]] -= 1
        x[targets[best[1]]] += 1
    return None


def _face(types: _Types, rest: np.ndarray, mass: float) -> dict[str, np.ndarray]:
    """Bounds describing the smallest face of the fractional polytope holding rest / mass:
    every constraint tight there becomes an equality."""
    sizes, sums = types.sizes.astype(float), types.rows @ rest
    lower, upper = types.lower, types.upper
    return dict(x_lower=np.where(rest >= sizes * mass - PEEL_TOLERANCE, sizes, 0.0),
                x_upper=np.where(rest <= PEEL_TOLERANCE, 0.0, sizes),
                row_lower=np.where(upper * mass - sums <= PEEL_TOLERANCE, upper, lower),
                row_upper=np.where(sums - lower * mass <= PEEL_TOLERANCE, lower, upper))


def _peel(types: _Types, k: int, target: np.ndarray) -> tuple[list, float]:
    """Write `target` (persons per type) as sum of weight x composition, greedily: take a
    composition x on the smallest face of the fractional polytope that holds the remainder,
    take as much of it as keeps the remainder in the polytope (a new constraint becomes
    tight, so at most #types + #quotas + 1 steps). Returns ([(weight, x)], weight left):
    weight left is 0 unless a face without integer compositions was reached."""
    sizes = types.sizes.astype(float)
    quota, lower, upper = types.rows, types.lower, types.upper
    rest, mass, steps, x = target.astype(float).copy(), 1.0, [], None
    for _ in range(2 * (len(sizes) + len(lower)) + 2):
        if mass <= PEEL_TOLERANCE:
            break
        sums = quota @ rest
        bounds = _face(types, rest, mass)
        x = None if x is None else _repair(types, x, **bounds)
        if x is None:
            x = _composition(types, k, **bounds)
            if x is None:
                break
        used = x.astype(float)
        step = mass
        for room, use in ((rest, used), (sizes * mass - rest, sizes - used),
                          (sums - lower * mass, quota @ used - lower),
                          (upper * mass - sums, upper - quota @ used)):
            moving = use > 1e-12
            if moving.any():
                step = min(step, float((np.maximum(room[moving], 0) / use[moving]).min()))
        if step <= 1e-12:
            break
        steps.append((step, x))
        rest -= step * used
        mass -= step
    return steps, mass


# ---- step 3: if peeling got stuck, reweigh by column generation ----


def _fit(types: _Types, k: int, columns: list[np.ndarray], target: np.ndarray,
         face: dict[str, np.ndarray], tolerance: float):
    """Weights on compositions whose mixture matches `target` (persons per type) within
    `tolerance` persons per type: min eps with |E[x_t] - target_t| <= eps, adding the
    compositions that MILP pricing finds on the `face` holding `target` (every composition of
    a mixture reaching it lies there). Returns (weights, compositions), or None if no mixture
    gets that close."""
    seen = {c.tobytes() for c in columns}
    count_types = len(target)
    for _ in range(FIT_ROUNDS):
        matrix = np.array(columns)
        count = len(matrix)
        persons = sparse.csr_array(matrix.T.astype(float))  # types x compositions
        epsilon = sparse.csr_array(np.ones((count_types, 1)))
        a_ub = sparse.block_array([[-persons, -epsilon], [persons, -epsilon]], format="csc")
        b_ub = np.concatenate([-target, target])
        a_eq = sparse.csr_array(np.concatenate([np.ones(count), [0.0]])[None, :])
        objective = np.zeros(count + 1)
        objective[-1] = 1.0
        bounds = np.column_stack([np.zeros(count + 1), np.full(count + 1, np.inf)])
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                         bounds=bounds, method="highs", options=TIGHT)
        if result.status != 0:
            return None
        if result.x[-1] <= tolerance:
            return result.x[:-1], matrix
        marginals = result.ineqlin.marginals
        values = marginals[count_types:] - marginals[:count_types]
        # a new composition's reduced cost is -(values @ x) - the equality's marginal
        column = _composition(types, k, values, **face)
        if column is None or values @ column + result.eqlin.marginals[0] <= PRICE_TOLERANCE \
                or column.tobytes() in seen:
            return None
        seen.add(column.tobytes())
        columns.append(column)
    return None


def _refit(types: _Types, k: int, steps: list, target: np.ndarray):
    """Peeling got stuck: keep the first steps, and reweigh the last few (plus compositions
    priced in) to cover what is left, releasing more steps if that fails. Returns (weights,
    compositions), or (None, None): then the exact fallback decides."""
    for released in RELEASED_STEPS:
        released = min(released, len(steps))
        kept = steps[:len(steps) - released]
        rest = target - sum((w * x for w, x in kept), np.zeros(len(target)))
        mass = 1.0 - sum(w for w, _ in kept)
        columns = list({x.tobytes(): x for _, x in steps[len(kept):]}.values())
        face = _face(types, rest, mass)
        fitted = _fit(types, k, columns, np.maximum(rest, 0) / mass, face,
                      FIT_TOLERANCE / mass)
        if fitted is not None:
            weights = np.concatenate([[w for w, _ in kept], mass * fitted[0]])
            compositions = np.array([x for _, x in kept] + list(fitted[1]))
            return weights, compositions
        if released == len(steps):
            break
    return None, None


# ---- step 4 (fallback): leximin over whole panels by column generation ----


def _master(columns: np.ndarray, sizes: np.ndarray, fixed: np.ndarray):
    """Max z over weights on `columns` (compositions) with E[x_t]/n_t >= z for unfixed types
    and >= fixed[t] for fixed ones. Returns (z, weights, duals w_t, dual mu) or None."""
    count = len(columns)
    free = np.isnan(fixed)
    shares = sparse.csr_array(columns / sizes).T  # types x columns: x_ct / n_t
    a_ub = sparse.hstack([-shares, sparse.csr_array(free[:, None] * 1.0)], format="csc")
    b_ub = np.where(free, 0.0, -(np.nan_to_num(fixed) - FIX_SLACK))
    a_eq = sparse.csr_array(np.concatenate([np.ones(count), [0.0]])[None, :])
    objective = np.zeros(count + 1)
    objective[-1] = -1.0
    bounds = np.column_stack([np.zeros(count + 1), np.concatenate([np.full(count, np.inf),
                                                                   [1.0]])])
    result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds,
                     method="highs")
    if result.status != 0:
        return None
    return (result.x[-1], result.x[:-1], -result.ineqlin.marginals,
            -result.eqlin.marginals[0])


def _column_generation(types: _Types, k: int, columns: list[np.ndarray], leximin: bool,
                       max_levels: int | None):
    """Leximin over mixtures of whole compositions (Flanigan et al.'s algorithm on types):
    per level, an LP master over the compositions known and MILP pricing of new ones."""
    sizes = types.sizes.astype(float)
    seen = {c.tobytes() for c in columns}
    fixed = np.full(len(sizes), np.nan)
    levels, final = 0, None
    while np.isnan(fixed).any():
        solution = None
        for _ in range(MAX_COLUMNS_PER_LEVEL):
            solution = _master(np.array(columns), sizes, fixed)
            if solution is None:
                break
            duals, mu = np.maximum(solution[2], 0.0), solution[3]
            column = _composition(types, k, duals / sizes)
            if duals @ (column / sizes) <= mu + PRICE_TOLERANCE or column.tobytes() in seen:
                break
            seen.add(column.tobytes())
            columns.append(column)
        if solution is None:
            break
        levels += 1
        final = (solution[1], np.array(columns))
        if not leximin or (max_levels is not None and levels >= max_levels):
            break
        if not _fix_level(fixed, solution[0], solution[2], sizes, k):
            break
    if final is None:
        raise RuntimeError("sortition LP master failed")
    return final, levels


def fair_distribution(pool: pd.DataFrame, quotas: Quotas, k: int, *, leximin: bool = True,
                      max_levels: int | None = None) -> PanelDistribution:
    """The leximin-fair (or, with leximin=False, maximin-fair) distribution over panels of k
    persons from `pool` meeting `quotas`, before drawing: what the moderator can inspect.

    pool: one row per person, a `person_id` column and one column per feature.
    quotas[feature][value] = (min, max) persons on the panel with that value; pool values
    without an entry are unconstrained. max_levels caps the leximin levels (None: no cap).
    Raises SortitionError for bad input or quotas no panel can meet."""
    k = _check_k(k)
    _check_pool(pool, k)
    quotas = _check_quotas(pool, quotas)
    for feature, bounds in quotas.items():
        total = sum(low for low, _ in bounds.values())
        if total > k:
            raise SortitionError("sortition.minimums_exceed_k", feature=feature, total=total,
                                 k=k)
    types = _group(pool, quotas)
    _diagnose(types, k)
    sizes = types.sizes

    target, levels = _relaxed_leximin(types, k, leximin, max_levels)
    steps, left = _peel(types, k, target) if target is not None else ([], 1.0)
    if left <= PEEL_TOLERANCE:
        weights = np.array([w for w, _ in steps])
        compositions = np.array([x for _, x in steps])
    else:
        weights, compositions = _refit(types, k, steps, target) if steps else (None, None)
        if weights is None:
            columns = [x for _, x in steps] or [_composition(types, k)]
            (weights, compositions), levels = _column_generation(types, k, columns, leximin,
                                                                 max_levels)

    weights = np.where(weights > 1e-12, weights, 0.0)
    used = weights > 0
    weights, compositions = weights[used] / weights[used].sum(), compositions[used]
    type_probabilities = np.clip(weights @ compositions / sizes, 0.0, 1.0)
    person = np.empty(len(pool))
    for t, rows in enumerate(types.positions):
        person[rows] = type_probabilities[t]
    person_ids = pool[PERSON_ID].to_numpy()
    probabilities = pd.Series(person, index=pd.Index(person_ids, name=PERSON_ID),
                              name="probability")
    return PanelDistribution(k=k, person_ids=person_ids, positions=tuple(types.positions),
                             compositions=compositions, weights=weights,
                             probabilities=probabilities, levels=levels,
                             type_probabilities=type_probabilities)


def select_panel(pool: pd.DataFrame, quotas: Quotas, k: int,
                 seed: int | None = None) -> PanelResult:
    """Draw k person ids from `pool` meeting `quotas` from the leximin-fair distribution.

    Same arguments as fair_distribution; `seed` makes the draw reproducible (None: fresh
    randomness). `.probabilities` are the selection probabilities in [0, 1] under that
    distribution, indexed by person_id; they sum to k."""
    return fair_distribution(pool, quotas, k).draw(seed)


# ---- helpers for the moderator ----


def proportional_quotas(pool: pd.DataFrame, baseline: dict[str, dict[object, float]], k: int,
                        slack: int = 1) -> Quotas:
    """Quotas from population shares: for each value, share x k rounded down minus `slack`
    to share x k rounded up plus `slack` persons, clipped to [0, members in the pool].

    baseline[feature][value] = share of the population (any non-negative numbers: they are
    normalised to sum to 1 per feature, so counts work too). Pool values missing from the
    baseline stay unconstrained."""
    k = _check_k(k)
    if not _is_int(slack) or slack < 0:
        raise SortitionError("sortition.bad_slack", slack=slack)
    quotas: Quotas = {}
    for feature, shares in baseline.items():
        if feature == PERSON_ID or feature not in pool.columns:
            raise SortitionError("sortition.unknown_feature", feature=feature)
        for value, share in shares.items():
            if not isinstance(share, numbers.Real) or isinstance(share, bool) or \
                    not math.isfinite(share) or share < 0:
                raise SortitionError("sortition.bad_share", feature=feature, value=value)
        total = float(sum(shares.values()))
        if total <= 0:
            raise SortitionError("sortition.bad_share", feature=feature,
                                 value=next(iter(shares), None))
        counts = pool[feature].value_counts(dropna=False)
        quotas[feature] = {}
        for value, share in shares.items():
            target = share / total * k
            available = int(counts.get(value, 0))
            low = min(max(0, math.floor(target + 1e-9) - slack), available)
            high = min(math.ceil(target - 1e-9) + slack, available, k)
            quotas[feature][value] = (low, high)
    return quotas


def strata_overview(pool: pd.DataFrame, quotas: Quotas,
                    probabilities: pd.Series | None = None) -> pd.DataFrame:
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
            mean = float(person_probability[members].mean()) \
                if probabilities is not None and members.any() else float("nan")
            records.append(dict(feature=feature, value=value, pool_size=int(members.sum()),
                                quota_min=low, quota_max=high, mean_probability=mean))
    frame = pd.DataFrame(records, columns=["feature", "value", "pool_size", "quota_min",
                                           "quota_max", "mean_probability"])
    return frame.astype({"pool_size": "int64", "quota_min": "Int64", "quota_max": "Int64",
                         "mean_probability": "float64"})
