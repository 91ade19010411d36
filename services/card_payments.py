"""Card top-ups through Stripe Checkout.

``start_checkout`` records a pending payment (the API calls it an intent) and asks Stripe for a
Checkout Session for it; the person pays on Stripe's page. Only Stripe's signed webhook credits the
wallet (``handle_webhook``): the payment's status moves to ``completed`` by one conditional update in
the same transaction as the credit, so however often Stripe delivers ``checkout.session.completed``
(it retries, and may deliver twice at once), the wallet is credited once. Card top-ups are off until
``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are set (docs/PAYMENTS.md).
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

import stripe
from flask import current_app
from sqlalchemy import or_, select, update

from core.extensions import db
from core.limits import CURRENCY
from core.money import format_dollars, parse_dollars
from core.timeutil import utcnow
from models import CardPayment, User
from models.payment import PAYMENT_COMPLETED, PAYMENT_EXPIRED, PAYMENT_FAILED, PAYMENT_PENDING
from services import events, inputs, ledger
from services.atomic import write_transaction
from services.errors import (
    BadRequest,
    CardPaymentsDisabled,
    NotFound,
    PaymentProviderError,
    WebhookSignatureInvalid,
)
from services.mail import absolute
from services.notification_texts import WALLET_CREDITED
from services.paging import Page, paginate

log = logging.getLogger(__name__)

COMPLETED_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
EXPIRED_EVENT = "checkout.session.expired"
# How long a checkout can be paid: Stripe's own default, and its longest (the session is opened with it).
CHECKOUT_LIFETIME = timedelta(hours=24)
PRODUCT_NAME = "Wallet top-up"
NETWORK_RETRIES = 2  # safe: every create carries the payment's id as its idempotency key


@dataclass(frozen=True)
class Availability:
    enabled: bool
    min_cents: int
    max_cents: int


def availability() -> Availability:
    config = current_app.config
    return Availability(
        enabled=bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET")),
        min_cents=parse_dollars(config.get("STRIPE_MIN_USD", "5.00")),
        max_cents=parse_dollars(config.get("STRIPE_MAX_USD", "1000.00")),
    )


def _client() -> stripe.StripeClient:
    base = current_app.config.get("STRIPE_API_BASE")
    return stripe.StripeClient(current_app.config["STRIPE_SECRET_KEY"],
                               base_addresses={"api": base} if base else None,
                               max_network_retries=NETWORK_RETRIES)


def _require_enabled() -> Availability:
    found = availability()
    if not found.enabled:
        raise CardPaymentsDisabled("Card payments are not available on this installation")
    return found


def start_checkout(user: User, amount) -> CardPayment:
    """A pending payment of ``amount`` (a dollar string such as ``"50.00"``) and its Stripe Checkout
    Session; the payment's ``checkout_url`` is where the person pays. Nothing is credited here."""
    bounds = _require_enabled()
    [cents] = inputs.checked(amount=(inputs.DollarString, amount))
    if not bounds.min_cents <= cents <= bounds.max_cents:
        raise BadRequest.for_field("amount", f"must be between {format_dollars(bounds.min_cents)} and "
                                             f"{format_dollars(bounds.max_cents)}")
    with write_transaction():
        payment = CardPayment(user_id=user.id, amount_cents=cents, status=PAYMENT_PENDING)
        db.session.add(payment)
    payment_id, expires_at = payment.id, payment.created_at + CHECKOUT_LIFETIME
    # Stripe is asked outside any transaction: no lock is held while it answers.
    try:
        session = _client().v1.checkout.sessions.create(params={
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": CURRENCY.lower(), "unit_amount": cents,
                "product_data": {"name": PRODUCT_NAME}}}],
            "success_url": absolute(f"/wallet?card_payment={payment_id}"),
            "cancel_url": absolute(f"/wallet?card_payment={payment_id}&checkout=cancelled"),
            "client_reference_id": payment_id,
            "expires_at": int(expires_at.timestamp()),
            "metadata": {"intent_id": payment_id, "user_id": user.id},
        }, options={"idempotency_key": f"checkout-{payment_id}"})
    except stripe.StripeError as error:
        log.warning("Stripe did not open a checkout for payment %s: %s", payment_id, error)
        _set(payment_id, status=PAYMENT_FAILED)
        raise PaymentProviderError("The card payment could not be started; nothing was charged. "
                                   "Please try again later.") from None
    _set(payment_id, checkout_session_id=session.id, checkout_url=session.url)
    return db.session.get(CardPayment, payment_id)


