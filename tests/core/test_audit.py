"""The audit chain records commands, the database refuses to change it, and tampering by
someone who gets round that is detected."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from core.admin import add_building
from core.audit import main, verify
from core.errors import InvalidInput, PermissionDenied
from core.public_log import actions, chain_head, list_events, verify_chain
from db.engine import read_session, write_session
from db.models import AuditEvent
from db.models.base import utcnow


def test_commands_append_a_verifiable_chain(people, capsys):
    add_building(actor=people["admin"], code="B7", name="7号楼")
    with read_session() as s:
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        assert verify(s) is None
    actions = [e.action for e in events]
    assert actions.count("account.register") == 5 and actions[-1] == "building.add"
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
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
    for statement in (
        update(AuditEvent).where(AuditEvent.seq == first).values(payload='{"forged":true}'),
        delete(AuditEvent).where(AuditEvent.seq == first),
    ):
        with pytest.raises(DBAPIError, match="append-only"), write_session() as s:
            s.execute(statement)
    with read_session() as s:
        assert verify(s) is None


def test_tampering_is_found(people):
    with read_session() as s:
        second = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq)).offset(1)).first().seq
    with write_session() as s:
        _drop_the_triggers(s)
        s.execute(
            update(AuditEvent).where(AuditEvent.seq == second).values(payload='{"forged":true}')
        )
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
    assert [e.action for e in newest.events] == ["building.add"] * 3
    first, second, third = newest.events
    assert first.seq > second.seq > third.seq and newest.older == third.seq
    assert first.actor_role == "admin" and first.actor_name  # staff act in public
    assert first.payload == {"code": "C6", "name": "6号楼"}
    older = list_events(actor=ANONYMOUS, limit=3, before_seq=newest.older)
    assert older.events[0].seq == third.seq - 1
    # Residents' registrations are in the chain and the count, not in the list.
    assert list_events(actor=ANONYMOUS, action="account.register").events == []
    assert "account.register" not in actions(actor=ANONYMOUS)
    assert {e.action for e in list_events(actor=ANONYMOUS, object_type="building").events} == {
        "building.add"
    }
    assert "building.add" in actions(actor=ANONYMOUS)
    head = chain_head(actor=ANONYMOUS)
    assert head.seq == first.seq and head.fingerprint == first.fingerprint
    assert head.events >= 12
    today = utcnow().date()
    assert list_events(actor=ANONYMOUS, start=today + timedelta(days=1)).events == []
    listed = list_events(actor=ANONYMOUS, start=today, end=today, limit=500)
    assert len(listed.events) == head.events - 5 and listed.older is None  # 5 registrations
    with pytest.raises(InvalidInput):
        list_events(actor=ANONYMOUS, start=today, end=today - timedelta(days=1))
    with pytest.raises(InvalidInput):
        list_events(actor=ANONYMOUS, limit=0)


def test_a_reader_cannot_tie_a_residents_entries_to_each_other_or_to_the_person(
    people, proposal_id, monkeypatch
):
    """Issue 17: the public log showed "resident · login · user 305", a comment 23 s later,
    then "account deleted · user 305"; with the public comment's time, that named the
    resident behind the id. Here a reader takes everything the public log shows (the page's
    table and its download hold exactly these fields) and tries to link again."""
    from core.accounts.login import log_in
    from core.audit import record
    from core.data_rights import delete_account
    from core.discussion import add_comment
    from core.moderation import block_user
    from core.principal import ANONYMOUS
    from core.proposals.commands import support_proposal
    from core.public_log import PERSON_KEYS, acts_in_public
    from db.models import User

    with read_session() as s:
        display_name = s.exec(select(User.display_name).where(User.username == "resident1")).one()
    resident = log_in(username="resident1", password="correct-horse-battery")[0]
    comment_id = add_comment(actor=resident, proposal_id=proposal_id, body="楼道灯确实坏了两周。")
    support_proposal(actor=resident, proposal_id=proposal_id)
    block_user(actor=people["moderator"], username="resident2", days=1, reason="刷屏")
    with write_session() as s:  # a staff entry naming a roster row, as check-ins do, and
        # the resident's activation of their own account with a letter's code
        record(
            s,
            actor=people["moderator"],
            action="hearing.check_in",
            object_type="hearing",
            object_id=1,
            payload={"resident": resident.resident_id, "channel": "offline"},
        )
        record(
            s,
            actor=resident,
            action="resident.activate",
            object_type="user",
            object_id=resident.user_id,
        )
    delete_account(actor=resident, confirm_username="resident1")

    shown = list_events(actor=ANONYMOUS, limit=500).events
    head = chain_head(actor=ANONYMOUS)
    public = [e.model_dump(mode="json") for e in shown] + [head.model_dump(mode="json")]
    residents = [e for e in shown if not acts_in_public(e.actor_role)]
    assert {e.action for e in residents} == {"comment.add", "proposal.support"}
    # The comment's entry points at the public comment, as the thread itself does; nothing
    # in it or in any other resident entry can be shared with another entry: no number, no
    # time, no fingerprint, no name, no user id.
    assert any(e.object_id == str(comment_id) for e in residents)
    for e in residents:
        assert (e.seq, e.at, e.fingerprint, e.actor_name) == (None, None, None, None)
    assert [(e.action, e.object_id) for e in residents] == sorted(
        (e.action, e.object_id) for e in residents
    )  # by kind, not by time
    # No entry, staff ones included, names a user row or a roster row.
    assert all(e.object_id is None for e in shown if e.object_type == "user")
    assert not any(PERSON_KEYS & set(e.payload) for e in shown)
    text = json.dumps(public, ensure_ascii=False)
    assert "resident1" not in text and display_name not in text
    # The chain's hashes are not published: only keyed fingerprints, which a reader
    # cannot recompute from guessed user ids and seconds.
    with read_session() as s:
        hashes = s.exec(select(AuditEvent.hash)).all()
        assert verify(s) is None
    assert not any(h[:16] in text for h in hashes)
    monkeypatch.setenv("YISHITING_SECRET_KEY", "another-key")
    assert chain_head(actor=ANONYMOUS).fingerprint != head.fingerprint
