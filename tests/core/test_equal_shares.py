"""The Method of Equal Shares (core/voting/equal_shares.py) against pabutools as an oracle, on
hand-checked cases, and on the official result of Wieliczka's Green Budget 2023.

pabutools (the reference library of participatory-budgeting rules, in the dev set only) is
compared round by round: its Method of Equal Shares at a fixed share per voter, with our
tie-breaking rule, must fund the same projects in the same order. Its own completion stops
raising shares at the first outcome that leaves no room for another project, earlier than
Add1 as Wieliczka counted; so Add1 is checked against a plain scan of pabutools' rounds, one
share after another, until the first that costs more than the budget.

Rule "equal-shares-1", which recounts the polls closed before core counted them itself, is
checked against the code that counted them then (tests/core/legacy_equal_shares.py)."""

import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.voting.equal_shares import RULES, equal_shares_outcome, equal_shares_round
from tests.core import legacy_equal_shares

DATABASE_FREE = True  # not rerun on PostgreSQL (tests/pg)
WIELICZKA = Path(__file__).resolve().parents[1] / "data" / "poland_wieliczka_2023.pb"


def pabutools_round(costs: dict[str, int], approvals: list[set[str]], share) -> list[str]:
    """pabutools' Method of Equal Shares with cost utilities, every voter holding `share`, ties
    broken as ours are (lowest cost, most votes, first in `costs`): the projects in the order
    it funds them."""
    election = pytest.importorskip("pabutools.election")
    rules = pytest.importorskip("pabutools.rules")
    tiebreaking = pytest.importorskip("pabutools.tiebreaking")
    ballots = [ballot for ballot in approvals if ballot]
    if not ballots:
        return []
    projects = {name: election.Project(name, cost) for name, cost in costs.items()}
    instance = election.Instance(projects.values(), budget_limit=Fraction(share) * len(ballots))
    profile = election.ApprovalProfile(
        [election.ApprovalBallot(projects[name] for name in ballot) for ballot in ballots]
    )
    votes = {name: sum(name in ballot for ballot in ballots) for name in costs}
    position = {name: i for i, name in enumerate(costs)}
    ties = tiebreaking.TieBreakingRule(
        lambda _instance, _profile, p: (p.cost, -votes[p.name], position[p.name])
    )
    outcome = rules.method_of_equal_shares(
        instance, profile, sat_class=election.Cost_Sat, tie_breaking=ties
    )
    return [p.name for p in outcome]


def add1_by_scan(costs, budget, approvals, round_at, rule=RULES["equal-shares-2"]):
    """Add1 and the completion written out plainly: a round at every share from
    floor(budget / voters) (rule 1: budget / voters) until the first that costs more than the
    budget."""
    ballots = [ballot for ballot in approvals if ballot]
    approved = {name for ballot in ballots for name in ballot}
    share = budget // len(ballots) if rule.whole_shares else Fraction(budget, len(ballots))
    chosen = round_at(costs, ballots, share)
    if sum(costs[name] for name in approved) > budget:
        while True:
            raised = round_at(costs, ballots, share + 1)
            if sum(costs[name] for name in raised) > budget:
                break
            share, chosen = share + 1, raised
    left = budget - sum(costs[name] for name in chosen)
    position = list(costs)
    rest = sorted(
        approved - set(chosen),
        key=lambda name: (
            -sum(name in ballot for ballot in ballots),
            costs[name] if rule.cheaper_first else 0,
            position.index(name),
        ),
    )
    completed = []
    for name in rest:
        if costs[name] <= left:
            completed.append(name)
            left -= costs[name]
    return chosen, completed, share


COSTS = st.integers(1, 40)


@st.composite
def polls(draw, costs=COSTS, max_voters=8):
    """A small budget poll: 2 to 5 projects, up to `max_voters` ballots (some may be blank)."""
    names = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    cost = {name: draw(costs) for name in names}
    approvals = draw(st.lists(st.sets(st.sampled_from(names)), min_size=1, max_size=max_voters))
    budget = draw(st.integers(1, sum(cost.values()) + 5))
    return cost, budget, approvals


@settings(max_examples=150, deadline=None)
@given(polls(costs=st.sampled_from([6, 10, 12, 20, 30])), st.integers(0, 45))
def test_a_round_funds_what_pabutools_funds_in_the_same_order(poll, share):
    # Few distinct costs, so that ties (and their breaking) are frequent.
    costs, _, approvals = poll
    assert equal_shares_round(costs, approvals, share) == pabutools_round(costs, approvals, share)


