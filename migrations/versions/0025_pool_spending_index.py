"""A pool's spending in a month is read from its wallet index alone: the index carries who moved the money,
the kind and the amount

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 12:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

POOL_ONLY = sa.text('pool_id IS NOT NULL')


def upgrade():
    op.drop_index('ix_transactions_pool_created', table_name='transactions')
    op.create_index('ix_transactions_pool_created', 'transactions',
                    ['pool_id', 'created_at', 'user_id', 'type', 'amount_cents'],
                    sqlite_where=POOL_ONLY, postgresql_where=POOL_ONLY)


def downgrade():
    op.drop_index('ix_transactions_pool_created', table_name='transactions')
    op.create_index('ix_transactions_pool_created', 'transactions', ['pool_id', 'created_at'],
                    sqlite_where=POOL_ONLY, postgresql_where=POOL_ONLY)
