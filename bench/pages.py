"""Every page's script run at the database's size, for a signed-in user of the right role.

python -m bench.pages [--repeat K]   (on DATABASE_URL, which must already hold a community)

Each page is run as Streamlit's AppTest runs it (in this process, the whole script: app.py's
login check and navigation, then the page), median of K:
- first render: a new session opens the page, with Streamlit's data caches and the
  dashboard's roster cache emptied first, so nothing of an earlier run is reused;
- re-render: the same session runs the page again, as after a click that changes nothing
  the page reads.
Every page is run once before (a server imports its modules once). Targets: first render
under 1 s, re-render under 0.3 s. AppTest's own work (turning the
page's messages into elements) is included, so the figures are a little pessimistic.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST, RERUN = 1.0, 0.3

# (what, page script, login name, query parameter "id" from DETAILS or None)
PAGES = [
    ("home", "pages/home.py", "resident", None),
    ("proposal list", "pages/proposals.py", "resident", None),
    ("a proposal and its thread (the longest)", "pages/proposals.py", "resident", "proposal"),
    ("new proposal form", "pages/new_proposal.py", "resident", None),
    ("hearings", "pages/hearings.py", "resident", None),
    ("a hearing (minutes published)", "pages/hearings.py", "moderator", "hearing"),
    ("votes", "pages/votes.py", "resident", None),
    ("an open poll (most ballots)", "pages/votes.py", "moderator", "open_poll"),
    ("a closed poll's results", "pages/votes.py", "resident", "closed_poll"),
    ("announcements", "pages/announcements.py", "resident", None),
    ("responsibility board", "pages/accountability.py", "resident", None),
    ("public log", "pages/audit.py", "resident", None),
    ("dashboard", "pages/dashboard.py", "researcher", None),
    ("moderation", "pages/moderation.py", "moderator", None),
    ("admin", "pages/admin.py", "admin", None),
    ("my account", "pages/profile.py", "resident", None),
    ("log in", "pages/login.py", None, None),
    ("register", "pages/register.py", None, None),
]


def details(community_id: int = 1) -> dict[str, int]:
    """The biggest object of each kind that a detail page shows, in the community."""
    from sqlalchemy import func
    from sqlmodel import select

    from db.engine import read_session
    from db.models import Ballot, Hearing, Poll, Proposal
    from db.models.hearings import HearingStatus
    from db.models.voting import PollStatus

    with read_session() as s:

        def most_ballots(status: str) -> int:
            return s.exec(
                select(Poll.id)
                .join(Ballot, Ballot.poll_id == Poll.id)
                .where(Poll.community_id == community_id, Poll.status == status)
                .group_by(Poll.id)
                .order_by(func.count().desc())
            ).first()

        return {
            "proposal": s.exec(
                select(Proposal.id)
                .where(Proposal.community_id == community_id)
                .order_by(Proposal.comment_count.desc())
            ).first(),
            "hearing": s.exec(
                select(Hearing.id).where(
                    Hearing.community_id == community_id,
                    Hearing.status == HearingStatus.MINUTES_PUBLISHED,
                )
            ).first(),
            "open_poll": most_ballots(PollStatus.OPEN),
            "closed_poll": most_ballots(PollStatus.CLOSED),
        }


def _session_of(username: str) -> str:
    from sqlmodel import select

    from core.accounts.sessions import start_session
    from db.engine import write_session
    from db.models import User

    with write_session() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return start_session(s, user_id=user.id)[0]


def _forget_caches() -> None:
    import streamlit as st

    from core.dashboard import people

    st.cache_data.clear()
    people._rosters.clear()


def _timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception or at.error:  # a failure, or a refusal: not the page being measured
        raise RuntimeError(f"the page failed: {(at.exception or at.error)[0].value}")
    return seconds


def measure(script: str, username: str | None, detail: int | None, repeat: int):
    """(median first render, median re-render) of one page, in seconds."""
    from streamlit.testing.v1 import AppTest

    first, again = [], []
    for _ in range(repeat):
        _forget_caches()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["locale"] = "zh-CN"
        if username:
            at.session_state["session_id"] = _session_of(username)
        if detail is not None:
            at.query_params["id"] = str(detail)
        if script == "pages/home.py":
            first.append(_timed_run(at))
        else:
            _timed_run(at)  # the session opens on the home page
            at.switch_page(script)
            first.append(_timed_run(at))
        again.append(_timed_run(at))
    return statistics.median(first), statistics.median(again)


def page_rows(repeat: int = 3, size: str = "") -> list[tuple[str, str, float, float | None]]:
    """Rows (what, size, seconds, target) for the benchmark table: two per page."""
    from streamlit import logger

    logger.set_log_level("error")  # AppTest outside a server warns on every run
    ids = details()
    for _, script, username, detail in PAGES:  # imports and first connections, once
        measure(script, username, ids[detail] if detail else None, 1)
    rows = []
    for what, script, username, detail in PAGES:
        first, again = measure(script, username, ids[detail] if detail else None, repeat)
        who = username or "anonymous"
        rows.append((f"page '{what}' ({who}): first render", size, first, FIRST))
        rows.append((f"page '{what}' ({who}): re-render", size, again, RERUN))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for what, _, seconds, target in page_rows(args.repeat):
        verdict = "met" if seconds < target else "MISSED"
        print(f"{what:70} {seconds:7.3f} s  (< {target} s {verdict})")


if __name__ == "__main__":
    main()
