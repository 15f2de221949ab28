"""Who may vote: verified roster residents in the poll's scope.

A resident is verified when they are a roster row (imported or entered by staff) that has
not been erased. An account
counts once it is linked to its roster row (by an activation code, or by a moderator who
confirms it by choosing the row); a self-registered placeholder never votes, so one person
is one roster row and votes once, online or on paper.
A poll covers the community or one building, and may be limited to residents on the roster
before it opened.
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.models import Poll, Resident, VoterRoll


def verified_clause():
    """SQL for `is_verified`: the one rule, in both forms."""
    return (col(Resident.source) == "roster") & col(Resident.erased_at).is_(None)


def eligible_query(poll: Poll):
    """SELECT Resident.id of everyone who may vote in `poll` (`may_vote` applies the same
    rule to one loaded row: change the two together). Someone who voted and whose row was
    erased afterwards stays in it: their ballot counts, so they count in the base."""
    voted = select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll.id)
    query = select(Resident.id).where(
        Resident.community_id == poll.community_id,
        or_(verified_clause(), (col(Resident.source) == "roster") & col(Resident.id).in_(voted)),
    )
    if poll.building_id is not None:
        query = query.where(Resident.building_id == poll.building_id)
    if poll.registered_before_open:
        query = query.where(Resident.created_at < poll.opens_at)
    return query


def eligible_count(s: Session, poll: Poll) -> int:
    return s.exec(select(func.count()).select_from(eligible_query(poll).subquery())).one()


def is_eligible(s: Session, poll: Poll, resident_id: int | None) -> bool:
    if not isinstance(resident_id, int):
        return False
    return s.exec(eligible_query(poll).where(Resident.id == resident_id)).first() is not None


def may_vote(poll: Poll, resident) -> bool:
    """`is_eligible` for a roster row already read (a Resident, or a row of its columns):
    the rule of `eligible_query`, applied in Python, so casting a ballot needs no query."""
    return (
        resident.community_id == poll.community_id
        and is_verified(resident)
        and (poll.building_id is None or resident.building_id == poll.building_id)
        and (not poll.registered_before_open or resident.created_at < poll.opens_at)
    )


def is_verified(resident) -> bool:
    """A roster row that is not erased (a Resident, or a row with its `source` and
    `erased_at`)."""
    return resident is not None and resident.source == "roster" and resident.erased_at is None
