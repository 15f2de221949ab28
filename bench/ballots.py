"""Casting ballots: throughput of the real command beside the raw ceiling of the database.

python -m bench.ballots [--residents N] [--ballots B] [--repeat K]

Casts B ballots with 1, 4 and 16 threads (each thread for its own roster residents, all
into one fresh open poll per run, through `cast_ballot`), then checks that the poll holds
exactly one roll entry and one ballot per successful cast, and that the audit chain is
intact. The raw ceiling is what the same engine commits when it does nothing else: one
INSERT of a ballot-plus-roll-sized row and a COMMIT per transaction, into a scratch table.
No command reaches it (a ballot reads five rows and writes four, with their index entries:
roll, ballot, participation and audit events); the ratio says which share of it casting
reaches, so that a slower disk and a slower command are told apart.

Runs on DATABASE_URL when set (migrated, and loaded with the demo if empty); otherwise on
a temporary SQLite file with a demo of N residents. The target: 500 ballots/s on SQLite.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import threading
import time
from datetime import timedelta

TARGET_PER_SECOND = 500
TARGET_SHARE_OF_CEILING = 0.25  # casting, one thread, against the raw INSERT+COMMIT ceiling
CLOSE_BALLOTS = 300_000
CLOSE_TARGET_SECONDS = 30
THREADS = (1, 4, 16)
# One ballot row (random key, choice, receipt hash) plus its roll row (voter pseudonym,
# timestamp, ids), in bytes as text.
ROW_BYTES = 250
SCRATCH = "bench_raw_ceiling"


def _on_sqlite() -> bool:
    from db.engine import get_engine

    return get_engine().dialect.name == "sqlite"


def _community():
    """(a moderator principal, ids of the roster residents who may vote in a community-wide
    poll of the moderator's community, not erased)."""
    from sqlmodel import col, select

    from core.principal import Principal
    from core.voting.eligibility import verified_clause
    from db.engine import read_session
    from db.models import Resident, User

    with read_session() as s:
        moderator = s.exec(
            select(User).where(User.role == "moderator", User.active).order_by(User.id)
        ).first()
        if moderator is None:
            raise RuntimeError("no moderator in the database: load the demo first")
        voters = list(
            s.exec(
                select(Resident.id)
                .where(
                    Resident.community_id == moderator.community_id,
                    verified_clause(),
                    col(Resident.erased_at).is_(None),
                )
                .order_by(Resident.id)
            ).all()
        )
    return Principal(
        user_id=moderator.id, role="moderator", community_id=moderator.community_id
    ), voters


def _fresh_poll(moderator) -> tuple[int, int]:
    """An open approval poll of five options; (poll id, the first option's id)."""
    from sqlmodel import col, select

    from core.voting.polls import create_poll, open_poll
    from db.engine import read_session
    from db.models import PollOption
    from db.models.base import utcnow

    poll_id = create_poll(
        actor=moderator,
        title="基准测试投票",
        method="approval",
        opens_at=utcnow() - timedelta(minutes=1),
        closes_at=utcnow() + timedelta(days=1),
        options=[{"label": f"选项{i}"} for i in range(5)],
    )
    open_poll(actor=moderator, poll_id=poll_id)
    with read_session() as s:
        option = s.exec(
            select(PollOption.id)
            .where(PollOption.poll_id == poll_id)
            .order_by(col(PollOption.position))
        ).first()
    return poll_id, option


def _cast(moderator, voters: list[int], threads: int) -> float:
    """Cast one ballot for each voter, split over `threads`, into a fresh poll; return the
    seconds from the start signal to the last ballot. Fails unless every cast succeeded and
    the poll holds exactly one roll entry and one ballot per voter."""
    from core.principal import Principal
    from core.voting.ballots import cast_ballot

    poll_id, option = _fresh_poll(moderator)
    start = threading.Barrier(threads + 1)
    receipts: list[str | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(mine: list[int]) -> None:
        got, failed = [], []
        start.wait()
        for resident_id in mine:
            try:
                got.append(
                    cast_ballot(
                        actor=Principal(
                            user_id=None,
                            role="resident",
                            community_id=moderator.community_id,
                            resident_id=resident_id,
                        ),
                        poll_id=poll_id,
                        choice=[option],
                    )
                )
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failed.append(error)
        with lock:
            receipts.extend(got)
            errors.extend(failed)

    workers = [threading.Thread(target=work, args=(voters[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - began
    _check(poll_id, voters, receipts, errors)
    return seconds


def _check(poll_id: int, voters: list[int], receipts: list, errors: list) -> None:
    """Fail loudly unless the poll holds exactly what was acknowledged (roll entries ==
    ballots == distinct voters == participation events == successful casts, each with its
    own receipt: no lost or doubled ballot) and every voter's cast succeeded."""
    from sqlalchemy import func
    from sqlmodel import select

    from core.voting.mixing import ballot_count
    from db.engine import read_session
    from db.models import ParticipationEvent, VoterRoll

    with read_session() as s:

        def count(query):
            return s.exec(query).one()

        figures = dict(
            casts=len(receipts),
            receipts=len({r for r in receipts if r}),
            roll=count(select(func.count()).where(VoterRoll.poll_id == poll_id)),
            distinct_voters=count(
                select(func.count(func.distinct(VoterRoll.resident_id))).where(
                    VoterRoll.poll_id == poll_id
                )
            ),
            ballots=ballot_count(s, poll_id),
            participation=count(
                select(func.count()).where(
                    ParticipationEvent.object_type == "poll",
                    ParticipationEvent.object_id == poll_id,
                    ParticipationEvent.kind == "vote",
                )
            ),
        )
    problems = []
    if len(set(figures.values())) != 1:
        problems.append(f"lost or doubled ballot: {figures}")
    if errors or len(receipts) != len(voters):
        kinds = sorted({f"{type(e).__name__}: {str(e).splitlines()[0]}" for e in errors})
        problems.append(f"{len(errors)} of {len(voters)} casts failed: {kinds[:5]}")
    if problems:
        raise RuntimeError(f"poll {poll_id}: " + "; ".join(problems))


def _check_audit_chain() -> None:
    from core.audit import verify
    from db.engine import read_session

    with read_session() as s:
        broken = verify(s)
    if broken is not None:
        raise RuntimeError(f"audit chain broken at event {broken}")


def raw_ceiling(commits: int) -> float:
    """Transactions per second of the same engine committing one ballot-sized row each, in
    a scratch table created and dropped here (single thread, same pragmas and BEGIN)."""
    from sqlalchemy import Column, Integer, MetaData, String, Table

    from db.engine import get_engine

    engine = get_engine()
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    scratch = Table(
        SCRATCH,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("body", String(ROW_BYTES), nullable=False),
    )
    scratch.drop(engine, checkfirst=True)
    scratch.create(engine)
    rows = [secrets.token_hex(ROW_BYTES // 2) for _ in range(commits)]
    qmark = engine.dialect.paramstyle == "qmark"  # SQLite; psycopg takes %(name)s
    insert = f"INSERT INTO {SCRATCH} (body) VALUES ({'?' if qmark else '%(body)s'})"
    try:
        with engine.connect() as connection:
            began = time.perf_counter()
            for body in rows:
                with connection.begin():
                    connection.exec_driver_sql(insert, (body,) if qmark else {"body": body})
            seconds = time.perf_counter() - began
    finally:
        scratch.drop(engine)
    return commits / seconds


def ballot_rows(repeat: int = 3, ballots: int = 2_000) -> list[dict]:
    """Lines for the bench table (bench/table.py): the raw ceiling in commits per second,
    then ballots per second cast with 1, 4 and 16 threads (median of `repeat` runs, each
    into a fresh poll), checked for lost or doubled ballots, with their share of the
    ceiling. On SQLite the target is 500 ballots/s."""
    from bench.table import row

    moderator, voters = _community()
    voters = voters[:ballots]
    if len(voters) < 100:
        raise RuntimeError(f"only {len(voters)} eligible residents: load a bigger demo")
    target = TARGET_PER_SECOND if _on_sqlite() else None
    ceiling = statistics.median(raw_ceiling(len(voters)) for _ in range(repeat))
    lines = [
        row(
            "raw ceiling: INSERT + COMMIT of one ballot-sized row",
            f"{len(voters):,} commits, one thread",
            ceiling,
            unit="/s",
            better="higher",
        )
    ]
    for threads in THREADS:
        seconds = statistics.median(_cast(moderator, voters, threads) for _ in range(repeat))
        rate = len(voters) / seconds
        lines.append(
            row(
                f"cast ballots, {threads} thread{'s' if threads > 1 else ''}",
                f"{len(voters):,} ballots, none lost or doubled",
                rate,
                target,
                unit="ballots/s",
                better="higher",
                note=f"{rate / ceiling:.2f} of the raw ceiling",
            )
        )
        if threads == 1:
            lines.append(
                row(
                    "cast ballots, 1 thread, share of the raw ceiling",
                    "same run",
                    rate / ceiling,
                    TARGET_SHARE_OF_CEILING,
                    unit="x",
                    better="higher",
                )
            )
    _check_audit_chain()
    lines.append(
        row(
            f"close a secret poll of {CLOSE_BALLOTS:,} ballots, mixing included",
            f"{CLOSE_BALLOTS - 9:,} mixed + 9 pending; shuffle, rewrite, count, scrub",
            close_seconds(moderator),
            CLOSE_TARGET_SECONDS,
        )
    )
    return lines


def close_seconds(moderator, ballots: int = CLOSE_BALLOTS) -> float:
    """Seconds to close a secret approval poll holding `ballots` ballots, 9 of them still
    pending: seal (mix, shuffle and rewrite every ballot in one transaction), count, freeze,
    and scrub the pending table or the WAL. The ballots are written straight into the tables
    (casting 300,000 through the command is measured above, per ballot)."""
    import json

    from sqlalchemy import insert, update

    from core.voting.polls import close_poll
    from db.engine import write_session
    from db.models import Ballot, PendingBallot, Poll, PollOption
    from db.models.base import utcnow

    poll_id, _first = _fresh_poll(moderator)
    from sqlmodel import select

    with write_session() as s:
        options = list(s.exec(select(PollOption.id).where(PollOption.poll_id == poll_id)))
        db = s.connection()
        for start in range(0, ballots, 10_000):
            rows = [
                {
                    "id": secrets.token_hex(16),
                    "poll_id": poll_id,
                    "choice": json.dumps(sorted({options[i % 5], options[(i * 7) % 5]})),
                    "receipt_hash": secrets.token_hex(32),
                }
                for i in range(start, min(ballots, start + 10_000))
            ]
            pending, mixed = (rows[:9], rows[9:]) if start == 0 else ([], rows)
            db.execute(insert(Ballot), mixed)
            if pending:
                db.execute(insert(PendingBallot), [dict(r, replaces=False) for r in pending])
        db.execute(
            update(Poll).where(Poll.id == poll_id).values(closes_at=utcnow() - timedelta(seconds=1))
        )
    began = time.perf_counter()
    close_poll(actor=moderator, poll_id=poll_id)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--residents", type=int, default=5_000, help="demo size when the database is empty"
    )
    parser.add_argument("--ballots", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--save", action="store_true", help="put these lines into bench/results and RESULTS.md"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.mkdtemp(prefix="yishiting-ballots-")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.db"
    os.environ.setdefault("YISHITING_SECRET_KEY", "bench")

    from db.migrate import upgrade
    from seed.demo import is_empty, load_demo

    upgrade()
    if is_empty():
        load_demo(residents=args.residents, seed=2026)
    from bench.table import print_lines

    lines = ballot_rows(args.repeat, args.ballots)
    print_lines(lines)
    print("\nNo lost or doubled ballot; audit chain intact.")
    if args.save:
        from bench.__main__ import merge_rows

        command = "python -m bench.ballots" + "".join(
            f" --{name} {value}"
            for name, value in (
                ("residents", args.residents),
                ("ballots", args.ballots),
                ("repeat", args.repeat),
            )
        )
        merge_rows(os.environ["DATABASE_URL"].split(":", 1)[0], lines, command)


if __name__ == "__main__":
    main()
