"""Casting ballots: one verified resident, one ballot, in one transaction.

Casting checks the window on the server clock and the voter's eligibility, adds the voter to
the roll (a unique constraint on poll + resident makes a second ballot impossible, even from
two requests at once), adds the ballot, and writes the participation and audit events. A
secret ballot has a random key and no voter or time, and goes in as a pending ballot that a
later, separate transaction mixes into the ballot table with at least a batch of others
(core/voting/mixing.py), so that no ballot row shares a transaction with its roll entry.
The voter gets a receipt code once; the ballot keeps only the code's SHA-256, which the
bulletin board shows after the close. Where the poll allows it, a voter replaces their ballot
with the receipt code: the roll never points at the ballot.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable

from sqlalchemy import Connection, bindparam, literal, or_, union_all, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.audit import canonical_json, record
from core.errors import Conflict, InvalidInput, NotFound
from core.participation import record_participation
from core.permissions import require
from core.principal import Principal
from core.text import is_whole_number
from core.voting.codes import (
    code_hash,
    legacy_voter_pseudonym,
    new_code,
    normalised_code,
    voter_pseudonym,
)
from core.voting.eligibility import is_verified, may_vote
from core.voting.lifecycle import PollStatus
from core.voting.mixing import mix_after_commit, mix_due
from db.engine import read_session, write_connection
from db.models import Ballot, PendingBallot, Poll, PollOption, Resident, User, VoterRoll
from db.models.base import table_of, utcnow
from db.prepared import Prepared


def new_receipt() -> str:
    """12 random characters in three groups of four, e.g. 'K7QM-2XPA-9TDE' (60 bits)."""
    return new_code(4, 4, 4)


receipt_hash = code_hash  # the name the ballot's column and the tests use

# A paper ballot's receipt is 'P-' and an online receipt's twelve characters. The mark is
# part of the code and of its hash, so dropping it gives no receipt at all; with it, the code
# checks the ballot on the bulletin board but never changes it: the voter is not the one
# who typed it in, and whoever did (or saw the slip) must not be able to rewrite the vote.
_PAPER_MARK = "P"


def new_paper_receipt() -> str:
    return f"{_PAPER_MARK}-{new_receipt()}"


def is_paper_receipt(code) -> bool:
    normalised = normalised_code(code)
    return len(normalised) == 13 and normalised.startswith(_PAPER_MARK)


def _submission_hash(submission: str | None) -> str | None:
    return hashlib.sha256(submission.encode()).hexdigest() if submission else None


def clean_choice(poll: Poll, options, choice) -> list[int]:
    """The ballot's option ids (ranked: in order; otherwise sorted), or InvalidInput.
    `options`: the poll's options (anything with .id and .cost)."""
    ids = {o.id for o in options}
    if poll.method == "majority":
        chosen = [choice] if not isinstance(choice, (list, tuple, set)) else list(choice)
        if len(chosen) != 1:
            raise InvalidInput("ballot.choose_one", field="choice")
    else:
        if not isinstance(choice, (list, tuple, set)):
            raise InvalidInput("ballot.unknown_option", field="choice")
        chosen = list(choice)
    if any(not is_whole_number(i) or i not in ids for i in chosen):
        raise InvalidInput("ballot.unknown_option", field="choice")
    if len(set(chosen)) != len(chosen):
        raise InvalidInput(
            "ballot.duplicate_rank" if poll.method == "ranked" else "ballot.duplicate_option",
            field="choice",
        )
    if not chosen:
        raise InvalidInput("ballot.empty", field="choice")
    if poll.method == "approval" and poll.max_choices and len(chosen) > poll.max_choices:
        raise InvalidInput("ballot.too_many", field="choice", max=poll.max_choices)
    if poll.method == "budget" and poll.knapsack:
        cost = {o.id: o.cost or 0 for o in options}
        total = sum(cost[i] for i in chosen)
        if total > (poll.budget or 0):
            raise InvalidInput(
                "ballot.over_budget",
                field="choice",
                total=int(total),
                budget=int(poll.budget or 0),
            )
    return chosen if poll.method == "ranked" else sorted(chosen)


