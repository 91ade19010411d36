"""Spend requests: a member's charge to a pool's wallet above its approval threshold, waiting for the owner or an
admin

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spend_requests',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('pool_id', sa.String(length=24), nullable=False),
    sa.Column('requested_by_id', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('server_id', sa.String(length=24), nullable=False),
    sa.Column('rental_id', sa.String(length=24), nullable=True),
    sa.Column('expected_rental_end', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('decided_by_id', sa.String(length=24), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('rent', 'extend')", name='ck_spend_requests_kind'),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'expired', 'failed')",
                       name='ck_spend_requests_status'),
    sa.CheckConstraint('amount_cents > 0', name='ck_spend_requests_amount_positive'),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_spend_requests_pool_created', 'spend_requests', ['pool_id', 'created_at'])
    op.create_index('ix_spend_requests_status_expires', 'spend_requests', ['status', 'expires_at'])


def downgrade():
    op.drop_index('ix_spend_requests_status_expires', table_name='spend_requests')
    op.drop_index('ix_spend_requests_pool_created', table_name='spend_requests')
    op.drop_table('spend_requests')
