"""Is the database there and at the schema this code expects? For a health route that a
load balancer or a monitor polls (server.py: /healthz)."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db.engine import get_engine
from db.migrate import ALEMBIC_INI


def database_health() -> tuple[bool, dict[str, str]]:
    """(healthy, details): the database answers a query and its schema revision is the
    newest migration. Details never carry credentials or the error's text beyond its type."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # noqa: BLE001 - any failure is "unhealthy"
        return False, {"database": "unreachable", "error": type(error).__name__}
    head = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()
    if current != head:
        return False, {"database": "ok", "schema": f"{current} (expected {head})"}
    return True, {"database": "ok", "schema": str(current)}
