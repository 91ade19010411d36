"""Request bodies, answers and examples of the money-in endpoints: the published wallet balances, card
top-ups (Stripe Checkout) and credit requests."""
from typing import Literal

from pydantic import Field

from core.limits import CREDIT_MAX_CENTS, CREDIT_REQUEST_REASON_MAX, CURRENCY
from core.money import cents_to_number, format_cents
from core.timeutil import isoformat
from models.payment import PAYMENT_STATUSES, REQUEST_STATUSES
from services.card_payments import CHECKOUT_LIFETIME
from services.inputs import DollarString, RequestedCents
from views.api.response_schemas import AmountNumber, Count, Currency, Dollars, Id, Out, Timestamp
from views.api.schemas import Body

# --- Bodies ---------------------------------------------------------------------------------------


class CheckoutBody(Body):
    amount: DollarString = Field(description="Dollars as a string with at most 2 decimals, within the bounds "
                                             "`GET /wallet/payment-availability` gives")


class CreditRequestBody(Body):
    amount_cents: RequestedCents = Field(description=f"Cents, 1 to {CREDIT_MAX_CENTS}")
    # The service trims and checks the reason, so it is refused in the same words on the wallet page.
    reason: str = Field(description=f"Why, for the administrators (1 to {CREDIT_REQUEST_REASON_MAX} characters)",
                        json_schema_extra={"minLength": 1, "maxLength": CREDIT_REQUEST_REASON_MAX})


# --- Answers --------------------------------------------------------------------------------------


class Balances(Out):
    general_balance: Dollars


class GeneralBalance(Out):
    id: Id = Field(description="The wallet's id: its owner's user id")
    user_id: Id
    general_balance: Dollars
    created_at: Timestamp
    updated_at: Timestamp = Field(description="When the balance last moved (the account's creation if never)")


class StripeAvailability(Out):
    enabled: bool
    min_usd: AmountNumber
    max_usd: AmountNumber


class PaymentAvailability(Out):
    stripe: StripeAvailability


class PaymentIntent(Out):
    """A card payment, in the published service's shape (its SDK's ``StripePaymentIntent``) and a few more
    fields of ours."""

    id: Id
    provider: Literal["stripe"]
    status: Literal[PAYMENT_STATUSES] = Field(
        description="pending until Stripe reports it paid (completed: the wallet is credited) or expired")
    amount: AmountNumber = Field(description="Dollars, as a number")
    amount_cents: Count
    currency: Currency
    redirect_url: str | None = Field(description="While pending: where to pay (Stripe's checkout page)")
    credited_at: Timestamp | None = Field(description="When the wallet was credited")
    expires_at: Timestamp | None = Field(description="Until when a pending payment can be made")
    checkout_url: str | None = Field(description="The same as redirect_url")
    checkout_session_id: str | None
    transaction_id: Id | None = Field(description="The top-up transaction, once completed")
    created_at: Timestamp
    updated_at: Timestamp
    completed_at: Timestamp | None = Field(description="The same as credited_at")


class CheckoutStarted(Out):
    intent: PaymentIntent = Field(description="The payment intent, as the published service answers it")
    checkout_url: str = Field(description="Stripe's page where the payment is made")
    intent_id: Id
    status: Literal[PAYMENT_STATUSES]


class PaymentIntentList(Out):
    intents: list[PaymentIntent] = Field(description="Newest first")
    total: Count


class WebhookReceived(Out):
    received: bool
    result: Literal["credited", "expired", "ignored"]


class CreditRequestOut(Out):
    id: Id
    user_id: Id
    amount: Dollars
    amount_cents: Count
    currency: Currency
    reason: str
    status: Literal[REQUEST_STATUSES]
    created_at: Timestamp
    decided_at: Timestamp | None
    transaction_id: Id | None


class AdminCreditRequest(CreditRequestOut):
    username: str


# --- Serializers ----------------------------------------------------------------------------------


def balances(cents: int) -> dict:
    return {"general_balance": format_cents(cents)}


def general_balance(user, updated_at) -> dict:
    return {"id": user.id, "user_id": user.id, "general_balance": format_cents(user.balance_cents),
            "created_at": isoformat(user.created_at), "updated_at": isoformat(updated_at)}


def availability(found) -> dict:
    return {"stripe": {"enabled": found.enabled, "min_usd": cents_to_number(found.min_cents),
                       "max_usd": cents_to_number(found.max_cents)}}


