"""Pools get a wallet and a budget; transactions say whose wallet moved (a user's, or a pool's) and gain the kinds
of movement team billing and card top-ups need

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

OLD_TYPES = "type IN ('credit', 'rental', 'extension')"
NEW_TYPES = ("type IN ('credit', 'top_up', 'refund', 'transfer_in', 'transfer_out', 'rental', 'extension')")

BUDGET_COLUMNS = ('monthly_limit_cents', 'member_monthly_limit_cents', 'approval_threshold_cents')


def _transactions(types: str, with_pool: bool) -> sa.Table:
    """The transactions table as it stands, for SQLite's copy-and-rename (it cannot alter a CHECK)."""
    columns = [
        sa.Column('id', sa.String(length=24), primary_key=True),
        sa.Column('user_id', sa.String(length=24), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('rental_id', sa.String(length=24), sa.ForeignKey('rentals.id'), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    ]
    if with_pool:
        columns.append(sa.Column('pool_id', sa.String(length=24), nullable=True))
    return sa.Table(
        'transactions', sa.MetaData(), *columns,
        sa.CheckConstraint(types, name='ck_transactions_type'),
        sa.CheckConstraint('amount_cents > 0', name='ck_transactions_amount_positive'),
        sa.Index('ix_transactions_user_created', 'user_id', 'created_at'),
        sa.Index('ix_transactions_created_user', 'created_at', 'user_id'),
        sa.Index('ix_transactions_rental_id', 'rental_id'),
    )


def upgrade():
    # A plain added column with its own CHECK: SQLite and PostgreSQL both take it without a rebuild.
    op.execute("ALTER TABLE pools ADD COLUMN balance_cents BIGINT DEFAULT 0 NOT NULL "
               "CONSTRAINT ck_pools_balance_not_negative CHECK (balance_cents >= 0)")
    for column in BUDGET_COLUMNS:
        op.add_column('pools', sa.Column(column, sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('transactions', copy_from=_transactions(OLD_TYPES, False),
                                  recreate='always') as batch_op:
            batch_op.drop_constraint('ck_transactions_type', type_='check')
            batch_op.create_check_constraint('ck_transactions_type', sa.text(NEW_TYPES))
            batch_op.add_column(sa.Column('pool_id', sa.String(length=24), nullable=True))
    else:
        op.drop_constraint('ck_transactions_type', 'transactions', type_='check')
        op.create_check_constraint('ck_transactions_type', 'transactions', sa.text(NEW_TYPES))
        op.add_column('transactions', sa.Column('pool_id', sa.String(length=24), nullable=True))
    # A pool's wallet history, and its spending in a month: one range of this index.
    op.create_index('ix_transactions_pool_created', 'transactions', ['pool_id', 'created_at'],
                    sqlite_where=sa.text('pool_id IS NOT NULL'), postgresql_where=sa.text('pool_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_transactions_pool_created', table_name='transactions')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('transactions', copy_from=_transactions(NEW_TYPES, True),
                                  recreate='always') as batch_op:
            batch_op.drop_column('pool_id')
            batch_op.drop_constraint('ck_transactions_type', type_='check')
            batch_op.create_check_constraint('ck_transactions_type', sa.text(OLD_TYPES))
    else:
        op.drop_column('transactions', 'pool_id')
        op.drop_constraint('ck_transactions_type', 'transactions', type_='check')
        op.create_check_constraint('ck_transactions_type', 'transactions', sa.text(OLD_TYPES))
    with op.batch_alter_table('pools') as batch_op:
        for column in ('balance_cents', *BUDGET_COLUMNS):
            batch_op.drop_column(column)
