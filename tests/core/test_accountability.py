"""The responsibility board: what each actor holds, since when, its median response and
completion times, and what is overdue against the service levels (which admins set)."""

from datetime import timedelta

import pytest

from core.accountability import (
    DEFAULT_FIRST_ANSWER_DAYS,
    responsibility_board,
    service_levels,
    set_service_level,
)
from core.errors import InvalidInput, PermissionDenied
from core.proposals.commands import answer_proposal, assign_actor, change_status, submit_proposal
from db.engine import write_session
from db.models import Proposal
from db.models.base import utcnow
from tests.conftest import BODY

pytestmark = pytest.mark.usefixtures("quick_accounts")


def proposal(people, title: str, category: str = "facilities") -> int:
    return submit_proposal(
        actor=people["resident"], kind="need", title=title, body=BODY, category=category
    )


def age(proposal_id: int, days: float) -> None:
    """Move an item's clock back, as if it had reached the actor `days` ago."""
    then = utcnow() - timedelta(days=days)
    with write_session() as s:
        p = s.get(Proposal, proposal_id)
        p.clock_started_at = p.assigned_at = then


def board_of(community, actor_index: int = 0):
    board = responsibility_board(community_id=community["id"])
    return [a for a in board if a.actor_id == community["actors"][actor_index]][0]


def test_the_board_shows_holdings_waits_and_overdue_items(people, community):
    moderator, office = people["moderator"], community["actors"][0]
    late, answered, fresh = (
        proposal(people, t) for t in ("楼道灯坏了", "单元门禁失灵", "花坛杂草")
    )
    for pid in (late, answered, fresh):
        change_status(actor=moderator, proposal_id=pid, to_status="under_review")
        assign_actor(actor=moderator, proposal_id=pid, responsible_id=office)
    age(late, 10)
    age(answered, 10)
    answer_proposal(actor=moderator, proposal_id=answered, answer="物业下周维修。")
    mine = board_of(community)
    assert mine.open_items == 3 and mine.by_status == {"under_review": 3}
    overdue = {i.proposal_id: i.overdue for i in mine.items}
    assert overdue == {late: "answer", answered: None, fresh: None}
    assert mine.overdue == 1 and mine.items[0].proposal_id == late  # longest waiting first
    assert mine.median_response_days == pytest.approx(10, abs=0.2)
    waits = {i.proposal_id: i.waiting_days for i in mine.items}
    assert waits[answered] < 1  # answered just now: waiting since the answer
    # A reassignment restarts the clock and moves the item to the other actor.
    assign_actor(
        actor=moderator,
        proposal_id=late,
        responsible_id=community["actors"][1],
        reason="属于物业职责",
    )
    assert board_of(community).open_items == 2
    assert board_of(community, 1).items[0].overdue is None


def test_service_levels_decide_what_is_overdue(people, community):
    moderator = people["moderator"]
    pid = proposal(people, "小区路面坑洼")
    change_status(actor=moderator, proposal_id=pid, to_status="under_review")
    assign_actor(actor=moderator, proposal_id=pid, responsible_id=community["actors"][0])
    age(pid, 4)
    assert board_of(community).overdue == 0
    assert service_levels(community_id=community["id"])["facilities"] == (
        DEFAULT_FIRST_ANSWER_DAYS,
        90,
    )
    set_service_level(
        actor=people["admin"], category="facilities", first_answer_days=3, completion_days=30
    )
    assert board_of(community).items[0].overdue == "answer"
    assert service_levels(community_id=community["id"])["facilities"] == (3, 30)
    for first, complete in ((0, 30), (3, 1), (3, 10_000), (True, 30), ("3", 30), (3.5, 30)):
        with pytest.raises(InvalidInput):
            set_service_level(
                actor=people["admin"],
                category="facilities",
                first_answer_days=first,
                completion_days=complete,
            )
    with pytest.raises(InvalidInput):
        set_service_level(
            actor=people["admin"], category="nonsense", first_answer_days=3, completion_days=30
        )
    with pytest.raises(PermissionDenied):
        set_service_level(
            actor=moderator, category="facilities", first_answer_days=3, completion_days=30
        )
    assert service_levels(community_id=community["id"])["facilities"] == (3, 30)
