"""Renting, rentals, extending and the wallet: the published shapes and the rules for money."""
import re

import pytest

from core.extensions import db
from core.ids import CANONICAL_ID_PATTERN
from tests.factories import add_server
from tests.ledger import assert_books_balance, balance_of
from tests.records import SEED_SERVER
from tests.snapshots import database_snapshot, database_unchanged
from tests.statements import statements_sent

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX24 = re.compile(CANONICAL_ID_PATTERN)

# The ``server`` object of a rental, as in the published rental examples: the browse object without
# its marketplace fields and prices.
SEED_RENTAL_SERVER = {key: value for key, value in SEED_SERVER.items()
                      if key not in ("category", "featured", "popularity_rank", "setup_time_minutes", "pricing")}


@pytest.fixture
def server_id(app):
    return add_server(app)


def envelope_data(response, status: int, message: str):
    assert response.status_code == status, response.json
    assert response.json["statusCode"] == status
    assert response.json["message"] == message
    assert list(response.json) == ["statusCode", "message", "data"]
    return response.json["data"]


def fund(app, team, cents: int) -> None:
    """Credit everyone in the team (through the wallet, so the books stay balanced)."""
    from services import wallet

    with app.app_context():
        for position in ("owner", "admin", "user", "other_user", "invitee", "stranger"):
            wallet.credit(team.person(position).username, cents)
        db.session.remove()


def rent(api, person, server_id, **body):
    return api.post(f"/servers/{server_id}/rent", as_=person, json={"rental_days": 7, **body})


# --- Renting: the published response ------------------------------------------------------------

def test_renting_answers_201_with_the_rental_and_its_transaction(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)
    response = rent(api, alice, server_id, pool_id=alice.default_pool_id)
    data = envelope_data(response, 201, "Server rented successfully")
    assert list(data) == ["rental", "transaction"]
    rental = data["rental"]
    assert list(rental) == ["id", "server_id", "rental_start", "rental_end", "hold_days", "actual_usage_days",
                            "status"]
    assert HEX24.match(rental["id"])
    assert rental["server_id"] == server_id
    assert rental["rental_start"] == "2025-01-21T22:00:00.000Z"
    assert rental["rental_end"] == "2025-01-28T22:00:00.000Z"
    assert rental["hold_days"] == 2
    assert rental["actual_usage_days"] == 0
    assert rental["status"] == "active"
    transaction = data["transaction"]
    assert list(transaction) == ["id", "amount", "currency"]
    assert HEX24.match(transaction["id"])
    assert transaction["amount"] == 70 and isinstance(transaction["amount"], int)
    assert transaction["currency"] == "USD"
    assert balance_of(app, alice.id) == 30_00
    assert_books_balance(app, alice.id)


def test_renting_charges_the_price_of_the_chosen_duration(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=500_00)
    data = envelope_data(rent(api, alice, server_id, rental_days=30), 201, "Server rented successfully")
    assert data["transaction"]["amount"] == 240.5
    assert balance_of(app, alice.id) == 500_00 - 240_50


def test_a_rental_goes_to_the_default_pool_unless_a_pool_is_named(app, api, make_user, team, clock):
    first, second = add_server(app), add_server(app, id="507f1f77bcf86cd799439015", name="node-2")
    fund(app, team, 1000_00)
    default = envelope_data(rent(api, team.user, first), 201, "Server rented successfully")
    pooled = envelope_data(rent(api, team.user, second, pool_id=team.pool_id), 201, "Server rented successfully")
    rentals = {r["id"]: r for r in api.get("/rentals", as_=team.user).json["data"]}
    assert rentals[default["rental"]["id"]]["pool_id"] == team.user.default_pool_id
    assert rentals[pooled["rental"]["id"]]["pool_id"] == team.pool_id


