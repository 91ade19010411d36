"""Team billing through the API: a pool's wallet and transfers into it, renting and extending paid by the
pool, its budget's monthly limits, and spend requests above its approval threshold."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from models import ServerPrice, SpendRequest, Transaction
from services import wallet
from tests.factories import add_server
from tests.ledger import assert_books_balance, assert_pool_books_balance, balance_of
from tests.races import count, race
from tests.snapshots import database_unchanged

WEEK = 70_00  # the price of 7 days of the test server
MONTH = 240_50  # 30 days


def fund(app, *people, cents: int = 1000_00) -> None:
    with app.app_context():
        for person in people:
            wallet.credit(person.username, cents)
        db.session.remove()


def transfer(api, person, pool_id, cents):
    return api.post(f"/pools/{pool_id}/wallet/transfers", as_=person, json={"amount_cents": cents})


def pool_balance(api, person, pool_id) -> int:
    response = api.get(f"/pools/{pool_id}/wallet", as_=person)
    assert response.status_code == 200, response.json
    return response.json["data"]["balance_cents"]


def rent_from_pool(api, person, server_id, pool_id, days=7, headers=None, **body):
    return api.post(f"/servers/{server_id}/rent", as_=person, headers=headers,
                    json={"rental_days": days, "pool_id": pool_id, "pay_from": "pool", **body})


def set_budget(api, person, pool_id, **budget):
    return api.put(f"/pools/{pool_id}/budget", as_=person, json=budget)


def allow_members(api, team, allowed: bool = True):
    response = api.patch(f"/pools/{team.pool_id}", as_=team.owner, json={"settings": {"members_may_spend": allowed}})
    assert response.status_code == 200, response.json


@pytest.fixture
def funded(app, api, team):
    """The team, everyone with $1000, and $500 in the pool's wallet (moved there by the owner)."""
    fund(app, team.owner, team.admin, team.user, team.other_user, team.stranger)
    assert transfer(api, team.owner, team.pool_id, 500_00).status_code == 201
    return team


def servers(app, n: int) -> list[str]:
    return [add_server(app, id=f"{0xbee000 + i:024x}", name=f"team-node-{i}") for i in range(n)]


def check_books(app, team):
    for person in (team.owner, team.admin, team.user, team.other_user, team.stranger):
        assert_books_balance(app, person.id)
    assert_pool_books_balance(app, team.pool_id)


# --- The pool's wallet -----------------------------------------------------------------------------

def test_a_member_moves_money_into_the_pool_and_both_wallets_record_it(app, api, team):
    fund(app, team.user, cents=100_00)
    response = transfer(api, team.user, team.pool_id, 40_00)
    assert response.status_code == 201, response.json
    assert response.json["data"] == {"amount_cents": 40_00, "balance": "40.00", "balance_cents": 40_00,
                                     "currency": "USD"}
    assert balance_of(app, team.user.id) == 60_00
    assert api.get(f"/pools/{team.pool_id}/wallet", as_=team.other_user).json["data"] == {
        "balance": "40.00", "balance_cents": 40_00, "currency": "USD"}
    mine = api.get("/wallet/transactions", as_=team.user).json["data"]
    assert [(t["type"], t["amount"]) for t in mine] == [("transfer_out", 40), ("credit", 100)]
    pools = api.get(f"/pools/{team.pool_id}/wallet/transactions", as_=team.admin)
    assert pools.headers["X-Total-Count"] == "1"
    [row] = pools.json["data"]
    assert (row["type"], row["amount"], row["user_id"]) == ("transfer_in", 40, team.user.id)
    assert_books_balance(app, team.user.id)
    assert_pool_books_balance(app, team.pool_id)


@pytest.mark.parametrize("amount", [0, -100, 12.5, "100", 10**20, True, None])
def test_a_transfer_of_a_bad_amount_is_a_400_and_changes_nothing(app, api, team, amount):
    fund(app, team.user, cents=100_00)
    with database_unchanged(app):
        response = api.post(f"/pools/{team.pool_id}/wallet/transfers", as_=team.user, json={"amount_cents": amount})
    assert response.status_code == 400, response.json
    assert response.json["details"][0]["field"] == "amount_cents"


