"""The Method of Equal Shares for participatory budgets, with cost utilities, completed by
"Add1" on the integral grid and then by approval count, as equalshares.net computes it.
Exact arithmetic (integers and `Fraction`): no result depends on float rounding.

How a budget B is shared, in whole currency units:

- A round at share s: every voter holds s and may spend it only on projects they approved. The
  round funds projects one at a time. A project's price is the smallest p such that its
  supporters, each paying min(p, what they hold), raise its cost; its effective vote count is
  cost / p (its number of supporters, while all of them can pay an equal part). The round funds
  the project with the highest effective vote count, charges its supporters, and ends when no
  project's supporters can raise its cost any more.
- Ties in effective vote count, as equalshares.net's tie-breaking page says: the lowest cost,
  then the most approvals; where that page draws lots, we take the project listed first in
  `costs` (the poll's option order), so that anyone can repeat the count.
- Add1: the first round gives every voter floor(B / n) units, n being the number of ballots
  that approve something; each next round gives every voter one unit more. The last outcome
  that costs at most B counts: the search ends at the first round that costs more. If all the
  approved projects together fit in B, no share is raised.
- Completion: what is left of B funds the other approved projects by approval count, most first,
  equal counts broken as above (lowest cost, then first listed), each one that still fits.

Where we choose, and why:
- The search does not also stop at the first outcome that leaves no room for another project,
  as equalshares.net's completion page and the reference library the tests use as an oracle
  do: Wieliczka's Green Budget 2023 did not (that stop ends there at 302 PLN a voter, spending
  984,579 of 1,000,000 PLN; the official result is the outcome at 306 to 315 PLN, 995,079).
- A project nobody approved is never funded and plays no part: not a candidate in a round, not
  counted when asking whether all approved projects fit, not funded by the completion, so
  adding one to a poll changes nothing. (equalshares.net's tool would fund it from the leftover,
  and takes equal approval counts in the completion in file order.)
- A ballot that approves nothing is not counted among the n voters: its share could never be
  spent, so the result does not depend on blank ballots.

Rules: every budget tally names the rule that counted it, so that a recount uses the same one.
What is above is rule "equal-shares-2", the one polls are counted by. Rule "equal-shares-1" is
how polls closed before that were counted (by the reference library, through
core/voting/rules.py at commit 30196ec), and differs in three ways: the shares are exact, B/n,
B/n + 1, ... (the last outcome within B counts, as above); ties in effective vote count go to
the project listed first; and the completion takes equal approval counts in the order listed.
(When all the approved projects fit in B, that code raised the shares until it funded them
all; here the completion funds them all: the same set.) Its tallies name no rule: the name
came with rule 2.

Speed: every amount a voter holds in a round is affine in the share, so each decision of a
round (who pays all they hold, who can afford a project, which project wins) flips at a share
that can be computed. A round therefore says up to which share its outcome provably stays the
same, and Add1 skips the rounds in between; and the next round starts from the last step of
the one before whose decisions, and all before it, still hold at its share.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Rule:
    """A version of the count, as the module docstring says."""

    name: str  # as a tally names it
    whole_shares: bool  # shares floor(B/n) + k; else B/n + k, exactly
    cheaper_first: bool  # equal counts: lowest cost, then (in rounds) most votes; else first


RULES = {
    rule.name: rule
    for rule in (
        Rule("equal-shares-1", whole_shares=False, cheaper_first=False),
        Rule("equal-shares-2", whole_shares=True, cheaper_first=True),
    )
}
CURRENT = RULES["equal-shares-2"]


@dataclass(frozen=True)
class EqualSharesOutcome:
    funded: list[str]  # every funded project, in the order of `costs`
    by_shares: list[str]  # funded by the voters' shares, in the order the last round chose them
    by_approvals: list[str]  # then funded by approval count with what was left, in that order
    share: int | Fraction  # what each voter held in the round that counts, currency units
    voters: int  # ballots that approve at least one project


def equal_shares_outcome(
    costs: dict[str, int], budget: int, approvals: list[set[str]], *, rule: Rule = CURRENT
) -> EqualSharesOutcome:
    """The Method of Equal Shares with Add1 and completion by approval count, as the module
    docstring says, by `rule`. `costs` are positive whole currency units and give the option
    order; `budget` is positive; every approved name is in `costs` (rules.equal_shares
    checks)."""
    poll = _Poll(costs, approvals, rule)
    approved = [j for j, votes in enumerate(poll.votes) if votes]
    share: int | Fraction = 0
    if poll.voters:
        share = budget // poll.voters if rule.whole_shares else Fraction(budget, poll.voters)
    last = _Round(poll, share)
    chosen, until = last.run()
    if sum(poll.cost[j] for j in approved) > budget:
        # Only shares where a decision of the round can change need a round of their own, and
        # it starts from the last step of the round before whose decisions still hold there.
        while until is not None:
            nxt = share + max(1, math.ceil(until - share))  # on the grid share + k
            last = last.resumed(nxt) or _Round(poll, nxt)
            raised, raised_until = last.run()
            if sum(poll.cost[j] for j in raised) > budget:
                share = nxt - 1  # its outcome is `chosen`: nothing changes before `until`
                break
            share, chosen, until = nxt, raised, raised_until
    left = budget - sum(poll.cost[j] for j in chosen)
    completed = []
    for j in sorted(set(approved) - set(chosen), key=poll.completion_order):
        if poll.cost[j] <= left:
            completed.append(j)
            left -= poll.cost[j]
    funded = set(chosen) | set(completed)
    return EqualSharesOutcome(
        funded=[poll.names[j] for j in sorted(funded)],
        by_shares=[poll.names[j] for j in chosen],
        by_approvals=[poll.names[j] for j in completed],
        share=share,
        voters=poll.voters,
    )


def equal_shares_round(
    costs: dict[str, int], approvals: list[set[str]], share: int | Fraction, *, rule: Rule = CURRENT
) -> list[str]:
    """One round without completion: every voter who approves something holds `share`
    (currency units). The projects funded, in the order chosen."""
    poll = _Poll(costs, approvals, rule)
    return [poll.names[j] for j in poll.round(share)[0]]


@dataclass
class _Price:
    """A project's price at the round's share s, times `scale`: rest / payers at s, changing by
    rest_slope / payers per unit of share while the same supporters pay all they hold."""

    rest: int  # the cost less what the supporters who pay all they hold pay
    rest_slope: int
    payers: int  # supporters who pay the price itself
    held: Counter[int]  # entry -> supporters holding it


class _Poll:
    """The ballots indexed once for the many rounds of Add1. Projects are numbered in the order
    of `costs`, voters in the order of their non-empty ballots."""

    def __init__(self, costs: dict[str, int], approvals: list[set[str]], rule: Rule):
        self.cheaper_first = rule.cheaper_first
        self.names = list(costs)
        self.cost = [int(costs[name]) for name in self.names]
        index = {name: j for j, name in enumerate(self.names)}
        self.supporters: list[list[int]] = [[] for _ in self.names]
        ballots = [ballot for ballot in approvals if ballot]
        for voter, ballot in enumerate(ballots):
            for name in ballot:
                self.supporters[index[name]].append(voter)
        self.voters = len(ballots)
        self.votes = [len(s) for s in self.supporters]

    def tie_order(self, j: int) -> tuple[int, ...]:
        """Among equal effective vote counts: the lowest cost, the most votes, the first (rule
        1: the first)."""
        return (self.cost[j], -self.votes[j], j) if self.cheaper_first else (j,)

    def completion_order(self, j: int) -> tuple[int, ...]:
        """The completion's order: the most votes, the lowest cost, the first (rule 1: the
        most votes, the first)."""
        return (-self.votes[j], self.cost[j], j) if self.cheaper_first else (-self.votes[j], j)

    def round(self, share: int | Fraction) -> tuple[list[int], Fraction | None]:
        """The projects a round at `share` funds, in the order chosen, and `until`: rounds at
        every share in [share, until) fund the same (None: at every larger share)."""
        return _Round(self, share).run()


@dataclass(frozen=True)
class _Step:
    """A round's state before one of its steps (each list and dict its own copy)."""

    share: Fraction
    room: tuple[int, int] | None
    chosen: tuple[int, ...]
    scale: int
    value: list[int]
    slope: list[int]
    zero: int | None
    holding: list[int]
    bound: dict[int, tuple[int, int, int]]


