"""No N+1 queries: a page issues a fixed number of SQL statements, however many rows it lists.

Each case opens a page (or one proposal, poll or hearing) on the demo community and counts
the statements of its first render after switch_page and of a re-run. Then `grow()` adds many
more of everything the pages list (proposals with comments, replies, revisions, reactions,
flags and supports; announcements; polls with options, voters and ballots; hearings with
registrants, walk-ins, speakers and linked proposals; audit events; blocked and unverified
accounts; actors and buildings) and the page is counted again: a count that rises with the
rows is a query per row. Pages that page through a list show a fixed page size, so they may
not grow either. Every count also stays under the page's ceiling in PAGE_QUERY_LIMITS.

Statements are counted on the process's engine, from every thread (the dashboard runs one
query beside the others); the BEGIN that db.engine sends itself on SQLite is not counted, so
the numbers are those PostgreSQL would see.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from core.audit import record
from core.principal import Principal
from db.engine import get_engine, read_session, write_session
from db.models import (
    Actor,
    Announcement,
    Ballot,
    Building,
    Comment,
    CommentFlag,
    CommentReaction,
    CommentRevision,
    Hearing,
    HearingAttendance,
    HearingProposal,
    HearingRegistration,
    ParticipationEvent,
    Poll,
    PollOption,
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Resident,
    Support,
    User,
    UserBlock,
    VoterRoll,
)
from db.models import Testimony as Turn  # a "Test..." name would be collected by pytest
from db.models.base import utcnow
from tests.pages.test_every_page import PAGES, allowed
from tests.pages.test_vote_pages import fresh_voter

MARK = "GROW"  # in every grown title, name and body, to see that the page shows them
GROWTH = 30  # new proposals, comments on the opened proposal, ballots, registrants...
SURNAME = "王"  # finds a few demo residents at the check-in desk and the paper ballot desk

# The most statements a page may issue, first render or re-run, before and after growth.
# Measured with this file on the 300-resident demo (seed 7) as the highest count over the
# roles below, first render and re-run, demo and grown, then plus 3 for small changes that do
# not loop over rows. "?id" is the detail view of one proposal, hearing or poll.
PAGE_QUERY_LIMITS = {
    "pages/home.py": 16,  # measured 13
    "pages/proposals.py": 11,  # 8
    "pages/proposals.py?id": 23,  # 20
    "pages/new_proposal.py": 10,  # 7
    "pages/hearings.py": 11,  # 8
    "pages/hearings.py?id": 24,  # 21
    "pages/votes.py": 9,  # 6
    "pages/votes.py?id": 21,  # 18
    "pages/announcements.py": 9,  # 6
    "pages/organisations.py": 11,  # 8
    "pages/organisations.py?id": 11,  # 8
    "pages/accountability.py": 12,  # 9
    "pages/audit.py": 12,  # 9
    "pages/dashboard.py": 19,  # 16
    "pages/moderation.py": 15,  # 12
    "pages/admin.py": 10,  # 7
    "pages/profile.py": 7,  # 4
    "pages/surveys.py": 13,  # 10
    "pages/surveys.py?id": 34,  # 31
}


# ---- counting --------------------------------------------------------------------------------


class StatementCounter:
    """Counts the statements sent to the database, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("BEGIN"):
            return
        with self._lock:
            self.statements.append(statement)

    @property
    def n(self) -> int:
        return len(self.statements)


@contextmanager
def counting():
    counter = StatementCounter()
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


# ---- the cases -------------------------------------------------------------------------------


def open_proposal_id() -> int:
    with read_session() as s:
        return s.exec(
            select(Proposal.id)
            .where(Proposal.status == "open_for_discussion")
            .order_by(col(Proposal.id))
        ).first()


def poll_id(status: str) -> int:
    with read_session() as s:
        return s.exec(select(Poll.id).where(Poll.status == status).order_by(col(Poll.id))).first()


def open_hearing_id() -> int:
    with read_session() as s:
        return s.exec(
            select(Hearing.id).where(Hearing.status == "open").order_by(col(Hearing.id))
        ).first()