def test_a_transfer_above_the_balance_is_a_402_and_changes_nothing(app, api, team):
    fund(app, team.user, cents=10_00)
    with database_unchanged(app):
        response = transfer(api, team.user, team.pool_id, 10_01)
    assert response.status_code == 402
    assert response.json["code"] == "INSUFFICIENT_BALANCE"


def test_outsiders_do_not_see_a_pools_wallet(app, api, team):
    fund(app, team.stranger, team.invitee, cents=10_00)
    for person in (team.stranger, team.invitee):
        assert transfer(api, person, team.pool_id, 1_00).status_code == 404
        assert api.get(f"/pools/{team.pool_id}/wallet", as_=person).status_code == 404
        assert api.get(f"/pools/{team.pool_id}/wallet/transactions", as_=person).status_code == 404
    assert balance_of(app, team.stranger.id) == 10_00


def test_deleting_a_pool_gives_its_wallet_back_to_the_owner(app, api, team):
    fund(app, team.user, cents=100_00)
    transfer(api, team.user, team.pool_id, 30_00)
    assert api.delete(f"/pools/{team.pool_id}", as_=team.owner).status_code == 200
    assert balance_of(app, team.owner.id) == 30_00
    owners = api.get("/wallet/transactions", as_=team.owner).json["data"]
    assert [(t["type"], t["amount"]) for t in owners] == [("transfer_in", 30)]
    with app.app_context():
        moved = db.session.execute(select(Transaction.type, Transaction.amount_cents)
                                   .where(Transaction.pool_id == team.pool_id)
                                   .order_by(Transaction.created_at, Transaction.type)).all()
        db.session.remove()
    assert sorted(moved) == [("transfer_in", 30_00), ("transfer_out", 30_00)]
    assert_books_balance(app, team.owner.id)
    assert_books_balance(app, team.user.id)


# --- Paying from the pool --------------------------------------------------------------------------

@pytest.mark.parametrize("position", ["owner", "admin"])
def test_the_owner_and_admins_pay_from_the_pool(app, api, funded, position):
    [server_id] = servers(app, 1)
    person = funded.person(position)
    response = rent_from_pool(api, person, server_id, funded.pool_id)
    assert response.status_code == 201, response.json
    assert pool_balance(api, person, funded.pool_id) == 500_00 - WEEK
    assert balance_of(app, person.id) == (500_00 if position == "owner" else 1000_00)
    [charge] = [t for t in api.get(f"/pools/{funded.pool_id}/wallet/transactions", as_=person).json["data"]
                if t["type"] == "rental"]
    assert charge["user_id"] == person.id and charge["rental_id"] == response.json["data"]["rental"]["id"]
    check_books(app, funded)


def test_users_pay_from_the_pool_only_where_its_settings_allow(app, api, funded):
    first, second = servers(app, 2)
    refused = rent_from_pool(api, funded.user, first, funded.pool_id)
    assert refused.status_code == 403 and refused.json["code"] == "FORBIDDEN"
    allow_members(api, funded)
    assert rent_from_pool(api, funded.user, first, funded.pool_id).status_code == 201
    allow_members(api, funded, False)
    assert rent_from_pool(api, funded.user, second, funded.pool_id).status_code == 403
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - WEEK
    check_books(app, funded)


def test_members_may_spend_must_be_true_or_false(api, team):
    response = api.patch(f"/pools/{team.pool_id}", as_=team.owner, json={"settings": {"members_may_spend": "yes"}})
    assert response.status_code == 400
    assert response.json["details"][0]["field"] == "settings"


