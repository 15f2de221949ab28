"""transparency and data rights

Announcements, service levels per category for the responsibility board, and what account
deletion needs: when a user deleted their account, when a roster row was blanked, and a keyed
pseudonym of the voter on the voter roll that outlives the account.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 00:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], ),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_published_at'), ['published_at'], unique=False)

    op.create_table('servicelevel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('first_answer_days', sa.Integer(), nullable=False),
    sa.Column('completion_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'category')
    )
    with op.batch_alter_table('servicelevel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicelevel_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_servicelevel_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('voterroll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voter_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index('ix_voterroll_poll_voter_key', ['poll_id', 'voter_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('voterroll', schema=None) as batch_op:
        batch_op.drop_index('ix_voterroll_poll_voter_key')
        batch_op.drop_column('voter_key')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('servicelevel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicelevel_updated_at'))
        batch_op.drop_index(batch_op.f('ix_servicelevel_community_id'))
    op.drop_table('servicelevel')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_published_at'))
        batch_op.drop_index(batch_op.f('ix_announcement_community_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_building_id'))
    op.drop_table('announcement')