def _set(payment_id: str, **values) -> None:
    with write_transaction():
        db.session.execute(update(CardPayment).where(CardPayment.id == payment_id)
                           .values(updated_at=utcnow(), **values), execution_options={"synchronize_session": False})
    db.session.expire_all()


def payments(user: User, page: Page) -> tuple[list[CardPayment], int]:
    """The caller's card payments, newest first."""
    statement = (select(CardPayment).where(CardPayment.user_id == user.id)
                 .order_by(CardPayment.created_at.desc(), CardPayment.id.desc()))
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total


def get_payment(user: User, payment_id: str) -> CardPayment:
    """One of the caller's card payments; 404 for anyone else's."""
    payment = db.session.get(CardPayment, payment_id) if inputs.is_valid(inputs.ObjectId, payment_id) else None
    if payment is None or payment.user_id != user.id:
        raise NotFound("Payment intent not found")
    return payment


# --- Stripe's webhook ------------------------------------------------------------------------------

def handle_webhook(payload: bytes, signature: str | None) -> str:
    """Verify a delivery of Stripe's webhook and act on it; returns what was done (``credited``,
    ``expired``, ``ignored``). A bad signature, or one older than Stripe's tolerance, is a 400."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise CardPaymentsDisabled("Card payments are not available on this installation")
    try:
        event = stripe.Webhook.construct_event(payload, signature or "", secret)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(f"The Stripe-Signature does not verify: {error.user_message or error}") from None
    except ValueError:
        raise BadRequest("The webhook body is not a Stripe event") from None
    session = event["data"]["object"].to_dict()
    if event["type"] in COMPLETED_EVENTS:
        if session.get("payment_status") != "paid":
            return "ignored"  # paid later (async methods): async_payment_succeeded comes then
        return _complete(session)
    if event["type"] == EXPIRED_EVENT:
        return _expire(session)
    return "ignored"


def _payment_for(session) -> CardPayment | None:
    """The payment of a checkout session: by the session's id, or, if the answer to the create never
    reached us, by the reference the session carries."""
    reference = session.get("client_reference_id")
    condition = CardPayment.checkout_session_id == session["id"]
    if reference and inputs.is_valid(inputs.ObjectId, reference):
        condition = or_(condition, (CardPayment.id == reference) & CardPayment.checkout_session_id.is_(None))
    return db.session.scalar(select(CardPayment).where(condition))


def _complete(session) -> str:
    with write_transaction():
        payment = _payment_for(session)
        if payment is None:
            log.warning("Stripe reported checkout session %s paid, but no payment of ours has it", session["id"])
            return "ignored"
        if (session.get("amount_total") != payment.amount_cents
                or (session.get("currency") or "").upper() != payment.currency):
            log.error("Checkout session %s paid %s %s where payment %s asked for %s %s; not credited",
                      session["id"], session.get("amount_total"), session.get("currency"), payment.id,
                      payment.amount_cents, payment.currency)
            return "ignored"
        now = utcnow()
        # The one conditional update that makes a delivery the crediting one: any other finds it done.
        claimed = db.session.execute(
            update(CardPayment).where(CardPayment.id == payment.id, CardPayment.status != PAYMENT_COMPLETED)
            .values(status=PAYMENT_COMPLETED, completed_at=now, updated_at=now, checkout_session_id=session["id"]),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not claimed:
            return "ignored"
        cents = payment.amount_cents
        balance = ledger.add(cents, user_id=payment.user_id)
        note = f"Card payment {session['id']}"[:200]
        transaction = ledger.record(ledger.TOP_UP, cents, user_id=payment.user_id, note=note)
        db.session.execute(update(CardPayment).where(CardPayment.id == payment.id)
                           .values(transaction_id=transaction.id), execution_options={"synchronize_session": False})
        events.emit(WALLET_CREDITED, f"{WALLET_CREDITED}:{transaction.id}", user_id=payment.user_id,
                    subject=("transaction", transaction.id),
                    data={"transaction_id": transaction.id, "amount_cents": cents, "balance_cents": balance,
                          "note": "card payment"})
    return "credited"


def _expire(session) -> str:
    with write_transaction():
        payment = _payment_for(session)
        if payment is None:
            return "ignored"
        expired = db.session.execute(
            update(CardPayment).where(CardPayment.id == payment.id, CardPayment.status == PAYMENT_PENDING)
            .values(status=PAYMENT_EXPIRED, updated_at=utcnow()), execution_options={"synchronize_session": False},
        ).rowcount
    return "expired" if expired else "ignored"