def test_paying_from_a_pool_one_has_not_joined_is_a_404(app, api, funded):
    [server_id] = servers(app, 1)
    for person in (funded.stranger, funded.invitee):
        assert rent_from_pool(api, person, server_id, funded.pool_id).status_code == 404
    # Without pool_id the rental goes to the default pool, and that pool's wallet pays (here, empty).
    no_pool = api.post(f"/servers/{server_id}/rent", as_=funded.owner, json={"rental_days": 7, "pay_from": "pool"})
    assert no_pool.status_code == 402 and "the pool's balance is $0.00" in no_pool.json["message"]
    bad = api.post(f"/servers/{server_id}/rent", as_=funded.owner, json={"rental_days": 7, "pay_from": "team"})
    assert bad.status_code == 400 and bad.json["details"][0]["field"] == "pay_from"
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00


def test_a_pool_short_of_the_price_is_a_402_and_nothing_is_charged(app, api, team):
    fund(app, team.owner)
    transfer(api, team.owner, team.pool_id, WEEK - 1)
    [server_id] = servers(app, 1)
    with database_unchanged(app):
        response = rent_from_pool(api, team.owner, server_id, team.pool_id)
    assert response.status_code == 402 and response.json["code"] == "INSUFFICIENT_BALANCE"
    assert "pool's balance" in response.json["message"]


