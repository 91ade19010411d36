"""API tokens say how they were made: named on the tokens page, or by an API login

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # NOT NULL with a default: added in place (see 0004 for why not afterwards on SQLite).
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='named', nullable=False))
    # Before this revision the API login named each token it made "API login"; that name is the best
    # evidence left of which tokens came from a login.
    op.execute("UPDATE api_tokens SET kind = 'login' WHERE name = 'API login'")


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('kind')
