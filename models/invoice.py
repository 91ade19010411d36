from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import CURRENCY
from models.types import UTCDateTime, id_column

INVOICE_STATUSES = ("paid", "credit")


class Invoice(db.Model):
    """The invoice (money out: ``paid``) or credit note (money in: ``credit``) of one transaction.

    What it says is copied when it is issued (issuer, customer, the line) so an issued invoice never
    changes. ``number`` is given at commit (``services.invoices``), so it is null only inside the
    transaction that writes the row. Like the transactions, no foreign keys: the books outlive an account.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("transaction_id", name="uq_invoices_transaction_id"),
        UniqueConstraint("number", name="uq_invoices_number"),
        UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
        Index("ix_invoices_user_created", "user_id", "created_at"),
        Index("ix_invoices_pool_created", "pool_id", "created_at",
              sqlite_where=text("pool_id IS NOT NULL"), postgresql_where=text("pool_id IS NOT NULL")),
        CheckConstraint(f"status IN ({', '.join(repr(status) for status in INVOICE_STATUSES)})",
                        name="ck_invoices_status"),
    )

    id: Mapped[str] = id_column()
    transaction_id: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str] = mapped_column(String(24))
    pool_id: Mapped[str | None] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))  # the transaction's type
    status: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    description: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(32))
    issue_date: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_address: Mapped[str] = mapped_column(String(500))
    issuer_tax_id: Mapped[str] = mapped_column(String(100))
    issuer_email: Mapped[str] = mapped_column(String(254))
    customer_username: Mapped[str] = mapped_column(String(100))
    customer_alias: Mapped[str] = mapped_column(String(200))
    customer_email: Mapped[str | None] = mapped_column(String(254))
    pool_name: Mapped[str | None] = mapped_column(String(200))


class InvoiceCounter(db.Model):
    """The last invoice number given in a calendar year (UTC): the one row numbering locks."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
