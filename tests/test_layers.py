"""The layers' import rules: core never imports streamlit, pages never touch the database."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")), ids=str)
def test_core_never_imports_streamlit(path):
    assert not imported_modules(path) & {"streamlit", "pages", "components"}


@pytest.mark.parametrize("path", sorted((ROOT / "db").rglob("*.py")), ids=str)
def test_db_never_imports_ui(path):
    assert not imported_modules(path) & {"streamlit", "pages", "components"}


@pytest.mark.parametrize("path", [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py",
                                  *sorted((ROOT / "components").glob("*.py"))], ids=str)
def test_ui_never_touches_the_database(path):
    assert not imported_modules(path) & {"db", "sqlmodel", "sqlalchemy", "alembic", "psycopg"}
