"""Errors a user can cause. Each carries a message key for t() and its parameters.

Commands raise these before writing anything (or inside the transaction, which then rolls
back), so an error always means nothing was written.
"""


class DomainError(Exception):
    """Base class: `key` names a catalogue message, `params` fill its placeholders."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class InvalidInput(DomainError):
    """A field's value is not acceptable; `field` names it when there is one."""

    def __init__(self, key: str, *, field: str | None = None, **params: object):
        super().__init__(key, **params)
        self.field = field


class PermissionDenied(DomainError):
    def __init__(self, action: str):
        super().__init__("error.permission_denied", action=action)
        self.action = action


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class RowErrors(DomainError):
    """Several rows of an import are bad; `rows` lists (line number, DomainError)."""

    def __init__(self, rows: list[tuple[int, DomainError]], *, total: int | None = None):
        total = len(rows) if total is None else total
        super().__init__("import.rows_rejected", count=total)
        self.rows = rows
        self.total = total
