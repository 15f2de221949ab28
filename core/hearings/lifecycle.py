"""The hearing lifecycle as data.

draft -> open (for registration) -> registration_closed -> held -> minutes_published;
cancelled from any state before the minutes (registrants see the reason).
"""
MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("open", "cancelled"),
    "open": ("registration_closed", "held", "cancelled"),
    "registration_closed": ("open", "held", "cancelled"),
    "held": ("minutes_published",),
    "minutes_published": (),
    "cancelled": (),
}
REGISTRATION_OPEN = ("open",)
CHECK_IN = ("open", "registration_closed", "held")
OUTCOMES = {
    # outcome -> the proposal status it moves the linked proposal to (None: stays)
    "moves_to_vote": "voting",
    "accepted": "accepted",
    "rejected": "rejected",
    "more_discussion": "open_for_discussion",
    "no_change": None,
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, ())
