"""Auto-renew: ``PUT /rentals/{id}/auto-renew`` {additional_days, max_charge_cents} turns it on,
``DELETE`` off; RENEW_AHEAD_HOURS (24) before the rental ends it is extended exactly as a manual
extension with the ceiling, paid by whoever turned it on; a refusal is told and tried again every
AUTO_RENEW_RETRY_HOURS (6) until the rental ends.

Time moves with the ``clock`` fixture; the work runs as cron would run it, with ``flask jobs tick``.
A seven-day rental made at the clock's start (2025-01-21 22:00 UTC) ends 2025-01-28 22:00, is
renewed at 2025-01-27 22:00 and is held until 2025-01-30 22:00.
"""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update

from core.extensions import db
from models import AuditEvent, Notification, Rental, Server, ServerPrice, Transaction, User
from services import wallet
from tests.factories import make_servers, server_record
from tests.invoices import assert_numbered_without_gaps, assert_one_invoice_per_transaction
from tests.ledger import assert_books_balance, assert_pool_books_balance
from tests.mail import give_verified_address, mail_server, text_of  # noqa: F401  (mail_server is a fixture)

START = datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc)
END = START + timedelta(days=7)
RENEW_AT = END - timedelta(hours=24)
HOLD_UNTIL = END + timedelta(days=2)
NEW_END = "2025-02-04T22:00:00.000Z"


@pytest.fixture
def server_id(app):
    return make_servers(app, [server_record("node-us-nyc-1", prices={"1": "12.00", "7": "70.00"})])["node-us-nyc-1"]


@pytest.fixture
def alice(make_user):
    return make_user("alice", balance_cents=1000_00)


def turn_on(api, person, rental_id, days=7, ceiling=7500):
    response = api.put(f"/rentals/{rental_id}/auto-renew", as_=person,
                       json={"additional_days": days, "max_charge_cents": ceiling})
    assert response.status_code == 200, response.json
    return response.json["data"]["auto_renew"]


def rental(api, person, rental_id) -> dict:
    response = api.get(f"/rentals/{rental_id}", as_=person)
    assert response.status_code == 200, response.json
    return response.json["data"]


def balance(api, person) -> int:
    return api.get("/wallet/balance", as_=person).json["data"]["balance_cents"]


def told(app, event: str) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(
            select(Notification, User.username).join(User, User.id == Notification.user_id)
            .where(Notification.event == event).order_by(Notification.created_at, User.username)
        ).all()
        db.session.remove()
    return [{"to": username, "title": note.title, "message": note.message, "data": note.data, "link": note.link}
            for note, username in rows]


def charges(app, rental_id) -> list[int]:
    with app.app_context():
        amounts = list(db.session.scalars(select(Transaction.amount_cents).where(
            Transaction.rental_id == rental_id, Transaction.type == "extension")))
        db.session.remove()
    return amounts


