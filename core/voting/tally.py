"""Counting a poll from its ballots, the same way for the frozen result at close and for
anyone recomputing it from the published ballots.

`count(poll, options, choices)`: `choices` are the ballots' option-id lists; the result is a
plain dict (JSON-ready), and `digest()` its SHA-256 over canonical JSON, stored at close and
in the audit log.

A budget tally names the equal-shares rule that counted it (core/voting/equal_shares.py), in
`["equal_shares"]["rule"]`, and a recount counts by that rule: a later change of the rule
must not make the tallies frozen before it look tampered with. Tallies frozen before the
name was added were counted by "equal-shares-1" and name none; counted by that rule, a
tally names none either, so that it hashes as it did.
"""

from __future__ import annotations

from core.audit import json_digest
from core.voting import rules
from core.voting.equal_shares import CURRENT, RULES

UNNAMED_RULE = "equal-shares-1"  # the rule of budget tallies that name none


def count(
    *,
    method: str,
    options: list[dict],
    choices: list[list[int]],
    eligible: int,
    quorum: float = 0.0,
    threshold: float = 0.5,
    budget: int | None = None,
    equal_shares_rule: str = CURRENT.name,
) -> dict:
    """options: [{"id", "label", "code", "cost"}] in display order; `equal_shares_rule`: the
    rule a budget poll is counted by (a recount: the one `rule_of` its frozen tally)."""
    names = [str(o["id"]) for o in options]
    ballots = [[str(i) for i in choice] for choice in choices]
    result: dict = {
        "method": method,
        "ballots": len(ballots),
        "eligible": eligible,
        "turnout": len(ballots) / eligible if eligible else 0.0,
    }
    if method == "majority":
        code = {str(o["id"]): o["code"] for o in options}
        outcome = rules.majority(
            [code[b[0]] for b in ballots],
            eligible=max(eligible, len(ballots)),
            quorum=quorum,
            threshold=threshold,
        )
        result.update(
            yes=outcome.yes,
            no=outcome.no,
            abstain=outcome.abstain,
            quorum=quorum,
            threshold=threshold,
            quorum_met=outcome.quorum_met,
            passed=outcome.passed,
        )
    elif method == "approval":
        result["approvals"] = [
            [int(o), n] for o, n in rules.approval([set(b) for b in ballots], names)
        ]
    elif method == "ranked":
        result["schulze"] = [int(o) for o in rules.schulze(ballots, names)]
        result["pairwise"] = rules.pairwise(ballots, names)
        runoff = rules.instant_runoff(ballots, names)
        result["runoff"] = {
            "winner": int(runoff.winner) if runoff.winner else None,
            "rounds": [{o: n for o, n in r.items()} for r in runoff.rounds],
            "eliminated": [int(o) for o in runoff.eliminated],
            "exhausted": runoff.exhausted,
        }
    elif method == "budget":
        if budget is None:  # a budget poll always has one (int(None) would raise, too)
            raise TypeError("a budget tally needs the budget")
        costs = {str(o["id"]): int(o["cost"]) for o in options}
        approvals = [set(b) for b in ballots]
        result["approvals"] = [[int(o), n] for o, n in rules.approval(approvals, names)]
        result["budget"] = budget
        for key, funded in (
            (
                "equal_shares",
                rules.equal_shares(costs, int(budget), approvals, rule=equal_shares_rule),
            ),
            ("greedy", rules.greedy_budget(costs, int(budget), approvals)),
        ):
            result[key] = {
                "funded": [int(o) for o in funded],
                "spent": sum(costs[o] for o in funded),
            }
        if equal_shares_rule != UNNAMED_RULE:
            result["equal_shares"]["rule"] = equal_shares_rule
    return result


def rule_of(frozen: dict) -> str | None:
    """The equal-shares rule a frozen tally was counted by; None if this version knows no
    rule by the name it gives."""
    name = frozen.get("equal_shares", {}).get("rule", UNNAMED_RULE)
    return name if name in RULES else None


def digest(tally: dict) -> str:
    return json_digest(tally)
