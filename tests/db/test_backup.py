"""Backups: a copy taken from the live database restores every row; bad files are refused
with a reason and leave the live database untouched."""

import sqlite3

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from db.backup import BackupError, backup, check, main, restore
from db.engine import database_url, get_engine


def counts() -> dict[str, int]:
    with get_engine().connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
            for t in SQLModel.metadata.tables
        }


@pytest.fixture
def sqlite_only(database):
    if not database_url().startswith("sqlite"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")


def test_a_restored_backup_holds_every_row(sqlite_only, tmp_path, capsys):
    from core.admin import add_building
    from core.principal import Principal
    from seed.demo import load_demo

    load_demo(residents=120, seed=5)
    before = counts()
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    assert "backup written" in capsys.readouterr().out
    add_building(actor=Principal(user_id=1, role="admin", community_id=1), code="NEW", name="新楼")
    assert counts() != before
    assert main(["restore", str(tmp_path / "copy.db")]) == 0
    assert counts() == before
    with get_engine().connect() as connection:  # the chain came back whole
        from sqlmodel import Session

        from core.audit import verify

        assert verify(Session(connection)) is None


def test_bad_files_are_refused_and_nothing_changes(sqlite_only, tmp_path):
    before = counts()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    for path, reason in (
        (junk, "not a readable SQLite database"),
        (other, "not a Yishiting database"),
        (tmp_path / "missing.db", "is not a file"),
    ):
        with pytest.raises(BackupError, match=reason):
            restore(path)
    future = backup(tmp_path / "future.db")
    with sqlite3.connect(future) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(BackupError, match="does not know"):
        check(future)
    with pytest.raises(BackupError, match="exists already"):
        backup(future)
    assert main(["restore"]) == 2
    assert counts() == before


def test_admins_download_a_backup_from_the_admin_page(sqlite_only, tmp_path):
    from core.admin import backups_here, database_backup
    from core.errors import PermissionDenied
    from core.principal import Principal

    assert backups_here()
    with pytest.raises(PermissionDenied):
        database_backup(actor=Principal(user_id=2, role="moderator", community_id=1))
    data = database_backup(actor=Principal(user_id=1, role="admin", community_id=1))
    (tmp_path / "download.db").write_bytes(data)
    check(tmp_path / "download.db")  # a usable backup
    with get_engine().connect() as connection:
        assert (
            connection.execute(
                text("SELECT count(*) FROM auditevent WHERE action = 'database.backup'")
            ).scalar()
            == 1
        )
