"""Proposals' read models (core.proposals.queries): the list, search and filters,
updates on followed proposals, and the flags pages ask instead of reading the status."""

import pytest

from core.principal import Principal
from core.proposals import lifecycle
from core.proposals.commands import (
    answer_proposal,
    assign_actor,
    change_status,
    follow_proposal,
    post_progress,
    support_proposal,
    withdraw_proposal,
)
from core.proposals.queries import followed_updates, get_proposal, list_proposals
from db.engine import write_session
from db.models import Proposal
from db.models.base import utcnow
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import other_community
from tests.core.proposal_helpers import set_status, set_threshold, submit

pytestmark = pytest.mark.usefixtures("quick_accounts")


# ---- the list, search and filters ----


def _searchable(people, community) -> dict[str, int]:
    author = people["resident"]
    titles = {
        "lift": ("电梯经常故障", "3号楼的电梯这个月坏了三次，老人被困过一次。"),
        "lift_noise": ("电梯噪音太大", "晚上电梯运行噪音影响休息，希望检修。"),
        "lights": ("楼道灯不亮", "楼道里的灯坏了很久，晚上上下楼不方便。"),
        "english": ("Fix the Elevator please", "The elevator in building 3 is broken again."),
        "percent": ("停车费降低50%可以吗", "希望把停车费降低一半，减轻居民负担。"),
        "number": ("停车位增加500个", "希望增加停车位，现在晚上找不到车位。"),
        "underscore": ("Rename file_a to something", "A title with an underscore in it."),
        "no_underscore": ("Rename fileXa to something", "A title without an underscore."),
    }
    return {key: submit(author, title=title, body=body) for key, (title, body) in titles.items()}


def test_search_finds_chinese_words_and_needs_every_term(people, community):
    ids = _searchable(people, community)

    def found(search: str) -> set[int]:
        return {
            p.id
            for p in list_proposals(
                community_id=community["id"], search=search, page_size=100
            ).items
        }

    assert found("电梯") == {ids["lift"], ids["lift_noise"]}
    assert found("电梯 故障") == {ids["lift"]}
    assert found("  电梯   噪音  ") == {ids["lift_noise"]}
    assert found("电梯 楼道") == set()
    assert found("老人被困") == {ids["lift"]}  # matched in the body
    assert found("elevator") == found("ELEVATOR") == found("eLeVaToR") == {ids["english"]}
    assert found("50%") == {ids["percent"]}
    assert found("%") == {ids["percent"]}
    assert found("file_a") == {ids["underscore"]}
    assert found("_") == {ids["underscore"]}
    assert found("\\") == set()
    assert found("") == found("   ") == set(ids.values())
    page = list_proposals(community_id=community["id"], search="电梯")
    assert page.total == 2 and page.pages == 1


def test_filter_by_actor_kind_and_building(people, community):
    committee, company = community["actors"]
    a = submit(people["resident"], kind="proposal")
    b = submit(
        people["resident"], kind="need", title="第二个问题", building_id=community["buildings"][2]
    )
    c = submit(people["resident"], kind="need", title="第三个问题")
    assign_actor(actor=people["moderator"], proposal_id=a, responsible_id=committee)
    assign_actor(actor=people["moderator"], proposal_id=b, responsible_id=company)

    def ids(**filters) -> list[int]:
        return [p.id for p in list_proposals(community_id=community["id"], **filters).items]

    assert ids(actor_id=committee) == [a]
    assert ids(actor_id=company) == [b]
    assert sorted(ids()) == [a, b, c]
    assert sorted(ids(kind="need")) == [b, c]
    assert ids(building_id=community["buildings"][2]) == [b]
    summary = list_proposals(community_id=community["id"], actor_id=company).items[0]
    assert (summary.actor, summary.building, summary.author) == ("物业", "B3", "resident1 name")
    elsewhere = other_community()
    assert list_proposals(community_id=elsewhere["id"]).total == 0


# ---- updates on followed proposals ----


