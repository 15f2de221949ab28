"""Load test: N residents at once against a running Yishiting, over Streamlit's WebSocket.

python -m bench.load [--sessions 20] [--seconds 120] [--residents 1500 | --database URL]
    [--ramp 0.5]

Starts a Streamlit server on a fresh demo database (or on --database, e.g. a district from
`python -m seed.district`, whose community 1 it uses). Each session is one WebSocket speaking
Streamlit's own protocol (the BackMsg/ForwardMsg messages a browser sends and receives), so
twenty residents do not need twenty browsers on the machine under test. Each session is a
different demo resident who has not voted yet, signed in by the login cookie the app itself
issues, and until the time is up repeats a round:

1. open the proposal list;
2. open a proposal by its address;
3. comment on it, through the comment form's widgets (the rate limit of 5 a minute answers
   some; that is counted as refused, not as an error);
4. open the votes page, and the first time open the open poll, tick an option and vote.

An action is timed from the message sent until the script run has finished (including the
rerun a command asks for, which shows its answer). Errors: an
exception shown, a run that did not finish within two minutes, or an expected widget or
answer missing (must be 0). Prints actions served, errors, p50/p95 per action and the
server's peak resident memory, and writes bench/LOAD.md. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.app_server import app_server

REPORT = Path(__file__).resolve().parent / "LOAD.md"
TIMEOUT = 120.0


def prepare(folder: Path, residents: int, sessions: int, database: str | None = None) -> dict:
    """A migrated demo database (or `database`, which already holds a community); the
    cookies of `sessions` residents of community 1 who have not voted, the proposals open to
    comments and the open poll."""
    os.environ["DATABASE_URL"] = database or f"sqlite:///{folder / 'load.db'}"
    os.environ.setdefault("YISHITING_SECRET_KEY", "load-test")
    from sqlmodel import col, select

    from core.accounts.sessions import login_cookie, start_session
    from db.engine import dispose_engines, read_session, write_session
    from db.migrate import upgrade
    from db.models import Poll, Proposal, User, VoterRoll
    from db.models.proposals import ProposalStatus
    from db.models.voting import PollStatus
    from seed.demo import load_demo

    if database is None:
        upgrade()
        load_demo(residents=residents, seed=2026)
    with read_session() as s:
        # An approval poll: the round ticks a checkbox, as its ballot form has.
        poll = s.exec(
            select(Poll.id)
            .where(
                Poll.status == PollStatus.OPEN, Poll.community_id == 1, Poll.method == "approval"
            )
            .order_by(Poll.id)
        ).first()
        voted = select(VoterRoll.resident_id).where(VoterRoll.poll_id == poll)
        users = s.exec(
            select(User.id)
            .where(
                User.role == "resident",
                User.community_id == 1,
                col(User.resident_id).is_not(None),
                col(User.resident_id).not_in(voted),
            )
            .order_by(User.id)
            .limit(sessions)
        ).all()
        proposals = list(
            s.exec(
                select(Proposal.id).where(
                    Proposal.community_id == 1,
                    col(Proposal.status).in_(
                        (
                            ProposalStatus.SUBMITTED,
                            ProposalStatus.UNDER_REVIEW,
                            ProposalStatus.OPEN_FOR_DISCUSSION,
                        )
                    ),
                )
            ).all()
        )
    if len(users) < sessions:
        raise SystemExit(f"only {len(users)} residents who have not voted; use more --residents")
    cookies = []
    with write_session() as s:
        for user_id in users:
            session_id, _ = start_session(s, user_id=user_id)
            cookies.append(login_cookie(session_id))
    dispose_engines()
    return {
        "url": os.environ["DATABASE_URL"],
        "cookies": cookies,
        "proposals": proposals,
        "poll": poll,
    }


class Memory(threading.Thread):
    """Samples the server's resident memory (VmRSS) every half second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak = max(self.peak, int(line.split()[1]) * 1024)
            except OSError:
                pass
            time.sleep(0.5)


class Tally:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.refused = 0


class Session:
    """One resident's WebSocket: run a page (with widget values) and read what it shows."""

    def __init__(self, ws, tally: Tally):
        self.ws, self.tally = ws, tally
        self.widgets: dict[tuple[str, str], str] = {}  # (type, label) -> first widget's id
        self.texts: list[str] = []

    async def run(self, action: str, page: str, query: str = "", states=()) -> bool:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        for widget_id, kind, value in states:
            state = message.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            setattr(state, kind, value)
        self.widgets, self.texts = {}, []
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        failed = None
        try:
            while True:
                reply = ForwardMsg()
                reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
                kind = reply.WhichOneof("type")
                if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                    element = reply.delta.new_element
                    name = element.WhichOneof("type")
                    inner = getattr(element, name)
                    if name == "exception":
                        failed = f"exception: {inner.message[:80]}"
                    if getattr(inner, "id", "") and hasattr(inner, "label"):
                        # the first of a label: the comment form comes before the replies'
                        self.widgets.setdefault((name, inner.label), inner.id)
                    if name in ("alert", "markdown"):
                        self.texts.append(inner.body)
                if kind == "script_finished":
                    if reply.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # a command's st.rerun(): its answer comes in the next run
                    break
        except (TimeoutError, OSError) as error:
            failed = f"{type(error).__name__}"
        if failed:
            self.tally.errors.append(f"{action}: {failed}")
            return False
        self.tally.times.setdefault(action, []).append(time.perf_counter() - start)
        return True

    def widget(self, kind: str, label: str) -> str | None:
        return self.widgets.get((kind, label))

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts)


