"""Invoices (the published paths): one for every transaction, written with it, numbered without gaps per
calendar year (UTC), listed by page, shown one by one and downloaded as a PDF (docs/API.md "Invoices")."""
from datetime import datetime, timezone

import pytest

from core.extensions import db
from services import ledger
from services.atomic import write_transaction
from tests.factories import add_server
from tests.ledger import assert_books_balance, assert_pool_books_balance
from tests.invoices import (
    assert_numbered_without_gaps,
    assert_one_invoice_per_transaction,
    invoices_of,
    numbers_of,
    pdf_text,
)


def credit_from_the_command_line(runner, username: str, dollars: str) -> None:
    result = runner.invoke(args=["wallet", "credit", username, dollars])
    assert result.exit_code == 0, result.output


# --- One invoice for every transaction ---------------------------------------------------------

def test_every_kind_of_transaction_gets_its_invoice_numbered_in_turn(app, api, make_user, runner, clock):
    alice = make_user("alice", balance_cents=100_00)  # the opening balance
    clock.advance(minutes=1)
    credit_from_the_command_line(runner, "alice", "50.00")  # an administrator's credit
    server_id = add_server(app)
    clock.advance(minutes=1)
    rental = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).json["data"]["rental"]
    clock.advance(minutes=1)
    assert api.post(f"/rentals/{rental['id']}/extend", as_=alice, json={"additional_days": 7}).status_code == 200

    listed = invoices_of(api, alice)
    assert [(i["invoice_number"], i["status"], i["amount"]) for i in listed] == [
        ("INV-2025-000004", "paid", 70),
        ("INV-2025-000003", "paid", 70),
        ("INV-2025-000002", "credit", 50),
        ("INV-2025-000001", "credit", 100),
    ]
    transactions = api.get("/wallet/transactions", as_=alice).json["data"]
    assert [i["transaction_id"] for i in listed] == [t["id"] for t in transactions]
    assert listed[0]["issue_date"] == listed[0]["created_at"] == transactions[0]["created_at"]
    assert set(listed[0]) == {"id", "transaction_id", "invoice_number", "status", "amount", "currency",
                              "issue_date", "created_at"}
    assert_one_invoice_per_transaction(app)
    assert_books_balance(app, alice.id)


def test_one_invoice_shows_its_line_and_transaction(app, api, make_user, clock):
    alice = make_user("alice", balance_cents=100_00)
    server_id = add_server(app)
    rented = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).json["data"]
    newest = invoices_of(api, alice)[0]

    shown = api.get(f"/wallet/invoices/{newest['id']}", as_=alice)
    assert shown.status_code == 200
    detail = shown.json["data"]
    assert detail["invoice_number"] == "INV-2025-000002"
    assert detail["transaction_id"] == rented["transaction"]["id"]
    assert detail["items"] == [{"type": "rental", "amount": 70,
                                "description": "Rental of server node-us-nyc-1 for 7 days, 21 Jan 2025 to 28 Jan 2025"}]
    assert detail["paid_date"] == detail["issue_date"] == "2025-01-21T22:00:00.000Z"
    assert detail["transaction"] == {"id": newest["transaction_id"], "transaction_type": "rental", "amount": 70,
                                     "currency": "USD", "created_at": "2025-01-21T22:00:00.000Z"}
    assert detail["pool_id"] is None and detail["user_id"] == alice.id


# --- Numbering ---------------------------------------------------------------------------------

def test_a_refused_charge_leaves_no_gap(app, api, make_user, runner, clock):
    alice = make_user("alice", balance_cents=10_00)
    server_id = add_server(app)
    refused = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})
    assert refused.status_code == 402
    credit_from_the_command_line(runner, "alice", "100.00")
    assert api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).status_code == 201

    assert numbers_of(api, alice) == ["INV-2025-000001", "INV-2025-000002", "INV-2025-000003"]
    assert_numbered_without_gaps(app)


def test_a_charge_rolled_back_after_its_invoice_was_written_takes_its_number_with_it(app, api, make_user, clock):
    alice = make_user("alice", balance_cents=200_00)
    with app.app_context():
        with pytest.raises(RuntimeError):
            with write_transaction():
                ledger.take(70_00, user_id=alice.id)
                ledger.record(ledger.RENTAL, 70_00, user_id=alice.id)
                raise RuntimeError("something after the charge failed")
        db.session.remove()
    server_id = add_server(app)
    assert api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).status_code == 201

    assert numbers_of(api, alice) == ["INV-2025-000001", "INV-2025-000002"]
    assert_one_invoice_per_transaction(app)
    assert_books_balance(app, alice.id)


