"""Renting from a server's page, my rentals, and extending a rental in place: the API's rules through the browser."""
import re

import pytest

from core.extensions import db
from core.ids import CANONICAL_ID
from models import User
from services import admin as admin_service
from services import wallet
from tests.factories import make_servers, rental_pool, server_record
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

PRICES = {"7": "70.00", "30": "250.00"}
ROW = re.compile(f'<tr id="rental-({CANONICAL_ID})"')


@pytest.fixture
def server_id(app) -> str:
    return make_servers(app, [server_record("nyc-1", prices=PRICES)])["nyc-1"]


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice", balance_cents=40_000, alias="Alice")
    log_in(client, "alice")
    return person


def credit(app, username: str, cents: int) -> None:
    with app.app_context():
        wallet.credit(username, cents)


def balance(api, person) -> int:
    return api.get("/wallet/balance", as_=person).json["data"]["balance_cents"]


def rentals_of(api, person) -> list[dict]:
    return api.get("/rentals", as_=person).json["data"]


def rent(client, server_id: str, days="7", pool_id=None, headers=None, **extra):
    data = {"rental_days": days, **extra}
    if pool_id is not None:
        data["pool_id"] = pool_id
    return post_form(client, f"/marketplace/{server_id}/rent", data, form_page=f"/marketplace/{server_id}",
                     headers=headers)


def rent_by_api(api, person, server_id: str, days: int = 7, pool_id=None) -> str:
    body = {"rental_days": days} | ({"pool_id": pool_id} if pool_id else {})
    response = api.post(f"/servers/{server_id}/rent", as_=person, json=body)
    assert response.status_code == 201, response.json
    return response.json["data"]["rental"]["id"]


def extend(client, rental_id: str, days="30", expected_end=None, headers=None, next_url=None):
    data = {"additional_days": days}
    if expected_end is not None:
        data["expected_rental_end"] = expected_end
    path = f"/rentals/{rental_id}/extend" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/rentals")}, headers=headers or {})


def field_html(body: str, name: str) -> str:
    """The ``<div class="field">`` that holds the input named ``name``."""
    start = body.rindex('<div class="field', 0, body.index(f'name="{name}"'))
    return body[start: body.index("</div>", body.index(f'name="{name}"'))]


def row_html(body: str, rental_id: str) -> str:
    start = body.index(f'<tr id="rental-{rental_id}"')
    return body[start: body.index("</tr>", start)]


def unescape(body: str) -> str:
    return body.replace("&#39;", "'").replace("&amp;", "&")


# --- The rent form --------------------------------------------------------------------------------

def test_the_rent_form_shows_each_price_and_the_pools_to_rent_into(client, team, server_id):
    log_in(client, team.user.username)
    body = unescape(text(client.get(f"/marketplace/{server_id}")))
    assert re.findall(r"<option[^>]*>([^<]+)</option>", field_html(body, "rental_days")) == [
        "7 days · $70.00 ($10.00/day)", "30 days · $250.00 ($8.33/day)"]
    pools = re.findall(rf'<option[^>]*value="({CANONICAL_ID})"[^>]*>([^<]+)</option>', field_html(body, "pool_id"))
    assert pools == [(team.user.default_pool_id, "Default (default)"),
                     (team.pool_id, "Development Team (Team Lead's)")]
    assert 'name="csrf_token"' in body and '<label for="rental_days">' in body and '<label for="pool_id">' in body
    # The total before anything is charged, fetched again when another period is picked.
    assert "Total <strong>$70.00</strong> for 7 days" in body
    assert f'hx-get="/marketplace/{server_id}/total"' in body and 'hx-target="#rent-total"' in body
    assert f'hx-post="/marketplace/{server_id}/rent"' in body and 'hx-target="#rent-section"' in body


