"""Card top-ups through Stripe Checkout (the published service's paths), and Stripe's webhook."""
from dataclasses import dataclass
from typing import ClassVar

from flask import request

from core.limits import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, PAGE_OFFSET_MAX
from services import card_payments
from services.errors import CARD_PAYMENTS_DISABLED, NOT_FOUND, PAYMENT_PROVIDER_ERROR, WEBHOOK_SIGNATURE_INVALID
from services.paging import parse_page
from views.api import api
from views.api import payment_schemas as pay
from views.api.operations import operation
from views.api.support import api_user, json_body

DISABLED = "Card payments are not available on this installation"


@dataclass(frozen=True)
class PageQuery:
    """``limit`` and ``offset``, as the published service's list of intents takes them."""

    PARAMETERS: ClassVar[dict] = {
        "limit": ("Intents per page", {"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT_MAX,
                                       "default": PAGE_LIMIT_DEFAULT}),
        "offset": ("Intents to skip", {"type": "integer", "minimum": 0, "maximum": PAGE_OFFSET_MAX, "default": 0}),
    }
    limit: int | None = None
    offset: int | None = None


@api.get("/wallet/payment-availability")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Which ways to pay are on", message="Payment availability retrieved successfully",
           data=pay.PaymentAvailability, example=pay.AVAILABILITY,
           description="`stripe.enabled` is false while the installation has no Stripe keys; `min_usd` and "
                       "`max_usd` bound one card top-up, in dollars.")
def payment_availability():
    return pay.availability(card_payments.availability())


@api.post("/wallet/payments/stripe/checkout")
@operation(permission="financial.wallet.transfer",
           tag="Wallet", summary="Top up by card: open a Stripe Checkout", message="Checkout session created",
           status=201, body=pay.CheckoutBody, body_example=pay.CHECKOUT_BODY, data=pay.CheckoutStarted,
           example=pay.CHECKOUT_STARTED, errors=(CARD_PAYMENTS_DISABLED, PAYMENT_PROVIDER_ERROR),
           error_examples={CARD_PAYMENTS_DISABLED: DISABLED,
                           PAYMENT_PROVIDER_ERROR: "The card payment could not be started; nothing was charged. "
                                                   "Please try again later."},
           links={endpoint: {"intent_id": "$response.body#/data/intent/id"} for endpoint in ("api.get_payment_intent",)},
           description="Records a pending payment intent and opens a Stripe Checkout Session for it: send the "
                       "person to `checkout_url`. The wallet is credited only when Stripe's signed webhook reports "
                       "the session paid. 400 for an amount that is not a dollar string, has fractions of a cent "
                       "or is outside the bounds; 409 `CARD_PAYMENTS_DISABLED` while card payments are off.")
def stripe_checkout(body: pay.CheckoutBody):
    # The service checks the amount as sent (a dollar string), as it does for the wallet page.
    return pay.checkout_started(card_payments.start_checkout(api_user(), json_body()["amount"]))


@api.get("/wallet/payments/stripe/intents")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Your card payments", message="Payment intents retrieved successfully",
           query=PageQuery, counted=True, data=pay.PaymentIntentList, example=pay.PAYMENT_INTENTS,
           description="Newest first, as the published service lists them: `{intents, total}`, `limit` and "
                       "`offset`. `redirect_url` (and `checkout_url`) is given while the intent is pending.")
def payment_intents():
    items, total = card_payments.payments(api_user(), parse_page(request.args))
    return pay.payment_intents(items, total), total


@api.get("/wallet/payments/stripe/intents/<intent_id>")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="One of your card payments", message="Payment intent retrieved successfully",
           data=pay.PaymentIntent, example=pay.PAYMENT_INTENT, error_examples={NOT_FOUND: "Payment intent not found"},
           description="404 for anyone else's.")
def get_payment_intent(intent_id):
    return pay.payment_intent(card_payments.get_payment(api_user(), intent_id))


@api.post("/wallet/payments/stripe/webhook")
@operation(public=True, permission=None,
           tag="Wallet", summary="Stripe's webhook", message="Webhook received", data=pay.WebhookReceived,
           example=pay.WEBHOOK_RECEIVED, errors=(WEBHOOK_SIGNATURE_INVALID, CARD_PAYMENTS_DISABLED),
           error_examples={WEBHOOK_SIGNATURE_INVALID: "The Stripe-Signature does not verify: No signatures found "
                                                      "matching the expected signature for payload",
                           CARD_PAYMENTS_DISABLED: DISABLED},
           description="For Stripe only (docs/PAYMENTS.md): the body is verified against its `Stripe-Signature` "
                       "header with `STRIPE_WEBHOOK_SECRET` (400 if it does not verify or is more than 5 minutes "
                       "old). `checkout.session.completed` with `payment_status: paid` credits the wallet once per "
                       "checkout session, however often it is delivered; a repeat or an unknown session is "
                       "answered 200 `ignored`. `checkout.session.expired` marks the intent expired.")
def stripe_webhook():
    result = card_payments.handle_webhook(request.get_data(cache=True),
                                          request.headers.get("Stripe-Signature"))
    return {"received": True, "result": result}
