"""proposal clock and comment depth

Existing comments get their depth from their chain of parents, and existing proposals start
their response clock when their actor was assigned.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:46:24.024246
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('depth', sa.Integer(), nullable=False,
                                      server_default='0'))

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('proposalstatuschange', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_proposalstatuschange_actor_id_actor', 'actor',
                                    ['actor_id'], ['id'])

    op.execute("""
        WITH RECURSIVE tree(id, depth) AS (
            SELECT id, 0 FROM comment WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, tree.depth + 1 FROM comment c JOIN tree ON c.parent_id = tree.id
        )
        UPDATE comment SET depth = (SELECT depth FROM tree WHERE tree.id = comment.id)
        WHERE parent_id IS NOT NULL
    """)
    op.execute("UPDATE proposal SET clock_started_at = assigned_at WHERE assigned_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('proposalstatuschange', schema=None) as batch_op:
        batch_op.drop_constraint('fk_proposalstatuschange_actor_id_actor', type_='foreignkey')
        batch_op.drop_column('actor_id')

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('clock_started_at')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('depth')
