"""Scaling out: two app servers on two ports share one PostgreSQL. Residents vote through
both (over Streamlit's own WebSocket protocol, as browsers do); someone who voted through
one cannot vote again through the other; both servers show the same tally afterwards, and
the roll has no duplicate."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bench.app_server import app_server
from bench.load import Session, Tally, connect

pytestmark = pytest.mark.pg


async def page(
    base: str, cookie: str | None, name: str, query: str = "", states=(), tally: Tally | None = None
) -> Session:
    async with connect(base, cookie) as ws:
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


def test_residents_vote_through_two_servers_on_one_database(database, tmp_path):
    from core.accounts.sessions import login_cookie, start_session
    from core.principal import Principal
    from core.voting.polls import close_poll
    from db.engine import dispose_engines, read_session, write_session
    from db.models import Poll, User, VoterRoll
    from db.models.base import utcnow
    from seed.demo import load_demo

    load_demo(residents=200, seed=11)
    with read_session() as s:
        poll = s.exec(select(Poll.id).where(Poll.status == "open")).first()
        voted = select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)
        users = s.exec(
            select(User.id)
            .where(User.role == "resident", col(User.resident_id).not_in(voted))
            .order_by(User.id)
            .limit(6)
        ).all()
        before = s.exec(
            select(func.count()).select_from(VoterRoll).where(VoterRoll.poll_id == poll)
        ).one()
    with write_session() as s:
        cookies = [login_cookie(start_session(s, user_id=u)[0]) for u in users]
    dispose_engines()
    with (
        app_server(database, log=tmp_path / "first.log") as (first, _),
        app_server(database, log=tmp_path / "second.log") as (second, _),
    ):
        bases = [first, second]

        async def everyone_votes():
            return await asyncio.gather(
                *[
                    page(bases[i % 2], cookie, "votes", f"id={poll}", vote_states)
                    for i, cookie in enumerate(cookies)
                ]
            )

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
    with read_session() as s:
        roll = s.exec(select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)).all()
    assert len(roll) == len(set(roll)) == before + len(cookies)
