"""append-only audit log

The database itself refuses to change or remove an audit event: triggers on SQLite and
PostgreSQL abort any UPDATE or DELETE on `auditevent` (and TRUNCATE on PostgreSQL). Someone
who drops the triggers can still forge a row, but `python -m core.audit verify` finds it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 00:55:00
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

MESSAGE = "the audit log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("""CREATE TRIGGER auditevent_no_change BEFORE UPDATE OR DELETE ON auditevent
                      FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()""")
        op.execute("""CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent
                      FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER auditevent_no_{verb.lower()} BEFORE {verb} ON auditevent
                           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER auditevent_no_truncate ON auditevent")
        op.execute("DROP TRIGGER auditevent_no_change ON auditevent")
        op.execute("DROP FUNCTION auditevent_append_only()")
    else:
        op.execute("DROP TRIGGER auditevent_no_update")
        op.execute("DROP TRIGGER auditevent_no_delete")