def test_a_pool_paid_rent_replays_under_its_idempotency_key(app, api, funded):
    [server_id] = servers(app, 1)
    headers = {"Idempotency-Key": "pool-rent-1"}
    first = rent_from_pool(api, funded.admin, server_id, funded.pool_id, headers=headers)
    again = rent_from_pool(api, funded.admin, server_id, funded.pool_id, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert pool_balance(api, funded.admin, funded.pool_id) == 500_00 - WEEK
    check_books(app, funded)


def test_max_charge_cents_holds_for_pool_paid_charges(app, api, funded):
    [server_id] = servers(app, 1)
    response = rent_from_pool(api, funded.owner, server_id, funded.pool_id, max_charge_cents=WEEK - 1)
    assert response.status_code == 409 and response.json["code"] == "CHARGE_EXCEEDS_MAX"
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00


def test_extending_from_the_pool_pays_from_the_rentals_pool(app, api, funded):
    [server_id] = servers(app, 1)
    rental_id = api.rent(funded.user, server_id, pool_id=funded.pool_id)  # paid by the user
    refused = api.post(f"/rentals/{rental_id}/extend", as_=funded.user, json={"additional_days": 7,
                                                                              "pay_from": "pool"})
    assert refused.status_code == 403
    allow_members(api, funded)
    extended = api.post(f"/rentals/{rental_id}/extend", as_=funded.user, json={"additional_days": 7,
                                                                               "pay_from": "pool"})
    assert extended.status_code == 200, extended.json
    by_admin = api.post(f"/rentals/{rental_id}/extend", as_=funded.admin, json={"additional_days": 7,
                                                                                "pay_from": "pool"})
    assert by_admin.status_code == 200
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - 2 * WEEK
    assert balance_of(app, funded.user.id) == 1000_00 - WEEK
    check_books(app, funded)


# --- The budget ------------------------------------------------------------------------------------

def test_only_the_owner_sets_the_budget_and_the_pool_shows_it(api, team):
    budget = {"monthly_limit_cents": 100_00, "member_monthly_limit_cents": None, "approval_threshold_cents": 50_00}
    for person in (team.admin, team.user):
        assert set_budget(api, person, team.pool_id, **budget).status_code == 403
    assert set_budget(api, team.stranger, team.pool_id, **budget).status_code == 404
    response = set_budget(api, team.owner, team.pool_id, **budget)
    assert response.status_code == 200 and response.json["data"] == budget
    assert api.get(f"/pools/{team.pool_id}", as_=team.user).json["data"]["budget"] == budget
    assert set_budget(api, team.owner, team.pool_id, monthly_limit_cents=-1).status_code == 400
    assert set_budget(api, team.owner, team.pool_id, monthly_limit_cents=1.5).status_code == 400
    assert set_budget(api, team.owner, team.pool_id).json["data"] == {
        "monthly_limit_cents": None, "member_monthly_limit_cents": None, "approval_threshold_cents": None}


def test_a_charge_past_the_monthly_limit_is_refused_with_what_is_left(app, api, funded, clock):
    first, second = servers(app, 2)
    set_budget(api, funded.owner, funded.pool_id, monthly_limit_cents=WEEK + 30_00)
    assert rent_from_pool(api, funded.owner, first, funded.pool_id).status_code == 201
    with database_unchanged(app):
        refused = rent_from_pool(api, funded.admin, second, funded.pool_id)
    assert refused.status_code == 409 and refused.json["code"] == "BUDGET_EXCEEDED"
    assert "the pool's monthly limit of $100.00" in refused.json["message"]
    assert "$30.00 is left for January 2025" in refused.json["message"]
    assert refused.json["details"] == [{"field": "monthly_limit_cents",
                                        "message": "3000 cents left of 10000 in January 2025"}]
    # Paying from one's own wallet is not the pool's spending.
    assert api.post(f"/servers/{second}/rent", as_=funded.admin,
                    json={"rental_days": 7, "pool_id": funded.pool_id}).status_code == 201


def test_the_month_of_a_charge_is_its_calendar_month_in_utc(app, api, funded, clock):
    first, second, third = servers(app, 3)
    set_budget(api, funded.owner, funded.pool_id, monthly_limit_cents=WEEK)
    clock.set(datetime(2025, 1, 31, 23, 59, 59, tzinfo=timezone.utc))
    assert rent_from_pool(api, funded.owner, first, funded.pool_id).status_code == 201
    clock.set(datetime(2025, 1, 31, 23, 59, 59, 999000, tzinfo=timezone.utc))
    assert rent_from_pool(api, funded.owner, second, funded.pool_id).json["code"] == "BUDGET_EXCEEDED"
    clock.set(datetime(2025, 2, 1, 0, 0, 0, tzinfo=timezone.utc))
    assert rent_from_pool(api, funded.owner, second, funded.pool_id).status_code == 201
    assert rent_from_pool(api, funded.owner, third, funded.pool_id).json["code"] == "BUDGET_EXCEEDED"
    check_books(app, funded)


def test_each_member_has_their_own_monthly_limit(app, api, funded, clock):
    first, second, third = servers(app, 3)
    set_budget(api, funded.owner, funded.pool_id, member_monthly_limit_cents=WEEK)
    assert rent_from_pool(api, funded.admin, first, funded.pool_id).status_code == 201
    refused = rent_from_pool(api, funded.admin, second, funded.pool_id)
    assert refused.status_code == 409 and refused.json["code"] == "BUDGET_EXCEEDED"
    assert "for each member: $0.00 is left" in refused.json["message"]
    assert rent_from_pool(api, funded.owner, second, funded.pool_id).status_code == 201
    rental_id = api.rent(funded.admin, third, pool_id=funded.pool_id)
    extend = api.post(f"/rentals/{rental_id}/extend", as_=funded.admin, json={"additional_days": 7,
                                                                              "pay_from": "pool"})
    assert extend.status_code == 409 and extend.json["code"] == "BUDGET_EXCEEDED"
    check_books(app, funded)


def test_concurrent_pool_paid_rents_never_pass_the_monthly_limit(app, api, funded):
    ids = servers(app, 20)
    set_budget(api, funded.owner, funded.pool_id, monthly_limit_cents=3 * WEEK + 50)
    results = race(app, [("POST", f"/servers/{s}/rent", funded.admin.headers,
                          {"rental_days": 7, "pool_id": funded.pool_id, "pay_from": "pool"}) for s in ids])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 3 + [409] * 17, results
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - 3 * WEEK
    check_books(app, funded)


# --- Spend requests --------------------------------------------------------------------------------

def request_rent(api, person, server_id, pool_id, days=30):
    response = rent_from_pool(api, person, server_id, pool_id, days=days)
    assert response.status_code == 202, response.json
    return response.json["data"]["spend_request"]


def test_a_charge_above_the_threshold_becomes_a_spend_request(app, api, funded, clock, run_jobs):
    server_id, other_server_id = servers(app, 2)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    before = pool_balance(api, funded.owner, funded.pool_id)
    response = rent_from_pool(api, funded.admin, server_id, funded.pool_id, days=30)
    assert response.status_code == 202
    assert response.json["message"] == "Sent for approval"
    request = response.json["data"]["spend_request"]
    assert {k: request[k] for k in ("status", "kind", "amount_cents", "server_id", "rental_id", "requested_by",
                                    "expires_at")} == {
        "status": "pending", "kind": "rent", "amount_cents": MONTH, "server_id": server_id, "rental_id": None,
        "requested_by": funded.admin.id, "expires_at": "2025-01-24T22:00:00.000Z"}
    assert pool_balance(api, funded.owner, funded.pool_id) == before
    # At or under the threshold, and the owner at any price: charged at once.
    assert rent_from_pool(api, funded.admin, other_server_id, funded.pool_id).status_code == 201
    listed = api.get(f"/pools/{funded.pool_id}/spend-requests?status=pending", as_=funded.user).json["data"]
    assert [r["id"] for r in listed] == [request["id"]]
    run_jobs()
    owner_notes = api.get("/notifications", as_=funded.owner).json["data"]
    assert any("jane_admin asks to spend" in n["title"] for n in owner_notes), owner_notes
    assert not any("asks to spend" in n["title"] for n in api.get("/notifications", as_=funded.admin).json["data"])


def test_the_owner_is_not_held_to_the_threshold(app, api, funded):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=0)
    assert rent_from_pool(api, funded.owner, server_id, funded.pool_id, days=30).status_code == 201


