"""Card top-ups through Stripe Checkout, through the API (docs/PAYMENTS.md): the availability, opening a
checkout, the intents, and Stripe's signed webhook crediting the wallet once per checkout session.

Stripe is a local stand-in (``tests/stripe_stand_in.py``) that answers the real ``stripe`` library's
calls; webhook deliveries are signed with Stripe's scheme, so the app's verification runs for real.
"""
import threading
import time

import pytest
from sqlalchemy import func, select

from models import CardPayment, Transaction
from tests.ledger import assert_books_balance, balance_of
from tests.races import count
from tests.stripe_stand_in import (
    SECRET_KEY,
    WEBHOOK_PATH,
    deliver,
    event_payload,
    paid,
    signature_header,
    stripe_api,  # noqa: F401
)

CHECKOUT = "/wallet/payments/stripe/checkout"


def checkout(api, person, amount="50.00"):
    return api.post(CHECKOUT, as_=person, json={"amount": amount})


def opened(api, stripe_api, person, amount="50.00") -> tuple[dict, dict]:
    """A checkout opened for ``amount``: the answer's data and the session the stand-in made."""
    response = checkout(api, person, amount)
    assert response.status_code == 201, response.json
    started = response.json["data"]
    session_id = started["checkout_url"].rsplit("/", 1)[1]
    return started, stripe_api.sessions[session_id]


def top_ups(app, user_id: str) -> int:
    return count(app, select(func.count()).select_from(Transaction)
                 .where(Transaction.user_id == user_id, Transaction.type == "top_up"))


# --- Availability ---------------------------------------------------------------------------------

def test_without_stripe_keys_card_payments_are_off_and_a_checkout_is_refused(api, make_user):
    alice = make_user("alice")
    assert api.get("/wallet/payment-availability", as_=alice).json["data"] == {
        "stripe": {"enabled": False, "min_usd": 5, "max_usd": 1000}}
    refused = checkout(api, alice)
    assert (refused.status_code, refused.json["code"]) == (409, "CARD_PAYMENTS_DISABLED")
    assert refused.json["message"] == "Card payments are not available on this installation"


def test_with_the_keys_card_payments_are_on_within_the_configured_bounds(app, api, make_user, stripe_api):
    alice = make_user("alice")
    app.config.update(STRIPE_MIN_USD="10.50", STRIPE_MAX_USD="250.00")
    assert api.get("/wallet/payment-availability", as_=alice).json == {
        "statusCode": 200, "message": "Payment availability retrieved successfully",
        "data": {"stripe": {"enabled": True, "min_usd": 10.5, "max_usd": 250}}}


def test_the_secret_key_alone_does_not_turn_card_payments_on(app, api, make_user, stripe_api):
    # Without the webhook's secret no payment could ever be credited.
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    alice = make_user("alice")
    assert api.get("/wallet/payment-availability", as_=alice).json["data"]["stripe"]["enabled"] is False
    assert checkout(api, alice).status_code == 409


# --- Opening a checkout ---------------------------------------------------------------------------

