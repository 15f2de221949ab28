"""Influence: how much of what got adopted came from the most active tenth of residents."""

from __future__ import annotations

import json

import pandas as pd
from pydantic import BaseModel
from sqlmodel import col, select

from core.permissions import require
from core.principal import Principal
from core.proposals.lifecycle import ADOPTED
from core.voting.lifecycle import PollStatus
from db.engine import read_session
from db.models import Poll, PollOption, Proposal, User


class Influence(BaseModel):
    adopted: int  # proposals accepted, in progress or implemented, or funded by a budget poll
    from_top: int  # of those, proposed by the most active 10% under the filters
    share: float
    top_share_of_people: float  # what an equal share would be: 0.1


def influence(*, actor: Principal, frame: pd.DataFrame) -> Influence:
    """How much of what got adopted came from the most active tenth of residents."""
    require(actor, "dashboard.view")
    ranked = frame.sort_values("count", ascending=False, kind="stable")
    top = (
        set(ranked.head(max(1, -(-len(ranked) // 10)))["resident_id"])
        if ranked["count"].sum()
        else set()
    )
    with read_session() as s:
        funded_options = [
            option
            for tally in s.exec(
                select(Poll.tally).where(
                    Poll.community_id == actor.community_id,
                    Poll.method == "budget",
                    Poll.status == PollStatus.CLOSED,
                )
            ).all()
            if tally
            for option in json.loads(tally)["equal_shares"]["funded"]
        ]
        funded = select(PollOption.proposal_id).where(
            col(PollOption.id).in_(funded_options), col(PollOption.proposal_id).is_not(None)
        )
        rows = s.exec(
            select(Proposal.id, User.resident_id)
            .join(User, col(User.id) == Proposal.author_id)
            .where(
                Proposal.community_id == actor.community_id,
                col(Proposal.status).in_(ADOPTED) | col(Proposal.id).in_(funded),
            )
        ).all()
    adopted = len(rows)
    from_top = sum(1 for _, rid in rows if rid in top)
    return Influence(
        adopted=adopted,
        from_top=from_top,
        share=from_top / adopted if adopted else 0.0,
        top_share_of_people=0.1,
    )