def checkout_started(payment) -> dict:
    return {"intent": payment_intent(payment), "checkout_url": payment.checkout_url, "intent_id": payment.id,
            "status": payment.status}


def payment_intent(payment) -> dict:
    pay_at = payment.checkout_url if payment.status == "pending" else None
    return {
        "id": payment.id, "provider": "stripe", "status": payment.status,
        "amount": cents_to_number(payment.amount_cents), "amount_cents": payment.amount_cents,
        "currency": payment.currency, "redirect_url": pay_at, "credited_at": isoformat(payment.completed_at),
        "expires_at": isoformat(payment.created_at + CHECKOUT_LIFETIME) if payment.status == "pending" else None,
        "checkout_url": pay_at, "checkout_session_id": payment.checkout_session_id,
        "transaction_id": payment.transaction_id, "created_at": isoformat(payment.created_at),
        "updated_at": isoformat(payment.updated_at), "completed_at": isoformat(payment.completed_at),
    }


def payment_intents(items: list, total: int) -> dict:
    return {"intents": [payment_intent(payment) for payment in items], "total": total}


def credit_request(request) -> dict:
    return {
        "id": request.id, "user_id": request.user_id, "amount": format_cents(request.amount_cents),
        "amount_cents": request.amount_cents, "currency": request.currency, "reason": request.reason,
        "status": request.status, "created_at": isoformat(request.created_at),
        "decided_at": isoformat(request.decided_at), "transaction_id": request.transaction_id,
    }


def admin_credit_request(request, user) -> dict:
    return {**credit_request(request), "username": user.username}


# --- Examples -------------------------------------------------------------------------------------

BALANCES = {"general_balance": "123.45"}
GENERAL_BALANCE = {"id": "507f1f77bcf86cd799439011", "user_id": "507f1f77bcf86cd799439011",
                   "general_balance": "123.45", "created_at": "2025-01-01T00:00:00.000Z",
                   "updated_at": "2025-01-21T22:00:00.000Z"}
TRANSACTION = {"id": "507f1f77bcf86cd799439321", "type": "top_up", "amount": 50, "currency": CURRENCY,
               "created_at": "2025-01-21T22:00:00.000Z", "rental_id": None}
AVAILABILITY = {"stripe": {"enabled": True, "min_usd": 5, "max_usd": 1000}}
CHECKOUT_BODY = {"amount": "50.00"}
PAYMENT_INTENT = {
    "id": "507f1f77bcf86cd799439360", "provider": "stripe", "status": "completed", "amount": 50, "amount_cents": 5000,
    "currency": CURRENCY, "redirect_url": None, "credited_at": "2025-01-21T22:03:00.000Z", "expires_at": None,
    "checkout_url": None, "checkout_session_id": "cs_test_a1b2c3", "transaction_id": "507f1f77bcf86cd799439361",
    "created_at": "2025-01-21T22:00:00.000Z", "updated_at": "2025-01-21T22:03:00.000Z",
    "completed_at": "2025-01-21T22:03:00.000Z"}
PENDING_INTENT = {
    **PAYMENT_INTENT, "status": "pending", "redirect_url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3",
    "credited_at": None, "expires_at": "2025-01-22T22:00:00.000Z",
    "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3", "transaction_id": None,
    "updated_at": "2025-01-21T22:00:00.000Z", "completed_at": None}
CHECKOUT_STARTED = {"intent": PENDING_INTENT, "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3",
                    "intent_id": "507f1f77bcf86cd799439360", "status": "pending"}
PAYMENT_INTENTS = {"intents": [PAYMENT_INTENT], "total": 1}
WEBHOOK_RECEIVED = {"received": True, "result": "credited"}
CREDIT_REQUEST_BODY = {"amount_cents": 50000, "reason": "Team budget for January; we pay by bank transfer"}
CREDIT_REQUEST = {
    "id": "507f1f77bcf86cd799439370", "user_id": "507f1f77bcf86cd799439011", "amount": "500.00",
    "amount_cents": 50000, "currency": CURRENCY, "reason": "Team budget for January; we pay by bank transfer",
    "status": "pending", "created_at": "2025-01-21T22:00:00.000Z", "decided_at": None, "transaction_id": None}
APPROVED_CREDIT_REQUEST = {**CREDIT_REQUEST, "username": "alice", "status": "approved",
                           "decided_at": "2025-01-22T09:00:00.000Z", "transaction_id": "507f1f77bcf86cd799439371"}
