"""Every test in tests/core, tests/db, tests/seed and tests/adversarial again, on PostgreSQL
(tests/pg's `database` fixture).

Each tests/core/test_*.py module becomes one class here, e.g. tests/core/test_voting.py ->
TestVoting, so that tests with the same name in two modules do not shadow each other and a
new core module is picked up without editing this file. Modules that set
`DATABASE_FREE = True` (pure functions, such as the voting rules) are left out. The test
functions stay the very same objects (as staticmethods); only the fixtures they are given
differ.

Known limit: Hypothesis refuses a @given *method* of a test class that runs under two
classes in one session (HealthCheck.differing_executors); write @given tests in tests/core
as module-level functions.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from _pytest.fixtures import FixtureFunctionDefinition

import tests.adversarial
import tests.core
import tests.db
import tests.seed

pytestmark = pytest.mark.pg


def _wrap(value):
    """A module-level test function or fixture, made fit for a class body."""
    if isinstance(value, FixtureFunctionDefinition):
        # pytest wants @pytest.fixture above @staticmethod: re-apply the same marker so.
        return value._fixture_function_marker(staticmethod(value._get_wrapped_function()))
    if callable(value) and not isinstance(value, type):
        return staticmethod(value)
    return value  # a test class: nested classes are collected as they are


def _as_class(module) -> type:
    """A test class holding the module's tests, test classes, fixtures and marks."""
    body = {}
    for name, value in vars(module).items():
        is_fixture = isinstance(value, FixtureFunctionDefinition)
        is_test = name.startswith(("test", "Test"))
        if is_fixture or is_test:
            body[name] = _wrap(value)
    if hasattr(module, "pytestmark"):
        body["pytestmark"] = module.pytestmark
    short = module.__name__.rsplit(".", 1)[1].removeprefix("test_")
    name = "Test" + "".join(part.capitalize() for part in short.split("_"))
    body["__doc__"] = f"{module.__name__}, on PostgreSQL."
    return type(name, (), body)


for _package in (tests.core, tests.db, tests.seed, tests.adversarial):
    for _info in pkgutil.iter_modules(_package.__path__):
        if _info.name.startswith("test_"):
            _module = importlib.import_module(f"{_package.__name__}.{_info.name}")
            if getattr(_module, "DATABASE_FREE", False) or getattr(
                _module, "NOT_ON_POSTGRESQL", False
            ):
                continue  # pure functions: nothing differs on PostgreSQL
            _class = _as_class(_module)
            globals()[_class.__name__] = _class
