"""Team billing: a pool's wallet, who may pay from it, its budget, and when a charge needs approval.

A pool's wallet is filled by its members' transfers from their own wallets and spent on rentals and
extensions paid from the pool (``pay_from: "pool"``). ``payer`` is the one place that says whose
wallet pays a charge; the rental service asks it, checks the budget with ``check_budget`` and takes
the money with ``charge``, all in the charge's own transaction.

Locking: paying from a pool locks the pool's row exclusively before anything else of the charge
(before the shared lock renting into the pool takes, which the same transaction then already holds),
so that pool-paid charges to one pool run one after the other: the month's spending a charge is
checked against cannot change before it is written. A transfer locks the pool the same way. The pool
comes first, then the rental or the server, then the user's row, as everywhere else
(``services.pools``). SQLite runs writers one at a time and needs none of it.

A pool deleted with money in its wallet gives the money back to its owner's wallet, in the delete's
own transaction (a ``transfer_out`` of the pool's wallet and a ``transfer_in`` of the owner's).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from core.extensions import db
from core.limits import ROLE_ADMIN, ROLE_OWNER, ROLE_USER
from core.money import format_cents, format_dollars
from core.timeutil import isoformat, truncate_to_milliseconds, utcnow
from models import Membership, Pool, SpendRequest, Transaction, User
from services import audit, events, inputs, ledger, pools, spending, wallet
from services.atomic import write_transaction
from services.errors import BudgetExceeded, Forbidden, PoolNotFound
from services.inputs import MEMBERS_MAY_SPEND, Maybe
from services.notification_texts import SPEND_REQUEST_CREATED
from services.paging import Page, paginate

SELF = "self"
POOL = "pool"


# --- Who may do what with a pool's money ---------------------------------------------------------

def members_may_spend(pool: Pool) -> bool:
    """The pool's setting ``members_may_spend``: members with the user role may pay from its wallet."""
    return (pool.settings or {}).get(MEMBERS_MAY_SPEND) is True


def may_spend_from_pool(role: str | None, pool: Pool) -> bool:
    """The owner and admins pay from the pool's wallet; users too where the pool's settings allow it."""
    return role in (ROLE_OWNER, ROLE_ADMIN) or (role == ROLE_USER and members_may_spend(pool))


def may_set_budget(role: str | None) -> bool:
    return role == ROLE_OWNER


def may_decide_spend_requests(role: str | None) -> bool:
    return role in (ROLE_OWNER, ROLE_ADMIN)


def needs_approval_from_others(role: str | None) -> bool:
    """Everyone but the owner is held to the approval threshold."""
    return role != ROLE_OWNER


def spendable_pool_ids(user: User) -> frozenset[str]:
    """The shared pools whose wallet the user may pay from, for the forms that offer the choice (a default
    pool is its owner's alone: their own wallet is the one to pay from)."""
    rows = db.session.execute(
        select(Pool, Membership.role)
        .join(Membership, Membership.pool_id == Pool.id)
        .where(Membership.user_id == user.id, Membership.is_authorized.is_(True), Pool.is_default.is_(False))
    ).all()
    return frozenset(pool.id for pool, role in rows if may_spend_from_pool(role, pool))


# --- The payer -----------------------------------------------------------------------------------

@dataclass
class Payer:
    """Whose wallet pays a charge: the user's own (``pool`` None), or a pool's, charged by ``user_id``."""

    user_id: str
    pool: Pool | None = None
    role: str | None = None  # the user's role in ``pool``

    @property
    def pool_id(self) -> str | None:
        return self.pool.id if self.pool is not None else None


def lock_pool(pool_id: str) -> Pool | None:
    """The pool's row, read afresh and locked exclusively until the transaction ends."""
    return db.session.scalar(select(Pool).where(Pool.id == pool_id).with_for_update()
                             .execution_options(populate_existing=True))


