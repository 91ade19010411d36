"""Invoices: one for every transaction, numbered without gaps per calendar year (UTC).

``issue`` is called by ``ledger.record`` for every transaction it writes, in the same database
transaction. The invoice copies what it says (issuer, customer, the line) when it is issued, so an
issued invoice never changes when settings or a profile do.

Numbers (``INV-2026-000123``) are given just before the transaction commits (``before_commit``), after
everything else it writes is flushed: one ``UPDATE invoice_counters SET last = last + n ... RETURNING
last`` per year, then the numbers onto the invoices. The counter row is thus locked only from that
statement to the commit, after every other lock of the charge was taken; a
charge that rolls back, or is refused, rolls its number back with it, so the numbers have no gaps.
The counter is the only row all charges share: charges of unrelated users still run side by side
up to their commit, and queue only for that last statement.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from flask import current_app
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from core.config import invoice_issuer
from core.extensions import db
from core.ids import ID_PATTERN, new_id
from core.limits import CURRENCY, ROLE_ADMIN, ROLE_OWNER
from models import Invoice, InvoiceCounter, Membership, Pool, Rental, Server, Transaction, User
from services import inputs, ledger
from services.errors import Forbidden, NotFound
from services.invoice_pdf import render
from services.paging import Page

PAID = "paid"      # an invoice: money the customer paid out of a wallet
CREDIT = "credit"  # a credit note: money that came into a wallet
PREFIX = "INV"
INVOICE_NOT_FOUND = "Invoice not found"
POOL_INVOICES_REFUSED = "Only the owner and admins of a pool can see its invoices"
PAGE_SIZE_DEFAULT = 20
_PENDING_KEY = "invoices_to_number"


def number_of(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:06d}"


def status_of(kind: str) -> str:
    return CREDIT if kind in ledger.MONEY_IN else PAID


# --- Issuing ------------------------------------------------------------------------------------

def issue(transaction: Transaction) -> Invoice:
    """The invoice of a transaction ``ledger.record`` is writing; numbered when the transaction commits."""
    customer = db.session.get(User, transaction.user_id)
    pool = db.session.get(Pool, transaction.pool_id) if transaction.pool_id is not None else None
    issuer = current_app.config
    invoice = Invoice(
        id=new_id(), transaction_id=transaction.id, user_id=transaction.user_id, pool_id=transaction.pool_id,
        kind=transaction.type, status=status_of(transaction.type), amount_cents=transaction.amount_cents,
        currency=transaction.currency or CURRENCY, description=_line(transaction, pool),
        year=transaction.created_at.astimezone(timezone.utc).year, issue_date=transaction.created_at,
        created_at=transaction.created_at,
        issuer_name=issuer.get("INVOICE_ISSUER_NAME") or invoice_issuer()["INVOICE_ISSUER_NAME"],
        issuer_address=issuer.get("INVOICE_ISSUER_ADDRESS") or "",
        issuer_tax_id=issuer.get("INVOICE_ISSUER_TAX_ID") or "",
        issuer_email=issuer.get("INVOICE_ISSUER_EMAIL") or "",
        customer_username=customer.username, customer_alias=customer.alias or customer.username,
        customer_email=customer.email, pool_name=pool.name if pool is not None else None,
    )
    db.session.add(invoice)
    db.session.info.setdefault(_PENDING_KEY, []).append(invoice)
    return invoice


def _day(moment: datetime) -> str:
    return moment.strftime("%d %b %Y")


def _line(transaction: Transaction, pool: Pool | None) -> str:
    """What the invoice is for, in one line."""
    kind = transaction.type
    rental = db.session.get(Rental, transaction.rental_id) if transaction.rental_id else None
    server = db.session.get(Server, rental.server_id) if rental is not None else None
    if kind == ledger.RENTAL and rental is not None:
        days = round((rental.rental_end - rental.rental_start).total_seconds() / 86400)
        return (f"Rental of server {server.name} for {days} day{'s' if days != 1 else ''}, "
                f"{_day(rental.rental_start)} to {_day(rental.rental_end)}")
    if kind == ledger.EXTENSION and rental is not None:
        return f"Extension of the rental of server {server.name} to {_day(rental.rental_end)}"
    labels = {ledger.CREDIT: "Credit", ledger.TOP_UP: "Top-up", ledger.REFUND: "Refund",
              ledger.TRANSFER_IN: "Transfer into the wallet", ledger.TRANSFER_OUT: "Transfer out of the wallet"}
    label = labels.get(kind, kind.replace("_", " ").capitalize())
    if pool is not None:
        label += f" of the pool {pool.name}"
    note = (transaction.note or "").strip()
    if note and note.lower() != kind.replace("_", " ") and note != label:
        label += f": {note}"
    if server is not None:
        label += f" (server {server.name})"
    return label[:300]


@event.listens_for(Session, "before_commit")
def _number_pending(session: Session) -> None:
    """Give the invoices written in this transaction their numbers, as its last statements. Those a
    rollback took away (of the whole transaction or of a savepoint) are no longer in the session."""
    pending = [invoice for invoice in session.info.pop(_PENDING_KEY, []) if invoice in session]
    if not pending:
        return
    # Everything else is written first, so the counter's row is held only by its own UPDATE, the
    # numbers written onto the invoices, and the commit.
    session.flush()
    by_year: dict[int, list[Invoice]] = {}
    for invoice in pending:
        by_year.setdefault(invoice.year, []).append(invoice)
    connection = session.connection()
    for year in sorted(by_year):  # always in the same order: two transactions never wait on each other
        invoices = sorted(by_year[year], key=lambda invoice: (invoice.created_at, invoice.id))
        last = _take_numbers(connection, year, len(invoices))
        for offset, invoice in enumerate(invoices):
            invoice.sequence = last - len(invoices) + 1 + offset
            invoice.number = number_of(year, invoice.sequence)


def _take_numbers(connection, year: int, count: int) -> int:
    """Move the year's counter on by ``count``; its new last number. The year's first invoice makes its row."""
    taken = update(InvoiceCounter).where(InvoiceCounter.year == year).values(
        last=InvoiceCounter.last + count).returning(InvoiceCounter.last)
    last = connection.execute(taken).scalar()
    if last is None:
        _create_counter(connection, year)
        last = connection.execute(taken).scalar()
    return last


def _create_counter(connection, year: int) -> None:
    """The year's counter at 0; when another transaction makes it at the same moment, theirs is kept."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    connection.execute(dialect_insert(InvoiceCounter).values(year=year, last=0).on_conflict_do_nothing())


