"""The wallet: what a person does with their money. Balances move only through ``services.ledger``.

``credit`` adds money; ``debit`` takes it for a rental or an extension, and refuses (402) rather
than let a balance go below zero. The debit is a single conditional update, so two charges racing
for the same balance cannot both pass the check.
"""
from sqlalchemy import select

from core.extensions import db
from models import Transaction, User
from services import accounts, card_payments, events, inputs, ledger
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

    Money comes in by card (when card payments are on), by a request for credit an administrator
    approves on the wallet page, or by an administrator's credit; the sentence names the administrators.
    """
    way = ("pay by card on the wallet page, or ask for credit there" if card_payments.availability().enabled
           else "ask for it on the wallet page")
    found = accounts.administrators_to_ask()
    if found is None:
        return f"To add credit, {way}; an administrator of this installation decides."
    noun, listed = found
    return f"To add credit, {way}: {noun} decides ({listed})."


def own_transaction(user: User, transaction_id: str) -> Transaction:
    """One transaction of the caller's own wallet; 404 for anyone else's (and for a pool's)."""
    found = db.session.get(Transaction, transaction_id) if inputs.is_valid(inputs.ObjectId, transaction_id) else None
    if found is None or found.user_id != user.id or found.pool_id is not None:
        raise NotFound("Transaction not found")
    return found


def balance_moved_at(user: User):
    """When the caller's own balance last moved: their newest transaction, or the account's creation."""
    newest = db.session.scalar(select(Transaction.created_at)
                               .where(Transaction.user_id == user.id, Transaction.pool_id.is_(None))
                               .order_by(Transaction.created_at.desc()).limit(1))
    return newest or user.created_at


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
