"""Measures of how participation is spread: plain functions (no database, no Streamlit).

`counts` are per-person activity counts, zeros included: a registered resident who never
took part counts as 0, which is exactly what makes participation look unequal.

- gini, lorenz, top_share: concentration (Gini: 0 when all are equally active, near 1 when
  one person does everything).
- theil and theil_decomposition: Theil's T, split exactly into inequality within groups and
  between them; between / total is the share of inequality the grouping explains.
- representation and dissimilarity: who takes part compared with the population.
- effective_participants (1 / Herfindahl), participation_rate, and poisson_gini: the Gini that
  equally keen residents would show by chance (Poisson counts with the same mean), so that
  `gini - poisson_gini` is the inequality that chance does not explain.

`python -m core.analytics LOG.csv [--kind K] [--exclude COLUMN=V1,V2] [--json]` prints the
headline figures of an activity log (person_id, kind, time, optional group columns).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence, Sized
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.stats import skellam  # imported once here: it takes half a second

Z95 = 1.959963984540054

# Per-person activity counts: a list, a generator or a NumPy array.
Counts = Iterable[float]
# A group label (a district, an age band...): whatever the caller's data holds.
G = TypeVar("G", bound=Hashable)


def _array(counts: Counts) -> np.ndarray:
    x = np.asarray(list(counts) if not isinstance(counts, np.ndarray) else counts, dtype=float)
    if x.size == 0:
        raise ValueError("no persons: the measures need at least one count")
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("counts must be finite and non-negative")
    return x


def gini(counts: Counts, *, corrected: bool = False) -> float:
    """sum |xi - xj| / (2 n^2 mean); `corrected` multiplies by n / (n - 1)."""
    x = np.sort(_array(counts))
    n, total = x.size, x.sum()
    if total == 0 or n == 1:
        return 0.0
    ranks = np.arange(1, n + 1)
    g = float(2.0 * np.sum(ranks * x) / (n * total) - (n + 1) / n)
    return g * n / (n - 1) if corrected else g


def lorenz(counts: Counts, *, max_points: int | None = None) -> pd.DataFrame:
    """The Lorenz curve from (0, 0) to (1, 1): least active first. `max_points` keeps that
    many evenly spaced points of it (ends included), enough to draw a curve of 100,000
    persons without sending every one to the browser."""
    x = np.sort(_array(counts))
    n, total = x.size, x.sum()
    population = np.arange(0, n + 1) / n
    activity = np.concatenate([[0.0], np.cumsum(x) / total]) if total else population.copy()
    if max_points is not None and n + 1 > max_points:
        keep = np.unique(np.linspace(0, n, max(2, max_points)).round().astype(int))
        population, activity = population[keep], activity[keep]
    return pd.DataFrame({"population_share": population, "activity_share": activity})


def top_share(counts: Counts, p: float) -> float:
    """Share of all activity by the ceil(p x n) most active persons (0 < p <= 1)."""
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    x = np.sort(_array(counts))[::-1]
    total = x.sum()
    if total == 0:
        return 0.0
    return float(x[: math.ceil(p * x.size - 1e-9)].sum() / total)


def theil(counts: Counts) -> float:
    """Theil's T = mean of (x / mu) ln(x / mu), with 0 ln 0 = 0."""
    x = _array(counts)
    mu = x.mean()
    if mu == 0:
        return 0.0
    r = x[x > 0] / mu
    return float(np.sum(r * np.log(r)) / x.size)


def theil_decomposition(counts: Counts, groups: Iterable[Hashable]) -> dict[str, float]:
    """{"total", "within", "between"}: within = sum over groups of their activity share times
    their own Theil index; between = sum of activity share x ln(group mean / overall mean).
    within + between == total exactly."""
    x = _array(counts)
    if not isinstance(groups, Sized):
        groups = list(groups)
    if len(groups) != x.size:
        raise ValueError("one group per person")
    total_activity = x.sum()
    if total_activity == 0:
        return {"total": 0.0, "within": 0.0, "between": 0.0}
    mu = x.mean()
    # Per group: n, sum x and sum x ln x (0 ln 0 = 0), so each group's Theil index is
    # (sum x ln x) / (n mu_g) - ln mu_g without looping over persons.
    codes, _ = pd.factorize(pd.Series(groups, dtype=object), use_na_sentinel=False)
    n = np.bincount(codes).astype(float)
    sums = np.bincount(codes, weights=x)
    x_ln_x = np.bincount(codes, weights=np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0))
    taking = sums > 0
    n, sums, x_ln_x = n[taking], sums[taking], x_ln_x[taking]
    mean = sums / n
    share = sums / total_activity
    within = float(np.sum(share * (x_ln_x / sums - np.log(mean))))
    between = float(np.sum(share * np.log(mean / mu)))
    return {"total": theil(x), "within": float(within), "between": float(between)}


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return (max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator))