def change_prices(app, server_id, prices: dict[int, int]) -> None:
    """An administrator's new prices (there is no page for it yet); an empty dict withdraws the server."""
    with app.app_context():
        db.session.execute(delete(ServerPrice).where(ServerPrice.server_id == server_id))
        for days, cents in prices.items():
            db.session.add(ServerPrice(server_id=server_id, days=days, price_cents=cents,
                                       price_per_day_millicents=cents * 1000 // days))
        db.session.commit()


# --- Turning it on and off --------------------------------------------------------------------------

def test_auto_renew_is_off_until_turned_on_then_shown_on_every_rental(api, clock, alice, server_id):
    rental_id = api.rent(alice, server_id)
    assert rental(api, alice, rental_id)["auto_renew"] is None
    shown = turn_on(api, alice, rental_id)
    assert shown == {"additional_days": 7, "max_charge_cents": 7500, "next_attempt_at": "2025-01-27T22:00:00.000Z",
                     "last_attempt_at": None, "last_result": None, "pay_from": "self"}
    for path in ("/rentals", "/servers"):
        [listed] = api.get(path, as_=alice).json["data"]
        assert listed["auto_renew"] == shown
    for path in (f"/rentals/{rental_id}", f"/servers/{rental_id}"):
        assert api.get(path, as_=alice).json["data"]["auto_renew"] == shown

    changed = turn_on(api, alice, rental_id, days=1, ceiling=1500)
    assert (changed["additional_days"], changed["max_charge_cents"]) == (1, 1500)

    off = api.delete(f"/rentals/{rental_id}/auto-renew", as_=alice)
    assert off.status_code == 200 and off.json["data"] == {"rental_id": rental_id, "auto_renew": None}
    assert rental(api, alice, rental_id)["auto_renew"] is None
    assert api.delete(f"/rentals/{rental_id}/auto-renew", as_=alice).status_code == 200  # off already: fine


def test_turning_it_on_and_off_is_in_the_pool_audit(api, clock, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    api.delete(f"/rentals/{rental_id}/auto-renew", as_=alice)
    actions = [event["action"] for event in api.get(f"/pools/{alice.default_pool_id}/audit", as_=alice).json["data"]]
    assert sorted(actions) == ["rental.auto_renew_cleared", "rental.auto_renew_set", "rental.created"]


# --- Renewing ---------------------------------------------------------------------------------------

def test_a_rental_is_renewed_a_day_before_it_ends_as_a_manual_extension(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    clock.set(RENEW_AT - timedelta(seconds=1))
    tick()
    assert charges(app, rental_id) == [] and rental(api, alice, rental_id)["rental_end"] == "2025-01-28T22:00:00.000Z"

    clock.set(RENEW_AT)
    tick()
    renewed = rental(api, alice, rental_id)
    assert renewed["rental_end"] == NEW_END
    assert renewed["amount"] == "140.00"
    assert renewed["auto_renew"] == {"additional_days": 7, "max_charge_cents": 7500,
                                     "next_attempt_at": "2025-02-03T22:00:00.000Z",
                                     "last_attempt_at": "2025-01-27T22:00:00.000Z", "last_result": "renewed", "pay_from": "self"}
    assert balance(api, alice) == 1000_00 - 2 * 70_00
    transactions = api.get("/wallet/transactions", as_=alice).json["data"]
    assert [(t["type"], t["amount"], t["rental_id"]) for t in transactions][:1] == [("extension", 70, rental_id)]
    audit = api.get(f"/pools/{alice.default_pool_id}/audit", as_=alice).json["data"][0]
    assert audit["action"] == "rental.extended" and audit["actor"]["username"] == "alice"
    assert audit["details"]["rental_end"] == NEW_END

    [note] = told(app, "rental.auto_renewed")
    assert note["to"] == "alice" and note["title"] == "node-us-nyc-1 was renewed"
    assert note["message"] == ("The rental of node-us-nyc-1 was renewed automatically for 7 days, for $70.00. It now "
                               "ends on 04 Feb 2025, 22:00 UTC.")
    assert note["link"] == f"/rentals/{rental_id}"
    assert {key: note["data"][key] for key in ("rental_id", "server_id", "days", "amount_cents", "ceiling")} == \
        {"rental_id": rental_id, "server_id": server_id, "days": 7, "amount_cents": 7000, "ceiling": 7500}

    # The next period renews in its own time, once.
    for _ in range(3):
        tick()
    assert charges(app, rental_id) == [7000]
    clock.set(datetime(2025, 2, 3, 22, 0, tzinfo=timezone.utc))
    tick()
    tick()
    assert charges(app, rental_id) == [7000, 7000]
    assert rental(api, alice, rental_id)["rental_end"] == "2025-02-11T22:00:00.000Z"


def test_repeated_ticks_renew_a_period_once(app, api, clock, tick, run_jobs, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    clock.set(RENEW_AT + timedelta(minutes=5))
    for _ in range(4):
        tick()
        run_jobs()
    assert charges(app, rental_id) == [7000]
    assert len(told(app, "rental.auto_renewed")) == 1


def test_a_manual_extension_before_the_renewal_moves_it_to_the_new_end(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    clock.set(START + timedelta(days=2))
    assert api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7}).status_code == 200
    clock.set(RENEW_AT)
    tick()
    assert charges(app, rental_id) == [7000]  # the manual one only: the period is paid
    assert rental(api, alice, rental_id)["auto_renew"]["next_attempt_at"] == "2025-02-03T22:00:00.000Z"
    clock.set(datetime(2025, 2, 3, 22, 0, tzinfo=timezone.utc))
    tick()
    assert charges(app, rental_id) == [7000, 7000]


def test_the_pool_admin_who_turned_it_on_pays(app, api, clock, tick, team, server_id):
    with app.app_context():
        db.session.execute(update(User).values(balance_cents=500_00))
        db.session.commit()
    rental_id = api.rent(team.user, server_id, pool_id=team.pool_id)
    turn_on(api, team.admin, rental_id)
    clock.set(RENEW_AT)
    tick()
    assert balance(api, team.admin) == 500_00 - 70_00
    assert balance(api, team.user) == 500_00 - 70_00  # the rent only
    # The payer, the renter and the pool's owner (and admins) hear of it.
    assert {note["to"] for note in told(app, "rental.auto_renewed")} == {"jane_admin", "joe_user", "team_lead"}


def test_renewals_due_together_are_each_made_or_refused_as_on_their_own(app, api, clock, tick, team, make_user):
    """One check renews the plain ones together and every other on its own: a payer whose wallet holds
    two renewals of three gets two and one refusal, and nothing of the refused one is changed."""
    servers = make_servers(app, [server_record(f"node-{i}", prices={"7": "70.00"}) for i in range(5)])
    bob = make_user("bob", balance_cents=3 * 70_00 + 2 * 70_00)  # three rents, then two renewals
    with app.app_context():
        for person in (team.admin, team.user):
            wallet.credit(person.username, 500_00)
        db.session.remove()
    bobs = [api.rent(bob, servers[f"node-{i}"]) for i in range(3)]
    teams = api.rent(team.user, servers["node-3"], pool_id=team.pool_id)
    for rental_id in bobs:
        turn_on(api, bob, rental_id)
    turn_on(api, team.admin, teams)  # an admin pays for a member's rental
    clock.set(RENEW_AT)
    tick()

    assert sorted(len(charges(app, rental_id)) for rental_id in bobs) == [0, 1, 1]
    [refused_id] = [rental_id for rental_id in bobs if not charges(app, rental_id)]
    assert refused(app, api, bob, refused_id)["data"]["reason"] == "insufficient_balance"
    assert rental(api, bob, refused_id)["rental_end"] == "2025-01-28T22:00:00.000Z"
    assert balance(api, bob) == 0
    assert charges(app, teams) == [7000] and balance(api, team.admin) == 500_00 - 70_00
    assert {note["data"]["rental_id"] for note in told(app, "rental.auto_renewed")} == set(bobs) - {refused_id} | {teams}
    with app.app_context():
        # Each server stays held exactly to the end of its rental's hold, renewed or not.
        assert all(server.reserved_until == held for server, held in db.session.execute(
            select(Server, Rental.hold_until).join(Rental, Rental.server_id == Server.id)))
        extended = db.session.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "rental.extended")).all()
        assert sorted(extended) == sorted(set(bobs) - {refused_id} | {teams})
        db.session.remove()
    for person in (bob, team.admin, team.user):
        assert_books_balance(app, person.id)
    assert_one_invoice_per_transaction(app)
    assert_numbered_without_gaps(app)


# --- Refusals ---------------------------------------------------------------------------------------

def refused(app, api, person, rental_id) -> dict:
    [note] = told(app, "rental.auto_renew_failed")
    assert note["data"]["rental_id"] == rental_id
    return note


def test_a_short_balance_is_told_and_tried_every_6_hours_until_the_rental_ends(app, api, clock, tick, make_user,
                                                                               server_id):
    bob = make_user("bob", balance_cents=100_00)
    rental_id = api.rent(bob, server_id)
    turn_on(api, bob, rental_id)
    clock.set(RENEW_AT)
    tick()
    note = refused(app, api, bob, rental_id)
    assert note["title"] == "node-us-nyc-1 could not be renewed"
    assert note["message"] == (
        "The automatic renewal of node-us-nyc-1 for 7 days for $70.00 was refused: the balance of the wallet that "
        "pays for it was short. Nothing was charged. It will try again on 28 Jan 2025, 04:00 UTC. The rental ends "
        "on 28 Jan 2025, 22:00 UTC unless it is extended.")
    assert note["data"]["reason"] == "insufficient_balance" and note["data"]["ceiling"] == 7500
    assert note["data"]["next_attempt_at"] == "2025-01-28T04:00:00.000Z"
    shown = rental(api, bob, rental_id)["auto_renew"]
    assert (shown["last_result"], shown["next_attempt_at"]) == ("insufficient_balance", "2025-01-28T04:00:00.000Z")

    tick()  # not yet time
    assert len(told(app, "rental.auto_renew_failed")) == 1
    clock.set(datetime(2025, 1, 28, 4, 0, tzinfo=timezone.utc))
    tick()
    assert len(told(app, "rental.auto_renew_failed")) == 2

    # Credit arrives: the next attempt renews, from the hold if need be.
    with app.app_context():
        db.session.execute(update(User).where(User.id == bob.id).values(balance_cents=100_00))
        db.session.commit()
    clock.set(datetime(2025, 1, 28, 10, 0, tzinfo=timezone.utc))
    tick()
    assert charges(app, rental_id) == [7000]
    assert rental(api, bob, rental_id)["rental_end"] == NEW_END


def test_retries_stop_when_the_rental_ends(app, api, clock, tick, make_user, server_id):
    bob = make_user("bob", balance_cents=70_00)
    rental_id = api.rent(bob, server_id)
    turn_on(api, bob, rental_id)
    attempts = 0
    moment = RENEW_AT
    while moment < HOLD_UNTIL:
        clock.set(moment)
        tick()
        attempts += 1
        moment += timedelta(hours=6)
    notes = told(app, "rental.auto_renew_failed")
    assert len(notes) == attempts == 12  # 24 hours before the end to the end of the 48-hour hold, every 6 hours
    assert notes[-1]["data"]["next_attempt_at"] is None
    assert "It will not try again: the rental ends on 30 Jan 2025, 22:00 UTC." in notes[-1]["message"]
    clock.set(HOLD_UNTIL + timedelta(days=1))
    tick()
    assert len(told(app, "rental.auto_renew_failed")) == 12
    assert rental(api, bob, rental_id)["auto_renew"]["next_attempt_at"] is None


def test_a_price_above_the_ceiling_is_refused(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id, ceiling=7500)
    change_prices(app, server_id, {1: 1200, 7: 8000})
    clock.set(RENEW_AT)
    tick()
    note = refused(app, api, alice, rental_id)
    assert "was refused: the price is above the ceiling set for it ($75.00)" in note["message"]
    assert "for 7 days for $80.00" in note["message"]
    assert (note["data"]["reason"], note["data"]["amount_cents"]) == ("above_ceiling", 8000)
    assert charges(app, rental_id) == [] and balance(api, alice) == 1000_00 - 70_00


@pytest.mark.parametrize("prices, reason, why", [
    ({}, "server_withdrawn", "the server has been withdrawn from the marketplace"),
    ({1: 1200}, "duration_not_offered", "the server no longer offers that period"),
])
def test_a_server_withdrawn_or_a_period_no_longer_offered_is_refused(app, api, clock, tick, alice, server_id,
                                                                     prices, reason, why):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    change_prices(app, server_id, prices)
    clock.set(RENEW_AT)
    tick()
    note = refused(app, api, alice, rental_id)
    assert note["data"]["reason"] == reason and f"was refused: {why}." in note["message"]
    assert note["data"]["amount_cents"] is None
    assert charges(app, rental_id) == []


def test_a_payer_no_longer_allowed_to_extend_is_refused(app, api, clock, tick, team, server_id):
    with app.app_context():
        db.session.execute(update(User).values(balance_cents=500_00))
        db.session.commit()
    rental_id = api.rent(team.user, server_id, pool_id=team.pool_id)
    turn_on(api, team.admin, rental_id)
    demoted = api.put(f"/pools/{team.pool_id}/members/{team.admin.id}", as_=team.owner, json={"role": "user"})
    assert demoted.status_code == 200, demoted.json
    clock.set(RENEW_AT)
    tick()
    notes = told(app, "rental.auto_renew_failed")
    assert {note["to"] for note in notes} == {"jane_admin", "joe_user", "team_lead"}
    assert notes[0]["data"]["reason"] == "not_allowed"
    assert "whoever set it up may no longer extend this rental" in notes[0]["message"]
    assert charges(app, rental_id) == [] and balance(api, team.admin) == 500_00


def test_a_refusal_is_emailed(app, api, clock, tick, make_user, server_id, mail_server):
    bob = make_user("bob", balance_cents=100_00)
    give_verified_address(api, bob, "bob@example.com", mail_server, tick)
    rental_id = api.rent(bob, server_id)
    turn_on(api, bob, rental_id)
    clock.set(RENEW_AT)
    tick()
    tick()
    [message] = [m for m in mail_server.to("bob@example.com") if "could not be renewed" in m["Subject"]]
    assert message["Subject"] == "node-us-nyc-1 could not be renewed"
    body = text_of(message)
    assert "the balance of the wallet that pays for it was short" in body
    assert "It will try again on 28 Jan 2025, 04:00 UTC." in body


# --- Permissions and bad input ------------------------------------------------------------------------

def test_who_may_set_it_is_who_may_extend(app, api, clock, team, server_id):
    with app.app_context():
        db.session.execute(update(User).values(balance_cents=500_00))
        db.session.commit()
    rental_id = api.rent(team.owner, server_id, pool_id=team.pool_id)
    body = {"additional_days": 7, "max_charge_cents": 7000}
    path = f"/rentals/{rental_id}/auto-renew"
    for method in ("put", "delete"):
        call = getattr(api, method)
        kwargs = {"json": body} if method == "put" else {}
        forbidden = call(path, as_=team.user, **kwargs)
        extend_forbidden = api.post(f"/rentals/{rental_id}/extend", as_=team.user, json={"additional_days": 7})
        assert (forbidden.status_code, forbidden.json["code"], forbidden.json["message"]) == \
            (403, "FORBIDDEN", extend_forbidden.json["message"])
        hidden = call(path, as_=team.stranger, **kwargs)
        assert (hidden.status_code, hidden.json["code"], hidden.json["message"]) == (404, "NOT_FOUND", "Rental not found")
        missing = call("/rentals/507f1f77bcf86cd799439999/auto-renew", as_=team.owner, **kwargs)
        assert missing.status_code == 404
    assert api.put(path, as_=team.admin, json=body).status_code == 200
    assert api.delete(path, as_=team.admin).status_code == 200


def test_an_ended_rental_cannot_be_set_to_renew(api, clock, alice, server_id):
    rental_id = api.rent(alice, server_id)
    clock.set(HOLD_UNTIL)
    response = api.put(f"/rentals/{rental_id}/auto-renew", as_=alice, json={"additional_days": 7, "max_charge_cents": 7000})
    assert (response.status_code, response.json["code"]) == (409, "RENTAL_ENDED")


@pytest.mark.parametrize("body, field, message", [
    ({"additional_days": 30, "max_charge_cents": 7000}, "additional_days",
     "must be one of this server's rental durations: 1, 7"),
    ({"additional_days": 7}, "max_charge_cents", "is required"),
    ({"max_charge_cents": 7000}, "additional_days", "is required"),
])
def test_bad_settings_are_refused(api, clock, alice, server_id, body, field, message):
    rental_id = api.rent(alice, server_id)
    response = api.put(f"/rentals/{rental_id}/auto-renew", as_=alice, json=body)
    assert (response.status_code, response.json["code"]) == (400, "VALIDATION_FAILED")
    assert [(d["field"], d["message"]) for d in response.json["details"]] == [(field, message)]
    assert rental(api, alice, rental_id)["auto_renew"] is None


# --- The reminder quotes the renewal ------------------------------------------------------------------

def test_the_ending_soon_reminder_quotes_the_renewal(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id, ceiling=7500)
    clock.set(END - timedelta(hours=72))
    tick()
    [note] = told(app, "rental.ending_soon")
    assert note["title"] == "node-us-nyc-1 renews in 3 days"
    assert note["message"] == (
        "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC. It renews automatically on 27 Jan 2025, "
        "22:00 UTC for $70.00 (7 days); your ceiling is $75.00. Keep $70.00 in the wallet that pays for it.")


def test_the_reminder_says_plainly_when_the_ceiling_is_too_low(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id, ceiling=6000)
    clock.set(END - timedelta(hours=72))
    tick()
    [note] = told(app, "rental.ending_soon")
    assert note["title"] == "node-us-nyc-1 ends in 3 days: its renewal will be refused"
    assert note["message"] == (
        "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC. It renews automatically on 27 Jan 2025, "
        "22:00 UTC for $70.00 (7 days); your ceiling is $60.00. The price is above your ceiling, so the renewal "
        "will be refused: raise the ceiling or extend it yourself before then.")
    assert note["data"]["auto_renew"] == {"renews_at": "2025-01-27T22:00:00.000Z", "days": 7, "amount_cents": 7000,
                                          "ceiling": 6000}


def test_the_reminder_says_when_the_period_is_no_longer_offered(app, api, clock, tick, alice, server_id):
    rental_id = api.rent(alice, server_id)
    turn_on(api, alice, rental_id)
    change_prices(app, server_id, {1: 1200})
    clock.set(END - timedelta(hours=72))
    tick()
    [note] = told(app, "rental.ending_soon")
    assert note["title"] == "node-us-nyc-1 ends in 3 days and cannot renew"
    assert "the server no longer offers 7 days, so the renewal will be refused" in note["message"]


# --- The low-balance warning counts the auto-renewals ---------------------------------------------------

def low_balance_warnings(app) -> list[tuple[str, dict]]:
    return [(note["to"], note["data"]) for note in told(app, "wallet.low_balance")]


def set_balance(app, person, cents: int) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == person.id).values(balance_cents=cents))
        db.session.commit()


