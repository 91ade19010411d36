"""What was spent from a wallet in a calendar month (UTC): the one definition the budget's limits are
checked against and the spending figures show.

Spent is what the wallet paid for rentals and extensions, less what was refunded to it, in the month
the movement happened: a charge at 23:59:59.999 on the last day counts in that month.
"""
from dataclasses import dataclass
from typing import ClassVar
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, case, func, select

from core.extensions import db
from core.numbers import trimmed
from core.timeutil import utcnow
from models import Membership, Pool, Transaction, User
from services import inputs
from services.ledger import CHARGES, REFUND


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding ``moment``: its first instant, and the next month's."""
    start = moment.astimezone(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, following


# Charges count up, refunds down; other movements (transfers, credits) are not spending.
SPENT_CENTS = func.coalesce(func.sum(case(
    (Transaction.type.in_(CHARGES), Transaction.amount_cents),
    (Transaction.type == REFUND, -Transaction.amount_cents),
    else_=0,
)), 0)


def pool_spent_cents(pool_id: str, start: datetime, end: datetime, user_id: str | None = None) -> int:
    """What the pool's wallet spent from ``start`` to before ``end``, in all or by one member
    (``ix_transactions_pool_created`` serves it)."""
    statement = select(SPENT_CENTS).where(Transaction.pool_id == pool_id, Transaction.created_at >= start,
                                          Transaction.created_at < end)
    if user_id is not None:
        statement = statement.where(Transaction.user_id == user_id)
    return int(db.session.scalar(statement))  # PostgreSQL sums BIGINTs as a Decimal


# --- The figures: a month's spending by member and by day ------------------------------------------

# The UTC day of a movement (times are stored as naive UTC; ``date()`` means the same on both databases).
DAY = func.date(Transaction.created_at)


@dataclass(frozen=True)
class Month:
    """A calendar month (UTC), named ``YYYY-MM``."""

    first: date

    @property
    def name(self) -> str:
        return self.first.strftime("%Y-%m")

    @property
    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        return month_of(self.start)[1]

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range((self.end - self.start).days)]

    @property
    def previous(self) -> "Month":
        return Month((self.first - timedelta(days=1)).replace(day=1))

    @property
    def next(self) -> "Month":
        return Month(self.end.date())


@dataclass(frozen=True)
class MonthQuery:
    """The query string of the spending figures."""

    PARAMETERS: ClassVar[dict] = {
        "month": ("The calendar month (UTC) as YYYY-MM; the current month when not given",
                  {"type": "string", "pattern": inputs.MONTH_PATTERN}),
    }
    month: str | None = None


def month_named(name: str | None, now: datetime | None = None) -> Month:
    """The month ``YYYY-MM`` names (400 for anything else); none named (or blank): the current month (UTC)."""
    if name is not None and not trimmed(name):
        name = None
    (first,) = inputs.checked(month=(inputs.Maybe(inputs.Month), name))
    return Month(first if first is not None else month_of(now or utcnow())[0].date())


@dataclass(frozen=True)
class DaySpending:
    day: date
    total_cents: int


@dataclass(frozen=True)
class MemberSpending:
    user_id: str
    username: str
    alias: str
    total_cents: int
    limit_cents: int | None
    is_member: bool  # False: a former member who spent from the pool that month


@dataclass(frozen=True)
class PoolSpending:
    pool: Pool
    month: Month
    total_cents: int
    limit_cents: int | None
    by_member: list[MemberSpending]
    by_day: list[DaySpending]


@dataclass(frozen=True)
class WalletSpending:
    month: Month
    total_cents: int
    by_day: list[DaySpending]


def _every_day(month: Month, cents_by_day: dict[date, int]) -> list[DaySpending]:
    return [DaySpending(day, cents_by_day.get(day, 0)) for day in month.days]


def _as_date(value) -> date:
    # PostgreSQL answers a date, SQLite its ISO text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def pool_spending(pool: Pool, month: Month) -> PoolSpending:
    """What the pool's wallet spent in ``month``, in all, by member and by day (a pool the caller has
    joined: ``pools.joined_pool``). Every current member is listed, and every former member who spent."""
    rows = db.session.execute(
        select(Transaction.user_id, DAY, SPENT_CENTS)
        .where(Transaction.pool_id == pool.id, Transaction.created_at >= month.start,
               Transaction.created_at < month.end)
        .group_by(Transaction.user_id, DAY)
    ).all()
    by_member: dict[str, int] = {}
    by_day: dict[date, int] = {}
    for user_id, day, cents in rows:
        cents = int(cents)  # PostgreSQL sums a BIGINT as NUMERIC
        by_member[user_id] = by_member.get(user_id, 0) + cents
        by_day[_as_date(day)] = by_day.get(_as_date(day), 0) + cents
    people = db.session.execute(
        select(User.id, User.username, User.alias)
        .join(Membership, and_(Membership.user_id == User.id, Membership.pool_id == pool.id,
                               Membership.is_authorized.is_(True)))
    ).all()
    members = [MemberSpending(user_id, username, alias, by_member.get(user_id, 0), pool.member_monthly_limit_cents,
                              True) for user_id, username, alias in people]
    if former := set(by_member) - {member.user_id for member in members}:
        members += [MemberSpending(user_id, username, alias, by_member[user_id], pool.member_monthly_limit_cents,
                                   False)
                    for user_id, username, alias in db.session.execute(
                        select(User.id, User.username, User.alias).where(User.id.in_(former)))]
    members.sort(key=lambda member: (-member.total_cents, member.username.lower()))
    return PoolSpending(pool, month, sum(by_member.values()), pool.monthly_limit_cents, members,
                        _every_day(month, by_day))


def wallet_spending(user: User, month: Month) -> WalletSpending:
    """What the user's own wallet spent in ``month``, in all and by day (``ix_transactions_user_created``)."""
    rows = db.session.execute(
        select(DAY, SPENT_CENTS)
        .where(Transaction.user_id == user.id, Transaction.pool_id.is_(None),
               Transaction.created_at >= month.start, Transaction.created_at < month.end)
        .group_by(DAY)
    ).all()
    by_day = {_as_date(day): int(cents) for day, cents in rows}
    return WalletSpending(month, sum(by_day.values()), _every_day(month, by_day))
