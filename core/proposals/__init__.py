"""Proposals and needs: lifecycle, commands, photos and read models."""

from core.proposals import lifecycle
from core.proposals.lifecycle import ProposalStatus
from core.proposals.queries import (
    PAGE_SIZE,
    SORTS,
    ProposalDetail,
    ProposalPage,
    ProposalSummary,
    followed_updates,
    get_proposal,
    list_proposals,
    status_history,
)

__all__ = [
    "PAGE_SIZE",
    "SORTS",
    "ProposalDetail",
    "ProposalPage",
    "ProposalStatus",
    "ProposalSummary",
    "followed_updates",
    "get_proposal",
    "lifecycle",
    "list_proposals",
    "status_history",
]