def connect(base: str, cookie: str | None):
    """A browser session's WebSocket to the server at `base`, signed in by `cookie` (the
    login cookie's value) or not at all; use with `async with`."""
    import websockets

    headers = {"Origin": base}
    if cookie:
        headers["Cookie"] = f"yishiting_session={cookie}"
    return websockets.connect(
        f"ws://{base.removeprefix('http://')}/_stcore/stream",
        subprotocols=["streamlit"],
        additional_headers=headers,
        max_size=None,
        open_timeout=TIMEOUT,
    )


async def resident(
    base: str,
    cookie: str,
    world: dict,
    deadline: float,
    tally: Tally,
    rng: random.Random,
    delay: float,
) -> None:
    await asyncio.sleep(delay)
    async with connect(base, cookie) as ws:
        me = Session(ws, tally)
        if not await me.run("open the app", "home") or not me.shows("已登录"):
            tally.errors.append("open the app: not signed in by the cookie")
            return
        voted, n = False, 0
        while time.monotonic() < deadline:
            n += 1
            await me.run("proposal list", "proposals")
            proposal = f"id={rng.choice(world['proposals'])}"
            if await me.run("open a proposal", "proposals", proposal):
                box, send = me.widget("text_area", "评论"), me.widget("button", "发表")
                if (
                    box
                    and send
                    and await me.run(
                        "comment",
                        "proposals",
                        proposal,
                        [
                            (box, "string_value", f"压力测试评论 #{n}"),
                            (send, "trigger_value", True),
                        ],
                    )
                ):
                    if me.shows("发言太频繁"):
                        tally.refused += 1
                    elif not me.shows("评论已发表"):
                        tally.errors.append(f"comment: no answer shown {me.texts[-2:]}")
            await me.run("votes page", "votes")
            if not voted:
                voted = True
                poll = f"id={world['poll']}"
                if await me.run("open the poll", "votes", poll):
                    option = next((i for (k, _), i in me.widgets.items() if k == "checkbox"), None)
                    cast = me.widget("button", "投票")
                    if not (option and cast):
                        tally.errors.append("open the poll: no ballot form")
                    elif await me.run(
                        "vote",
                        "votes",
                        poll,
                        [(option, "bool_value", True), (cast, "trigger_value", True)],
                    ) and not me.shows("回执码"):
                        tally.errors.append("vote: no receipt shown")


async def drive(base: str, world: dict, sessions: int, seconds: float, ramp: float) -> Tally:
    tally, rng = Tally(), random.Random(2026)
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *[
            resident(
                base,
                world["cookies"][i],
                world,
                deadline,
                tally,
                random.Random(rng.random()),
                i * ramp,
            )
            for i in range(sessions)
        ]
    )
    return tally


def run_load(world: dict, *, sessions: int, seconds: float, ramp: float, log: Path):
    """(tally, elapsed seconds, server peak memory in bytes) of `sessions` residents acting
    for `seconds` against a server on the prepared database."""
    with app_server(world["url"], log=log) as (base, server):
        memory = Memory(server.pid)
        memory.start()
        started = time.perf_counter()
        try:
            tally = asyncio.run(drive(base, world, sessions, seconds, ramp))
        finally:
            memory.stop.set()
        return tally, time.perf_counter() - started, memory.peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--residents", type=int, default=1500)
    parser.add_argument(
        "--database",
        help="an existing database holding a community (e.g. "
        "a district from python -m seed.district) instead "
        "of a fresh demo",
    )
    parser.add_argument(
        "--ramp", type=float, default=0.5, help="seconds between one session's arrival and the next"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="yishiting-load-"))
    world = prepare(folder, args.residents, args.sessions, args.database)
    tally, elapsed, peak = run_load(
        world,
        sessions=args.sessions,
        seconds=args.seconds,
        ramp=args.ramp,
        log=folder / "server.log",
    )
    served = sum(len(t) for t in tally.times.values())
    scale = (
        f"{world['url'].split(':', 1)[0]} database given"
        if args.database
        else f"SQLite, demo of {args.residents:,} residents"
    )
    lines = [
        f"# Load test: {args.sessions} residents at once for {args.seconds:.0f} s "
        f"({scale}, Streamlit's WebSocket protocol)",
        "",
        f"- {os.cpu_count()} cores, shared by the server and the load generator; one "
        f"session arrives every {args.ramp:g} s",
        f"- actions served: {served:,} in {elapsed:.0f} s ({served / elapsed:.1f} a second)",
        f"- errors: {len(tally.errors)}"
        + (f" ({'; '.join(tally.errors[:5])})" if tally.errors else ""),
        f"- comments refused by the rate limit (5 a minute): {tally.refused}",
        f"- server peak resident memory: {peak / 2**20:,.0f} MB",
        "",
        "| action | n | p50 s | p95 s |",
        "|---|---|---|---|",
    ]
    for action, times in tally.times.items():
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        lines.append(f"| {action} | {len(times)} | {statistics.median(times):.2f} | {p95:.2f} |")
    source = "--database URL" if args.database else f"--residents {args.residents}"
    lines += [
        "",
        f"Command: `python -m bench.load --sessions {args.sessions} "
        f"--seconds {args.seconds:.0f} {source} --ramp {args.ramp:g}`",
    ]
    print("\n".join(lines))
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