@pytest.mark.parametrize("position", ["invitee", "stranger"])
def test_renting_into_a_pool_the_caller_has_not_joined_is_404(app, api, team, server_id, position):
    person = team.person(position)
    fund(app, team, 1000_00)
    with database_unchanged(app):
        response = rent(api, person, server_id, pool_id=team.pool_id)
        assert response.status_code == 404
        assert response.json["message"] == "Pool not found"


def test_an_unoffered_duration_is_400_listing_the_offered_ones(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=100_00)
    with database_unchanged(app):
        response = rent(api, alice, server_id, rental_days=3)
        assert response.status_code == 400
        assert response.json["details"] == [
            {"field": "rental_days", "message": "must be one of this server's rental durations: 1, 7, 30"}
        ]
        assert "1, 7, 30" in response.json["message"]


@pytest.mark.parametrize("body, field", [
    ({}, "rental_days"),
    ({"rental_days": "7"}, "rental_days"),
    ({"rental_days": 0}, "rental_days"),
    ({"rental_days": 7.5}, "rental_days"),
    ({"rental_days": True}, "rental_days"),
    ({"rental_days": 10**12}, "rental_days"),
    ({"rental_days": 7, "pool_id": "not-an-id"}, "pool_id"),
    ({"rental_days": 7, "pool_id": 12}, "pool_id"),
    ({"rental_days": 7, "max_charge_cents": -1}, "max_charge_cents"),
    ({"rental_days": 7, "max_charge_cents": "7000"}, "max_charge_cents"),
])
def test_a_bad_rent_body_is_400_naming_the_field(app, api, make_user, server_id, body, field):
    alice = make_user("alice", balance_cents=100_00)
    with database_unchanged(app):
        response = api.post(f"/servers/{server_id}/rent", as_=alice, json=body)
        assert response.status_code == 400
        assert [d["field"] for d in response.json["details"]] == [field]


def test_renting_an_unknown_server_is_404_and_a_malformed_id_400(api, make_user):
    alice = make_user("alice", balance_cents=100_00)
    missing = api.post("/servers/507f1f77bcf86cd799439999/rent", as_=alice, json={"rental_days": 7})
    assert missing.status_code == 404
    assert missing.json["message"] == "Server not found"
    malformed = api.post("/servers/xyz/rent", as_=alice, json={"rental_days": 7})
    assert malformed.status_code == 400
    assert malformed.json["details"][0]["field"] == "id"


def test_a_short_balance_is_402_and_charges_nothing(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=69_99)
    with database_unchanged(app):
        response = rent(api, alice, server_id)
        assert response.status_code == 402
        assert response.json["error"] == "Payment Required"
        assert "$70.00" in response.json["message"] and "$69.99" in response.json["message"]


def test_the_exact_balance_is_enough(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=70_00)
    assert rent(api, alice, server_id).status_code == 201
    assert balance_of(app, alice.id) == 0
    assert_books_balance(app, alice.id)


def test_a_rented_server_cannot_be_rented_again(app, api, make_user, server_id):
    alice, bob = make_user("alice", balance_cents=100_00), make_user("bob", balance_cents=100_00)
    assert rent(api, alice, server_id).status_code == 201
    with database_unchanged(app):
        response = rent(api, bob, server_id)
        assert response.status_code == 409
        assert response.json["message"] == "This server is not available: it is already rented"


def test_max_charge_cents_refuses_a_dearer_charge(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=100_00)
    with database_unchanged(app):
        refused = rent(api, alice, server_id, max_charge_cents=69_99)
        assert refused.status_code == 409
        assert "max_charge_cents" in refused.json["message"]
    assert rent(api, alice, server_id, max_charge_cents=70_00).status_code == 201


@pytest.fixture
def fail_after_debit(monkeypatch):
    """Call it to make every charge fail just after the wallet was debited (``monkeypatch.undo`` ends that)."""
    from services import wallet

    real_debit = wallet.debit

    def debit_then_fail(*args, **kwargs):
        real_debit(*args, **kwargs)
        db.session.flush()
        raise RuntimeError("storage failed after the debit")

    return lambda: monkeypatch.setattr(wallet, "debit", debit_then_fail)


