"""Requests for credit, and the administrators' decisions on them."""
from flask import request

from services import credit_requests
from services.errors import CREDIT_REQUEST_NOT_PENDING, FORBIDDEN, NOT_FOUND, TOO_MANY_CREDIT_REQUESTS
from services.paging import parse_page
from views.api import api
from views.api import payment_schemas as pay
from views.api.operations import operation
from views.api.support import api_user

ADMIN_REFUSALS = {FORBIDDEN: "Only administrators can do this", NOT_FOUND: "Credit request not found",
                  CREDIT_REQUEST_NOT_PENDING: "This request was approved already"}


@api.post("/wallet/credit-requests")
@operation(permission="financial.wallet.transfer",
           tag="Wallet", summary="Ask the administrators for credit", message="Credit request created", status=201,
           body=pay.CreditRequestBody, body_example=pay.CREDIT_REQUEST_BODY, data=pay.CreditRequestOut,
           example=pay.CREDIT_REQUEST, errors=(TOO_MANY_CREDIT_REQUESTS,),
           error_examples={TOO_MANY_CREDIT_REQUESTS: "You already have 5 requests waiting for an administrator; "
                                                     "wait for them to be decided before asking again"},
           description="For those who pay otherwise than by card: the administrators are notified and approve "
                       "(the wallet is credited) or reject. At most 5 requests wait at once (409).")
def create_credit_request(body: pay.CreditRequestBody):
    return pay.credit_request(credit_requests.request_credit(api_user(), body.amount_cents, body.reason))


@api.get("/wallet/credit-requests")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Your credit requests", message="Credit requests retrieved successfully",
           data=list[pay.CreditRequestOut], paged=True, example=[pay.CREDIT_REQUEST],
           description="Newest first, whatever their status.")
def my_credit_requests():
    items, total = credit_requests.my_requests(api_user(), parse_page(request.args))
    return [pay.credit_request(item) for item in items], total


@api.get("/admin/credit-requests")
@operation(permission="admin.billing",
           tag="Administration", summary="Credit requests to decide", message="Credit requests retrieved successfully",
           data=list[pay.AdminCreditRequest], paged=True, query=credit_requests.CreditRequestFilters,
           example=[pay.APPROVED_CREDIT_REQUEST], errors=(FORBIDDEN,),
           error_examples={FORBIDDEN: "Only administrators can do this"},
           description="Administrators only. Oldest first; `status=pending` lists those waiting.")
def admin_credit_requests():
    filters = credit_requests.parse_filters(request.args)
    items, total = credit_requests.all_requests(api_user(), filters.status, parse_page(request.args))
    return [pay.admin_credit_request(item, user) for item, user in items], total


def _decided(item):
    return pay.credit_request(item)


@api.post("/admin/credit-requests/<request_id>/approve")
@operation(permission="admin.billing",
           tag="Administration", summary="Approve a credit request", message="Credit request approved",
           data=pay.CreditRequestOut, example={**pay.CREDIT_REQUEST, "status": "approved",
                                               "decided_at": "2025-01-22T09:00:00.000Z",
                                               "transaction_id": "507f1f77bcf86cd799439371"},
           errors=(FORBIDDEN, CREDIT_REQUEST_NOT_PENDING), error_examples=ADMIN_REFUSALS,
           description="Credits the requester's wallet with the amount asked, once: a request already decided is "
                       "a 409 (two administrators approving at once credit it once).")
def approve_credit_request(request_id):
    return _decided(credit_requests.approve(api_user(), request_id))


@api.post("/admin/credit-requests/<request_id>/reject")
@operation(permission="admin.billing",
           tag="Administration", summary="Reject a credit request", message="Credit request rejected",
           data=pay.CreditRequestOut, example={**pay.CREDIT_REQUEST, "status": "rejected",
                                               "decided_at": "2025-01-22T09:00:00.000Z"},
           errors=(FORBIDDEN, CREDIT_REQUEST_NOT_PENDING),
           error_examples={**ADMIN_REFUSALS, CREDIT_REQUEST_NOT_PENDING: "This request was rejected already"},
           description="Nothing is credited; the requester is told. 409 for a request already decided.")
def reject_credit_request(request_id):
    return _decided(credit_requests.reject(api_user(), request_id))
