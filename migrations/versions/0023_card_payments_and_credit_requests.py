"""Card payments (Stripe Checkout) and credit requests: the two ways money comes into a wallet from outside

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'card_payments',
        sa.Column('id', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.String(length=24), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
        sa.Column('checkout_url', sa.Text(), nullable=True),
        sa.Column('transaction_id', sa.String(length=24), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('completed_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('amount_cents > 0', name='ck_card_payments_amount_positive'),
        sa.CheckConstraint("status IN ('pending', 'completed', 'expired', 'failed')", name='ck_card_payments_status'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('checkout_session_id'),
        sa.UniqueConstraint('transaction_id'),
    )
    op.create_index('ix_card_payments_user_created', 'card_payments', ['user_id', 'created_at'], unique=False)
    op.create_table(
        'credit_requests',
        sa.Column('id', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.String(length=24), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.String(length=24), nullable=True),
        sa.Column('transaction_id', sa.String(length=24), nullable=True),
        sa.CheckConstraint('amount_cents > 0', name='ck_credit_requests_amount_positive'),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_credit_requests_status'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('transaction_id'),
    )
    op.create_index('ix_credit_requests_user_created', 'credit_requests', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_credit_requests_status_created', 'credit_requests', ['status', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_credit_requests_status_created', table_name='credit_requests')
    op.drop_index('ix_credit_requests_user_created', table_name='credit_requests')
    op.drop_table('credit_requests')
    op.drop_index('ix_card_payments_user_created', table_name='card_payments')
    op.drop_table('card_payments')
