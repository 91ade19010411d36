"""A user's notifications newest first read from an index: the list pages through it instead of sorting

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_notifications_user_created', 'notifications', ['user_id', 'created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_notifications_user_created', table_name='notifications')
