"""Indexes that find the low balances: rentals by their end, transactions by their time, users under their own threshold

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_rentals_end_user', 'rentals', ['rental_end', 'user_id'], unique=False)
    op.create_index('ix_transactions_created_user', 'transactions', ['created_at', 'user_id'], unique=False)
    # Created in place (no batch): on SQLite a batch operation would rebuild the users table.
    op.create_index('ix_users_under_threshold', 'users', [sa.text('(balance_cents - low_balance_threshold_cents)')],
                    unique=False, sqlite_where=sa.text('low_balance_threshold_cents IS NOT NULL'),
                    postgresql_where=sa.text('low_balance_threshold_cents IS NOT NULL'))


def downgrade():
    op.drop_index('ix_users_under_threshold', table_name='users')
    op.drop_index('ix_transactions_created_user', table_name='transactions')
    op.drop_index('ix_rentals_end_user', table_name='rentals')
