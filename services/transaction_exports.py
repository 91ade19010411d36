"""A wallet's transactions as CSV, for a spreadsheet or the books: a person's own wallet, or a pool's.

Rows come oldest first and are written as they are read, so a long history never sits in memory.
A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula: such
text is written with a leading apostrophe. Amounts are numbers we write ourselves and stay as they
are (a charge is negative).
"""
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.numbers import trimmed
from core.timeutil import isoformat
from models import Transaction, User
from services import inputs
from services.errors import BadRequest
from services.ledger import MONEY_IN

# The longest period one export covers when both ends are given.
EXPORT_DAYS_MAX = 366
COLUMNS = ("id", "created_at", "type", "amount", "currency", "rental_id", "note")
POOL_COLUMNS = ("id", "created_at", "type", "amount", "currency", "rental_id", "member", "note")
ROWS_PER_FETCH = 1000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Period:
    """The days an export covers, both included; an end not given is open."""

    first: date | None
    last: date | None

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.first, time(), timezone.utc) if self.first else None

    @property
    def end(self) -> datetime | None:
        """The first instant after the period."""
        if self.last is None or self.last == date.max:
            return None
        return datetime.combine(self.last + timedelta(days=1), time(), timezone.utc)

    def filename(self, what: str) -> str:
        return f"{what}-{self.first or 'start'}-to-{self.last or 'now'}.csv"


_DAY_TEXT = {"type": "string", "format": "date", "pattern": inputs.DAY_PATTERN}


@dataclass(init=False, repr=False, eq=False)  # described, never made: ``from`` cannot be a parameter
class PeriodQuery:
    """The query string of an export."""

    PARAMETERS: ClassVar[dict] = {
        "from": ("The first day (UTC) as YYYY-MM-DD, included; from the first transaction when not given",
                 _DAY_TEXT),
        "to": (f"The last day (UTC) as YYYY-MM-DD, included; up to now when not given. At most {EXPORT_DAYS_MAX} "
               f"days from `from`, not before it", _DAY_TEXT),
    }
    # ``from`` is a Python keyword: the fields are declared by their names in the query string.
    __annotations__.update({"from": str | None, "to": str | None})


def period(first: str | None, last: str | None) -> Period:
    """The period ``from``..``to`` (``YYYY-MM-DD``, both optional, blank meaning not given); 400 for a bad
    date, an end before its start, or more than ``EXPORT_DAYS_MAX`` days."""
    first, last = (None if text is None or not trimmed(text) else text for text in (first, last))
    first_day, last_day = inputs.checked(**{"from": (inputs.Maybe(inputs.Day), first),
                                            "to": (inputs.Maybe(inputs.Day), last)})
    if first_day and last_day:
        if last_day < first_day:
            raise BadRequest.for_field("to", "must not be before from")
        if (last_day - first_day).days + 1 > EXPORT_DAYS_MAX:
            raise BadRequest.for_field("to", f"must be at most {EXPORT_DAYS_MAX} days from from, both included")
    return Period(first_day, last_day)


def safe_cell(value) -> str:
    """A cell no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def signed_dollars(transaction_type: str, cents: int) -> str:
    sign = "" if transaction_type in MONEY_IN else "-"
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _within(statement, within: Period):
    if within.start is not None:
        statement = statement.where(Transaction.created_at >= within.start)
    if within.end is not None:
        statement = statement.where(Transaction.created_at < within.end)
    return statement.order_by(Transaction.created_at, Transaction.id).execution_options(yield_per=ROWS_PER_FETCH)


def _csv(header: tuple[str, ...], rows: Callable[[], Iterable[tuple]]) -> Iterator[str]:
    """The header alone first (a server takes the first piece before sending anything, and a file
    nobody reads further then never reads the database), then the rows from ``rows()``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows(), start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if count % ROWS_PER_FETCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


_FIELDS = (Transaction.id, Transaction.created_at, Transaction.type, Transaction.amount_cents,
           Transaction.currency, Transaction.rental_id)


def _row(id_, created_at, kind, cents, currency, rental_id, *rest) -> tuple:
    return (id_, isoformat(created_at), kind, signed_dollars(kind, cents), currency, rental_id, *rest)


def wallet_csv(session: Session, user_id: str, within: Period) -> Iterator[str]:
    """The user's own wallet's transactions in ``within``, as CSV text in pieces
    (``ix_transactions_user_created``). Nothing is read until the first piece is taken; ``session`` is
    the file's own, as it is read after the request has ended."""
    statement = _within(select(*_FIELDS, Transaction.note)
                        .where(Transaction.user_id == user_id, Transaction.pool_id.is_(None)), within)
    yield from _csv(COLUMNS, lambda: (_row(*row) for row in session.execute(statement)))


def pool_csv(session: Session, pool_id: str, within: Period) -> Iterator[str]:
    """The pool's wallet's transactions in ``within`` with the member who moved each, as CSV text in
    pieces (``ix_transactions_pool_created``), of a pool the caller has joined (``pools.joined_pool``).
    Read as ``wallet_csv`` is."""
    statement = _within(select(*_FIELDS, User.username, Transaction.note)
                        .join(User, User.id == Transaction.user_id).where(Transaction.pool_id == pool_id), within)
    yield from _csv(POOL_COLUMNS, lambda: (_row(*row) for row in session.execute(statement)))