class _Round:
    """One round. What a voter holds is affine in the share t: value + slope * (t - s), both
    stored times `scale` so that they stay integral. Voters holding the same amount point at
    one entry, so a project's supporters are counted per entry in C (Counter) and only the
    distinct amounts are compared.

    Each decision (who pays all they hold, who can afford a project, which project wins) is the
    sign of a gap affine in t, which closes at a computable share; `until` is the least such
    share above s. While it is above s + 1 (`tracking`) the slopes are kept and the state
    before each step is kept too, for `resumed`; after that the next round is at s + 1 and
    can only reuse the steps before."""

    def __init__(self, poll: _Poll, share: int | Fraction, step: _Step | None = None):
        self.poll, self.s = poll, Fraction(share)
        self.steps: list[_Step] = []  # the state before each step, while `tracking`
        if step is None:
            self.scale = self.s.denominator
            self.value, self.slope = [self.s.numerator], [self.scale]
            self.zero: int | None = None  # the entry of voters who hold nothing
            self.holding = [0] * poll.voters
            self.room: tuple[int, int] | None = None  # until - s, as a ratio; None: no limit
            self.chosen: list[int] = []
            # Per candidate, a lower bound on its price per unit of cost, (rest + rest_slope *
            # (t - s)) / whole: a price only rises as voters spend, and any split of its
            # supporters into those who pay all they hold and those who pay equally bounds it.
            self.bound = {j: (1, 0, votes) for j, votes in enumerate(poll.votes) if votes}
        else:  # carry on from `step` of a round at a smaller share, its amounts moved along
            rise = int(self.s - step.share)
            self.scale, self.zero = step.scale, step.zero
            self.value = [v + d * rise for v, d in zip(step.value, step.slope, strict=True)]
            self.slope, self.holding = list(step.slope), list(step.holding)
            self.room = step.room and (step.room[0] - rise * step.room[1], step.room[1])
            self.chosen = list(step.chosen)
            self.bound = {
                j: (rest + rest_slope * rise, rest_slope, whole)
                for j, (rest, rest_slope, whole) in step.bound.items()
            }
        self.tracking = self.room is None or self.room[0] > self.room[1]
        self.heap = [(Fraction(rest, whole), j) for j, (rest, _, whole) in self.bound.items()]
        heapq.heapify(self.heap)

    def resumed(self, share: int | Fraction) -> _Round | None:
        """A round at the larger `share` that starts from this round's last step whose
        decisions, and all before, still hold there; None if there is none."""
        for k in range(len(self.steps) - 1, -1, -1):
            step = self.steps[k]
            rise = share - step.share
            if rise.denominator == 1 and (step.room is None or rise * step.room[1] < step.room[0]):
                round_ = _Round(self.poll, share, step)
                round_.steps = self.steps[:k]
                return round_
        return None

    def note(self, gap: int, fall: int) -> None:
        """A decision holds while gap - fall * (t - s) > 0 (gap >= 0, fall > 0)."""
        if self.room is None or gap * self.room[1] < self.room[0] * fall:
            self.room = (gap, fall)
            self.tracking = gap > fall

    def run(self) -> tuple[list[int], Fraction | None]:
        poll, bound, heap, chosen = self.poll, self.bound, self.heap, self.chosen
        while heap:
            if self.tracking:
                self.steps.append(
                    _Step(
                        self.s,
                        self.room,
                        tuple(chosen),
                        self.scale,
                        list(self.value),
                        list(self.slope),
                        self.zero,
                        list(self.holding),
                        dict(bound),
                    )
                )
            best: tuple[Fraction, int, _Price] | None = None
            evaluated = []
            while heap and (best is None or heap[0][0] <= best[0]):
                _, j = heapq.heappop(heap)
                price = self.price(j)
                if price is None:
                    del bound[j]  # its supporters cannot raise its cost, nor ever will
                    continue
                whole = price.payers * poll.cost[j] * self.scale
                bound[j] = (price.rest, price.rest_slope, whole)
                low = Fraction(price.rest, whole)
                evaluated.append((low, j))
                if (
                    best is None
                    or low < best[0]
                    or low == best[0]
                    and poll.tie_order(j) < poll.tie_order(best[1])
                ):
                    best = (low, j, price)
            if best is None:
                break
            _, winner, price = best
            for entry in evaluated:
                if entry[1] != winner:
                    heapq.heappush(heap, entry)
            rest, rest_slope, whole = bound.pop(winner)
            self.charge(winner, price)
            chosen.append(winner)
            if self.tracking:  # the winner stays ahead while below every other lower bound
                for other, other_slope, other_whole in bound.values():
                    fall = rest_slope * other_whole - other_slope * whole
                    if fall > 0:
                        self.note(other * whole - rest * other_whole, fall)
        until = self.s + Fraction(*self.room) if self.room is not None else None
        return chosen, until

    def price(self, j: int) -> _Price | None:
        """Project j's price, or None when its supporters hold less than its cost."""
        value, slope, tracking = self.value, self.slope, self.tracking
        held = Counter(map(self.holding.__getitem__, self.poll.supporters[j]))
        rest, rest_slope, payers = self.poll.cost[j] * self.scale, 0, self.poll.votes[j]
        for entry in sorted(held, key=value.__getitem__):
            if rest <= value[entry] * payers:
                return _Price(rest, rest_slope, payers, held)  # these and the richer pay equally
            # These supporters hold less than an equal part: they pay all they hold.
            count = held[entry]
            rest -= value[entry] * count
            payers -= count
            if tracking:
                rest_slope -= slope[entry] * count
        if tracking and rest_slope < 0:  # what they hold falls short by `rest`, and grows
            self.note(rest, -rest_slope)
        return None

    def charge(self, j: int, price: _Price) -> None:
        tracking, payers = self.tracking, price.payers
        rest, rest_slope = price.rest, price.rest_slope if tracking else 0
        grow = payers // math.gcd(payers, rest, rest_slope)
        if grow > 1:  # keep every amount integral once the price is paid
            self.scale *= grow
            self.value = [v * grow for v in self.value]
            if tracking:
                self.slope = [d * grow for d in self.slope]
            rest, rest_slope = rest * grow, rest_slope * grow
        pay, pay_slope = rest // payers, rest_slope // payers
        values, slopes = self.value, self.slope
        moved: dict[int, int] = {}
        for entry in price.held:
            value = values[entry]
            slope = slopes[entry] if tracking else 0
            if value < pay:  # pays all it holds, while that stays below the price
                if tracking and slope > pay_slope:
                    self.note(pay - value, slope - pay_slope)
                if self.zero is None:
                    self.zero = len(values)
                    values.append(0)
                    slopes.append(0)
                moved[entry] = self.zero
            else:  # pays the price; stays able to, as a price never rises with the share
                moved[entry] = len(values)
                values.append(value - pay)
                slopes.append(slope - pay_slope)
        holding = self.holding
        for voter in self.poll.supporters[j]:
            holding[voter] = moved[holding[voter]]
