"""Provisioning through the API: administrators report a rented server's setup (PUT
/admin/rentals/{id}/provisioning); renters and pool members read it in the rental; a failed setup refunds
every charge once, ends the rental and releases the server; a setup late past PROVISIONING_TIMEOUT_HOURS
is flagged to the administrators once."""
import pytest
from sqlalchemy import func, select

from core.extensions import db
from models import Event, Transaction
from tests.factories import add_server
from tests.ledger import assert_books_balance, assert_pool_books_balance, balance_of
from tests.mail import give_verified_address, mail_server, text_of  # noqa: F401
from tests.races import count, race
from tests.snapshots import database_unchanged
from tests.statements import query_plan, statements_sent

ACCESS = {"ipv4": ["203.0.113.10"], "ipv6": ["2001:DB8:0::10"], "hostname": "Node-1.Example.com.",
          "notes": "Log in as root with your SSH key"}
STORED_ACCESS = {"ipv4": ["203.0.113.10"], "ipv6": ["2001:db8::10"], "hostname": "node-1.example.com",
                 "notes": "Log in as root with your SSH key"}
WEEK_CENTS = 7000


@pytest.fixture
def server_id(app):
    return add_server(app)


@pytest.fixture
def root(make_user):
    return make_user("root", is_admin=True)


def rent(api, person, server_id, **body) -> str:
    response = api.post(f"/servers/{server_id}/rent", as_=person, json={"rental_days": 7, **body})
    assert response.status_code == 201, response.json
    return response.json["data"]["rental"]["id"]


def report(api, person, rental_id, **body):
    return api.put(f"/admin/rentals/{rental_id}/provisioning", as_=person, json=body)


def provisioning_seen(api, person, rental_id) -> dict:
    response = api.get(f"/rentals/{rental_id}", as_=person)
    assert response.status_code == 200, response.json
    return response.json["data"]["provisioning"]


def events_of(app, event_type: str) -> list[Event]:
    with app.app_context():
        found = list(db.session.scalars(select(Event).where(Event.type == event_type).order_by(Event.created_at)))
        db.session.remove()
        return found


def notifications_of(api, person) -> list[dict]:
    return api.get("/notifications", as_=person).json["data"]


def refunds_of(app, rental_id: str) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(Transaction.user_id, Transaction.pool_id, Transaction.amount_cents)
                                  .where(Transaction.rental_id == rental_id, Transaction.type == "refund")).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def available_ids(api, person) -> set[str]:
    return {server["id"] for server in api.get("/servers/available?limit=500", as_=person).json["data"]}


# --- The state in the rental ----------------------------------------------------------------------

