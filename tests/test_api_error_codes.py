"""Error codes: each code of the contract's table, answered with its status in the situation the table names.

| code | status | when |
|---|---|---|
| VALIDATION_FAILED | 400 | bad field, type, range, enum, id |
| UNAUTHENTICATED | 401 | no, bad, revoked or expired credentials |
| FORBIDDEN | 403 | the caller's role does not allow it |
| ACCOUNT_DISABLED | 403 | an administrator disabled the account |
| NOT_FOUND | 404 | missing or not visible |
| INSUFFICIENT_BALANCE | 402 | the wallet that pays is short |
| SERVER_UNAVAILABLE | 409 | the server is rented |
| CHARGE_EXCEEDS_MAX | 409 | the price is above max_charge_cents |
| EXTENSION_ALREADY_APPLIED | 409 | expected_rental_end no longer matches |
| IDEMPOTENCY_KEY_REUSED | 409 | same key, different request |
| PAYLOAD_TOO_LARGE | 413 | body over the limit |
| RATE_LIMITED | 429 | too many attempts (with Retry-After) |
"""
from dataclasses import dataclass

import pytest
from flask import Flask

from core.extensions import db
from models import User
from services import tokens
from tests.people import ApiClient, Clock, Person
from tests.factories import make_servers, server_record
from tests.users import PASSWORD

PRICE_CENTS = 7000  # a week of the server, its only duration
LIMIT = 262144      # MAX_CONTENT_LENGTH, by default


@dataclass
class Market:
    """Alice rented the first server for a week; the second is free. Bob has no money; Carol is in Alice's
    pool with the user role; Root is an administrator."""

    app: Flask
    api: ApiClient
    clock: Clock
    alice: Person
    bob: Person
    carol: Person
    root: Person
    pool_id: str
    rented_server_id: str
    free_server_id: str
    rental_id: str


@pytest.fixture
def market(app, api, make_user, clock) -> Market:
    alice = make_user("alice", balance_cents=100_000)
    bob, carol, root = make_user("bob"), make_user("carol"), make_user("root", is_admin=True)
    servers = make_servers(app, [server_record("rented-1"), server_record("free-1")])
    pool_id = api.post("/pools", as_=alice, json={"name": "Team"}).json["data"]["id"]
    invitation = api.post(f"/pools/{pool_id}/members", as_=alice, json={"username": "carol", "role": "user"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=carol)
    rented = api.post(f"/servers/{servers['rented-1']}/rent", as_=alice, json={"rental_days": 7, "pool_id": pool_id})
    return Market(app, api, clock, alice, bob, carol, root, pool_id, servers["rented-1"], servers["free-1"],
                  rented.json["data"]["rental"]["id"])


# --- The situations, one a row of the table (some codes have several) --------------------------

def bad_field(m: Market):
    return m.api.post("/pools", as_=m.alice, json={"name": ""})


def bad_type(m: Market):
    return m.api.post(f"/servers/{m.free_server_id}/rent", as_=m.alice, json={"rental_days": "7"})


def bad_range(m: Market):
    return m.api.get("/pools?limit=0", as_=m.alice)


def bad_enum(m: Market):
    return m.api.post(f"/pools/{m.pool_id}/members", as_=m.alice, json={"username": "bob", "role": "overlord"})


def bad_id(m: Market):
    return m.api.get("/rentals/not-an-id", as_=m.alice)


def no_credentials(m: Market):
    return m.api.get("/pools")


def bad_credentials(m: Market):
    return m.api.get("/pools", headers={"Authorization": "Bearer srv_not-a-token"})


def wrong_password(m: Market):
    return m.api.post("/users/auth/login", json={"username": "alice", "password": "not-her-password"})


def revoked_credentials(m: Market):
    login = m.api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD})
    with m.app.app_context():
        tokens.revoke_login_sessions(db.session.get(User, m.alice.id))  # as "sign out of API logins" does
    return m.api.get("/pools", headers={"Authorization": f"Bearer {login.json['data']['token']}"})


