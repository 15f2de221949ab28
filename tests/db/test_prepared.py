"""db/prepared.py: statements compiled once and run on the driver's cursor."""

from __future__ import annotations

import pytest

from db.engine import write_connection
from db.models import VoterRoll
from db.prepared import Prepared


def test_an_insert_missing_a_column_with_a_default_is_refused(database):
    """SQLAlchemy fills a column's Python default at execution; a Prepared statement skips
    that machinery, so it used to bind NULL for the omitted column without a word."""
    add = Prepared(VoterRoll.__table__.insert())
    with write_connection() as db, pytest.raises(ValueError, match="voted_at"):
        add.execute(db, poll_id=1, resident_id=1, channel="online")