def test_a_new_rental_is_pending_from_the_moment_of_renting(api, make_user, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    expected = {"status": "pending", "message": None, "access": None, "updated_at": "2025-01-21T22:00:00.000Z"}
    assert provisioning_seen(api, alice, rental_id) == expected
    for path in ("/rentals", "/servers"):
        [item] = api.get(path, as_=alice).json["data"]
        assert item["provisioning"] == expected
    assert api.get(f"/servers/{rental_id}", as_=alice).json["data"]["provisioning"] == expected


def test_each_reported_state_is_answered_and_shown_in_the_rental(api, make_user, root, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    clock.advance(minutes=5)
    response = report(api, root, rental_id, status="provisioning", message="Installing Debian 12")
    assert response.status_code == 200, response.json
    assert response.json["message"] == "Provisioning updated"
    assert response.json["data"] == {
        "rental_id": rental_id, "rental_status": "active",
        "provisioning": {"status": "provisioning", "message": "Installing Debian 12", "access": None,
                         "updated_at": "2025-01-21T22:05:00.000Z"},
        "refunded": None,
    }
    clock.advance(minutes=30)
    response = report(api, root, rental_id, status="ready", message="Installed", access=ACCESS)
    assert response.status_code == 200, response.json
    ready = {"status": "ready", "message": "Installed", "access": STORED_ACCESS,
             "updated_at": "2025-01-21T22:35:00.000Z"}
    assert response.json["data"]["provisioning"] == ready
    assert provisioning_seen(api, alice, rental_id) == ready
    # A re-install: back to provisioning, the access details replaced (here cleared).
    clock.advance(days=1)
    response = report(api, root, rental_id, status="provisioning", message="Re-installing")
    assert response.json["data"]["provisioning"] == {"status": "provisioning", "message": "Re-installing",
                                                     "access": None, "updated_at": "2025-01-22T22:35:00.000Z"}


def test_access_is_shown_to_the_renter_and_pool_members_and_the_rental_to_nobody_else(app, api, team, root,
                                                                                      server_id):
    from services import wallet
    with app.app_context():
        wallet.credit(team.user.username, 100_00)
        db.session.remove()
    rental_id = rent(api, team.user, server_id, pool_id=team.pool_id)
    assert report(api, root, rental_id, status="ready", access=ACCESS).status_code == 200
    for person in (team.user, team.owner, team.admin, team.other_user):
        assert provisioning_seen(api, person, rental_id)["access"] == STORED_ACCESS
        [item] = [item for item in api.get("/rentals", as_=person).json["data"] if item["id"] == rental_id]
        assert item["provisioning"]["access"] == STORED_ACCESS
    for person in (team.invitee, team.stranger):
        assert api.get(f"/rentals/{rental_id}", as_=person).status_code == 404
        assert api.get(f"/servers/{rental_id}", as_=person).status_code == 404
        assert rental_id not in {item["id"] for item in api.get("/rentals", as_=person).json["data"]}


# --- Who may report -------------------------------------------------------------------------------

def test_only_administrators_report_a_setup(app, api, team, make_user, server_id):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    with database_unchanged(app):
        for person in (alice, team.owner, team.stranger):
            response = report(api, person, rental_id, status="ready", access=ACCESS)
            assert response.status_code == 403
            assert response.json["code"] == "FORBIDDEN"
        assert api.put(f"/admin/rentals/{rental_id}/provisioning", json={"status": "ready"}).status_code == 401


def test_an_unknown_rental_is_404(api, root):
    response = report(api, root, "507f1f77bcf86cd799439999", status="ready")
    assert response.status_code == 404
    assert response.json["message"] == "Rental not found"


def test_a_token_without_admin_servers_is_refused(api, root, make_user, server_id):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    created = api.post("/auth/tokens", as_=root, json={"alias": "no servers", "permission_template": "read_only"})
    assert created.status_code == 201, created.json
    headers = {"Authorization": f"Bearer {created.json['data']['token']}"}
    response = api.client.put(f"/api/v1/admin/rentals/{rental_id}/provisioning", headers=headers,
                              json={"status": "ready"})
    assert response.status_code == 403
    assert response.json["code"] == "TOKEN_PERMISSION_DENIED"


# --- Bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, field", [
    ({"status": "done"}, "status"),
    ({"status": "pending"}, "status"),
    ({}, "status"),
    ({"status": "ready", "message": "x" * 1001}, "message"),
    ({"status": "ready", "message": 7}, "message"),
    ({"status": "ready", "access": {"ipv4": ["203.0.113.300"]}}, "access.ipv4.0"),
    ({"status": "ready", "access": {"ipv4": ["2001:db8::1"]}}, "access.ipv4.0"),
    ({"status": "ready", "access": {"ipv6": ["203.0.113.1"]}}, "access.ipv6.0"),
    ({"status": "ready", "access": {"ipv6": ["2001:db8::g"]}}, "access.ipv6.0"),
    ({"status": "ready", "access": {"ipv4": "203.0.113.1"}}, "access.ipv4"),
    ({"status": "ready", "access": {"ipv4": ["203.0.113.1"] * 65}}, "access.ipv4"),
    ({"status": "ready", "access": {"hostname": "-node.example.com"}}, "access.hostname"),
    ({"status": "ready", "access": {"hostname": "node_1.example.com"}}, "access.hostname"),
    ({"status": "ready", "access": {"hostname": "a" * 64 + ".example.com"}}, "access.hostname"),
    ({"status": "ready", "access": {"hostname": ("a" * 60 + ".") * 5}}, "access.hostname"),
    ({"status": "ready", "access": {"notes": "x" * 2001}}, "access.notes"),
    ({"status": "ready", "access": {"notes": "nul\x00"}}, "access.notes"),
    ({"status": "ready", "access": ["203.0.113.1"]}, "access"),
])
def test_bad_input_is_400_naming_the_field_and_changes_nothing(app, api, make_user, root, server_id, body, field):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    with database_unchanged(app):
        response = report(api, root, rental_id, **body)
    assert response.status_code == 400, response.json
    assert response.json["code"] == "VALIDATION_FAILED"
    assert field in {detail["field"] for detail in response.json["details"]}, response.json


