"""Users get an email address, notification preferences and a low-balance threshold; the addresses they log in from

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
        # NOT NULL with a default: added in place, where SQLite would otherwise rebuild the table
        # (and a rebuild loses the expression index on usernames, which reflection cannot read).
        batch_op.add_column(sa.Column('notification_preferences', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('low_balance_threshold_cents', sa.BigInteger(), nullable=True))
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)
    op.create_table('user_login_addresses',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'ip', name='uq_user_login_addresses_user_ip')
    )


def downgrade():
    op.drop_table('user_login_addresses')
    op.drop_index('uq_users_email_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('low_balance_threshold_cents')
        batch_op.drop_column('notification_preferences')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('email')
