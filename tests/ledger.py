"""What the database says about money: a user's balance, and whether their books balance."""
from sqlalchemy import func, select

from core.extensions import db
from models import Pool, Rental, Transaction, User
from services.ledger import MONEY_IN


def balance_of(app, user_id: str) -> int:
    with app.app_context():
        cents = db.session.scalar(select(User.balance_cents).where(User.id == user_id))
        db.session.remove()
        return cents


def assert_books_balance(app, user_id: str) -> None:
    """Money in minus money out of the user's own wallet equals its balance, and every rental has exactly
    one rental charge (from whichever wallet paid it)."""
    with app.app_context():
        rows = db.session.execute(select(Transaction.type, Transaction.amount_cents)
                                  .where(Transaction.user_id == user_id, Transaction.pool_id.is_(None))).all()
        balance = db.session.scalar(select(User.balance_cents).where(User.id == user_id))
        assert _net(rows) == balance
        assert balance >= 0
        charges_per_rental = db.session.execute(
            select(Rental.id, func.count(Transaction.id))
            .outerjoin(Transaction, (Transaction.rental_id == Rental.id) & (Transaction.type == "rental"))
            .where(Rental.user_id == user_id)
            .group_by(Rental.id)
        ).all()
        assert all(count == 1 for _, count in charges_per_rental)
        db.session.remove()


def assert_pool_books_balance(app, pool_id: str) -> None:
    """Money in minus money out of the pool's wallet equals its balance, never below zero."""
    with app.app_context():
        rows = db.session.execute(select(Transaction.type, Transaction.amount_cents)
                                  .where(Transaction.pool_id == pool_id)).all()
        balance = db.session.scalar(select(Pool.balance_cents).where(Pool.id == pool_id))
        assert _net(rows) == balance
        assert balance >= 0
        db.session.remove()


def _net(rows) -> int:
    return sum(amount if kind in MONEY_IN else -amount for kind, amount in rows)
