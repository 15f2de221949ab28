"""A district for the benchmarks: several demo communities in one database.

`python -m seed.district` fills an empty database the way a street office's Yishiting looks
after a year: by default 10 communities with 100,000 roster residents between them, 10,000
proposals, 100,000 comments, 200 polls with 300,000 ballots, and the participation log
topped up to 1,000,000 events (heavy-tailed: most residents never take part, a few very
often). Each community is the demo generator's (seed/demo.py) with its own seed and an exact
plan; its ids are moved past the communities before it. Community 1 keeps the demo's login
names (admin, moderator, researcher, resident); community k's staff are admin{k} and so on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import select

from core.audit import canonical_json, record
from core.principal import SYSTEM
from db.engine import get_engine, read_session, write_session
from db.models import (
    Ballot,
    Comment,
    Community,
    Hearing,
    OrganisationActivity,
    ParticipationEvent,
    Poll,
    PollOption,
    Proposal,
    Resident,
    Survey,
    User,
)
from db.models.base import table_of, utcnow
from db.models.records import PARTICIPATION_KINDS
from seed.demo import ORDER, Demo, Plan, finish_load, insert_rows, is_empty, progress_bar

NAMES = [
    "W社区",
    "和平社区",
    "幸福社区",
    "光明社区",
    "东风社区",
    "新华社区",
    "胜利社区",
    "团结社区",
    "友谊社区",
    "长青社区",
]
# What a participation event's object_id points at, by its object_type.
OBJECT_TABLES = {
    "proposal": Proposal,
    "comment": Comment,
    "hearing": Hearing,
    "poll": Poll,
    "organisation_activity": OrganisationActivity,
    "survey": Survey,
}


def split(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` shared as evenly as possible among `parts`."""
    return total // parts + (index < total % parts)


def shift_ids(rows: dict[type, list[dict]], offsets: dict[str, int]) -> None:
    """Move a generated community's ids (and every reference to them) past `offsets`, the
    rows already written per table; then count its rows into `offsets`."""
    options = offsets.get(table_of(PollOption).name, 0)
    for model in ORDER:
        table = table_of(model)
        moved = {
            column.name: next(iter(column.foreign_keys)).column.table.name
            for column in table.columns
            if column.foreign_keys
        }
        if model is not Ballot:  # a ballot's key is random, not a counter
            moved["id"] = table.name
        for row in rows.get(model, []):
            for column, target in moved.items():
                if row.get(column) is not None:
                    row[column] += offsets.get(target, 0)
            if model is ParticipationEvent and row.get("object_id") is not None:
                row["object_id"] += offsets.get(table_of(OBJECT_TABLES[row["object_type"]]).name, 0)
            if model is Ballot and options:  # the chosen option ids, as JSON
                row["choice"] = canonical_json([i + options for i in json.loads(row["choice"])])
    for model in ORDER:
        name = table_of(model).name
        offsets[name] = offsets.get(name, 0) + len(rows.get(model, []))


def rename(rows: dict[type, list[dict]], number: int) -> None:
    """Community `number`'s name, and login names unique across the district."""
    rows[Community][0]["name"] = NAMES[(number - 1) % len(NAMES)] + (
        "" if number <= len(NAMES) else str(number)
    )
    for user in rows.get(User, []):
        if user["role"] != "resident" or user["username"] == "resident":
            if number > 1:
                user["username"] += str(number)
        else:
            user["username"] = f"r{user['resident_id']:06d}"


def add_events(n: int, *, seed: int = 2026, now: datetime | None = None) -> None:
    """n more participation events over the past year: a few residents very active, most
    never (Pareto weights over 30% of the roster), each in its resident's community, one in
    ten offline."""
    import numpy as np

    with read_session() as s:
        roster = np.array(s.exec(select(Resident.id, Resident.community_id)).all())
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.2, len(roster)) * (rng.random(len(roster)) < 0.3)
    weights /= weights.sum()
    now = now or utcnow()
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        who = rng.choice(len(roster), size, p=weights)
        kinds = rng.choice(PARTICIPATION_KINDS, size)
        offsets = rng.uniform(0, 365 * 86400, size)
        offline = rng.random(size) < 0.1
        rows = [
            {
                "community_id": int(roster[w, 1]),
                "resident_id": int(roster[w, 0]),
                "kind": str(k),
                "channel": "offline" if o else "online",
                "amount": 1.0,
                "at": now - timedelta(seconds=float(sec)),
            }
            for w, k, o, sec in zip(who, kinds, offline, offsets, strict=True)
        ]
        with write_session() as s:
            s.execute(insert(ParticipationEvent), rows)
    engine = get_engine()
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load: fresh
        # statistics and a visibility map, so that covering indexes are read index-only
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE participationevent")
            connection.exec_driver_sql("VACUUM ANALYZE resident")


def load_district(
    *,
    communities: int = 10,
    residents: int = 100_000,
    proposals: int = 10_000,
    comments: int = 100_000,
    polls: int = 200,
    ballots: int = 300_000,
    events: int = 1_000_000,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Generate the district into an empty database; return rows written per table."""
    if not is_empty():
        raise RuntimeError("the database already holds a community; district not loaded")
    progress = progress or (lambda fraction, label: None)
    now = now or utcnow().replace(microsecond=0)
    offsets: dict[str, int] = {}
    for index in range(communities):
        size = split(residents, communities, index)
        plan = Plan(
            proposals=split(proposals, communities, index),
            comments=split(comments, communities, index),
            polls=split(polls, communities, index),
            ballots=min(
                split(ballots, communities, index), size * split(polls, communities, index)
            ),
        )

        def community_progress(fraction: float, label: str, i: int = index) -> None:
            progress(0.8 * (i + fraction) / communities, f"{i + 1}/{communities} {label}")

        demo = Demo(
            residents=size,
            seed=seed + 7919 * index,
            now=now,
            plan=plan,
            progress=community_progress,
        )
        demo.generate()
        shift_ids(demo.rows, offsets)
        rename(demo.rows, index + 1)
        with write_session() as s:
            insert_rows(s, demo.rows)
        del demo
    with write_session() as s:
        finish_load(s)
        record(
            s,
            actor=SYSTEM,
            action="demo.load",
            object_type="community",
            object_id=1,
            payload={"residents": residents, "seed": seed, "communities": communities},
        )
    if events > offsets["participationevent"]:
        progress(0.85, "events")
        add_events(events - offsets["participationevent"], seed=seed, now=now)
        offsets["participationevent"] = events
    progress(1.0, "done")
    return offsets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (
        ("communities", 10),
        ("residents", 100_000),
        ("proposals", 10_000),
        ("comments", 100_000),
        ("polls", 200),
        ("ballots", 300_000),
        ("events", 1_000_000),
        ("seed", 2026),
    ):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args(argv)
    if args.communities < 1 or args.residents < 50 * args.communities:
        parser.error("at least one community and 50 residents per community")
    if not is_empty():
        print("database already has a community; district not loaded", file=sys.stderr)
        return 1
    counts = load_district(**vars(args), progress=progress_bar)
    print(file=sys.stderr)
    for table, count in counts.items():
        print(f"{table:24} {count:>11,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