def survey_id(status: str) -> int:
    from db.models import Survey

    with read_session() as s:
        return s.exec(
            select(Survey.id).where(Survey.status == status).order_by(col(Survey.id))
        ).first()


def volunteer_team_id() -> int:
    from db.models import Organisation

    with read_session() as s:
        return s.exec(
            select(Organisation.id)
            .join(Actor, Actor.id == Organisation.actor_id)
            .where(Actor.kind == "volunteer_team")
        ).first()


def walk_in() -> None:
    """Someone at the opened hearing who did not register: walk-ins have a query of their own,
    so the demo's count must already include it."""
    hearing_id = open_hearing_id()
    with write_session() as s:
        registered = select(HearingRegistration.resident_id).where(
            HearingRegistration.hearing_id == hearing_id
        )
        resident_id = s.exec(
            select(Resident.id)
            .where(col(Resident.id).not_in(registered))
            .order_by(col(Resident.id).desc())
        ).first()
        s.add(HearingAttendance(hearing_id=hearing_id, resident_id=resident_id, channel="offline"))


DETAILS: dict[str, Callable[[], int]] = {
    "proposal": open_proposal_id,
    "open_poll": lambda: poll_id("open"),
    "closed_poll": lambda: poll_id("closed"),
    "hearing": open_hearing_id,
    "open_survey": lambda: survey_id("open"),
    "closed_survey": lambda: survey_id("closed"),
    "organisation": volunteer_team_id,
}


@dataclass(frozen=True)
class Case:
    page: str
    role: str
    detail: str | None = None  # a key of DETAILS: open that one through ?id=
    state: Callable[[], dict] = dict  # widget values to set before the page opens
    prepare: Callable[[], None] | None = None  # run on the demo before the first count
    shows: str | None = MARK  # text the grown page must show (None: nothing it lists grows)

    @property
    def limit_key(self) -> str:
        return f"{self.page}?id" if self.detail else self.page

    def __str__(self) -> str:
        extra = f"?{self.detail}" if self.detail else ""
        return f"{self.page.removeprefix('pages/')}{extra}-{self.role}"


CASES = [
    Case("pages/home.py", "resident"),
    Case("pages/home.py", "moderator"),
    Case("pages/proposals.py", "resident"),
    Case("pages/proposals.py", "moderator"),
    Case("pages/proposals.py", "resident", detail="proposal", shows=f"{MARK} first text"),
    Case("pages/proposals.py", "moderator", detail="proposal", shows=f"{MARK} first text"),
    Case("pages/new_proposal.py", "resident"),
    Case("pages/hearings.py", "resident"),
    Case("pages/hearings.py", "moderator"),
    Case("pages/hearings.py", "resident", detail="hearing"),
    Case(
        "pages/hearings.py",
        "moderator",
        detail="hearing",
        prepare=walk_in,
        state=lambda: {"check_in_query": SURNAME},
        shows=f"{MARK} statement",
    ),
    Case("pages/votes.py", "resident"),
    Case("pages/votes.py", "moderator"),
    Case("pages/votes.py", "resident", detail="open_poll", prepare=fresh_voter),
    Case(
        "pages/votes.py",
        "moderator",
        detail="open_poll",  # a paper ballot being entered
        state=lambda: {f"paper_q_{poll_id('open')}": SURNAME},
    ),
    Case("pages/votes.py", "moderator", detail="closed_poll"),
    Case("pages/announcements.py", "resident"),
    Case(
        "pages/announcements.py",
        "moderator",
        state=lambda: {"announcement_withdrawn": True},
        shows=f"{MARK} withdrawn",
    ),
    Case("pages/organisations.py", "resident"),
    Case("pages/organisations.py", "resident", detail="organisation", shows=f"{MARK} activity"),
    Case(
        "pages/organisations.py",
        "moderator",
        detail="organisation",  # the coordinator's desk
        shows=f"{MARK} request",
    ),
    Case("pages/accountability.py", "resident"),
    Case("pages/accountability.py", "admin"),
    Case("pages/audit.py", "admin", shows=f"{MARK} event"),
    Case("pages/dashboard.py", "researcher"),
    Case("pages/moderation.py", "moderator", shows=f"{MARK} block"),
    Case("pages/admin.py", "admin"),
    Case("pages/profile.py", "resident", shows=None),
    Case("pages/surveys.py", "resident"),
    Case("pages/surveys.py", "moderator"),
    Case("pages/surveys.py", "resident", detail="open_survey", shows=None),
    Case(
        "pages/surveys.py",
        "moderator",
        detail="open_survey",  # a paper answer being entered
        state=lambda: {f"survey_paper_q_{survey_id('open')}": SURNAME},
        shows=None,
    ),
    Case("pages/surveys.py", "moderator", detail="closed_survey", shows=f"{MARK} suggestion"),
]


