"""Bring the database to the newest schema.

`python -m db.migrate`: what `make migrate` and a deployment's upgrade run. It never loads
data; `python -m seed` (what `make run` calls) migrates and then loads the demo community
into an empty database. `--no-demo`, which used to be needed to skip the demo, is still
accepted so that existing deployment scripts keep working.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def upgrade(revision: str = "head") -> None:
    command.upgrade(Config(str(ALEMBIC_INI)), revision)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-demo", action="store_true", help=argparse.SUPPRESS)
    parser.parse_args(argv)
    upgrade()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