# --- Transitions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, refused", [
    (["ready"], "failed"),
    (["failed"], "ready"),
    (["failed"], "provisioning"),
    (["provisioning", "failed"], "ready"),
])
def test_refused_transitions_are_409_with_a_stable_code(app, api, make_user, root, server_id, path, refused):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    for status in path:
        assert report(api, root, rental_id, status=status).status_code == 200
    with database_unchanged(app):
        response = report(api, root, rental_id, status=refused)
    assert response.status_code == 409
    assert response.json["code"] == "PROVISIONING_TRANSITION_REFUSED"
    assert response.json["message"] == f"This rental's setup is {path[-1]} and cannot be reported {refused}"


def test_a_rental_that_ended_cannot_be_reported(app, api, make_user, root, server_id, clock):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    clock.advance(days=7 + 2, seconds=1)  # past the hold
    with database_unchanged(app):
        response = report(api, root, rental_id, status="failed")
    assert response.status_code == 409
    assert response.json["code"] == "RENTAL_ENDED"


def test_a_report_that_changes_nothing_emits_nothing(app, api, make_user, root, server_id):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    first = report(api, root, rental_id, status="ready", access=ACCESS)
    again = report(api, root, rental_id, status="ready", access=ACCESS)
    assert again.status_code == 200
    assert again.json["data"] == first.json["data"]
    assert len(events_of(app, "rental.provisioning_changed")) == 1
    assert len(events_of(app, "rental.ready")) == 1


# --- Events and notifications ---------------------------------------------------------------------

def test_every_change_emits_the_webhook_event_and_ready_tells_the_renter_with_the_access(
        app, api, make_user, root, server_id, tick):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    report(api, root, rental_id, status="provisioning", message="Installing")
    report(api, root, rental_id, status="ready", message="Installed", access=ACCESS)
    changes = events_of(app, "rental.provisioning_changed")
    assert [(event.data["previous_status"], event.data["status"]) for event in changes] == [
        ("pending", "provisioning"), ("provisioning", "ready")]
    last = changes[-1]
    assert (last.user_id, last.pool_id, last.subject_type, last.subject_id, last.actor_id) == (
        alice.id, alice.default_pool_id, "rental", rental_id, root.id)
    assert last.data["access"] == STORED_ACCESS
    tick()
    notes = [note for note in notifications_of(api, alice) if note["event"].startswith("rental.")]
    assert [note["event"] for note in notes] == ["rental.ready"]  # the webhook event notifies nobody
    [ready] = notes
    assert ready["title"] == "node-us-nyc-1 is ready"
    assert ready["link"] == f"/rentals/{rental_id}"
    for detail in ("203.0.113.10", "2001:db8::10", "node-1.example.com", "Log in as root with your SSH key",
                   "Installed"):
        assert detail in ready["message"]
    assert notifications_of(api, root) == []


# --- Failed: the refund ---------------------------------------------------------------------------

def test_failed_refunds_the_charge_ends_the_rental_releases_the_server_and_tells_renter_and_admins(
        app, api, make_user, root, server_id, tick, mail_server):  # noqa: F811
    alice = make_user("alice", balance_cents=100_00)
    give_verified_address(api, alice, "alice@example.com", mail_server, tick)
    give_verified_address(api, root, "root@example.com", mail_server, tick)
    rental_id = rent(api, alice, server_id)
    assert balance_of(app, alice.id) == 100_00 - WEEK_CENTS
    assert server_id not in available_ids(api, alice)

    response = report(api, root, rental_id, status="failed", message="The disk is broken")
    assert response.status_code == 200, response.json
    data = response.json["data"]
    assert data["rental_status"] == "ended"
    assert data["refunded"] == "70.00"
    assert data["provisioning"]["status"] == "failed"

    assert balance_of(app, alice.id) == 100_00
    assert refunds_of(app, rental_id) == [(alice.id, None, WEEK_CENTS)]
    detail = api.get(f"/rentals/{rental_id}", as_=alice).json["data"]
    assert (detail["status"], detail["remaining_days"]) == ("ended", 0)
    assert server_id in available_ids(api, alice)
    wallet_rows = api.get("/wallet/transactions", as_=alice).json["data"]
    assert [(row["type"], row["rental_id"]) for row in wallet_rows][:1] == [("refund", rental_id)]
    assert_books_balance(app, alice.id)

    tick()
    [renter_note] = [note for note in notifications_of(api, alice) if note["event"] == "rental.provisioning_failed"]
    assert "The disk is broken" in renter_note["message"] and "$70.00" in renter_note["message"]
    [admin_note] = notifications_of(api, root)
    assert admin_note["event"] == "rental.provisioning_failed"
    [renter_mail] = [m for m in mail_server.to("alice@example.com") if "could not be set up" in m["Subject"]]
    assert "The disk is broken" in text_of(renter_mail)
    [admin_mail] = [m for m in mail_server.to("root@example.com") if "could not be set up" in m["Subject"]]
    assert "administrator" in text_of(admin_mail)

    # The server can be rented again at once, by anyone.
    bob = make_user("bob", balance_cents=100_00)
    rent(api, bob, server_id)


