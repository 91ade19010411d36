"""The wallet: what a person does with their money. Balances move only through ``services.ledger``.

``credit`` adds money; ``debit`` takes it for a rental or an extension, and refuses (402) rather
than let a balance go below zero. The debit is a single conditional update, so two charges racing
for the same balance cannot both pass the check.
"""
from sqlalchemy import select

from core.extensions import db
from models import Transaction, User
from services import accounts, events, inputs, ledger
from services.atomic import write_transaction
from services.errors import NotFound
from services.notification_texts import WALLET_CREDITED
from services.paging import Page, paginate

CREDIT = ledger.CREDIT
RENTAL = ledger.RENTAL
EXTENSION = ledger.EXTENSION


def credit(username: str, cents: int, note: str = "Credit") -> User:
    """Add money to a wallet and record it, in one transaction."""
    inputs.checked(username=(inputs.Username, username), amount=(inputs.CreditCents, cents))
    user = accounts.find_user(username)
    if user is None:
        raise NotFound(f"No user named {username}")
    with write_transaction():
        balance = ledger.add(cents, user_id=user.id)
        transaction = ledger.record(CREDIT, cents, user_id=user.id, note=note)
        events.emit(WALLET_CREDITED, f"{WALLET_CREDITED}:{transaction.id}", user_id=user.id,
                    subject=("transaction", transaction.id),
                    data={"transaction_id": transaction.id, "amount_cents": cents, "balance_cents": balance,
                          "note": note})
    db.session.refresh(user)
    return user


def how_to_get_credit() -> str:
    """Where a person short of money turns on this installation, in one sentence for the pages.

    Money comes in only by an administrator's credit (the admin page or ``flask wallet credit``),
    so the sentence names the administrators.
    """
    found = accounts.administrators_to_ask()
    if found is None:
        return "To add credit, ask whoever runs this installation: only an administrator can credit a wallet."
    noun, listed = found
    return f"To add credit, ask {noun}: {listed}."


def debit(user_id: str, cents: int, kind: str, rental_id: str, now) -> Transaction:
    """Take ``cents`` for a rental or an extension; 402 if the balance is short. Call it inside
    ``write_transaction()`` together with the change it pays for."""
    ledger.take(cents, user_id=user_id)
    return ledger.record(kind, cents, user_id=user_id, rental_id=rental_id, now=now)


def balance_cents(user: User) -> int:
    return ledger.balance_cents(user.id)


def transactions(user: User, page: Page) -> tuple[list[Transaction], int]:
    """The caller's transactions, newest first."""
    statement = (
        select(Transaction)
        .where(Transaction.user_id == user.id, Transaction.pool_id.is_(None))
        .order_by(Transaction.created_at.desc(), Transaction.id.desc())
    )
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total
