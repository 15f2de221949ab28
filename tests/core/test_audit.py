"""The audit chain records commands, the database refuses to change it, and tampering by
someone who gets round that is detected."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from core.admin import add_building
from core.audit import main, verify
from core.audit_log import actions, chain_head, list_events, verify_chain
from core.errors import InvalidInput, PermissionDenied
from db.models.base import utcnow
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


def _drop_the_triggers(s) -> None:
    """What someone with direct access to the database would do first."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("DROP TRIGGER auditevent_no_change ON auditevent"))
    else:
        s.execute(text("DROP TRIGGER auditevent_no_update"))
        s.execute(text("DROP TRIGGER auditevent_no_delete"))


def test_the_database_refuses_to_change_or_remove_an_event(people):
    with read_session() as s:
        first = s.exec(select(AuditEvent.seq).order_by(col(AuditEvent.seq))).first()
    for statement in (update(AuditEvent).where(AuditEvent.seq == first)
                      .values(payload='{"forged":true}'),
                      delete(AuditEvent).where(AuditEvent.seq == first)):
        with pytest.raises(DBAPIError, match="append-only"):
            with write_session() as s:
                s.execute(statement)
    with read_session() as s:
        assert verify(s) is None


def test_tampering_is_found(people):
    with read_session() as s:
        second = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq)).offset(1)).first().seq
    with write_session() as s:
        _drop_the_triggers(s)
        s.execute(update(AuditEvent).where(AuditEvent.seq == second)
                  .values(payload='{"forged":true}'))
    with read_session() as s:
        assert verify(s) == second
    assert main(["verify"]) == 1
    assert verify_chain(actor=people["admin"]) == second
    with pytest.raises(PermissionDenied):
        verify_chain(actor=people["moderator"])


def test_a_removed_event_is_found(people):
    with read_session() as s:
        third = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq)).offset(2)).first().seq
    with write_session() as s:
        _drop_the_triggers(s)
        s.execute(delete(AuditEvent).where(AuditEvent.seq == third))
    with read_session() as s:
        assert verify(s) == third + 1  # the next event no longer links to its predecessor


def test_the_public_log_pages_filters_and_head(people):
    from core.principal import ANONYMOUS

    for n in range(7):
        add_building(actor=people["admin"], code=f"C{n}", name=f"{n}号楼")
    newest = list_events(actor=ANONYMOUS, limit=3)
    assert [e.action for e in newest] == ["building.add"] * 3
    assert newest[0].seq > newest[1].seq > newest[2].seq
    assert newest[0].actor_role == "admin" and newest[0].actor_name  # staff act in public
    assert newest[0].payload == {"code": "C6", "name": "6号楼"}
    older = list_events(actor=ANONYMOUS, limit=3, before_seq=newest[-1].seq)
    assert older[0].seq == newest[-1].seq - 1
    registrations = list_events(actor=ANONYMOUS, action="account.register")
    assert len(registrations) == 5
    assert all(e.actor_name is None for e in registrations if e.actor_role == "resident")
    assert {e.action for e in list_events(actor=ANONYMOUS, object_type="building")} == \
        {"building.add"}
    assert "building.add" in actions(actor=ANONYMOUS)
    head = chain_head(actor=ANONYMOUS)
    assert head.seq == newest[0].seq and head.hash == newest[0].hash and head.events >= 12
    today = utcnow().date()
    assert list_events(actor=ANONYMOUS, start=today + timedelta(days=1)) == []
    assert len(list_events(actor=ANONYMOUS, start=today, end=today)) == head.events
    with pytest.raises(InvalidInput):
        list_events(actor=ANONYMOUS, start=today, end=today - timedelta(days=1))
    with pytest.raises(InvalidInput):
        list_events(actor=ANONYMOUS, limit=0)
