"""Every transaction gets an invoice (a credit note for money in), numbered without gaps per calendar year;
the transactions made before are given theirs in the order they were made

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 12:10:00.000000

"""
import os
import secrets
from datetime import datetime, timezone
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

MONEY_IN = ('credit', 'top_up', 'refund', 'transfer_in')
LABELS = {'credit': 'Credit', 'top_up': 'Top-up', 'refund': 'Refund', 'transfer_in': 'Transfer into the wallet',
          'transfer_out': 'Transfer out of the wallet'}
BATCH = 1000
DATES = ('created_at', 'rental_start', 'rental_end')


def upgrade():
    invoices = op.create_table(
        'invoices',
        sa.Column('id', sa.String(length=24), nullable=False),
        sa.Column('transaction_id', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.String(length=24), nullable=False),
        sa.Column('pool_id', sa.String(length=24), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=32), nullable=True),
        sa.Column('issue_date', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('issuer_name', sa.String(length=200), nullable=False),
        sa.Column('issuer_address', sa.String(length=500), nullable=False),
        sa.Column('issuer_tax_id', sa.String(length=100), nullable=False),
        sa.Column('issuer_email', sa.String(length=254), nullable=False),
        sa.Column('customer_username', sa.String(length=100), nullable=False),
        sa.Column('customer_alias', sa.String(length=200), nullable=False),
        sa.Column('customer_email', sa.String(length=254), nullable=True),
        sa.Column('pool_name', sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('paid', 'credit')", name='ck_invoices_status'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number', name='uq_invoices_number'),
        sa.UniqueConstraint('transaction_id', name='uq_invoices_transaction_id'),
        sa.UniqueConstraint('year', 'sequence', name='uq_invoices_year_sequence'),
    )
    op.create_index('ix_invoices_user_created', 'invoices', ['user_id', 'created_at'])
    op.create_index('ix_invoices_pool_created', 'invoices', ['pool_id', 'created_at'],
                    sqlite_where=sa.text('pool_id IS NOT NULL'), postgresql_where=sa.text('pool_id IS NOT NULL'))
    counters = op.create_table(
        'invoice_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )
    _backfill(invoices, counters)


def _issuer() -> dict:
    # The settings as the app reads them (core.config.invoice_issuer), read here so the migration stands alone.
    return {
        'issuer_name': os.environ.get('INVOICE_ISSUER_NAME', '').strip() or 'Servermarket',
        'issuer_address': os.environ.get('INVOICE_ISSUER_ADDRESS', '').strip(),
        'issuer_tax_id': os.environ.get('INVOICE_ISSUER_TAX_ID', '').strip(),
        'issuer_email': os.environ.get('INVOICE_ISSUER_EMAIL', '').strip(),
    }


def _day(moment) -> str:
    return moment.strftime('%d %b %Y')


def _line(row) -> str:
    if row.type == 'rental' and row.server_name is not None:
        days = round((row.rental_end - row.rental_start).total_seconds() / 86400)
        return (f"Rental of server {row.server_name} for {days} day{'s' if days != 1 else ''}, "
                f"{_day(row.rental_start)} to {_day(row.rental_end)}")
    if row.type == 'extension' and row.server_name is not None:
        return f"Extension of the rental of server {row.server_name}"
    label = LABELS.get(row.type, row.type.replace('_', ' ').capitalize())
    if row.pool_name is not None:
        label += f" of the pool {row.pool_name}"
    note = (row.note or '').strip()
    if note and note.lower() != row.type.replace('_', ' ') and note != label:
        label += f": {note}"
    return label[:300]


def _as_datetime(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _backfill(invoices: sa.Table, counters: sa.Table) -> None:
    """An invoice for every transaction already made, numbered per year in the order they were made."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT t.id, t.user_id, t.pool_id, t.type, t.amount_cents, t.currency, t.note, t.created_at, "
        "u.username, u.alias, u.email, p.name AS pool_name, r.rental_start, r.rental_end, s.name AS server_name "
        "FROM transactions t JOIN users u ON u.id = t.user_id "
        "LEFT JOIN pools p ON p.id = t.pool_id "
        "LEFT JOIN rentals r ON r.id = t.rental_id LEFT JOIN servers s ON s.id = r.server_id "
        "ORDER BY t.created_at, t.id")).all()
    issuer = _issuer()
    last_by_year: dict[int, int] = {}
    batch = []
    for row in rows:
        row = SimpleNamespace(**{key: _as_datetime(value) if key in DATES else value
                                 for key, value in row._asdict().items()})
        created_at = row.created_at
        year = created_at.year
        sequence = last_by_year[year] = last_by_year.get(year, 0) + 1
        batch.append({
            'id': f"{int(created_at.replace(tzinfo=timezone.utc).timestamp()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}",
            'transaction_id': row.id, 'user_id': row.user_id, 'pool_id': row.pool_id, 'kind': row.type,
            'status': 'credit' if row.type in MONEY_IN else 'paid', 'amount_cents': row.amount_cents,
            'currency': row.currency, 'description': _line(row), 'year': year, 'sequence': sequence,
            'number': f"INV-{year}-{sequence:06d}", 'issue_date': created_at, 'created_at': created_at,
            **issuer, 'customer_username': row.username, 'customer_alias': row.alias or row.username,
            'customer_email': row.email, 'pool_name': row.pool_name,
        })
        if len(batch) == BATCH:
            op.bulk_insert(invoices, batch)
            batch = []
    if batch:
        op.bulk_insert(invoices, batch)
    if last_by_year:
        op.bulk_insert(counters, [{'year': year, 'last': last} for year, last in sorted(last_by_year.items())])


def downgrade():
    op.drop_table('invoice_counters')
    op.drop_index('ix_invoices_pool_created', table_name='invoices')
    op.drop_index('ix_invoices_user_created', table_name='invoices')
    op.drop_table('invoices')
