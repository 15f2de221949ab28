"""db/health.py: the health route's answer about the database."""

from __future__ import annotations

from db.health import database_health
from db.migrate import upgrade


def test_a_migrated_database_is_healthy(database):
    healthy, details = database_health()
    assert healthy and details["database"] == "ok" and details["schema"]


def test_a_database_behind_the_newest_migration_is_not(database):
    from alembic import command
    from alembic.config import Config

    from db.migrate import ALEMBIC_INI

    command.downgrade(Config(str(ALEMBIC_INI)), "-1")
    healthy, details = database_health()
    assert not healthy and details["database"] == "ok" and "expected" in details["schema"]
    upgrade()
    assert database_health()[0]


def test_an_unreachable_database_is_not_and_the_answer_names_no_secret(monkeypatch):
    from db import engine

    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://app:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"
    )
    engine.dispose_engines()
    try:
        healthy, details = database_health()
    finally:
        engine.dispose_engines()
    assert not healthy and details["database"] == "unreachable"
    assert "s3cret" not in str(details) and "127.0.0.1" not in str(details)
