"""Money under concurrency: requests racing from threads against the same app and database.

Every thread has its own client, so its own session and database connection; a barrier starts
them together. These run on SQLite and on PostgreSQL alike.
"""
import threading
from collections import Counter

from sqlalchemy import func, select

from core.extensions import db
from models import Rental, Transaction, User
from tests.test_api_rentals import add_server, assert_books_balance, balance_of

THREADS = 20


def race(app, requests: list) -> list:
    """Send each ``(method, path, headers, json)`` from its own thread, all at once; the responses in order."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def send(index, method, path, headers, body):
        client = app.test_client()
        barrier.wait()
        try:
            response = client.open(f"/api/v1{path}", method=method, headers=headers, json=body)
            results[index] = (response.status_code, response.get_json())
        except Exception as error:  # reported below, so a failing thread fails the test
            results[index] = ("exception", repr(error))

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None and result[0] != "exception" for result in results), results
    return results


def count(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
        return value


def test_twenty_users_renting_one_server_at_once_one_wins(app, make_user):
    server_id = add_server(app)
    people = [make_user(f"renter{n}", balance_cents=100_00) for n in range(THREADS)]
    results = race(app, [("POST", f"/servers/{server_id}/rent", p.headers, {"rental_days": 7}) for p in people])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: THREADS - 1}, results
    assert count(app, select(func.count(Rental.id))) == 1
    assert count(app, select(func.count(Transaction.id)).where(Transaction.type == "rental")) == 1
    assert count(app, select(func.sum(User.balance_cents))) == THREADS * 100_00 - 70_00
    for person in people:
        assert_books_balance(app, person.id)


def test_concurrent_rents_beyond_a_balance_never_overdraw_it(app, make_user):
    alice = make_user("alice", balance_cents=3 * 70_00 + 50)
    servers = [add_server(app, id=f"507f1f77bcf86cd7994391{n:02d}", name=f"node-{n}") for n in range(10)]
    results = race(app, [("POST", f"/servers/{s}/rent", alice.headers, {"rental_days": 7}) for s in servers])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 3, 402: 7}, results
    assert balance_of(app, alice.id) == 50
    assert count(app, select(func.count(Rental.id))) == 3
    assert_books_balance(app, alice.id)


def test_the_same_idempotency_key_sent_concurrently_charges_once(app, make_user):
    alice = make_user("alice", balance_cents=1000_00)
    server_id = add_server(app)
    headers = {**alice.headers, "Idempotency-Key": "double-click"}
    results = race(app, [("POST", f"/servers/{server_id}/rent", headers, {"rental_days": 7})] * 10)

    assert {status for status, _ in results} == {201}, results
    assert len({repr(body) for _, body in results}) == 1  # the same response body every time
    assert balance_of(app, alice.id) == 1000_00 - 70_00
    assert count(app, select(func.count(Transaction.id)).where(Transaction.type == "rental")) == 1
    assert_books_balance(app, alice.id)


def test_concurrent_extends_with_the_same_expected_end_charge_once(app, api, make_user):
    alice = make_user("alice", balance_cents=1000_00)
    server_id = add_server(app)
    rented = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).json["data"]["rental"]
    body = {"additional_days": 7, "expected_rental_end": rented["rental_end"]}
    results = race(app, [("POST", f"/rentals/{rented['id']}/extend", alice.headers, body)] * 10)

    assert Counter(status for status, _ in results) == {200: 1, 409: 9}, results
    assert balance_of(app, alice.id) == 1000_00 - 2 * 70_00
    assert_books_balance(app, alice.id)
