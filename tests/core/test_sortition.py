"""Stratified sortition: quotas always met, probabilities exact (checked against brute force
over every k-subset of tiny pools), leximin, reproducible and statistically faithful draws,
and every error with its message key. No database."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core.errors import InvalidInput
from core.sortition.inputs import SortitionError
from core.sortition.panel import PanelResult, fair_distribution, select_panel
from core.sortition.quotas import proportional_quotas, strata_overview

DATABASE_FREE = True  # not rerun on PostgreSQL (tests/pg)


def make_pool(**features) -> pd.DataFrame:
    size = len(next(iter(features.values())))
    return pd.DataFrame({"person_id": [f"r{i}" for i in range(size)], **features})


def meets_quotas(pool: pd.DataFrame, panel: list, quotas: dict) -> bool:
    chosen = pool.set_index("person_id").loc[panel]
    return all(
        low <= int((chosen[feature] == value).sum()) <= high
        for feature, bounds in quotas.items()
        for value, (low, high) in bounds.items()
    )


def brute_force_leximin(pool: pd.DataFrame, quotas: dict, k: int) -> np.ndarray:
    """Leximin selection probabilities per person by the textbook definition, over every
    quota-meeting k-subset: maximise the smallest unfixed probability; fix each person whose
    probability cannot exceed it (one LP per person); repeat."""
    size = len(pool)
    panels = [
        p
        for p in itertools.combinations(range(size), k)
        if meets_quotas(pool, pool["person_id"].iloc[list(p)].tolist(), quotas)
    ]
    member = np.zeros((size, len(panels)))
    for j, panel in enumerate(panels):
        member[list(panel), j] = 1
    count = len(panels)
    fixed = np.full(size, np.nan)

    def solve(objective_row, free_rows):
        # variables: weights per panel, then z; constraints: member @ w >= z (free rows),
        # member @ w >= fixed (fixed rows)
        a_ub = np.hstack([-member, free_rows[:, None] * 1.0])
        b_ub = np.where(free_rows, 0.0, -(np.nan_to_num(fixed) - 1e-9))
        a_eq = np.concatenate([np.ones(count), [0.0]])[None, :]
        result = linprog(
            objective_row,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=[1.0],
            bounds=[(0, None)] * count + [(0, 1)],
            method="highs",
        )
        assert result.status == 0
        return result

    while np.isnan(fixed).any():
        free = np.isnan(fixed)
        z = solve(np.concatenate([np.zeros(count), [-1.0]]), free).x[-1]
        floor = np.where(free, z, fixed)
        for person in np.flatnonzero(free):
            objective = np.concatenate([-member[person], [0.0]])
            saved, fixed[:] = fixed.copy(), floor  # everyone keeps at least the level
            best = -solve(objective, np.zeros(size, dtype=bool)).fun
            fixed[:] = saved
            if best <= z + 1e-7:
                fixed[person] = z
    return fixed


# ---- small cases with known answers ----


def test_four_residents_one_of_each_kind_gives_everyone_one_half():
    pool = make_pool(g=["a", "a", "b", "b"])
    quotas = {"g": {"a": (1, 1), "b": (1, 1)}}
    result = select_panel(pool, quotas, 2, seed=1)
    assert isinstance(result, PanelResult)
    assert len(result.panel) == 2 and meets_quotas(pool, result.panel, quotas)
    assert result.probabilities.to_dict() == pytest.approx(
        {f"r{i}": 0.5 for i in range(4)}, abs=1e-8
    )


def test_an_unbalanced_pool_has_the_analytic_maximin():
    # one "a" among ten; k = 2 with one seat per kind: the "a" always sits, the nine "b"s
    # share one seat.
    pool = make_pool(g=["a"] + ["b"] * 9)
    result = select_panel(pool, {"g": {"a": (1, 1), "b": (1, 1)}}, 2, seed=3)
    assert result.probabilities.iloc[0] == pytest.approx(1.0, abs=1e-8)
    assert result.probabilities.iloc[1:].tolist() == pytest.approx([1 / 9] * 9, abs=1e-8)
    # two "A"s share one seat, eight "B"s the other two: 1/2 and 1/4.
    pool = make_pool(g=["A"] * 2 + ["B"] * 8)
    distribution = fair_distribution(pool, {"g": {"A": (1, 1)}}, 3)
    assert distribution.probabilities.tolist() == pytest.approx([0.5] * 2 + [0.25] * 8, abs=1e-8)
    assert distribution.minimum_probability == pytest.approx(0.25, abs=1e-8)


def test_leximin_lifts_the_second_level_that_maximin_leaves_free():
    # exactly one "b" of eight (1/8 each, the maximin); the other seat goes to the lone "a"
    # or the two "c"s: maximin is indifferent, leximin gives a and c 1/3 each.
    pool = make_pool(f=["a"] + ["b"] * 8 + ["c"] * 2)
    quotas = {"f": {"b": (1, 1)}}
    leximin = fair_distribution(pool, quotas, 2)
    expected = [1 / 3] + [1 / 8] * 8 + [1 / 3] * 2
    assert leximin.probabilities.tolist() == pytest.approx(expected, abs=1e-8)
    maximin = fair_distribution(pool, quotas, 2, leximin=False)
    assert maximin.minimum_probability == pytest.approx(1 / 8, abs=1e-8)
    low, high = np.sort(maximin.type_probabilities), np.sort(leximin.type_probabilities)
    assert high[0] == pytest.approx(low[0], abs=1e-8)
    assert high[1] >= low[1] - 1e-8  # the second-smallest level improves or stays


def test_without_quotas_everyone_has_k_over_n_and_a_full_panel_takes_everyone():
    pool = make_pool(g=list("aabbbc"))
    assert fair_distribution(pool, {}, 3).probabilities.tolist() == pytest.approx([0.5] * 6)
    result = select_panel(pool, {"g": {"a": (0, 2)}}, 6, seed=0)
    assert sorted(result.panel) == sorted(pool["person_id"])
    assert result.probabilities.tolist() == pytest.approx([1.0] * 6)


def test_residents_nobody_can_seat_get_probability_zero():
    pool = make_pool(g=list("aabbbc"), h=[1, 2, 1, 2, 1, 2])
    distribution = fair_distribution(pool, {"g": {"c": (1, 1)}, "h": {1: (2, 2)}}, 3)
    # r5 ("c", h 2) always sits; two of the three h=1 residents join; r1 and r3 cannot.
    assert distribution.probabilities.tolist() == pytest.approx(
        [2 / 3, 0, 2 / 3, 0, 2 / 3, 1], abs=1e-8
    )


# ---- against brute force over all k-subsets ----


TINY_CASES = [
    (seed, size, k)
    for seed, (size, k) in enumerate([(8, 3)] * 10 + [(7, 2), (8, 4), (6, 3), (8, 5), (5, 2)])
]


@pytest.mark.parametrize("seed, size, k", TINY_CASES)
def test_probabilities_match_an_exhaustive_leximin(seed, size, k):
    rng = np.random.default_rng(seed)
    pool = make_pool(
        **{
            f: rng.integers(0, cardinality, size).tolist()
            for f, cardinality in (("a", 2), ("b", 3), ("c", 2))
        }
    )
    panel = rng.choice(size, k, replace=False)
    quotas = {}
    for feature in ("a", "b", "c"):
        counts = pool[feature].iloc[panel].value_counts()
        quotas[feature] = {
            value: (
                max(0, int(counts.get(value, 0)) - int(rng.integers(0, 2))),
                int(counts.get(value, 0)) + int(rng.integers(0, 2)),
            )
            for value in sorted(pool[feature].unique())
        }
    expected = brute_force_leximin(pool, quotas, k)
    distribution = fair_distribution(pool, quotas, k)
    assert distribution.minimum_probability == pytest.approx(expected.min(), abs=1e-6)
    assert distribution.probabilities.to_numpy() == pytest.approx(expected, abs=1e-6)


def test_when_no_mixture_attains_the_relaxation_column_generation_still_finds_the_optimum():
    # three binary features whose fractional relaxation beats every mixture of real panels
    # (the relaxation has fractional corners): the column-generation fallback answers.
    rows = [(1, 0, 1), (0, 0, 0), (1, 1, 0), (0, 1, 1), (0, 0, 1)]
    pool = make_pool(**{f: [r[i] for r in rows] for i, f in enumerate("abc")})
    quotas = {"a": {0: (0, 1), 1: (1, 2)}, "b": {0: (1, 2), 1: (1, 1)}, "c": {0: (0, 1), 1: (0, 2)}}
    expected = brute_force_leximin(pool, quotas, 2)
    assert fair_distribution(pool, quotas, 2).probabilities.to_numpy() == pytest.approx(
        expected, abs=1e-6
    )
    maximin = fair_distribution(pool, quotas, 2, leximin=False)
    assert maximin.minimum_probability == pytest.approx(expected.min(), abs=1e-6)


# ---- properties (module-level functions: tests/pg re-runs this module in a class) ----


@st.composite
def feasible_problems(draw):
    """A pool, a k, and quotas built around a panel known to meet them (so feasible)."""
    size = draw(st.integers(3, 30))
    cardinalities = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    features = {
        f"f{i}": draw(st.lists(st.integers(0, c - 1), min_size=size, max_size=size))
        for i, c in enumerate(cardinalities)
    }
    pool = make_pool(**features)
    k = draw(st.integers(1, size))
    panel = draw(st.lists(st.integers(0, size - 1), min_size=k, max_size=k, unique=True))
    quotas = {}
    for feature in features:
        if not draw(st.booleans()) and quotas:
            continue
        counts = pool[feature].iloc[panel].value_counts()
        quotas[feature] = {}
        for value in sorted(pool[feature].unique()):
            if draw(st.integers(0, 4)) == 0:
                continue  # left unconstrained
            count = int(counts.get(value, 0))
            quotas[feature][value] = (
                max(0, count - draw(st.integers(0, 1))),
                count + draw(st.integers(0, 1)),
            )
    return pool, quotas, k, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=100, deadline=None)
@given(feasible_problems())
def test_every_drawn_panel_meets_its_quotas(problem):
    pool, quotas, k, seed = problem
    result = select_panel(pool, quotas, k, seed=seed)
    assert len(result.panel) == k == len(set(result.panel))
    assert set(result.panel) <= set(pool["person_id"])
    assert meets_quotas(pool, result.panel, quotas)
    probabilities = result.probabilities
    assert list(probabilities.index) == list(pool["person_id"])
    assert probabilities.sum() == pytest.approx(k, abs=1e-6)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


# ---- drawing ----


def test_empirical_frequencies_match_the_reported_probabilities():
    """3,000 draws (seeds 0..2999, so the test is deterministic): each resident's selection
    count is Binomial(3000, p); we allow 4.5 standard deviations (a two-sided miss has
    probability below 7e-6 per resident), so the bound is tight yet never fails by chance."""
    pool = make_pool(
        age=["young"] * 3 + ["middle"] * 5 + ["old"] * 4, building=["B1", "B2", "B3"] * 4
    )
    quotas = {
        "age": {"young": (1, 2), "middle": (1, 1), "old": (1, 2)},
        "building": {"B1": (1, 2), "B2": (0, 1), "B3": (1, 2)},
    }
    distribution = fair_distribution(pool, quotas, 4)
    draws = 3000
    position = {person: i for i, person in enumerate(pool["person_id"])}
    indicators = {(f, v): (pool[f] == v).to_numpy() for f in quotas for v in quotas[f]}
    counts = np.zeros(len(pool))
    for seed in range(draws):
        chosen = np.zeros(len(pool), dtype=bool)
        chosen[[position[person] for person in distribution.draw(seed).panel]] = True
        for (feature, value), has in indicators.items():
            low, high = quotas[feature][value]
            assert low <= (chosen & has).sum() <= high
        counts += chosen
    assert counts.sum() == 4 * draws
    for i, p in enumerate(distribution.probabilities):
        bound = 4.5 * math.sqrt(p * (1 - p) / draws) + 1e-12
        assert abs(counts[i] / draws - p) <= bound, pool["person_id"][i]


def test_the_same_seed_draws_the_same_panel():
    pool = make_pool(g=list("aaabbbbccc"), h=list("xyxyxyxyxy"))
    quotas = {"g": {"a": (1, 2), "b": (1, 2), "c": (1, 1)}, "h": {"x": (2, 2)}}
    first = select_panel(pool, quotas, 4, seed=42)
    assert select_panel(pool, quotas, 4, seed=42).panel == first.panel
    assert fair_distribution(pool, quotas, 4).draw(42).panel == first.panel
    assert len({tuple(select_panel(pool, quotas, 4, seed=s).panel) for s in range(20)}) > 1


def test_a_realistic_pool_is_quick_and_meets_its_quotas():
    rng = np.random.default_rng(7)
    size = 600
    pool = pd.DataFrame(
        {
            "person_id": np.arange(1, size + 1),
            "age_band": rng.choice(
                ["18-29", "30-44", "45-59", "60-74", "75+"], size, p=[0.1, 0.2, 0.25, 0.3, 0.15]
            ),
            "residency": rng.choice(["local", "migrant", "renter"], size, p=[0.6, 0.25, 0.15]),
            "building": rng.choice([f"B{i}" for i in range(1, 13)], size),
            "gender": rng.choice(["F", "M"], size, p=[0.55, 0.45]),
        }
    )
    baseline = {
        "age_band": {"18-29": 0.16, "30-44": 0.26, "45-59": 0.25, "60-74": 0.21, "75+": 0.12},
        "residency": {"local": 0.5, "migrant": 0.3, "renter": 0.2},
        "building": {f"B{i}": 1 for i in range(1, 13)},
        "gender": {"F": 51, "M": 49},
    }
    quotas = proportional_quotas(pool, baseline, 20)
    result = select_panel(pool, quotas, 20, seed=2026)
    assert meets_quotas(pool, result.panel, quotas)
    assert all(isinstance(person, int) for person in result.panel)
    assert result.probabilities.sum() == pytest.approx(20, abs=1e-6)
    assert result.probabilities.min() > 0


# ---- helpers for the moderator ----


def test_proportional_quotas_round_shares_with_slack_and_clip_to_the_pool():
    pool = make_pool(g=["a"] * 6 + ["b"] * 3 + ["c"] * 1)
    quotas = proportional_quotas(pool, {"g": {"a": 0.5, "b": 0.25, "c": 0.25, "d": 0.0}}, 10)
    # targets 5, 2.5, 2.5, 0 persons -> [4, 6], [1, 4] (3 in the pool), [1, 4] (1), [0, 1] (0)
    assert quotas == {"g": {"a": (4, 6), "b": (1, 3), "c": (1, 1), "d": (0, 0)}}
    counts = proportional_quotas(pool, {"g": {"a": 2, "b": 2}}, 4, slack=0)
    assert counts == {"g": {"a": (2, 2), "b": (2, 2)}}


def test_strata_overview_shows_sizes_quotas_and_mean_probabilities():
    pool = make_pool(g=list("aabbbc"), h=[1, 2, 1, 2, 1, 2])
    quotas = {"g": {"c": (1, 1), "z": (0, 1)}, "h": {1: (2, 2)}}
    probabilities = fair_distribution(pool, {"g": {"c": (1, 1)}, "h": {1: (2, 2)}}, 3).probabilities
    overview = strata_overview(pool, quotas, probabilities)
    assert list(overview.columns) == [
        "feature",
        "value",
        "pool_size",
        "quota_min",
        "quota_max",
        "mean_probability",
    ]
    rows = {(r.feature, r.value): r for r in overview.itertuples()}
    assert list(rows) == [("g", "c"), ("g", "z"), ("g", "a"), ("g", "b"), ("h", 1), ("h", 2)]
    assert (rows["g", "c"].pool_size, rows["g", "c"].quota_min, rows["g", "c"].quota_max) == (
        1,
        1,
        1,
    )
    assert rows["g", "c"].mean_probability == pytest.approx(1.0)
    assert rows["g", "z"].pool_size == 0 and math.isnan(rows["g", "z"].mean_probability)
    assert pd.isna(rows["g", "a"].quota_min) and pd.isna(rows["g", "b"].quota_max)
    assert rows["g", "b"].mean_probability == pytest.approx(4 / 9, abs=1e-8)
    assert rows["h", 1].mean_probability == pytest.approx(2 / 3, abs=1e-8)
    without = strata_overview(pool, quotas)
    assert without["mean_probability"].isna().all()


# ---- errors ----


POOL = make_pool(g=list("aabbbc"), h=[1, 2, 1, 2, 1, 2])


@pytest.mark.parametrize(
    "quotas, k, key, params",
    [
        ({}, 0, "sortition.bad_k", {"k": 0}),
        ({}, -2, "sortition.bad_k", {"k": -2}),
        ({}, 2.5, "sortition.bad_k", {"k": 2.5}),
        ({}, True, "sortition.bad_k", {"k": True}),
        ({}, 7, "sortition.pool_too_small", {"k": 7, "pool": 6}),
        ({"x": {}}, 3, "sortition.unknown_feature", {"feature": "x"}),
        ({"person_id": {}}, 3, "sortition.unknown_feature", {"feature": "person_id"}),
        ({"g": {"a": (2, 1)}}, 3, "sortition.bad_quota", {"feature": "g", "value": "a"}),
        ({"g": {"a": (-1, 1)}}, 3, "sortition.bad_quota", {"feature": "g", "value": "a"}),
        ({"g": {"a": (1.0, 2)}}, 3, "sortition.bad_quota", {"feature": "g", "value": "a"}),
        ({"g": {"a": (1, 2, 3)}}, 3, "sortition.bad_quota", {"feature": "g", "value": "a"}),
        ({"g": {"a": 1}}, 3, "sortition.bad_quota", {"feature": "g", "value": "a"}),
        ({"g": [("a", (1, 1))]}, 3, "sortition.bad_quota", {"feature": "g", "value": None}),
        (
            {"g": {"a": (2, 2), "b": (2, 2)}},
            3,
            "sortition.minimums_exceed_k",
            {"feature": "g", "total": 4, "k": 3},
        ),
        (
            {"g": {"a": (3, 3)}},
            3,
            "sortition.quota_infeasible",
            {"feature": "g", "value": "a", "minimum": 3, "maximum": 3, "available": 2},
        ),
        (
            {"g": {"d": (1, 2)}},
            3,
            "sortition.quota_infeasible",
            {"feature": "g", "value": "d", "minimum": 1, "maximum": 2, "available": 0},
        ),
        (
            {"g": {"a": (0, 0), "b": (0, 1)}},
            3,
            "sortition.maximums_below_k",
            {"feature": "g", "total": 2, "k": 3},
        ),
        # every "c" has h = 2, which may not sit: relaxing g=c (the first quota) makes it feasible
        (
            {"g": {"c": (1, 1)}, "h": {2: (0, 0)}},
            3,
            "sortition.quota_infeasible",
            {"feature": "g", "value": "c", "minimum": 1, "maximum": 1, "available": 1},
        ),
        # the same conflict, listed the other way round: now h=2 is named
        (
            {"h": {2: (0, 0)}, "g": {"c": (1, 1)}},
            3,
            "sortition.quota_infeasible",
            {"feature": "h", "value": 2, "minimum": 0, "maximum": 0, "available": 3},
        ),
    ],
)
def test_bad_input_is_refused_with_a_key_and_its_parameters(quotas, k, key, params):
    with pytest.raises(SortitionError) as raised:
        select_panel(POOL, quotas, k, seed=1)
    assert isinstance(raised.value, InvalidInput)
    assert raised.value.key == key
    assert raised.value.params == params


def test_a_conflict_no_single_quota_explains_names_the_quota_that_completes_the_fix():
    # k = 2; x=1 wants both "p"s, y=1 both "q"s, z wants exactly one "p". Any two of the
    # three quotas conflict, so relaxing one alone never helps: relaxing x and then y does,
    # and y is named.
    pool = make_pool(x=[1, 1, 0, 0], y=[0, 0, 1, 1], z=["p", "p", "q", "q"])
    quotas = {"x": {1: (2, 2)}, "y": {1: (2, 2)}, "z": {"p": (1, 1)}}
    with pytest.raises(SortitionError) as raised:
        fair_distribution(pool, quotas, 2)
    assert raised.value.key == "sortition.quota_infeasible"
    assert raised.value.params == {
        "feature": "y",
        "value": 1,
        "minimum": 2,
        "maximum": 2,
        "available": 2,
    }


@pytest.mark.parametrize(
    "pool, key, params",
    [
        (pd.DataFrame({"id": [1, 2]}), "sortition.missing_person_id", {}),
        (pd.DataFrame({"person_id": [1, 2, 1]}), "sortition.duplicate_person", {"person_id": 1}),
    ],
)
def test_a_pool_needs_unique_person_ids(pool, key, params):
    with pytest.raises(SortitionError) as raised:
        select_panel(pool, {}, 1)
    assert (raised.value.key, raised.value.params) == (key, params)


@pytest.mark.parametrize(
    "baseline, k, slack, key, params",
    [
        ({"x": {"a": 1}}, 3, 1, "sortition.unknown_feature", {"feature": "x"}),
        ({"g": {"a": -1, "b": 2}}, 3, 1, "sortition.bad_share", {"feature": "g", "value": "a"}),
        ({"g": {"a": "half"}}, 3, 1, "sortition.bad_share", {"feature": "g", "value": "a"}),
        ({"g": {"a": 0, "b": 0}}, 3, 1, "sortition.bad_share", {"feature": "g", "value": "a"}),
        ({"g": {"a": 1}}, 3, -1, "sortition.bad_slack", {"slack": -1}),
        ({"g": {"a": 1}}, 0, 1, "sortition.bad_k", {"k": 0}),
    ],
)
def test_proportional_quotas_refuse_bad_input(baseline, k, slack, key, params):
    with pytest.raises(SortitionError) as raised:
        proportional_quotas(POOL, baseline, k, slack=slack)
    assert (raised.value.key, raised.value.params) == (key, params)
