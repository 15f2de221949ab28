"""The poll lifecycle as data: its statuses, the moves, and the named groups other modules
ask about instead of listing statuses themselves.

draft -> open (ballots between opens_at and closes_at) -> closed (the tally frozen and
public); a draft or open poll can be cancelled (with a reason).
"""

from __future__ import annotations

from db.models.voting import PollStatus

P = PollStatus

__all__ = ["CANCELLABLE", "MOVES", "PollStatus", "UNFINISHED", "can_move"]

MOVES: dict[PollStatus, tuple[PollStatus, ...]] = {
    P.DRAFT: (P.OPEN, P.CANCELLED),
    P.OPEN: (P.CLOSED, P.CANCELLED),
    P.CLOSED: (),
    P.PUBLISHED: (),
    P.CANCELLED: (),
}
# Not over yet: its organiser's account cannot go while it runs.
UNFINISHED = (P.DRAFT, P.OPEN)
CANCELLABLE = tuple(s for s, moves in MOVES.items() if P.CANCELLED in moves)
# MOVES by plain string: a status read from the database is a str, and a StrEnum member
# hashes and compares as its value, so both find the same entry.
_MOVES_FROM: dict[str, tuple[PollStatus, ...]] = {s.value: moves for s, moves in MOVES.items()}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in _MOVES_FROM.get(from_status, ())
