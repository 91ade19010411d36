"""Requests for credit: how people without a card (a team paid by invoice, say) get money into their
wallet. Anyone asks (``request_credit``); an administrator approves, which credits the wallet, or
rejects. A request is decided once: its status leaves ``pending`` by one conditional update in the
same transaction as the credit, so two administrators approving at once credit it once (the other
gets 409). The administrators hear of each request, and its requester of the decision.
"""
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import func, select, update

from core.extensions import db
from core.limits import CREDIT_REQUESTS_PENDING_MAX
from core.timeutil import utcnow
from models import CreditRequest, User
from models.payment import REQUEST_APPROVED, REQUEST_PENDING, REQUEST_REJECTED, REQUEST_STATUSES
from services import accounts, admin, events, inputs, ledger
from services.atomic import write_transaction
from services.errors import CREDIT_REQUEST_NOT_PENDING, TOO_MANY_CREDIT_REQUESTS, BadRequest, Conflict, NotFound
from services.notification_texts import CREDIT_REQUEST_CREATED, CREDIT_REQUEST_DECIDED
from services.paging import Page, paginate


def request_credit(user: User, amount_cents, reason) -> CreditRequest:
    """Ask the administrators for ``amount_cents`` of credit, saying why; 409 past
    ``CREDIT_REQUESTS_PENDING_MAX`` requests still open."""
    amount_cents, reason = inputs.checked(amount_cents=(inputs.RequestedCents, amount_cents),
                                          reason=(inputs.CreditRequestReason, reason))
    with write_transaction():
        pending = db.session.scalar(select(func.count()).select_from(CreditRequest).where(
            CreditRequest.user_id == user.id, CreditRequest.status == REQUEST_PENDING))
        if pending >= CREDIT_REQUESTS_PENDING_MAX:
            raise Conflict(f"You already have {pending} requests waiting for an administrator; wait for them to "
                           f"be decided before asking again", code=TOO_MANY_CREDIT_REQUESTS)
        request = CreditRequest(user_id=user.id, amount_cents=amount_cents, reason=reason, status=REQUEST_PENDING)
        db.session.add(request)
        db.session.flush()
        data = _event_data(request, user)
        events.emit_many([
            events.event_row(CREDIT_REQUEST_CREATED, f"{CREDIT_REQUEST_CREATED}:{request.id}:{admin_user.id}",
                             user_id=admin_user.id, actor_id=user.id, subject=("credit_request", request.id),
                             data=data)
            for admin_user in accounts.administrators()])
    return request


def _event_data(request: CreditRequest, requester: User) -> dict:
    return {"credit_request_id": request.id, "amount_cents": request.amount_cents, "reason": request.reason,
            "requester_id": requester.id, "requester_username": requester.username}


def my_requests(user: User, page: Page) -> tuple[list[CreditRequest], int]:
    """The caller's requests, newest first."""
    statement = (select(CreditRequest).where(CreditRequest.user_id == user.id)
                 .order_by(CreditRequest.created_at.desc(), CreditRequest.id.desc()))
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total


@dataclass(frozen=True)
class CreditRequestFilters:
    """What the administrators' list asks for (``?status=pending``)."""

    PARAMETERS: ClassVar[dict] = {"status": ("Only the requests of this status", REQUEST_STATUSES)}
    status: str | None = None


def parse_filters(args) -> CreditRequestFilters:
    """``status``: one of the statuses exactly; empty (or only spaces and tabs) is not given."""
    status = args.get("status", "")
    return CreditRequestFilters(status=None if status.strip(" \t") == "" else status)


def all_requests(actor: User, status: str | None, page: Page) -> tuple[list[tuple[CreditRequest, User]], int]:
    """Administrators: the requests (of one status, if given) with who asked, oldest first, as a queue."""
    admin.require_admin(actor)
    if status is not None and status not in REQUEST_STATUSES:
        raise BadRequest.for_field("status", f"must be one of {', '.join(REQUEST_STATUSES)}")
    statement = select(CreditRequest, User).join(User, User.id == CreditRequest.user_id)
    if status is not None:
        statement = statement.where(CreditRequest.status == status)
    rows, total = paginate(statement.order_by(CreditRequest.created_at, CreditRequest.id), page)
    return [(row[0], row[1]) for row in rows], total


def approve(actor: User, request_id: str) -> CreditRequest:
    """Credit the requester's wallet with the amount asked, once; 409 if the request is decided already."""
    return _decide(actor, request_id, REQUEST_APPROVED)


def reject(actor: User, request_id: str) -> CreditRequest:
    return _decide(actor, request_id, REQUEST_REJECTED)


def _decide(actor: User, request_id: str, status: str) -> CreditRequest:
    admin.require_admin(actor)
    with write_transaction():
        request = _find(request_id)
        now = utcnow()
        decided = db.session.execute(
            update(CreditRequest).where(CreditRequest.id == request.id, CreditRequest.status == REQUEST_PENDING)
            .values(status=status, decided_at=now, decided_by_id=actor.id),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not decided:
            db.session.refresh(request)
            raise Conflict(f"This request was {request.status} already", code=CREDIT_REQUEST_NOT_PENDING)
        requester = db.session.get(User, request.user_id)
        data = {**_event_data(request, requester), "status": status, "decided_by": actor.username}
        if status == REQUEST_APPROVED:
            data["balance_cents"] = ledger.add(request.amount_cents, user_id=request.user_id)
            transaction = ledger.record(ledger.CREDIT, request.amount_cents, user_id=request.user_id,
                                        note=f"Credit request approved by {actor.username}")
            db.session.execute(update(CreditRequest).where(CreditRequest.id == request.id)
                               .values(transaction_id=transaction.id), execution_options={"synchronize_session": False})
        events.emit(CREDIT_REQUEST_DECIDED, f"{CREDIT_REQUEST_DECIDED}:{request.id}", user_id=request.user_id,
                    actor_id=actor.id, subject=("credit_request", request.id), data=data)
    db.session.expire_all()
    return db.session.get(CreditRequest, request_id)


def _find(request_id: str) -> CreditRequest:
    request = db.session.get(CreditRequest, request_id) if inputs.is_valid(inputs.ObjectId, request_id) else None
    if request is None:
        raise NotFound("Credit request not found")
    return request