def page_text(at) -> str:
    """Everything the page shows as text, widget options and table cells included."""
    parts = [
        e.value
        for kind in (
            "title",
            "subheader",
            "markdown",
            "caption",
            "text",
            "info",
            "warning",
            "success",
            "page_link",
            "metric",
        )
        for e in getattr(at, kind)
    ]
    parts += [e.label for e in itertools.chain(at.button, at.expander, at.checkbox)]
    parts += [
        str(option) for e in itertools.chain(at.selectbox, at.multiselect) for option in e.options
    ]
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(str(part) for part in parts)


def measure(app, case: Case) -> tuple[StatementCounter, StatementCounter, str]:
    """The statements of the first render after switch_page and of a re-run, and the text the
    page shows."""
    at = app(case.role)
    if case.detail:
        at.query_params["id"] = str(DETAILS[case.detail]())
    for key, value in case.state().items():
        at.session_state[key] = value
    at.run()
    with counting() as first:
        at.switch_page(case.page).run()
    assert not at.exception, at.exception
    with counting() as rerun:
        at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return first, rerun, page_text(at)


def shape(statement: str) -> str:
    """A statement on one line, with IN lists of any length alike."""
    return re.sub(r"\(\?(, \?)*\)", "(?...)", " ".join(statement.split()))


def more_often(before: StatementCounter, after: StatementCounter) -> list[str]:
    """The statements issued more times after growth than before: the loop to look at."""
    grown = Counter(map(shape, after.statements)) - Counter(map(shape, before.statements))
    return [f"{n}x {statement[:200]}" for statement, n in grown.most_common(3)]


# ---- growing the community -------------------------------------------------------------------


