"""The oracle for rule "equal-shares-1": how budget polls were counted before core computed
equal shares itself, i.e. `equal_shares` of core/voting/rules.py at commit 30196ec, which ran
pabutools. Copied from `git show 30196ec:core/voting/rules.py` with `_UntilOverBudget`,
`_greedy` and `approval`; changed only where marked, so the tests compare core against the very
code that counted those polls. pabutools is in the dev set only, never imported by the app.
"""

from __future__ import annotations

import pytest


def approval(ballots: list[set[str]], options: list[str]) -> list[tuple[str, int]]:
    """(option, approvals), most approved first; ties in the order of `options`."""
    # (30196ec checked the options here; the tests pass valid polls only.)
    counts = dict.fromkeys(options, 0)
    for ballot in ballots:
        for option in ballot:
            counts[option] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], options.index(item[0])))


def equal_shares(costs: dict[str, int], budget: int, approvals: list[set[str]]) -> list[str]:
    """The projects funded by the Method of Equal Shares with cost utilities (pabutools),
    completed as equalshares.net's "Add1" does: every voter's budget rises one unit at a time
    for as long as the outcome stays within the budget (the last such outcome counts), then
    the money left funds projects by approval count. In the order of `costs`.

    pabutools on its own stops raising budgets at the first outcome that cannot take another
    project; Add1 goes on, because a later round can fund a different, better-supported set.
    That is what Wieliczka's Green Budget 2023 used, and the tests check its official result."""
    election = pytest.importorskip("pabutools.election")
    rules = pytest.importorskip("pabutools.rules")
    # (30196ec imported these at module level and checked the poll with _check_budget.)
    Project, ApprovalBallot, ApprovalProfile = (
        election.Project,
        election.ApprovalBallot,
        election.ApprovalProfile,
    )
    Cost_Sat, method_of_equal_shares = election.Cost_Sat, rules.method_of_equal_shares

    # Project names sort like `costs`, so pabutools' lexicographic tie-breaking follows it.
    width = len(str(len(costs)))
    projects = {
        name: Project(f"{i:0{width}d}", int(cost)) for i, (name, cost) in enumerate(costs.items())
    }
    profile = ApprovalProfile(
        [ApprovalBallot(projects[o] for o in ballot) for ballot in approvals if ballot]
    )
    funded: set[str] = set()
    if len(profile):
        outcome = method_of_equal_shares(
            _until_over_budget(election.Instance)(projects.values(), budget_limit=int(budget)),
            profile,
            sat_class=Cost_Sat,
            voter_budget_increment=1,
        )
        names = {p.name: name for name, p in projects.items()}
        funded = {names[p.name] for p in outcome}
    funded |= set(_greedy(costs, budget, approvals, start=funded))
    return [name for name in costs if name in funded]


def _until_over_budget(Instance):
    # (30196ec declared the class at module level, as a subclass of pabutools' Instance.)
    class _UntilOverBudget(Instance):
        """An instance on which an outcome counts as exhaustive only once it funds every
        project anyone approved, so that pabutools keeps raising the voters' budgets until the
        outcome would exceed the budget (Add1), or nothing is left to fund."""

        def is_exhaustive(self, projects, available_projects=None) -> bool:
            funded = {p.name for p in projects}
            return all(p.name in funded for p in (available_projects or self))

    return _UntilOverBudget


def _greedy(
    costs: dict[str, int], budget: int, approvals: list[set[str]], start: set[str] = frozenset()
) -> list[str]:
    names = list(costs)
    counts = approval(approvals, names)
    left = budget - sum(costs[name] for name in start)
    funded = []
    for name, votes in counts:
        if name in start or votes == 0:
            continue
        if costs[name] <= left:
            funded.append(name)
            left -= costs[name]
    return funded
