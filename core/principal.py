"""Who is acting: plain data built from the session, passed to every command."""

from dataclasses import dataclass
from datetime import datetime

from db.models.people import Role


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    role: str  # a Role
    community_id: int | None = None
    resident_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    locale: str = "zh-CN"
    session_id: str | None = None
    blocked_until: datetime | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Principal(user_id=None, role=Role.ANONYMOUS)
SYSTEM = Principal(user_id=None, role=Role.SYSTEM)
