"""Shared column helpers for the SQLModel tables.

Timestamps are timezone-aware UTC datetimes (SQLModel's UTCDateTime stores them as UTC on
both databases and returns them aware). Display code converts to the community's time zone.
"""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlmodel import Field


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, nullable=False, index=True)


def fk(
    target: str,
    *,
    nullable: bool = False,
    index: bool = True,
    unique: bool = False,
    ondelete: Literal["CASCADE", "SET NULL", "RESTRICT"] | None = None,
) -> Any:
    """A foreign key column; `ondelete` only where deleting the parent must cascade."""
    return Field(
        default=None if nullable else ...,
        foreign_key=target,
        nullable=nullable,
        index=index,
        unique=unique,
        # Unset and None both mean no ON DELETE clause; SQLModel's signature takes the former.
        ondelete=PydanticUndefined if ondelete is None else ondelete,
    )


def table_of(model: type) -> Table:
    """The Table of a SQLModel table class. (SQLModel's table classes have a __table__ but do
    not declare it to type checkers, and declare __tablename__ as possibly a function: the
    Table's name is the table's name.)"""
    return model.__table__  # type: ignore[attr-defined]
