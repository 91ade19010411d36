"""What the database says about money: a user's balance, and whether their books balance."""
from sqlalchemy import func, select

from core.extensions import db
from models import Rental, Transaction, User


def balance_of(app, user_id: str) -> int:
    with app.app_context():
        cents = db.session.scalar(select(User.balance_cents).where(User.id == user_id))
        db.session.remove()
        return cents


def assert_books_balance(app, user_id: str) -> None:
    """Credits minus charges equals the balance, and every rental has exactly one rental charge."""
    with app.app_context():
        rows = db.session.execute(select(Transaction.type, Transaction.amount_cents)
                                  .where(Transaction.user_id == user_id)).all()
        credits = sum(amount for kind, amount in rows if kind == "credit")
        charges = sum(amount for kind, amount in rows if kind != "credit")
        balance = db.session.scalar(select(User.balance_cents).where(User.id == user_id))
        assert credits - charges == balance
        assert balance >= 0
        charges_per_rental = db.session.execute(
            select(Rental.id, func.count(Transaction.id))
            .outerjoin(Transaction, (Transaction.rental_id == Rental.id) & (Transaction.type == "rental"))
            .where(Rental.user_id == user_id)
            .group_by(Rental.id)
        ).all()
        assert all(count == 1 for _, count in charges_per_rental)
        db.session.remove()
