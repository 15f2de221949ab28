"""Voting rules as plain functions: no database, no Streamlit. Options are strings; ties are
broken by the order of `options` (or of `costs`) wherever the rule names no other order (equal
shares first prefers the cheaper project, then the more approved), so every result is
reproducible.

- majority: yes / no / abstain with quorum and threshold.
- approval: options by number of approvals.
- schulze: the full Schulze order (beatpath method), ballots may rank only some options.
- instant_runoff: rounds of eliminating the option with the fewest first preferences.
- equal_shares: the Method of Equal Shares with cost utilities (core/voting/equal_shares.py),
  completed by raising the voters' shares one unit at a time, then by approval count.
- greedy_budget: "most votes first" until the budget is spent, for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.errors import InvalidInput
from core.text import is_whole_number
from core.voting.equal_shares import CURRENT, RULES, equal_shares_outcome

YES, NO, ABSTAIN = "yes", "no", "abstain"


@dataclass(frozen=True)
class MajorityResult:
    yes: int
    no: int
    abstain: int
    eligible: int
    turnout: float  # share of the eligible who took part (abstentions included), 0..1
    quorum_met: bool
    passed: bool


def majority(
    choices: list[str], *, eligible: int, quorum: float = 0.0, threshold: float = 0.5
) -> MajorityResult:
    """Passed when the quorum is met and yes > threshold x (yes + no); abstentions count for
    the quorum only."""
    if not is_whole_number(eligible) or eligible < len(choices):
        raise InvalidInput("poll.bad_eligible", field="eligible")
    if not 0.0 <= quorum <= 1.0:
        raise InvalidInput("poll.bad_share", field="quorum")
    if not 0.0 <= threshold < 1.0:
        raise InvalidInput("poll.bad_share", field="threshold")
    unknown = set(choices) - {YES, NO, ABSTAIN}
    if unknown:
        raise InvalidInput("ballot.unknown_option", field="choice")
    yes, no, abstain = (sum(1 for c in choices if c == v) for v in (YES, NO, ABSTAIN))
    turnout = len(choices) / eligible if eligible else 0.0
    quorum_met = eligible > 0 and len(choices) >= quorum * eligible - 1e-12
    return MajorityResult(
        yes=yes,
        no=no,
        abstain=abstain,
        eligible=eligible,
        turnout=turnout,
        quorum_met=quorum_met,
        passed=quorum_met and yes > threshold * (yes + no),
    )


def approval(ballots: list[set[str]], options: list[str]) -> list[tuple[str, int]]:
    """(option, approvals), most approved first; ties in the order of `options`."""
    _check_options(options)
    counts = dict.fromkeys(options, 0)
    for ballot in ballots:
        for option in ballot:
            if option not in counts:
                raise InvalidInput("ballot.unknown_option", field="choice")
            counts[option] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], options.index(item[0])))


def pairwise(ballots: list[list[str]], options: list[str]) -> list[list[int]]:
    """d[i][j]: how many ballots prefer options[i] to options[j] (ranked above unranked)."""
    _check_options(options)
    index = {option: i for i, option in enumerate(options)}
    n = len(options)
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        _check_ranking(ballot, index)
        ranked = [index[o] for o in ballot]
        unranked = [i for i in range(n) if i not in set(ranked)]
        for position, i in enumerate(ranked):
            for j in ranked[position + 1 :] + unranked:
                d[i][j] += 1
    return d


def schulze(ballots: list[list[str]], options: list[str]) -> list[str]:
    """The full Schulze order, best first; ties in the order of `options`."""
    p = strongest_paths(ballots, options)
    n = len(options)
    wins = [sum(1 for j in range(n) if j != i and p[i][j] > p[j][i]) for i in range(n)]
    # The Schulze relation is transitive, so sorting by the number of options beaten gives its
    # order; options beating the same number are tied and keep the order of `options`.
    return [options[i] for i in sorted(range(n), key=lambda i: (-wins[i], i))]


def strongest_paths(ballots: list[list[str]], options: list[str]) -> list[list[int]]:
    """p[i][j]: the strength of the strongest path from options[i] to options[j]."""
    d = pairwise(ballots, options)
    n = len(options)
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if len({i, j, k}) == 3:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


@dataclass(frozen=True)
class RunoffResult:
    winner: str | None
    rounds: list[dict[str, int]] = field(default_factory=list)  # first-preference counts
    eliminated: list[str] = field(default_factory=list)
    exhausted: list[int] = field(default_factory=list)  # ballots with no option left, per round


def instant_runoff(ballots: list[list[str]], options: list[str]) -> RunoffResult:
    """Eliminate the option with the fewest first preferences until one has a majority of the
    ballots still in play; exhausted ballots drop out; a tie for elimination eliminates the
    option that comes last in `options`."""
    _check_options(options)
    index = {option: i for i, option in enumerate(options)}
    for ballot in ballots:
        _check_ranking(ballot, index)
    remaining = list(options)
    rounds: list[dict[str, int]] = []
    eliminated: list[str] = []
    exhausted: list[int] = []
    while remaining:
        counts = dict.fromkeys(remaining, 0)
        spent = 0
        for ballot in ballots:
            top = next((o for o in ballot if o in counts), None)
            if top is None:
                spent += 1
            else:
                counts[top] += 1
        rounds.append(counts)
        exhausted.append(spent)
        live = sum(counts.values())
        leader = max(remaining, key=lambda o: (counts[o], -index[o]))
        if live == 0:
            return RunoffResult(
                winner=None, rounds=rounds, eliminated=eliminated, exhausted=exhausted
            )
        if 2 * counts[leader] > live or len(remaining) == 1:
            return RunoffResult(
                winner=leader, rounds=rounds, eliminated=eliminated, exhausted=exhausted
            )
        loser = min(remaining, key=lambda o: (counts[o], -index[o]))
        remaining.remove(loser)
        eliminated.append(loser)
    return RunoffResult(winner=None, rounds=rounds, eliminated=eliminated, exhausted=exhausted)


def equal_shares(
    costs: dict[str, int], budget: int, approvals: list[set[str]], *, rule: str = CURRENT.name
) -> list[str]:
    """The projects funded by the Method of Equal Shares with cost utilities, as
    equalshares.net computes it: every voter starts with an equal whole share of the budget
    (floor(budget / voters)), raised one unit at a time while the outcome stays within the
    budget (the last such outcome counts), then the money left funds projects by approval
    count. Ties go to the cheaper project, then the more approved, then the one listed first
    in `costs`; a project nobody approved is never funded. In the order of `costs`.

    That is what Wieliczka's Green Budget 2023 used, and the tests check its official result.
    The rule itself, and why each choice, is in core/voting/equal_shares.py. `rule` names it;
    "equal-shares-1" is the one polls closed before it were counted by, for their recount."""
    _check_budget(costs, budget, approvals)
    if rule not in RULES:
        raise InvalidInput("field.not_a_choice", field="rule")
    return equal_shares_outcome(costs, budget, approvals, rule=RULES[rule]).funded


def greedy_budget(costs: dict[str, int], budget: int, approvals: list[set[str]]) -> list[str]:
    """ "Most votes first": projects by approvals (ties in the order of `costs`), each funded
    if it still fits in what is left of the budget; in the order of `costs`."""
    _check_budget(costs, budget, approvals)
    funded = set(_greedy(costs, budget, approvals))
    return [name for name in costs if name in funded]


def _greedy(costs: dict[str, int], budget: int, approvals: list[set[str]]) -> list[str]:
    names = list(costs)
    counts = approval(approvals, names)
    left = budget
    funded = []
    for name, votes in counts:
        if votes == 0:
            continue
        if costs[name] <= left:
            funded.append(name)
            left -= costs[name]
    return funded


def _check_options(options: Sequence[str]) -> None:
    if len(options) < 2:
        raise InvalidInput("poll.too_few_options", field="options")
    if len(set(options)) != len(options):
        raise InvalidInput("poll.duplicate_options", field="options")


def _check_ranking(ballot: Sequence[str], index: dict[str, int]) -> None:
    if len(set(ballot)) != len(ballot):
        raise InvalidInput("ballot.duplicate_rank", field="choice")
    if any(option not in index for option in ballot):
        raise InvalidInput("ballot.unknown_option", field="choice")


def _check_budget(costs: dict[str, int], budget: int, approvals: list[set[str]]) -> None:
    _check_options(list(costs))
    if not _positive_int(budget):
        raise InvalidInput("poll.bad_budget", field="budget")
    if any(not _positive_int(cost) for cost in costs.values()):
        raise InvalidInput("poll.bad_cost", field="cost")
    for ballot in approvals:
        if any(option not in costs for option in ballot):
            raise InvalidInput("ballot.unknown_option", field="choice")


def _positive_int(value) -> bool:
    return is_whole_number(value) and value > 0