def test_a_failure_after_the_debit_rolls_the_whole_rent_back(app, api, make_user, server_id, fail_after_debit,
                                                             monkeypatch):
    alice = make_user("alice", balance_cents=100_00)
    fail_after_debit()
    with database_unchanged(app):
        response = rent(api, alice, server_id)
        assert response.status_code == 500
    monkeypatch.undo()
    assert rent(api, alice, server_id).status_code == 201


# --- Rentals: list and detail --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/rentals", "/servers"])
def test_the_rental_list_shows_each_rental_with_its_server(app, api, make_user, server_id, clock, path):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id, pool_id=alice.default_pool_id).json["data"]["rental"]["id"]
    clock.advance(days=1, hours=1)
    response = api.get(path, as_=alice)
    data = envelope_data(response, 200, "Rentals retrieved successfully")
    assert response.headers["X-Total-Count"] == "1"
    [item] = data
    assert list(item) == ["id", "rental_start", "rental_end", "status", "amount", "remaining_days", "server_id",
                          "pool_id", "server", "provisioning", "auto_renew"]
    assert item == {
        "id": rental_id,
        "rental_start": "2025-01-21T22:00:00.000Z",
        "rental_end": "2025-01-28T22:00:00.000Z",
        "status": "active",
        "amount": "70.00",
        "remaining_days": 6,
        "server_id": server_id,
        "pool_id": alice.default_pool_id,
        "server": SEED_RENTAL_SERVER,
        "provisioning": {"status": "pending", "message": None, "access": None,
                         "updated_at": "2025-01-21T22:00:00.000Z"},
        "auto_renew": None,
    }
    assert list(item["server"]) == list(SEED_RENTAL_SERVER)
    assert list(item["server"]["specs"]) == ["cpu", "ram", "disks", "network", "additional"]


@pytest.mark.parametrize("path, message", [
    ("/rentals/{id}", "Rental retrieved successfully"),
    ("/servers/{id}", "Rental details retrieved successfully"),
])
def test_the_rental_detail_adds_hold_usage_and_the_transaction(app, api, make_user, server_id, clock, path,
                                                               message):
    alice = make_user("alice", balance_cents=100_00)
    rented = rent(api, alice, server_id).json["data"]
    clock.advance(days=1, hours=1)
    data = envelope_data(api.get(path.format(id=rented["rental"]["id"]), as_=alice), 200, message)
    assert list(data) == ["id", "rental_start", "rental_end", "hold_days", "status", "amount", "remaining_days",
                          "usage_days", "server_id", "pool_id", "server", "transaction", "provisioning", "auto_renew"]
    assert data == {
        "id": rented["rental"]["id"],
        "rental_start": "2025-01-21T22:00:00.000Z",
        "rental_end": "2025-01-28T22:00:00.000Z",
        "hold_days": 2,
        "status": "active",
        "amount": "70.00",
        "remaining_days": 6,
        "usage_days": 1,
        "server_id": server_id,
        "pool_id": alice.default_pool_id,
        "server": SEED_RENTAL_SERVER,
        "transaction": {"id": rented["transaction"]["id"], "amount": 70, "currency": "USD",
                        "created_at": "2025-01-21T22:00:00.000Z"},
        "provisioning": {"status": "pending", "message": None, "access": None,
                         "updated_at": "2025-01-21T22:00:00.000Z"},
        "auto_renew": None,
    }
    assert list(data["transaction"]) == ["id", "amount", "currency", "created_at"]