def test_failed_reported_twice_refunds_once(app, api, make_user, root, server_id, tick):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    first = report(api, root, rental_id, status="failed", message="Broken")
    second = report(api, root, rental_id, status="failed", message="Broken again")
    assert second.status_code == 200
    assert second.json["data"]["provisioning"] == first.json["data"]["provisioning"]
    assert second.json["data"]["refunded"] is None
    assert refunds_of(app, rental_id) == [(alice.id, None, WEEK_CENTS)]
    assert balance_of(app, alice.id) == 100_00
    assert len(events_of(app, "rental.provisioning_failed")) == 1
    assert len(events_of(app, "rental.provisioning_changed")) == 1
    assert_books_balance(app, alice.id)


def test_failed_reported_by_racing_requests_refunds_once(app, api, make_user, root, server_id):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    results = race(app, [("PUT", f"/admin/rentals/{rental_id}/provisioning", root.headers,
                          {"status": "failed", "message": f"report {n}"}) for n in range(6)])
    assert {status for status, _ in results} == {200}
    assert sorted(body["data"]["refunded"] or "" for _, body in results) == [""] * 5 + ["70.00"]
    assert refunds_of(app, rental_id) == [(alice.id, None, WEEK_CENTS)]
    assert count(app, select(func.count(Event.id)).where(Event.type == "rental.provisioning_failed")) == 1
    assert balance_of(app, alice.id) == 100_00
    assert_books_balance(app, alice.id)


def test_failed_refunds_the_extensions_too_each_to_the_wallet_that_paid(app, api, team, root, server_id):
    from services import wallet
    with app.app_context():
        for person in (team.user, team.admin):
            wallet.credit(person.username, 200_00)
        db.session.remove()
    rental_id = rent(api, team.user, server_id, pool_id=team.pool_id)
    for person in (team.user, team.admin):  # the pool's admin extends the member's rental and pays for it
        response = api.post(f"/rentals/{rental_id}/extend", as_=person, json={"additional_days": 7})
        assert response.status_code == 200, response.json
    assert balance_of(app, team.user.id) == 200_00 - 2 * WEEK_CENTS
    response = report(api, root, rental_id, status="failed")
    assert response.json["data"]["refunded"] == "210.00"
    assert sorted(refunds_of(app, rental_id)) == sorted([(team.user.id, None, 2 * WEEK_CENTS),
                                                         (team.admin.id, None, WEEK_CENTS)])
    assert balance_of(app, team.user.id) == 200_00
    assert balance_of(app, team.admin.id) == 200_00
    for person in (team.user, team.admin):
        assert_books_balance(app, person.id)
    assert_pool_books_balance(app, team.pool_id)


def test_a_failed_rental_is_no_longer_extended_or_reminded(app, api, make_user, root, server_id, clock, tick):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    report(api, root, rental_id, status="failed")
    response = api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 7})
    assert response.status_code == 409 and response.json["code"] == "RENTAL_ENDED"
    clock.advance(days=10)
    tick()
    assert {note["event"] for note in notifications_of(api, alice)} == {"rental.provisioning_failed"}


# --- Overdue setups -------------------------------------------------------------------------------

def test_a_setup_not_ready_after_the_timeout_is_flagged_to_administrators_once(
        app, api, make_user, root, server_id, clock, tick):
    alice = make_user("alice", balance_cents=200_00)
    other = add_server(app, id="507f1f77bcf86cd799439015", name="node-us-nyc-2")
    late = rent(api, alice, server_id)
    ready_in_time = rent(api, alice, other)
    report(api, root, late, status="provisioning", message="Still installing")
    report(api, root, ready_in_time, status="ready", access=ACCESS)
    clock.advance(hours=24, seconds=-1)
    tick()
    assert events_of(app, "rental.provisioning_overdue") == []
    clock.advance(seconds=1)
    tick()
    clock.advance(hours=5)
    tick()
    [event] = events_of(app, "rental.provisioning_overdue")
    assert event.subject_id == late
    [note] = notifications_of(api, root)
    assert note["event"] == "rental.provisioning_overdue"
    assert note["link"] == f"/admin/rentals/{late}"
    assert "still provisioning after 24 hours" in note["message"]
    assert "rental.provisioning_overdue" not in {n["event"] for n in notifications_of(api, alice)}


