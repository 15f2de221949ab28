"""AppTest fixtures: a demo community per test and a logged-in session per role."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts.sessions import start_session
from db.engine import dispose_engines, write_session
from db.models import User
from tests.conftest import migrate_sqlite

ROOT = Path(__file__).resolve().parents[2]

ROLE_LOGINS = {
    "resident": "resident",
    "moderator": "moderator",
    "researcher": "researcher",
    "admin": "admin",
}
TIMEOUT = 30


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    migrate_sqlite(path, demo_residents=300, seed=7)
    return path


@pytest.fixture
def demo_db(tmp_path, monkeypatch, demo_template):
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("YISHITING_SECRET_KEY", "test-secret-key")
    dispose_engines()
    yield path
    dispose_engines()


def login_session(username: str) -> str:
    with write_session() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        session_id, _ = start_session(s, user_id=user.id)
        return session_id


def make_app(role: str, *, locale: str = "en", script: str = "app.py") -> AppTest:
    """An AppTest of `script` for a user of `role` ("anonymous" for nobody)."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    at.session_state["locale"] = locale
    if role != "anonymous":
        at.session_state["session_id"] = login_session(ROLE_LOGINS[role])
    return at


@pytest.fixture
def app(demo_db):
    return make_app