def test_the_low_balance_warning_counts_the_auto_renewal_not_the_guessed_renewal(app, api, clock, tick, alice,
                                                                                  server_id):
    rental_id = api.rent(alice, server_id)
    set_balance(app, alice, 30_00)  # short of another week ($70.00), enough for a day ($12.00)
    turn_on(api, alice, rental_id, days=1, ceiling=1500)
    tick()
    assert low_balance_warnings(app) == []

    clock.advance(days=1)  # a new day: everyone due is looked at again
    turn_on(api, alice, rental_id, days=7, ceiling=7500)
    tick()
    [(to, data)] = low_balance_warnings(app)
    assert to == "alice" and data["renewals_cents"] == 7000


def test_the_payer_of_an_auto_renewal_is_warned_not_the_renter(app, api, clock, tick, team, server_id):
    set_balance(app, team.user, 500_00)
    rental_id = api.rent(team.user, server_id, pool_id=team.pool_id)
    set_balance(app, team.admin, 10_00)
    turn_on(api, team.admin, rental_id)
    tick()
    warned = low_balance_warnings(app)
    assert [(to, data["renewals_cents"]) for to, data in warned] == [("jane_admin", 7000)]


# --- Paid from the rental's pool --------------------------------------------------------------------

def pool_rental(app, api, team, server_id, pool_cents=500_00) -> str:
    """A rental of team.user's in the team's pool, with money in the pool's wallet."""
    for person in (team.owner, team.user):
        with app.app_context():
            wallet.credit(person.username, 1000_00)
            db.session.remove()
    assert api.post(f"/pools/{team.pool_id}/wallet/transfers", as_=team.owner,
                    json={"amount_cents": pool_cents}).status_code == 201
    rented = api.post(f"/servers/{server_id}/rent", as_=team.user,
                      json={"rental_days": 7, "pool_id": team.pool_id})
    assert rented.status_code == 201, rented.json
    return rented.json["data"]["rental"]["id"]


