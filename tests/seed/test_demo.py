"""The demo community: deterministic, realistic mix, unequal activity."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import select

from core.audit import verify
from db.engine import read_session
from db.models import Community, ParticipationEvent, Resident, User
from seed.demo import DEMO_PASSWORD, Demo, load_demo

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_same_seed_same_community():
    first = Demo(residents=400, seed=3, now=NOW, progress=None)
    second = Demo(residents=400, seed=3, now=NOW, progress=None)
    assert first.generate() == second.generate()
    assert first.rows[Resident][:50] == second.rows[Resident][:50]
    other = Demo(residents=400, seed=4, now=NOW, progress=None)
    other.generate()
    assert other.rows[Resident][:50] != first.rows[Resident][:50]


def test_loaded_demo_is_realistic_and_unequal(database):
    counts = load_demo(residents=1500, seed=2026)
    assert counts["resident"] == 1500 and counts["building"] == 12
    with read_session() as s:
        assert s.exec(select(func.count()).select_from(Community)).one() == 1
        ages = Counter(s.exec(select(Resident.age_band)).all())
        residency = Counter(s.exec(select(Resident.residency_status)).all())
        accounts = s.exec(
            select(func.count()).select_from(User).where(User.role == "resident")
        ).one()
        per_person = sorted(
            s.exec(
                select(func.count())
                .select_from(ParticipationEvent)
                .where(ParticipationEvent.kind == "comment")
                .group_by(ParticipationEvent.resident_id)
            ).all(),
            reverse=True,
        )
        assert verify(s) is None
    assert ages["30-44"] > ages["75+"] and ages["60-74"] > 200
    assert residency["migrant"] > 0.25 * 1500
    assert 250 <= accounts <= 350
    # The most active tenth of commenters writes a large share of all comments.
    top = per_person[: max(1, len(per_person) // 10)]
    assert sum(top) / sum(per_person) > 0.35


def test_demo_logins_work(database):
    from core.accounts.login import log_in

    load_demo(residents=200, seed=1)
    for username in ("admin", "moderator", "researcher", "resident"):
        principal, _ = log_in(username=username, password=DEMO_PASSWORD)
        assert principal.role == ("resident" if username == "resident" else username)