# The poll's columns a vote needs, as a plain row (no ORM object: this runs on every ballot).
# FOR SHARE on PostgreSQL: ballots go in side by side, while closing (FOR UPDATE) waits for
# those in flight, so the roll and the ballots are counted together. (SQLAlchemy's select:
# SQLModel's is typed for at most four columns.)
_POLL = sa_select(
    col(Poll.id),
    col(Poll.community_id),
    col(Poll.status),
    col(Poll.opens_at),
    col(Poll.closes_at),
    col(Poll.method),
    col(Poll.max_choices),
    col(Poll.budget),
    col(Poll.knapsack),
    col(Poll.building_id),
    col(Poll.registered_before_open),
    col(Poll.secret),
    col(Poll.allow_change),
).where(col(Poll.id) == bindparam("poll_id"))
_POLL_READ = Prepared(_POLL, name="Poll")
_POLL_SHARED = Prepared(_POLL.with_for_update(read=True), name="Poll")


def _open_poll(db: Connection, poll_id, actor: Principal):
    if not is_whole_number(poll_id):
        raise NotFound("error.not_found")
    poll = (_POLL_SHARED if db.dialect.name == "postgresql" else _POLL_READ).first(
        db, poll_id=poll_id
    )
    if poll is None or poll.community_id != actor.community_id:
        raise NotFound("error.not_found")
    now = utcnow()
    if poll.status != PollStatus.OPEN or now < poll.opens_at:
        raise Conflict("ballot.not_open")
    if now >= poll.closes_at:
        raise Conflict("ballot.closed")
    return poll


# What a vote reads besides the poll, from statements compiled once and run on the driver's
# cursor (db/prepared.py: SQLAlchemy's own work per statement cost more than the queries):
# the roster columns that decide eligibility and make the voter's pseudonym, and the
# options' ids and costs.
_VOTER = Prepared(
    sa_select(
        col(Resident.id),
        col(Resident.community_id),
        col(Resident.building_id),
        col(Resident.full_name),
        col(Resident.unit),
        col(Resident.source),
        col(Resident.erased_at),
        col(Resident.created_at),
    ).where(col(Resident.id) == bindparam("resident_id")),
    name="Resident",
)
_OPTIONS = Prepared(
    select(PollOption.id, PollOption.cost).where(PollOption.poll_id == bindparam("poll_id")),
    name="Option",
)


def _voter(db: Connection, resident_id):
    if not is_whole_number(resident_id):
        return None
    return _VOTER.first(db, resident_id=resident_id)


def _options(db: Connection, poll) -> list:
    return _OPTIONS.all(db, poll_id=poll.id)


# Where a resident already is on a poll's roll: by their roster row, or by the keyed
# pseudonym on the entry of an erased row. Two lookups, each on its own index (poll +
# resident, poll + pseudonym), joined by UNION ALL into one statement; as one query with OR,
# SQLite walked every roll entry of the poll, so that each ballot took longer than the one
# before.
_OWN_ENTRY = select(VoterRoll.channel, VoterRoll.submission_hash, literal(0).label("rank")).where(
    VoterRoll.poll_id == bindparam("poll_id"), VoterRoll.resident_id == bindparam("resident_id")
)
_ERASED_NAMESAKE_ENTRY = (
    select(VoterRoll.channel, VoterRoll.submission_hash, literal(1).label("rank"))
    .join(Resident, col(Resident.id) == VoterRoll.resident_id)
    .where(
        VoterRoll.poll_id == bindparam("poll_id"),
        or_(
            col(VoterRoll.voter_key) == bindparam("key"),
            col(VoterRoll.voter_key) == bindparam("legacy"),
        ),
        col(Resident.erased_at).is_not(None),
    )
)
_ON_ROLL = Prepared(
    union_all(_OWN_ENTRY, _ERASED_NAMESAKE_ENTRY).order_by("rank").limit(1), name="RollEntry"
)


def _on_roll(db: Connection, poll, resident, key: str | None):
    """(channel, submission_hash) of this resident's roll entry in this poll, if any: by
    roster row, or, for someone who deleted an account that had voted and came back under a
    new one, by the keyed pseudonym `key` left on the roll (only erased rows are matched so,
    so living namesakes both vote), also as rolls from before migration 0009 keep it."""
    return _ON_ROLL.first(
        db,
        poll_id=poll.id,
        resident_id=resident.id,
        key=key,
        legacy=legacy_voter_pseudonym(resident),
    )


