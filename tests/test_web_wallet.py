"""The wallet page: the balance and every transaction, newest first, paged."""
import re

import pytest

from services import wallet
from tests.factories import make_servers, server_record
from tests.web_helpers import HTMX, log_in, post_form, text

TX_ROW = re.compile(r"<tr>\s*<td class=\"nowrap\" data-label=\"When\">(.*?)</tr>", re.S)


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice", alias="Alice")
    log_in(client, "alice")
    return person


@pytest.fixture
def history(app, api, alice, clock) -> str:
    """A credit, a rental and an extension, a minute apart; returns the rental id."""
    server_id = make_servers(app, [server_record("nyc-1", prices={"7": "70.00", "30": "250.00"})])["nyc-1"]
    with app.app_context():
        wallet.credit("alice", 50_000, note="Welcome credit")
    clock.advance(minutes=1)
    rented = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})
    rental_id = rented.json["data"]["rental"]["id"]
    clock.advance(minutes=1)
    api.post(f"/rentals/{rental_id}/extend", as_=alice, json={"additional_days": 30})
    return rental_id


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row, re.S)]


def test_the_wallet_needs_login(client):
    response = client.get("/wallet")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_wallet_shows_the_balance_and_every_transaction_newest_first(client, alice, history):
    response = client.get("/wallet")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and "HX-Request" in response.headers["Vary"]
    assert '<span class="stat-value">$180.00</span>' in body
    rows = [cells(row) for row in TX_ROW.findall(body)]
    assert rows == [
        ["21 Jan 2025, 22:02", "Extension", "−$250.00", "View rental", "", "INV-2025-000003 (PDF)"],
        ["21 Jan 2025, 22:01", "Rental", "−$70.00", "View rental", "", "INV-2025-000002 (PDF)"],
        ["21 Jan 2025, 22:00", "Credit", "+$500.00", "—", "Welcome credit", "INV-2025-000001 (PDF)"],
    ]
    assert body.count(f'href="/rentals/{history}"') == 2
    assert '<time datetime="2025-01-21T22:02:00.000Z">' in body


def test_the_wallet_for_htmx_is_the_transactions_only(client, alice, history):
    response = client.get("/wallet", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="transactions"')
    assert "HX-Request" in response.headers["Vary"]


def test_the_wallet_pages_through_transactions(client, alice, history):
    first = text(client.get("/wallet?limit=2"))
    assert [cells(row)[1] for row in TX_ROW.findall(first)] == ["Extension", "Rental"]
    assert "1–2 of 3" in first and 'hx-target="#transactions"' in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert next_url == "/wallet?limit=2&offset=2"
    second = text(client.get(next_url, headers=HTMX))
    assert [cells(row)[1] for row in TX_ROW.findall(second)] == ["Credit"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_new_wallet_is_an_empty_state(client, alice):
    body = text(client.get("/wallet"))
    assert '<span class="stat-value">$0.00</span>' in body
    assert "No transactions yet" in body


def test_only_ones_own_transactions_are_listed(app, client, make_user, alice, history):
    make_user("bob")
    with app.app_context():
        wallet.credit("bob", 1234, note="Bob's credit")
    body = text(client.get("/wallet"))
    assert "Bob" not in body and "$12.34" not in body


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-3", "offset=x"])
def test_bad_paging_is_a_friendly_400(client, alice, query):
    response = client.get(f"/wallet?{query}")
    assert response.status_code == 400
    assert "<html" in text(response) and "must be an integer" in text(response)


# --- Getting credit ----------------------------------------------------------------------------

def test_the_wallet_says_to_ask_the_administrators_by_name(client, make_user, alice):
    make_user("rita", is_admin=True, alias="Rita Root")
    make_user("ops", is_admin=True)
    body = text(client.get("/wallet"))
    assert "To add credit, ask for it on the wallet page: one of the administrators decides (ops or Rita Root (rita))." in body


def test_the_wallet_names_at_most_three_administrators(client, make_user, alice):
    for name in ("ada", "bob", "cy", "dee"):
        make_user(name, is_admin=True)
    body = text(client.get("/wallet"))
    assert "one of the administrators decides (ada, bob, cy or another administrator)." in body
    assert "dee" not in body


def test_without_administrators_the_wallet_says_whom_to_ask_all_the_same(client, alice):
    body = text(client.get("/wallet"))
    assert "To add credit, ask for it on the wallet page; an administrator of this installation decides." in body


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_rent_refused_for_money_says_how_to_get_credit(app, client, make_user, headers):
    make_user("rita", is_admin=True, alias="Rita Root")
    poor = make_user("poor", balance_cents=5000)
    server_id = make_servers(app, [server_record("nyc-1", prices={"7": "70.00"})])["nyc-1"]
    log_in(client, "poor")
    response = post_form(client, f"/marketplace/{server_id}/rent",
                         {"rental_days": "7", "pool_id": poor.default_pool_id},
                         form_page=f"/marketplace/{server_id}", headers=headers)
    assert response.status_code == 422
    body = text(response)
    assert "Insufficient balance: this costs $70.00 and your balance is $50.00." in body
    assert "To add credit, ask for it on the wallet page: an administrator decides (Rita Root (rita))." in body


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_an_extend_refused_for_money_says_how_to_get_credit(app, client, api, make_user, headers):
    make_user("rita", is_admin=True, alias="Rita Root")
    poor = make_user("poor", balance_cents=10_000)
    server_id = make_servers(app, [server_record("nyc-1", prices={"7": "70.00", "30": "250.00"})])["nyc-1"]
    rental_id = api.post(f"/servers/{server_id}/rent", as_=poor, json={"rental_days": 7}).json["data"]["rental"]["id"]
    log_in(client, "poor")
    response = post_form(client, f"/rentals/{rental_id}/extend", {"additional_days": "30"},
                         form_page=f"/rentals/{rental_id}", headers=headers)
    assert response.status_code == 422
    body = text(response)
    assert "Insufficient balance: this costs $250.00 and your balance is $30.00." in body
    assert "To add credit, ask for it on the wallet page: an administrator decides (Rita Root (rita))." in body
