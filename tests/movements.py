"""Money moved through the ledger at a chosen moment, for histories no API makes yet (a pool's wallet
paying, a refund) or at a time the test names (the last millisecond of a month)."""
from datetime import datetime

from sqlalchemy import update

from core.extensions import db
from models import Pool
from services import ledger
from services.atomic import write_transaction


def move(app, kind: str, cents: int, *, user_id: str, at: datetime, pool_id: str | None = None,
         rental_id: str | None = None, note: str | None = None) -> str:
    """One movement of a wallet (the user's own, or the pool's with ``user_id`` the member who moved
    it), its balance changed as the ledger changes it; returns the transaction's id."""
    with app.app_context():
        with write_transaction():
            if kind in ledger.MONEY_IN:
                ledger.add(cents, user_id=user_id, pool_id=pool_id)
            else:
                ledger.take(cents, user_id=user_id, pool_id=pool_id)
            transaction = ledger.record(kind, cents, user_id=user_id, pool_id=pool_id, rental_id=rental_id,
                                        note=note, now=at)
        return transaction.id


def set_budget(app, pool_id: str, monthly_limit_cents: int | None, member_monthly_limit_cents: int | None) -> None:
    """A pool's monthly limits, in all and per member (until the API sets them)."""
    with app.app_context():
        db.session.execute(update(Pool).where(Pool.id == pool_id).values(
            monthly_limit_cents=monthly_limit_cents, member_monthly_limit_cents=member_monthly_limit_cents))
        db.session.commit()