# The rows of a vote go in as plain INSERTs: never read back in the command.
_ADD_TO_ROLL = Prepared(table_of(VoterRoll).insert())
_ADD_BALLOT = Prepared(table_of(Ballot).insert())
_ADD_PENDING = Prepared(table_of(PendingBallot).insert())


def _add_ballot(
    db: Connection,
    poll,
    resident,
    *,
    key: str | None,
    user_id: int | None,
    channel: str,
    choice: list[int],
    entered_by: int | None,
    submission: str | None,
) -> str:
    code = new_paper_receipt() if channel == "offline" else new_receipt()
    try:  # the roll's unique constraint: a concurrent second ballot fails here
        _ADD_TO_ROLL.execute(
            db,
            poll_id=poll.id,
            resident_id=resident.id,
            voter_key=key,
            user_id=user_id,
            channel=channel,
            entered_by=entered_by,
            submission_hash=_submission_hash(submission),
            voted_at=utcnow(),
        )
    except IntegrityError:
        raise Conflict("ballot.already_voted") from None
    if poll.secret:  # mixed into the ballot table later, in a transaction of its own
        _ADD_PENDING.execute(
            db,
            id=secrets.token_hex(16),
            poll_id=poll.id,
            choice=canonical_json(choice),
            receipt_hash=receipt_hash(code),
            replaces=False,
        )
    else:
        _ADD_BALLOT.execute(
            db,
            id=secrets.token_hex(16),
            poll_id=poll.id,
            choice=canonical_json(choice),
            receipt_hash=receipt_hash(code),
            resident_id=resident.id,
            cast_at=utcnow(),
        )
    record_participation(
        db,
        community_id=poll.community_id,
        kind="vote",
        resident_id=resident.id,
        user_id=user_id,
        channel=channel,
        object_type="poll",
        object_id=poll.id,
    )
    return code


def cast_ballot(
    *, actor: Principal, poll_id: int, choice, submission: str | None = None
) -> str | None:
    """Vote online; returns the receipt code (shown once), or None when this very
    submission was already counted (a double click or a rerun)."""
    require(actor, "poll.vote")
    with write_connection() as db:
        poll = _open_poll(db, poll_id, actor)
        resident = _voter(db, actor.resident_id)
        if not is_verified(resident):
            raise Conflict("ballot.unverified")
        if not may_vote(poll, resident):
            raise Conflict("ballot.not_eligible")
        key = voter_pseudonym(resident)
        existing = _on_roll(db, poll, resident, key)
        if existing is not None:
            if submission and existing.submission_hash == _submission_hash(submission):
                return None
            raise Conflict(
                "ballot.voted_on_paper" if existing.channel == "offline" else "ballot.already_voted"
            )
        chosen = clean_choice(poll, _options(db, poll), choice)
        code = _add_ballot(
            db,
            poll,
            resident,
            key=key,
            user_id=actor.user_id,
            channel="online",
            choice=chosen,
            entered_by=None,
            submission=submission,
        )
        record(db, actor=actor, action="poll.vote", object_type="poll", object_id=poll.id)
        due = poll.secret and mix_due(db, poll.id)
    if due:
        mix_after_commit(poll_id)
    return code


_ONLINE_ENTRY = Prepared(
    select(VoterRoll.id).where(
        VoterRoll.poll_id == bindparam("poll_id"),
        VoterRoll.resident_id == bindparam("resident_id"),
        VoterRoll.channel == "online",
    )
)


def change_ballot(*, actor: Principal, poll_id: int, receipt: str, choice) -> None:
    """Replace one's ballot before the close, where the poll allows it, by receipt code."""
    require(actor, "poll.vote")
    with write_connection() as db:
        poll = _open_poll(db, poll_id, actor)
        if not poll.allow_change:
            raise Conflict("ballot.no_changes")
        if is_paper_receipt(receipt):
            raise Conflict("ballot.paper_is_final")
        if (
            not isinstance(actor.resident_id, int)
            or _ONLINE_ENTRY.first(db, poll_id=poll.id, resident_id=actor.resident_id) is None
        ):
            raise Conflict("ballot.not_voted")
        chosen = canonical_json(clean_choice(poll, _options(db, poll), choice))
        if not _replace_choice(db, poll, receipt_hash(receipt or ""), chosen):
            raise InvalidInput("ballot.bad_receipt", field="receipt")
        record(db, actor=actor, action="poll.change_vote", object_type="poll", object_id=poll.id)
        due = poll.secret and mix_due(db, poll.id)
    if due:
        mix_after_commit(poll_id)