# --- Reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvoicePage:
    """Which page of invoices (``?page=2&limit=20``, as the published paths take them), and whose:
    ``pool_id`` lists a pool's wallet instead of the caller's own."""

    PARAMETERS: ClassVar[dict] = {
        "page": ("Page number, from 1", {"type": "integer", "minimum": 1, "maximum": inputs.INVOICE_PAGE_MAX}),
        "limit": ("Invoices per page", {"type": "integer", "minimum": 1, "maximum": inputs.INVOICE_LIMIT_MAX}),
        "pool_id": ("A pool's wallet instead of yours (for the pool's owner and admins)",
                    {"type": "string", "pattern": ID_PATTERN.pattern}),
    }
    page: int = 1
    limit: int = PAGE_SIZE_DEFAULT
    pool_id: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def parse_page(args) -> InvoicePage:
    """``page``, ``limit`` and ``pool_id`` from a query string; one 400 naming every bad one."""
    given = {name: _single(args, name) for name in ("page", "limit", "pool_id")}
    page, limit, pool_id = inputs.checked(
        page=(inputs.Maybe(inputs.InvoicePageNumber), given["page"]),
        limit=(inputs.Maybe(inputs.InvoicePageSize), given["limit"]),
        pool_id=(inputs.Maybe(inputs.ObjectId), given["pool_id"]))
    return InvoicePage(page=page or 1, limit=limit or PAGE_SIZE_DEFAULT, pool_id=pool_id)


def _single(args, name: str):
    """The one value of a query parameter (None when absent or blank); given twice, the list, which is refused."""
    values = [value.strip(" \t") for value in args.getlist(name)]
    values = [value for value in values if value]
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _managed_pool_ids(user: User):
    """The pools whose wallet the user may read the invoices of: those they own or administer."""
    return select(Membership.pool_id).where(Membership.user_id == user.id, Membership.is_authorized.is_(True),
                                            Membership.role.in_((ROLE_OWNER, ROLE_ADMIN)))


def _wallet_of(user: User, pool_id: str | None):
    """The condition on invoices for the wallet asked for: the caller's own, or a pool's that the caller
    owns or administers (403 for any other pool, whether it exists or not)."""
    from services import pools  # here: pools (through team billing) build on the ledger, which issues invoices

    if pool_id is None:
        return (Invoice.user_id == user.id) & Invoice.pool_id.is_(None)
    if pools.role_in_pool(user, pool_id) not in (ROLE_OWNER, ROLE_ADMIN):
        raise Forbidden(POOL_INVOICES_REFUSED)
    return Invoice.pool_id == pool_id


def _visible_to(user: User):
    """Invoices the user may open: of their own wallet, and of the wallets of pools they own or administer."""
    return or_((Invoice.user_id == user.id) & Invoice.pool_id.is_(None),
               Invoice.pool_id.in_(_managed_pool_ids(user)))


def list_invoices(user: User, page: InvoicePage | Page, pool_id: str | None = None) -> tuple[list[Invoice], int]:
    """A wallet's invoices (the user's own, or ``pool_id``'s), newest first, and how many there are in all."""
    condition = _wallet_of(user, pool_id)
    total = db.session.scalar(select(func.count(Invoice.id)).where(condition))
    rows = db.session.scalars(
        select(Invoice).where(condition)
        .order_by(Invoice.created_at.desc(), Invoice.year.desc(), Invoice.sequence.desc(), Invoice.id.desc())
        .limit(page.limit).offset(page.offset)).all()
    return list(rows), total


def get_invoice(user: User, invoice_id: str) -> Invoice:
    invoice = db.session.scalar(select(Invoice).where(Invoice.id == invoice_id, _visible_to(user)))
    if invoice is None:
        raise NotFound(INVOICE_NOT_FOUND)
    return invoice


def invoices_of_transactions(transaction_ids: list[str]) -> dict[str, Invoice]:
    """The invoices of these transactions, by transaction id (for the wallet page's links)."""
    if not transaction_ids:
        return {}
    rows = db.session.scalars(select(Invoice).where(Invoice.transaction_id.in_(transaction_ids))).all()
    return {invoice.transaction_id: invoice for invoice in rows}


def pdf_of(user: User, invoice_id: str) -> tuple[Invoice, bytes]:
    """The invoice and its PDF."""
    invoice = get_invoice(user, invoice_id)
    return invoice, render(invoice)


def pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"

