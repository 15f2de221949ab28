"""Administration commands: users and roles, buildings, responsible actors, the alert level."""

from __future__ import annotations

import math

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from core.accounts.sessions import revoke_all_for_user
from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.permissions import require
from core.principal import Principal
from core.rows import stored_id
from core.text import clean_text, is_whole_number
from db.engine import read_session, write_session
from db.models import Actor, Building, Community, Resident, User
from db.models.community import ACTOR_KINDS
from db.models.people import ROLES, Role


class UserRow(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    building: str | None
    last_login_at: object | None


def list_users(*, actor: Principal, search: str = "", limit: int = 200) -> list[UserRow]:
    require(actor, "user.manage")
    with read_session() as s:
        query = (
            select(User, Building.code)
            .join(Resident, col(User.resident_id) == Resident.id, isouter=True)
            .join(Building, col(Resident.building_id) == Building.id, isouter=True)
            .where(User.community_id == actor.community_id)
        )
        if search:
            pattern = f"%{search.strip().casefold()}%"
            query = query.where(
                col(User.username).like(pattern)
                | col(User.display_name).like(f"%{search.strip()}%")
            )
        rows = s.exec(query.order_by(col(User.username)).limit(limit)).all()
        return [
            UserRow(
                id=stored_id(u.id),
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                active=u.active,
                building=code,
                last_login_at=u.last_login_at,
            )
            for u, code in rows
        ]


def set_role(*, actor: Principal, user_id: int, role: str) -> None:
    """Give a user another role; the last active admin cannot lose the role."""
    require(actor, "user.manage")
    if role not in ROLES:
        raise InvalidInput("field.not_a_choice", field="role")
    with write_session() as s:
        user = s.get(User, user_id)
        if user is None or user.community_id != actor.community_id:
            raise NotFound("error.not_found")
        if user.role == Role.ADMIN and role != Role.ADMIN:
            ensure_another_admin(s, user)
        old = user.role
        user.role = role
        # the new role applies from the next login
        revoke_all_for_user(s, user_id=stored_id(user.id))
        record(
            s,
            actor=actor,
            action="user.set_role",
            object_type="user",
            object_id=user.id,
            payload={"from": old, "to": role},
        )


def set_active(*, actor: Principal, user_id: int, active: bool) -> None:
    """Deactivate (no login, sessions ended) or reactivate an account."""
    require(actor, "user.manage")
    with write_session() as s:
        user = s.get(User, user_id)
        if user is None or user.community_id != actor.community_id:
            raise NotFound("error.not_found")
        if not active and user.role == Role.ADMIN:
            ensure_another_admin(s, user)
        user.active = bool(active)
        if not active:
            revoke_all_for_user(s, user_id=stored_id(user.id))
        record(
            s,
            actor=actor,
            action="user.set_active",
            object_type="user",
            object_id=user.id,
            payload={"active": bool(active)},
        )


def ensure_another_admin(s, user: User) -> None:
    """Conflict("admin.last_admin") unless another active admin would remain."""
    others = s.exec(
        select(func.count())
        .select_from(User)
        .where(
            User.role == Role.ADMIN,
            col(User.active).is_(True),
            User.id != user.id,
            User.community_id == user.community_id,
        )
    ).one()
    if others == 0:
        raise Conflict("admin.last_admin")


def add_building(*, actor: Principal, code: str, name: str) -> int:
    require(actor, "building.manage")
    code = clean_text(code, field="building_code", max_len=20)
    name = clean_text(name, field="building_name", max_len=100)
    assert actor.community_id is not None  # an admin belongs to a community
    with write_session() as s:
        exists = s.exec(
            select(Building.id).where(
                Building.community_id == actor.community_id, Building.code == code
            )
        ).first()
        if exists is not None:
            raise Conflict("building.code_taken", code=code)
        building = Building(community_id=actor.community_id, code=code, name=name)
        s.add(building)
        s.flush()
        record(
            s,
            actor=actor,
            action="building.add",
            object_type="building",
            object_id=building.id,
            payload={"code": code, "name": name},
        )
        return stored_id(building.id)


def set_dominance_alert(*, actor: Principal, share) -> None:
    """The share of a proposal's comments written by its most active tenth of commenters
    above which moderators are alerted (between 0.2 and 0.95)."""
    require(actor, "community.configure")
    if (
        isinstance(share, bool)
        or not isinstance(share, (int, float))
        or not math.isfinite(share)
        or not 0.2 <= share <= 0.95
    ):
        raise InvalidInput("admin.bad_alert_level", field="dominance_alert", low="20%", high="95%")
    with write_session() as s:
        community = s.get(Community, actor.community_id)
        if community is None:
            raise NotFound("error.not_found")
        before = community.dominance_alert
        community.dominance_alert = float(share)
        record(
            s,
            actor=actor,
            action="community.alert_level",
            object_type="community",
            object_id=community.id,
            payload={"dominance_alert": float(share), "before": before},
        )


# The smallest group an admin may let the research figures publish: below 5, a group can
# be a family (the ONS and Eurostat rules of thumb for small-area tables use 5 to 10).
MIN_DISCLOSURE_K = 5
MAX_DISCLOSURE_K = 100


def set_disclosure_k(*, actor: Principal, k: object) -> None:
    """The smallest group of persons the dashboard, its exports and the imported-log analysis
    publish for this community (a whole number from 5 to 100; 10 by default)."""
    require(actor, "community.configure")
    if not is_whole_number(k) or not MIN_DISCLOSURE_K <= k <= MAX_DISCLOSURE_K:
        raise InvalidInput(
            "admin.bad_disclosure_k",
            field="disclosure_k",
            low=MIN_DISCLOSURE_K,
            high=MAX_DISCLOSURE_K,
        )
    with write_session() as s:
        community = s.get(Community, actor.community_id)
        if community is None:
            raise NotFound("error.not_found")
        before = community.disclosure_k
        community.disclosure_k = k
        record(
            s,
            actor=actor,
            action="community.disclosure_k",
            object_type="community",
            object_id=community.id,
            payload={"disclosure_k": k, "before": before},
        )


def backups_here() -> bool:
    """Whether the admin page can make backups (SQLite; PostgreSQL uses pg_dump)."""
    from db.backup import BackupError, live_path

    try:
        live_path()
    except BackupError:
        return False
    return True


def database_backup(*, actor: Principal) -> bytes:
    """A consistent copy of the whole SQLite database, taken while the app runs, as bytes to
    download (the same copy as `make backup`); the audit log records who took it."""
    import hashlib
    import tempfile
    from pathlib import Path

    from db.backup import BackupError, backup

    require(actor, "database.backup")
    with tempfile.TemporaryDirectory(prefix="yishiting-backup-") as folder:
        try:
            path = backup(Path(folder) / "backup.db")
        except BackupError:
            raise InvalidInput("admin.backup_sqlite_only") from None
        data = path.read_bytes()
    with write_session() as s:
        record(
            s,
            actor=actor,
            action="database.backup",
            payload={"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()},
        )
    return data


def add_actor(*, actor: Principal, name: str, kind: str) -> int:
    require(actor, "actor.manage")
    name = clean_text(name, field="actor_name", max_len=100)
    if kind not in ACTOR_KINDS:
        raise InvalidInput("field.not_a_choice", field="actor_kind")
    assert actor.community_id is not None  # an admin belongs to a community
    with write_session() as s:
        exists = s.exec(
            select(Actor.id).where(Actor.community_id == actor.community_id, Actor.name == name)
        ).first()
        if exists is not None:
            raise Conflict("actor.name_taken", name=name)
        row = Actor(community_id=actor.community_id, name=name, kind=kind)
        s.add(row)
        s.flush()
        record(
            s,
            actor=actor,
            action="actor.add",
            object_type="actor",
            object_id=row.id,
            payload={"name": name, "kind": kind},
        )
        return stored_id(row.id)


def set_actor_active(*, actor: Principal, actor_id: int, active: bool) -> None:
    require(actor, "actor.manage")
    with write_session() as s:
        row = s.get(Actor, actor_id)
        if row is None or row.community_id != actor.community_id:
            raise NotFound("error.not_found")
        row.active = bool(active)
        record(
            s,
            actor=actor,
            action="actor.set_active",
            object_type="actor",
            object_id=row.id,
            payload={"active": bool(active)},
        )