def test_approving_charges_the_quoted_price_to_the_pool(app, api, funded, run_jobs):
    [server_id] = servers(app, 1)
    allow_members(api, funded)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.user, server_id, funded.pool_id)
    assert api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve",
                    as_=funded.user).status_code == 403
    assert api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve",
                    as_=funded.stranger).status_code == 404
    approved = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.admin)
    assert approved.status_code == 200, approved.json
    rental = approved.json["data"]["rental"]
    assert approved.json["data"]["transaction"]["amount"] == 240.5
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - MONTH
    assert api.get(f"/rentals/{rental['id']}", as_=funded.user).status_code == 200
    [listed] = api.get(f"/pools/{funded.pool_id}/spend-requests", as_=funded.owner).json["data"]
    assert (listed["status"], listed["decided_by"]) == ("approved", funded.admin.id)
    again = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.owner)
    assert again.status_code == 409 and again.json["code"] == "SPEND_REQUEST_NOT_PENDING"
    run_jobs()
    notes = api.get("/notifications", as_=funded.user).json["data"]
    assert any("was approved" in n["title"] for n in notes), notes
    check_books(app, funded)


def test_approving_ones_own_request_is_forbidden(app, api, funded):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.admin, server_id, funded.pool_id)
    own = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.admin)
    assert own.status_code == 403
    assert api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/reject",
                    as_=funded.admin).status_code == 403


def test_approving_after_the_price_went_up_fails_the_request(app, api, funded, run_jobs):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.admin, server_id, funded.pool_id)
    with app.app_context():
        db.session.execute(update(ServerPrice).where(ServerPrice.server_id == server_id, ServerPrice.days == 30)
                           .values(price_cents=MONTH + 1))
        db.session.commit()
        db.session.remove()
    response = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.owner)
    assert response.status_code == 409 and response.json["code"] == "CHARGE_EXCEEDS_MAX"
    [listed] = api.get(f"/pools/{funded.pool_id}/spend-requests", as_=funded.owner).json["data"]
    assert listed["status"] == "failed" and "exceeds max_charge_cents" in listed["reason"]
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00
    run_jobs()
    assert any("could not be carried out" in n["title"]
               for n in api.get("/notifications", as_=funded.admin).json["data"])


