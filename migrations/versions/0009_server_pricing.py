"""Servers keep their browse object's pricing (prices in dollars and their tiers), written with the prices

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:00:00.000000

"""
from itertools import groupby

from alembic import op
import sqlalchemy as sa

# The column holds what the app shows, so the backfill computes it with the app's own formatting.
from services.inventory.display import pricing


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BACKFILL_CHUNK = 5000


def _backfill():
    connection = op.get_bind()
    prices = connection.execute(sa.text(
        'SELECT server_id, days, price_cents FROM server_prices ORDER BY server_id, days')).all()
    update = sa.text('UPDATE servers SET pricing = :pricing WHERE id = :id').bindparams(
        sa.bindparam('pricing', type_=sa.JSON()))
    values = []
    for server_id, rows in groupby(prices, key=lambda row: row[0]):
        values.append({'id': server_id, 'pricing': pricing({days: cents for _, days, cents in rows})})
        if len(values) == BACKFILL_CHUNK:
            connection.execute(update, values)
            values = []
    if values:
        connection.execute(update, values)
    # A server without prices (none is stored so, but the column must not be left empty).
    connection.execute(sa.text('UPDATE servers SET pricing = :empty WHERE pricing IS NULL').bindparams(
        sa.bindparam('empty', type_=sa.JSON())), {'empty': pricing({})})


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pricing', sa.JSON(), nullable=True))
    _backfill()


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_column('pricing')
