"""The participation measures: hand-computed cases, a naive reference on random data, the
exact Theil decomposition, the chance baseline, and the command line on a real log."""

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import analytics
from core.analytics import (
    dissimilarity,
    effective_participants,
    gini,
    headline,
    lorenz,
    participation_rate,
    poisson_gini,
    representation,
    theil,
    theil_decomposition,
    top_share,
    wilson,
)

DATABASE_FREE = True  # not rerun on PostgreSQL (tests/pg)
DECIDIM = (
    Path(__file__).resolve().parents[2] / "db" / "data" / "decidim-barcelona-2016-activity.csv"
)


def naive_gini(x):
    n, mean = len(x), sum(x) / len(x)
    if mean == 0:
        return 0.0
    return sum(abs(a - b) for a, b in itertools.product(x, x)) / (2 * n * n * mean)


def naive_theil(x):
    mean = sum(x) / len(x)
    return 0.0 if mean == 0 else sum((v / mean) * math.log(v / mean) for v in x if v) / len(x)


def test_gini_by_hand():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)  # sum|xi-xj| = 24; 24 / (2*16*1)
    assert gini([0, 0, 0, 4], corrected=True) == pytest.approx(1.0)
    assert gini([0, 0, 0]) == 0.0 and gini([5]) == 0.0
    assert gini([1, 2, 3]) == pytest.approx(8 / 36)
    with pytest.raises(ValueError):
        gini([])
    with pytest.raises(ValueError):
        gini([1, -1])


def test_lorenz_top_share_and_rates_by_hand():
    curve = lorenz([0, 1, 3])
    assert curve["population_share"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert curve["activity_share"].tolist() == pytest.approx([0, 0, 0.25, 1])
    assert top_share([0, 1, 3, 6], 0.25) == pytest.approx(0.6)
    assert top_share([0, 1, 3, 6], 0.3) == pytest.approx(0.9)  # ceil(1.2) = 2 persons
    assert top_share([0, 0], 0.5) == 0.0
    assert participation_rate([0, 2, 0, 1]) == 0.5
    assert effective_participants([1, 1, 1, 1]) == pytest.approx(4)
    assert effective_participants([0, 0, 5]) == pytest.approx(1)


def test_theil_by_hand_and_its_decomposition():
    assert theil([2, 2, 2]) == 0.0
    assert theil([0, 0, 0, 4]) == pytest.approx(math.log(4))  # everything by 1 of 4
    parts = theil_decomposition([1, 1, 3, 3], ["a", "a", "b", "b"])
    assert parts["within"] == pytest.approx(0.0)
    assert parts["between"] == pytest.approx(parts["total"])
    parts = theil_decomposition([0, 4, 0, 4], ["a", "b", "a", "b"])
    assert parts["between"] == pytest.approx(math.log(2)) and parts["within"] == 0.0


def test_representation_and_dissimilarity_by_hand():
    table = representation({"60+": 30, "18-39": 10}, {"60+": 0.25, "18-39": 0.5, "40-59": 0.25})
    row = table.set_index("group").loc["60+"]
    assert row.participant_share == pytest.approx(0.75) and row.ratio == pytest.approx(3.0)
    low, high = wilson(30, 40)
    assert row.ci_low == pytest.approx(low / 0.25) and row.ci_high == pytest.approx(high / 0.25)
    assert table.set_index("group").loc["40-59"].ratio == 0.0
    # Counts work as well as shares for the population.
    assert representation({"a": 1}, {"a": 10, "b": 30}).set_index("group").loc[
        "a"
    ].ratio == pytest.approx(4.0)
    assert dissimilarity(
        {"60+": 30, "18-39": 10}, {"60+": 0.25, "18-39": 0.5, "40-59": 0.25}
    ) == pytest.approx(0.5)


def test_wilson_interval_known_value():
    low, high = wilson(8, 10)
    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_poisson_baseline_matches_simulation():
    rng = np.random.default_rng(7)
    for mean in (0.3, 2.0, 12.0):
        simulated = gini(rng.poisson(mean, 200_000))
        assert poisson_gini(mean) == pytest.approx(simulated, abs=0.005)
    assert poisson_gini(0) == 0.0


counts = st.lists(st.integers(0, 60), min_size=1, max_size=40)


@given(counts)
def test_gini_and_theil_agree_with_naive_formulas(x):
    assert gini(x) == pytest.approx(naive_gini(x), abs=1e-9)
    assert theil(x) == pytest.approx(naive_theil(x), abs=1e-9)
    assert 0 <= gini(x) <= 1


@given(counts, st.lists(st.sampled_from("abc"), min_size=40, max_size=40))
def test_theil_decomposition_adds_up(x, labels):
    parts = theil_decomposition(x, labels[: len(x)])
    assert parts["within"] + parts["between"] == pytest.approx(parts["total"], abs=1e-9)
    assert parts["within"] >= -1e-12 and parts["between"] >= -1e-12


@given(counts, st.randoms(use_true_random=False))
def test_measures_ignore_the_order_of_persons(x, rng):
    shuffled = list(x)
    rng.shuffle(shuffled)
    assert headline(shuffled) == pytest.approx(headline(x))


@settings(max_examples=30)
@given(counts)
def test_lorenz_runs_from_corner_to_corner_and_bounds_top_share(x):
    curve = lorenz(x)
    assert curve.iloc[0].tolist() == [0, 0] and curve.iloc[-1].tolist() == pytest.approx([1, 1])
    assert curve["activity_share"].is_monotonic_increasing
    assert top_share(x, 0.1) >= min(1.0, 0.1) - 1e-9 or sum(x) == 0


def test_suppression_by_hand():
    # One small cell: the smallest other non-zero cell goes with it (b + c = 23 >= 10).
    assert analytics.suppressed({"a": 50, "b": 3, "c": 20, "d": 40}, 10) == {"b", "c"}
    # Two small cells holding 7 < k together: a third joins them, so their total is >= k.
    assert analytics.suppressed({"a": 50, "b": 3, "c": 4, "d": 30}, 10) == {"b", "c", "d"}
    # Only two cells: hiding one alone would be given away by the total, so both go.
    assert analytics.suppressed({"a": 50, "b": 3}, 10) == {"a", "b"}
    # Everything together under k: all hidden. Zero cells are never hidden (nor needed).
    assert analytics.suppressed({"a": 2, "b": 3, "c": 0}, 10) == {"a", "b"}
    assert analytics.suppressed({"a": 50, "b": 0, "c": 20}, 10) == set()
    # Ties among the secondary cells: the group's label as text decides ("c" before "d").
    assert analytics.suppressed({"b": 3, "d": 20, "c": 20}, 10) == {"b", "c"}


def test_suppression_completes_a_given_hidden_set():
    # A cell hidden for another reason (the other side of a table) is completed by the
    # same rule: one non-zero hidden cell is not enough, however large.
    assert analytics.suppressed({"a": 50, "b": 30, "c": 20}, 10, hidden={"b"}) == {"b", "c"}
    assert analytics.suppressed({"a": 50, "b": 0, "c": 20}, 10, hidden={"b"}) == {"b"}


sizes_strategy = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=2),
    st.one_of(st.integers(0, 12), st.integers(0, 200)),
    max_size=12,
)


