"""`python -m seed` (make run) migrates and loads the demo once; `python -m db.migrate`
(make migrate, deployments) only migrates."""

from sqlalchemy import func, inspect
from sqlmodel import select

import db.migrate
from db.engine import get_engine, read_session
from db.models import Community, Resident
from seed.__main__ import main as seed_main
from tests.conftest import using_database

NOT_ON_POSTGRESQL = True  # fresh SQLite files of its own: tests/pg would only repeat it


def counts() -> tuple[int, int]:
    with read_session() as s:
        return (
            s.exec(select(func.count()).select_from(Community)).one(),
            s.exec(select(func.count()).select_from(Resident)).one(),
        )


def test_seed_loads_the_demo_into_an_empty_database_and_only_migrates_after(tmp_path):
    with using_database(f"sqlite:///{tmp_path / 'fresh.db'}"):
        assert seed_main(["--residents", "60", "--seed", "5"]) == 0
        assert counts() == (1, 60)
        assert seed_main([]) == 0  # a community exists: migrated, nothing added
        assert counts() == (1, 60)


def test_db_migrate_never_loads_data(tmp_path):
    with using_database(f"sqlite:///{tmp_path / 'schema.db'}"):
        assert db.migrate.main([]) == 0
        assert "community" in inspect(get_engine()).get_table_names()
        assert db.migrate.main(["--no-demo"]) == 0  # the old flag, still accepted
        assert counts() == (0, 0)
