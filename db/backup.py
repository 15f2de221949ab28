"""Backups of the SQLite database, taken while the app runs, and checked restores.

`python -m db.backup backup [FILE]` writes a consistent copy with SQLite's online backup API
(readers and writers carry on; the copy is one point in time). `python -m db.backup restore
FILE` checks the file first (an SQLite database that passes its integrity check, holds this
project's tables and a schema revision this code knows) and then copies it over the live
database through the same API, and migrates it forward if it is older. For PostgreSQL use
pg_dump and pg_restore (see the README).
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from db.engine import ROOT, database_url, dispose_engines, is_sqlite
from db.migrate import ALEMBIC_INI, upgrade

BACKUPS = ROOT / "data" / "backups"
REQUIRED_TABLES = {
    "alembic_version",
    "community",
    "resident",
    "user",
    "proposal",
    "auditevent",
    "ballot",
    "voterroll",
}


class BackupError(Exception):
    """The backup cannot be made or the file cannot be restored; the message says why."""


def live_path() -> Path:
    url = database_url()
    if not is_sqlite(url) or ":memory:" in url:
        raise BackupError(
            "backups here are for the SQLite database; for PostgreSQL use "
            "pg_dump -Fc and pg_restore (see the README)"
        )
    return Path(url.removeprefix("sqlite:///"))


def backup(target: Path | None = None) -> Path:
    """Copy the live database to `target` (default: data/backups/yishiting-<UTC time>.db)."""
    source = live_path()
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = BACKUPS / f"yishiting-{stamp}.db"
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    check(target)
    return target


def check(path: Path) -> str:
    """The schema revision of a usable backup file, or BackupError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} fails SQLite's integrity check")
            tables = {
                name
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(
                    f"{path} is not a Yishiting database (no {', '.join(sorted(missing))})"
                )
            revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None
    known = {
        script.revision
        for script in ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).walk_revisions()
    }
    if revision is None or revision[0] not in known:
        raise BackupError(
            f"{path} has a schema revision this version does not know "
            f"({revision[0] if revision else 'none'}); use a newer Yishiting"
        )
    return revision[0]


def restore(source: Path) -> str:
    """Replace the live database's content with the checked backup; returns its revision."""
    revision = check(source)
    target = live_path()
    dispose_engines()  # no pooled connection of ours keeps reading the old pages
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy,
        sqlite3.connect(target) as live,
    ):
        copy.backup(live)
    upgrade()
    return revision


def main(argv: list[str]) -> int:
    if (
        not argv
        or argv[0] not in ("backup", "restore")
        or (argv[0] == "restore" and len(argv) != 2)
    ):
        print("usage: python -m db.backup backup [FILE] | restore FILE", file=sys.stderr)
        return 2
    try:
        if argv[0] == "backup":
            path = backup(Path(argv[1]) if len(argv) > 1 and argv[1] else None)
            print(f"backup written: {path}")
        else:
            revision = restore(Path(argv[1]))
            print(f"restored {argv[1]} (schema {revision}), migrated to the newest schema")
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
