"""The proposal lifecycle as data: which moves a moderator may make, which need a reason.

submitted -> under_review -> open_for_discussion -> (in_hearing) -> voting ->
accepted / rejected -> in_progress -> implemented; authors may withdraw early on; merging
has its own command; anything finished can be archived.
"""
MODERATOR_MOVES: dict[str, tuple[str, ...]] = {
    "submitted": ("under_review", "open_for_discussion", "rejected", "archived"),
    "under_review": ("open_for_discussion", "rejected", "archived"),
    "open_for_discussion": ("in_hearing", "voting", "accepted", "rejected", "archived"),
    "in_hearing": ("open_for_discussion", "voting", "accepted", "rejected"),
    "voting": ("accepted", "rejected"),
    "accepted": ("in_progress", "archived"),
    "in_progress": ("implemented",),
    "implemented": ("archived",),
    "rejected": ("archived",),
    "withdrawn": ("archived",),
    "merged": ("archived",),
    "archived": (),
}
AUTHOR_CAN_WITHDRAW = ("submitted", "under_review", "open_for_discussion")
MERGEABLE = ("submitted", "under_review", "open_for_discussion", "in_hearing")
REASON_REQUIRED = ("rejected", "merged")
# Statuses in which residents can still support a proposal.
SUPPORTABLE = ("submitted", "under_review", "open_for_discussion", "in_hearing")
# Statuses in which the thread is closed to new comments and reactions.
DISCUSSION_CLOSED = ("withdrawn", "merged", "archived")
# Entering these starts the responsible actor's response clock.
CLOCK_STARTS = ("under_review",)


def moderator_can_move(from_status: str, to_status: str) -> bool:
    return to_status in MODERATOR_MOVES.get(from_status, ())