def test_rentals_are_visible_to_the_renter_and_the_members_of_their_pool(app, api, team, server_id):
    fund(app, team, 1000_00)
    rental_id = rent(api, team.user, server_id, pool_id=team.pool_id).json["data"]["rental"]["id"]
    for position in ("owner", "admin", "user", "other_user"):
        person = team.person(position)
        assert [r["id"] for r in api.get("/rentals", as_=person).json["data"]] == [rental_id], position
        assert api.get(f"/rentals/{rental_id}", as_=person).status_code == 200, position
        assert api.get(f"/servers/{rental_id}", as_=person).status_code == 200, position
    for position in ("invitee", "stranger"):
        person = team.person(position)
        assert api.get("/rentals", as_=person).json["data"] == [], position
        for path in (f"/rentals/{rental_id}", f"/servers/{rental_id}"):
            hidden = api.get(path, as_=person)
            assert hidden.status_code == 404, position
            assert hidden.json["message"] == "Rental not found"


def test_a_rental_in_the_renters_default_pool_is_private(app, api, team, server_id):
    fund(app, team, 1000_00)
    rental_id = rent(api, team.user, server_id).json["data"]["rental"]["id"]
    assert api.get(f"/rentals/{rental_id}", as_=team.owner).status_code == 404
    assert api.get("/rentals", as_=team.owner).json["data"] == []


def test_a_member_who_leaves_stops_seeing_the_pools_rentals(app, api, team, server_id):
    fund(app, team, 1000_00)
    rental_id = rent(api, team.owner, server_id, pool_id=team.pool_id).json["data"]["rental"]["id"]
    assert api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.user).status_code == 200
    assert api.get(f"/rentals/{rental_id}", as_=team.user).status_code == 404


def test_rental_lists_page_newest_first(app, api, make_user, clock):
    alice = make_user("alice", balance_cents=1000_00)
    ids = []
    for n in range(3):
        server = add_server(app, id=f"507f1f77bcf86cd79943902{n}", name=f"node-{n}")
        ids.append(rent(api, alice, server).json["data"]["rental"]["id"])
        clock.advance(minutes=1)
    page = api.get("/rentals?limit=2&offset=1", as_=alice)
    assert page.headers["X-Total-Count"] == "3"
    assert [r["id"] for r in page.json["data"]] == [ids[1], ids[0]]
    assert api.get("/rentals?limit=0", as_=alice).status_code == 400


@pytest.mark.parametrize("path", ["/rentals/zzz", "/servers/zzz", "/rentals/zzz/extend"])
def test_a_malformed_rental_id_is_400(api, make_user, path):
    alice = make_user("alice")
    method = api.post if path.endswith("extend") else api.get
    response = method(path, as_=alice, json={"additional_days": 7} if path.endswith("extend") else None)
    assert response.status_code == 400
    assert response.json["details"][0]["field"] == "id"


@pytest.mark.parametrize("path", ["/rentals", "/servers", "/rentals/507f1f77bcf86cd799439320",
                                  "/servers/507f1f77bcf86cd799439320", "/wallet/balance", "/wallet/transactions"])
def test_rental_and_wallet_reads_need_a_token(api, path):
    response = api.get(path)
    assert response.status_code == 401
    assert response.json["error"] == "Unauthorized"


# --- Lifecycle ----------------------------------------------------------------------------------

def test_a_rental_is_active_then_expired_then_ended(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]

    def reading():
        data = api.get(f"/rentals/{rental_id}", as_=alice).json["data"]
        return data["status"], data["remaining_days"], data["usage_days"]

    assert reading() == ("active", 7, 0)
    clock.advance(days=6, hours=23)
    assert reading() == ("active", 1, 6)
    clock.advance(hours=1)  # rental_end
    assert reading() == ("expired", 0, 7)
    clock.advance(days=1, hours=23, minutes=59)
    assert reading() == ("expired", 0, 8)
    clock.advance(minutes=1)  # rental_end + hold_days
    assert reading() == ("ended", 0, 9)


