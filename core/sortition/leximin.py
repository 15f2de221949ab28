"""The leximin-fair mixture of compositions: steps 1 to 4 of the package docstring."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from core.sortition.polytope import Types, composition

FIX_SLACK = 1e-9  # fixed levels may fall this much below their value (LP round-off)
PRICE_TOLERANCE = 1e-9  # a composition must beat the dual bound by this much to be added
MAX_COLUMNS_PER_LEVEL = 2_000  # a safety cap on the fallback's pricing rounds per level
PEEL_TOLERANCE = 1e-9  # persons x weight: remainders this small count as zero
FIT_TOLERANCE = 1e-8  # persons per type: deviation from the target accepted
TIGHT = dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10)
RELEASED_STEPS = (16, 128)  # last peeling steps reweighed when peeling gets stuck, per try
FIT_ROUNDS = 40  # pricing rounds per try before leaving it to the exact fallback


# ---- step 1: leximin over the LP relaxation (an upper bound, usually attained) ----


def _fix_level(fixed: np.ndarray, z: float, duals: np.ndarray, sizes: np.ndarray, k: int) -> bool:
    """Fix the unfixed types that must stay at level z; False if none can be identified."""
    free = np.isnan(fixed)
    seats_left = k - np.nansum(fixed * sizes)
    if seats_left - z * sizes[free].sum() <= 1e-9 * k:
        fixed[free] = z  # none can rise above z without another falling below it
        return True
    tight = free & (duals > 1e-9)
    fixed[tight] = z
    return bool(tight.any())


def relaxed_leximin(
    types: Types, k: int, leximin: bool, max_levels: int | None
) -> tuple[np.ndarray | None, int]:
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
        b_ub = np.concatenate(
            [np.where(free, 0.0, -(np.nan_to_num(fixed) - FIX_SLACK)), types.upper, -types.lower]
        )
        a_eq = sparse.csr_array(np.concatenate([np.ones(count), [0.0]])[None, :])
        objective = np.zeros(count + 1)
        objective[-1] = -1.0
        bounds = np.column_stack([np.zeros(count + 1), np.concatenate([sizes, [1.0]])])
        result = linprog(
            objective,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=[k],
            bounds=bounds,
            method="highs",
            options=TIGHT,
        )
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


class Face(TypedDict):
    """Per-type and per-quota bounds (persons) of a face of the fractional polytope, as
    keyword arguments of composition and _repair."""

    x_lower: np.ndarray
    x_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


def _repair(
    types: Types,
    x: np.ndarray,
    x_lower: np.ndarray,
    x_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> np.ndarray | None:
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
        up = np.maximum(row_lower - sums - 1, 0) + np.maximum(sums + 1 - row_upper, 0) - row_excess
        down = (
            np.maximum(row_lower - sums + 1, 0) + np.maximum(sums - 1 - row_upper, 0) - row_excess
        )
        change = (
            (down @ quota[:, sources])[:, None]
            + (up @ quota[:, targets])[None, :]
            - quota[:, sources].T @ ((up + down)[:, None] * quota[:, targets])
        )
        # a type outside its bounds weighs 3 quota units: a move that fixes it may push one
        # quota over and another under, to be repaired by the next moves
        change -= 3 * (
            (x[sources] > x_upper[sources])[:, None] * 1 + (x[targets] < x_lower[targets])
        )
        best = np.unravel_index(np.argmin(change), change.shape)
        if change[best] >= 0:
            return None
        x[sources[best[0]]] -= 1
        x[targets[best[1]]] += 1
    return None


def _face(types: Types, rest: np.ndarray, mass: float) -> Face:
    """Bounds describing the smallest face of the fractional polytope holding rest / mass:
    every constraint tight there becomes an equality."""
    sizes, sums = types.sizes.astype(float), types.rows @ rest
    lower, upper = types.lower, types.upper
    return Face(
        x_lower=np.where(rest >= sizes * mass - PEEL_TOLERANCE, sizes, 0.0),
        x_upper=np.where(rest <= PEEL_TOLERANCE, 0.0, sizes),
        row_lower=np.where(upper * mass - sums <= PEEL_TOLERANCE, upper, lower),
        row_upper=np.where(sums - lower * mass <= PEEL_TOLERANCE, lower, upper),
    )


def peel(types: Types, k: int, target: np.ndarray) -> tuple[list[tuple[float, np.ndarray]], float]:
    """Write `target` (persons per type) as sum of weight x composition, greedily: take a
    composition x on the smallest face of the fractional polytope that holds the remainder,
    take as much of it as keeps the remainder in the polytope (a new constraint becomes
    tight, so at most #types + #quotas + 1 steps). Returns ([(weight, x)], weight left):
    weight left is 0 unless a face without integer compositions was reached."""
    sizes = types.sizes.astype(float)
    quota, lower, upper = types.rows, types.lower, types.upper
    rest, mass = target.astype(float).copy(), 1.0
    steps: list[tuple[float, np.ndarray]] = []
    x: np.ndarray | None = None
    for _ in range(2 * (len(sizes) + len(lower)) + 2):
        if mass <= PEEL_TOLERANCE:
            break
        sums = quota @ rest
        bounds = _face(types, rest, mass)
        x = None if x is None else _repair(types, x, **bounds)
        if x is None:
            x = composition(types, k, **bounds)
            if x is None:
                break
        used = x.astype(float)
        step = mass
        for room, use in (
            (rest, used),
            (sizes * mass - rest, sizes - used),
            (sums - lower * mass, quota @ used - lower),
            (upper * mass - sums, upper - quota @ used),
        ):
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


def _fit(
    types: Types,
    k: int,
    columns: list[np.ndarray],
    target: np.ndarray,
    face: Face,
    tolerance: float,
) -> tuple[np.ndarray, np.ndarray] | None:
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
        result = linprog(
            objective,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=[1.0],
            bounds=bounds,
            method="highs",
            options=TIGHT,
        )
        if result.status != 0:
            return None
        if result.x[-1] <= tolerance:
            return result.x[:-1], matrix
        marginals = result.ineqlin.marginals
        values = marginals[count_types:] - marginals[:count_types]
        # a new composition's reduced cost is -(values @ x) - the equality's marginal
        column = composition(types, k, values, **face)
        if (
            column is None
            or values @ column + result.eqlin.marginals[0] <= PRICE_TOLERANCE
            or column.tobytes() in seen
        ):
            return None
        seen.add(column.tobytes())
        columns.append(column)
    return None


def refit(
    types: Types, k: int, steps: list[tuple[float, np.ndarray]], target: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Peeling got stuck: keep the first steps, and reweigh the last few (plus compositions
    priced in) to cover what is left, releasing more steps if that fails. Returns (weights,
    compositions), or None: then the exact fallback decides."""
    for released in RELEASED_STEPS:
        released = min(released, len(steps))
        kept = steps[: len(steps) - released]
        rest = target - sum((w * x for w, x in kept), np.zeros(len(target)))
        mass = 1.0 - sum(w for w, _ in kept)
        columns = list({x.tobytes(): x for _, x in steps[len(kept) :]}.values())
        face = _face(types, rest, mass)
        fitted = _fit(types, k, columns, np.maximum(rest, 0) / mass, face, FIT_TOLERANCE / mass)
        if fitted is not None:
            weights = np.concatenate([[w for w, _ in kept], mass * fitted[0]])
            compositions = np.array([x for _, x in kept] + list(fitted[1]))
            return weights, compositions
        if released == len(steps):
            break
    return None


# ---- step 4 (fallback): leximin over whole panels by column generation ----


def _master(
    columns: np.ndarray, sizes: np.ndarray, fixed: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, float] | None:
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
    bounds = np.column_stack([np.zeros(count + 1), np.concatenate([np.full(count, np.inf), [1.0]])])
    result = linprog(
        objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if result.status != 0:
        return None
    return (result.x[-1], result.x[:-1], -result.ineqlin.marginals, -result.eqlin.marginals[0])


def column_generation(
    types: Types, k: int, columns: list[np.ndarray], leximin: bool, max_levels: int | None
) -> tuple[tuple[np.ndarray, np.ndarray], int]:
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
            column = composition(types, k, duals / sizes)
            if column is None:  # diagnose() found the quotas feasible before any of this
                raise RuntimeError("sortition pricing MILP found no composition")
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