def grow(n: int = GROWTH) -> None:
    """Many more of everything the pages list, around the proposal, poll and hearing that the
    detail cases open."""
    proposal_id, hearing_id = open_proposal_id(), open_hearing_id()
    open_poll, closed_poll = poll_id("open"), poll_id("closed")
    now = utcnow()
    with write_session() as s:
        moderator = s.exec(select(User).where(User.username == "moderator")).one()
        me = s.exec(select(User).where(User.username == "resident")).one()
        community_id = moderator.community_id
        staff = Principal(user_id=moderator.id, role="moderator", community_id=community_id)
        authors = s.exec(
            select(User)
            .where(User.role == "resident", User.id != me.id, col(User.resident_id).is_not(None))
            .order_by(col(User.id))
        ).all()
        residents = s.exec(
            select(Resident).where(Resident.community_id == community_id).order_by(col(Resident.id))
        ).all()
        buildings = s.exec(select(Building).order_by(col(Building.id))).all()

        # Actors and buildings, each holding work below.
        buildings += [
            Building(community_id=community_id, code=f"{MARK}{i}", name=f"{MARK} building {i}")
            for i in range(3)
        ]
        actors = [
            Actor(community_id=community_id, name=f"{MARK} actor {i}", kind="property_company")
            for i in range(5)
        ]
        s.add_all(buildings + actors)
        s.flush()

        # Proposals, each with supports, a follow, history, progress and a short thread.
        statuses = [
            "submitted",
            "under_review",
            "open_for_discussion",
            "accepted",
            "in_progress",
            "implemented",
        ]
        proposals = [
            Proposal(
                community_id=community_id,
                kind=("proposal", "need")[i % 2],
                title=f"{MARK} proposal {i}",
                body=f"{MARK} body {i}",
                category=("facilities", "safety", "environment", "culture")[i % 4],
                building_id=buildings[i % len(buildings)].id,
                author_id=authors[i % len(authors)].id,
                status=statuses[i % len(statuses)],
                actor_id=actors[i % len(actors)].id,
                assigned_at=now - timedelta(days=i),
                clock_started_at=now - timedelta(days=i),
                support_count=5,
                comment_count=3,
                created_at=now + timedelta(seconds=i),
            )
            for i in range(n)
        ]
        s.add_all(proposals)
        s.flush()
        for i, p in enumerate(proposals):
            s.add_all([Support(proposal_id=p.id, resident_id=r.id) for r in residents[i : i + 5]])
            s.add(ProposalFollow(proposal_id=p.id, user_id=me.id))
            s.add_all(
                [
                    ProposalStatusChange(
                        proposal_id=p.id, from_status=None, to_status="submitted", at=now
                    ),
                    ProposalStatusChange(
                        proposal_id=p.id,
                        from_status="submitted",
                        to_status=p.status,
                        by_user_id=moderator.id,
                        at=now + timedelta(seconds=i),
                    ),
                ]
            )
            s.add(
                ProgressUpdate(
                    proposal_id=p.id,
                    text=f"{MARK} progress {i}",
                    progress_pct=i % 100,
                    by_user_id=moderator.id,
                )
            )
        threads = [(p.id, 3) for p in proposals] + [(proposal_id, n)]
        for target, count in threads:
            for j in range(count):
                s.add(
                    Comment(
                        proposal_id=target,
                        author_id=authors[j % len(authors)].id,
                        body=f"{MARK} comment {target}-{j}",
                    )
                )
        s.flush()
        comments = s.exec(
            select(Comment).where(col(Comment.body).startswith(MARK)).order_by(col(Comment.id))
        ).all()
        previous: dict[int, Comment] = {}
        for j, c in enumerate(comments):
            parent = previous.get(c.proposal_id)
            if j % 3 == 1 and parent is not None:  # replies, nested a few deep
                c.parent_id, c.depth = parent.id, parent.depth + 1
            if j % 4 == 0:  # edited: an earlier text kept as a revision
                s.add(
                    CommentRevision(
                        comment_id=c.id, body=f"{MARK} first text {j}", created_at=c.created_at
                    )
                )
                c.edited_at = now
            if j % 5 == 0:
                s.add(CommentFlag(comment_id=c.id, user_id=me.id, reason=f"{MARK} flag {j}"))
            elif j % 5 == 1:
                s.add(CommentReaction(comment_id=c.id, user_id=me.id, value=1))
                c.agree_count += 1
            elif j % 11 == 2:
                c.hidden_at, c.hidden_reason, c.hidden_by = now, f"{MARK} hidden", moderator.id
            previous[c.proposal_id] = c
        for j in range(3):  # the viewer's own comments, editable
            s.add(Comment(proposal_id=proposal_id, author_id=me.id, body=f"{MARK} mine {j}"))
        s.get(Proposal, proposal_id).comment_count += n + 3
        s.add_all(
            [
                ProposalStatusChange(
                    proposal_id=proposal_id,
                    from_status="open_for_discussion",
                    to_status="open_for_discussion",
                    reason=f"{MARK} {j}",
                    actor_id=actors[j % len(actors)].id,
                    at=now,
                )
                for j in range(5)
            ]
        )

        # Announcements: community-wide and per building, pinned, withdrawn.
        s.add_all(
            [
                Announcement(
                    community_id=community_id,
                    building_id=None if i % 2 else buildings[0].id,
                    kind=("decision", "event", "result", "notice")[i % 4],
                    title=f"{MARK} notice {i}",
                    body=f"{MARK} notice body {i}",
                    pinned=i % 3 == 0,
                    author_id=moderator.id,
                    withdrawn_at=now if i % 5 == 4 else None,
                    withdrawn_reason=f"{MARK} withdrawn" if i % 5 == 4 else None,
                )
                for i in range(n)
            ]
        )

        # Polls: more of them, and more options, voters and ballots on the opened ones.
        polls = [
            Poll(
                community_id=community_id,
                title=f"{MARK} poll {i}",
                method="approval",
                status=("draft", "open", "cancelled")[i % 3],
                opens_at=now,
                closes_at=now + timedelta(days=7 + i),
                max_choices=2,
                created_by=moderator.id,
            )
            for i in range(10)
        ]
        s.add_all(polls)
        s.flush()
        for i, poll in enumerate(polls):
            s.add_all(
                [
                    PollOption(poll_id=poll.id, label=f"{MARK} option {k}", position=k)
                    for k in range(4)
                ]
            )
            s.add_all(
                [VoterRoll(poll_id=poll.id, resident_id=r.id) for r in residents[i * 5 : i * 5 + 5]]
            )
        s.add_all(
            [
                PollOption(
                    poll_id=open_poll,
                    label=f"{MARK} option {k}",
                    description=f"{MARK} about {k}",
                    position=10 + k,
                )
                for k in range(n // 3)
            ]
        )
        for poll in (open_poll, closed_poll):
            on_roll = set(
                s.exec(select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)).all()
            )
            choice = s.exec(
                select(PollOption.id).where(PollOption.poll_id == poll).order_by(col(PollOption.id))
            ).first()
            voters = [r for r in residents if r.id not in on_roll and r.id != me.resident_id]
            for k, r in enumerate(voters[:n]):
                s.add(
                    VoterRoll(poll_id=poll, resident_id=r.id, channel=("online", "offline")[k % 2])
                )
                s.add(
                    Ballot(
                        id=f"{poll:04d}{k:028d}",
                        poll_id=poll,
                        choice=f"[{choice}]",
                        receipt_hash=f"{MARK}{poll:04d}{k:056d}",
                    )
                )
                s.add(
                    ParticipationEvent(
                        community_id=community_id,
                        resident_id=r.id,
                        kind="vote",
                        object_type="poll",
                        object_id=poll,
                    )
                )

        # Hearings: more of them, and registrants, walk-ins, speakers and linked proposals on
        # the opened one.
        hearings = [
            Hearing(
                community_id=community_id,
                kind="forum",
                title=f"{MARK} hearing {i}",
                status=("draft", "open", "held")[i % 3],
                starts_at=now + timedelta(days=i - 3),
                ends_at=now + timedelta(days=i - 3, hours=2),
                place=f"{MARK} room",
                capacity=40,
                created_by=moderator.id,
            )
            for i in range(10)
        ]
        s.add_all(hearings)
        s.flush()
        for i, hearing in enumerate(hearings):
            s.add_all(
                [
                    HearingRegistration(hearing_id=hearing.id, resident_id=r.id)
                    for r in residents[i * 7 : i * 7 + 7]
                ]
            )
            s.add_all(
                [
                    HearingAttendance(hearing_id=hearing.id, resident_id=r.id, channel="offline")
                    for r in residents[i * 7 : i * 7 + 3]
                ]
            )
        registered = set(
            s.exec(
                select(HearingRegistration.resident_id).where(
                    HearingRegistration.hearing_id == hearing_id
                )
            ).all()
        )
        attended = set(
            s.exec(
                select(HearingAttendance.resident_id).where(
                    HearingAttendance.hearing_id == hearing_id
                )
            ).all()
        )
        others = [
            r for r in residents if r.id not in registered | attended and r.id != me.resident_id
        ]
        for k, r in enumerate(others[:n]):
            s.add(
                HearingRegistration(
                    hearing_id=hearing_id,
                    resident_id=r.id,
                    status=("registered", "waitlisted")[k % 2],
                    statement=f"{MARK} statement {k}",
                )
            )
            s.add(
                ParticipationEvent(
                    community_id=community_id,
                    resident_id=r.id,
                    kind="hearing_registration",
                    object_type="hearing",
                    object_id=hearing_id,
                )
            )
            if k % 2 == 0:
                s.add(HearingAttendance(hearing_id=hearing_id, resident_id=r.id, channel="online"))
        for r in others[n : n + n // 3]:  # came without registering
            s.add(HearingAttendance(hearing_id=hearing_id, resident_id=r.id, channel="offline"))
        s.add_all(
            [
                Turn(
                    hearing_id=hearing_id,
                    resident_id=r.id,
                    speaker_name=f"{MARK} speaker {k}",
                    speaker_role="resident",
                    position=("for", "against", "neutral")[k % 3],
                    summary=f"{MARK} said {k}",
                    turn_order=100 + k,
                )
                for k, r in enumerate(others[: n // 3])
            ]
        )
        s.add_all(
            [HearingProposal(hearing_id=hearing_id, proposal_id=p.id) for p in proposals[: n // 3]]
        )

        # Accounts: blocked residents (with their block history) and unverified sign-ups.
        for k, user in enumerate(authors[: n // 3]):
            user.blocked_until = now + timedelta(days=3)
            s.add_all(
                [
                    UserBlock(
                        user_id=user.id,
                        blocked_by=moderator.id,
                        reason=f"{MARK} block {k}-{m}",
                        until=user.blocked_until,
                        created_at=now - timedelta(days=m),
                    )
                    for m in range(2)
                ]
            )
        newcomers = [
            Resident(
                community_id=community_id,
                building_id=buildings[k].id,
                full_name=f"{MARK} newcomer {k}",
                source="self_registered",
            )
            for k in range(n // 3)
        ]
        s.add_all(newcomers)
        s.flush()
        s.add_all(
            [
                User(
                    community_id=community_id,
                    username=f"grow{k}",
                    display_name=f"{MARK} newcomer {k}",
                    password_hash="x",
                    resident_id=r.id,
                )
                for k, r in enumerate(newcomers)
            ]
        )

        grow_organisations(
            s,
            n,
            community_id=community_id,
            moderator=moderator,
            residents=residents,
            authors=authors,
        )
        grow_surveys(
            s,
            n,
            community_id=community_id,
            moderator=moderator,
            residents=[r for r in residents if r.id != me.resident_id],
        )

        # The public log: more than a page of events.
        for k in range(2 * n):
            record(
                s,
                actor=staff,
                action="proposal.status",
                object_type="proposal",
                object_id=proposals[k % n].id,
                payload={"note": f"{MARK} event {k}"},
            )


def grow_organisations(s, n: int, *, community_id: int, moderator, residents, authors) -> None:
    """More organisations on the list; more members, requests, activities, sign-ups and
    hours on the volunteer team that the detail cases open."""
    from db.models import (
        ActivitySignup,
        Organisation,
        OrganisationActivity,
        OrganisationMember,
        VolunteerRecord,
    )

    team = volunteer_team_id()
    now = utcnow()
    actors = [
        Actor(community_id=community_id, name=f"{MARK} organisation {i}", kind="volunteer_team")
        for i in range(n // 3)
    ]
    s.add_all(actors)
    s.flush()
    organisations = [
        Organisation(
            community_id=community_id,
            actor_id=a.id,
            purpose=f"{MARK} purpose",
            created_by=moderator.id,
        )
        for a in actors
    ]
    s.add_all(organisations)
    s.flush()
    for k, organisation in enumerate(organisations):
        user = authors[k % len(authors)]
        s.add(
            OrganisationMember(
                organisation_id=organisation.id,
                resident_id=user.resident_id,
                user_id=user.id,
                role="coordinator",
                status="accepted",
            )
        )
    taken = set(
        s.exec(
            select(OrganisationMember.resident_id).where(OrganisationMember.organisation_id == team)
        ).all()
    )
    joining = [u for u in authors if u.resident_id not in taken][:n]
    for k, user in enumerate(joining):
        s.add(
            OrganisationMember(
                organisation_id=team,
                resident_id=user.resident_id,
                user_id=user.id,
                status=("requested", "accepted")[k % 2],
                message=f"{MARK} request {k}",
            )
        )
    activities = [
        OrganisationActivity(
            organisation_id=team,
            title=f"{MARK} activity {i}",
            place=f"{MARK} place",
            starts_at=now + timedelta(days=i - n // 2),
            ends_at=now + timedelta(days=i - n // 2, hours=2),
            capacity=20,
            created_by=moderator.id,
        )
        for i in range(n)
    ]
    s.add_all(activities)
    s.flush()
    for i, activity in enumerate(activities):
        people = residents[i : i + 4]
        s.add_all([ActivitySignup(activity_id=activity.id, resident_id=r.id) for r in people])
        if activity.starts_at < now:
            s.add_all(
                [
                    VolunteerRecord(
                        activity_id=activity.id,
                        resident_id=r.id,
                        hours=1.5,
                        channel="offline",
                        recorded_by=moderator.id,
                    )
                    for r in people[:2]
                ]
            )


# ---- the test --------------------------------------------------------------------------------


def test_cases_cover_every_page_and_only_allowed_roles():
    assert {case.page for case in CASES} == set(PAGES)
    assert set(PAGE_QUERY_LIMITS) == {case.limit_key for case in CASES}
    for case in CASES:
        assert allowed(case.role, PAGES[case.page][0]), case


@pytest.mark.parametrize("case", CASES, ids=str)
def test_query_count_does_not_grow_with_rows(app, case):
    if case.prepare:
        case.prepare()
    demo_first, demo_rerun, _ = measure(app, case)
    grow()
    grown_first, grown_rerun, shown = measure(app, case)
    if case.shows:
        assert case.shows in shown, "the grown rows are not on the page: the test measures nothing"
    counts = {
        "demo first": demo_first.n,
        "demo re-run": demo_rerun.n,
        "grown first": grown_first.n,
        "grown re-run": grown_rerun.n,
    }
    print(f"\nquery counts {case}: {counts}")
    assert grown_first.n <= demo_first.n and grown_rerun.n <= demo_rerun.n, (
        f"more statements with more rows (a query per row?): {counts}; "
        f"issued more often: {more_often(demo_rerun, grown_rerun)}"
    )
    limit = PAGE_QUERY_LIMITS[case.limit_key]
    assert max(counts.values()) <= limit, f"above the ceiling of {limit}: {counts}"


def grow_surveys(s, n: int, *, community_id: int, moderator, residents) -> None:
    """More surveys on the list; more responses (with text answers) on the closed one that
    the moderator's detail case opens, and on the open one."""
    from db.models import Survey, SurveyAnswer, SurveyOption, SurveyQuestion, SurveyResponse

    now = utcnow()
    s.add_all(
        [
            Survey(
                community_id=community_id,
                title=f"{MARK} survey {i}",
                status=("draft", "open", "closed")[i % 3],
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=i + 1),
                created_by=moderator.id,
            )
            for i in range(n // 3)
        ]
    )
    for survey in (survey_id("closed"), survey_id("open")):
        questions = s.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey)).all()
        options = {
            q.id: s.exec(
                select(SurveyOption.id)
                .where(SurveyOption.question_id == q.id)
                .order_by(col(SurveyOption.position))
            ).all()
            for q in questions
        }
        answered = set(
            s.exec(
                select(SurveyResponse.resident_id).where(SurveyResponse.survey_id == survey)
            ).all()
        )
        for k, r in enumerate([r for r in residents if r.id not in answered][:n]):
            response = SurveyResponse(
                survey_id=survey, resident_id=r.id, channel=("online", "offline")[k % 2]
            )
            s.add(response)
            s.flush()
            for q in questions:
                ids = options[q.id]
                if q.kind == "single":
                    s.add(
                        SurveyAnswer(
                            response_id=response.id, question_id=q.id, option_id=ids[k % len(ids)]
                        )
                    )
                elif q.kind == "multiple":
                    s.add_all(
                        [
                            SurveyAnswer(response_id=response.id, question_id=q.id, option_id=i)
                            for i in ids[:2]
                        ]
                    )
                elif q.kind == "rating":
                    s.add(SurveyAnswer(response_id=response.id, question_id=q.id, rating=k % 5 + 1))
                elif q.kind == "ranking":
                    s.add_all(
                        [
                            SurveyAnswer(
                                response_id=response.id, question_id=q.id, option_id=i, rank=rank
                            )
                            for rank, i in enumerate(ids, start=1)
                        ]
                    )
                else:
                    s.add(
                        SurveyAnswer(
                            response_id=response.id, question_id=q.id, text=f"{MARK} suggestion {k}"
                        )
                    )
            s.add(
                ParticipationEvent(
                    community_id=community_id,
                    resident_id=r.id,
                    kind="survey_answer",
                    object_type="survey",
                    object_id=survey,
                )
            )
