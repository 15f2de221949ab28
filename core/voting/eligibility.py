"""Who may vote: verified roster residents in the poll's scope.

A resident is verified when their roster row was imported or entered by staff, or when a
moderator confirmed a self-registered one (activation codes link accounts to roster rows).
A poll covers the community or one building, and may be limited to residents on the roster
before it opened.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from db.models import Poll, Resident


def verified_clause():
    return or_(Resident.source == "roster", col(Resident.verified_at).is_not(None))


def eligible_query(poll: Poll):
    """SELECT Resident.id of everyone who may vote in `poll` (`may_vote` applies the same
    rule to one loaded row: change the two together)."""
    query = select(Resident.id).where(Resident.community_id == poll.community_id,
                                      verified_clause())
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
    return (resident.community_id == poll.community_id and is_verified(resident)
            and (poll.building_id is None or resident.building_id == poll.building_id)
            and (not poll.registered_before_open or resident.created_at < poll.opens_at))


def is_verified(resident: Resident | None) -> bool:
    return resident is not None and (resident.source == "roster" or
                                     resident.verified_at is not None)
