"""From a finished survey to proposals: a moderator turns a need the answers share into a
proposal (or need) that links back to the survey, and enters the usual lifecycle (through
the proposal lifecycle's gate, as the survey mover)."""

from __future__ import annotations

from sqlmodel import col, select

from core.audit import record
from core.errors import Conflict
from core.permissions import can, require
from core.principal import Principal
from core.proposals.commands import clean_proposal, move_proposal
from core.proposals.lifecycle import Mover, ProposalStatus
from core.rows import community_choice, stored_id
from core.surveys.common import load_survey, status_of, survey_or_none
from core.surveys.lifecycle import SurveyStatus
from core.surveys.queries import LinkedProposal
from db.engine import read_session, write_session
from db.models import Building, Proposal, ProposalFollow


def make_proposal(
    *,
    actor: Principal,
    survey_id: int,
    title: str,
    body: str,
    category: str,
    kind: str = "need",
    building_id: int | None = None,
) -> int:
    """A proposal made from a closed survey, by a moderator, with the survey linked; returns
    its id. (No participation event: the residents' part was answering the survey.)"""
    require(actor, "survey.manage")
    title, body = clean_proposal(kind=kind, category=category, title=title, body=body)
    assert actor.user_id is not None and actor.community_id is not None  # a signed-in manager
    with write_session() as s:
        survey = load_survey(s, survey_id, actor, lock=True, shared=True)
        if status_of(survey) != SurveyStatus.CLOSED:  # closed by a moderator or its window
            raise Conflict("survey.not_closed")
        if building_id is not None:
            community_choice(s, Building, building_id, actor, field="building")
        proposal = Proposal(
            community_id=actor.community_id,
            kind=kind,
            title=title,
            body=body,
            category=category,
            building_id=building_id,
            author_id=actor.user_id,
            survey_id=survey.id,
        )
        move_proposal(s, proposal, ProposalStatus.SUBMITTED, actor=actor, by=Mover.SURVEY)
        assert proposal.id is not None  # move_proposal stored the new proposal
        s.add(ProposalFollow(proposal_id=proposal.id, user_id=actor.user_id))
        record(
            s,
            actor=actor,
            action="survey.make_proposal",
            object_type="proposal",
            object_id=proposal.id,
            payload={"survey": survey.id, "kind": kind, "title": title},
        )
        return proposal.id


def proposals_from_survey(*, viewer: Principal, survey_id: int) -> list[LinkedProposal]:
    """The proposals made from a survey, oldest first ([] for a survey not there)."""
    require(viewer, "page.surveys")
    with read_session() as s:
        survey = survey_or_none(s, survey_id, viewer, staff=can(viewer, "survey.manage"))
        if survey is None:
            return []
        rows = s.exec(
            select(Proposal.id, Proposal.title, Proposal.status)
            .where(Proposal.survey_id == survey.id, Proposal.community_id == survey.community_id)
            .order_by(col(Proposal.id))
        ).all()
    return [
        LinkedProposal(id=stored_id(i), title=title, status=status) for i, title, status in rows
    ]
