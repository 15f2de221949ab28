"""The district generator: several demo communities, exact amounts, nothing crossing over."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from core.audit import verify
from db.engine import read_session
from db.models import (
    Ballot,
    Comment,
    Community,
    ParticipationEvent,
    Poll,
    Proposal,
    Resident,
    User,
    VoterRoll,
)
from seed.demo import DEMO_PASSWORD
from seed.district import load_district

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIZE = dict(
    communities=3, residents=600, proposals=40, comments=250, polls=6, ballots=450, events=4000
)

# Rows whose two ends must lie in one community (a district must not mix its communities).
CROSSINGS = {
    "roll of another community's poll": """
        SELECT count(*) FROM voterroll v JOIN poll p ON p.id = v.poll_id
        JOIN resident r ON r.id = v.resident_id WHERE r.community_id <> p.community_id""",
    "comment by another community's user": """
        SELECT count(*) FROM comment c JOIN proposal p ON p.id = c.proposal_id
        JOIN "user" u ON u.id = c.author_id WHERE u.community_id <> p.community_id""",
    "event of another community's resident": """
        SELECT count(*) FROM participationevent e JOIN resident r ON r.id = e.resident_id
        WHERE r.community_id <> e.community_id""",
    "vote event on another community's poll": """
        SELECT count(*) FROM participationevent e JOIN poll p ON p.id = e.object_id
        WHERE e.object_type = 'poll' AND p.community_id <> e.community_id""",
    "resident in another community's building": """
        SELECT count(*) FROM resident r JOIN building b ON b.id = r.building_id
        WHERE b.community_id <> r.community_id""",
}


@pytest.fixture
def district(database):
    return load_district(**SIZE, now=NOW)


def test_district_has_the_planned_amounts(district):
    with read_session() as s:

        def count(model, *where):
            return s.exec(select(func.count()).select_from(model).where(*where)).one()

        assert count(Community) == 3
        assert count(Resident) == 600 and count(Proposal) == 40 and count(Comment) == 250
        assert count(Poll) == 6 and count(Ballot) == 450 and count(VoterRoll) == 450
        assert count(ParticipationEvent) == 4000
        for community in (1, 2, 3):
            assert count(Resident, Resident.community_id == community) == 200
            assert count(Poll, Poll.community_id == community) == 2
        # Half the polls are closed, with their tallies frozen as closing would.
        closed = s.exec(select(Poll).where(Poll.status == "closed")).all()
        assert len(closed) == 3 and all(p.tally_hash for p in closed)
        assert verify(s) is None
    assert district["ballot"] == 450


def test_nothing_crosses_communities(district):
    with read_session() as s:
        found = {name: s.exec(text(sql)).one()[0] for name, sql in CROSSINGS.items()}
        # Every ballot's options belong to the ballot's poll (option ids are moved too).
        ballots = s.exec(select(Ballot.poll_id, Ballot.choice)).all()
        options = dict(s.exec(text("SELECT id, poll_id FROM polloption")).all())
    assert found == dict.fromkeys(CROSSINGS, 0)
    assert all(options[o] == poll for poll, choice in ballots for o in json.loads(choice))


def test_every_community_has_its_own_logins(district):
    from core.accounts.login import log_in

    with read_session() as s:
        names = s.exec(select(User.username)).all()
    assert len(names) == len(set(names))
    for username, community in (("moderator", 1), ("moderator3", 3), ("resident2", 2)):
        principal, _ = log_in(username=username, password=DEMO_PASSWORD)
        assert principal.community_id == community