def test_approving_when_the_server_was_taken_fails_the_request(app, api, funded):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.admin, server_id, funded.pool_id)
    api.rent(funded.stranger, server_id)
    response = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.owner)
    assert response.status_code == 409 and response.json["code"] == "SERVER_UNAVAILABLE"
    assert api.get(f"/pools/{funded.pool_id}/spend-requests", as_=funded.owner).json["data"][0]["status"] == "failed"


def test_a_short_pool_refuses_the_approval_and_the_request_stays_pending(app, api, team):
    fund(app, team.owner, team.admin)
    transfer(api, team.owner, team.pool_id, 100_00)
    [server_id] = servers(app, 1)
    set_budget(api, team.owner, team.pool_id, approval_threshold_cents=50_00)
    request = request_rent(api, team.admin, server_id, team.pool_id)
    short = api.post(f"/pools/{team.pool_id}/spend-requests/{request['id']}/approve", as_=team.owner)
    assert short.status_code == 402
    assert api.get(f"/pools/{team.pool_id}/spend-requests", as_=team.owner).json["data"][0]["status"] == "pending"
    transfer(api, team.owner, team.pool_id, 200_00)
    assert api.post(f"/pools/{team.pool_id}/spend-requests/{request['id']}/approve",
                    as_=team.owner).status_code == 200
    check_books(app, team)


def test_an_extension_request_is_approved_as_quoted(app, api, funded):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    rental_id = api.rent(funded.admin, server_id, pool_id=funded.pool_id)
    response = api.post(f"/rentals/{rental_id}/extend", as_=funded.admin, json={"additional_days": 30,
                                                                                "pay_from": "pool"})
    assert response.status_code == 202, response.json
    request = response.json["data"]["spend_request"]
    assert (request["kind"], request["rental_id"], request["amount_cents"]) == ("extend", rental_id, MONTH)
    approved = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.owner)
    assert approved.status_code == 200, approved.json
    assert approved.json["data"]["rental"]["id"] == rental_id
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - MONTH
    check_books(app, funded)


def test_rejecting_tells_the_requester_and_charges_nothing(app, api, funded, run_jobs):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.admin, server_id, funded.pool_id)
    rejected = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/reject", as_=funded.owner)
    assert rejected.status_code == 200 and rejected.json["data"]["status"] == "rejected"
    assert api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve",
                    as_=funded.owner).status_code == 409
    run_jobs()
    assert any("was rejected" in n["title"] for n in api.get("/notifications", as_=funded.admin).json["data"])
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00


def test_two_approvals_racing_make_one_charge(app, api, funded):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    allow_members(api, funded)
    request = request_rent(api, funded.user, server_id, funded.pool_id)
    path = f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve"
    results = race(app, [("POST", path, funded.owner.headers, None), ("POST", path, funded.admin.headers, None)] * 3)
    assert sorted(status for status, _ in results) == [200] + [409] * 5, results
    assert count(app, select(func.count(Transaction.id)).where(Transaction.type == "rental")) == 1
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00 - MONTH
    check_books(app, funded)


def test_pending_requests_lapse_after_the_ttl(app, api, funded, clock, run_jobs):
    [server_id] = servers(app, 1)
    set_budget(api, funded.owner, funded.pool_id, approval_threshold_cents=100_00)
    request = request_rent(api, funded.admin, server_id, funded.pool_id)
    clock.advance(hours=72)
    late = api.post(f"/pools/{funded.pool_id}/spend-requests/{request['id']}/approve", as_=funded.owner)
    assert late.status_code == 409 and late.json["code"] == "SPEND_REQUEST_NOT_PENDING"
    run_jobs()
    with app.app_context():
        assert db.session.get(SpendRequest, request["id"]).status == "expired"
        db.session.remove()
    assert any("expired" in n["title"] for n in api.get("/notifications", as_=funded.admin).json["data"])
    assert pool_balance(api, funded.owner, funded.pool_id) == 500_00