def test_followed_updates_show_what_others_did(people, community):
    resident, moderator = people["resident"], people["moderator"]
    mine = submit(resident)
    other = submit(resident, title="第二个建议")
    change_status(actor=moderator, proposal_id=mine, to_status="open_for_discussion")
    assign_actor(actor=moderator, proposal_id=mine, responsible_id=community["actors"][0])
    answer_proposal(actor=moderator, proposal_id=mine, answer="同意，马上安排。")
    change_status(actor=moderator, proposal_id=mine, to_status="accepted")
    post_progress(actor=moderator, proposal_id=mine, text="开工", progress_pct=30)
    withdraw_proposal(actor=resident, proposal_id=other)  # the resident's own status change
    updates = followed_updates(viewer=resident, limit=50)
    assert sorted((u.proposal_id, u.what, u.detail) for u in updates) == sorted(
        [
            (mine, "status", "open_for_discussion"),
            (mine, "assigned", "居委会"),
            (mine, "answer", None),
            (mine, "status", "accepted"),
            (mine, "progress", "30"),
        ]
    )
    assert all(u.status == "accepted" for u in updates)
    assert [u.at for u in updates] == sorted((u.at for u in updates), reverse=True)
    assert len(followed_updates(viewer=resident, limit=2)) == 2
    # Someone else following the withdrawn one sees the withdrawal; a non-follower nothing.
    follow_proposal(actor=people["resident2"], proposal_id=other)
    assert [
        (u.proposal_id, u.what, u.detail) for u in followed_updates(viewer=people["resident2"])
    ] == [(other, "status", "withdrawn")]
    assert followed_updates(viewer=people["researcher"]) == []
    assert followed_updates(viewer=Principal(user_id=None, role="anonymous")) == []
    follow_proposal(actor=resident, proposal_id=mine, follow=False)
    assert followed_updates(viewer=resident) == []


def test_followed_updates_include_the_systems_move_to_review(people, community):
    set_threshold(community, 0.2)  # one support
    proposal_id = submit(people["resident"])
    support_proposal(actor=people["resident2"], proposal_id=proposal_id)
    assert [(u.what, u.detail) for u in followed_updates(viewer=people["resident"])] == [
        ("status", "under_review")
    ]


# ---- regressions found in review ----


def test_long_search_terms_keep_their_escapes(people):
    from core.proposals.queries import list_proposals

    title = "a" * 49 + "%折扣"
    submit(people["resident"], title=title)
    assert (
        list_proposals(community_id=people["resident"].community_id, search="a" * 49 + "%").total
        == 1
    )


def test_followed_updates_leave_out_the_viewers_own_progress_reports(people):
    from core.proposals.commands import follow_proposal, post_progress
    from core.proposals.queries import followed_updates

    proposal_id = submit(people["resident"])
    set_status(proposal_id, "accepted")
    follow_proposal(actor=people["moderator"], proposal_id=proposal_id)
    post_progress(
        actor=people["moderator"], proposal_id=proposal_id, text="已开工", progress_pct=30
    )
    assert [u.what for u in followed_updates(viewer=people["moderator"])] == []
    assert "progress" in [u.what for u in followed_updates(viewer=people["resident"])]


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_the_read_model_answers_what_pages_used_to_work_out(people, status):
    """The flags say what the proposal page used to compute from the status itself."""
    proposal_id = submit(people["resident"])
    with write_session() as s:
        p = s.get(Proposal, proposal_id)
        p.status, p.clock_started_at = status, utcnow()
    mine = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    theirs = get_proposal(viewer=people["resident2"], proposal_id=proposal_id)
    assert mine.clock_running == (
        status not in ("implemented", "rejected", "withdrawn", "merged", "archived")
    )
    assert (
        mine.adopted
        == mine.can_report_progress
        == (status in ("accepted", "in_progress", "implemented"))
    )
    assert mine.counting_to_threshold == (status == "submitted")
    assert mine.supportable == (
        status in ("submitted", "under_review", "open_for_discussion", "in_hearing")
    )
    assert mine.mergeable == mine.supportable
    assert mine.discussion_open == (status not in ("withdrawn", "merged", "archived"))
    assert (
        mine.can_withdraw == (status in ("submitted", "under_review", "open_for_discussion"))
        and not theirs.can_withdraw
    )
    assert mine.moderator_moves == list(lifecycle.MODERATOR_MOVES[status])
    with write_session() as s:
        s.get(Proposal, proposal_id).clock_started_at = None
    assert not get_proposal(viewer=people["resident"], proposal_id=proposal_id).clock_running
