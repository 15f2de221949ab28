"""Benchmarks at district scale, on SQLite (default) or PostgreSQL (DATABASE_URL).

python -m bench [--communities 10 --residents 100000 --proposals 10000 --comments 100000
                 --polls 200 --ballots 300000 --events 1000000] [--repeat 3]
                [--skip pages,browser,load,...] [--load-seconds 60]

Generates a district with the demo generator (seed/district.py) into a new database, then
measures, median of --repeat runs, for users of community 1:
- the foundation: a login, the proposal list (first and last page, a search, a sort with
  filters), a leximin sortition draw, the roster import, equal shares on a real election
  and on a synthetic one of 100 projects and 20,000 ballots;
- every page's script run, first render and re-render (bench/pages.py; 1 s and 0.3 s);
- the dashboard: first render, filter changes and each view (2 s and 0.5 s), and a naive
  version that loads the events into pandas, for comparison;
- casting ballots with 1, 4 and 16 threads against the raw INSERT ceiling (bench/ballots.py;
  at least 500 ballots/s on SQLite);
- time until the proposals page is interactive in headless Chromium, against a one-line
  page (bench/browser.py; at most 1.3x);
- the server's memory with 20 residents acting at once (bench/load.py; under 1.5 GB).
Prints the table and writes this backend's figures to bench/results/<backend>.json, then
bench/RESULTS.md with both backends side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.table import print_lines, row, shown_target, shown_value, verdict

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
FIGURES = HERE / "results"
BACKENDS = {"sqlite": "SQLite", "postgresql+psycopg": "PostgreSQL"}
PARTS = ("foundation", "pages", "dashboard", "ballots", "browser", "load")


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


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
    pool = pd.DataFrame(
        {
            "person_id": np.arange(1, size + 1),
            "age_band": rng.choice(AGE_BANDS, size, p=[0.10, 0.18, 0.24, 0.30, 0.18]),
            "residency": rng.choice(RESIDENCY_STATUSES, size, p=[0.60, 0.25, 0.15]),
            "building": rng.choice(buildings, size, p=np.linspace(1.5, 0.5, 12) / 12),
            "gender": rng.choice(["female", "male"], size, p=[0.56, 0.44]),
        }
    )
    baseline = {
        "age_band": dict(zip(AGE_BANDS, [0.16, 0.26, 0.25, 0.21, 0.12], strict=True)),
        "residency": dict(zip(RESIDENCY_STATUSES, [0.50, 0.30, 0.20], strict=True)),
        "building": {b: 1 / 12 for b in buildings},
        "gender": {"female": 0.51, "male": 0.49},
    }
    return pool, baseline


def foundation(repeat: int, counts: dict) -> list[dict]:
    from core.accounts.login import log_in
    from core.proposals.lifecycle import ProposalStatus
    from core.proposals.queries import list_proposals
    from core.sortition.panel import select_panel
    from core.sortition.quotas import proportional_quotas
    from seed.demo import DEMO_PASSWORD

    first = list_proposals(community_id=1)
    last = math.ceil(first.total / len(first.items)) if first.items else 1
    size = f"{first.total:,} proposals in community 1 ({counts['proposal']:,} in all)"
    pool, baseline = sortition_pool()
    quotas = proportional_quotas(pool, baseline, 30)
    return [
        row(
            "log in (argon2id verify)",
            "one user",
            timed(lambda: log_in(username="admin", password=DEMO_PASSWORD), repeat),
        ),
        row(
            "proposal list, first and last page",
            size,
            timed(
                lambda: (list_proposals(community_id=1), list_proposals(community_id=1, page=last)),
                repeat,
            ),
            0.3,
        ),
        row(
            "proposal search '电梯' (substring, Chinese)",
            size,
            timed(lambda: list_proposals(community_id=1, search="电梯"), repeat),
            0.3,
        ),
        row(
            "proposal list, most supported + filters",
            size,
            timed(
                lambda: list_proposals(
                    community_id=1,
                    sort="most_supported",
                    kind="need",
                    status=ProposalStatus.SUBMITTED,
                ),
                repeat,
            ),
            0.3,
        ),
        row(
            "stratified sortition (leximin)",
            f"pool {len(pool):,}, 4 features, panel 30",
            timed(lambda: select_panel(pool, quotas, 30, seed=2026), repeat),
            10.0,
        ),
    ]


def interactive(repeat: int) -> list[dict]:
    """Time to interactive of the proposals page in headless Chromium, and its ratio to a
    one-line page served the same way (bench/browser.py)."""
    from bench.browser import LOADS, TARGET, interactive_rows

    (_, one_size, one, _), (_, size, mine, _), (_, _, ratio, _) = interactive_rows(
        os.environ["DATABASE_URL"], max(repeat, LOADS)
    )
    return [
        row("one-line Streamlit page: interactive in headless Chromium", one_size, one),
        row("proposals page: interactive in headless Chromium", size, mine),
        row("proposals page / one-line page", size, ratio, TARGET, unit="x"),
    ]


def roster_import(residents: int) -> dict:
    from core.principal import Principal
    from core.roster import import_roster

    admin = Principal(user_id=1, role="admin", community_id=1)
    csv = "full_name,building,age_band\n" + "".join(
        f"居民{i},B{(i % 12) + 1:02d},30-44\n" for i in range(residents)
    )
    start = time.perf_counter()
    import_roster(actor=admin, data=csv.encode())
    return row(
        "roster import (validate + insert)", f"{residents:,} rows", time.perf_counter() - start
    )


def memory_under_load(seconds: float, folder: Path) -> dict:
    """Peak resident memory of a server with 20 residents acting at once (bench/load.py)."""
    from bench.load import prepare, run_load

    world = prepare(folder, 0, 20, os.environ["DATABASE_URL"])
    tally, elapsed, peak = run_load(
        world, sessions=20, seconds=seconds, ramp=0.5, log=folder / "load-server.log"
    )
    served = sum(len(t) for t in tally.times.values())
    if tally.errors:
        raise RuntimeError(f"the load run had errors: {tally.errors[:3]}")
    return row(
        "server memory, 20 residents acting at once",
        "community 1 of the district",
        peak / 2**20,
        1536,
        unit="MB",
        note=f"{served:,} actions in {elapsed:.0f} s, 0 errors",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = dict(
        communities=10,
        residents=100_000,
        proposals=10_000,
        comments=100_000,
        polls=200,
        ballots=300_000,
        events=1_000_000,
    )
    for name, default in sizes.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="", help=f"comma-separated parts of {PARTS}")
    parser.add_argument("--load-seconds", type=float, default=60)
    args = parser.parse_args()
    skip = {part for part in args.skip.split(",") if part}
    if skip - set(PARTS):
        parser.error(f"--skip takes parts of {PARTS}")
    workdir = Path(tempfile.mkdtemp(prefix="yishiting-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.db")
    os.environ.setdefault("YISHITING_SECRET_KEY", "bench")
    backend = os.environ["DATABASE_URL"].split(":", 1)[0]

    from db.migrate import upgrade
    from seed.demo import progress_bar
    from seed.district import load_district

    upgrade()
    start = time.perf_counter()
    counts = load_district(**{name: getattr(args, name) for name in sizes}, progress=progress_bar)
    print()
    district = (
        f"{args.communities} communities, {args.residents:,} residents, "
        f"{counts['proposal']:,} proposals, {counts['comment']:,} comments, "
        f"{counts['poll']:,} polls, {counts['ballot']:,} ballots, "
        f"{counts['participationevent']:,} events"
    )
    lines = [row("generate the district", district, time.perf_counter() - start)]
    scale = f"community 1 of {args.communities}"
    if "foundation" not in skip:
        lines += foundation(args.repeat, counts)
    if "pages" not in skip:
        from bench.pages import page_rows

        lines += [
            row(what, scale, seconds, target) for what, _, seconds, target in page_rows(args.repeat)
        ]
    if "dashboard" not in skip:
        lines += _dashboard(args.repeat)
    if "ballots" not in skip:
        from bench.ballots import ballot_rows

        lines += ballot_rows(args.repeat)
    if "browser" not in skip:
        lines += interactive(args.repeat)
    if "load" not in skip:
        lines.append(memory_under_load(args.load_seconds, workdir))
    if "foundation" not in skip:
        lines.append(roster_import(args.residents // args.communities))
        lines.append(_equal_shares_wieliczka())
        lines.append(_equal_shares_synthetic())
    command = (
        "python -m bench"
        + "".join(
            f" --{name} {getattr(args, name)}"
            for name, default in sizes.items()
            if getattr(args, name) != default
        )
        + (f" --skip {args.skip}" if args.skip else "")
    )
    print_lines(lines)
    _save(
        backend,
        dict(
            command=command,
            repeat=args.repeat,
            date=date.today().isoformat(),
            cores=os.cpu_count(),
            rows=lines,
        ),
    )


def _save(backend: str, figures: dict) -> None:
    """This backend's figures as JSON; RESULTS.md rebuilt from every backend's."""
    FIGURES.mkdir(exist_ok=True)
    (FIGURES / f"{backend}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    RESULTS.write_text(results_table(), encoding="utf-8")


def merge_rows(backend: str, rows: list[dict], command: str) -> None:
    """Put one part's new figures (bench.ballots --save) into this backend's saved run:
    lines with the same `what` are replaced, new ones go after the part's last line, and the
    run remembers which lines came from which command on which day; RESULTS.md is rebuilt."""
    path = FIGURES / f"{backend}.json"
    figures = (
        json.loads(path.read_text(encoding="utf-8"))
        if path.exists()
        else dict(
            command=command,
            repeat=None,
            date=date.today().isoformat(),
            cores=os.cpu_count(),
            rows=[],
        )
    )
    known = [line["what"] for line in figures["rows"]]
    at = None
    for line in rows:
        if line["what"] in known:
            at = known.index(line["what"])
            figures["rows"][at] = line
        else:
            at = len(known) if at is None else at + 1
            figures["rows"].insert(at, line)
            known.insert(at, line["what"])
    figures.setdefault("updates", []).append(
        dict(
            command=command,
            date=date.today().isoformat(),
            cores=os.cpu_count(),
            rows=[line["what"] for line in rows],
        )
    )
    _save(backend, figures)


def results_table() -> str:
    """One table: a row per measurement, a column per backend, the target and whether each
    backend met it."""
    files = sorted(FIGURES.glob("*.json"), key=lambda f: (f.stem != "sqlite", f.stem))
    runs = {BACKENDS.get(f.stem, f.stem): json.loads(f.read_text(encoding="utf-8")) for f in files}
    names = list(runs)
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m bench` (`make bench`); see its docstring "
        "for what each figure is. "
        + "; ".join(
            f"{name}: `{run['command']}`, median of {run['repeat']}, {run['cores']} cores, "
            f"{run['date']}"
            + "".join(
                f"; then `{u['command']}` ({len(u['rows'])} lines, {u['cores']} cores, {u['date']})"
                for u in run.get("updates", [])
            )
            for name, run in runs.items()
        )
        + ".",
        "",
        "| what | size | " + " | ".join(names) + " | target |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    order: dict[str, dict] = {}
    for run in runs.values():
        for line in run["rows"]:
            known = order.get(line["what"])
            if known is None or known["target"] is None:  # a target wherever there is one
                order[line["what"]] = line
    for what, first in order.items():
        cells, verdicts = [], []
        for name, run in runs.items():
            found = next((line for line in run["rows"] if line["what"] == what), None)
            cells.append(
                "—"
                if found is None
                else shown_value(found) + (f" ({found['note']})" if found.get("note") else "")
            )
            if found and verdict(found):
                verdicts.append(f"{verdict(found)} ({name})")
        target = shown_target(first) + (": " + ", ".join(verdicts) if verdicts else "")
        lines.append(f"| {what} | {first['size']} | " + " | ".join(cells) + f" | {target} |")
    return "\n".join(lines) + "\n"


def _dashboard(repeat: int):
    """The dashboard's data as the page loads it: the headline and the default view (per-
    resident counts in one grouped query, the figures, influence, the Lorenz curve), then a
    filter change, then each other view on its own; and a naive version that loads the
    events into pandas and groups there, for comparison."""
    import pandas as pd
    from sqlmodel import func, select

    from core import analytics
    from core.dashboard import influence
    from core.dashboard import people as cached
    from core.dashboard.figures import (
        channel_representation,
        dissimilarity,
        explained_by,
        representation_table,
    )
    from core.dashboard.filters import DIMENSIONS, Filters
    from core.dashboard.people import has_activity, kind_counts, person_counts
    from core.dashboard.views import view_data
    from core.principal import Principal
    from db.engine import read_session
    from db.models import ParticipationEvent, Resident

    researcher = Principal(user_id=3, role="researcher", community_id=1)

    def headline(filters=None, view="concentration"):
        """What the page does before drawing the view: the per-resident counts, and the
        view's own query beside them (view_data), then the headline figures."""
        if filters is None:
            filters = Filters()
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
            log = pd.DataFrame(
                s.exec(
                    select(ParticipationEvent.resident_id, ParticipationEvent.kind).where(
                        ParticipationEvent.community_id == 1
                    )
                ).all(),
                columns=["resident_id", "kind"],
            )
            roster = pd.DataFrame(
                s.exec(select(Resident.id).where(Resident.community_id == 1)).all(),
                columns=["resident_id"],
            )
        counts = log.groupby("resident_id").size()
        frame = roster.assign(count=roster["resident_id"].map(counts).fillna(0))
        analytics.headline(frame["count"].to_numpy())

    with read_session() as s:
        residents = s.exec(
            select(func.count()).select_from(Resident).where(Resident.community_id == 1)
        ).one()
        events = s.exec(
            select(func.count())
            .select_from(ParticipationEvent)
            .where(ParticipationEvent.community_id == 1)
        ).one()
    size = f"community 1: {residents:,} residents, {events:,} events"
    comments = Filters(kinds=["comment", "vote"])
    rows = [
        row(
            "dashboard first render: headline + default view (cold roster)",
            size,
            timed(cold, repeat),
            2.0,
        ),
        row(
            "dashboard filter change (kinds): headline + default view",
            size,
            timed(lambda: headline(comments), repeat),
            0.5,
        ),
        row(
            "dashboard filter change (channel and building)",
            size,
            timed(lambda: headline(Filters(channel="offline", building_id=3)), repeat),
            0.5,
        ),
        row(
            "dashboard view 'representation' (5 dimensions, channels, Theil)",
            size,
            timed(representation, repeat),
            0.5,
        ),
        row(
            "dashboard view 'buildings' (headline + heatmap query beside it)",
            size,
            timed(lambda: headline(comments, "where"), repeat),
            0.5,
        ),
        row(
            "dashboard view 'over time' (headline + weekly trends beside it)",
            size,
            timed(lambda: headline(comments, "time"), repeat),
            0.5,
        ),
        row(
            "dashboard view 'over time', filter change to one building",
            size,
            timed(lambda: headline(Filters(building_id=3), "time"), repeat),
            0.5,
        ),
        row(
            "dashboard Lorenz curves by kind (one (resident, kind) query)",
            size,
            timed(lambda: kind_counts(actor=researcher, filters=Filters()), repeat),
        ),
    ]
    grouped = timed(
        lambda: analytics.headline(
            person_counts(actor=researcher, filters=Filters())["count"].to_numpy()
        ),
        repeat,
    )
    slow = timed(naive, repeat)
    rows += [
        row("headline: per-resident counts grouped in SQL", size, grouped),
        row(
            "headline, naive: events into pandas and grouped there",
            size,
            slow,
            note=f"{slow / grouped:.1f}x slower",
        ),
    ]
    return rows


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
    return row(
        "equal shares + Add1 (Wieliczka 2023, real)",
        f"{len(costs)} projects, {len(approvals):,} ballots",
        time.perf_counter() - start,
    )


def _equal_shares_synthetic(projects: int = 100, voters: int = 20_000, seed: int = 2026):
    """Equal shares + Add1 on a synthetic city-wide poll: `projects` costing 5,000 to 100,000
    for a budget of 1,000,000, each voter approving 1 to 10 of them, some far more popular."""
    import random

    from core.voting.rules import equal_shares

    rng = random.Random(seed)
    names = [f"p{i}" for i in range(projects)]
    costs = {name: rng.randrange(5_000, 100_000) for name in names}
    popularity = [rng.random() ** 2 for _ in names]
    approvals = [set(rng.choices(names, popularity, k=rng.randint(1, 10))) for _ in range(voters)]
    start = time.perf_counter()
    equal_shares(costs, 1_000_000, approvals)
    return row(
        "equal shares + Add1 (synthetic)",
        f"{projects} projects, {voters:,} ballots",
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
