"""Polls, options, the voter roll, ballots and activation codes.

Secret polls keep who voted (VoterRoll) apart from what was chosen (Ballot): a secret ballot
has no voter, no timestamp, and a random primary key; on SQLite the ballot table is WITHOUT
ROWID, stored in key order, so neither row order nor a rowid reveals the order of voting.
The voter roll holds nothing that points at a ballot: a voter finds their ballot only through
the receipt code they were given (the ballot keeps its SHA-256).

A secret ballot is first written to PendingBallot, in the voter's own transaction (so that an
acknowledged vote is durable), and later moved into Ballot by a separate mixing transaction
together with at least a batch of other voters' ballots, in random order (core/voting/mixing.py):
no Ballot row is ever written by the transaction that wrote a roll entry (on PostgreSQL such
rows would share `xmin`; on SQLite their pages would sit together in the write-ahead log).
"""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from db.models.base import created_at_field, fk, utcnow

POLL_METHODS = ("majority", "approval", "ranked", "budget")


class PollStatus(StrEnum):
    """A poll's status. Declared beside the table because db may not import core;
    core/voting/lifecycle.py re-exports it with the moves and the named groups."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"  # the tally is frozen and public
    PUBLISHED = "published"  # in the vocabulary, not reached by any command
    CANCELLED = "cancelled"


POLL_STATUSES = tuple(PollStatus)


class Poll(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=10000)
    method: str = Field(max_length=16)
    status: str = Field(default=PollStatus.DRAFT, max_length=16, index=True)
    opens_at: datetime
    closes_at: datetime
    building_id: int | None = fk("building.id", nullable=True)
    quorum: float = Field(default=0.0)
    threshold: float = Field(default=0.5)
    secret: bool = Field(default=True)
    max_choices: int | None = Field(default=None)
    budget: float | None = Field(default=None)
    registered_before_open: bool = Field(default=False)
    # Voters may replace their ballot (with their receipt code) until the poll closes.
    allow_change: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # Budget polls: a ballot's approved projects must fit in the budget together.
    knapsack: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # Frozen at close: the eligible count, the tally (canonical JSON) and its SHA-256.
    closed_at: datetime | None = Field(default=None)
    eligible: int | None = Field(default=None)
    tally: str | None = Field(default=None)
    tally_hash: str | None = Field(default=None, max_length=64)
    cancel_reason: str | None = Field(default=None, max_length=1000)
    proposal_id: int | None = fk("proposal.id", nullable=True)
    created_by: int = fk("user.id", index=False)
    created_at: datetime = created_at_field()


class PollOption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = fk("poll.id")
    label: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    cost: float | None = Field(default=None)
    position: int = Field(default=0)
    # Majority polls: "yes", "no" or "abstain".
    code: str | None = Field(default=None, max_length=16)
    proposal_id: int | None = fk("proposal.id", nullable=True, index=False)


class VoterRoll(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("poll_id", "resident_id"),
        Index("ix_voterroll_poll_voter_key", "poll_id", "voter_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = fk("poll.id", index=False)  # the unique key (poll, resident) serves it
    resident_id: int = fk("resident.id")
    # Keyed pseudonym (HMAC with the server's secret) of who the voter is on the roster: it
    # stays when they delete their account, so coming back under a new account cannot vote
    # twice in the same poll. Not unique: two living namesakes in one flat may both vote.
    voter_key: str | None = Field(default=None, max_length=64)
    user_id: int | None = fk("user.id", nullable=True, index=False)
    channel: str = Field(default="online", max_length=8)
    entered_by: int | None = fk("user.id", nullable=True, index=False)
    # SHA-256 of the form submission that cast the ballot: a repeated submission (double
    # click, rerun) is recognised and not counted twice. It says nothing about the ballot.
    submission_hash: str | None = Field(default=None, max_length=64)
    voted_at: datetime = Field(default_factory=utcnow, nullable=False)  # no query needs an index


class Ballot(SQLModel, table=True):
    __table_args__ = {"sqlite_with_rowid": False}
    # Random key (secrets.token_hex), never sequential: order of rows carries no information.
    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = fk("poll.id")
    choice: str = Field(max_length=20000)  # canonical JSON: option ids (ranked: in order)
    # SHA-256 of the voter's receipt code: the bulletin board shows it, the voter checks it.
    receipt_hash: str | None = Field(default=None, max_length=64, unique=True)
    # Only for open (non-secret) polls:
    resident_id: int | None = fk("resident.id", nullable=True, index=False)
    cast_at: datetime | None = Field(default=None)


class PendingBallot(SQLModel, table=True):
    """A secret ballot (or a change to one) that has not been mixed yet. Rows live here only
    until the next mixing step: at most a batch per poll, never after the close."""

    __table_args__ = {"sqlite_with_rowid": False}
    id: str = Field(primary_key=True, max_length=32)  # random, like a ballot's key
    poll_id: int = fk("poll.id")
    choice: str = Field(max_length=20000)
    receipt_hash: str = Field(max_length=64, unique=True)
    # True: replaces the choice of the mixed ballot with this receipt (a change of vote).
    replaces: bool = Field(default=False)


class ActivationCode(SQLModel, table=True):
    """A one-time code a moderator issues for a roster resident (printed, handed over at the
    door); entering it links the resident's account to their roster row and verifies it."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = fk("community.id")
    resident_id: int = fk("resident.id")
    code_hash: str = Field(max_length=64, unique=True)
    issued_by: int = fk("user.id", index=False)
    issued_at: datetime = created_at_field()
    used_at: datetime | None = Field(default=None)
    used_by: int | None = fk("user.id", nullable=True, index=False)
