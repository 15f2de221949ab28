"""Loading a row for a command: locked for the transaction, and only from the actor's
community (anything else is "not found", so ids of other communities reveal nothing)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, select

from core.errors import InvalidInput, NotFound
from core.principal import Principal
from core.text import is_whole_number


def community_row_for_update(s: Session, model, row_id, actor: Principal):
    """The `model` row with this id, locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers), if it belongs to the actor's community."""
    return community_row(s, model, row_id, actor, lock=s.get_bind().dialect.name == "postgresql")


def community_row(
    s: Session,
    model,
    row_id,
    actor: Principal,
    *,
    lock: bool = False,
    shared: bool = False,
    key_share: bool = False,
):
    """The `model` row with this id if it belongs to the actor's community; `lock` takes a
    row lock (`shared`: FOR SHARE, so that many readers may hold it while a writer waits;
    `key_share`: FOR NO KEY UPDATE, which rows that reference this one can still insert
    under)."""
    if not is_whole_number(row_id):
        raise NotFound("error.not_found")
    row = s.exec(_by_id(model, lock, shared, key_share), params={"row_id": row_id}).first()
    if row is None or row.community_id != actor.community_id:
        raise NotFound("error.not_found")
    return row


@cache
def _by_id(model, lock: bool, shared: bool, key_share: bool = False):
    """SELECT the `model` row WHERE id = :row_id, built once per model and lock (building
    a statement costs more than running it, in a command that does little else)."""
    query = select(model).where(model.id == bindparam("row_id"))
    return query.with_for_update(read=shared, key_share=key_share) if lock else query


def community_choice(s: Session, model, row_id, actor: Principal, *, field: str):
    """A row the actor picked from a list (a building, a proposal...): one of their own
    community's, or InvalidInput "not a choice" on `field`."""
    row = s.get(model, row_id) if is_whole_number(row_id) else None
    if row is None or row.community_id != actor.community_id:
        raise InvalidInput("field.not_a_choice", field=field)
    return row


def stored_id(row_id: int | None) -> int:
    """A stored row's id. SQLModel types every id `int | None` (None until the row is
    flushed); a row read from the database, or flushed, has one."""
    assert row_id is not None, "the row has not been flushed"
    return row_id
