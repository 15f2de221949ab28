"""Make a database ready to serve: migrate it, then load the demo community if it is empty.

`python -m seed [--residents N] [--seed S]`: what `make run` and `make dev` call before
serving, so a fresh clone opens on a populated community (the options are seed.demo's). A
database that already holds a community is only migrated. For the schema alone (a real
deployment) use `python -m db.migrate`.
"""

from __future__ import annotations

import sys

from db.migrate import upgrade
from seed import demo


def main(argv: list[str] | None = None) -> int:
    upgrade()
    return demo.main(["--if-empty", *(argv or [])])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
