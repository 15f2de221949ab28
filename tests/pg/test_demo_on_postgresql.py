"""The demo loader on PostgreSQL: it writes explicit ids, so each sequence must be moved past
them (seed/demo.py calls setval) or the next ordinary insert collides with a demo row."""

import pytest
from sqlmodel import select

from core.accounts.commands import register
from db.engine import read_session, write_session
from db.models import Building, Community, User
from seed.demo import load_demo

pytestmark = pytest.mark.pg


def test_inserts_after_the_demo_get_fresh_ids(database):
    counts = load_demo(residents=200, seed=7)
    assert counts["community"] == 1
    with write_session() as s:
        other = Community(name="新社区")
        s.add(other)
        s.flush()
        s.add(Building(community_id=other.id, code="N1", name="新1号楼"))
    assert other.id == 2
    with read_session() as s:
        demo_building = s.exec(select(Building).where(Building.community_id == 1)).first()
    user_id = register(
        community_id=1,
        username="newcomer",
        display_name="新居民",
        password="violet-teapot-harbour",
        building_id=demo_building.id,
        unit="1-101",
    )
    with read_session() as s:
        assert s.get(User, user_id).username == "newcomer"
        assert user_id == max(s.exec(select(User.id)).all())