def test_numbers_start_again_at_one_in_a_new_year(app, api, make_user, clock):
    clock.set(datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone.utc))
    alice = make_user("alice", balance_cents=500_00)
    server_id = add_server(app)
    rental = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7}).json["data"]["rental"]
    clock.set(datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert api.post(f"/rentals/{rental['id']}/extend", as_=alice, json={"additional_days": 7}).status_code == 200
    bob = make_user("bob", balance_cents=1_00)

    assert numbers_of(api, alice) == ["INV-2026-000001", "INV-2026-000002", "INV-2027-000001"]
    assert numbers_of(api, bob) == ["INV-2027-000002"]
    assert_numbered_without_gaps(app)


def test_numbers_are_shared_by_everyone_in_the_order_of_the_charges(app, api, make_user, clock):
    alice = make_user("alice", balance_cents=100_00)
    bob = make_user("bob", balance_cents=100_00)
    server_id = add_server(app)
    api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})

    assert numbers_of(api, alice) == ["INV-2025-000001", "INV-2025-000003"]
    assert numbers_of(api, bob) == ["INV-2025-000002"]


# --- Paging ------------------------------------------------------------------------------------

def test_pages_and_the_path_with_a_trailing_slash(app, api, make_user, runner, clock):
    alice = make_user("alice", balance_cents=1_00)
    for _ in range(4):
        credit_from_the_command_line(runner, "alice", "1.00")

    first = api.get("/wallet/invoices/", as_=alice, query_string={"page": 1, "limit": 2}).json["data"]
    second = api.get("/wallet/invoices", as_=alice, query_string={"page": 2, "limit": 2}).json["data"]
    last = api.get("/wallet/invoices/", as_=alice, query_string={"page": "3", "limit": "2"}).json["data"]
    beyond = api.get("/wallet/invoices", as_=alice, query_string={"page": 4, "limit": 2}).json["data"]

    assert first["pagination"] == {"total": 5, "page": 1, "limit": 2, "totalPages": 3}
    assert [i["invoice_number"] for i in first["invoices"] + second["invoices"] + last["invoices"]] == [
        f"INV-2025-{n:06d}" for n in (5, 4, 3, 2, 1)]
    assert beyond == {"invoices": [], "pagination": {"total": 5, "page": 4, "limit": 2, "totalPages": 3}}
    assert api.get("/wallet/invoices", as_=alice).json["data"]["pagination"] == {
        "total": 5, "page": 1, "limit": 20, "totalPages": 1}


def test_blank_page_and_limit_mean_not_given(api, make_user):
    alice = make_user("alice", balance_cents=1_00)
    response = api.get("/wallet/invoices?page=&limit=%20", as_=alice)
    assert response.json["data"]["pagination"] == {"total": 1, "page": 1, "limit": 20, "totalPages": 1}


# --- Whose ------------------------------------------------------------------------------------

def test_someone_elses_invoice_is_not_found(app, api, make_user):
    alice = make_user("alice", balance_cents=100_00)
    bob = make_user("bob", balance_cents=100_00)
    alices = invoices_of(api, alice)[0]["id"]

    for path in (f"/wallet/invoices/{alices}", f"/wallet/invoices/{alices}/pdf"):
        response = api.get(path, as_=bob)
        assert response.status_code == 404
        assert response.json["message"] == "Invoice not found"
    assert [i["id"] for i in invoices_of(api, bob)] != [alices]
    assert api.get("/wallet/invoices/not-an-id", as_=alice).status_code == 400
    assert api.get("/wallet/invoices/0123456789abcdef01234567/pdf", as_=alice).status_code == 404


def _pool_top_up(app, pool_id: str, member_id: str, cents: int) -> None:
    """Money into a pool's wallet, as the ledger moves it (no published path moves a pool's money yet)."""
    with app.app_context():
        with write_transaction():
            ledger.add(cents, user_id=member_id, pool_id=pool_id)
            ledger.record(ledger.TRANSFER_IN, cents, user_id=member_id, pool_id=pool_id, note="Team budget")
        db.session.remove()


