"""Faults survived: a process killed with SIGKILL in the middle of a stream of writes, a
poll closed while ballots are in flight, and a backup taken during writes. Every write that
was acknowledged is there afterwards, the database is sound and the audit chain verifies."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from core.admin import add_building
from core.audit import verify
from core.errors import DomainError
from core.voting.ballots import cast_ballot
from core.voting.mixing import ballot_count
from core.voting.polls import close_poll
from db.engine import database_url, dispose_engines, get_engine, read_session, write_session
from db.models import Building, Poll, VoterRoll
from db.models.base import utcnow
from tests.core.test_voting import option_ids, poll, verified

pytestmark = pytest.mark.usefixtures("quick_accounts")
ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from core.admin import add_building
from core.principal import Principal

admin = Principal(user_id=int(sys.argv[1]), role="admin", community_id=int(sys.argv[2]))
for n in range(100000):
    add_building(actor=admin, code=f"K{n}", name=f"kill-test {n}")
    print(f"K{n}", flush=True)  # acknowledged: committed before this line is written
"""


def buildings(prefix: str) -> set[str]:
    with read_session() as s:
        return set(s.exec(select(Building.code).where(Building.code.startswith(prefix))).all())


def test_sigkill_in_the_middle_of_writes_loses_nothing_acknowledged(people):
    admin = people["admin"]
    dispose_engines()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(admin.user_id), str(admin.community_id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged = []
    try:
        deadline = time.monotonic() + 60
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            acknowledged.append(line.strip())
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    assert len(acknowledged) >= 40, "the writer did not get going"
    assert set(acknowledged) <= buildings("K")
    with read_session() as s:
        assert verify(s) is None
        if get_engine().dialect.name == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # and the database takes writes again
    add_building(actor=admin, code="AFTER", name="after the crash")


def test_closing_a_poll_while_ballots_are_in_flight(people, community):
    moderator = people["moderator"]
    poll_id = poll(moderator)
    crowd = [verified(community, f"late{i}") for i in range(12)]
    option = option_ids(poll_id)[0]
    closes_at = utcnow() + timedelta(seconds=1.5)
    with write_session() as s:
        s.get(Poll, poll_id).closes_at = closes_at
    outcomes = []

    def vote(voter, delay):
        time.sleep(delay)
        try:
            outcomes.append(bool(cast_ballot(actor=voter, poll_id=poll_id, choice=[option])))
        except DomainError as error:
            outcomes.append(error.key)

    def close():
        while True:
            try:
                outcomes.append(("closed", close_poll(actor=moderator, poll_id=poll_id)))
                return
            except DomainError as error:
                if error.key != "poll.still_running":
                    raise
                time.sleep(0.02)

    threads = [
        threading.Thread(target=vote, args=(v, 1.2 + 0.05 * i)) for i, v in enumerate(crowd)
    ] + [threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert any(isinstance(o, tuple) for o in outcomes), outcomes
    cast = outcomes.count(True)
    late = outcomes.count("ballot.closed") + outcomes.count("ballot.not_open")  # too late
    assert cast + late == len(crowd) and cast > 0 and late > 0, outcomes
    with read_session() as s:
        roll = s.exec(
            select(func.count()).select_from(VoterRoll).where(VoterRoll.poll_id == poll_id)
        ).one()
        ballots = ballot_count(s, poll_id)
        tally = json.loads(s.get(Poll, poll_id).tally)
    assert roll == ballots == cast == tally["ballots"]


def test_a_backup_taken_during_writes_holds_every_acknowledged_row(people, tmp_path):
    if not database_url().startswith("sqlite"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    from db.backup import backup, restore

    admin = people["admin"]
    acknowledged: list[str] = []
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            add_building(actor=admin, code=f"W{n}", name=f"during backup {n}")
            acknowledged.append(f"W{n}")
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    while len(acknowledged) < 20:
        time.sleep(0.01)
    before_backup = list(acknowledged)
    path = backup(tmp_path / "during.db")
    stop.set()
    writer.join()
    restore(path)
    present = buildings("W")
    assert set(before_backup) <= present  # everything acknowledged before the copy began
    assert present <= set(acknowledged)  # and nothing that never happened
    with read_session() as s:
        assert verify(s) is None
