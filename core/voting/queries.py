"""Reading polls: the list, one poll with the viewer's standing, its results once closed,
turnout by building and channel, and the bulletin board of ballots by receipt."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, computed_field
from sqlalchemy import func
from sqlmodel import col, select

from core.permissions import can
from core.principal import Principal
from core.rows import stored_id
from core.voting import lifecycle, tally
from core.voting.eligibility import eligible_count, eligible_query, is_eligible, is_verified
from core.voting.lifecycle import PollStatus
from core.voting.polls import option_dicts, options_of
from db.engine import read_session
from db.models import Ballot, Building, Poll, PollOption, Resident, VoterRoll


class PollSummary(BaseModel):
    id: int
    title: str
    method: str
    status: str
    secret: bool
    opens_at: datetime
    closes_at: datetime
    options: int
    voters: int

    # What the lifecycle says about the status, so that pages ask instead of comparing.
    # (mypy does not support decorators over @property: pydantic's documented answer is to
    # ignore prop-decorator on computed_field.)
    @computed_field  # type: ignore[prop-decorator]
    @property
    def voting_open(self) -> bool:
        """Opened and not closed or cancelled: ballots (online or on paper) are taken,
        inside its window."""
        return self.status == PollStatus.OPEN

    @computed_field  # type: ignore[prop-decorator]
    @property
    def closed(self) -> bool:
        """Closed: the tally is frozen and public."""
        return self.status == PollStatus.CLOSED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cancelled(self) -> bool:
        return self.status == PollStatus.CANCELLED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def openable(self) -> bool:
        return lifecycle.can_move(self.status, PollStatus.OPEN)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def closable(self) -> bool:
        """Can be closed (once its window has ended)."""
        return lifecycle.can_move(self.status, PollStatus.CLOSED)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cancellable(self) -> bool:
        return lifecycle.can_move(self.status, PollStatus.CANCELLED)


def list_polls(*, community_id: int, include_drafts: bool = False) -> list[PollSummary]:
    with read_session() as s:
        voters = (
            select(VoterRoll.poll_id, func.count().label("n"))
            .group_by(col(VoterRoll.poll_id))
            .subquery()
        )
        options = (
            select(PollOption.poll_id, func.count().label("n"))
            .group_by(col(PollOption.poll_id))
            .subquery()
        )
        query = (
            select(Poll, func.coalesce(options.c.n, 0), func.coalesce(voters.c.n, 0))
            .join(voters, voters.c.poll_id == Poll.id, isouter=True)
            .join(options, options.c.poll_id == Poll.id, isouter=True)
            .where(Poll.community_id == community_id)
        )
        if not include_drafts:
            query = query.where(Poll.status != PollStatus.DRAFT)
        rows = s.exec(query.order_by(col(Poll.closes_at).desc())).all()
    return [
        PollSummary(
            id=stored_id(p.id),
            title=p.title,
            method=p.method,
            status=p.status,
            secret=p.secret,
            opens_at=p.opens_at,
            closes_at=p.closes_at,
            options=o,
            voters=v,
        )
        for p, o, v in rows
    ]


class OptionView(BaseModel):
    id: int
    label: str
    description: str | None
    code: str | None
    cost: int | None


class Turnout(BaseModel):
    group: str  # building code, or channel
    kind: str  # "building" or "channel"
    voters: int
    eligible: int | None


class PollDetail(PollSummary):
    description: str
    building: str | None
    quorum: float
    threshold: float
    max_choices: int | None
    budget: int | None
    knapsack: bool
    allow_change: bool
    registered_before_open: bool
    cancel_reason: str | None
    option_list: list[OptionView]
    eligible: int
    can_vote: bool  # the viewer is eligible and has not voted
    voted: str | None  # the viewer's channel, if they voted
    verified: bool
    tally: dict | None  # frozen at close (public then)
    tally_hash: str | None
    turnout: list[Turnout]


def get_poll(*, viewer: Principal, poll_id: int) -> PollDetail | None:
    manager = can(viewer, "poll.manage")
    with read_session() as s:
        poll = s.get(Poll, poll_id) if isinstance(poll_id, int) else None
        if (
            poll is None
            or poll.community_id != viewer.community_id
            or (poll.status == PollStatus.DRAFT and not manager)
        ):
            return None
        options = options_of(s, stored_id(poll.id))
        voters = s.exec(
            select(func.count()).select_from(VoterRoll).where(VoterRoll.poll_id == poll.id)
        ).one()
        eligible = poll.eligible if poll.eligible is not None else eligible_count(s, poll)
        resident = s.get(Resident, viewer.resident_id) if viewer.resident_id else None
        voted = (
            s.exec(
                select(VoterRoll.channel).where(
                    VoterRoll.poll_id == poll.id, VoterRoll.resident_id == resident.id
                )
            ).first()
            if resident
            else None
        )
        building = s.get(Building, poll.building_id) if poll.building_id else None
        by_building = s.exec(
            select(Building.code, func.count())
            .select_from(VoterRoll)
            .join(Resident, col(Resident.id) == VoterRoll.resident_id)
            .join(Building, col(Building.id) == Resident.building_id)
            .where(VoterRoll.poll_id == poll.id)
            .group_by(Building.code)
        ).all()
        eligible_by_building = dict(
            s.exec(
                select(Building.code, func.count())
                .select_from(Resident)
                .join(Building, col(Building.id) == Resident.building_id)
                .where(col(Resident.id).in_(eligible_query(poll)))
                .group_by(Building.code)
            ).all()
        )
        by_channel = s.exec(
            select(VoterRoll.channel, func.count())
            .where(VoterRoll.poll_id == poll.id)
            .group_by(VoterRoll.channel)
        ).all()
        can_vote = (
            poll.status == PollStatus.OPEN
            and voted is None
            and is_verified(resident)
            and is_eligible(s, poll, resident.id if resident else None)
        )
    # Frozen at close, public once closed.
    frozen = poll.tally if poll.status == PollStatus.CLOSED else None
    return PollDetail(
        id=stored_id(poll.id),
        title=poll.title,
        method=poll.method,
        status=poll.status,
        secret=poll.secret,
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
        options=len(options),
        voters=voters,
        description=poll.description,
        building=building.name if building else None,
        quorum=poll.quorum,
        threshold=poll.threshold,
        max_choices=poll.max_choices,
        budget=int(poll.budget) if poll.budget is not None else None,
        knapsack=poll.knapsack,
        allow_change=poll.allow_change,
        registered_before_open=poll.registered_before_open,
        cancel_reason=poll.cancel_reason,
        option_list=[
            OptionView(
                id=stored_id(o.id),
                label=o.label,
                description=o.description,
                code=o.code,
                cost=int(o.cost) if o.cost is not None else None,
            )
            for o in options
        ],
        eligible=eligible,
        can_vote=can_vote,
        voted=voted,
        verified=is_verified(resident),
        tally=json.loads(frozen) if frozen is not None else None,
        tally_hash=poll.tally_hash if frozen is not None else None,
        turnout=[
            Turnout(group=code, kind="building", voters=dict(by_building).get(code, 0), eligible=n)
            for code, n in sorted(eligible_by_building.items())
        ]
        + [
            Turnout(group=channel, kind="channel", voters=n, eligible=None)
            for channel, n in by_channel
        ],
    )


class BoardEntry(BaseModel):
    receipt: str  # SHA-256 of the receipt code
    choice: list[int]


def bulletin_board(*, viewer: Principal, poll_id: int) -> list[BoardEntry] | None:
    """After the close: every ballot under its receipt hash (sorted), for anyone to check
    their own and to recount. None while the poll is not closed."""
    with read_session() as s:
        poll = s.get(Poll, poll_id) if isinstance(poll_id, int) else None
        if (
            poll is None
            or poll.community_id != viewer.community_id
            or poll.status != PollStatus.CLOSED
        ):
            return None
        rows = s.exec(
            select(Ballot.receipt_hash, Ballot.choice)
            .where(Ballot.poll_id == poll.id)
            .order_by(col(Ballot.receipt_hash))
        ).all()
    return [BoardEntry(receipt=r or "", choice=json.loads(c)) for r, c in rows]


def recount(*, viewer: Principal, poll_id: int) -> bool:
    """Recompute the tally from the published ballots, by the rule the frozen tally names:
    True when it matches the hash frozen at the close (and logged)."""
    board = bulletin_board(viewer=viewer, poll_id=poll_id)
    if board is None:
        return False
    with read_session() as s:
        poll = s.get(Poll, poll_id)
        assert poll is not None  # the board was just read from it
        options = option_dicts(options_of(s, stored_id(poll.id)))
    # The rule's name is part of what the hash covers: a tally edited to name another rule
    # cannot match. One this version does not know cannot be recounted, so it does not match.
    rule = tally.rule_of(json.loads(poll.tally or "{}"))
    # Closing freezes the eligible count with the hash; without a hash nothing can match.
    if rule is None or poll.tally_hash is None or poll.eligible is None:
        return False
    result = tally.count(
        method=poll.method,
        options=options,
        choices=[entry.choice for entry in board],
        eligible=poll.eligible,
        quorum=poll.quorum,
        threshold=poll.threshold,
        budget=int(poll.budget) if poll.budget is not None else None,
        equal_shares_rule=rule,
    )
    return tally.digest(result) == poll.tally_hash
