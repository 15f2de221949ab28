"""Moderators create polls (with their options), open them, close them (which freezes the
tally and puts its hash in the audit log) or cancel them with a reason.

draft -> open -> closed; draft or open -> cancelled. A poll can only be closed once its window
has ended, so nobody can stop a vote early to freeze a favourable count.
"""

from __future__ import annotations

import json
import math
from datetime import datetime

from sqlmodel import Session, col, select

from core.audit import canonical_json, record
from core.errors import Conflict, InvalidInput
from core.permissions import require
from core.principal import Principal
from core.rows import community_choice, community_row, community_row_for_update, stored_id
from core.text import aware_datetime, clean_text, is_whole_number
from core.voting import lifecycle, tally
from core.voting.eligibility import eligible_count
from core.voting.lifecycle import PollStatus
from core.voting.mixing import counted_choices, scrub_after_commit, seal_poll
from db.engine import read_session, write_session
from db.models import Building, Poll, PollOption, Proposal
from db.models.base import utcnow
from db.models.voting import POLL_METHODS

MAJORITY_CODES = ("yes", "no", "abstain")
MAX_OPTIONS = 100
MAX_BUDGET = 10**12


def options_from_text(text: str, method: str) -> list[dict]:
    """The options a moderator typed, one per line, as `create_poll` takes them; a budget
    project as "name | cost" (the last '|' splits, so a name may hold one; digits may be
    grouped with commas). InvalidInput names the first line that has no cost."""
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if method == "budget":
            name, _, cost = line.rpartition("|") if "|" in line else (line, "", "")
            try:
                amount = int(cost.strip().replace(",", ""))
            except ValueError:
                raise InvalidInput(
                    "votes.bad_option_line", field="options", line=line.strip()[:60]
                ) from None
            options.append({"label": name.strip(), "cost": amount})
        else:
            options.append({"label": line.strip()})
    return options


def _share(value, field: str) -> float:
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not 0.0 <= value <= 1.0
    ):
        raise InvalidInput("poll.bad_share", field=field)
    return float(value)


def _amount(value, field: str) -> int:
    if not is_whole_number(value) or not 0 < value <= MAX_BUDGET:
        raise InvalidInput("poll.bad_amount", field=field, max=MAX_BUDGET)
    return value


def create_poll(
    *,
    actor: Principal,
    title: str,
    method: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    options: list[dict] | None = None,
    description: str = "",
    building_id: int | None = None,
    secret: bool = True,
    quorum: float = 0.0,
    threshold: float = 0.5,
    max_choices: int | None = None,
    budget: int | None = None,
    knapsack: bool = False,
    allow_change: bool = False,
    registered_before_open: bool = False,
    proposal_id: int | None = None,
) -> int:
    """A poll in draft with its options; returns its id.

    options: [{"label", "description"?, "cost"? (budget polls)}]; majority polls get yes /
    no / abstain and take no options."""
    require(actor, "poll.manage")
    assert actor.community_id is not None and actor.user_id is not None  # staff, signed in
    if method not in POLL_METHODS:
        raise InvalidInput("field.not_a_choice", field="poll_method")
    title = clean_text(title, field="title", max_len=120, min_len=4)
    description = (
        clean_text(description, field="description", max_len=10_000, multiline=True, required=False)
        or ""
    )
    opens_at = aware_datetime(opens_at, field="opens_at")
    closes_at = aware_datetime(closes_at, field="closes_at")
    if closes_at <= opens_at:
        raise InvalidInput("poll.closes_before_opens", field="closes_at")
    if closes_at <= utcnow():
        raise InvalidInput("poll.closes_in_past", field="closes_at")
    quorum, threshold = _share(quorum, "quorum"), _share(threshold, "threshold")
    if threshold >= 1.0:
        raise InvalidInput("poll.bad_share", field="threshold")
    cleaned: list[dict]
    if method == "majority":
        cleaned = [
            {"label": code, "code": code, "description": None, "cost": None}
            for code in MAJORITY_CODES
        ]
    else:
        cleaned = _clean_options(options or [], method)
    if method == "approval":
        if max_choices is None:
            max_choices = len(cleaned)
        if not is_whole_number(max_choices) or not 1 <= max_choices <= len(cleaned):
            raise InvalidInput("field.out_of_range", field="max_choices", min=1, max=len(cleaned))
    else:
        max_choices = None
    if method == "budget":
        budget = _amount(budget, "budget")
        if all(o["cost"] > budget for o in cleaned):
            raise InvalidInput("poll.nothing_affordable", field="budget")
    else:
        budget, knapsack = None, False
    with write_session() as s:
        if building_id is not None:
            community_choice(s, Building, building_id, actor, field="building")
        if proposal_id is not None:
            community_choice(s, Proposal, proposal_id, actor, field="proposals")
        poll = Poll(
            community_id=actor.community_id,
            title=title,
            description=description,
            method=method,
            opens_at=opens_at,
            closes_at=closes_at,
            building_id=building_id,
            quorum=quorum,
            threshold=threshold,
            secret=bool(secret),
            max_choices=max_choices,
            budget=budget,
            knapsack=bool(knapsack),
            allow_change=bool(allow_change),
            registered_before_open=bool(registered_before_open),
            proposal_id=proposal_id,
            created_by=actor.user_id,
        )
        s.add(poll)
        s.flush()
        poll_id = stored_id(poll.id)
        for position, option in enumerate(cleaned):
            s.add(PollOption(poll_id=poll_id, position=position, **option))
        record(
            s,
            actor=actor,
            action="poll.create",
            object_type="poll",
            object_id=poll_id,
            payload={"method": method, "title": title, "secret": bool(secret)},
        )
        return poll_id


