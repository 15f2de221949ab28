"""Every core command checks the caller's role on the server side, first thing: each role
that the permission table refuses gets PermissionDenied from every command guarded by that
permission, whatever the other arguments are, and nothing is written.

The commands are found by reading core's source (every function whose body begins by calling
`require(actor, "...")`), so a new command is covered the day it is written."""

import ast
import importlib
import inspect
from pathlib import Path

from sqlalchemy import func
from sqlmodel import SQLModel, select

from core.errors import PermissionDenied
from core.permissions import RULES, can
from core.principal import Principal
from db.engine import read_session

CORE = Path(__file__).resolve().parents[2] / "core"
ROLES = ("anonymous", "resident", "researcher", "moderator", "admin")


def guarded_commands() -> list[tuple[str, str, str, bool]]:
    """(module, function, permission, on own account) for every function that starts with
    require(); "on own account": the check's target is the caller's own user id."""
    found = []
    for path in sorted(CORE.rglob("*.py")):
        module = ".".join(path.relative_to(CORE.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = [
                s
                for s in node.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            first = body[0] if body else None
            call = first.value if isinstance(first, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", None) == "require"
                and len(call.args) >= 2
                and isinstance(call.args[1], ast.Constant)
            ):
                own = len(call.args) > 2 and ast.unparse(call.args[2]) == "actor.user_id"
                found.append((module.removesuffix(".__init__"), node.name, call.args[1].value, own))
    return found


COMMANDS = guarded_commands()


def refused(role: str, permission: str, own: bool) -> bool:
    caller = Principal(user_id=None if role == "anonymous" else 9, role=role, community_id=1)
    return not can(caller, permission, caller.user_id if own else None)


CASES = [
    (module, name, permission, role)
    for module, name, permission, own in COMMANDS
    for role in ROLES
    if refused(role, permission, own)
]


def test_the_commands_are_found():
    assert len(COMMANDS) >= 80
    assert {p for _, _, p, _ in COMMANDS} <= set(RULES)  # every permission used exists
    assert ("core.voting.polls", "close_poll", "poll.manage", False) in COMMANDS


def row_counts() -> dict[str, int]:
    with read_session() as s:
        return {
            table.name: s.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


def test_every_refused_role_is_refused_and_nothing_is_written(people):
    """One pass over all (command, role) pairs the permission table refuses (one set of
    accounts for all of them: registering them per case would take minutes)."""
    assert len(CASES) > 200
    wrong = []
    before = row_counts()
    for module, name, _permission, role in CASES:
        command = getattr(importlib.import_module(module), name)
        account = people.get(role)
        caller = Principal(
            user_id=account.user_id if account else None,
            role=role,
            community_id=people["admin"].community_id,
            resident_id=account.resident_id if account else None,
        )
        parameters = inspect.signature(command).parameters
        arguments = {
            p: 1
            for p, spec in parameters.items()
            if spec.kind is spec.KEYWORD_ONLY and spec.default is spec.empty
        }
        for who in ("actor", "viewer"):
            if who in parameters:
                arguments[who] = caller
        try:
            command(**arguments)
        except PermissionDenied:
            continue
        except Exception as error:  # noqa: BLE001 - any other outcome is the finding
            wrong.append(f"{module}.{name} as {role}: {type(error).__name__}: {error}")
        else:
            wrong.append(f"{module}.{name} as {role}: allowed")
    assert wrong == []
    assert row_counts() == before
