"""The wallet: every movement of a balance goes through here and leaves a transaction.

``credit`` adds money; ``debit`` takes it for a rental or an extension, and refuses (402) rather
than let a balance go below zero. The debit is a single conditional update, so two charges racing
for the same balance cannot both pass the check.
"""
from sqlalchemy import select, update

from core.extensions import db
from core.ids import new_id
from core.money import format_dollars
from models import Transaction, User
from services import accounts, events, inputs
from services.atomic import write_transaction
from services.errors import NotFound, PaymentRequired
from services.notification_texts import WALLET_CREDITED
from services.paging import Page, paginate

CREDIT = "credit"
RENTAL = "rental"
EXTENSION = "extension"


def credit(username: str, cents: int, note: str = "Credit") -> User:
    """Add money to a wallet and record it, in one transaction."""
    inputs.checked(username=(inputs.Username, username), amount=(inputs.CreditCents, cents))
    user = accounts.find_user(username)
    if user is None:
        raise NotFound(f"No user named {username}")
    with write_transaction():
        balance = db.session.scalar(
            update(User).where(User.id == user.id).values(balance_cents=User.balance_cents + cents)
            .returning(User.balance_cents)
        )
        transaction = Transaction(id=new_id(), user_id=user.id, type=CREDIT, amount_cents=cents, note=note)
        db.session.add(transaction)
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
    taken = db.session.execute(
        update(User)
        .where(User.id == user_id, User.balance_cents >= cents)
        .values(balance_cents=User.balance_cents - cents),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not taken:
        balance = db.session.scalar(select(User.balance_cents).where(User.id == user_id)) or 0
        raise PaymentRequired(
            f"Insufficient balance: this costs {format_dollars(cents)} and your balance is {format_dollars(balance)}"
        )
    transaction = Transaction(user_id=user_id, type=kind, amount_cents=cents, rental_id=rental_id,
                              note=f"{kind.capitalize()} {rental_id}", created_at=now)
    db.session.add(transaction)
    return transaction


def balance_cents(user: User) -> int:
    return db.session.scalar(select(User.balance_cents).where(User.id == user.id))


def transactions(user: User, page: Page) -> tuple[list[Transaction], int]:
    """The caller's transactions, newest first."""
    statement = (
        select(Transaction)
        .where(Transaction.user_id == user.id)
        .order_by(Transaction.created_at.desc(), Transaction.id.desc())
    )
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total
