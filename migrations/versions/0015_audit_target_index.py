"""An index that finds the audit events about one user (the failed logins of their security history)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_target_time', 'audit_events', ['target_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_target_time', table_name='audit_events')
