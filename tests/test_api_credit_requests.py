"""Requests for credit through the API: anyone asks, an administrator approves (the wallet is credited,
once) or rejects, and both sides hear of it in the app and by email (a real SMTP server)."""
import pytest
from sqlalchemy import func, select

from models import Transaction
from tests.ledger import assert_books_balance, balance_of
from tests.mail import give_verified_address, mail_server, text_of  # noqa: F401
from tests.races import count, race

ASK = "/wallet/credit-requests"


def ask(api, person, amount_cents=50_000, reason="Team budget for January; we pay by bank transfer"):
    return api.post(ASK, as_=person, json={"amount_cents": amount_cents, "reason": reason})


def credits(app, user_id: str) -> int:
    return count(app, select(func.count()).select_from(Transaction)
                 .where(Transaction.user_id == user_id, Transaction.type == "credit"))


def test_a_request_is_made_and_listed_as_the_callers_own(api, make_user, clock):
    alice, bob = make_user("alice"), make_user("bob")
    made = ask(api, alice)
    assert made.status_code == 201
    assert made.json["message"] == "Credit request created"
    request = made.json["data"]
    assert {key: request[key] for key in request if key not in ("id",)} == {
        "user_id": alice.id, "amount": "500.00", "amount_cents": 50_000, "currency": "USD",
        "reason": "Team budget for January; we pay by bank transfer", "status": "pending",
        "created_at": "2025-01-21T22:00:00.000Z", "decided_at": None, "transaction_id": None}
    clock.advance(minutes=1)
    second = ask(api, alice, 100, "  More  ").json["data"]
    assert second["reason"] == "More"  # trimmed
    ask(api, bob, 700)
    listed = api.get(ASK, as_=alice)
    assert [item["id"] for item in listed.json["data"]] == [second["id"], request["id"]]
    assert listed.headers["X-Total-Count"] == "2"


def test_a_whole_number_of_cents_written_with_a_point_is_taken(api, make_user):
    alice = make_user("alice")
    made = api.post(ASK, as_=alice, json={"amount_cents": 5000.0, "reason": "Computed by a script"})
    assert (made.status_code, made.json["data"]["amount_cents"]) == (201, 5000)


@pytest.mark.parametrize("body, field, message", [
    ({"amount_cents": 0, "reason": "x"}, "amount_cents", "must be greater than zero"),
    ({"amount_cents": -5, "reason": "x"}, "amount_cents", "must be greater than zero"),
    ({"amount_cents": 100_000_001, "reason": "x"}, "amount_cents", "must be at most $1000000.00"),
    ({"amount_cents": "5000", "reason": "x"}, "amount_cents", "must be an integer"),
    ({"amount_cents": 50.5, "reason": "x"}, "amount_cents", "must be an integer"),
    ({"amount_cents": True, "reason": "x"}, "amount_cents", "must be an integer"),
    ({"reason": "x"}, "amount_cents", "is required"),
    ({"amount_cents": 5000}, "reason", "is required"),
    ({"amount_cents": 5000, "reason": ""}, "reason", "must not be empty"),
    ({"amount_cents": 5000, "reason": "   "}, "reason", "must not be empty"),
    ({"amount_cents": 5000, "reason": "x" * 501}, "reason", "must be at most 500 characters"),
    ({"amount_cents": 5000, "reason": "a\x00b"}, "reason", "must not contain NUL characters"),
    ({"amount_cents": 5000, "reason": 7}, "reason", "must be a string"),
])
def test_a_bad_request_is_a_400_naming_the_field_and_nothing_is_stored(api, make_user, body, field, message):
    alice = make_user("alice")
    refused = api.post(ASK, as_=alice, json=body)
    assert (refused.status_code, refused.json["code"]) == (400, "VALIDATION_FAILED")
    assert {"field": field, "message": message} in refused.json["details"], refused.json
    assert api.get(ASK, as_=alice).json["data"] == []