def payer(user: User, pay_from: str, pool_id: str) -> Payer:
    """Whose wallet pays ``user``'s charge: their own for ``"self"``; for ``"pool"``, the pool ``pool_id``
    (locked, see the module's docstring), if they have joined it (404 otherwise) and may spend from it
    (403 otherwise). Call it inside the charge's ``write_transaction`` before anything else of the pool."""
    if pay_from != POOL:
        return Payer(user.id)
    pool = lock_pool(pool_id)
    role = pools.role_in_pool(user, pool_id) if pool is not None else None
    if role is None:
        raise PoolNotFound(pools.POOL_NOT_FOUND)
    if not may_spend_from_pool(role, pool):
        raise Forbidden("Only the pool's owner and admins can pay from its wallet; its owner can let members "
                        "pay from it in the pool's settings (members_may_spend)")
    return Payer(user.id, pool, role)


def needs_approval(payer: Payer, cents: int) -> bool:
    """A pool-paid charge above the pool's approval threshold, by anyone but its owner."""
    if payer.pool is None or payer.pool.approval_threshold_cents is None:
        return False
    return cents > payer.pool.approval_threshold_cents and needs_approval_from_others(payer.role)


def check_budget(payer: Payer, cents: int, now: datetime) -> None:
    """409 ``BUDGET_EXCEEDED`` if a pool-paid charge of ``cents`` at ``now`` would pass the pool's monthly
    limit, or the member's; the spending is that of the calendar month (UTC) of ``now``."""
    pool = payer.pool
    if pool is None:
        return
    start, end = spending.month_of(now)
    month = start.strftime("%B %Y")
    if pool.monthly_limit_cents is not None:
        spent = spending.pool_spent_cents(pool.id, start, end)
        _refuse_past(spent, cents, pool.monthly_limit_cents, f"the pool's monthly limit of "
                     f"{format_dollars(pool.monthly_limit_cents)}", month, "monthly_limit_cents")
    if pool.member_monthly_limit_cents is not None:
        spent = spending.pool_spent_cents(pool.id, start, end, user_id=payer.user_id)
        _refuse_past(spent, cents, pool.member_monthly_limit_cents, f"the monthly limit of "
                     f"{format_dollars(pool.member_monthly_limit_cents)} for each member", month,
                     "member_monthly_limit_cents")


def _refuse_past(spent: int, cents: int, limit: int, which: str, month: str, field: str) -> None:
    if spent + cents <= limit:
        return
    left = max(limit - spent, 0)
    raise BudgetExceeded(
        f"This charge of {format_dollars(cents)} would pass {which}: {format_dollars(left)} is left for "
        f"{month}. Nothing was charged",
        details=[{"field": field, "message": f"{left} cents left of {limit} in {month}"}],
    )


def charge(payer: Payer, cents: int, kind: str, rental_id: str, now: datetime) -> Transaction:
    """Take ``cents`` for a rental or an extension from the payer's wallet (402 if it is short) and record it."""
    if payer.pool is None:
        return wallet.debit(payer.user_id, cents, kind, rental_id, now)
    ledger.take(cents, user_id=payer.user_id, pool_id=payer.pool_id)
    return ledger.record(kind, cents, user_id=payer.user_id, pool_id=payer.pool_id, rental_id=rental_id, now=now)


def spend_request_ttl() -> timedelta:
    return timedelta(hours=current_app.config["SPEND_REQUEST_TTL_HOURS"])