def test_a_checkout_opens_a_stripe_session_for_the_amount_and_stores_a_pending_intent(app, api, make_user,
                                                                                     stripe_api):
    alice = make_user("alice")
    started, session = opened(api, stripe_api, alice, "50.00")
    assert list(started) == ["intent", "checkout_url", "intent_id", "status"]
    assert started["status"] == started["intent"]["status"] == "pending"
    assert started["intent_id"] == started["intent"]["id"]
    assert started["checkout_url"] == session["url"] == f"{stripe_api.base_url}/pay/{session['id']}"

    [call] = stripe_api.requests
    assert call["headers"]["Authorization"] == f"Bearer {SECRET_KEY}"
    assert call["headers"]["Idempotency-Key"] == f"checkout-{started['intent_id']}"
    params = call["params"]
    assert params["mode"] == "payment"
    assert params["line_items"] == {"0": {"quantity": "1", "price_data": {
        "currency": "usd", "unit_amount": "5000", "product_data": {"name": "Wallet top-up"}}}}
    assert params["client_reference_id"] == started["intent_id"]
    assert params["metadata"] == {"intent_id": started["intent_id"], "user_id": alice.id}
    assert params["success_url"] == f"http://127.0.0.1:5000/wallet?card_payment={started['intent_id']}"
    assert params["cancel_url"] == (f"http://127.0.0.1:5000/wallet?card_payment={started['intent_id']}"
                                    f"&checkout=cancelled")

    intent = api.get(f"/wallet/payments/stripe/intents/{started['intent_id']}", as_=alice).json["data"]
    assert {key: intent[key] for key in ("id", "provider", "amount", "amount_cents", "currency", "status",
                                         "checkout_url", "checkout_session_id", "transaction_id",
                                         "completed_at")} == {
        "id": started["intent_id"], "provider": "stripe", "amount": 50, "amount_cents": 5000,
        "currency": "USD", "status": "pending", "checkout_url": session["url"], "checkout_session_id": session["id"],
        "transaction_id": None, "completed_at": None}
    assert balance_of(app, alice.id) == 0  # opening a checkout credits nothing


@pytest.mark.parametrize("amount, problem", [
    ("4.99", "amount must be between $5.00 and $1000.00"),
    ("1000.01", "amount must be between $5.00 and $1000.00"),
    ("0", "amount must be between $5.00 and $1000.00"),
    ("50.001", "amount must not have fractions of a cent (at most 2 decimal places)"),
    ("fifty", 'amount must be an amount of dollars such as "50.00"'),
    ("-50.00", 'amount must be an amount of dollars such as "50.00"'),
    ("1e3", 'amount must be an amount of dollars such as "50.00"'),
    ("NaN", 'amount must be an amount of dollars such as "50.00"'),
    (50, "amount must be a string"),
    (None, "amount must be a string"),
])
def test_an_amount_that_is_not_a_money_string_within_the_bounds_is_a_400(api, make_user, stripe_api, amount,
                                                                        problem):
    alice = make_user("alice")
    refused = checkout(api, alice, amount)
    assert (refused.status_code, refused.json["code"]) == (400, "VALIDATION_FAILED"), refused.json
    assert problem in refused.json["message"]
    assert stripe_api.requests == []  # Stripe is not asked


def test_the_bounds_themselves_are_allowed(api, make_user, stripe_api):
    alice = make_user("alice")
    assert checkout(api, alice, "5.00").status_code == 201
    assert checkout(api, alice, "1000").status_code == 201


def test_a_checkout_stripe_refuses_is_a_502_and_the_intent_is_marked_failed(api, make_user, stripe_api):
    alice = make_user("alice")
    stripe_api.refuse_next = True
    refused = checkout(api, alice)
    assert (refused.status_code, refused.json["code"]) == (502, "PAYMENT_PROVIDER_ERROR")
    [intent] = api.get("/wallet/payments/stripe/intents", as_=alice).json["data"]["intents"]
    assert (intent["status"], intent["checkout_url"], intent["checkout_session_id"]) == ("failed", None, None)


def test_the_intents_are_the_callers_own_newest_first(api, make_user, stripe_api):
    alice, bob = make_user("alice"), make_user("bob")
    first, _ = opened(api, stripe_api, alice, "10.00")
    second, _ = opened(api, stripe_api, alice, "20.00")
    theirs, _ = opened(api, stripe_api, bob, "30.00")
    listed = api.get("/wallet/payments/stripe/intents", as_=alice)
    assert [intent["id"] for intent in listed.json["data"]["intents"]] == [second["intent_id"], first["intent_id"]]
    assert listed.json["data"]["total"] == 2
    assert listed.headers["X-Total-Count"] == "2"
    assert api.get(f"/wallet/payments/stripe/intents/{theirs['intent_id']}", as_=alice).status_code == 404
    assert api.get("/wallet/payments/stripe/intents/not-an-id", as_=alice).status_code == 400


# --- The webhook ----------------------------------------------------------------------------------

