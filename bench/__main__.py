"""Foundation benchmarks on a generated community (SQLite by default, or DATABASE_URL).

python -m bench [--residents N] [--repeat K]

Measures, median of K runs: demo generation, a login (argon2id verify), one page of the
proposal list, the dashboard's participation overview, the roster import of N rows, and a
leximin sortition draw from a synthetic pool of 2,000 (whatever N is: that is its target).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _add_proposals(count: int) -> None:
    """Bulk-insert proposals (with real-looking Chinese titles) up to the size measured."""
    from sqlalchemy import insert

    from db.demo_content import PROPOSALS
    from db.engine import write_session
    from db.models import Proposal
    from db.models.base import utcnow

    now = utcnow()
    rows = [dict(community_id=1, kind=PROPOSALS[i % len(PROPOSALS)][0],
                 category=PROPOSALS[i % len(PROPOSALS)][1],
                 title=PROPOSALS[i % len(PROPOSALS)][2].format(b=f"{i % 12 + 1}号楼") + f" #{i}",
                 body=PROPOSALS[i % len(PROPOSALS)][3].format(b="楼"), author_id=4,
                 status="submitted", support_count=i % 37, comment_count=i % 11,
                 created_at=now, updated_at=now) for i in range(max(0, count))]
    with write_session() as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(Proposal), rows[start:start + 5000])


def sortition_pool(size: int = 2_000, seed: int = 2026):
    """(pool, baseline): a synthetic hearing pool of `size` residents with the app's feature
    cardinalities (age_band 5 values, residency 3, building 12, gender 2), skewed the way
    sign-ups are (older, registered residents over-represented), and census-like population
    shares for proportional quotas."""
    import numpy as np
    import pandas as pd

    from db.models.people import AGE_BANDS, RESIDENCY_STATUSES

    rng = np.random.default_rng(seed)
    buildings = [f"{b}号楼" for b in range(1, 13)]
    pool = pd.DataFrame({
        "person_id": np.arange(1, size + 1),
        "age_band": rng.choice(AGE_BANDS, size, p=[.10, .18, .24, .30, .18]),
        "residency": rng.choice(RESIDENCY_STATUSES, size, p=[.60, .25, .15]),
        "building": rng.choice(buildings, size, p=np.linspace(1.5, 0.5, 12) / 12),
        "gender": rng.choice(["female", "male"], size, p=[.56, .44]),
    })
    baseline = {"age_band": dict(zip(AGE_BANDS, [.16, .26, .25, .21, .12])),
                "residency": dict(zip(RESIDENCY_STATUSES, [.50, .30, .20])),
                "building": {b: 1 / 12 for b in buildings},
                "gender": {"female": .51, "male": .49}}
    return pool, baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=0,
                        help="top the participation log up to this many events (heavy-tailed "
                             "over the residents) before the dashboard figures")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="yishiting-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.db")
    os.environ.setdefault("YISHITING_SECRET_KEY", "bench")

    from core.accounts.login import log_in
    from core.principal import Principal
    from core.proposals import list_proposals
    from core.roster import import_roster
    from db.demo import DEMO_PASSWORD, load_demo
    from db.migrate import upgrade

    upgrade()
    rows = []
    start = time.perf_counter()
    counts = load_demo(residents=args.residents, seed=2026)
    rows.append(("generate demo community", f"{args.residents:,} residents, "
                 f"{counts['participationevent']:,} events", time.perf_counter() - start, None))
    rows.append(("log in (argon2id verify)", "one user",
                 timed(lambda: log_in(username="admin", password=DEMO_PASSWORD), args.repeat), None))
    rows.append(("proposal list, page 1", f"{counts['proposal']:,} proposals",
                 timed(lambda: list_proposals(community_id=1), args.repeat), 0.3))
    _add_proposals(10_000 - counts["proposal"])
    rows.append(("proposal list, page 1 / page 250", "10,000 proposals",
                 timed(lambda: (list_proposals(community_id=1),
                                list_proposals(community_id=1, page=250)), args.repeat), 0.3))
    rows.append(("proposal search '电梯' (substring, Chinese)", "10,000 proposals",
                 timed(lambda: list_proposals(community_id=1, search="电梯"), args.repeat), 0.3))
    rows.append(("proposal list, most supported + filters", "10,000 proposals",
                 timed(lambda: list_proposals(community_id=1, sort="most_supported",
                                              kind="need", status="submitted"), args.repeat), 0.3))
    from core.sortition import proportional_quotas, select_panel

    pool, baseline = sortition_pool()
    quotas = proportional_quotas(pool, baseline, 30)
    rows.append(("stratified sortition (leximin)", f"pool {len(pool):,}, 4 features, panel 30",
                 timed(lambda: select_panel(pool, quotas, 30, seed=2026), args.repeat), 10.0))

    events = counts["participationevent"]
    if args.events > events:
        start = time.perf_counter()
        _add_events(args.events - events)
        rows.append(("add synthetic participation events", f"{args.events - events:,} events",
                     time.perf_counter() - start, None))
        events = args.events
    rows += _dashboard(args.repeat, events)
    admin = Principal(user_id=1, role="admin", community_id=1)
    csv = "full_name,building,age_band\n" + "".join(
        f"居民{i},B{(i % 12) + 1:02d},30-44\n" for i in range(args.residents))
    start = time.perf_counter()
    import_roster(actor=admin, data=csv.encode())
    rows.append(("roster import (validate + insert)", f"{args.residents:,} rows",
                 time.perf_counter() - start, None))
    rows.append(_cast_ballots(args.residents))
    rows.append(_equal_shares_wieliczka())

    backend = os.environ["DATABASE_URL"].split(":", 1)[0]
    lines = [f"# Benchmarks ({backend}, median of {args.repeat})", "",
             "| what | size | seconds | target |", "|---|---|---|---|"]
    for name, size, seconds, target in rows:
        verdict = "" if target is None else (f"< {target} s " + ("met" if seconds < target else "MISSED"))
        lines.append(f"| {name} | {size} | {seconds:.3f} | {verdict} |")
    extra = f" --events {args.events}" if args.events else ""
    lines += ["", f"Command: `python -m bench --residents {args.residents} --repeat {args.repeat}"
                  f"{extra}`"]
    print("\n".join(lines))
    _save(backend, "\n".join(lines))


def _save(backend: str, section: str) -> None:
    """Write this backend's table into RESULTS.md, keeping the other backend's."""
    sections = {}
    if RESULTS.exists():
        for part in RESULTS.read_text(encoding="utf-8").split("# Benchmarks (")[1:]:
            sections[part.split(",", 1)[0]] = "# Benchmarks (" + part.strip()
    sections[backend] = section
    RESULTS.write_text("\n\n".join(sections[b] for b in sorted(sections)) + "\n",
                       encoding="utf-8")


def _add_events(n: int) -> None:
    """n more events: a few residents very active, most never (Pareto weights), over the
    past year, one in ten offline."""
    from datetime import timedelta

    import numpy as np
    from sqlalchemy import insert
    from sqlmodel import select

    from db.engine import read_session, write_session
    from db.models import ParticipationEvent, Resident
    from db.models.base import utcnow
    from db.models.records import PARTICIPATION_KINDS

    with read_session() as s:
        residents = np.array(s.exec(select(Resident.id)).all())
    rng = np.random.default_rng(2026)
    weights = rng.pareto(1.2, residents.size) * (rng.random(residents.size) < 0.3)
    weights /= weights.sum()
    now = utcnow()
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        who = rng.choice(residents, size, p=weights)
        kinds = rng.choice(PARTICIPATION_KINDS, size)
        offsets = rng.uniform(0, 365 * 86400, size)
        offline = rng.random(size) < 0.1
        rows = [{"community_id": 1, "resident_id": int(r), "kind": str(k),
                 "channel": "offline" if o else "online", "amount": 1.0,
                 "at": now - timedelta(seconds=float(sec))}
                for r, k, o, sec in zip(who, kinds, offline, offsets)]
        with write_session() as s:
            s.execute(insert(ParticipationEvent), rows)
    from db.engine import get_engine

    engine = get_engine()
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load: fresh
        # statistics and a visibility map, so that covering indexes are read index-only
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE participationevent")
            connection.exec_driver_sql("VACUUM ANALYZE resident")


def _dashboard(repeat: int, events: int):
    """The dashboard's data as the page loads it: the headline and the default view (per-
    resident counts in one grouped query, the figures, influence, the Lorenz curve), then a
    filter change, then each other view on its own; and a naive version that loads the
    events into pandas and groups there, for comparison."""
    import pandas as pd
    from sqlmodel import func, select

    from core import analytics
    from core.dashboard import (DIMENSIONS, Filters, channel_representation, dissimilarity,
                                explained_by, has_activity, influence, kind_counts,
                                person_counts, representation_table, view_data)
    from core.dashboard import people as cached
    from core.principal import Principal
    from db.engine import read_session
    from db.models import ParticipationEvent, Resident

    researcher = Principal(user_id=3, role="researcher", community_id=1)

    def headline(filters=Filters(), view="concentration"):
        """What the page does before drawing the view: the per-resident counts, and the
        view's own query beside them (view_data), then the headline figures."""
        has_activity(actor=researcher)
        frame, _ = view_data(actor=researcher, filters=filters, view=view)
        counts = frame["count"].to_numpy()
        analytics.headline(counts)
        analytics.lorenz(counts, max_points=400)
        influence(actor=researcher, frame=frame)
        return frame

    def cold():
        cached._rosters.clear()  # a server that has not shown this community yet
        headline()

    def representation():
        frame = headline()
        for dimension in DIMENSIONS:
            representation_table(frame, dimension)
            dissimilarity(frame, dimension)
        channel_representation(frame, "age_band")
        explained_by(frame)

    def naive():
        with read_session() as s:
            log = pd.DataFrame(s.exec(select(ParticipationEvent.resident_id,
                                             ParticipationEvent.kind)).all(),
                               columns=["resident_id", "kind"])
            roster = pd.DataFrame(s.exec(select(Resident.id)).all(), columns=["resident_id"])
        counts = log.groupby("resident_id").size()
        frame = roster.assign(count=roster["resident_id"].map(counts).fillna(0))
        analytics.headline(frame["count"].to_numpy())

    with read_session() as s:
        residents = s.exec(select(func.count()).select_from(Resident)).one()
    size = f"{residents:,} residents, {events:,} events"
    comments = Filters(kinds=["comment", "vote"])
    rows = [("dashboard first render: headline + default view (cold roster)", size,
             timed(cold, repeat), 2.0),
            ("dashboard filter change (kinds): headline + default view", size,
             timed(lambda: headline(comments), repeat), 0.5),
            ("dashboard filter change (channel and building)", size,
             timed(lambda: headline(Filters(channel="offline", building_id=3)), repeat), 0.5),
            ("dashboard view 'representation' (5 dimensions, channels, Theil)", size,
             timed(representation, repeat), 0.5),
            ("dashboard view 'buildings' (headline + heatmap query beside it)", size,
             timed(lambda: headline(comments, "where"), repeat), 0.5),
            ("dashboard view 'over time' (headline + weekly trends beside it)", size,
             timed(lambda: headline(comments, "time"), repeat), 0.5),
            ("dashboard view 'over time', filter change to one building", size,
             timed(lambda: headline(Filters(building_id=3), "time"), repeat), 0.5),
            ("dashboard Lorenz curves by kind (one (resident, kind) query)", size,
             timed(lambda: kind_counts(actor=researcher, filters=Filters()), repeat), None)]
    grouped = timed(lambda: analytics.headline(person_counts(
        actor=researcher, filters=Filters())["count"].to_numpy()), repeat)
    slow = timed(naive, repeat)
    rows += [("headline: per-resident counts grouped in SQL", size, grouped, None),
             (f"headline, naive: events into pandas ({slow / grouped:.1f}x slower)", size, slow,
              None)]
    return rows


