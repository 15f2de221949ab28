"""The proposal lifecycle as data: the statuses, who may make which move, and the named
groups of statuses every other module asks about instead of listing statuses itself.

submitted -> under_review -> open_for_discussion -> (in_hearing) -> voting ->
accepted / rejected -> in_progress -> implemented; authors may withdraw early on; merging
has its own command; anything finished can be archived.

Every move goes through core.proposals.commands.move_proposal, which checks it against
MOVES for the one making it (the Mover), whoever asks: the proposals' own commands, a
hearing, a survey.
"""

from __future__ import annotations

from enum import StrEnum

from db.models.proposals import ProposalStatus

S = ProposalStatus

__all__ = [
    "ADOPTED",
    "AUTHOR_CAN_WITHDRAW",
    "AWAITING_MODERATOR",
    "CLOCK_STARTS",
    "DISCUSSION_CLOSED",
    "HEARING_TARGETS",
    "MERGEABLE",
    "MODERATOR_MOVES",
    "MOVES",
    "Mover",
    "OPEN",
    "ProposalStatus",
    "REASON_REQUIRED",
    "REPORTS_PROGRESS",
    "SUPPORTABLE",
    "TERMINAL",
    "can_move",
    "moderator_can_move",
]


class Mover(StrEnum):
    """Who makes a move: a person in a role, or another feature acting on the proposal."""

    AUTHOR = "author"  # submits, and may withdraw early on
    MODERATOR = "moderator"  # moves it along the lifecycle (change_status)
    MERGE = "merge"  # a moderator merging a duplicate into another proposal
    SUPPORT = "support"  # the system, when supports reach the threshold
    HEARING = "hearing"  # a hearing opening, or its minutes' outcome for the proposal
    SURVEY = "survey"  # a moderator making a proposal from a closed needs survey


MODERATOR_MOVES: dict[str, tuple[ProposalStatus, ...]] = {
    S.SUBMITTED: (S.UNDER_REVIEW, S.OPEN_FOR_DISCUSSION, S.REJECTED, S.ARCHIVED),
    S.UNDER_REVIEW: (S.OPEN_FOR_DISCUSSION, S.REJECTED, S.ARCHIVED),
    S.OPEN_FOR_DISCUSSION: (S.IN_HEARING, S.VOTING, S.ACCEPTED, S.REJECTED, S.ARCHIVED),
    S.IN_HEARING: (S.OPEN_FOR_DISCUSSION, S.VOTING, S.ACCEPTED, S.REJECTED),
    S.VOTING: (S.ACCEPTED, S.REJECTED),
    S.ACCEPTED: (S.IN_PROGRESS, S.ARCHIVED),
    S.IN_PROGRESS: (S.IMPLEMENTED,),
    S.IMPLEMENTED: (S.ARCHIVED,),
    S.REJECTED: (S.ARCHIVED,),
    S.WITHDRAWN: (S.ARCHIVED,),
    S.MERGED: (S.ARCHIVED,),
    S.ARCHIVED: (),
}
AUTHOR_CAN_WITHDRAW = (S.SUBMITTED, S.UNDER_REVIEW, S.OPEN_FOR_DISCUSSION)
MERGEABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.OPEN_FOR_DISCUSSION, S.IN_HEARING)
REASON_REQUIRED = (S.REJECTED, S.MERGED)
# Statuses in which residents can still support a proposal.
SUPPORTABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.OPEN_FOR_DISCUSSION, S.IN_HEARING)
# Statuses in which the thread is closed to new comments and reactions.
DISCUSSION_CLOSED = (S.WITHDRAWN, S.MERGED, S.ARCHIVED)
# Entering these starts the responsible actor's response clock.
CLOCK_STARTS = (S.UNDER_REVIEW,)
# Finished one way or another: the responsible actor's clock no longer runs.
TERMINAL = (S.REJECTED, S.IMPLEMENTED, S.WITHDRAWN, S.MERGED, S.ARCHIVED)
# What the responsibility board counts as held by its actor: past the residents' support
# and not finished.
OPEN = (S.UNDER_REVIEW, S.OPEN_FOR_DISCUSSION, S.IN_HEARING, S.VOTING, S.ACCEPTED, S.IN_PROGRESS)
# Decided in its favour: counted as adopted, and progress can be reported on it.
ADOPTED = (S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED)
REPORTS_PROGRESS = ADOPTED
# The moderators' review queue: new, and under review.
AWAITING_MODERATOR = (S.SUBMITTED, S.UNDER_REVIEW)
# What a hearing can move its proposals to: into the hearing when it opens, then towards
# its minutes' outcome (core/hearings/lifecycle.OUTCOMES).
HEARING_TARGETS = (S.IN_HEARING, S.OPEN_FOR_DISCUSSION, S.VOTING, S.ACCEPTED, S.REJECTED)

# Who may make which move: {mover: {from (None: a new proposal): (to, ...)}}.
MOVES: dict[Mover, dict[str | None, tuple[ProposalStatus, ...]]] = {
    Mover.AUTHOR: {None: (S.SUBMITTED,)} | {s: (S.WITHDRAWN,) for s in AUTHOR_CAN_WITHDRAW},
    Mover.MODERATOR: {s: moves for s, moves in MODERATOR_MOVES.items()},
    Mover.MERGE: {s: (S.MERGED,) for s in MERGEABLE},
    Mover.SUPPORT: {S.SUBMITTED: (S.UNDER_REVIEW,)},
    # A hearing acts for the moderator who runs it and can do no more than they could, only
    # towards its targets: a proposal already decided (accepted, in progress, rejected...)
    # stays where it is whatever the minutes say.
    Mover.HEARING: {
        s: targets
        for s, moves in MODERATOR_MOVES.items()
        if (targets := tuple(t for t in moves if t in HEARING_TARGETS))
    },
    Mover.SURVEY: {None: (S.SUBMITTED,)},
}


def can_move(from_status: str | None, to_status: str, *, by: Mover) -> bool:
    """Whether `by` may move a proposal from `from_status` (None: a new one) to `to_status`."""
    return to_status in MOVES.get(by, {}).get(from_status, ())


def moderator_can_move(from_status: str, to_status: str) -> bool:
    return can_move(from_status, to_status, by=Mover.MODERATOR)