def test_a_pools_wallet_invoices_are_for_its_owner_and_admins(app, api, team):
    pool_id = team.pool_id
    _pool_top_up(app, pool_id, team.owner.id, 300_00)

    for reader in (team.owner, team.admin):
        listed = invoices_of(api, reader, pool_id=pool_id)
        assert [(i["status"], i["amount"]) for i in listed] == [("credit", 300)]
        detail = api.get(f"/wallet/invoices/{listed[0]['id']}", as_=reader).json["data"]
        assert detail["pool_id"] == pool_id
        assert detail["items"][0]["description"] == "Transfer into the wallet of the pool Development Team: Team budget"
        assert "Pool wallet: Development Team" in pdf_text(api.get(f"/wallet/invoices/{listed[0]['id']}/pdf",
                                                                   as_=reader))
    invoice_id = invoices_of(api, team.owner, pool_id=pool_id)[0]["id"]
    for outsider in (team.user, team.stranger):
        refused = api.get("/wallet/invoices", as_=outsider, query_string={"pool_id": pool_id})
        assert refused.status_code == 403
        assert refused.json["message"] == "Only the owner and admins of a pool can see its invoices"
        assert api.get(f"/wallet/invoices/{invoice_id}", as_=outsider).status_code == 404
    assert invoice_id not in [i["id"] for i in invoices_of(api, team.owner)]  # not in the owner's own wallet
    assert_one_invoice_per_transaction(app)
    assert_pool_books_balance(app, pool_id)


# --- The PDF -----------------------------------------------------------------------------------

def test_the_pdf_says_who_issued_it_to_whom_for_what_and_how_much(app, api, make_user, clock):
    app.config.update(INVOICE_ISSUER_NAME="Servermarket Ltd", INVOICE_ISSUER_ADDRESS="1 Rack Street\nLondon",
                      INVOICE_ISSUER_TAX_ID="GB123456789", INVOICE_ISSUER_EMAIL="billing@servermarket.test")
    alice = make_user("alice", balance_cents=100_00, alias="Alice Ångström")
    assert api.patch("/users/me", as_=alice, json={"email": "alice@example.com"}).status_code == 200
    server_id = add_server(app)
    api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})
    newest = invoices_of(api, alice)[0]

    response = api.get(f"/wallet/invoices/{newest['id']}/pdf", as_=alice)
    text = pdf_text(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="INV-2025-000002.pdf"'
    for expected in ("Servermarket Ltd", "1 Rack Street", "London", "Tax id: GB123456789",
                     "billing@servermarket.test", "Invoice INV-2025-000002", "Issue date: 21 Jan 2025",
                     "Alice Ångström (alice)",
                     "Rental of server node-us-nyc-1 for 7 days, 21 Jan 2025 to 28 Jan 2025", "70.00 USD",
                     "Total"):
        assert expected in text, (expected, text)

    opening = invoices_of(api, alice)[-1]
    credit_note = pdf_text(api.get(f"/wallet/invoices/{opening['id']}/pdf", as_=alice))
    assert "Credit note INV-2025-000001" in credit_note and "100.00 USD" in credit_note
    assert "Credit: Opening balance" in credit_note


def test_an_issued_invoice_keeps_the_issuer_and_customer_it_was_issued_with(app, api, make_user):
    app.config.update(INVOICE_ISSUER_NAME="Old Name Ltd")
    alice = make_user("alice", balance_cents=100_00, alias="Alice")
    invoice_id = invoices_of(api, alice)[0]["id"]
    app.config.update(INVOICE_ISSUER_NAME="New Name Ltd")
    api.patch("/users/me", as_=alice, json={"alias": "Alice Renamed"})

    text = pdf_text(api.get(f"/wallet/invoices/{invoice_id}/pdf", as_=alice))
    assert "Old Name Ltd" in text and "New Name Ltd" not in text
    assert "Alice (alice)" in text


def test_downloading_needs_the_download_permission_and_reading_the_billing_one(api, make_user):
    from tests.token_scopes import denied_permission, scoped

    alice = make_user("alice", balance_cents=100_00)
    invoice_id = invoices_of(api, alice)[0]["id"]
    reader = scoped(api, alice, permissions={"financial": {"billing": {"read": True}}})
    assert api.get("/wallet/invoices", as_=reader).status_code == 200
    assert api.get(f"/wallet/invoices/{invoice_id}", as_=reader).status_code == 200
    refused = api.get(f"/wallet/invoices/{invoice_id}/pdf", as_=reader)
    assert denied_permission(refused) == "financial.billing.download_invoices"