def _clean_options(options: list[dict], method: str) -> list[dict]:
    if not isinstance(options, list) or len(options) < 2:
        raise InvalidInput("poll.too_few_options", field="options")
    if len(options) > MAX_OPTIONS:
        raise InvalidInput("poll.too_many_options", field="options", max=MAX_OPTIONS)
    cleaned, seen = [], set()
    for option in options:
        if not isinstance(option, dict):
            raise InvalidInput("poll.too_few_options", field="options")
        label = clean_text(option.get("label"), field="option_label", max_len=200)
        if label.casefold() in seen:
            raise InvalidInput("poll.duplicate_options", field="options")
        seen.add(label.casefold())
        description = clean_text(
            option.get("description"),
            field="description",
            max_len=2000,
            multiline=True,
            required=False,
        )
        cost = _amount(option.get("cost"), "cost") if method == "budget" else None
        cleaned.append({"label": label, "description": description, "cost": cost, "code": None})
    return cleaned


def open_poll(*, actor: Principal, poll_id: int) -> None:
    require(actor, "poll.manage")
    with write_session() as s:
        poll = community_row_for_update(s, Poll, poll_id, actor)
        if not lifecycle.can_move(poll.status, PollStatus.OPEN):
            raise Conflict("poll.illegal_transition", **{"from": poll.status}, to=PollStatus.OPEN)
        if poll.closes_at <= utcnow():
            raise Conflict("poll.closes_in_past")
        poll.status = PollStatus.OPEN
        record(s, actor=actor, action="poll.open", object_type="poll", object_id=poll.id)


def _poll_to_seal(s: Session, poll_id, actor: Principal) -> Poll:
    """The poll, locked for closing or cancelling: FOR NO KEY UPDATE on PostgreSQL waits for
    ballots in flight (they hold FOR SHARE) but not for a mixing step or the scrub inserting
    rows that reference the poll, which would otherwise deadlock with seal_poll."""
    return community_row(
        s, Poll, poll_id, actor, lock=s.get_bind().dialect.name == "postgresql", key_share=True
    )


def cancel_poll(*, actor: Principal, poll_id: int, reason: str) -> None:
    require(actor, "poll.manage")
    reason = clean_text(reason, field="reason", max_len=1000, multiline=True)
    with write_session() as s:
        poll = _poll_to_seal(s, poll_id, actor)
        if not lifecycle.can_move(poll.status, PollStatus.CANCELLED):
            raise Conflict(
                "poll.illegal_transition", **{"from": poll.status}, to=PollStatus.CANCELLED
            )
        poll.status, poll.cancel_reason = PollStatus.CANCELLED, reason
        seal_poll(s, stored_id(poll.id))  # no pending ballot outlives its poll
        record(
            s,
            actor=actor,
            action="poll.cancel",
            object_type="poll",
            object_id=poll.id,
            payload={"reason": reason},
        )
    scrub_after_commit()