@settings(max_examples=300)
@given(sizes_strategy, st.integers(5, 20))
def test_suppression_holds_against_subtraction(sizes, k):
    hidden = analytics.suppressed(sizes, k)
    published = {g: n for g, n in sizes.items() if g not in hidden}
    non_zero = {g for g, n in sizes.items() if n > 0}
    assert hidden <= non_zero
    assert not any(0 < n < k for n in published.values())
    # The total (or a margin derived from a share) minus the published cells is the hidden
    # cells' total: nothing, or at least k persons, unless every non-zero cell is hidden.
    left = sum(sizes.values()) - sum(published.values())
    assert left == 0 or left >= k or hidden == non_zero
    assert len(hidden) != 1 or non_zero == hidden
    # No more is hidden than the rule asks for: the cells of k or more are added smallest
    # first, so without the largest hidden one the set would not have held.
    if hidden and hidden != non_zero:
        *before, last = sorted(hidden, key=lambda g: (sizes[g], g))
        if sizes[last] >= k:
            assert len(before) < 2 or sum(sizes[g] for g in before) < k


@given(sizes_strategy, st.integers(5, 20), st.sets(st.text("abcdefgh", min_size=1, max_size=2)))
def test_suppression_of_a_seeded_set_holds_too(sizes, k, seed):
    seed = {g for g in seed if g in sizes}
    hidden = analytics.suppressed(sizes, k, hidden=seed)
    assert seed <= hidden
    hidden_non_zero = {g for g in hidden if sizes[g] > 0}
    non_zero = {g for g, n in sizes.items() if n > 0}
    assert not any(0 < n < k for g, n in sizes.items() if g not in hidden)
    total = sum(sizes[g] for g in hidden)
    assert total == 0 or (total >= k and len(hidden_non_zero) >= 2) or non_zero <= hidden


def test_command_line_on_the_decidim_barcelona_log(capsys):
    assert analytics.main([str(DECIDIM), "--json"]) == 0
    everyone = json.loads(capsys.readouterr().out)
    assert everyone["persons"] == 3792 and everyone["activity"] == 29052
    assert (
        analytics.main(
            [
                str(DECIDIM),
                "--exclude",
                "account_type=staff,official",
                "--kind",
                "comment",
                "--json",
            ]
        )
        == 0
    )
    citizens = json.loads(capsys.readouterr().out)
    assert citizens["activity"] < 18192 / 2 + 1000  # staff wrote about half of the comments
    assert citizens["gini"] < everyone["gini"]
    assert analytics.main([str(DECIDIM)]) == 0
    assert "the most active 10% made" in capsys.readouterr().out
    assert analytics.main([str(DECIDIM), "--exclude", "nosuch=x"]) == 2
