"""secret ballots mixed apart from the roll; accounts confirmed by their roster row

A table of pending secret ballots (core/voting/mixing.py moves them into `ballot` in batches,
in separate transactions). The ballots already stored for secret polls are rewritten in random
order with new keys, in this one transaction: before, each was written in the same transaction
as its voter's roll entry (on PostgreSQL they shared `xmin`). Self-registered residents that
a moderator had confirmed without linking them to a roster row go back to the confirmation
queue: from now on confirming means choosing their roster row, so that one person is one
roster row and votes once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:40:00
"""
import secrets

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pendingballot',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column('receipt_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('replaces', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('receipt_hash'),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('pendingballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pendingballot_poll_id'), ['poll_id'], unique=False)

    bind = op.get_bind()
    shuffle = secrets.SystemRandom().shuffle
    secret_polls = [row[0] for row in bind.execute(sa.text(
        "SELECT id FROM poll WHERE secret = :yes"), {"yes": True})]
    for poll_id in secret_polls:
        rows = [dict(r._mapping) for r in bind.execute(sa.text(
            "SELECT poll_id, choice, receipt_hash FROM ballot WHERE poll_id = :p"),
            {"p": poll_id})]
        if not rows:
            continue
        bind.execute(sa.text("DELETE FROM ballot WHERE poll_id = :p"), {"p": poll_id})
        shuffle(rows)
        for row in rows:
            row["id"] = secrets.token_hex(16)
        bind.execute(sa.text("INSERT INTO ballot (id, poll_id, choice, receipt_hash) "
                             "VALUES (:id, :poll_id, :choice, :receipt_hash)"), rows)
    bind.execute(sa.text("UPDATE resident SET verified_at = NULL "
                         "WHERE source = 'self_registered' AND verified_at IS NOT NULL"))


def downgrade() -> None:
    # Pending ballots are counted votes: the older schema keeps them in `ballot`.
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO ballot (id, poll_id, choice, receipt_hash) "
                         "SELECT id, poll_id, choice, receipt_hash FROM pendingballot "
                         "WHERE replaces = :no"), {"no": False})
    bind.execute(sa.text("UPDATE ballot SET choice = (SELECT p.choice FROM pendingballot p "
                         "WHERE p.receipt_hash = ballot.receipt_hash AND p.replaces = :yes) "
                         "WHERE receipt_hash IN (SELECT receipt_hash FROM pendingballot "
                         "WHERE replaces = :yes)"), {"yes": True})
    with op.batch_alter_table('pendingballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pendingballot_poll_id'))
    op.drop_table('pendingballot')
