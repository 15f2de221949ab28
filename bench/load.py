"""Load test: N concurrent residents in headless Chromium against a running Yishiting.

python -m bench.load [--sessions 20] [--seconds 120] [--residents 1500]

Starts a Streamlit server on a fresh demo database. Each session logs in as a different
demo resident and, until the time is up, repeats a round:

1. open the proposal list;
2. open a proposal by its address;
3. comment on it (the rate limit of 5 a minute answers some of them; that is counted as
   refused, not as an error);
4. open the votes page, and the first time open the poll and vote.

An action is timed from the click or page load until the script run has finished and its
result is on screen. Prints sessions, actions served, errors (an exception shown or a
timeout; must be 0), p50/p95 latency per action and the server's peak resident memory, and
writes bench/LOAD.md. Not part of `make test`.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).resolve().parent / "LOAD.md"
PASSWORD = "yishiting-demo-2026"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 120_000  # an action slower than this counts as an error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_database(folder: Path, residents: int) -> tuple[str, list[str], list[int], int]:
    """A migrated demo database; (url, resident logins, proposal ids, the open poll's id)."""
    url = f"sqlite:///{folder / 'load.db'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("YISHITING_SECRET_KEY", "load-test")
    from sqlmodel import col, select

    from db.demo import load_demo
    from db.engine import dispose_engines, read_session
    from db.migrate import upgrade
    from db.models import Poll, Proposal, User

    upgrade()
    load_demo(residents=residents, seed=2026)
    with read_session() as s:
        logins = list(s.exec(select(User.username).where(col(User.username).like("r0%"))
                             .order_by(User.id)).all())
        proposals = list(s.exec(select(Proposal.id).where(Proposal.status.in_(
            ("submitted", "under_review", "open_for_discussion")))).all())
        open_poll = s.exec(select(Poll.id).where(Poll.status == "open")).first()
    dispose_engines()
    return url, logins, proposals, open_poll


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

    def add(self, action: str, seconds: float) -> None:
        self.times.setdefault(action, []).append(seconds)


async def timed(tally: Tally, action: str, page, do, done: str) -> bool:
    start = time.perf_counter()
    try:
        await do()
        await page.locator(done).first.wait_for(timeout=TIMEOUT_MS)
        await page.locator(IDLE).wait_for(timeout=TIMEOUT_MS)
    except Exception as error:  # noqa: BLE001 - a timeout or crash is an error to report
        tally.errors.append(f"{action}: {type(error).__name__}")
        return False
    if await page.locator('[data-testid="stException"]').count():
        tally.errors.append(f"{action}: exception shown")
        return False
    tally.add(action, time.perf_counter() - start)
    return True


async def session(browser, base: str, login: str, proposals: list[int], poll: int,
                  deadline: float, tally: Tally, rng: random.Random, delay: float) -> None:
    await asyncio.sleep(delay)  # sessions arrive one after another, as people do
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # Nothing but the app itself: pictures are not what is being measured.
    await context.route("**/*.{png,jpg,jpeg,webp,woff,woff2}", lambda route: route.abort())
    page = await context.new_page()
    main = page.get_by_test_id("stMain")
    try:
        if not await timed(tally, "open the app", page, lambda: page.goto(f"{base}/login"),
                           '[data-testid="stMain"] input'):
            return
        await main.get_by_role("textbox", name="用户名").fill(login)
        await main.get_by_label("密码", exact=True).fill(PASSWORD)
        if not await timed(tally, "log in", page,
                           lambda: main.get_by_role("button", name="登录").click(),
                           '[data-testid="stSidebar"] >> text=已登录'):
            return
        voted, n = False, 0
        while time.monotonic() < deadline:
            n += 1
            await timed(tally, "proposal list", page,
                        lambda: page.goto(f"{base}/proposals"), "text=提案与需求")
            proposal = rng.choice(proposals)
            await timed(tally, "open a proposal", page,
                        lambda: page.goto(f"{base}/proposals?id={proposal}"), "text=返回列表")
            box = main.get_by_role("textbox", name="评论")
            if await box.count():
                await box.fill(f"压力测试评论 {login} #{n}")
                ok = await timed(tally, "comment", page,
                                 lambda: main.get_by_role("button", name="发表").click(),
                                 "text=/评论已发表。|发言太频繁/")
                if ok and await page.get_by_text("发言太频繁").count():
                    tally.refused += 1
            await timed(tally, "votes page", page, lambda: page.goto(f"{base}/votes"),
                        "text=投票")
            if not voted:  # vote once: open the poll, tick an option, cast the ballot
                voted = True
                if await timed(tally, "open the poll", page,
                               lambda: page.goto(f"{base}/votes?id={poll}"), "text=读书会"):
                    await main.get_by_text("读书会").first.click()
                    await timed(tally, "vote", page,
                                lambda: main.get_by_role("button", name="投票",
                                                         exact=True).click(),
                                "text=/回执码：|已经投过票|已在网上投票/")
    finally:
        await context.close()


async def drive(base: str, logins: list[str], proposals: list[int], poll: int,
                sessions: int, seconds: float, ramp: float) -> Tally:
    from playwright.async_api import async_playwright

    tally, rng = Tally(), random.Random(2026)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                   headless=True, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + seconds
        await asyncio.gather(*[session(browser, base, logins[i], proposals, poll, deadline,
                                       tally, random.Random(rng.random()), i * ramp)
                               for i in range(sessions)])
        await browser.close()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--residents", type=int, default=1500)
    parser.add_argument("--ramp", type=float, default=2.0,
                        help="seconds between one session's arrival and the next")
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="yishiting-load-"))
    url, logins, proposals, poll = demo_database(folder, args.residents)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url)
    log = open(folder / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    memory = Memory(server.pid)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        memory.start()
        started = time.perf_counter()
        tally = asyncio.run(drive(base, logins, proposals, poll, args.sessions, args.seconds,
                                  args.ramp))
        elapsed = time.perf_counter() - started
    finally:
        memory.stop.set()
        server.terminate()
        server.wait(timeout=30)
        log.close()
    served = sum(len(t) for t in tally.times.values())
    lines = [f"# Load test: {args.sessions} sessions in Chromium for {args.seconds:.0f} s "
             f"(SQLite, demo of {args.residents:,} residents)", "",
             f"- {os.cpu_count()} cores shared by the server and all {args.sessions} browser "
             f"sessions; one session arrives every {args.ramp:g} s",
             f"- actions served: {served:,} in {elapsed:.0f} s ({served / elapsed:.1f} a second)",
             f"- errors: {len(tally.errors)}" + (f" ({', '.join(tally.errors[:5])})"
                                                 if tally.errors else ""),
             f"- comments refused by the rate limit: {tally.refused}",
             f"- server peak resident memory: {memory.peak / 2**20:,.0f} MB", "",
             "| action | n | p50 s | p95 s |", "|---|---|---|---|"]
    for action, times in tally.times.items():
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        lines.append(f"| {action} | {len(times)} | {statistics.median(times):.2f} | "
                     f"{p95:.2f} |")
    lines += ["", f"Command: `python -m bench.load --sessions {args.sessions} "
                  f"--seconds {args.seconds:.0f} --residents {args.residents} "
                  f"--ramp {args.ramp:g}`"]
    print("\n".join(lines))
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
