"""What was spent from a wallet in a calendar month (UTC): the one definition the budget's limits are
checked against and the spending figures show.

Spent is what the wallet paid for rentals and extensions, less what was refunded to it, in the month
the movement happened: a charge at 23:59:59.999 on the last day counts in that month.
"""
from datetime import datetime, timezone

from sqlalchemy import case, func, select

from core.extensions import db
from models import Transaction
from services.ledger import CHARGES, REFUND


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding ``moment``: its first instant, and the next month's."""
    start = moment.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, following


# Charges count up, refunds down; other movements (transfers, credits) are not spending.
SPENT_CENTS = func.coalesce(func.sum(case(
    (Transaction.type.in_(CHARGES), Transaction.amount_cents),
    (Transaction.type == REFUND, -Transaction.amount_cents),
    else_=0,
)), 0)


def pool_spent_cents(pool_id: str, start: datetime, end: datetime, user_id: str | None = None) -> int:
    """What the pool's wallet spent from ``start`` to before ``end``, in all or by one member
    (``ix_transactions_pool_created`` serves it)."""
    statement = select(SPENT_CENTS).where(Transaction.pool_id == pool_id, Transaction.created_at >= start,
                                          Transaction.created_at < end)
    if user_id is not None:
        statement = statement.where(Transaction.user_id == user_id)
    return int(db.session.scalar(statement))  # PostgreSQL sums BIGINTs as a Decimal
