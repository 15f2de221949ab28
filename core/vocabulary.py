"""The domain's codes (statuses, kinds, roles...) for the UI layer, which may not import db."""

from db.models.base import utcnow
from db.models.community import ACTOR_KINDS
from db.models.hearings import AUDIENCES, CHANNELS, HEARING_KINDS, HEARING_STATUSES
from db.models.organisations import ORGANISATION_KINDS
from db.models.people import ROLES
from db.models.proposals import CATEGORIES, PROPOSAL_KINDS, PROPOSAL_STATUSES
from db.models.records import PARTICIPATION_KINDS
from db.models.voting import POLL_METHODS, POLL_STATUSES

__all__ = [
    "ACTOR_KINDS",
    "AUDIENCES",
    "CATEGORIES",
    "CHANNELS",
    "HEARING_KINDS",
    "HEARING_STATUSES",
    "ORGANISATION_KINDS",
    "PARTICIPATION_KINDS",
    "POLL_METHODS",
    "POLL_STATUSES",
    "PROPOSAL_KINDS",
    "PROPOSAL_STATUSES",
    "ROLES",
    "utcnow",
]
