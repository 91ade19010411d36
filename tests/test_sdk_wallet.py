"""The published SDK's client drives the published wallet paths against our server over real HTTP:
balances, payment availability, a card checkout (Stripe is the local stand-in) and its intent, which
Stripe's signed webhook completes.

A Node script (``tests/sdk/wallet_check.mjs``) makes the calls with the SDK's own files (vendored under
``tests/sdk/hoody-sdk``); the checks are here. Node is required: without it this test fails rather than skips.
"""
from tests.live_server import served
from tests.sdk_runner import run_sdk
from tests.stripe_stand_in import deliver, paid, stripe_api  # noqa: F401


def test_the_published_sdk_tops_up_a_wallet_by_card(app, make_user, stripe_api, clock):
    payer, other = make_user("alice"), make_user("bob")
    with served(app) as base_url:
        before = run_sdk("wallet_check.mjs", base_url, payer_token=payer.token, other_token=other.token,
                         phase="checkout")
        assert before["balances"] == {"statusCode": 200, "message": "Balances retrieved successfully",
                                      "data": {"general_balance": "0.00"}}
        assert before["general"]["data"] == {"id": payer.id, "user_id": payer.id, "general_balance": "0.00",
                                             "created_at": "2025-01-21T22:00:00.000Z",
                                             "updated_at": "2025-01-21T22:00:00.000Z"}
        assert before["availability"]["data"] == {"stripe": {"enabled": True, "min_usd": 5, "max_usd": 1000}}
        started = before["checkout"]
        assert (started["statusCode"], started["message"]) == (201, "Checkout session created")
        intent_id = started["data"]["intent"]["id"]
        [session] = stripe_api.sessions.values()
        assert started["data"]["checkout_url"] == started["data"]["intent"]["redirect_url"] == session["url"]
        assert (started["data"]["intent_id"], started["data"]["status"]) == (intent_id, "pending")
        assert {key: started["data"]["intent"][key] for key in ("provider", "status", "amount", "currency",
                                                                "credited_at")} == {
            "provider": "stripe", "status": "pending", "amount": 50, "currency": "USD", "credited_at": None}
        assert before["fractionOfACent"]["status"] == 400
        assert before["belowTheMinimum"] == {"status": 400, "code": "VALIDATION_FAILED",
                                             "message": "amount must be between $5.00 and $1000.00"}
        assert before["intents"]["data"]["total"] == 1
        [listed] = before["intents"]["data"]["intents"]
        assert (listed["id"], listed["status"], listed["amount"]) == (intent_id, "pending", 50)
        assert before["othersIntent"]["status"] == 404

        assert deliver(app.test_client(), paid(session)).json["data"]["result"] == "credited"
        after = run_sdk("wallet_check.mjs", base_url, payer_token=payer.token, other_token=other.token,
                        phase="after", intent_id=intent_id)
    assert after["balances"]["data"] == {"general_balance": "50.00"}
    assert after["general"]["data"]["general_balance"] == "50.00"
    intent = after["intent"]["data"]
    assert (intent["status"], intent["checkout_url"]) == ("completed", None)
    transaction = after["transaction"]["data"]
    assert (transaction["id"], transaction["type"], transaction["amount"]) == (intent["transaction_id"], "top_up", 50)
    assert after["othersTransaction"]["status"] == 404
