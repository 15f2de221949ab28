"""sortition invitations

A hearing's draw (pool, quotas, seed, probabilities), answers to invitations, seats taken by
invitation, and residents' consent to be invited by lot (false for everyone already there).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:15:27.781267
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hearingdraw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('seed', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('consenting_only', sa.Boolean(), nullable=False),
    sa.Column('quotas', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pool', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pool_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('strata', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('minimum_probability', sa.Float(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearing.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hearing_id')
    )
    with op.batch_alter_table('hearingdraw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearingdraw_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('hearinginvitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_hearinginvitation_answered_by_user', 'user',
                                    ['answered_by'], ['id'])

    with op.batch_alter_table('hearingregistration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_invitation', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_consent', sa.Boolean(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('invitation_consent')

    with op.batch_alter_table('hearingregistration', schema=None) as batch_op:
        batch_op.drop_column('by_invitation')

    with op.batch_alter_table('hearinginvitation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_hearinginvitation_answered_by_user', type_='foreignkey')
        batch_op.drop_column('answered_by')
        batch_op.drop_column('answered_at')

    with op.batch_alter_table('hearingdraw', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearingdraw_created_at'))

    op.drop_table('hearingdraw')
