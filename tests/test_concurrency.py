"""Money under concurrency: requests racing from threads against the same app and database.

Every thread has its own client, so its own session and database connection; a barrier starts
them together. These run on SQLite and on PostgreSQL alike.
"""
from collections import Counter

from sqlalchemy import func, select

from core.extensions import db
from models import Rental, Transaction, User
from tests.factories import add_server, make_servers
from tests.ledger import assert_books_balance, balance_of
from tests.races import count, join, race
from tests.records import RENTABLE_SERVER

THREADS = 20


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


# --- Pools changing while members rent into them ----------------------------------------------

ROUNDS = 8
RENTS_PER_ROUND = 4


def race_servers(app, rounds: int) -> list[list[str]]:
    """Fresh servers for every round, ``RENTS_PER_ROUND`` of them: a rented server stays taken."""
    records = [{**RENTABLE_SERVER, "id": f"{0xace000 + n:024x}", "name": f"race-node-{n}"}
               for n in range(rounds * RENTS_PER_ROUND)]
    ids = list(make_servers(app, records).values())
    return [ids[n:n + RENTS_PER_ROUND] for n in range(0, len(ids), RENTS_PER_ROUND)]


def rentals_by_pool(app, user_id: str) -> Counter:
    with app.app_context():
        pools = db.session.scalars(select(Rental.pool_id).where(Rental.user_id == user_id)).all()
        db.session.remove()
        return Counter(pools)


def assert_rents_answered(results: list) -> int:
    """Each rent was charged (201) or found the pool gone from under it (404); the number charged."""
    for status, body in results:
        assert status in (201, 404), (status, body)
        if status == 404:
            assert body["message"] == "Pool not found"
    return sum(status == 201 for status, _ in results)


def test_a_pool_deleted_while_members_rent_into_it_leaves_no_rental_behind(app, api, make_user):
    owner = make_user("owner")
    member = make_user("member", balance_cents=ROUNDS * RENTS_PER_ROUND * 70_00)
    rented = 0
    for number, round_servers in enumerate(race_servers(app, ROUNDS)):
        pool_id = api.post("/pools", as_=owner, json={"name": f"Short-lived {number}"}).json["data"]["id"]
        join(api, owner, member, pool_id)
        rents = [("POST", f"/servers/{s}/rent", member.headers, {"rental_days": 7, "pool_id": pool_id})
                 for s in round_servers]
        deleted, *rent_results = race(app, [("DELETE", f"/pools/{pool_id}", owner.headers, None), *rents])

        assert deleted[0] == 200, deleted
        rented += assert_rents_answered(rent_results)
        assert api.get(f"/pools/{pool_id}", as_=owner).status_code == 404
        assert rentals_by_pool(app, member.id) == Counter({member.default_pool_id: rented})
        assert_books_balance(app, member.id)


def test_a_member_removed_while_renting_into_the_pool_keeps_no_rental_in_it(app, api, make_user):
    owner = make_user("owner")
    member = make_user("member", balance_cents=ROUNDS * RENTS_PER_ROUND * 70_00)
    pool_id = api.post("/pools", as_=owner, json={"name": "Shared"}).json["data"]["id"]
    rented = 0
    for round_servers in race_servers(app, ROUNDS):
        join(api, owner, member, pool_id)
        rents = [("POST", f"/servers/{s}/rent", member.headers, {"rental_days": 7, "pool_id": pool_id})
                 for s in round_servers]
        removed, *rent_results = race(app, [("DELETE", f"/pools/{pool_id}/members/{member.id}", owner.headers,
                                             None), *rents])

        assert removed[0] == 200, removed
        rented += assert_rents_answered(rent_results)
        assert api.get(f"/pools/{pool_id}", as_=member).status_code == 404
        assert rentals_by_pool(app, member.id) == Counter({member.default_pool_id: rented})
        assert_books_balance(app, member.id)


def test_concurrent_role_changes_each_record_the_role_they_changed(app, api, make_user):
    owner, member = make_user("owner"), make_user("member")
    pool_id = api.post("/pools", as_=owner, json={"name": "Shared"}).json["data"]["id"]
    join(api, owner, member, pool_id)
    changes = [("PATCH", f"/pools/{pool_id}/members/{member.id}", owner.headers, {"role": role})
               for role in ("admin", "user") * (THREADS // 2)]
    assert {status for status, _ in race(app, changes)} == {200}

    # One after another, each change starts from the role the one before it left.
    events = api.get(f"/pools/{pool_id}/audit", as_=owner, query_string={"limit": 100}).json["data"]
    steps = Counter((e["details"]["from"], e["details"]["to"]) for e in events if e["action"] == "member.role_changed")
    members = api.get(f"/pools/{pool_id}", as_=owner).json["data"]["members"]
    final_role = {m["user"]["id"]: m["role"] for m in members}[member.id]
    assert steps.total() == THREADS
    assert steps[("user", "admin")] - steps[("admin", "user")] == (final_role == "admin")
