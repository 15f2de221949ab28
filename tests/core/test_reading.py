"""The read models behind the pages, on the demo community."""

import pytest

from core.accountability import responsibility_board
from core.community import default_community
from core.errors import PermissionDenied
from core.hearings.queries import list_hearings
from core.moderation import flagged_comments, queue_sizes, review_queue
from core.principal import Principal
from core.proposals.queries import list_proposals, status_history
from core.voting.queries import list_polls
from seed.demo import load_demo


@pytest.fixture
def demo(database):
    load_demo(residents=600, seed=11)
    return default_community()


def staff(role: str) -> Principal:
    return Principal(user_id=2, role=role, community_id=1)


def test_proposal_pages_filters_and_sorts(demo):
    everything = list_proposals(community_id=demo.id, page_size=7)
    assert everything.total >= 12 and everything.pages == -(-everything.total // 7)
    last = list_proposals(community_id=demo.id, page=99, page_size=7)
    assert last.page == everything.pages
    seen = {
        p.id
        for page in range(1, everything.pages + 1)
        for p in list_proposals(community_id=demo.id, page=page, page_size=7).items
    }
    assert len(seen) == everything.total
    needs = list_proposals(community_id=demo.id, kind="need", page_size=100)
    assert needs.items and all(p.kind == "need" for p in needs.items)
    ranked = list_proposals(community_id=demo.id, sort="most_supported", page_size=100).items
    assert [p.support_count for p in ranked] == sorted(
        (p.support_count for p in ranked), reverse=True
    )
    assert list_proposals(community_id=demo.id, status="no-such-status").total == 0
    history = status_history(ranked[0].id)
    assert history[0].to_status == "submitted" and history[-1].to_status == ranked[0].status


def test_hearings_polls_actors(demo):
    hearings = list_hearings(community_id=demo.id)
    assert {h.status for h in hearings} >= {"open", "minutes_published"}
    held = [h for h in hearings if h.status == "minutes_published"][0]
    assert held.attended > 0 and held.registered > 0
    polls = list_polls(community_id=demo.id)
    assert len(polls) == 2 and all(p.voters > 0 for p in polls)
    board = responsibility_board(community_id=demo.id)
    assert len(board) == 6 and sum(a.open_items for a in board) > 0
    assert all(a.open_items == len(a.items) for a in board)


def test_moderation_queue(demo):
    moderator = staff("moderator")
    sizes = queue_sizes(actor=moderator)
    assert sizes["flags"] == len(flagged_comments(actor=moderator, limit=1000))
    assert sizes["review"] == len(review_queue(actor=moderator, limit=1000))
    for command in (queue_sizes, flagged_comments, review_queue):
        with pytest.raises(PermissionDenied):
            command(actor=staff("researcher"))
