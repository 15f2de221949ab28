"""Shared fixtures: a migrated database per test, a seeded community, principals.

Each test gets its own database: a copy of a migrated SQLite template (fast), or, under
tests/pg, a fresh PostgreSQL database cloned from a migrated template (see tests/pg).
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager

import pytest
from sqlmodel import col, select

from core.accounts.sessions import principal_for, start_session
from core.principal import Principal
from db.engine import dispose_engines, read_session, write_session
from db.models import Actor, AuditEvent, Building, Community, User

REQUIRE_FULL_STACK = os.environ.get("REQUIRE_FULL_STACK") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason, or fail when the full stack is required (CI)."""
    if REQUIRE_FULL_STACK:
        pytest.fail(f"REQUIRE_FULL_STACK=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def using_database(url: str):
    """Point DATABASE_URL at `url` for a block (session-scoped setup, where monkeypatch is
    not available); no engine outlives the block, so the database can be copied after."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    dispose_engines()
    try:
        yield url
    finally:
        dispose_engines()
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


def migrate_sqlite(path, *, demo_residents: int | None = None, seed: int = 2026) -> str:
    """Migrate an SQLite file to head, optionally loading the demo; return its URL."""
    from db.migrate import upgrade

    with using_database(f"sqlite:///{path}") as url:
        upgrade()
        if demo_residents:
            from seed.demo import load_demo

            load_demo(residents=demo_residents, seed=seed)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_sqlite(path)
    return path


@pytest.fixture
def database(tmp_path, monkeypatch, sqlite_template):
    """A freshly migrated, empty database for this test; yields its URL."""
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("YISHITING_SECRET_KEY", "test-secret-key")
    dispose_engines()
    yield url
    dispose_engines()


@pytest.fixture
def community(database) -> dict:
    """One community with three buildings and two actors; returns their ids."""
    with write_session() as s:
        c = Community(name="测试社区")
        s.add(c)
        s.flush()
        buildings = [Building(community_id=c.id, code=f"B{i}", name=f"{i}号楼") for i in (1, 2, 3)]
        actors = [
            Actor(community_id=c.id, name="居委会", kind="residents_committee"),
            Actor(community_id=c.id, name="物业", kind="property_company"),
        ]
        s.add_all(buildings + actors)
        s.flush()
        return {
            "id": c.id,
            "buildings": [b.id for b in buildings],
            "building_codes": [b.code for b in buildings],
            "actors": [a.id for a in actors],
        }


def other_community(name: str = "另一个社区") -> dict:
    """A second community with one building (X1) and one actor; returns their ids, shaped
    like the `community` fixture's."""
    with write_session() as s:
        c = Community(name=name)
        s.add(c)
        s.flush()
        b = Building(community_id=c.id, code="X1", name="X1号楼")
        a = Actor(community_id=c.id, name="别处物业", kind="property_company")
        s.add_all([b, a])
        s.flush()
        return {"id": c.id, "buildings": [b.id], "building_codes": [b.code], "actors": [a.id]}


def make_user(
    community: dict,
    username: str,
    role: str = "resident",
    password: str = "correct-horse-battery",
    unit: str | None = "101",
) -> Principal:
    """Register a resident (in flat `unit` of the first building) and give it `role`; return
    its principal with a live session."""
    from core.accounts.commands import register

    user_id = register(
        community_id=community["id"],
        username=username,
        display_name=f"{username} name",
        password=password,
        building_id=community["buildings"][0],
        unit=unit,
    )
    with write_session() as s:
        user = s.get(User, user_id)
        user.role = role
        session_id, _token = start_session(s, user_id=user_id)
        s.flush()
        return principal_for(user, session_id=session_id)


@pytest.fixture
def people(community) -> dict[str, Principal]:
    """A principal for each role, plus a second resident."""
    return {
        "resident": make_user(community, "resident1"),
        "resident2": make_user(community, "resident2"),
        "moderator": make_user(community, "moderator1", "moderator"),
        "researcher": make_user(community, "researcher1", "researcher"),
        "admin": make_user(community, "admin1", "admin"),
    }


def user_row(username: str) -> User:
    with write_session() as s:
        return s.exec(select(User).where(User.username == username)).one()


BODY = "楼道里的灯坏了很久，晚上老人上下楼很不方便，希望尽快修好。"


def visitor(people) -> Principal:
    """A visitor who is not logged in, looking at the community (as the app builds it)."""
    return Principal(user_id=None, role="anonymous", community_id=people["resident"].community_id)


def audit(action: str) -> list[tuple[str, dict]]:
    """The audit log's (object id, payload) pairs for `action`, oldest first."""
    with read_session() as s:
        return [
            (e.object_id, json.loads(e.payload))
            for e in s.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.seq))
            )
        ]


@pytest.fixture
def quick_accounts(monkeypatch):
    """For tests that never log in: skip register()'s deliberately slow password checks."""
    import core.accounts.commands as accounts

    monkeypatch.setattr(accounts, "check_password_policy", lambda password, **_: password)
    monkeypatch.setattr(accounts, "hash_password", lambda _password: "$argon2id$not-a-hash")


@pytest.fixture
def proposal_id(people) -> int:
    """A need submitted by the admin, open to comments."""
    from core.proposals.commands import submit_proposal

    return submit_proposal(
        actor=people["admin"],
        kind="need",
        title="修好3号楼的楼道灯",
        body=BODY,
        category="facilities",
    )
