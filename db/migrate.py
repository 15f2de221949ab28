"""Bring the database to the newest schema, then load the demo community if it is empty.

`python -m db.migrate [--no-demo]`: what `make run` calls before serving.
"""
from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def upgrade(revision: str = "head") -> None:
    command.upgrade(Config(str(ALEMBIC_INI)), revision)


def main(argv: list[str]) -> int:
    upgrade()
    if "--no-demo" in argv:
        return 0
    from seed import demo

    return demo.main(["--if-empty"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
