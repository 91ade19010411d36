"""Rentals carry the state of their server's setup (pending, provisioning, ready, failed), its message and
access details, and when a setup not yet ready is to be flagged to administrators

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Plain added columns: SQLite and PostgreSQL both take them without rebuilding the table.
    op.add_column('rentals', sa.Column('provisioning_status', sa.String(length=16), nullable=False,
                                       server_default='pending'))
    op.add_column('rentals', sa.Column('provisioning_message', sa.String(length=1000), nullable=True))
    op.add_column('rentals', sa.Column('provisioning_access', sa.JSON(), nullable=True))
    op.add_column('rentals', sa.Column('provisioning_updated_at', sa.DateTime(), nullable=True))
    op.add_column('rentals', sa.Column('provisioning_due_at', sa.DateTime(), nullable=True))
    # Rentals made before setups were reported were handed over as they were: they count as ready,
    # and none of them is ever flagged as overdue.
    op.execute("UPDATE rentals SET provisioning_status = 'ready'")
    op.create_index('ix_rentals_provisioning_due', 'rentals', ['provisioning_due_at'], unique=False,
                    sqlite_where=sa.text('provisioning_due_at IS NOT NULL'),
                    postgresql_where=sa.text('provisioning_due_at IS NOT NULL'))


def downgrade():
    op.drop_index('ix_rentals_provisioning_due', table_name='rentals')
    for column in ('provisioning_due_at', 'provisioning_updated_at', 'provisioning_access', 'provisioning_message',
                   'provisioning_status'):
        op.drop_column('rentals', column)