def _replace_choice(db: Connection, poll, hashed: str, chosen: str) -> bool:
    """Put `chosen` in place of the choice under receipt hash `hashed`; False if none.

    A secret ballot is never updated in the voter's transaction once mixed (the new row
    version would carry that transaction's id): the change goes in as a pending row that the
    next mixing step applies. One that is still pending is simply rewritten."""
    if not poll.secret:
        done = db.execute(
            update(Ballot)
            .where(col(Ballot.poll_id) == poll.id, col(Ballot.receipt_hash) == hashed)
            .values(choice=chosen, cast_at=utcnow())
        )
        return done.rowcount == 1
    done = db.execute(
        update(PendingBallot)
        .where(col(PendingBallot.poll_id) == poll.id, col(PendingBallot.receipt_hash) == hashed)
        .values(choice=chosen)
    )
    if done.rowcount == 1:
        return True
    if (
        db.execute(
            select(Ballot.id).where(Ballot.poll_id == poll.id, Ballot.receipt_hash == hashed)
        ).first()
        is None
    ):
        return False
    # Two changes at once (PostgreSQL): both found no pending row; the second one's INSERT
    # waits for the first and then takes its place. The mixed ballot row itself is never
    # locked: a lock would write this transaction's id on it.
    insert = _DIALECT_INSERT[db.dialect.name](PendingBallot).values(
        id=secrets.token_hex(16), poll_id=poll.id, choice=chosen, receipt_hash=hashed, replaces=True
    )
    db.execute(
        insert.on_conflict_do_update(
            index_elements=[PendingBallot.receipt_hash], set_={"choice": insert.excluded.choice}
        )
    )
    return True


# Both dialects' INSERTs have the ON CONFLICT clause (the common base has not).
_DIALECT_INSERT: dict[str, Callable[..., postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def enter_paper_ballot(*, actor: Principal, poll_id: int, resident_id: int, choice) -> str:
    """A moderator enters a roster resident's paper ballot; returns the receipt code to hand
    to the voter. Whoever voted online cannot vote on paper, and the other way round."""
    require(actor, "poll.manage")
    with write_connection() as db:
        poll = _open_poll(db, poll_id, actor)
        resident = _voter(db, resident_id)
        if resident is None or resident.community_id != poll.community_id:
            raise InvalidInput("hearing.not_a_resident", field="resident")
        if not may_vote(poll, resident):
            raise Conflict("ballot.not_eligible")
        key = voter_pseudonym(resident)
        existing = _on_roll(db, poll, resident, key)
        if existing is not None:
            raise Conflict(
                "ballot.already_voted_online"
                if existing.channel == "online"
                else "ballot.already_voted"
            )
        chosen = clean_choice(poll, _options(db, poll), choice)
        user_id = db.execute(select(User.id).where(User.resident_id == resident.id)).scalar()
        code = _add_ballot(
            db,
            poll,
            resident,
            key=key,
            user_id=user_id,
            channel="offline",
            choice=chosen,
            entered_by=actor.user_id,
            submission=None,
        )
        record(db, actor=actor, action="poll.paper_ballot", object_type="poll", object_id=poll.id)
        due = poll.secret and mix_due(db, poll.id)
    if due:
        mix_after_commit(poll_id)
    return code


def find_ballot(*, poll_id: int, receipt: str) -> list[int] | None:
    """The choice recorded under a receipt code (for the voter checking the bulletin)."""
    with read_session() as s:
        poll = s.get(Poll, poll_id) if isinstance(poll_id, int) else None
        if poll is None:
            raise NotFound("error.not_found")
        hashed = receipt_hash(receipt or "")
        # A pending change (or a ballot not mixed yet) is the choice that will count.
        choice = (
            s.exec(
                select(PendingBallot.choice).where(
                    PendingBallot.poll_id == poll_id, PendingBallot.receipt_hash == hashed
                )
            ).first()
            or s.exec(
                select(Ballot.choice).where(
                    Ballot.poll_id == poll_id, Ballot.receipt_hash == hashed
                )
            ).first()
        )
    return json.loads(choice) if choice else None
