"""Statements for the hottest path (casting a ballot), compiled once per database and run
straight on the driver's cursor.

SQLAlchemy's execution machinery costs about 40 microseconds a statement here, several times
what SQLite itself spends on an indexed lookup or a one-row INSERT; a ballot runs eight of
them. A `Prepared` statement is an ordinary SQLAlchemy Core statement, compiled by SQLAlchemy
for the connection's dialect on first use, whose parameters and results go through the same
type processors SQLAlchemy would apply (timezone-aware datetimes, booleans), but whose
execution skips the rest. It runs inside the SQLAlchemy transaction of the connection it is
given, so BEGIN, COMMIT, ROLLBACK and the pool stay SQLAlchemy's.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import IntegrityError


def _driver_connection(db: Connection) -> DBAPIConnection:
    """The DBAPI connection under `db` (None only once the connection is invalidated, which
    a connection in use is not)."""
    raw = db.connection.dbapi_connection
    assert raw is not None, "the connection has been invalidated"
    return raw


class Prepared:
    """A Core statement run on the DBAPI cursor. No expanding (IN-list) parameters."""

    def __init__(self, statement, *, name: str = "Row"):
        self.statement = statement
        self._name = name
        # (dialect name, parameter names) -> [sql, binds, fixed, order, row, readers]: a list,
        # since the readers are filled in on the first run.
        self._compiled: dict[tuple[str, tuple[str, ...]], list[Any]] = {}

    def _for(self, dialect, keys: tuple[str, ...]) -> list[Any]:
        """Compiled for this dialect and, for an INSERT or UPDATE without values of its own,
        for the columns given (every column with a default must be given a value)."""
        cache_key = (dialect.name, keys)
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            sql = self.statement.compile(dialect=dialect, column_keys=list(keys))
            # SQLAlchemy computes such defaults while executing, which is skipped here: the
            # column would go in as NULL (or fail far from the cause).
            missing = [c.key for c in (*sql.insert_prefetch, *sql.update_prefetch)]
            if missing:
                raise ValueError(
                    f"{self.statement}: give a value for {', '.join(missing)} "
                    "(a Prepared statement does not apply column defaults)"
                )
            binds = {
                key: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for key, bind in sql.binds.items()
            }
            # Values the statement carries itself (literal(), a limit): given once, here.
            fixed = {
                key: bind.effective_value for key, bind in sql.binds.items() if not bind.required
            }
            order = list(sql.positiontup) if sql.positional else None
            columns = getattr(self.statement, "selected_columns", None)
            row = (
                namedtuple(self._name, [c.key for c in columns])
                if columns is not None and len(columns)
                else None
            )
            # Result processors need the driver's type codes (PostgreSQL's numeric types):
            # made from the first result's description, see _readers.
            compiled = self._compiled[cache_key] = [str(sql), binds, fixed, order, row, None]
        return compiled

    def _readers(self, compiled: list[Any], dialect, description) -> list[Any]:
        if compiled[5] is None:
            columns = self.statement.selected_columns
            compiled[5] = [
                c.type.dialect_impl(dialect).result_processor(dialect, d[1])
                for c, d in zip(columns, description, strict=True)
            ]
        return compiled[5]

    @staticmethod
    def _args(compiled: list[Any], params: dict[str, Any]):
        """The driver's arguments for one execution: the statement's own values and the
        given ones, through their type processors, in the dialect's parameter style."""
        _sql, binds, fixed, order, _row, _readers = compiled
        given = {**fixed, **params} if fixed else params
        values = {
            key: (process(given[key]) if process else given[key]) for key, process in binds.items()
        }
        return [values[key] for key in order] if order is not None else values

    @staticmethod
    def _decoded(row, readers: list[Any], raw):
        return row(
            *(read(value) if read else value for read, value in zip(readers, raw, strict=True))
        )

    def _run(self, db: Connection, params: dict[str, Any]):
        compiled = self._for(db.dialect, tuple(sorted(params)))
        sql, row = compiled[0], compiled[4]
        args = self._args(compiled, params)
        cursor = _driver_connection(db).cursor()
        try:
            cursor.execute(sql, args)
        except db.dialect.loaded_dbapi.IntegrityError as error:
            cursor.close()  # as SQLAlchemy would say it: callers catch one exception class
            raise IntegrityError(sql, args, error) from error
        readers = self._readers(compiled, db.dialect, cursor.description) if row is not None else []
        return cursor, row, readers

    def execute(self, db: Connection, **params) -> int:
        """Run an INSERT, UPDATE or DELETE; returns the number of rows it touched."""
        cursor, _row, _readers = self._run(db, params)
        count = cursor.rowcount
        cursor.close()
        return count

    def many(self, db: Connection, rows: list[dict[str, Any]]) -> None:
        """Run an INSERT, UPDATE or DELETE once per row (the driver's executemany); every
        row names the same parameters."""
        if not rows:
            return
        compiled = self._for(db.dialect, tuple(sorted(rows[0])))
        sql, batch = compiled[0], [self._args(compiled, params) for params in rows]
        cursor = _driver_connection(db).cursor()
        try:
            cursor.executemany(sql, batch)
        except db.dialect.loaded_dbapi.IntegrityError as error:
            raise IntegrityError(sql, batch, error) from error
        finally:
            cursor.close()

    def first(self, db: Connection, **params):
        """Run a SELECT; its first row as a named tuple, or None."""
        cursor, row, readers = self._run(db, params)
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else self._decoded(row, readers, raw)

    def all(self, db: Connection, **params) -> list:
        """Run a SELECT; every row as a named tuple."""
        cursor, row, readers = self._run(db, params)
        raws = cursor.fetchall()
        cursor.close()
        return [self._decoded(row, readers, raw) for raw in raws]
