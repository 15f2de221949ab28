"""Counting a poll from its ballots, the same way for the frozen result at close and for
anyone recomputing it from the published ballots.

`count(poll, options, choices)`: `choices` are the ballots' option-id lists; the result is a
plain dict (JSON-ready), and `digest()` its SHA-256 over canonical JSON, stored at close and
in the audit log.
"""
from __future__ import annotations


from core.audit import json_digest
from core.voting import rules


def count(*, method: str, options: list[dict], choices: list[list[int]], eligible: int,
          quorum: float = 0.0, threshold: float = 0.5, budget: int | None = None) -> dict:
    """options: [{"id", "label", "code", "cost"}] in display order."""
    names = [str(o["id"]) for o in options]
    ballots = [[str(i) for i in choice] for choice in choices]
    result: dict = {"method": method, "ballots": len(ballots), "eligible": eligible,
                    "turnout": len(ballots) / eligible if eligible else 0.0}
    if method == "majority":
        code = {str(o["id"]): o["code"] for o in options}
        outcome = rules.majority([code[b[0]] for b in ballots], eligible=max(eligible,
                                                                            len(ballots)),
                                 quorum=quorum, threshold=threshold)
        result.update(yes=outcome.yes, no=outcome.no, abstain=outcome.abstain,
                      quorum=quorum, threshold=threshold, quorum_met=outcome.quorum_met,
                      passed=outcome.passed)
    elif method == "approval":
        result["approvals"] = [[int(o), n] for o, n in rules.approval(
            [set(b) for b in ballots], names)]
    elif method == "ranked":
        result["schulze"] = [int(o) for o in rules.schulze(ballots, names)]
        result["pairwise"] = rules.pairwise(ballots, names)
        runoff = rules.instant_runoff(ballots, names)
        result["runoff"] = {"winner": int(runoff.winner) if runoff.winner else None,
                            "rounds": [{o: n for o, n in r.items()} for r in runoff.rounds],
                            "eliminated": [int(o) for o in runoff.eliminated],
                            "exhausted": runoff.exhausted}
    elif method == "budget":
        costs = {str(o["id"]): int(o["cost"]) for o in options}
        approvals = [set(b) for b in ballots]
        result["approvals"] = [[int(o), n] for o, n in rules.approval(approvals, names)]
        result["budget"] = budget
        for key, rule in (("equal_shares", rules.equal_shares), ("greedy", rules.greedy_budget)):
            funded = rule(costs, int(budget), approvals)
            result[key] = {"funded": [int(o) for o in funded],
                           "spent": sum(costs[o] for o in funded)}
    return result


def digest(tally: dict) -> str:
    return json_digest(tally)