def expired_credentials(m: Market):
    m.clock.advance(days=31)  # the test tokens live 30 days
    return m.api.get("/pools", as_=m.alice)


def role_does_not_allow(m: Market):
    return m.api.patch(f"/pools/{m.pool_id}", as_=m.carol, json={"description": "Mine now"})


def account_disabled(m: Market):
    m.api.post(f"/admin/users/{m.bob.id}/disable", as_=m.root)
    return m.api.get("/pools", as_=m.bob)


def missing(m: Market):
    return m.api.get("/rentals/0123456789abcdef01234567", as_=m.alice)


def not_visible(m: Market):
    return m.api.get(f"/pools/{m.pool_id}", as_=m.bob)


def wallet_short(m: Market):
    return m.api.post(f"/servers/{m.free_server_id}/rent", as_=m.bob, json={"rental_days": 7})


def server_rented(m: Market):
    return m.api.post(f"/servers/{m.rented_server_id}/rent", as_=m.alice, json={"rental_days": 7})


def price_above_max_charge(m: Market):
    return m.api.post(f"/servers/{m.free_server_id}/rent", as_=m.alice,
                      json={"rental_days": 7, "max_charge_cents": PRICE_CENTS - 1})


def rental_end_moved(m: Market):
    return m.api.post(f"/rentals/{m.rental_id}/extend", as_=m.alice,
                      json={"additional_days": 7, "expected_rental_end": "2025-01-27T22:00:00.000Z"})


def key_of_another_request(m: Market):
    headers = {"Idempotency-Key": "weekly"}
    m.api.post(f"/rentals/{m.rental_id}/extend", as_=m.alice, json={"additional_days": 7}, headers=headers)
    return m.api.post(f"/servers/{m.free_server_id}/rent", as_=m.alice, json={"rental_days": 7}, headers=headers)


def body_over_the_limit(m: Market):
    return m.api.post("/pools", as_=m.alice, data="x" * (LIMIT + 1), content_type="application/json")


def too_many_attempts(m: Market):
    m.app.config["RATELIMIT_LOGIN_PER_USERNAME"] = "1 per minute"
    m.api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD})
    return m.api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD})


CONTRACT = [
    ("VALIDATION_FAILED", 400, bad_field),
    ("VALIDATION_FAILED", 400, bad_type),
    ("VALIDATION_FAILED", 400, bad_range),
    ("VALIDATION_FAILED", 400, bad_enum),
    ("VALIDATION_FAILED", 400, bad_id),
    ("UNAUTHENTICATED", 401, no_credentials),
    ("UNAUTHENTICATED", 401, bad_credentials),
    ("UNAUTHENTICATED", 401, wrong_password),
    ("UNAUTHENTICATED", 401, revoked_credentials),
    ("UNAUTHENTICATED", 401, expired_credentials),
    ("FORBIDDEN", 403, role_does_not_allow),
    ("ACCOUNT_DISABLED", 403, account_disabled),
    ("NOT_FOUND", 404, missing),
    ("NOT_FOUND", 404, not_visible),
    ("INSUFFICIENT_BALANCE", 402, wallet_short),
    ("SERVER_UNAVAILABLE", 409, server_rented),
    ("CHARGE_EXCEEDS_MAX", 409, price_above_max_charge),
    ("EXTENSION_ALREADY_APPLIED", 409, rental_end_moved),
    ("IDEMPOTENCY_KEY_REUSED", 409, key_of_another_request),
    ("PAYLOAD_TOO_LARGE", 413, body_over_the_limit),
    ("RATE_LIMITED", 429, too_many_attempts),
]


@pytest.mark.parametrize("code, status, situation", CONTRACT, ids=[situation.__name__ for *_, situation in CONTRACT])
def test_each_code_is_answered_with_its_status_in_its_situation(market, code, status, situation):
    response = situation(market)
    assert response.status_code == status, response.json
    assert response.json["statusCode"] == status
    assert response.json["code"] == code
    if status == 429:
        assert int(response.headers["Retry-After"]) >= 1

