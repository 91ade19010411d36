"""Audit trail of security-relevant events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.String(length=24), nullable=True),
    sa.Column('actor_username', sa.String(length=100), nullable=True),
    sa.Column('pool_id', sa.String(length=24), nullable=True),
    sa.Column('target_type', sa.String(length=24), nullable=True),
    sa.Column('target_id', sa.String(length=24), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_pool_time', ['pool_id', 'created_at'], unique=False)
        batch_op.create_index('ix_audit_events_actor_time', ['actor_id', 'created_at'], unique=False)


def downgrade():
    op.drop_table('audit_events')