def test_the_total_line_follows_the_period_picked(client, alice, server_id):
    response = client.get(f"/marketplace/{server_id}/total?rental_days=30", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<p id="rent-total"')
    assert "Total <strong>$250.00</strong> for 30 days" in body
    assert "Your balance after renting: $150.00" in body
    assert "HX-Request" in response.headers["Vary"]

    assert "<html" not in text(client.get(f"/marketplace/{server_id}/total?rental_days=30"))  # only htmx asks


@pytest.mark.parametrize("days", ["5", "abc", "", "-7", "99999999999999999999"])
def test_the_total_line_for_a_period_not_offered_asks_for_one(client, alice, server_id, days):
    response = client.get(f"/marketplace/{server_id}/total?rental_days={days}", headers=HTMX)
    assert response.status_code == 200
    assert "Choose a rental period to see the total" in text(response)


def test_the_total_line_says_when_the_balance_is_short(client, make_user, server_id):
    make_user("poor", balance_cents=5000)
    log_in(client, "poor")
    body = text(client.get(f"/marketplace/{server_id}/total?rental_days=7", headers=HTMX))
    assert "Your balance of $50.00 is $20.00 short" in body


# --- Renting --------------------------------------------------------------------------------------

def test_renting_through_htmx_charges_the_wallet_and_shows_the_rental_in_place(client, api, alice, server_id, clock):
    response = rent(client, server_id, "7", alice.default_pool_id, headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<section id="rent-section"') and "<html" not in body
    assert "Rented" in body and "<strong>nyc-1</strong> is yours. $70.00 was taken from your wallet." in body
    assert "28 Jan 2025, 22:00 UTC" in body and "Default" in body
    # The header's balance, swapped out of band.
    assert re.search(r'<span id="balance" class="balance" hx-swap-oob="true"[^>]*>\s*'
                     r'<span class="balance-label">Balance</span>\s*<span class="balance-amount">\$330.00</span>', body)
    assert "HX-Request" in response.headers["Vary"]

    assert balance(api, alice) == 33_000
    [rental] = rentals_of(api, alice)
    assert rental["server"]["name"] == "nyc-1" and rental["amount"] == "70.00"
    assert f'href="/rentals/{rental["id"]}"' in body


def test_a_plain_rent_redirects_to_the_rental_with_a_message(client, api, alice, server_id):
    response = rent(client, server_id, "30", alice.default_pool_id)
    assert response.status_code == 303
    [rental] = rentals_of(api, alice)
    assert response.headers["Location"] == f"/rentals/{rental['id']}"

    page = text(client.get(response.headers["Location"]))
    assert "You rented nyc-1 for 30 days; $250.00 was taken from your wallet." in page
    assert '<span class="balance-amount">$150.00</span>' in page
    assert balance(api, alice) == 15_000


def test_renting_into_a_pool_the_renter_has_joined(app, client, api, team, server_id):
    credit(app, team.user.username, 10_000)
    log_in(client, team.user.username)
    assert rent(client, server_id, "7", team.pool_id, headers=HTMX).status_code == 200
    [rental] = rentals_of(api, team.user)
    assert rental_pool(app, rental["id"]) == team.pool_id
    assert rental["id"] in {r["id"] for r in rentals_of(api, team.owner)}  # the pool sees it


def test_the_server_page_after_renting_says_it_is_taken(client, alice, server_id):
    rent(client, server_id, "7", alice.default_pool_id)
    body = text(client.get(f"/marketplace/{server_id}"))
    assert "Not available" in body and 'name="rental_days"' not in body


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize("data, field, message", [
    ({"rental_days": "5"}, "rental_days", "Must be one of this server's rental durations: 7, 30"),
    ({"rental_days": "abc"}, "rental_days", "Choose one of the durations offered"),
    ({"rental_days": ""}, "rental_days", "Choose one of the durations offered"),
    ({"rental_days": "-7"}, "rental_days", "Choose one of the durations offered"),
    ({"rental_days": "99999999999999999999"}, "rental_days", "Choose one of the durations offered"),
    ({"rental_days": "7", "pool_id": "0" * 24}, "pool_id", "Choose one of your pools"),
    ({"rental_days": "7", "pool_id": "x" * 500}, "pool_id", "Choose one of your pools"),
    ({"rental_days": "7", "pool_id": ""}, "pool_id", "Choose one of your pools"),
])
def test_a_bad_rent_form_is_refused_beside_its_field(app, client, alice, server_id, headers, data, field, message):
    data = {"pool_id": alice.default_pool_id} | data
    with database_unchanged(app):
        response = post_form(client, f"/marketplace/{server_id}/rent", data, form_page=f"/marketplace/{server_id}",
                             headers=headers)
    assert response.status_code == 422
    body = unescape(text(response))
    assert ("<html" in body) is (headers == {})
    if headers:
        assert body.lstrip().startswith('<section id="rent-section"')
    holder = field_html(body, field)
    assert "has-error" in holder and message in holder


def test_renting_into_a_pool_not_joined_is_refused(app, client, team, server_id):
    credit(app, team.stranger.username, 10_000)
    log_in(client, team.stranger.username)
    for pool_id in (team.pool_id, team.owner.default_pool_id):
        with database_unchanged(app):
            response = rent(client, server_id, "7", pool_id, headers=HTMX)
        assert response.status_code == 422
        assert "Choose one of your pools" in field_html(text(response), "pool_id")


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_short_balance_is_refused_above_the_form(app, client, make_user, server_id, headers):
    poor = make_user("poor", balance_cents=5000)
    log_in(client, "poor")
    with database_unchanged(app):
        response = rent(client, server_id, "7", poor.default_pool_id, headers=headers)
    assert response.status_code == 422
    body = text(response)
    assert 'class="alert alert-error"' in body
    assert "Insufficient balance: this costs $70.00 and your balance is $50.00" in body
    assert 'name="rental_days"' in body  # the form is still there to pick a shorter period


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_server_taken_meanwhile_is_refused_and_shown_as_taken(app, client, api, alice, make_user, server_id,
                                                                headers):
    token = csrf_token(client, f"/marketplace/{server_id}")  # alice has the page open
    bob = make_user("bob", balance_cents=10_000)
    rent_by_api(api, bob, server_id)
    with database_unchanged(app):
        response = client.post(f"/marketplace/{server_id}/rent", headers=headers,
                               data={"rental_days": "7", "pool_id": alice.default_pool_id, "csrf_token": token})
    assert response.status_code == 422
    body = text(response)
    assert "This server is not available: it is already rented" in body
    assert "Not available" in body and 'name="rental_days"' not in body
    assert balance(api, alice) == 40_000


def raise_price(app, make_user, server_id: str, days: str, price: str) -> None:
    """An administrator changes a price through the admin service, as the admin page does."""
    admin = make_user("root", is_admin=True)
    with app.app_context():
        actor = db.session.get(User, admin.id)
        record = admin_service.server_record(actor, server_id)
        record["pricing"]["prices"][days] = price
        admin_service.update_server(actor, server_id, record)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_price_raised_after_the_page_was_shown_is_refused_not_charged(app, client, api, alice, make_user,
                                                                       server_id, headers):
    page = text(client.get(f"/marketplace/{server_id}"))  # alice reads $70.00 for 7 days
    quote = re.search(r'name="quoted_prices" type="hidden" value="([^"]*)"', page).group(1)
    assert quote == "7:7000,30:25000"
    raise_price(app, make_user, server_id, "7", "90.00")

    with database_unchanged(app):
        response = rent(client, server_id, "7", alice.default_pool_id, headers=headers, quoted_prices=quote)
    assert response.status_code == 422
    body = text(response)
    assert "The price for 7 days is now $90.00, not $70.00; nothing was charged." in body
    assert 'value="7:9000,30:25000"' in body  # the form now quotes the new prices
    assert balance(api, alice) == 40_000

    again = rent(client, server_id, "7", alice.default_pool_id, headers=headers, quoted_prices="7:9000,30:25000")
    assert again.status_code in (200, 303)
    assert balance(api, alice) == 31_000


def test_renting_needs_a_csrf_token(app, client, alice, server_id):
    with database_unchanged(app):
        response = client.post(f"/marketplace/{server_id}/rent",
                               data={"rental_days": "7", "pool_id": alice.default_pool_id})
    assert response.status_code == 400


def test_a_logged_out_rent_goes_to_the_login_page(app, client, make_user, server_id):
    owner = make_user("alice", balance_cents=40_000)
    with database_unchanged(app):
        response = post_form(client, f"/marketplace/{server_id}/rent",
                             {"rental_days": "7", "pool_id": owner.default_pool_id}, form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    htmx_response = post_form(client, f"/marketplace/{server_id}/rent", {"rental_days": "7"}, form_page="/login",
                              headers=HTMX)
    assert htmx_response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("path", ["/marketplace/" + "0" * 24 + "/rent", "/marketplace/nope/rent"])
def test_renting_an_unknown_server_is_404(app, client, alice, path):
    with database_unchanged(app):
        response = post_form(client, path, {"rental_days": "7", "pool_id": alice.default_pool_id},
                             form_page="/rentals")
    assert response.status_code == 404


# --- My rentals -----------------------------------------------------------------------------------

def test_my_rentals_needs_login(client):
    response = client.get("/rentals")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_my_rentals_lists_each_rental_with_an_extend_form(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = client.get("/rentals")
    assert response.status_code == 200
    body = unescape(text(response))
    assert "<html" in body and "HX-Request" in response.headers["Vary"]
    row = row_html(body, rental_id)
    assert f'<a class="strong" href="/rentals/{rental_id}">nyc-1</a>' in row
    assert '<span class="badge badge-active">Active</span>' in row
    assert '<td class="num" data-label="Days left">7</td>' in row
    assert "28 Jan 2025, 22:00" in row
    assert '<td data-label="Pool">Default</td>' in row
    assert '<td class="num" data-label="Paid">$70.00</td>' in row
    # The extend form: the server's durations with their prices, updating its own row.
    extend_cell = row.split('class="extend-cell"')[1].split("</td>")[0]
    assert re.findall(r"<option[^>]*>([^<]+)</option>", extend_cell) == ["7 days · $70.00", "30 days · $250.00"]
    assert f'hx-post="/rentals/{rental_id}/extend?next=/rentals"' in row and 'hx-target="closest tr"' in row
    assert 'name="csrf_token"' in row and 'value="2025-01-28T22:00:00.000Z"' in row
    assert f'<label class="visually-hidden" for="extend-{rental_id}">' in row


def test_my_rentals_for_htmx_is_the_table_only(client, api, alice, server_id):
    rent_by_api(api, alice, server_id)
    response = client.get("/rentals", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert text(response).lstrip().startswith('<section id="rentals-table"')
    assert "HX-Request" in response.headers["Vary"]


def test_no_rentals_is_a_clear_empty_state(client, alice):
    body = text(client.get("/rentals"))
    assert "You have no rentals yet" in body and 'href="/marketplace"' in body


def test_pool_rentals_show_and_only_those_allowed_get_an_extend_form(app, api, team, server_id):
    credit(app, team.other_user.username, 10_000)
    rental_id = rent_by_api(api, team.other_user, server_id, 7, team.pool_id)
    for person, may_extend in ((team.user, False), (team.admin, True), (team.owner, True), (team.other_user, True)):
        browser = app.test_client()
        log_in(browser, person.username)
        row = row_html(unescape(text(browser.get("/rentals"))), rental_id)
        assert "Development Team" in row
        assert ('name="additional_days"' in row) is may_extend, person.username
        if not may_extend:
            assert "Only the renter or the pool's owner or admins can extend it" in row
    stranger = app.test_client()
    log_in(stranger, team.stranger.username)
    assert rental_id not in text(stranger.get("/rentals"))


def test_a_rental_shows_expired_then_ended(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    clock.advance(days=8)
    row = row_html(text(client.get("/rentals")), rental_id)
    assert "badge-expired" in row and '>0</td>' in row and 'name="additional_days"' in row
    clock.advance(days=2)
    row = row_html(text(client.get("/rentals")), rental_id)
    assert "badge-ended" in row and 'name="additional_days"' not in row


def test_my_rentals_page_through_newest_first(app, client, api, alice, clock):
    ids = make_servers(app, [server_record(f"srv-{n}", prices=PRICES) for n in range(3)])
    rented = []
    for name in ("srv-0", "srv-1", "srv-2"):
        rented.append(rent_by_api(api, alice, ids[name]))
        clock.advance(minutes=1)
    first = text(client.get("/rentals?limit=2"))
    assert ROW.findall(first) == [rented[2], rented[1]]
    assert "1–2 of 3" in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert next_url == "/rentals?limit=2&offset=2"
    assert 'hx-target="#rentals-table"' in first
    assert ROW.findall(text(client.get(next_url))) == [rented[0]]


@pytest.mark.parametrize("query", ["limit=0", "offset=-1", "limit=abc"])
def test_bad_paging_on_my_rentals_is_a_friendly_400(client, alice, query):
    response = client.get(f"/rentals?{query}")
    assert response.status_code == 400
    assert "<html" in text(response) and "must be an integer" in text(response)


# --- One rental -----------------------------------------------------------------------------------

def test_a_rental_page_shows_the_rental_and_an_extend_form(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = client.get(f"/rentals/{rental_id}")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and "nyc-1" in body and "badge-active" in body
    assert "21 Jan 2025, 22:00 UTC" in body and "28 Jan 2025, 22:00 UTC" in body and "30 Jan 2025, 22:00 UTC" in body
    assert 'hx-target="#rental-detail"' in body and 'name="additional_days"' in body
    assert f'href="/marketplace/{server_id}"' in body

    partial = client.get(f"/rentals/{rental_id}", headers=HTMX)
    assert "<html" not in text(partial) and text(partial).lstrip().startswith('<div id="rental-detail"')
    assert "HX-Request" in partial.headers["Vary"]


@pytest.mark.parametrize("rental_id", ["0" * 24, "nope", "z" * 400])
def test_an_unknown_rental_page_is_404(client, alice, rental_id):
    assert client.get(f"/rentals/{rental_id}").status_code == 404


def test_someone_elses_rental_page_is_404(client, api, alice, make_user, server_id):
    bob = make_user("bob", balance_cents=10_000)
    rental_id = rent_by_api(api, bob, server_id)
    assert client.get(f"/rentals/{rental_id}").status_code == 404


# --- Extending ------------------------------------------------------------------------------------

def test_extending_through_htmx_updates_the_row_and_the_balance(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = extend(client, rental_id, "30", "2025-01-28T22:00:00.000Z", headers=HTMX, next_url="/rentals")
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith(f'<tr id="rental-{rental_id}" class="is-new"')
    row = row_html(body, rental_id)
    assert "Extended by 30 days for $250.00." in row
    assert "27 Feb 2025, 22:00" in row and '<td class="num" data-label="Paid">$320.00</td>' in row
    assert 'value="2025-02-27T22:00:00.000Z"' in row  # the next extend expects the new end
    assert re.search(r'<span id="balance" class="balance" hx-swap-oob="true"[^>]*>\s*'
                     r'<span class="balance-label">Balance</span>\s*<span class="balance-amount">\$80.00</span>', body)
    assert "HX-Request" in response.headers["Vary"]

    rental = api.get(f"/rentals/{rental_id}", as_=alice).json["data"]
    assert rental["rental_end"] == "2025-02-27T22:00:00.000Z" and rental["amount"] == "320.00"
    assert balance(api, alice) == 8_000


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_an_extension_whose_price_rose_after_the_page_was_shown_is_refused(app, client, api, alice, make_user,
                                                                          server_id, clock, headers):
    rental_id = rent_by_api(api, alice, server_id, 7)
    page = text(client.get("/rentals"))
    quote = re.search(r'name="quoted_prices" type="hidden" value="([^"]*)"', page).group(1)
    assert quote == "7:7000,30:25000"
    raise_price(app, make_user, server_id, "30", "300.00")

    with database_unchanged(app):
        response = client.post(f"/rentals/{rental_id}/extend", headers=headers, data={
            "additional_days": "30", "expected_rental_end": "2025-01-28T22:00:00.000Z", "quoted_prices": quote,
            "csrf_token": csrf_token(client, "/rentals")})
    assert response.status_code == 422
    body = text(response)
    assert "The price for 30 days is now $300.00, not $250.00; nothing was charged." in body
    assert 'value="7:7000,30:30000"' in body
    assert balance(api, alice) == 33_000


def test_a_plain_extend_goes_back_to_the_list_with_a_message(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = extend(client, rental_id, "7", "2025-01-28T22:00:00.000Z", next_url="/rentals")
    assert response.status_code == 303
    assert response.headers["Location"] == "/rentals"
    page = text(client.get("/rentals"))
    assert "nyc-1: Extended by 7 days for $70.00." in page
    assert "04 Feb 2025, 22:00" in row_html(page, rental_id)


def test_a_plain_extend_without_a_way_back_goes_to_the_rental(client, api, alice, server_id):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = extend(client, rental_id, "7", next_url="https://evil.example/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/rentals/{rental_id}"


def test_extending_from_the_rental_page_answers_with_that_page(client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    response = extend(client, rental_id, "30", headers={**HTMX, "HX-Target": "rental-detail"})
    assert response.status_code == 200
    body = text(response).lstrip()
    assert body.startswith('<div id="rental-detail"') and "Extended by 30 days for $250.00." in body
    assert "27 Feb 2025, 22:00 UTC" in body and 'hx-swap-oob="true"' in body


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize("days, expected_end, message", [
    ("5", None, "Must be one of this server's rental durations: 7, 30"),
    ("abc", None, "Choose one of the durations offered"),
    ("", None, "Choose one of the durations offered"),
    ("0", None, "Choose one of the durations offered"),
    ("99999999999999999999", None, "Choose one of the durations offered"),
    ("7", "yesterday", "This form is out of date: reload the page and try again"),
    ("7", "2025-01-20T22:00:00.000Z", "it may have been extended already. Nothing was charged"),
])
def test_a_bad_extend_is_refused_in_place(app, client, api, alice, server_id, clock, headers, days, expected_end,
                                          message):
    rental_id = rent_by_api(api, alice, server_id, 7)
    with database_unchanged(app):
        response = extend(client, rental_id, days, expected_end, headers=headers)
    assert response.status_code == 422
    body = unescape(text(response))
    if headers:
        assert body.lstrip().startswith(f'<tr id="rental-{rental_id}"')
        assert message in row_html(body, rental_id)
    else:
        assert "<html" in body and 'id="rental-detail"' in body
    assert f'class="field-error extend-error" role="alert" id="extend-{rental_id}-error"' in body and message in body
    assert 'hx-swap-oob' not in body


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_short_balance_refuses_the_extend_in_its_row(app, client, api, make_user, server_id, headers):
    poor = make_user("poor", balance_cents=10_000)
    log_in(client, "poor")
    rental_id = rent_by_api(api, poor, server_id, 7)
    with database_unchanged(app):
        response = extend(client, rental_id, "30", headers=headers)
    assert response.status_code == 422
    assert "Insufficient balance: this costs $250.00 and your balance is $30.00" in text(response)


def test_a_pool_user_cannot_extend_a_teammates_rental(app, client, api, team, server_id):
    credit(app, team.other_user.username, 10_000)
    credit(app, team.user.username, 50_000)
    rental_id = rent_by_api(api, team.other_user, server_id, 7, team.pool_id)
    log_in(client, team.user.username)
    with database_unchanged(app):
        response = extend(client, rental_id, "7", headers=HTMX)
    assert response.status_code == 422
    row = unescape(row_html(text(response), rental_id))
    assert "Only the renter or the pool's owner or admins can extend this rental" in row
    assert 'name="additional_days"' not in row


def test_a_pool_admin_extends_a_teammates_rental_and_pays_for_it(app, client, api, team, server_id):
    credit(app, team.other_user.username, 10_000)
    credit(app, team.admin.username, 10_000)
    rental_id = rent_by_api(api, team.other_user, server_id, 7, team.pool_id)
    log_in(client, team.admin.username)
    assert extend(client, rental_id, "7", headers=HTMX).status_code == 200
    assert balance(api, team.admin) == 3_000 and balance(api, team.other_user) == 3_000


def test_an_ended_rental_cannot_be_extended(app, client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    clock.advance(days=10)
    with database_unchanged(app):
        response = extend(client, rental_id, "7", headers=HTMX)
    assert response.status_code == 422
    assert "This rental has ended and can no longer be extended" in text(response)


def test_the_same_extend_sent_twice_charges_once(app, client, api, alice, server_id, clock):
    rental_id = rent_by_api(api, alice, server_id, 7)
    assert extend(client, rental_id, "7", "2025-01-28T22:00:00.000Z", headers=HTMX).status_code == 200
    with database_unchanged(app):
        again = extend(client, rental_id, "7", "2025-01-28T22:00:00.000Z", headers=HTMX)
    assert again.status_code == 422
    assert "The rental now ends at 2025-02-04T22:00:00.000Z" in text(again)


def test_extending_someone_elses_rental_is_404(app, client, api, alice, make_user, server_id):
    bob = make_user("bob", balance_cents=10_000)
    rental_id = rent_by_api(api, bob, server_id)
    for headers in (HTMX, {}):
        with database_unchanged(app):
            assert extend(client, rental_id, "7", headers=headers).status_code == 404


def test_extending_needs_a_csrf_token(app, client, api, alice, server_id):
    rental_id = rent_by_api(api, alice, server_id)
    with database_unchanged(app):
        assert client.post(f"/rentals/{rental_id}/extend", data={"additional_days": "7"}).status_code == 400
    assert client.get(f"/rentals/{rental_id}/extend").status_code == 405
