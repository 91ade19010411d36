"""Spend requests: a pool-paid charge above the pool's approval threshold, asked for by a member and
decided by the pool's owner or an admin (never by the member who asked).

Approving carries out the charge as quoted, through the same ``rentals.rent_server`` /
``extend_rental`` as any charge, with ``max_charge_cents`` the quoted amount (and, for an extension,
the rental's end as it was), the budget checked then. The request turns from ``pending`` to
``approved`` with a conditional update in the charge's own transaction, so two approvals racing
make one charge and the other is a 409. What the approver can put right (the pool's wallet is short,
a monthly limit is reached) refuses the approval and leaves the request pending; what they cannot (the
price went up, the server was taken, the rental ended or was extended, the member can no longer pay
from the pool) marks it ``failed`` with the reason, and the member is told. Pending requests lapse
after ``SPEND_REQUEST_TTL_HOURS``: they can no longer be approved, and ``expire_spend_requests``
marks them ``expired`` and tells the member.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from core import jobs
from core.extensions import db
from core.money import format_cents
from core.timeutil import utcnow
from models import Pool, SpendRequest, User
from services import audit, events, pools, rentals, team_billing
from services.atomic import write_transaction
from services.errors import (
    SPEND_REQUEST_FAILED,
    SPEND_REQUEST_NOT_PENDING,
    BudgetExceeded,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    PoolNotFound,
    ServiceError,
)
from services.notification_texts import SPEND_REQUEST_DECIDED
from services.paging import Page, paginate

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
EXPIRED = "expired"
FAILED = "failed"

SPEND_REQUEST_NOT_FOUND = "Spend request not found"
EXPIRE_BATCH = 500

# Refusals the approver can put right (top the pool's wallet up, raise a limit): the request stays pending.
_RETRYABLE = (PaymentRequired, BudgetExceeded)


def status_at(request: SpendRequest, now: datetime) -> str:
    """A pending request whose time ran out is expired, whether or not the lapse check has marked it yet."""
    if request.status == PENDING and request.expires_at <= now:
        return EXPIRED
    return request.status


@dataclass
class SpendRequestView:
    request: SpendRequest
    requester: User | None


def list_requests(user: User, pool_id: str, page: Page, status: str | None = None
                  ) -> tuple[list[SpendRequestView], int]:
    """The pool's spend requests, newest first, for any of its members."""
    if pools.role_in_pool(user, pool_id) is None:
        raise PoolNotFound(pools.POOL_NOT_FOUND)
    statement = (
        select(SpendRequest, User)
        .outerjoin(User, User.id == SpendRequest.requested_by_id)
        .where(SpendRequest.pool_id == pool_id)
        .order_by(SpendRequest.created_at.desc(), SpendRequest.id.desc())
    )
    if status == PENDING:
        statement = statement.where(SpendRequest.status == PENDING, SpendRequest.expires_at > utcnow())
    rows, total = paginate(statement, page)
    return [SpendRequestView(request, requester) for request, requester in rows], total


def _decidable(user: User, pool_id: str, request_id: str) -> tuple[Pool, SpendRequest]:
    """The pool (locked first, as every charge to it locks it) and the request, if the caller may decide it."""
    pool = team_billing.lock_pool(pool_id)
    role = pools.role_in_pool(user, pool_id) if pool is not None else None
    if role is None:
        raise PoolNotFound(pools.POOL_NOT_FOUND)
    request = db.session.scalar(select(SpendRequest).where(SpendRequest.id == request_id,
                                                           SpendRequest.pool_id == pool_id)
                                .execution_options(populate_existing=True))
    if request is None:
        raise NotFound(SPEND_REQUEST_NOT_FOUND)
    if not team_billing.may_decide_spend_requests(role):
        raise Forbidden("Only the pool's owner and admins can decide spend requests")
    if request.requested_by_id == user.id:
        raise Forbidden("You cannot decide your own spend request; the pool's owner or another admin can")
    return pool, request


