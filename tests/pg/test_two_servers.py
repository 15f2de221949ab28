"""Scaling out: two app servers on two ports share one PostgreSQL. Residents vote through
both (over Streamlit's own WebSocket protocol, as browsers do); someone who voted through
one cannot vote again through the other; both servers show the same tally afterwards, and
the roll has no duplicate."""
import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bench.load import Session, Tally
from tests.e2e.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.pg


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=dict(os.environ, DATABASE_URL=url), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("an app server did not become healthy")


async def page(base: str, cookie: str | None, name: str, query: str = "", states=(),
               tally: Tally | None = None) -> Session:
    import websockets

    headers = {"Origin": base}
    if cookie:
        headers["Cookie"] = f"yishiting_session={cookie}"
    async with websockets.connect(f"ws://{base.removeprefix('http://')}/_stcore/stream",
                                  subprotocols=["streamlit"], additional_headers=headers,
                                  max_size=None) as ws:
        me = Session(ws, tally or Tally())
        assert await me.run("page", name, query), me.tally.errors
        if states:
            assert await me.run("submit", name, query, states(me)), me.tally.errors
        return me


def in_a_thread(coroutine):
    """Run a coroutine on its own event loop in another thread: Playwright's sync API (the
    browser tests earlier in the session) keeps a loop running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def vote_states(me: Session):
    option = next(i for (kind, _), i in me.widgets.items() if kind == "checkbox")
    return [(option, "bool_value", True), (me.widget("button", "投票"), "trigger_value", True)]


def test_residents_vote_through_two_servers_on_one_database(database):
    from core.accounts.sessions import login_cookie, start_session
    from core.principal import Principal
    from core.voting.polls import close_poll
    from db.demo import load_demo
    from db.engine import dispose_engines, read_session, write_session
    from db.models import Poll, User, VoterRoll
    from db.models.base import utcnow

    load_demo(residents=200, seed=11)
    with read_session() as s:
        poll = s.exec(select(Poll.id).where(Poll.status == "open")).first()
        voted = select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)
        users = s.exec(select(User.id).where(User.role == "resident",
                                             col(User.resident_id).not_in(voted))
                       .order_by(User.id).limit(6)).all()
        before = s.exec(select(func.count()).select_from(VoterRoll)
                        .where(VoterRoll.poll_id == poll)).one()
    with write_session() as s:
        cookies = [login_cookie(start_session(s, user_id=u)[0]) for u in users]
    dispose_engines()
    servers = [start_server(database), start_server(database)]
    try:
        bases = [base for _, base in servers]

        async def everyone_votes():
            return await asyncio.gather(*[
                page(bases[i % 2], cookie, "votes", f"id={poll}", vote_states)
                for i, cookie in enumerate(cookies)])

        for me in in_a_thread(everyone_votes()):
            assert me.shows("回执码"), me.texts
        # The first voter, through the other server, finds the vote already counted.
        again = in_a_thread(page(bases[1], cookies[0], "votes", f"id={poll}"))
        assert again.shows("您已在网上投票") and not again.widget("button", "投票")

        with write_session() as s:
            s.get(Poll, poll).closes_at = utcnow() - timedelta(seconds=1)
        close_poll(actor=Principal(user_id=2, role="moderator", community_id=1), poll_id=poll)
        dispose_engines()
        seen = [in_a_thread(page(base, None, "votes", f"id={poll}")).texts for base in bases]
        assert seen[0] == seen[1], (seen[0], seen[1])  # the same results, down to the hash
        assert any("冻结的计票哈希" in text for text in seen[0])
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    with read_session() as s:
        roll = s.exec(select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)).all()
    assert len(roll) == len(set(roll)) == before + len(cookies)