def representation(participants: Mapping[G, float], population: Mapping[G, float]) -> pd.DataFrame:
    """Per group: participant_share, population_share, ratio = participant share / population
    share, and ci_low / ci_high: the 95% Wilson interval of the participant share divided by
    the population share. `population` holds counts or shares (normalised here)."""
    groups = list(dict.fromkeys([*population, *participants]))
    n = float(sum(participants.get(g, 0) for g in groups))
    pop_total = float(sum(population.get(g, 0) for g in groups))
    rows = []
    for g in groups:
        k = float(participants.get(g, 0))
        share = k / n if n else 0.0
        pop_share = population.get(g, 0) / pop_total if pop_total else 0.0
        low, high = wilson(k, n)
        ratio = share / pop_share if pop_share else math.nan
        rows.append(
            {
                "group": g,
                "participant_share": share,
                "population_share": pop_share,
                "ratio": ratio,
                "ci_low": low / pop_share if pop_share else math.nan,
                "ci_high": high / pop_share if pop_share else math.nan,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["group", "participant_share", "population_share", "ratio", "ci_low", "ci_high"],
    )


def dissimilarity(participants: Mapping[G, float], population: Mapping[G, float]) -> float:
    """Duncan's index: 1/2 sum |p_g - pi_g| (0: same make-up, 1: no overlap)."""
    table = representation(participants, population)
    return float(0.5 * (table["participant_share"] - table["population_share"]).abs().sum())


def suppressed(sizes: Mapping[G, int], k: int, *, hidden: Iterable[G] = ()) -> set[G]:
    """The groups to hide so that no group of 1 to k-1 persons can be read, directly or by
    subtraction.

    Primary: every group with 0 < n < k. Secondary: while anything is hidden, the smallest
    of the other non-zero groups (ties broken by the group's label as text) are added one
    at a time until the hidden groups are at least 2 non-zero groups AND hold at least k
    persons together. Subtracting the published groups from a published total (or from a
    total derived from a published share: participants / participant_share) then yields
    only the hidden groups' total, which is k or more, never one small group. When all the
    non-zero groups together hold fewer than k, they are all hidden. Groups of 0 are never
    hidden for their own sake (a zero gives nobody away).

    `hidden` seeds the set with groups hidden for another reason (the other side of the
    same table): they are completed by the same rule."""
    chosen = set(hidden)
    chosen |= {g for g, n in sizes.items() if 0 < n < k}

    def holds() -> bool:
        in_hidden = [sizes.get(g, 0) for g in chosen if sizes.get(g, 0) > 0]
        return not in_hidden or (len(in_hidden) >= 2 and sum(in_hidden) >= k)

    rest = sorted((n, str(g), g) for g, n in sizes.items() if g not in chosen and n > 0)
    for _n, _label, g in rest:
        if holds():
            break
        chosen.add(g)
    return chosen


def participation_rate(counts: Counts) -> float:
    x = _array(counts)
    return float(np.count_nonzero(x) / x.size)


def effective_participants(counts: Counts) -> float:
    """1 / HHI of activity shares: how many equally active persons would do the same."""
    x = _array(counts)
    total = x.sum()
    if total == 0:
        return 0.0
    return float(1.0 / np.sum((x / total) ** 2))


def poisson_gini(mean: float) -> float:
    """The (population) Gini of Poisson counts with this mean: E|X - Y| / (2 mean) for X, Y
    independent Poisson(mean), i.e. the spread equally keen persons show by chance."""
    if mean <= 0:
        return 0.0
    reach = int(mean + 12 * math.sqrt(mean) + 20)
    k = np.arange(-reach, reach + 1)
    return float(np.sum(np.abs(k) * skellam.pmf(k, mean, mean)) / (2 * mean))


def headline(counts: Counts) -> dict[str, float]:
    """The figures the dashboard and the command line lead with."""
    x = _array(counts)
    g = gini(x)
    chance = poisson_gini(float(x.mean()))
    return {
        "persons": int(x.size),
        "activity": float(x.sum()),
        "participation_rate": participation_rate(x),
        "gini": g,
        "gini_corrected": gini(x, corrected=True),
        "poisson_gini": chance,
        "gini_excess": g - chance,
        "top_1_share": top_share(x, 0.01),
        "top_10_share": top_share(x, 0.10),
        "top_20_share": top_share(x, 0.20),
        "theil": theil(x),
        "effective_participants": effective_participants(x),
    }


# ---- the command line -------------------------------------------------------------------


def read_log(path: str, *, kind: str | None = None, exclude: Sequence[str] = ()) -> pd.DataFrame:
    """An activity log: one row per contribution with person_id and kind (other columns are
    kept as groups). `exclude` holds "COLUMN=V1,V2" filters that drop rows (e.g. staff)."""
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"person_id", "kind"} - set(log.columns)
    if missing:
        raise ValueError(f"the log lacks the column(s): {', '.join(sorted(missing))}")
    for rule in exclude:
        column, _, values = rule.partition("=")
        if column not in log.columns:
            raise ValueError(f"no column {column!r} to exclude by")
        log = log[~log[column].isin(values.split(","))]
    if kind:
        log = log[log["kind"] == kind]
    return log


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.analytics", description="Headline participation figures of a log."
    )
    parser.add_argument("log", help="CSV with person_id, kind, time and optional groups")
    parser.add_argument("--kind", help="only this kind of activity")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        help="drop rows, e.g. account_type=staff,official (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        log = read_log(args.log, kind=args.kind, exclude=args.exclude)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    counts = log.groupby("person_id").size().to_numpy()
    if counts.size == 0:
        print("error: no rows left after the filters", file=sys.stderr)
        return 2
    figures = headline(counts)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['persons']:,} persons, {figures['activity']:,.0f} contributions")
    print(
        f"the most active 1% made {figures['top_1_share']:.0%}, the most active 10% made "
        f"{figures['top_10_share']:.0%}, the most active 20% made "
        f"{figures['top_20_share']:.0%}"
    )
    print(
        f"Gini {figures['gini']:.3f} (equally keen persons would show "
        f"{figures['poisson_gini']:.3f} by chance); Theil {figures['theil']:.3f}; "
        f"effective number of participants {figures['effective_participants']:,.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
