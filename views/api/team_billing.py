"""Team billing: a pool's wallet and its transfers, its budget, and its spend requests."""
from flask import request

from core.limits import CURRENCY
from core.money import cents_to_number, format_cents
from core.timeutil import isoformat, utcnow
from services import spend_requests, team_billing
from services.errors import (
    BUDGET_EXCEEDED,
    CHARGE_EXCEEDS_MAX,
    EXTENSION_ALREADY_APPLIED,
    FORBIDDEN,
    INSUFFICIENT_BALANCE,
    RENTAL_ENDED,
    SERVER_UNAVAILABLE,
    SPEND_REQUEST_FAILED,
    SPEND_REQUEST_NOT_PENDING,
)
from services.paging import parse_page
from views.api import api
from views.api import serializers as out
from views.api.operations import Alternative, operation
from views.api.response_schemas import (
    Balance,
    Budget,
    PoolTransferResult,
    PoolWalletTransaction,
    RentResult,
    SpendRequest,
    SpendRequested,
)
from views.api.schemas import BudgetBody, PoolTransferBody
from views.api.support import api_user

_ID = "507f1f77bcf86cd7994393"
SPEND_REQUEST_EXAMPLE = {
    "id": _ID + "50", "status": "pending", "kind": "rent", "amount_cents": 24050,
    "server_id": "507f1f77bcf86cd799439014", "rental_id": None, "requested_by": "507f1f77bcf86cd799439013",
    "expires_at": "2025-01-24T22:00:00.000Z", "pool_id": "507f1f77bcf86cd799439300", "days": 30,
    "requester": {"id": "507f1f77bcf86cd799439013", "username": "joe_user", "alias": "Joe User"},
    "reason": None, "decided_by": None, "decided_at": None, "created_at": "2025-01-21T22:00:00.000Z",
}
BUDGET_EXAMPLE = {"monthly_limit_cents": 100000, "member_monthly_limit_cents": 25000,
                  "approval_threshold_cents": 10000}

# Rent and extend (views.api.rentals) answer a pool-paid charge above the threshold with this.
SENT_FOR_APPROVAL = Alternative(
    status=202, message="Sent for approval", data=SpendRequested,
    example={"spend_request": SPEND_REQUEST_EXAMPLE},
    description="A charge to the pool's wallet above its approval threshold, by anyone but the owner: nothing is "
                "charged; the owner and admins are asked to approve it.",
)
NOT_PENDING_EXAMPLE = {SPEND_REQUEST_NOT_PENDING: "This spend request is approved, no longer pending"}
BUDGET_EXAMPLE_REFUSAL = {BUDGET_EXCEEDED: "This charge of $70.00 would pass the pool's monthly limit of $100.00: "
                                           "$30.00 is left for January 2025. Nothing was charged"}


def spend_request(view: spend_requests.SpendRequestView | object, now=None) -> dict:
    request_, requester = (view.request, view.requester) if isinstance(view, spend_requests.SpendRequestView) \
        else (view, None)
    return {
        "id": request_.id,
        "status": spend_requests.status_at(request_, now or utcnow()),
        "kind": request_.kind,
        "amount_cents": request_.amount_cents,
        "server_id": request_.server_id,
        "rental_id": request_.rental_id,
        "requested_by": request_.requested_by_id,
        "expires_at": isoformat(request_.expires_at),
        "pool_id": request_.pool_id,
        "days": request_.days,
        "requester": requester.public_dict() if requester is not None else None,
        "reason": request_.reason,
        "decided_by": request_.decided_by_id,
        "decided_at": isoformat(request_.decided_at) if request_.decided_at else None,
        "created_at": isoformat(request_.created_at),
    }


def pool_transaction(transaction) -> dict:
    return {**out.wallet_transaction(transaction), "user_id": transaction.user_id, "note": transaction.note}


@api.get("/pools/<pool_id>/wallet")
@operation(
    permission="financial.wallet.read",
    tag="Team billing", summary="A pool's wallet", message="Pool wallet retrieved successfully", data=Balance,
    example={"balance": "250.00", "balance_cents": 25000, "currency": CURRENCY},
    description="For any member of the pool; 404 for anyone else.",
)
def pool_wallet(pool_id):
    return out.balance(team_billing.pool_wallet(api_user(), pool_id).pool.balance_cents)


@api.post("/pools/<pool_id>/wallet/transfers")
@operation(
    permission="financial.wallet.transfer",
    tag="Team billing", summary="Move money from your wallet into a pool's", message="Transfer completed",
    status=201, body=PoolTransferBody, data=PoolTransferResult, errors=(INSUFFICIENT_BALANCE,),
    body_example={"amount_cents": 5000},
    example={"amount_cents": 5000, "balance": "300.00", "balance_cents": 30000, "currency": CURRENCY},
    description="Any member. `amount_cents`: whole cents above zero, at most 100000000 (400 otherwise); 402 if "
                "your balance is short. Your wallet gets a `transfer_out` and the pool's a `transfer_in`, in one "
                "transaction.",
)
def transfer_to_pool(pool_id, body: PoolTransferBody):
    balance = team_billing.transfer_to_pool(api_user(), pool_id, body.amount_cents)
    return {"amount_cents": body.amount_cents, "balance": format_cents(balance), "balance_cents": balance,
            "currency": CURRENCY}


