"""The server decides who someone is: editing the browser session's state to claim a role
changes nothing, and data cached for one community or session never reaches another."""

import pytest

from core.dashboard.filters import Filters
from core.dashboard.people import person_counts
from core.principal import Principal
from db.engine import write_session
from db.models import Resident
from tests.conftest import make_user, other_community

pytestmark = pytest.mark.usefixtures("quick_accounts")


def test_a_second_community_never_sees_the_first_ones_cached_roster(people, community):
    first = person_counts(actor=people["researcher"], filters=Filters())
    other = other_community()
    with write_session() as s:
        s.add(
            Resident(
                community_id=other["id"], building_id=other["buildings"][0], full_name="外社区居民"
            )
        )
    other_id = other["id"]
    researcher = Principal(
        user_id=people["researcher"].user_id, role="researcher", community_id=other_id
    )
    second = person_counts(actor=researcher, filters=Filters())
    assert len(second) == 1 and set(second["resident_id"]).isdisjoint(first["resident_id"])
    again = person_counts(actor=people["researcher"], filters=Filters())
    assert set(again["resident_id"]) == set(first["resident_id"])


def test_a_new_resident_appears_at_once(people, community):
    before = person_counts(actor=people["researcher"], filters=Filters())
    newcomer = make_user(community, "newcomer")
    after = person_counts(actor=people["researcher"], filters=Filters())
    assert newcomer.resident_id in set(after["resident_id"]) - set(before["resident_id"])
