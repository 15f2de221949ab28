"""Helpers and fixtures shared by the organisation tests (tests/core/test_organisation_*.py):
a volunteer team and a rival organisation, activities placed in time, and what an
organisation command may write."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.organisations.activities import post_activity
from core.organisations.manage import create_organisation
from core.principal import Principal
from db.engine import read_session, write_session
from db.models import (
    ActivitySignup,
    Actor,
    AuditEvent,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    ParticipationEvent,
    Resident,
    VolunteerRecord,
)
from db.models.base import utcnow
from tests.conftest import make_user

PURPOSE = "组织楼道清洁、独居老人探访和垃圾分类督导等志愿服务。"


TZ = ZoneInfo("Asia/Shanghai")


def verify(principal: Principal) -> Principal:
    """A moderator confirmed this resident (make_user's sign-ups are unverified)."""
    with write_session() as s:
        s.get(Resident, principal.resident_id).source = "roster"
    return principal


def roster_resident(community: dict, name: str = "无账号居民", *, building: int = 0) -> int:
    """A roster resident without an account (someone who comes in person), in the
    community's `building`-th building."""
    with write_session() as s:
        row = Resident(
            community_id=community["id"],
            building_id=community["buildings"][building],
            full_name=name,
        )
        s.add(row)
        s.flush()
        return row.id


def create(
    moderator: Principal, coordinator: Principal, name: str = "W社区志愿者服务队", **overrides
) -> int:
    values = dict(
        name=name,
        kind="volunteer_team",
        purpose=PURPOSE,
        contact="微信群",
        coordinator_resident_id=coordinator.resident_id,
    )
    values.update(overrides)
    return create_organisation(actor=moderator, **values)


def hours_from_now(hours: float) -> datetime:
    return (utcnow() + timedelta(hours=hours)).replace(microsecond=0)


def post(
    coordinator: Principal,
    organisation_id: int,
    *,
    start: float = 24,
    length: float = 3,
    **overrides,
) -> int:
    """An activity `start` hours from now (negative: already started), `length` hours long."""
    values = dict(
        title="楼道清洁日",
        description="清理楼道杂物。",
        place="3号楼",
        starts_at=hours_from_now(start),
        ends_at=hours_from_now(start + length),
    )
    values.update(overrides)
    return post_activity(actor=coordinator, organisation_id=organisation_id, **values)


def move(activity_id: int, *, start: float, length: float = 3) -> None:
    """Move an activity in time (it has started once `start` is negative)."""
    with write_session() as s:
        row = s.get(OrganisationActivity, activity_id)
        row.starts_at, row.ends_at = hours_from_now(start), hours_from_now(start + length)


def erase(resident_id: int) -> None:
    """What deleting an account does to the roster row (the name kept here on purpose: an
    erased row is refused for being erased, not for a blank name)."""
    with write_session() as s:
        s.get(Resident, resident_id).erased_at = utcnow()


def snapshot() -> tuple:
    """Everything an organisation command may write."""
    with read_session() as s:
        rows = tuple(
            [r.model_dump() for r in s.exec(select(model).order_by(col(model.id)))]
            for model in (
                Actor,
                Organisation,
                OrganisationMember,
                OrganisationActivity,
                ActivitySignup,
                VolunteerRecord,
                ParticipationEvent,
            )
        )
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return rows, events


def events(resident_id: int) -> list[tuple]:
    with read_session() as s:
        return [
            (e.kind, e.amount, e.channel, e.object_type, e.object_id, e.user_id)
            for e in s.exec(
                select(ParticipationEvent)
                .where(ParticipationEvent.resident_id == resident_id)
                .order_by(col(ParticipationEvent.id))
            )
        ]


def member_row(organisation_id: int, resident_id: int) -> OrganisationMember | None:
    with read_session() as s:
        return s.exec(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.resident_id == resident_id,
            )
        ).first()


@pytest.fixture
def team(people, community) -> dict:
    """A volunteer team run by `coordinator`; `resident` and `resident2` are verified."""
    for who in ("resident", "resident2"):
        verify(people[who])
    coordinator = verify(make_user(community, "coord1"))
    return {"id": create(people["moderator"], coordinator), "coordinator": coordinator}


@pytest.fixture
def rival(people, community) -> dict:
    """A second organisation of the same community, with its own coordinator."""
    coordinator = verify(make_user(community, "coord2"))
    return {
        "id": create(
            people["moderator"], coordinator, name="阳光社工服务中心", kind="social_organisation"
        ),
        "coordinator": coordinator,
    }
