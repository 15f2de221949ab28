"""voting integrity

Ballots carry the SHA-256 of their receipt code and, on SQLite, move to a WITHOUT ROWID table
(stored in random-key order). The voter roll loses its receipt column (nothing on the roll may
point at a ballot) and gains the hash of the submission, so a repeated submission is not
counted twice. Polls freeze their tally at close; majority options get their yes/no/abstain
code (existing majority polls list them in that order); activation codes verify residents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:01:42.242871
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activationcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.ForeignKeyConstraint(['issued_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['used_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('activationcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activationcode_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activationcode_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activationcode_resident_id'), ['resident_id'], unique=False)

    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('ballot', schema=None, recreate='always' if sqlite else 'auto',
                              table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.add_column(sa.Column('receipt_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_ballot_receipt_hash', ['receipt_hash'])

    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_change', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('knapsack', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('eligible', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tally', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('tally_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))

    with op.batch_alter_table('polloption', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))

    with op.batch_alter_table('voterroll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_column('receipt_hash')

    op.execute("""
        UPDATE polloption SET code = CASE position WHEN 0 THEN 'yes' WHEN 1 THEN 'no'
                                                   ELSE 'abstain' END
        WHERE poll_id IN (SELECT id FROM poll WHERE method = 'majority')
    """)



def downgrade() -> None:
    with op.batch_alter_table('voterroll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_hash', sa.VARCHAR(length=64), nullable=True))
        batch_op.drop_column('submission_hash')

    with op.batch_alter_table('polloption', schema=None) as batch_op:
        batch_op.drop_column('code')

    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('tally_hash')
        batch_op.drop_column('tally')
        batch_op.drop_column('eligible')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('knapsack')
        batch_op.drop_column('allow_change')

    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('ballot', schema=None, recreate='always' if sqlite else 'auto',
                              table_kwargs={'sqlite_with_rowid': True}) as batch_op:
        batch_op.drop_constraint('uq_ballot_receipt_hash', type_='unique')
        batch_op.drop_column('receipt_hash')

    with op.batch_alter_table('activationcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activationcode_resident_id'))
        batch_op.drop_index(batch_op.f('ix_activationcode_issued_at'))
        batch_op.drop_index(batch_op.f('ix_activationcode_community_id'))

    op.drop_table('activationcode')
