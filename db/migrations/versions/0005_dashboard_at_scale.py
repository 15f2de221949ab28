"""dashboard at scale

Participation events get two covering indexes (per-resident counts in resident order; trends
as time ranges of one kind) and one for a single hearing, poll or proposal, replacing the
narrower community/kind/time index. Residents get `updated_at`, so the dashboard's cached
roster knows when it is stale; existing rows start from their creation time. Imported
activity logs are kept as datasets (the CSV gzip-compressed) for later analysis. Communities
get the level of the "a few dominate the discussion" alert (0.5 until an admin changes it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 23:59:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('externaldataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('columns', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'sha256')
    )
    with op.batch_alter_table('externaldataset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_externaldataset_community_id'), ['community_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_externaldataset_uploaded_at'), ['uploaded_at'],
                              unique=False)

    with op.batch_alter_table('participationevent', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_community_kind_at')
        batch_op.create_index('ix_participation_per_resident',
                              ['community_id', 'resident_id', 'kind', 'channel', 'at', 'amount'],
                              unique=False)
        batch_op.create_index('ix_participation_kind_time',
                              ['community_id', 'kind', 'at', 'resident_id', 'channel', 'amount'],
                              unique=False)
        batch_op.create_index('ix_participation_object', ['object_type', 'object_id'],
                              unique=False)

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dominance_alert', sa.Float(), server_default='0.5',
                                      nullable=False))

    op.add_column('resident', sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                        nullable=True))
    op.execute("UPDATE resident SET updated_at = created_at")
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
                              nullable=False)
        batch_op.create_index('ix_resident_community_updated', ['community_id', 'updated_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('externaldataset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_externaldataset_uploaded_at'))
        batch_op.drop_index(batch_op.f('ix_externaldataset_community_id'))
    op.drop_table('externaldataset')

    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_community_updated')
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_column('dominance_alert')

    with op.batch_alter_table('participationevent', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_object')
        batch_op.drop_index('ix_participation_kind_time')
        batch_op.drop_index('ix_participation_per_resident')
        batch_op.create_index('ix_participation_community_kind_at',
                              ['community_id', 'kind', 'at'], unique=False)
