"""Invitations expire; a pool's owner can offer the pool to a member

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 10:00:00.000000

"""
import os
from datetime import datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _ttl() -> timedelta:
    # The app's own setting (the app checked it before migrating); the default when run alone.
    try:
        return timedelta(days=float(os.environ.get('INVITATION_TTL_DAYS', '7')))
    except ValueError:
        return timedelta(days=7)


def upgrade():
    # Added in place (no batch): a nullable column needs no rebuild of the table.
    op.add_column('pool_memberships', sa.Column('expires_at', sa.DateTime(), nullable=True))
    connection = op.get_bind()
    pending = connection.execute(sa.text(
        'SELECT id, invited_at FROM pool_memberships WHERE is_authorized = :no'), {'no': False}).all()
    ttl = _ttl()
    if pending:
        # Invitations sent before they could expire get the time every invitation gets from its sending.
        connection.execute(sa.text('UPDATE pool_memberships SET expires_at = :expires_at WHERE id = :id'),
                           [{'id': row.id, 'expires_at': _naive(row.invited_at) + ttl} for row in pending])
    op.create_table('pool_transfer_offers',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('pool_id', sa.String(length=24), nullable=False),
    sa.Column('from_user_id', sa.String(length=24), nullable=False),
    sa.Column('to_user_id', sa.String(length=24), nullable=False),
    sa.Column('offered_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pool_id', name='uq_transfer_offers_pool')
    )
    op.create_index('ix_transfer_offers_to_user', 'pool_transfer_offers', ['to_user_id'], unique=False)


def _naive(value):
    """A stored time as the naive UTC datetime the column holds (SQLite hands back text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None)


def downgrade():
    op.drop_index('ix_transfer_offers_to_user', table_name='pool_transfer_offers')
    op.drop_table('pool_transfer_offers')
    with op.batch_alter_table('pool_memberships', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