def pool_balance(api, person, pool_id) -> int:
    return api.get(f"/pools/{pool_id}/wallet", as_=person).json["data"]["balance_cents"]


def test_a_renewal_paid_from_the_pool_charges_the_pools_wallet(app, api, clock, tick, team, server_id):
    rental_id = pool_rental(app, api, team, server_id)
    turned = api.put(f"/rentals/{rental_id}/auto-renew", as_=team.owner,
                     json={"additional_days": 7, "max_charge_cents": 7500, "pay_from": "pool"})
    assert turned.status_code == 200 and turned.json["data"]["auto_renew"]["pay_from"] == "pool"
    owner_before = balance(api, team.owner)

    clock.set(RENEW_AT)
    tick()

    assert rental(api, team.user, rental_id)["rental_end"] == NEW_END
    assert pool_balance(api, team.owner, team.pool_id) == 500_00 - 70_00
    assert balance(api, team.owner) == owner_before
    assert_books_balance(app, team.owner.id)
    assert_pool_books_balance(app, team.pool_id)


def test_only_who_may_pay_from_the_pool_sets_a_pool_paid_renewal(app, api, team, server_id):
    rental_id = pool_rental(app, api, team, server_id)
    refused = api.put(f"/rentals/{rental_id}/auto-renew", as_=team.user,
                      json={"additional_days": 7, "max_charge_cents": 7500, "pay_from": "pool"})
    assert refused.status_code == 403
    assert rental(api, team.user, rental_id)["auto_renew"] is None
    bad = api.put(f"/rentals/{rental_id}/auto-renew", as_=team.owner,
                  json={"additional_days": 7, "max_charge_cents": 7500, "pay_from": "team"})
    assert bad.status_code == 400 and [item["field"] for item in bad.json["details"]] == ["pay_from"]


