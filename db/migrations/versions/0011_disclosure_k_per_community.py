"""the smallest group research figures publish is the community's setting, not the viewer's

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:10:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'community',
        sa.Column('disclosure_k', sa.Integer(), nullable=False, server_default='10'),
    )


def downgrade() -> None:
    with op.batch_alter_table('community') as batch:
        batch.drop_column('disclosure_k')
