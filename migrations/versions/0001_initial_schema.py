"""Initial schema: users, tokens, pools, memberships, servers, rentals, transactions

Revision ID: 0001
Revises:
Create Date: 2026-11-26 22:55:15.022234

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('servers',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('datacenter', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('is_vm', sa.Boolean(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('popularity_rank', sa.Integer(), nullable=False),
    sa.Column('setup_time_minutes', sa.Integer(), nullable=False),
    sa.Column('cpu_model', sa.String(length=200), nullable=False),
    sa.Column('cpu_cores', sa.Integer(), nullable=False),
    sa.Column('cpu_threads', sa.Integer(), nullable=False),
    sa.Column('cpu_score', sa.Integer(), nullable=False),
    sa.Column('cpu_score_type', sa.String(length=32), nullable=False),
    sa.Column('ram_gb', sa.Integer(), nullable=False),
    sa.Column('ram_type', sa.String(length=16), nullable=False),
    sa.Column('ram_speed_mhz', sa.Integer(), nullable=False),
    sa.Column('disks', sa.JSON(), nullable=False),
    sa.Column('total_storage_gb', sa.BigInteger(), nullable=False),
    sa.Column('disk_summary', sa.String(length=300), nullable=False),
    sa.Column('bandwidth_mbps', sa.Integer(), nullable=False),
    sa.Column('traffic_tb', sa.Float(), nullable=True),
    sa.Column('traffic_unlimited', sa.Boolean(), nullable=False),
    sa.Column('ipv4_count', sa.Integer(), nullable=False),
    sa.Column('ipv6_enabled', sa.Boolean(), nullable=False),
    sa.Column('min_price_per_day_millicents', sa.BigInteger(), nullable=False),
    sa.Column('reserved_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servers_bandwidth_mbps'), ['bandwidth_mbps'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_cpu_cores'), ['cpu_cores'], unique=False)
        batch_op.create_index('ix_servers_marketplace_order', ['featured', 'popularity_rank', 'min_price_per_day_millicents'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_min_price_per_day_millicents'), ['min_price_per_day_millicents'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_ram_gb'), ['ram_gb'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_ram_type'), ['ram_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_reserved_until'), ['reserved_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_servers_total_storage_gb'), ['total_storage_gb'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('alias', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('balance_cents >= 0', name='ck_users_balance_not_negative'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.create_table('api_tokens',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('endpoint', sa.String(length=200), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_user_key')
    )
    op.create_table('pools',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('owner_id', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_id', 'name', name='uq_pools_owner_name')
    )
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.create_index('uq_pools_one_default_per_owner', ['owner_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('server_disk_types',
    sa.Column('server_id', sa.String(length=24), nullable=False),
    sa.Column('disk_type', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('server_id', 'disk_type')
    )
    with op.batch_alter_table('server_disk_types', schema=None) as batch_op:
        batch_op.create_index('ix_server_disk_types_type', ['disk_type', 'server_id'], unique=False)

    op.create_table('server_prices',
    sa.Column('server_id', sa.String(length=24), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.BigInteger(), nullable=False),
    sa.Column('price_per_day_millicents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('server_id', 'days')
    )
    with op.batch_alter_table('server_prices', schema=None) as batch_op:
        batch_op.create_index('ix_server_prices_days_per_day', ['days', 'price_per_day_millicents'], unique=False)

    op.create_table('pool_memberships',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('pool_id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('is_authorized', sa.Boolean(), nullable=False),
    sa.Column('invited_by_id', sa.String(length=24), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('owner', 'admin', 'user')", name='ck_memberships_role'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pool_id', 'user_id', name='uq_memberships_pool_user')
    )
    with op.batch_alter_table('pool_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_user_authorized', ['user_id', 'is_authorized'], unique=False)

    op.create_table('rentals',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('server_id', sa.String(length=24), nullable=False),
    sa.Column('pool_id', sa.String(length=24), nullable=False),
    sa.Column('rental_start', sa.DateTime(), nullable=False),
    sa.Column('rental_end', sa.DateTime(), nullable=False),
    sa.Column('hold_days', sa.Integer(), nullable=False),
    sa.Column('hold_until', sa.DateTime(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name='ck_rentals_amount_not_negative'),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], ),
    sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.create_index('ix_rentals_pool_hold', ['pool_id', 'hold_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_rentals_server_id'), ['server_id'], unique=False)
        batch_op.create_index('ix_rentals_user_hold', ['user_id', 'hold_until'], unique=False)

    op.create_table('transactions',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rental_id', sa.String(length=24), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("type IN ('credit', 'rental', 'extension')", name='ck_transactions_type'),
    sa.CheckConstraint('amount_cents > 0', name='ck_transactions_amount_positive'),
    sa.ForeignKeyConstraint(['rental_id'], ['rentals.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transactions_rental_id'), ['rental_id'], unique=False)
        batch_op.create_index('ix_transactions_user_created', ['user_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_user_created')
        batch_op.drop_index(batch_op.f('ix_transactions_rental_id'))

    op.drop_table('transactions')
    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.drop_index('ix_rentals_user_hold')
        batch_op.drop_index(batch_op.f('ix_rentals_server_id'))
        batch_op.drop_index('ix_rentals_pool_hold')

    op.drop_table('rentals')
    with op.batch_alter_table('pool_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_user_authorized')

    op.drop_table('pool_memberships')
    with op.batch_alter_table('server_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_server_prices_days_per_day')

    op.drop_table('server_prices')
    with op.batch_alter_table('server_disk_types', schema=None) as batch_op:
        batch_op.drop_index('ix_server_disk_types_type')

    op.drop_table('server_disk_types')
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.drop_index('uq_pools_one_default_per_owner', sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.drop_table('pools')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_index('uq_users_username_lower', table_name='users')
    op.drop_table('users')
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servers_total_storage_gb'))
        batch_op.drop_index(batch_op.f('ix_servers_reserved_until'))
        batch_op.drop_index(batch_op.f('ix_servers_region'))
        batch_op.drop_index(batch_op.f('ix_servers_ram_type'))
        batch_op.drop_index(batch_op.f('ix_servers_ram_gb'))
        batch_op.drop_index(batch_op.f('ix_servers_min_price_per_day_millicents'))
        batch_op.drop_index('ix_servers_marketplace_order')
        batch_op.drop_index(batch_op.f('ix_servers_cpu_cores'))
        batch_op.drop_index(batch_op.f('ix_servers_country'))
        batch_op.drop_index(batch_op.f('ix_servers_category'))
        batch_op.drop_index(batch_op.f('ix_servers_bandwidth_mbps'))

    op.drop_table('servers')