def test_a_reinstall_is_timed_again_and_flagged_once_on_its_own(app, api, make_user, root, server_id, clock, tick):
    alice = make_user("alice", balance_cents=100_00)
    rental_id = rent(api, alice, server_id)
    report(api, root, rental_id, status="ready", access=ACCESS)
    clock.advance(hours=30)
    tick()
    assert events_of(app, "rental.provisioning_overdue") == []  # ready in time
    report(api, root, rental_id, status="provisioning", message="Reinstalling the OS")
    clock.advance(hours=23)
    tick()
    assert events_of(app, "rental.provisioning_overdue") == []
    clock.advance(hours=1)
    tick()
    clock.advance(hours=5)
    tick()
    [event] = events_of(app, "rental.provisioning_overdue")
    assert event.data["reinstall"] is True
    [note] = notifications_of(api, root)
    assert note["message"].startswith("node-us-nyc-1 is being set up again and is still provisioning after 24 hours.")
    # Ready again, then another re-install that is late: flagged again, once.
    report(api, root, rental_id, status="ready", access=ACCESS)
    report(api, root, rental_id, status="provisioning")
    clock.advance(hours=25)
    tick()
    tick()
    assert len(events_of(app, "rental.provisioning_overdue")) == 2


def test_the_timeout_is_a_setting(app, api, make_user, root, server_id, clock, tick):
    app.config["PROVISIONING_TIMEOUT_HOURS"] = 2
    alice = make_user("alice", balance_cents=100_00)
    rent(api, alice, server_id)
    clock.advance(hours=2)
    tick()
    [event] = events_of(app, "rental.provisioning_overdue")
    assert event.data["timeout_hours"] == 2


def test_an_overdue_setup_is_described_by_its_own_timing_when_the_setting_changes_meanwhile(
        app, api, make_user, root, server_id, clock, tick):
    alice = make_user("alice", balance_cents=200_00)
    first_setup = rent(api, alice, server_id)
    reinstalled = rent(api, alice, add_server(app, id="507f1f77bcf86cd799439015", name="node-us-nyc-2"))
    report(api, root, reinstalled, status="ready", access=ACCESS)
    clock.advance(hours=1)
    report(api, root, reinstalled, status="provisioning", message="Reinstalling the OS")
    app.config["PROVISIONING_TIMEOUT_HOURS"] = 2  # lowered while both setups are awaited under 24 hours
    clock.advance(hours=25)
    tick()
    flagged = {event.subject_id: event.data for event in events_of(app, "rental.provisioning_overdue")}
    assert flagged[first_setup]["reinstall"] is False
    assert flagged[first_setup]["timeout_hours"] == 24
    assert flagged[reinstalled]["reinstall"] is True
    assert flagged[reinstalled]["timeout_hours"] == 24
    messages = {note["message"].split(".")[0] for note in notifications_of(api, root)}
    assert any(message.startswith("node-us-nyc-1 was rented on") and message.endswith("after 24 hours")
               for message in messages), messages
    assert "node-us-nyc-2 is being set up again and is still pending after 24 hours" not in messages
    assert "node-us-nyc-2 is being set up again and is still provisioning after 24 hours" in messages


def test_the_overdue_check_finds_the_rentals_due_through_its_index(app, api, make_user, server_id, clock, tick):
    alice = make_user("alice", balance_cents=100_00)
    rent(api, alice, server_id)
    clock.advance(hours=25)
    with statements_sent(app) as sent:
        tick()
    reads = [(statement, parameters) for statement, parameters in sent
             if "provisioning_due_at <=" in statement and "SELECT" in statement.upper()[:10]]
    assert reads, sent
    statement, parameters = reads[0]  # a batch, then one more read that finds none
    plan = query_plan(app, statement, parameters)
    assert "ix_rentals_provisioning_due" in plan, plan
    assert "SCAN rentals\n" not in plan + "\n" and "Seq Scan on rentals" not in plan, plan