def test_a_paid_session_credits_the_wallet_once_however_often_it_is_delivered(app, client, api, make_user,
                                                                              stripe_api):
    alice = make_user("alice")
    started, session = opened(api, stripe_api, alice, "50.00")
    payload = paid(session)
    first = deliver(client, payload)
    assert first.status_code == 200
    assert first.json["data"] == {"received": True, "result": "credited"}
    again = deliver(client, payload)  # Stripe retries: the same event, signed anew
    assert (again.status_code, again.json["data"]["result"]) == (200, "ignored")
    another_event = deliver(client, paid(session))  # or a second event about the same session
    assert another_event.json["data"]["result"] == "ignored"

    assert balance_of(app, alice.id) == 5000
    assert top_ups(app, alice.id) == 1
    intent = api.get(f"/wallet/payments/stripe/intents/{started['intent_id']}", as_=alice).json["data"]
    assert intent["status"] == "completed" and intent["checkout_url"] is None and intent["completed_at"]
    [transaction] = api.get("/wallet/transactions", as_=alice).json["data"]
    assert transaction["id"] == intent["transaction_id"]
    assert (transaction["type"], transaction["amount"]) == ("top_up", 50)
    assert api.get("/wallet/balances", as_=alice).json["data"] == {"general_balance": "50.00"}
    assert_books_balance(app, alice.id)


