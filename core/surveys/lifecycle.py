"""The survey lifecycle as data: its statuses and moves.

draft -> open (answers taken between opens_at and closes_at) -> closed, by a moderator or
by the end of its window: an open survey whose closing time has passed counts as closed
whether or not the close is stored yet (common.status_of).
"""

from __future__ import annotations

from db.models.surveys import SurveyStatus

__all__ = ["MOVES", "SurveyStatus", "can_move"]

# Keyed by str: a stored status is a plain str, and a StrEnum member finds its str's entry.
MOVES: dict[str, tuple[SurveyStatus, ...]] = {
    SurveyStatus.DRAFT: (SurveyStatus.OPEN,),
    SurveyStatus.OPEN: (SurveyStatus.CLOSED,),
    SurveyStatus.CLOSED: (),
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, ())
