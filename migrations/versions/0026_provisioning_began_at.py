"""A setup keeps when it began (the renting, or the report that began a re-install), so an overdue
setup is described by its own timing rather than by the timeout setting of the day

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('rentals', sa.Column('provisioning_began_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('rentals', 'provisioning_began_at')
