"""The ledger: the one place a balance moves and its transaction is written.

A wallet is a user's own (``pool_id`` None) or a pool's. ``add`` and ``take`` change a balance with
one conditional statement each (``take`` refuses, 402, rather than let a balance go below zero), and
``record`` writes the transaction that says so; call them inside ``write_transaction()`` together
with the change the money is for, so both are saved or neither. Every transaction is written by
``record``, so what goes with every transaction (its invoice) has one home.
"""
from datetime import datetime

from sqlalchemy import select, update

from core.bulk import keyed_values
from core.extensions import db
from core.ids import new_id
from core.money import format_dollars
from core.timeutil import truncate_to_milliseconds, utcnow
from models import Pool, Transaction, User
from services import invoices
from services.errors import PaymentRequired

CREDIT = "credit"
TOP_UP = "top_up"
REFUND = "refund"
TRANSFER_IN = "transfer_in"
TRANSFER_OUT = "transfer_out"
RENTAL = "rental"
EXTENSION = "extension"

MONEY_IN = frozenset({CREDIT, TOP_UP, REFUND, TRANSFER_IN})
MONEY_OUT = frozenset({TRANSFER_OUT, RENTAL, EXTENSION})
CHARGES = frozenset({RENTAL, EXTENSION})


def _owner(user_id: str, pool_id: str | None):
    """The row holding the balance, as (model, its id)."""
    return (Pool, pool_id) if pool_id is not None else (User, user_id)


def balance_cents(user_id: str, pool_id: str | None = None) -> int:
    model, owner_id = _owner(user_id, pool_id)
    return db.session.scalar(select(model.balance_cents).where(model.id == owner_id)) or 0


def add(cents: int, *, user_id: str, pool_id: str | None = None) -> int:
    """Add to a balance; returns the new balance."""
    model, owner_id = _owner(user_id, pool_id)
    return db.session.scalar(
        update(model).where(model.id == owner_id).values(balance_cents=model.balance_cents + cents)
        .returning(model.balance_cents),
        execution_options={"synchronize_session": False},
    )


def take(cents: int, *, user_id: str, pool_id: str | None = None) -> int:
    """Take from a balance if it holds enough (one statement: two takes cannot both pass); 402 otherwise.
    Returns the new balance."""
    model, owner_id = _owner(user_id, pool_id)
    left = db.session.scalar(
        update(model).where(model.id == owner_id, model.balance_cents >= cents)
        .values(balance_cents=model.balance_cents - cents)
        .returning(model.balance_cents),
        execution_options={"synchronize_session": False},
    )
    if left is None:
        whose = "the pool's balance" if pool_id is not None else "your balance"
        raise PaymentRequired(f"Insufficient balance: this costs {format_dollars(cents)} and {whose} is "
                              f"{format_dollars(balance_cents(user_id, pool_id))}")
    return left


def take_many(cents_by_user: dict[str, int]) -> set[str]:
    """Take from several users' own wallets at once, from each its whole amount or nothing (a wallet that
    holds less is left as it was, for the caller to charge one by one and refuse); the ids of the users
    taken from. On PostgreSQL the rows are locked first in the order of their ids, so that two of these
    never wait on each other, then changed by one conditional statement."""
    if not cents_by_user:
        return set()
    if db.session.get_bind().dialect.name != "postgresql":  # SQLite: one writer at a time, in process
        return {user_id for user_id, cents in cents_by_user.items() if db.session.scalar(
            update(User).where(User.id == user_id, User.balance_cents >= cents)
            .values(balance_cents=User.balance_cents - cents).returning(User.id),
            execution_options={"synchronize_session": False})}
    db.session.execute(select(User.id).where(User.id.in_(sorted(cents_by_user))).order_by(User.id).with_for_update())
    amounts = keyed_values(cents_by_user, User.id.type, User.balance_cents.type)
    return set(db.session.scalars(
        update(User).where(User.id == amounts.c.k, User.balance_cents >= amounts.c.v)
        .values(balance_cents=User.balance_cents - amounts.c.v).returning(User.id),
        execution_options={"synchronize_session": False}))


def record(kind: str, cents: int, *, user_id: str, pool_id: str | None = None, rental_id: str | None = None,
           note: str | None = None, now: datetime | None = None) -> Transaction:
    """Write the transaction of a movement ``add`` or ``take`` has made, in the same transaction."""
    transaction = Transaction(id=new_id(), user_id=user_id, pool_id=pool_id, type=kind, amount_cents=cents,
                              rental_id=rental_id, note=note if note is not None else _default_note(kind, rental_id),
                              created_at=now or truncate_to_milliseconds(utcnow()))
    db.session.add(transaction)
    invoices.issue(transaction)
    return transaction


def _default_note(kind: str, rental_id: str | None) -> str:
    label = kind.replace("_", " ").capitalize()
    return f"{label} {rental_id}" if rental_id else label
