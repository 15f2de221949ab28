"""The layers' import rules: arrows only point down (pages -> components -> core -> db, with
seed, the demo and district generators, beside the UI above core), core never imports
streamlit, pages never touch the database."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

UI = {"streamlit"}
DATABASE = {"db", "sqlmodel", "sqlalchemy", "alembic", "psycopg"}
# Each layer and what it may never import: every layer above it and the libraries that
# belong to another layer. seed writes through core and db, and nothing imports it.
FORBIDDEN = {
    "pages": DATABASE | {"seed"},
    "components": DATABASE | {"pages", "seed"},
    "core": UI | {"pages", "components", "seed"},
    "db": UI | {"pages", "components", "core", "seed"},
    "seed": UI | {"pages", "components"},
}
# The entry points stand where pages do: they call core and components, never the database.
ENTRY_POINTS = ["app.py", "server.py"]


def imported_modules(path: Path) -> set[str]:
    """Top-level names `path` imports anywhere in it (inside functions too); a relative
    import counts as its own package."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(path.relative_to(ROOT).parts[0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


RULES = [(path, layer) for layer in FORBIDDEN for path in sorted((ROOT / layer).rglob("*.py"))]
RULES += [(ROOT / name, "pages") for name in ENTRY_POINTS]


def test_every_layer_has_modules():
    assert {layer for path, layer in RULES if path.is_file()} == set(FORBIDDEN)


@pytest.mark.parametrize(
    ("path", "layer"), RULES, ids=[str(path.relative_to(ROOT)) for path, _ in RULES]
)
def test_imports_only_point_down(path, layer):
    assert not imported_modules(path) & FORBIDDEN[layer]


# Tools for the tests alone, which the running app never loads: pabutools pulls in gurobipy
# (proprietary, no source build) and is only the oracle for core/voting/equal_shares.py.
TEST_TOOLS = {"pabutools", "gurobipy", "pytest", "hypothesis", "playwright"}


@pytest.mark.parametrize(
    ("path", "layer"), RULES, ids=[str(path.relative_to(ROOT)) for path, _ in RULES]
)
def test_the_app_never_imports_a_test_tool(path, layer):
    assert not imported_modules(path) & TEST_TOOLS


# One import convention: a name is imported from the module that defines it. A package's
# __init__.py describes the package (and holds code only if the package's own code lives
# there); it never re-exports its modules' names, so there is one way to import each name
# and `git grep "from core.x.y import name"` finds every caller. (db.models is the one
# exception, on purpose: importing it registers every table on SQLModel.metadata.)
PACKAGE_INITS = sorted(ROOT.glob("core/*/__init__.py"))


@pytest.mark.parametrize(
    "init", PACKAGE_INITS, ids=[str(p.relative_to(ROOT)) for p in PACKAGE_INITS]
)
def test_a_package_init_re_exports_nothing(init):
    package = ".".join(init.parent.relative_to(ROOT).parts)
    tree = ast.parse(init.read_text(encoding="utf-8"))
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    re_exported = [
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith(package))
        for alias in node.names
        if (alias.asname or alias.name) not in used
    ]
    assert not re_exported, f"{package} re-exports {re_exported}: import them from their module"
    assert not any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for node in tree.body
    )