def test_a_held_server_stays_taken_and_an_ended_one_can_be_rented_again(app, api, make_user, server_id, clock):
    alice, bob = make_user("alice", balance_cents=100_00), make_user("bob", balance_cents=100_00)
    assert rent(api, alice, server_id).status_code == 201
    clock.advance(days=8)  # expired, held for alice
    assert rent(api, bob, server_id).status_code == 409
    clock.advance(days=1)  # ended
    assert rent(api, bob, server_id).status_code == 201
    assert balance_of(app, bob.id) == 30_00


def test_a_rented_server_leaves_the_marketplace_until_its_rental_ends(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)

    def listed() -> bool:
        return server_id in [s["id"] for s in api.get("/servers/available", as_=alice).json["data"]]

    assert listed()
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    assert not listed()
    clock.advance(days=7)  # expired: held for the renter
    assert not listed()
    api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 1})
    clock.advance(days=2, hours=23)  # the hold moved with the new end
    assert not listed()
    clock.advance(hours=1)  # ended
    assert listed()
    assert api.get(f"/rentals/{rental_id}", as_=alice).json["data"]["status"] == "ended"


def test_the_sweep_command_releases_ended_rentals_and_reports(app, api, make_user, runner, clock):
    alice = make_user("alice", balance_cents=1000_00)
    ended, held, running = (add_server(app, id=f"507f1f77bcf86cd79943903{n}", name=f"node-{n}") for n in range(3))
    rent(api, alice, ended, rental_days=1)
    clock.advance(days=5)
    rent(api, alice, held, rental_days=1)
    rent(api, alice, running, rental_days=7)
    clock.advance(days=2)
    result = runner.invoke(args=["rentals", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 active, 1 expired (held); released 1 server(s)" in result.output
    assert api.get("/rentals", as_=alice).headers["X-Total-Count"] == "3"


# --- Extending ----------------------------------------------------------------------------------

def test_extending_moves_the_end_and_adds_to_the_amount(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    clock.advance(days=1, hours=1)
    response = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7})
    data = envelope_data(response, 200, "Rental extended successfully")
    assert list(data) == ["rental", "transaction"]
    assert list(data["rental"]) == ["id", "rental_end", "status", "amount", "remaining_days"]
    assert data["rental"] == {"id": rental_id, "rental_end": "2025-02-04T22:00:00.000Z", "status": "active",
                              "amount": "140.00", "remaining_days": 13}
    assert list(data["transaction"]) == ["id", "amount", "currency"]
    assert data["transaction"]["amount"] == 70 and data["transaction"]["currency"] == "USD"
    assert HEX24.match(data["transaction"]["id"])
    assert balance_of(app, alice.id) == 60_00
    detail = api.get(f"/rentals/{rental_id}", as_=alice).json["data"]
    assert detail["amount"] == "140.00" and detail["rental_end"] == "2025-02-04T22:00:00.000Z"
    assert_books_balance(app, alice.id)


def test_an_expired_rental_can_be_extended_from_its_old_end(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    clock.advance(days=8)
    data = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 1}).json["data"]
    assert data["rental"]["rental_end"] == "2025-01-29T22:00:00.000Z"
    assert data["rental"]["status"] == "expired"
    assert data["rental"]["amount"] == "82.00"
    clock.advance(days=1, hours=23)  # the hold moved with the end: still taken
    bob = make_user("bob", balance_cents=100_00)
    assert rent(api, bob, server_id).status_code == 409


def test_an_ended_rental_cannot_be_extended(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    clock.advance(days=9)
    with database_unchanged(app):
        response = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7})
        assert response.status_code == 409
        assert response.json["message"] == "This rental has ended and can no longer be extended"


