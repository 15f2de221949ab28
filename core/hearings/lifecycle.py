"""The hearing lifecycle as data: its statuses, the moves, the named groups every other
module asks about, and what a hearing's outcome does to a linked proposal.

draft -> open (for registration) -> registration_closed -> held -> minutes_published;
cancelled from any state before the minutes (registrants see the reason).

Registrations are registered, waitlisted or cancelled; invitations by lot go invited ->
accepted -> attended, invited or accepted -> declined, declined -> accepted while nobody
has replaced the invitee.
"""

from __future__ import annotations

from core.proposals.lifecycle import ProposalStatus
from db.models.hearings import HearingStatus, InvitationStatus, RegistrationStatus

H = HearingStatus

__all__ = [
    "CHECK_IN",
    "DRAW_OPEN",
    "FINISHED",
    "HOLDS_PLACE",
    "HearingStatus",
    "INVITATION_ACCEPTABLE",
    "INVITATION_DECLINABLE",
    "InvitationStatus",
    "MOVES",
    "OUTCOMES",
    "REGISTRATION_OPEN",
    "RegistrationStatus",
    "SPEAKING",
    "UNFINISHED",
    "UPCOMING",
    "can_move",
]

# Keyed by str as well as by the enum: a row's status column is a plain str.
MOVES: dict[str, tuple[HearingStatus, ...]] = {
    H.DRAFT: (H.OPEN, H.CANCELLED),
    H.OPEN: (H.REGISTRATION_CLOSED, H.HELD, H.CANCELLED),
    H.REGISTRATION_CLOSED: (H.OPEN, H.HELD, H.CANCELLED),
    H.HELD: (H.MINUTES_PUBLISHED,),
    H.MINUTES_PUBLISHED: (),
    H.CANCELLED: (),
}
# Residents may register (or join the waitlist).
REGISTRATION_OPEN = (H.OPEN,)
# Announced and not held yet: registrants may cancel and write statements, invitees answer.
UPCOMING = (H.OPEN, H.REGISTRATION_CLOSED)
# People can be checked in at the door or online.
CHECK_IN = (H.OPEN, H.REGISTRATION_CLOSED, H.HELD)
# The speaker list takes sign-ups and runs its turns.
SPEAKING = (H.OPEN, H.REGISTRATION_CLOSED, H.HELD)
# A panel (or a replacement for a declined invitee) can be drawn by lot.
DRAW_OPEN = (H.DRAFT, H.OPEN, H.REGISTRATION_CLOSED)
# Over: nothing more happens to it (and its organiser's account may go).
FINISHED = (H.MINUTES_PUBLISHED, H.CANCELLED)
UNFINISHED = tuple(s for s in HearingStatus if s not in FINISHED)

# A registration that holds a place (a seat, or one on the waitlist).
HOLDS_PLACE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
# An invitation its invitee (or a moderator for them) can still accept, or decline.
INVITATION_ACCEPTABLE = (InvitationStatus.INVITED, InvitationStatus.DECLINED)
INVITATION_DECLINABLE = (InvitationStatus.INVITED, InvitationStatus.ACCEPTED)

OUTCOMES: dict[str, ProposalStatus | None] = {
    # outcome -> the proposal status it moves the linked proposal to (None: stays), through
    # the proposal lifecycle's gate: a proposal already decided stays where it is.
    "moves_to_vote": ProposalStatus.VOTING,
    "accepted": ProposalStatus.ACCEPTED,
    "rejected": ProposalStatus.REJECTED,
    "more_discussion": ProposalStatus.OPEN_FOR_DISCUSSION,
    "no_change": None,
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, ())
