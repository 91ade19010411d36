"""Marketplace indexes: CPU score by type, traffic

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.create_index('ix_servers_cpu_score', ['cpu_score_type', 'cpu_score'], unique=False)
        batch_op.create_index('ix_servers_traffic_tb', ['traffic_tb'], unique=False)
        batch_op.create_index('ix_servers_traffic_unlimited', ['traffic_unlimited'], unique=False)


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_index('ix_servers_traffic_unlimited')
        batch_op.drop_index('ix_servers_traffic_tb')
        batch_op.drop_index('ix_servers_cpu_score')