def test_at_most_five_requests_wait_at_once(api, make_user):
    alice, root = make_user("alice"), make_user("root", is_admin=True)
    made = [ask(api, alice, 100 + n).json["data"]["id"] for n in range(5)]
    refused = ask(api, alice)
    assert (refused.status_code, refused.json["code"]) == (409, "TOO_MANY_CREDIT_REQUESTS")
    api.post(f"/admin/credit-requests/{made[0]}/reject", as_=root)
    assert ask(api, alice).status_code == 201


def test_an_administrator_lists_approves_and_the_wallet_is_credited_once(app, api, make_user, clock):
    alice, bob, root = make_user("alice"), make_user("bob"), make_user("root", is_admin=True)
    first = ask(api, alice, 50_000).json["data"]
    clock.advance(minutes=1)
    other = ask(api, bob, 2_500).json["data"]

    pending = api.get("/admin/credit-requests?status=pending", as_=root)
    assert [(item["id"], item["username"]) for item in pending.json["data"]] == [(first["id"], "alice"),
                                                                                (other["id"], "bob")]
    clock.advance(hours=2)
    approved = api.post(f"/admin/credit-requests/{first['id']}/approve", as_=root)
    assert approved.status_code == 200 and approved.json["message"] == "Credit request approved"
    assert approved.json["data"]["status"] == "approved"
    assert approved.json["data"]["decided_at"] == "2025-01-22T00:01:00.000Z"
    assert balance_of(app, alice.id) == 50_000

    again = api.post(f"/admin/credit-requests/{first['id']}/approve", as_=root)
    assert (again.status_code, again.json["code"]) == (409, "CREDIT_REQUEST_NOT_PENDING")
    assert again.json["message"] == "This request was approved already"
    assert api.post(f"/admin/credit-requests/{first['id']}/reject", as_=root).status_code == 409
    assert balance_of(app, alice.id) == 50_000 and credits(app, alice.id) == 1

    [transaction] = api.get("/wallet/transactions", as_=alice).json["data"]
    assert transaction["id"] == approved.json["data"]["transaction_id"]
    assert (transaction["type"], transaction["amount"]) == ("credit", 500)
    assert [item["id"] for item in api.get("/admin/credit-requests?status=pending", as_=root).json["data"]] == [
        other["id"]]
    assert [item["status"] for item in api.get("/admin/credit-requests", as_=root).json["data"]] == [
        "approved", "pending"]
    assert_books_balance(app, alice.id)


def test_a_rejection_credits_nothing(app, api, make_user):
    alice, root = make_user("alice"), make_user("root", is_admin=True)
    request = ask(api, alice).json["data"]
    rejected = api.post(f"/admin/credit-requests/{request['id']}/reject", as_=root)
    assert (rejected.status_code, rejected.json["data"]["status"]) == (200, "rejected")
    assert rejected.json["data"]["transaction_id"] is None
    assert api.post(f"/admin/credit-requests/{request['id']}/approve", as_=root).status_code == 409
    assert balance_of(app, alice.id) == 0 and credits(app, alice.id) == 0


def test_only_administrators_decide(api, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    request = ask(api, alice).json["data"]
    for path in (f"/admin/credit-requests/{request['id']}/approve", f"/admin/credit-requests/{request['id']}/reject"):
        assert api.post(path, as_=bob).json["code"] == "FORBIDDEN"
        assert api.post(path, as_=alice).json["code"] == "FORBIDDEN"  # nor the requester
    assert api.get("/admin/credit-requests", as_=bob).status_code == 403


def test_an_unknown_request_or_status_is_refused(api, make_user):
    root = make_user("root", is_admin=True)
    assert api.post("/admin/credit-requests/0123456789abcdef01234567/approve", as_=root).status_code == 404
    assert api.post("/admin/credit-requests/nope/approve", as_=root).status_code == 400
    refused = api.get("/admin/credit-requests?status=maybe", as_=root)
    assert refused.status_code == 400
    assert refused.json["details"] == [{"field": "status", "message": "must be one of pending, approved, rejected"}]


def test_two_administrators_approving_at_once_credit_once(app, api, make_user):
    alice = make_user("alice")
    admins = [make_user(f"root{n}", is_admin=True) for n in range(4)]
    request = ask(api, alice, 12_345).json["data"]
    results = race(app, [("POST", f"/admin/credit-requests/{request['id']}/approve", admin.headers, None)
                         for admin in admins])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409, 409, 409], results
    assert all(body["code"] == "CREDIT_REQUEST_NOT_PENDING" for status, body in results if status == 409)
    assert balance_of(app, alice.id) == 12_345
    assert credits(app, alice.id) == 1
    assert_books_balance(app, alice.id)


