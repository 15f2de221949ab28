"""Migrations match the models, and downgrade/upgrade keeps working."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.engine import dispose_engines, get_engine
from db.migrate import ALEMBIC_INI


def test_upgrade_head_matches_the_models(database):
    with get_engine().connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_downgrade_to_empty_and_upgrade_again(database):
    config = Config(str(ALEMBIC_INI))
    command.downgrade(config, "base")
    dispose_engines()
    assert set(inspect(get_engine()).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    dispose_engines()
    assert set(SQLModel.metadata.tables) <= set(inspect(get_engine()).get_table_names())


def test_sqlite_pragmas(database):
    if get_engine().dialect.name != "sqlite":
        pytest.skip("SQLite pragmas do not apply to this database")
    with get_engine().connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def test_downgrade_and_upgrade_keep_the_demo_data(database):
    """On a database holding the demo community, going back to the first schema and forward
    again keeps every row (SQLite rebuilds tables that others point at on the way)."""
    from sqlalchemy import text

    from seed.demo import load_demo

    load_demo(residents=200, seed=3)
    tables = [
        t
        for t in SQLModel.metadata.sorted_tables
        if t.name
        not in (
            "hearingdraw",
            "activationcode",
            "externaldataset",
            "announcement",
            "servicelevel",
        )  # new since 0001, empty
        and not t.name.startswith("survey")  # new in 0008, holding demo data
        and t.name
        not in (
            "organisation",
            "organisationmember",
            "organisationactivity",
            "activitysignup",
            "volunteerrecord",
        )
    ]  # the same

    def counts() -> dict[str, int]:
        with get_engine().connect() as connection:
            return {
                t.name: connection.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar()
                for t in tables
            }

    before = counts()
    config = Config(str(ALEMBIC_INI))
    command.downgrade(config, "0001")
    dispose_engines()
    command.upgrade(config, "head")
    dispose_engines()
    assert counts() == before
    assert before["ballot"] > 0 and before["participationevent"] > 0
    if get_engine().dialect.name == "sqlite":
        with get_engine().connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_0009_rewrites_stored_secret_ballots_and_unlinks_old_confirmations(database):
    """Ballots stored before mixing existed were written beside their roll entries: the
    upgrade rewrites each secret poll's ballots with new keys (same choices and receipts),
    keeps open polls' ballots as they are, and sends accounts confirmed without a roster row
    back to the queue."""
    from sqlalchemy import text

    from seed.demo import load_demo

    load_demo(residents=200, seed=3)
    config = Config(str(ALEMBIC_INI))
    command.downgrade(config, "0008")
    dispose_engines()

    def ballots(secret: bool) -> set[tuple]:
        with get_engine().connect() as c:
            return set(
                c.execute(
                    text(
                        "SELECT b.id, b.poll_id, b.choice, b.receipt_hash FROM ballot b "
                        "JOIN poll p ON p.id = b.poll_id WHERE p.secret = :s"
                    ),
                    {"s": secret},
                )
            )

    with get_engine().begin() as c:
        legacy = c.execute(text("SELECT id FROM resident WHERE source = 'roster' LIMIT 1")).scalar()
        c.execute(
            text(
                "UPDATE resident SET source = 'self_registered', verified_at = "
                "CURRENT_TIMESTAMP WHERE id = :r"
            ),
            {"r": legacy},
        )
    secret_before, open_before = ballots(True), ballots(False)
    assert secret_before
    command.upgrade(config, "head")
    dispose_engines()
    secret_after = ballots(True)
    assert {b[1:] for b in secret_after} == {b[1:] for b in secret_before}
    assert not {b[0] for b in secret_after} & {b[0] for b in secret_before}  # new keys
    assert ballots(False) == open_before
    with get_engine().connect() as c:
        assert (
            c.execute(
                text("SELECT verified_at FROM resident WHERE id = :r"), {"r": legacy}
            ).scalar()
            is None
        )
