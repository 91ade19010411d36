"""Money coming in from outside the ledger: a card payment through Stripe Checkout, and a request for
credit an administrator approves or rejects. Either credits the wallet at most once: its status moves
out of ``pending`` (or, for a card payment, to ``completed``) by one conditional update in the same
transaction as the credit."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import CREDIT_REQUEST_REASON_MAX, CURRENCY
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column

PAYMENT_PENDING = "pending"
PAYMENT_COMPLETED = "completed"
PAYMENT_EXPIRED = "expired"
PAYMENT_FAILED = "failed"  # Stripe refused to open a checkout for it
PAYMENT_STATUSES = (PAYMENT_PENDING, PAYMENT_COMPLETED, PAYMENT_EXPIRED, PAYMENT_FAILED)

REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REJECTED = "rejected"
REQUEST_STATUSES = (REQUEST_PENDING, REQUEST_APPROVED, REQUEST_REJECTED)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class CardPayment(db.Model):
    """A top-up by card (the API calls it a payment intent): one Stripe Checkout Session."""

    __tablename__ = "card_payments"
    __table_args__ = (
        Index("ix_card_payments_user_created", "user_id", "created_at"),
        CheckConstraint("amount_cents > 0", name="ck_card_payments_amount_positive"),
        CheckConstraint(_one_of("status", PAYMENT_STATUSES), name="ck_card_payments_status"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    status: Mapped[str] = mapped_column(String(16), default=PAYMENT_PENDING)
    # Stripe's id of the checkout session (cs_...): the webhook finds the payment by it.
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    # The credit the payment made; set once, with the status, by the conditional update.
    transaction_id: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CreditRequest(db.Model):
    """A person's request for credit (for teams that pay otherwise than by card), decided by an administrator."""

    __tablename__ = "credit_requests"
    __table_args__ = (
        Index("ix_credit_requests_user_created", "user_id", "created_at"),
        Index("ix_credit_requests_status_created", "status", "created_at"),
        CheckConstraint("amount_cents > 0", name="ck_credit_requests_amount_positive"),
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="ck_credit_requests_status"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    reason: Mapped[str] = mapped_column(String(CREDIT_REQUEST_REASON_MAX))
    status: Mapped[str] = mapped_column(String(16), default=REQUEST_PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    transaction_id: Mapped[str | None] = mapped_column(String(24), unique=True)

    user = relationship("User", foreign_keys=[user_id])