def _decide(request: SpendRequest, user: User, status: str, now: datetime, reason: str | None = None) -> None:
    """Move the request from pending to ``status``, if it is still pending and open; 409 otherwise."""
    changed = db.session.execute(
        update(SpendRequest)
        .where(SpendRequest.id == request.id, SpendRequest.status == PENDING, SpendRequest.expires_at > now)
        .values(status=status, decided_by_id=user.id, decided_at=now, reason=reason),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        db.session.refresh(request)
        raise Conflict(f"This spend request is {status_at(request, now)}, no longer pending",
                       code=SPEND_REQUEST_NOT_PENDING)
    db.session.refresh(request)


def _tell_requester(request: SpendRequest, pool: Pool, actor: User | None) -> None:
    requester = db.session.get(User, request.requested_by_id)
    events.emit(SPEND_REQUEST_DECIDED, f"{SPEND_REQUEST_DECIDED}:{request.id}", user_id=request.requested_by_id,
                pool_id=pool.id, actor_id=actor.id if actor is not None else None,
                subject=("spend_request", request.id),
                data={**team_billing.spend_request_data(request, pool, requester), "status": request.status,
                      "reason": request.reason, "actor_username": actor.username if actor is not None else None})


@dataclass
class Approved:
    request: SpendRequest
    charge: rentals.Charge


def approve(user: User, pool_id: str, request_id: str) -> Approved:
    """Carry out the request's charge as quoted (see the module's docstring)."""
    try:
        with write_transaction():
            pool, request = _decidable(user, pool_id, request_id)
            _decide(request, user, APPROVED, utcnow())
            requester = db.session.get(User, request.requested_by_id)
            charge = _carry_out(request, requester, user)
            audit.record(audit.SPEND_APPROVED, user, pool.id, "spend_request", request.id,
                         {"username": requester.username, "kind": request.kind,
                          "amount": format_cents(request.amount_cents)})
            _tell_requester(request, pool, user)
    except _RETRYABLE:
        raise
    except _CarryOutFailed as failure:
        _fail(user, pool_id, request_id, failure.error)
        error = failure.error
        raise Conflict(f"The spend request could not be carried out and is now failed: {error.message}",
                       code=error.code if error.status == 409 else SPEND_REQUEST_FAILED) from None
    return Approved(request, charge)


class _CarryOutFailed(Exception):
    def __init__(self, error: ServiceError):
        super().__init__(error.message)
        self.error = error


def _carry_out(request: SpendRequest, requester: User, approver: User) -> rentals.Charge:
    try:
        if request.kind == "rent":
            result = rentals.rent_server(requester, request.server_id, request.days, request.pool_id,
                                         max_charge_cents=request.amount_cents, pay_from=team_billing.POOL,
                                         approved_by=approver)
        else:
            result = rentals.extend_rental(requester, request.rental_id, request.days, request.expected_rental_end,
                                           max_charge_cents=request.amount_cents, pay_from=team_billing.POOL,
                                           approved_by=approver)
    except _RETRYABLE:
        raise
    except ServiceError as error:
        raise _CarryOutFailed(error) from None
    return result


def _fail(user: User, pool_id: str, request_id: str, error: ServiceError) -> None:
    """Mark the request failed with the reason, in a transaction of its own (the charge's rolled back)."""
    with write_transaction():
        pool = team_billing.lock_pool(pool_id)
        request = db.session.get(SpendRequest, request_id, populate_existing=True)
        if pool is None or request is None:
            return
        try:
            _decide(request, user, FAILED, utcnow(), reason=error.message[:300])
        except Conflict:
            return  # decided meanwhile
        _tell_requester(request, pool, user)


def reject(user: User, pool_id: str, request_id: str) -> SpendRequestView:
    with write_transaction():
        pool, request = _decidable(user, pool_id, request_id)
        _decide(request, user, REJECTED, utcnow())
        requester = db.session.get(User, request.requested_by_id)
        audit.record(audit.SPEND_REJECTED, user, pool.id, "spend_request", request.id,
                     {"username": requester.username, "kind": request.kind,
                      "amount": format_cents(request.amount_cents)})
        _tell_requester(request, pool, user)
    return SpendRequestView(request, requester)


@jobs.periodic(minutes=15)
@jobs.task(retries=3, retry_delay=30, retry_backoff=2)
def expire_spend_requests() -> dict:
    """Mark the pending requests whose time ran out as expired, and tell each requester."""
    now = utcnow()
    expired = 0
    while True:
        with write_transaction():
            due = db.session.scalars(
                select(SpendRequest)
                .where(SpendRequest.status == PENDING, SpendRequest.expires_at <= now)
                .order_by(SpendRequest.expires_at, SpendRequest.id)
                .limit(EXPIRE_BATCH)
                .with_for_update(skip_locked=True)
                .execution_options(populate_existing=True)
            ).all()
            if not due:
                break
            pools_by_id = {pool.id: pool for pool in db.session.scalars(
                select(Pool).where(Pool.id.in_({request.pool_id for request in due})))}
            for request in due:
                request.status, request.decided_at = EXPIRED, now
                _tell_requester(request, pools_by_id[request.pool_id], None)
            expired += len(due)
    return {"expired": expired} if expired else {}
