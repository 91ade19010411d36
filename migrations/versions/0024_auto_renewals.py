"""Auto-renewals: a rental's standing order to extend itself, with when it is next tried

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'auto_renewals',
        sa.Column('id', sa.String(length=24), nullable=False),
        sa.Column('rental_id', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.String(length=24), nullable=False),
        sa.Column('additional_days', sa.Integer(), nullable=False),
        sa.Column('max_charge_cents', sa.BigInteger(), nullable=False),
        sa.Column('pay_from', sa.String(length=8), server_default='self', nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_result', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('additional_days > 0', name='ck_auto_renewals_days_positive'),
        sa.CheckConstraint('max_charge_cents >= 0', name='ck_auto_renewals_ceiling_not_negative'),
        sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rental_id'),
    )
    op.create_index('ix_auto_renewals_next_attempt', 'auto_renewals', ['next_attempt_at'], unique=False,
                    sqlite_where=sa.text('next_attempt_at IS NOT NULL'),
                    postgresql_where=sa.text('next_attempt_at IS NOT NULL'))
    op.create_index('ix_auto_renewals_user', 'auto_renewals', ['user_id'], unique=False)


def downgrade():
    op.drop_index('ix_auto_renewals_user', table_name='auto_renewals')
    op.drop_index('ix_auto_renewals_next_attempt', table_name='auto_renewals')
    op.drop_table('auto_renewals')
