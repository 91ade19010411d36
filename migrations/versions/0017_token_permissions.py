"""API tokens get permissions, allowed addresses, an on/off switch and where they were last used

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Plain added columns (no batch, nothing rebuilt). A NULL permissions column is full access, which
    # is what every token had before.
    op.add_column('api_tokens', sa.Column('permissions', sa.JSON(), nullable=True))
    op.add_column('api_tokens', sa.Column('ip_whitelist', sa.JSON(), nullable=True))
    op.add_column('api_tokens', sa.Column('is_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('api_tokens', sa.Column('last_used_ip', sa.String(length=45), nullable=True))
    op.add_column('api_tokens', sa.Column('updated_at', sa.DateTime(), nullable=True))


def downgrade():
    for column in ('updated_at', 'last_used_ip', 'is_enabled', 'ip_whitelist', 'permissions'):
        op.drop_column('api_tokens', column)