@pytest.mark.parametrize("position, status", [
    ("owner", 200), ("admin", 200), ("user", 200), ("other_user", 403), ("invitee", 404), ("stranger", 404),
])
def test_who_may_extend_a_rental_in_a_pool(app, api, team, server_id, position, status):
    fund(app, team, 1000_00)
    rental_id = rent(api, team.user, server_id, pool_id=team.pool_id).json["data"]["rental"]["id"]
    person = team.person(position)
    before = database_snapshot(app)
    response = api.post(f"/rentals/{rental_id}/extend", as_=person, json={"additional_days": 1})
    assert response.status_code == status, response.json
    if status == 200:
        rent_paid = 70_00 if person == team.user else 0
        assert balance_of(app, person.id) == 1000_00 - rent_paid - 12_00  # the caller pays
        assert balance_of(app, team.user.id) == 1000_00 - 70_00 - (12_00 if person == team.user else 0)
        assert_books_balance(app, person.id)
    else:
        assert database_snapshot(app) == before


def test_extending_with_an_unoffered_duration_is_400(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    with database_unchanged(app):
        response = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 2})
        assert response.status_code == 400
        assert response.json["details"] == [
            {"field": "additional_days", "message": "must be one of this server's rental durations: 1, 7, 30"}
        ]


@pytest.mark.parametrize("body, field", [
    ({}, "additional_days"),
    ({"additional_days": "7"}, "additional_days"),
    ({"additional_days": -7}, "additional_days"),
    ({"additional_days": 7, "expected_rental_end": "next tuesday"}, "expected_rental_end"),
    ({"additional_days": 7, "expected_rental_end": "2025-01-28T22:00:00"}, "expected_rental_end"),
    ({"additional_days": 7, "max_charge_cents": 1.5}, "max_charge_cents"),
])
def test_a_bad_extend_body_is_400_naming_the_field(app, api, make_user, server_id, body, field):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    with database_unchanged(app):
        response = api.post(f"/rentals/{rental_id}/extend", as_=alice, json=body)
        assert response.status_code == 400
        assert [d["field"] for d in response.json["details"]] == [field]


def test_expected_rental_end_makes_a_retried_extend_harmless(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    body = {"additional_days": 7, "expected_rental_end": "2025-01-28T22:00:00.000Z"}
    assert api.post(f"/rentals/{rental_id}/extend", as_=alice, json=body).status_code == 200
    with database_unchanged(app):
        retried = api.post(f"/rentals/{rental_id}/extend", as_=alice, json=body)
        assert retried.status_code == 409
        assert "2025-02-04T22:00:00.000Z" in retried.json["message"]


def test_extend_checks_the_balance_and_max_charge(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=80_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    with database_unchanged(app):
        assert api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7}).status_code == 402
        capped = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 1, "max_charge_cents": 1})
        assert capped.status_code == 409


def test_a_failure_after_the_debit_rolls_the_whole_extend_back(app, api, make_user, server_id, fail_after_debit):
    alice = make_user("alice", balance_cents=200_00)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    fail_after_debit()
    with database_unchanged(app):
        assert api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7}).status_code == 500


def test_an_unknown_rental_is_404_on_extend(api, make_user):
    alice = make_user("alice", balance_cents=200_00)
    response = api.post("/rentals/507f1f77bcf86cd799439320/extend", as_=alice, json={"additional_days": 7})
    assert response.status_code == 404
    assert response.json["message"] == "Rental not found"


# --- Idempotency-Key ----------------------------------------------------------------------------

def test_the_same_idempotency_key_charges_once_and_replays_the_answer(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=200_00)
    headers = {"Idempotency-Key": "rent-1"}
    first = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}, headers=headers)
    second = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert balance_of(app, alice.id) == 130_00

    rental_id = first.json["data"]["rental"]["id"]
    extend_headers = {"Idempotency-Key": "extend-1"}
    extended = [api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 1},
                         headers=extend_headers) for _ in range(2)]
    assert extended[0].json == extended[1].json
    assert balance_of(app, alice.id) == 118_00
    assert_books_balance(app, alice.id)


