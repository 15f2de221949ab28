"""The audit chain records commands and detects tampering."""
from sqlalchemy import update
from sqlmodel import col, select

from core.admin import add_building
from core.audit import main, verify
from db.engine import read_session, write_session
from db.models import AuditEvent


def test_commands_append_a_verifiable_chain(people, capsys):
    add_building(actor=people["admin"], code="B7", name="7号楼")
    with read_session() as s:
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        assert verify(s) is None
    actions = [e.action for e in events]
    assert actions.count("account.register") == 5 and actions[-1] == "building.add"
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    assert main(["verify"]) == 0 and "intact" in capsys.readouterr().out


def test_tampering_is_found(people):
    with read_session() as s:
        second = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq)).offset(1)).first().seq
    with write_session() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == second)
                  .values(payload='{"forged":true}'))
    with read_session() as s:
        assert verify(s) == second
    assert main(["verify"]) == 1
