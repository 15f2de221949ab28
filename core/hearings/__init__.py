"""Hearings (听证会), argumentation meetings (论证会), forums (座谈会), online consultations."""

from core.hearings import lifecycle  # noqa: F401  (used by pages through the package)
from core.hearings.queries import (
    DrawSummary,
    HearingDetail,
    HearingSummary,
    InvitationRow,
    find_residents,
    get_hearing,
    list_hearings,
    my_invitations,
)

__all__ = [
    "DrawSummary",
    "HearingDetail",
    "HearingSummary",
    "InvitationRow",
    "find_residents",
    "get_hearing",
    "lifecycle",
    "list_hearings",
    "my_invitations",
]