@api.get("/pools/<pool_id>/wallet/transactions")
@operation(
    permission="financial.wallet.read",
    tag="Team billing", summary="A pool's wallet transactions", message="Transactions retrieved successfully",
    data=list[PoolWalletTransaction], paged=True,
    example=[{"id": _ID + "60", "type": "transfer_in", "amount": cents_to_number(5000), "currency": CURRENCY,
              "created_at": "2025-01-21T22:00:00.000Z", "rental_id": None,
              "user_id": "507f1f77bcf86cd799439013", "note": "From joe_user"}],
    description="Transfers in and the charges paid from the pool, newest first; `user_id` is the member who moved "
                "the money. For any member.",
)
def pool_transactions(pool_id):
    items, total = team_billing.pool_transactions(api_user(), pool_id, parse_page(request.args))
    return [pool_transaction(t) for t in items], total


@api.put("/pools/<pool_id>/budget")
@operation(
    permission="projects.update",
    tag="Team billing", summary="Set a pool's budget", message="Budget updated successfully", body=BudgetBody,
    data=Budget, errors=(FORBIDDEN,), body_example=BUDGET_EXAMPLE, example=BUDGET_EXAMPLE,
    description="Owner only. Each field is whole cents or null (no limit); a field left out is null. Limits count "
                "what was paid from the pool's wallet in the calendar month (UTC) of the charge: a pool-paid charge "
                "that would pass one is refused (409 BUDGET_EXCEEDED).",
)
def set_budget(pool_id, body: BudgetBody):
    pool = team_billing.set_budget(api_user(), pool_id, body.monthly_limit_cents, body.member_monthly_limit_cents,
                                   body.approval_threshold_cents)
    return out.budget(pool)


@api.get("/pools/<pool_id>/spend-requests")
@operation(
    permission="projects.read",
    tag="Team billing", summary="A pool's spend requests", message="Spend requests retrieved successfully",
    data=list[SpendRequest], paged=True, example=[SPEND_REQUEST_EXAMPLE],
    description="Newest first, for any member; `?status=pending` for the open ones only.",
)
def list_spend_requests(pool_id):
    status = request.args.get("status") or None
    items, total = spend_requests.list_requests(api_user(), pool_id, parse_page(request.args),
                                                status=spend_requests.PENDING if status == "pending" else None)
    now = utcnow()
    return [spend_request(item, now) for item in items], total


@api.post("/pools/<pool_id>/spend-requests/<request_id>/approve")
@operation(
    permission="financial.wallet.transfer",
    tag="Team billing", summary="Approve a spend request", message="Spend request approved", data=RentResult,
    errors=(FORBIDDEN, INSUFFICIENT_BALANCE, BUDGET_EXCEEDED, SPEND_REQUEST_NOT_PENDING, SPEND_REQUEST_FAILED,
            SERVER_UNAVAILABLE, CHARGE_EXCEEDS_MAX, EXTENSION_ALREADY_APPLIED, RENTAL_ENDED),
    error_examples={**NOT_PENDING_EXAMPLE, FORBIDDEN: "You cannot decide your own spend request; the pool's owner "
                                                      "or another admin can"},
    example={"rental": {"id": "507f1f77bcf86cd799439400", "server_id": "507f1f77bcf86cd799439014",
                        "rental_start": "2025-01-21T22:00:00.000Z", "rental_end": "2025-02-20T22:00:00.000Z",
                        "hold_days": 2, "actual_usage_days": 0, "status": "active"},
             "transaction": {"id": "507f1f77bcf86cd799439500", "amount": 240.5, "currency": CURRENCY}},
    description="The pool's owner or an admin, never the member who asked (403). Carries out the charge as quoted, "
                "from the pool's wallet, with the budget checked now: the rental and its transaction, as renting "
                "answers (an extension's `rental` is the one extended). 402 or 409 BUDGET_EXCEEDED leave the request "
                "pending; a price gone up, a server taken, a rental ended or extended meanwhile, or a member who "
                "can no longer pay from the pool mark it failed (409). 409 SPEND_REQUEST_NOT_PENDING once decided "
                "or expired.",
)
def approve_spend_request(pool_id, request_id):
    approved = spend_requests.approve(api_user(), pool_id, request_id)
    return out.rented(approved.charge, utcnow())


@api.post("/pools/<pool_id>/spend-requests/<request_id>/reject")
@operation(
    permission="financial.wallet.transfer",
    tag="Team billing", summary="Reject a spend request", message="Spend request rejected", data=SpendRequest,
    errors=(FORBIDDEN, SPEND_REQUEST_NOT_PENDING), example={**SPEND_REQUEST_EXAMPLE, "status": "rejected"},
    error_examples=NOT_PENDING_EXAMPLE,
    description="The pool's owner or an admin, never the member who asked (403); the member is told. 409 once "
                "decided or expired.",
)
def reject_spend_request(pool_id, request_id):
    return spend_request(spend_requests.reject(api_user(), pool_id, request_id))