def request_approval(payer: Payer, user: User, kind: str, cents: int, days: int, server_id: str,
                     rental_id: str | None = None, expected_rental_end: datetime | None = None) -> SpendRequest:
    """Instead of charging: a spend request for the owner and admins, told to them in the same transaction."""
    now = truncate_to_milliseconds(utcnow())
    request = SpendRequest(pool_id=payer.pool_id, requested_by_id=user.id, kind=kind, amount_cents=cents,
                           days=days, server_id=server_id, rental_id=rental_id,
                           expected_rental_end=expected_rental_end, status="pending", created_at=now,
                           expires_at=now + spend_request_ttl())
    db.session.add(request)
    db.session.flush()
    audit.record(audit.SPEND_REQUESTED, user, payer.pool_id, "spend_request", request.id,
                 {"kind": kind, "amount": format_cents(cents), "server_id": server_id, "rental_id": rental_id})
    events.emit(SPEND_REQUEST_CREATED, f"{SPEND_REQUEST_CREATED}:{request.id}", user_id=user.id,
                pool_id=payer.pool_id, actor_id=user.id, subject=("spend_request", request.id),
                data=spend_request_data(request, payer.pool, user))
    return request


def spend_request_data(request: SpendRequest, pool: Pool, requester: User) -> dict:
    return {"spend_request_id": request.id, "pool_id": pool.id, "pool_name": pool.name, "kind": request.kind,
            "amount_cents": request.amount_cents, "days": request.days, "server_id": request.server_id,
            "rental_id": request.rental_id, "requested_by": requester.id,
            "requester_username": requester.username, "expires_at": isoformat(request.expires_at)}


# --- The pool's wallet ---------------------------------------------------------------------------

@dataclass
class PoolWallet:
    pool: Pool
    role: str


def pool_wallet(user: User, pool_id: str) -> PoolWallet:
    """The pool, for any of its members (404 for anyone else)."""
    role = pools.role_in_pool(user, pool_id)
    if role is None:
        raise PoolNotFound(pools.POOL_NOT_FOUND)
    return PoolWallet(pools.joined_pool(user, pool_id), role)


def transfer_to_pool(user: User, pool_id: str, amount_cents: int) -> int:
    """Move ``amount_cents`` from the user's wallet into the pool's (any member; 402 if the user's balance is
    short), both sides recorded, in one transaction. Returns the pool's new balance."""
    (amount_cents,) = inputs.checked(amount_cents=(inputs.TransferCents, amount_cents))
    with write_transaction():
        pool = lock_pool(pool_id)
        if pool is None or pools.role_in_pool(user, pool_id) is None:
            raise PoolNotFound(pools.POOL_NOT_FOUND)
        now = truncate_to_milliseconds(utcnow())
        ledger.take(amount_cents, user_id=user.id)
        balance = ledger.add(amount_cents, user_id=user.id, pool_id=pool.id)
        ledger.record(ledger.TRANSFER_OUT, amount_cents, user_id=user.id, note=f"To the pool {pool.name}"[:200],
                      now=now)
        ledger.record(ledger.TRANSFER_IN, amount_cents, user_id=user.id, pool_id=pool.id,
                      note=f"From {user.username}"[:200], now=now)
        audit.record(audit.POOL_WALLET_TRANSFER, user, pool.id, "pool", pool.id,
                     {"amount": format_cents(amount_cents), "balance": format_cents(balance)})
    return balance


def pool_transactions(user: User, pool_id: str, page: Page) -> tuple[list[Transaction], int]:
    """The pool wallet's transactions, newest first, for any member."""
    pool_wallet(user, pool_id)
    statement = (
        select(Transaction)
        .where(Transaction.pool_id == pool_id)
        .order_by(Transaction.created_at.desc(), Transaction.id.desc())
    )
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total


def before_pool_deleted(pool: Pool, actor: User) -> int:
    """A pool about to be deleted gives what its wallet holds back to its owner, and its spend requests
    go with it; call it in the delete's transaction with the pool locked. Returns the amount moved."""
    db.session.execute(delete(SpendRequest).where(SpendRequest.pool_id == pool.id),
                       execution_options={"synchronize_session": False})
    cents = ledger.balance_cents(pool.owner_id, pool.id)
    if cents <= 0:
        return 0
    ledger.take(cents, user_id=pool.owner_id, pool_id=pool.id)
    ledger.add(cents, user_id=pool.owner_id)
    now = truncate_to_milliseconds(utcnow())
    ledger.record(ledger.TRANSFER_OUT, cents, user_id=pool.owner_id, pool_id=pool.id,
                  note="Returned to the owner: pool deleted", now=now)
    ledger.record(ledger.TRANSFER_IN, cents, user_id=pool.owner_id, note=f"From the deleted pool {pool.name}"[:200],
                  now=now)
    audit.record(audit.POOL_WALLET_RETURNED, actor, pool.id, "pool", pool.id, {"amount": format_cents(cents)})
    return cents