def options_of(s: Session, poll_id: int) -> list[PollOption]:
    return list(
        s.exec(
            select(PollOption)
            .where(PollOption.poll_id == poll_id)
            .order_by(col(PollOption.position), col(PollOption.id))
        ).all()
    )


def option_dicts(options: list[PollOption]) -> list[dict]:
    return [
        {
            "id": o.id,
            "label": o.label,
            "code": o.code,
            "cost": int(o.cost) if o.cost is not None else None,
        }
        for o in options
    ]


def count_poll(s: Session, poll: Poll, *, eligible: int, stored: list[str] | None = None) -> dict:
    """The tally of the poll's ballots (`stored`: their choices as counted_choices gives
    them, when the caller has read them already)."""
    parsed: dict[str, list[int]] = {}  # ballots repeat a few choices: parse each once
    choices = [
        parsed[c] if c in parsed else parsed.setdefault(c, json.loads(c))
        for c in (counted_choices(s, stored_id(poll.id)) if stored is None else stored)
    ]
    return tally.count(
        method=poll.method,
        options=option_dicts(options_of(s, stored_id(poll.id))),
        choices=choices,
        eligible=eligible,
        quorum=poll.quorum,
        threshold=poll.threshold,
        budget=int(poll.budget) if poll.budget is not None else None,
    )


def freeze_tally(s: Session, poll: Poll, result: dict | None = None) -> str:
    """Store the tally (counted now unless given) and its hash on the poll, and mark it
    closed; returns the hash."""
    if result is None:
        poll.eligible = eligible_count(s, poll)
        result = count_poll(s, poll, eligible=poll.eligible)
    else:
        poll.eligible = result["eligible"]
    poll.tally, poll.tally_hash = canonical_json(result), tally.digest(result)
    poll.closed_at = utcnow()
    poll.status = PollStatus.CLOSED
    return poll.tally_hash


def close_poll(*, actor: Principal, poll_id: int) -> str:
    """Close a poll whose window has ended: freeze the tally; returns its SHA-256.

    The count (which can take seconds for a large budget poll) runs before the write
    transaction; inside it, with the poll locked, the choices are compared with those counted
    and counted again if a late ballot or change landed in between."""
    require(actor, "poll.manage")
    with read_session() as s:
        poll = community_row(s, Poll, poll_id, actor)
        if not lifecycle.can_move(poll.status, PollStatus.CLOSED):
            raise Conflict("poll.illegal_transition", **{"from": poll.status}, to=PollStatus.CLOSED)
        if utcnow() < poll.closes_at:
            raise Conflict("poll.still_running")
        counted = sorted(counted_choices(s, poll.id))
        result = count_poll(s, poll, eligible=eligible_count(s, poll), stored=counted)
    with write_session() as s:
        poll = _poll_to_seal(s, poll_id, actor)
        if not lifecycle.can_move(poll.status, PollStatus.CLOSED):
            raise Conflict("poll.illegal_transition", **{"from": poll.status}, to=PollStatus.CLOSED)
        # Mix what is still pending and rewrite every ballot in random order, in this
        # transaction: from here on no ballot can be placed by when, or with whom, it was cast.
        ballots = seal_poll(s, stored_id(poll.id))
        # A ballot or a change begun just before the closing time may have landed since the
        # count: unless the ballots are exactly those counted (the same choices, not only
        # as many), count again, now that the lock keeps anything else from landing.
        same = ballots == len(counted) and sorted(counted_choices(s, stored_id(poll.id))) == counted
        digest = freeze_tally(s, poll, result if same else None)
        record(
            s,
            actor=actor,
            action="poll.close",
            object_type="poll",
            object_id=poll.id,
            payload={"tally_hash": digest, "ballots": ballots, "eligible": poll.eligible},
        )
    scrub_after_commit()
    return digest