@settings(max_examples=60, deadline=None)
@given(polls(), st.fractions(min_value=0, max_value=30, max_denominator=7))
def test_a_round_at_a_fractional_share_matches_pabutools_too(poll, share):
    costs, _, approvals = poll
    assert equal_shares_round(costs, approvals, share) == pabutools_round(costs, approvals, share)


@settings(max_examples=40, deadline=None)
@given(polls(max_voters=5))
def test_add1_is_the_last_of_pabutools_rounds_within_the_budget(poll):
    costs, budget, approvals = poll
    if not any(approvals):
        return
    outcome = equal_shares_outcome(costs, budget, approvals)
    chosen, completed, share = add1_by_scan(costs, budget, approvals, pabutools_round)
    assert (outcome.by_shares, outcome.by_approvals, outcome.share) == (chosen, completed, share)
    assert outcome.funded == [name for name in costs if name in set(chosen) | set(completed)]


# Where rule 1 differs from rule 2 (each example fails if rule 1 follows rule 2 there):
@example(({"a": 40, "b": 30}, 55, [{"a", "b"}]))  # a tie goes to the first listed, a
@example(({"a": 10, "b": 50, "c": 40}, 77, [{"b"}, {"a", "c"}]))  # completion: b, listed first
@example(({"a": 34, "b": 25, "c": 51}, 41, [{"a", "b", "c"}, {"c"}]))  # shares 20.5, 21.5, ...
@settings(max_examples=300, deadline=None)
@given(polls(costs=st.sampled_from([6, 10, 12, 20, 30, 45])))
def test_rule_1_funds_what_pabutools_funded_before_core_counted(poll):
    # Few distinct costs, so that ties are frequent; budgets and voters at random, so that
    # the shares B/n + k are mostly fractional.
    costs, budget, approvals = poll
    outcome = equal_shares_outcome(costs, budget, approvals, rule=RULES["equal-shares-1"])
    assert outcome.funded == legacy_equal_shares.equal_shares(costs, budget, approvals)


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES)
def test_skipping_shares_that_cannot_change_the_round_changes_nothing(rule):
    # Costs up to the thousands and a few voters: Add1 would take hundreds of rounds, most of
    # them skipped because no decision of the round can flip in between. The plain scan, a
    # round at every share, must agree; under rule 1 too, whose shares are fractions.
    def round_at(costs, approvals, share):
        return equal_shares_round(costs, approvals, share, rule=rule)

    for seed in range(150):
        rng = random.Random(seed)
        names = [f"p{i}" for i in range(rng.randint(3, 6))]
        top = rng.choice([50, 200, 1_000])
        costs = {name: rng.randint(top // 10, top) for name in names}
        approvals = [
            set(rng.sample(names, rng.randint(1, len(names)))) for _ in range(rng.randint(2, 9))
        ]
        budget = rng.randint(sum(costs.values()) // 3, sum(costs.values()))
        outcome = equal_shares_outcome(costs, budget, approvals, rule=rule)
        assert (outcome.by_shares, outcome.by_approvals, outcome.share) == add1_by_scan(
            costs, budget, approvals, round_at, rule
        ), seed


@settings(max_examples=60, deadline=None)
@given(polls(), st.integers(0, 3), st.integers(1, 60))
def test_blank_ballots_and_projects_nobody_approved_change_nothing(poll, blanks, cost):
    costs, budget, approvals = poll
    outcome = equal_shares_outcome(costs, budget, approvals)
    assert sum(costs[name] for name in outcome.funded) <= budget
    assert set(outcome.funded) <= {name for ballot in approvals for name in ballot}
    widened = equal_shares_outcome(
        {**costs, "nobody's": cost}, budget, approvals + [set()] * blanks
    )
    assert widened == outcome


def test_a_tie_in_cost_goes_to_the_project_with_more_votes():
    # Shares of 10. Five voters pay 10 each for d (50) first. Then a (30) and b (30) both cost
    # 10 a head to three voters who can pay: b's fourth voter spent everything on d. Equal
    # cost, equal effective votes (3): b, with 4 votes to a's 3, goes first.
    costs = {"a": 30, "b": 30, "d": 50}
    approvals = [{"a"}] * 3 + [{"d", "b"}] + [{"d"}] * 4 + [{"b"}] * 3
    assert equal_shares_round(costs, approvals, 10) == ["d", "b", "a"]
    # Cost comes before votes: after d, y (20) costs 10 a head to its two voters who can pay
    # (of 3), x (10) costs 5 a head to its two: both 2 effective votes, and x is cheaper.
    costs = {"y": 20, "x": 10, "d": 50}
    approvals = [{"y"}] * 2 + [{"d", "y"}] + [{"d"}] * 4 + [{"x"}] * 2
    assert equal_shares_round(costs, approvals, 10) == ["d", "x", "y"]


def test_money_split_in_thirds_still_pays_exactly():
    # Three voters hold 10 each and pay 10/3 each for x; the 20/3 each keeps pays y (20)
    # exactly. In floats they would hold 3 x 6.666666666666666 = 19.999999999999996 < 20.
    costs = {"x": 10, "y": 20}
    assert equal_shares_round(costs, [{"x", "y"}] * 3, 10) == ["x", "y"]


def test_the_outcome_says_what_each_phase_funded():
    # 4 voters, budget 90: shares from 22; a and b (tied, a listed first) by the three, d by
    # the fourth; at 30 c too would be funded, 110 in all, so 29 is the last share within
    # the budget. Budget 110 fits everything approved: no share is raised, and the
    # completion funds c.
    costs = {"a": 30, "b": 30, "c": 30, "d": 20}
    approvals = [{"a", "b", "c"}] * 3 + [{"d"}]
    outcome = equal_shares_outcome(costs, 90, approvals)
    assert (outcome.by_shares, outcome.by_approvals, outcome.share, outcome.voters) == (
        ["a", "b", "d"],
        [],
        29,
        4,
    )
    outcome = equal_shares_outcome(costs, 110, approvals)
    assert (outcome.by_shares, outcome.by_approvals, outcome.share) == (["a", "b", "d"], ["c"], 27)
    assert outcome.funded == ["a", "b", "c", "d"]


def test_the_completion_breaks_a_tie_in_votes_for_the_cheaper_project():
    # Budget 38, 3 voters: shares from 12. The park (50) needs both its voters at 25 each,
    # over the budget; the lamp (35) and the bench (30) are beyond their one voter's 24. With
    # nothing funded by the shares, the bench and the lamp tie at one vote each: the cheaper
    # bench goes first, and the 8 left cannot buy the lamp.
    costs = {"park": 50, "lamp": 35, "bench": 30}
    outcome = equal_shares_outcome(costs, 38, [{"park"}, {"lamp", "bench"}, {"park"}])
    assert (outcome.funded, outcome.by_shares, outcome.by_approvals, outcome.share) == (
        ["bench"],
        [],
        ["bench"],
        24,
    )


def test_a_share_far_beyond_the_first_is_reached_without_a_round_per_unit():
    # Two voters, budget 500,000: shares from 250,000. The first voter's project (100) is
    # funded at once; the second's (1,000,000) only at shares of 1,000,000, over the budget.
    outcome = equal_shares_outcome({"a": 100, "b": 1_000_000}, 500_000, [{"a"}, {"b"}])
    assert (outcome.funded, outcome.share) == (["a"], 999_999)


def test_wieliczka_green_budget_2023_round_by_round():
    """The official result: shares raised from 151 (1,000,000 PLN over 6,586 voters) to 315 PLN
    fund 30 projects for 995,079 PLN; at 316 the round would cost 1,045,079. pabutools' rounds
    at those two shares are the same, project by project."""
    election = pytest.importorskip("pabutools.election")
    instance, profile = election.parse_pabulib(str(WIELICZKA))
    costs = {p.name: int(p.cost) for p in instance}
    approvals = [{p.name for p in ballot} for ballot in profile]
    official = {p.name for p in instance if instance.project_meta[p]["selected"] == "1"}
    outcome = equal_shares_outcome(costs, int(instance.budget_limit), approvals)
    assert set(outcome.funded) == set(outcome.by_shares) == official
    assert (outcome.share, outcome.voters, outcome.by_approvals) == (315, 6586, [])
    assert sum(costs[name] for name in outcome.funded) == 995_079
    assert pabutools_round(costs, approvals, 315) == outcome.by_shares
    over = equal_shares_round(costs, approvals, 316)
    assert pabutools_round(costs, approvals, 316) == over
    assert sum(costs[name] for name in over) == 1_045_079
