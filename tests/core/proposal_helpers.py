"""Helpers shared by the proposal tests (tests/core/test_proposal_*.py): submitting,
setting a status or the support threshold directly, and what a refused command must
leave as it was."""

from sqlalchemy import func
from sqlmodel import col, select

from core.principal import Principal
from core.proposals.commands import submit_proposal
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    Community,
    ParticipationEvent,
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Support,
)
from tests.conftest import BODY

TABLES = (
    Proposal,
    ProposalStatusChange,
    Support,
    ProposalFollow,
    ProgressUpdate,
    AuditEvent,
    ParticipationEvent,
)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def snapshot() -> tuple:
    """Row counts of every table a proposal command writes, and every proposal's state."""
    with read_session() as s:
        proposals = [
            (
                p.id,
                p.status,
                p.actor_id,
                p.answer_text,
                p.cost_estimate,
                p.progress_pct,
                p.support_count,
                p.merged_into_id,
                p.photo_path,
            )
            for p in s.exec(select(Proposal).order_by(col(Proposal.id)))
        ]
    return tuple(count(model) for model in TABLES), proposals


def audit_actions() -> list[str]:
    with read_session() as s:
        return list(s.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq))))


def submit(actor: Principal, title: str = "修好3号楼的楼道灯", **overrides) -> int:
    values = dict(kind="need", title=title, body=BODY, category="facilities")
    values.update(overrides)
    return submit_proposal(actor=actor, **values)


def set_status(proposal_id: int, status: str) -> None:
    with write_session() as s:
        s.get(Proposal, proposal_id).status = status


def row(proposal_id: int) -> Proposal:
    with read_session() as s:
        return s.get(Proposal, proposal_id)


def set_threshold(community: dict, share: float) -> None:
    with write_session() as s:
        s.get(Community, community["id"]).support_threshold = share