def test_an_idempotency_key_belongs_to_one_request_and_one_user(app, api, make_user, server_id):
    alice, bob = make_user("alice", balance_cents=200_00), make_user("bob", balance_cents=200_00)
    other = add_server(app, id="507f1f77bcf86cd799439040", name="node-other")
    headers = {"Idempotency-Key": "k"}
    assert api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}, headers=headers).status_code \
        == 201
    reused = api.post(f"/servers/{other}/rent", as_=alice, json={"rental_days": 7}, headers=headers)
    assert reused.status_code == 409
    assert reused.json["message"] == "This Idempotency-Key was already used for a different request"
    assert api.post(f"/servers/{other}/rent", as_=bob, json={"rental_days": 7}, headers=headers).status_code == 201


def test_a_refused_request_does_not_use_up_its_key(app, api, make_user, server_id):
    alice = make_user("alice", balance_cents=10_00)
    headers = {"Idempotency-Key": "retry-after-topping-up"}
    assert api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}, headers=headers).status_code \
        == 402
    with app.app_context():
        from services import wallet
        wallet.credit("alice", 100_00)
    assert api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}, headers=headers).status_code \
        == 201


@pytest.mark.parametrize("key", ["", "x" * 201, "caf\u00e9"])
def test_a_malformed_idempotency_key_is_400(api, make_user, server_id, key):
    alice = make_user("alice", balance_cents=200_00)
    response = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7},
                        headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json["details"][0]["field"] == "Idempotency-Key"


# --- Wallet -------------------------------------------------------------------------------------

def test_the_wallet_balance(api, make_user):
    alice = make_user("alice", balance_cents=123_45)
    data = envelope_data(api.get("/wallet/balance", as_=alice), 200, "Balance retrieved successfully")
    assert data == {"balance": "123.45", "balance_cents": 12345, "currency": "USD"}
    assert list(data) == ["balance", "balance_cents", "currency"]


def test_wallet_transactions_list_every_charge_and_credit_newest_first(app, api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=400_00)
    clock.advance(minutes=1)
    rental_id = rent(api, alice, server_id).json["data"]["rental"]["id"]
    clock.advance(minutes=1)
    api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 30})
    response = api.get("/wallet/transactions", as_=alice)
    data = envelope_data(response, 200, "Transactions retrieved successfully")
    assert response.headers["X-Total-Count"] == "3"
    assert [list(t) for t in data] == [["id", "type", "amount", "currency", "created_at", "rental_id"]] * 3
    assert [(t["type"], t["amount"], t["rental_id"]) for t in data] == [
        ("extension", 240.5, rental_id), ("rental", 70, rental_id), ("credit", 400, None)]
    assert all(ISO_MS_Z.match(t["created_at"]) and t["currency"] == "USD" for t in data)
    assert [t["type"] for t in api.get("/wallet/transactions?limit=1&offset=1", as_=alice).json["data"]] == ["rental"]
    assert_books_balance(app, alice.id)


def test_wallet_transactions_are_private(api, make_user):
    make_user("alice", balance_cents=200_00)
    bob = make_user("bob")
    assert api.get("/wallet/transactions", as_=bob).json["data"] == []


# --- Cost ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/rentals", "/servers", "/wallet/transactions"])
def test_a_list_costs_the_same_statements_for_one_item_or_many(app, api, make_user, path):
    alice = make_user("alice", balance_cents=10_000_00)
    servers = [add_server(app, id=f"507f1f77bcf86cd7994392{n:02d}", name=f"node-{n}") for n in range(30)]
    rent(api, alice, servers[0])
    api.get(path, as_=alice)  # the token's last use is written once; leave that out of the count
    with statements_sent(app) as sent_for_one:
        one = api.get(path, as_=alice)
    for server in servers[1:]:
        rent(api, alice, server)
    with statements_sent(app) as sent_for_many:
        many = api.get(path, as_=alice)
    assert len(many.json["data"]) > len(one.json["data"]) >= 1
    # The token, the count, the page (and the page's auto-renewals, for rentals).
    assert len(sent_for_many) == len(sent_for_one) <= (3 if path == "/wallet/transactions" else 4)