def _cast_ballots(residents: int):
    """Ballots cast one after another by verified residents into one open poll."""
    from datetime import timedelta

    from sqlmodel import select

    from core.principal import Principal
    from core.voting.ballots import cast_ballot
    from core.voting.polls import create_poll, open_poll
    from db.engine import read_session
    from db.models import PollOption, Resident
    from db.models.base import utcnow

    moderator = Principal(user_id=2, role="moderator", community_id=1)
    poll_id = create_poll(actor=moderator, title="基准测试投票", method="approval",
                          opens_at=utcnow() - timedelta(minutes=1),
                          closes_at=utcnow() + timedelta(days=1),
                          options=[{"label": f"选项{i}"} for i in range(5)])
    open_poll(actor=moderator, poll_id=poll_id)
    with read_session() as s:
        option = s.exec(select(PollOption.id).where(PollOption.poll_id == poll_id)).first()
        voters = s.exec(select(Resident.id).where(Resident.source == "roster")
                        .limit(min(1000, residents))).all()
    start = time.perf_counter()
    for resident_id in voters:
        cast_ballot(actor=Principal(user_id=None, role="resident", community_id=1,
                                    resident_id=resident_id), poll_id=poll_id,
                    choice=[option])
    seconds = time.perf_counter() - start
    return (f"cast ballots, one thread ({len(voters) / seconds:,.0f} ballots/s)",
            f"{len(voters):,} ballots", seconds / len(voters), None)


def _equal_shares_wieliczka():
    """Equal shares with Add1 completion on a real election (tests/data)."""
    from pabutools.election import parse_pabulib

    from core.voting.rules import equal_shares

    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "poland_wieliczka_2023.pb"
    instance, profile = parse_pabulib(str(path))
    costs = {p.name: int(p.cost) for p in instance}
    approvals = [{p.name for p in ballot} for ballot in profile]
    start = time.perf_counter()
    equal_shares(costs, int(instance.budget_limit), approvals)
    return ("equal shares + Add1 (Wieliczka 2023, real)",
            f"{len(costs)} projects, {len(approvals):,} ballots", time.perf_counter() - start,
            None)


if __name__ == "__main__":
    main()
