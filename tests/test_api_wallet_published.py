"""The published service's wallet paths beside ours (API-CONTRACT-2 "Wallet"): the balances in its
shape, and one transaction of one's own."""
from tests.factories import add_server


def credited(api, make_user, username="alice", cents=12_345):
    person = make_user(username)
    root = make_user(f"{username}_root", is_admin=True)
    request = api.post("/wallet/credit-requests", as_=person, json={"amount_cents": cents, "reason": "x"})
    api.post(f"/admin/credit-requests/{request.json['data']['id']}/approve", as_=root)
    return person


def test_the_balances_are_a_dollar_string(api, make_user):
    alice = credited(api, make_user)
    answer = api.get("/wallet/balances", as_=alice)
    assert answer.json == {"statusCode": 200, "message": "Balances retrieved successfully",
                           "data": {"general_balance": "123.45"}}
    assert api.get("/wallet/balance", as_=alice).json["data"] == {"balance": "123.45", "balance_cents": 12345,
                                                                 "currency": "USD"}


def test_the_general_balance_is_the_wallet_with_when_it_last_moved(api, make_user, clock):
    bob = make_user("bob")
    fresh = api.get("/wallet/balances/general", as_=bob).json["data"]
    assert list(fresh) == ["id", "user_id", "general_balance", "created_at", "updated_at"]
    assert fresh == {"id": bob.id, "user_id": bob.id, "general_balance": "0.00",
                     "created_at": "2025-01-21T22:00:00.000Z", "updated_at": "2025-01-21T22:00:00.000Z"}
    clock.advance(days=1)
    alice = credited(api, make_user)
    general = api.get("/wallet/balances/general", as_=alice).json["data"]
    assert (general["general_balance"], general["updated_at"]) == ("123.45", "2025-01-22T22:00:00.000Z")


def test_one_transaction_is_the_callers_own_in_the_listed_shape(app, api, make_user):
    alice = credited(api, make_user)
    bob = make_user("bob")
    [listed] = api.get("/wallet/transactions", as_=alice).json["data"]
    one = api.get(f"/wallet/transactions/{listed['id']}", as_=alice)
    assert one.json == {"statusCode": 200, "message": "Transaction retrieved successfully", "data": listed}
    assert api.get(f"/wallet/transactions/{listed['id']}", as_=bob).json["code"] == "NOT_FOUND"
    assert api.get("/wallet/transactions/0123456789abcdef01234567", as_=alice).status_code == 404
    assert api.get("/wallet/transactions/not-an-id", as_=alice).status_code == 400


def test_a_rental_charge_is_one_of_the_transactions_too(app, api, make_user):
    alice = credited(api, make_user, cents=100_000)
    server_id = add_server(app)
    api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})
    rental, credit = api.get("/wallet/transactions", as_=alice).json["data"]
    assert api.get(f"/wallet/transactions/{rental['id']}", as_=alice).json["data"] == rental
    assert rental["type"] == "rental" and credit["type"] == "credit"
