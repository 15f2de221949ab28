"""two voter-roll indexes every ballot paid for and no query used

`ix_voterroll_poll_id` repeats the first column of the roll's unique key (poll, resident),
which every lookup by poll already uses; `ix_voterroll_voted_at` served no query. Each was
one more B-tree page written by every vote.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:40:00
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_voterroll_poll_id', table_name='voterroll')
    op.drop_index('ix_voterroll_voted_at', table_name='voterroll')


def downgrade() -> None:
    op.create_index('ix_voterroll_voted_at', 'voterroll', ['voted_at'])
    op.create_index('ix_voterroll_poll_id', 'voterroll', ['poll_id'])
