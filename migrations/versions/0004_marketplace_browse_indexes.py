"""Marketplace browse indexes: one covering index per order, disk type bits and durations key

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The bits as services.inventory.DISK_TYPE_BITS has them at this revision.
DISK_TYPE_BITS = {'HDD': 1, 'SAS': 2, 'SSD': 4, 'NVMe': 8}

SINGLE_COLUMN_INDEXES = ('bandwidth_mbps', 'category', 'country', 'cpu_cores', 'min_price_per_day_millicents',
                         'ram_gb', 'ram_type', 'region', 'total_storage_gb')
TIE_BREAK = [sa.text('featured DESC'), 'popularity_rank', 'min_price_per_day_millicents', 'id']


def _backfill():
    bits = ' '.join(f"WHEN '{name}' THEN {bit}" for name, bit in DISK_TYPE_BITS.items())
    op.execute(
        "UPDATE servers SET disk_type_bits = (SELECT coalesce(sum(CASE disk_type "
        f"{bits} ELSE 0 END), 0) FROM server_disk_types d WHERE d.server_id = servers.id)"
    )
    if op.get_bind().dialect.name == 'postgresql':
        days = ("SELECT string_agg(p.days::text, '|' ORDER BY p.days) FROM server_prices p "
                "WHERE p.server_id = servers.id")
    else:
        days = ("SELECT group_concat(days, '|') FROM (SELECT p.days FROM server_prices p "
                "WHERE p.server_id = servers.id ORDER BY p.days)")
    op.execute(f"UPDATE servers SET durations_key = coalesce('|' || ({days}) || '|', '|')")


def upgrade():
    # NOT NULL with a default: added in place, where making a column NOT NULL afterwards would rebuild
    # the table on SQLite (which the foreign keys pointing at servers do not allow).
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disk_type_bits', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('durations_key', sa.String(length=300), server_default='', nullable=False))
    _backfill()
    with op.batch_alter_table('servers', schema=None) as batch_op:
        for column in SINGLE_COLUMN_INDEXES:
            batch_op.drop_index(f'ix_servers_{column}')
        for name in ('ix_servers_marketplace_order', 'ix_servers_cpu_score', 'ix_servers_traffic_tb',
                     'ix_servers_traffic_unlimited'):
            batch_op.drop_index(name)

    op.create_index('ix_servers_browse', 'servers', [
        *TIE_BREAK, 'reserved_until', 'country', 'region', 'category', 'cpu_cores', 'cpu_score_type', 'cpu_score',
        'ram_gb', 'ram_type', 'total_storage_gb', 'disk_type_bits', 'bandwidth_mbps', 'traffic_tb',
        'traffic_unlimited', 'durations_key',
    ])
    op.create_index('ix_servers_by_price', 'servers',
                    ['min_price_per_day_millicents', *TIE_BREAK[:2], 'id', 'reserved_until'])
    op.create_index('ix_servers_by_price_desc', 'servers',
                    [sa.text('min_price_per_day_millicents DESC'), *TIE_BREAK[:2], 'id', 'reserved_until'])
    op.create_index('ix_servers_by_cpu_score', 'servers', [sa.text('cpu_score DESC'), *TIE_BREAK, 'reserved_until'])
    op.create_index('ix_servers_by_ram', 'servers', [sa.text('ram_gb DESC'), *TIE_BREAK, 'reserved_until'])
    op.create_index('ix_servers_by_storage', 'servers',
                    [sa.text('total_storage_gb DESC'), *TIE_BREAK, 'reserved_until'])

    with op.batch_alter_table('server_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_server_prices_days_per_day')
    with op.batch_alter_table('server_disk_types', schema=None) as batch_op:
        batch_op.drop_index('ix_server_disk_types_type')


def downgrade():
    with op.batch_alter_table('server_disk_types', schema=None) as batch_op:
        batch_op.create_index('ix_server_disk_types_type', ['disk_type', 'server_id'], unique=False)
    with op.batch_alter_table('server_prices', schema=None) as batch_op:
        batch_op.create_index('ix_server_prices_days_per_day', ['days', 'price_per_day_millicents'], unique=False)
    for name in ('ix_servers_by_storage', 'ix_servers_by_ram', 'ix_servers_by_cpu_score', 'ix_servers_by_price_desc',
                 'ix_servers_by_price', 'ix_servers_browse'):
        op.drop_index(name, table_name='servers')
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_column('durations_key')
        batch_op.drop_column('disk_type_bits')
        batch_op.create_index('ix_servers_traffic_unlimited', ['traffic_unlimited'], unique=False)
        batch_op.create_index('ix_servers_traffic_tb', ['traffic_tb'], unique=False)
        batch_op.create_index('ix_servers_cpu_score', ['cpu_score_type', 'cpu_score'], unique=False)
        batch_op.create_index('ix_servers_marketplace_order',
                              ['featured', 'popularity_rank', 'min_price_per_day_millicents'], unique=False)
        for column in SINGLE_COLUMN_INDEXES:
            batch_op.create_index(f'ix_servers_{column}', [column], unique=False)
