"""Reading the community's structure: communities, buildings, responsible actors."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.principal import Principal
from core.rows import stored_id
from db.engine import read_session
from db.models import Actor, Building, CensusBaseline, Community, Resident


class CommunityPublic(BaseModel):
    id: int
    name: str
    timezone: str
    support_threshold: float
    dominance_alert: float = 0.5
    disclosure_k: int = 10


class BuildingPublic(BaseModel):
    id: int
    code: str
    name: str
    residents: int = 0


class ActorPublic(BaseModel):
    id: int
    name: str
    kind: str
    active: bool


def default_community() -> CommunityPublic | None:
    """The first community: what anonymous visitors see on a single-community install."""
    with read_session() as s:
        row = s.exec(select(Community).order_by(col(Community.id)).limit(1)).first()
        return CommunityPublic.model_validate(row, from_attributes=True) if row else None


def get_community(community_id: int) -> CommunityPublic | None:
    with read_session() as s:
        row = s.get(Community, community_id)
        return CommunityPublic.model_validate(row, from_attributes=True) if row else None


def viewers_community(actor: Principal) -> CommunityPublic:
    """The settings of the community a signed-in viewer belongs to (staff and researchers
    always belong to one)."""
    community = get_community(actor.community_id) if actor.community_id else None
    assert community is not None  # a signed-in viewer is in a community
    return community


def list_buildings(community_id: int) -> list[BuildingPublic]:
    """Buildings with their roster size, in code order."""
    with read_session() as s:
        counts = dict(
            s.exec(
                select(Resident.building_id, func.count())
                .where(Resident.community_id == community_id)
                .group_by(col(Resident.building_id))
            ).all()
        )
        rows = s.exec(
            select(Building)
            .where(Building.community_id == community_id)
            .order_by(col(Building.code))
        ).all()
        buildings = []
        for b in rows:
            building_id = stored_id(b.id)
            buildings.append(
                BuildingPublic(
                    id=building_id, code=b.code, name=b.name, residents=counts.get(building_id, 0)
                )
            )
        return buildings


def list_actors(community_id: int, *, include_inactive: bool = False) -> list[ActorPublic]:
    with read_session() as s:
        query = select(Actor).where(Actor.community_id == community_id)
        if not include_inactive:
            query = query.where(col(Actor.active).is_(True))
        return [
            ActorPublic.model_validate(a, from_attributes=True)
            for a in s.exec(query.order_by(col(Actor.kind), col(Actor.name)))
        ]


def newest_census(
    s: Session, community_id: int, dimensions
) -> dict[str, tuple[int, dict[str, float]]]:
    """For each dimension with a census baseline: (its newest year, {group: share})."""
    rows = s.exec(
        select(CensusBaseline).where(
            CensusBaseline.community_id == community_id,
            col(CensusBaseline.dimension).in_(list(dimensions)),
        )
    ).all()
    newest: dict[str, int] = {}
    for row in rows:
        newest[row.dimension] = max(newest.get(row.dimension, row.year), row.year)
    return {
        dimension: (
            year,
            {r.group: r.share for r in rows if r.dimension == dimension and r.year == year},
        )
        for dimension, year in newest.items()
    }