def test_a_pool_paid_renewal_obeys_the_pools_budget(app, api, clock, tick, team, server_id):
    rental_id = pool_rental(app, api, team, server_id)
    api.put(f"/rentals/{rental_id}/auto-renew", as_=team.owner,
            json={"additional_days": 7, "max_charge_cents": 7500, "pay_from": "pool"})
    assert api.put(f"/pools/{team.pool_id}/budget", as_=team.owner,
                   json={"monthly_limit_cents": 50_00}).status_code == 200

    clock.set(RENEW_AT)
    tick()

    assert charges(app, rental_id) == []
    assert rental(api, team.user, rental_id)["auto_renew"]["last_result"] == "budget_exceeded"
    assert pool_balance(api, team.owner, team.pool_id) == 500_00
    [note] = [note for note in told(app, "rental.auto_renew_failed") if note["to"] == "team_lead"]
    assert "it would pass a monthly limit of the pool's budget" in note["message"]


def test_a_pool_paid_renewal_above_the_approval_threshold_needs_the_owner(app, api, clock, tick, team, server_id):
    rental_id = pool_rental(app, api, team, server_id)
    assert api.patch(f"/pools/{team.pool_id}", as_=team.owner,
                     json={"settings": {"members_may_spend": True}}).status_code == 200
    assert api.put(f"/rentals/{rental_id}/auto-renew", as_=team.user,
                   json={"additional_days": 7, "max_charge_cents": 7500, "pay_from": "pool"}).status_code == 200
    assert api.put(f"/pools/{team.pool_id}/budget", as_=team.owner,
                   json={"approval_threshold_cents": 50_00}).status_code == 200

    clock.set(RENEW_AT)
    tick()

    assert charges(app, rental_id) == []
    assert rental(api, team.user, rental_id)["auto_renew"]["last_result"] == "approval_needed"
    # Refused, not asked for: the owner is not sent a request at every retry.
    assert api.get(f"/pools/{team.pool_id}/spend-requests", as_=team.owner).json["data"] == []