# --- The budget ----------------------------------------------------------------------------------

@dataclass
class Budget:
    monthly_limit_cents: int | None
    member_monthly_limit_cents: int | None
    approval_threshold_cents: int | None


def budget_of(pool: Pool) -> Budget:
    return Budget(pool.monthly_limit_cents, pool.member_monthly_limit_cents, pool.approval_threshold_cents)


def set_budget(user: User, pool_id: str, monthly_limit_cents: int | None, member_monthly_limit_cents: int | None,
               approval_threshold_cents: int | None, members_may_spend: bool | None = None) -> Pool:
    """The owner sets the pool's budget (each None: no limit), and, when given, whether members with the
    user role may pay from the pool."""
    monthly, member, threshold = inputs.checked(
        monthly_limit_cents=(Maybe(inputs.BudgetCents), monthly_limit_cents),
        member_monthly_limit_cents=(Maybe(inputs.BudgetCents), member_monthly_limit_cents),
        approval_threshold_cents=(Maybe(inputs.BudgetCents), approval_threshold_cents))
    with write_transaction():
        pool = lock_pool(pool_id)
        role = pools.role_in_pool(user, pool_id) if pool is not None else None
        if role is None:
            raise PoolNotFound(pools.POOL_NOT_FOUND)
        if not may_set_budget(role):
            raise Forbidden("Only the pool owner can set the pool's budget")
        pool.monthly_limit_cents, pool.member_monthly_limit_cents, pool.approval_threshold_cents = (
            monthly, member, threshold)
        details = {"monthly_limit_cents": monthly, "member_monthly_limit_cents": member,
                   "approval_threshold_cents": threshold}
        if members_may_spend is not None:
            pool.settings = {**(pool.settings or {}), MEMBERS_MAY_SPEND: members_may_spend}
            details[MEMBERS_MAY_SPEND] = members_may_spend
        pool.updated_at = utcnow()
        audit.record(audit.POOL_BUDGET_CHANGED, user, pool.id, "pool", pool.id, details)
    return pool


@dataclass
class MonthSpending:
    """What the pool's wallet spent this month, in all and by the caller, beside the limits."""

    spent_cents: int
    member_spent_cents: int
    budget: Budget

    @property
    def left_cents(self) -> int | None:
        limit = self.budget.monthly_limit_cents
        return None if limit is None else max(limit - self.spent_cents, 0)

    @property
    def member_left_cents(self) -> int | None:
        limit = self.budget.member_monthly_limit_cents
        return None if limit is None else max(limit - self.member_spent_cents, 0)


def month_spending(user: User, pool: Pool, now: datetime | None = None,
                   figures: "spending.PoolSpending | None" = None) -> MonthSpending:
    """This month's spending beside the budget; read from ``figures`` (``spending.pool_spending``) when
    they are this month's and read already, rather than again."""
    start, end = spending.month_of(now or utcnow())
    if figures is not None and figures.pool.id == pool.id and figures.month.start == start:
        mine = next((member.total_cents for member in figures.by_member if member.user_id == user.id), 0)
        return MonthSpending(figures.total_cents, mine, budget_of(pool))
    return MonthSpending(spending.pool_spent_cents(pool.id, start, end),
                         spending.pool_spent_cents(pool.id, start, end, user_id=user.id), budget_of(pool))