def test_two_deliveries_racing_credit_once(app, make_user, api, stripe_api):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice, "75.00")
    payload = paid(session)
    header = signature_header(payload)
    deliveries = 4
    barrier = threading.Barrier(deliveries)
    results = [None] * deliveries

    def send(index):
        client = app.test_client()
        barrier.wait()
        response = client.post(WEBHOOK_PATH, data=payload, headers={"Stripe-Signature": header,
                                                                    "Content-Type": "application/json"})
        results[index] = (response.status_code, response.get_json()["data"]["result"])

    threads = [threading.Thread(target=send, args=(index,)) for index in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [(200, "credited")] + [(200, "ignored")] * (deliveries - 1)
    assert balance_of(app, alice.id) == 7500
    assert top_ups(app, alice.id) == 1
    assert_books_balance(app, alice.id)


def test_a_bad_signature_is_a_400_and_credits_nothing(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice)
    payload = paid(session)
    for header in (signature_header(payload, secret="whsec_someone_else"), "t=1,v1=00", "", "garbage"):
        refused = deliver(client, payload, header=header)
        assert (refused.status_code, refused.json["code"]) == (400, "WEBHOOK_SIGNATURE_INVALID"), header
    tampered = payload.replace(b'"amount_total": 5000', b'"amount_total": 500000')
    assert deliver(client, tampered, header=signature_header(payload)).status_code == 400
    assert balance_of(app, alice.id) == 0


def test_a_delivery_older_than_the_tolerance_is_refused(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice)
    payload = paid(session)
    stale = deliver(client, payload, header=signature_header(payload, timestamp=int(time.time()) - 301))
    assert (stale.status_code, stale.json["code"]) == (400, "WEBHOOK_SIGNATURE_INVALID")
    assert "Timestamp outside the tolerance zone" in stale.json["message"]
    assert balance_of(app, alice.id) == 0


def test_an_unknown_session_is_acknowledged_and_ignored(app, client, make_user, stripe_api):
    alice = make_user("alice")
    stranger = {"id": "cs_test_not_ours", "object": "checkout.session", "amount_total": 5000, "currency": "usd",
                "client_reference_id": None, "metadata": {}}
    answer = deliver(client, paid(stranger))
    assert (answer.status_code, answer.json["data"]["result"]) == (200, "ignored")
    # A reference that names no intent of ours is no better.
    answer = deliver(client, paid({**stranger, "client_reference_id": alice.id}))
    assert answer.json["data"]["result"] == "ignored"
    assert count(app, select(func.count()).select_from(Transaction)) == 0


def test_an_unpaid_completion_credits_nothing_until_the_payment_succeeds(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice)
    pending = event_payload("checkout.session.completed", session, payment_status="unpaid", status="complete")
    assert deliver(client, pending).json["data"]["result"] == "ignored"
    assert balance_of(app, alice.id) == 0
    succeeded = event_payload("checkout.session.async_payment_succeeded", session, payment_status="paid")
    assert deliver(client, succeeded).json["data"]["result"] == "credited"
    assert balance_of(app, alice.id) == 5000


def test_a_session_paid_for_another_amount_is_not_credited(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice, "50.00")
    answer = deliver(client, event_payload("checkout.session.completed", session, payment_status="paid",
                                           amount_total=1))
    assert answer.json["data"]["result"] == "ignored"
    assert balance_of(app, alice.id) == 0


def test_an_expired_session_marks_the_intent_expired(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    started, session = opened(api, stripe_api, alice)
    expired = event_payload("checkout.session.expired", session, status="expired")
    assert deliver(client, expired).json["data"]["result"] == "expired"
    assert deliver(client, expired).json["data"]["result"] == "ignored"
    intent = api.get(f"/wallet/payments/stripe/intents/{started['intent_id']}", as_=alice).json["data"]
    assert (intent["status"], intent["checkout_url"]) == ("expired", None)
    assert balance_of(app, alice.id) == 0


def test_an_expiry_after_the_payment_leaves_it_completed(app, client, api, make_user, stripe_api):
    alice = make_user("alice")
    started, session = opened(api, stripe_api, alice)
    deliver(client, paid(session))
    assert deliver(client, event_payload("checkout.session.expired", session)).json["data"]["result"] == "ignored"
    assert api.get(f"/wallet/payments/stripe/intents/{started['intent_id']}",
                   as_=alice).json["data"]["status"] == "completed"
    assert balance_of(app, alice.id) == 5000


def test_other_events_are_acknowledged(client, stripe_api):
    answer = deliver(client, event_payload("payment_intent.created", {"id": "pi_1", "object": "payment_intent"}))
    assert (answer.status_code, answer.json["data"]["result"]) == (200, "ignored")


def test_the_webhook_needs_no_token_and_no_csrf_token_but_is_off_without_its_secret(app, client, stripe_api):
    payload = event_payload("payment_intent.created", {"id": "pi_1"})
    assert deliver(client, payload).status_code == 200
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    off = deliver(client, payload)
    assert (off.status_code, off.json["code"]) == (409, "CARD_PAYMENTS_DISABLED")


def test_a_top_up_is_only_ever_a_credit(app, client, api, make_user, stripe_api):
    """The money of a top-up goes into the wallet and nothing else takes it: the balance moves by the credit."""
    alice = make_user("alice")
    _, first = opened(api, stripe_api, alice, "20.00")
    _, second = opened(api, stripe_api, alice, "30.00")
    deliver(client, paid(first))
    assert balance_of(app, alice.id) == 2000
    deliver(client, paid(second))
    deliver(client, paid(first))
    assert balance_of(app, alice.id) == 5000
    with app.app_context():
        from core.extensions import db

        kinds = db.session.execute(select(Transaction.type, Transaction.amount_cents)
                                   .where(Transaction.user_id == alice.id).order_by(Transaction.amount_cents)).all()
        completed = db.session.scalar(select(func.count()).select_from(CardPayment)
                                      .where(CardPayment.status == "completed"))
        db.session.remove()
    assert [tuple(row) for row in kinds] == [("top_up", 2000), ("top_up", 3000)]
    assert completed == 2
    assert_books_balance(app, alice.id)


def test_the_credit_notifies_the_payer(app, client, api, make_user, stripe_api, run_jobs):
    alice = make_user("alice")
    _, session = opened(api, stripe_api, alice, "50.00")
    deliver(client, paid(session))
    run_jobs()
    [note] = api.get("/notifications", as_=alice).json["data"]
    assert note["title"] == "$50.00 added to your wallet"
    assert note["message"] == "Your wallet was credited with $50.00 (card payment). Your balance is now $50.00."