def test_an_approval_racing_a_rejection_decides_once(app, api, make_user):
    alice, ann, bob = make_user("alice"), make_user("ann", is_admin=True), make_user("bob", is_admin=True)
    request = ask(api, alice, 4_000).json["data"]
    results = race(app, [("POST", f"/admin/credit-requests/{request['id']}/approve", ann.headers, None),
                         ("POST", f"/admin/credit-requests/{request['id']}/reject", bob.headers, None)])
    assert sorted(status for status, _ in results) == [200, 409]
    status = api.get(ASK, as_=alice).json["data"][0]["status"]
    assert balance_of(app, alice.id) == (4_000 if status == "approved" else 0)
    assert_books_balance(app, alice.id)


def test_the_administrators_hear_of_a_request_and_the_requester_of_the_decision(app, api, make_user, mail_server,
                                                                                tick):
    alice, ann, bob = make_user("alice"), make_user("ann", is_admin=True), make_user("bob", is_admin=True)
    give_verified_address(api, alice, "alice@example.com", mail_server, tick)
    give_verified_address(api, ann, "ann@example.com", mail_server, tick)
    request = ask(api, alice, 50_000, "Team budget").json["data"]
    tick()

    for admin in (ann, bob):
        [note] = api.get("/notifications", as_=admin).json["data"]
        assert note["title"] == "alice asks for $500.00 of credit"
        assert note["message"] == ("alice asks for $500.00 of credit: “Team budget”. Approve it to credit their "
                                   "wallet, or reject it.")
    assert api.get("/notifications", as_=alice).json["data"] == []
    [mail] = [message for message in mail_server.to("ann@example.com") if "asks for" in message["Subject"]]
    assert mail["Subject"] == "alice asks for $500.00 of credit"
    assert "http://localhost/admin/credit-requests" in text_of(mail)
    assert "you are an administrator, who decides requests for credit" in text_of(mail)

    api.post(f"/admin/credit-requests/{request['id']}/approve", as_=bob)
    tick()
    [note] = api.get("/notifications", as_=alice).json["data"]
    assert (note["title"], note["severity"]) == ("Your request for $500.00 was approved", "SUCCESS")
    assert note["message"] == ("bob approved your request for $500.00 of credit; it is in your wallet, whose "
                               "balance is now $500.00.")
    [mail] = [message for message in mail_server.to("alice@example.com") if "request" in message["Subject"]]
    assert mail["Subject"] == "Your request for $500.00 was approved"
    assert "http://localhost/wallet" in text_of(mail)


def test_a_rejection_tells_the_requester(app, api, make_user, mail_server, tick):
    alice, root = make_user("alice"), make_user("root", is_admin=True)
    give_verified_address(api, alice, "alice@example.com", mail_server, tick)
    request = ask(api, alice, 900, "Snacks").json["data"]
    api.post(f"/admin/credit-requests/{request['id']}/reject", as_=root)
    tick()
    [note] = api.get("/notifications", as_=alice).json["data"]
    assert (note["title"], note["severity"]) == ("Your request for $9.00 was rejected", "WARNING")
    assert "root rejected your request for $9.00 of credit (“Snacks”)" in note["message"]
    [mail] = [message for message in mail_server.to("alice@example.com") if "rejected" in message["Subject"]]
    assert "Nothing was added to your wallet" in text_of(mail)
