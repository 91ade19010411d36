"""The admin pages: servers added and edited by the import format's rules, and wallet credits.
Only administrators get in."""
import html
import re

import pytest

from core.extensions import db
from models import Server, Transaction
from tests.factories import make_server
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in
from tests.web_helpers import text as raw_text

ERROR = re.compile(r'id="([\w-]+)-error">([^<]*)<')


def text(response) -> str:
    return html.unescape(raw_text(response))


def errors_beside_fields(response) -> dict[str, str]:
    return dict(ERROR.findall(text(response)))


def post(client, path: str, data: dict, htmx: bool = False):
    """A form post with the session's CSRF token, as a browser or as htmx."""
    if not hasattr(client, "form_token"):
        client.form_token = csrf_token(client, "/")
    return client.post(path, data={**data, "csrf_token": client.form_token}, headers=HTMX if htmx else {})


SERVER_FORM = {
    "name": "node-de-fra-1", "country": "de", "region": "eu-central", "city": "Frankfurt",
    "datacenter": "FRA1", "model": "Dell PowerEdge R750", "category": "memory", "featured": "y",
    "popularity_rank": "3", "setup_time_minutes": "10",
    "cpu_model": "AMD EPYC 7763", "cpu_cores": "64", "cpu_threads": "128", "cpu_score": "48500",
    "cpu_score_type": "passmark", "ram_gb": "512", "ram_type": "ECC DDR5", "ram_speed_mhz": "4800",
    "disks-0-count": "2", "disks-0-capacity_gb": "1920", "disks-0-type": "NVMe", "disks-0-interface": "PCIe 4.0",
    "disks-1-count": "4", "disks-1-capacity_gb": "16000", "disks-1-type": "HDD", "disks-1-interface": "SATA",
    "bandwidth_mbps": "10000", "traffic_tb": "50.5", "ipv4_count": "2", "ipv6_enabled": "y",
    "prices-0-days": "1", "prices-0-price": "12.00", "prices-1-days": "7", "prices-1-price": "70",
}


def server_form(**changes) -> dict:
    data = {**SERVER_FORM, **changes}
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def root(client, make_user):
    person = make_user("root", is_admin=True)
    log_in(client, "root")
    return person


def server_named(app, name: str) -> Server | None:
    with app.app_context():
        server = db.session.scalar(db.select(Server).where(Server.name == name))
        if server is not None:
            server.prices, server.disk_types  # loaded while the session is open
        return server


# --- Who gets in ---------------------------------------------------------------------------------

ADMIN_PAGES = ["/admin", "/admin/servers/new", "/admin/servers/{server}"]
ADMIN_POSTS = [("/admin/credit", {"username": "bob", "amount": "100"}),
               ("/admin/servers", SERVER_FORM),
               ("/admin/servers/{server}", SERVER_FORM)]


def test_admin_pages_need_login(client, app):
    server_id = make_server(app)
    for path in ADMIN_PAGES:
        response = client.get(path.format(server=server_id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_admin_pages_are_refused_to_other_users(client, app, make_user):
    make_user("bob")
    server_id = make_server(app)
    log_in(client, "bob")
    assert 'href="/admin"' not in text(client.get("/"))
    for path in ADMIN_PAGES:
        response = client.get(path.format(server=server_id))
        assert response.status_code == 403 and "Only administrators can do this" in text(response)
    for path, data in ADMIN_POSTS:
        with database_unchanged(app):
            response = post(client, path.format(server=server_id), data)
        assert response.status_code == 403


def test_admins_see_the_admin_link(client, root):
    assert 'href="/admin"' in text(client.get("/"))


def test_admin_posts_need_a_csrf_token(client, app, root):
    server_id = make_server(app)
    for path, data in ADMIN_POSTS:
        with database_unchanged(app):
            assert client.post(path.format(server=server_id), data=data).status_code == 400


# --- The page and the server search --------------------------------------------------------------

def test_admin_page_has_the_credit_form_and_the_servers(client, app, root):
    make_server(app, "node-us-nyc-1")
    make_server(app, "node-de-fra-9")
    response = client.get("/admin")
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" in body and 'action="/admin/credit"' in body
    assert "node-us-nyc-1" in body and "node-de-fra-9" in body


def test_server_search_answers_htmx_with_the_results_only(client, app, root):
    make_server(app, "node-us-nyc-1")
    fra = make_server(app, "node-de-fra-9")
    response = client.get("/admin?q=FRA", headers=HTMX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="server-results"')
    assert "node-de-fra-9" in body and "node-us-nyc-1" not in body
    assert f'href="/admin/servers/{fra}"' in body
    assert "node-us-nyc-1" in text(client.get(f"/admin?q={make_server(app, 'node-us-nyc-1')}"))
    assert "No server matches “%_”." in text(client.get("/admin?q=%25_"))


def test_garbage_search_parameters_are_never_an_error(client, root):
    for query in ("?offset=-1", "?limit=0", "?limit=x", "?offset=99999999999999999999"):
        response = client.get("/admin" + query)
        assert response.status_code == 400 and "Invalid query parameter" in text(response)
    assert client.get("/admin?q=" + "x" * 3000).status_code == 200


# --- Adding a server ----------------------------------------------------------------------------

def test_add_a_server_with_a_plain_post(client, app, api, root):
    response = post(client, "/admin/servers", server_form())
    assert response.status_code == 303
    server = server_named(app, "node-de-fra-1")
    assert response.headers["Location"] == f"/admin/servers/{server.id}"
    assert "Server “node-de-fra-1” added to the inventory." in text(client.get(response.headers["Location"]))
    assert server.country == "DE" and server.category == "memory" and server.featured is True
    assert server.total_storage_gb == 2 * 1920 + 4 * 16000 and server.disk_summary == "2x1.92TB NVMe + 4x16TB HDD"
    assert server.traffic_tb == 50.5 and server.traffic_unlimited is False
    assert {p.days: p.price_cents for p in server.prices} == {1: 1200, 7: 7000}
    assert {d.disk_type for d in server.disk_types} == {"NVMe", "HDD"}
    listed = api.get("/servers/available", as_=root).json["data"]
    assert [s["name"] for s in listed] == ["node-de-fra-1"]
    assert listed[0]["pricing"]["prices"] == {"1": "12.00", "7": "70.00"}


def test_add_a_server_through_htmx_loads_its_edit_page(client, app, root):
    response = post(client, "/admin/servers", server_form(traffic_tb="", traffic_unlimited="y"), htmx=True)
    assert response.status_code == 200
    server = server_named(app, "node-de-fra-1")
    assert response.headers["HX-Redirect"] == f"/admin/servers/{server.id}"
    assert server.traffic_unlimited is True and server.traffic_tb is None


BAD_SERVER_FIELDS = [
    ({"name": ""}, "name", "This field is required"),
    ({"name": "n" * 101}, "name", "Must be at most 100 characters"),
    ({"country": "USA"}, "country", "Must be at most 2 characters"),
    ({"country": "1X"}, "country", "Must be a 2-letter country code such as US"),
    ({"category": "toaster"}, "category", "Not a valid choice."),
    ({"cpu_cores": "0"}, "cpu_cores", "Must be at least 1"),
    ({"cpu_cores": "many"}, "cpu_cores", "Not a valid integer value."),
    ({"cpu_cores": "99999999999999999999"}, "cpu_cores", "Must be at most 2147483647"),
    ({"ram_type": "DDR9"}, "ram_type", "Not a valid choice."),
    ({"popularity_rank": ""}, "popularity_rank", "This field is required"),
    ({"disks-0-count": "0"}, "disks-0-count", "Must be at least 1"),
    ({"disks-0-type": ""}, "disks-0-type", "Must be one of: HDD, SAS, SSD, NVMe"),
    ({"disks-1-interface": ""}, "disks-1-interface", "Must not be empty"),
    ({"prices-1-price": "70.001"}, "prices-1-price", "Must have at most 2 decimals"),
    ({"prices-1-price": "-5"}, "prices-1-price", 'Must be a price in dollars such as "12.50"'),
    ({"prices-1-price": "0"}, "prices-1-price", "Must be greater than 0"),
    ({"prices-1-days": "0"}, "prices-1-days", "A duration must be a whole number of days from 1 to 3650"),
    ({"prices-1-days": "1"}, "prices-1-days", "Repeats the duration 1"),
    ({"traffic_tb": "lots"}, "traffic_tb", "Must be a number"),
    ({"traffic_tb": ""}, "traffic_tb", "Is required (a number of TB) when traffic_unlimited is false"),
    ({"traffic_unlimited": "y"}, "traffic_tb", "Must be null when traffic_unlimited is true"),
]


def test_add_a_server_refuses_bad_fields_beside_them(client, app, root):
    for changes, field, message in BAD_SERVER_FIELDS:
        for htmx in (False, True):
            with database_unchanged(app):
                response = post(client, "/admin/servers", server_form(**changes), htmx=htmx)
            assert response.status_code == 422, changes
            assert errors_beside_fields(response).get(field) == message, changes
            assert ("<html" in text(response)) is not htmx


def test_a_server_needs_a_disk_and_a_price(client, app, root):
    blank = {key: "" for key in SERVER_FORM if key.startswith(("disks-", "prices-"))}
    with database_unchanged(app):
        response = post(client, "/admin/servers", server_form(**blank))
    assert response.status_code == 422
    body = text(response)
    assert "Must have at least 1 item(s)" in body and "Must have at least one price" in body


def test_every_problem_is_reported_at_once(client, app, root):
    response = post(client, "/admin/servers", server_form(cpu_cores="0", ram_gb="0", **{"prices-0-price": "x"}))
    assert response.status_code == 422
    errors = errors_beside_fields(response)
    assert errors["cpu_cores"] == errors["ram_gb"] == "Must be at least 1"
    assert errors["prices-0-price"] == 'Must be a price in dollars such as "12.50"'


# --- Editing a server ---------------------------------------------------------------------------

def test_edit_page_is_filled_in_from_the_server(client, app, root):
    server_id = make_server(app, "node-us-nyc-1")
    response = client.get(f"/admin/servers/{server_id}")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'<input[^>]*id="name"[^>]*value="node-us-nyc-1"', body)
    assert re.search(r'<input[^>]*id="prices-0-days"[^>]*value="7"', body)
    assert re.search(r'<input[^>]*id="prices-0-price"[^>]*value="70.00"', body)
    assert re.search(r'<input[^>]*id="disks-0-capacity_gb"[^>]*value="1000"', body)
    assert re.search(r'<option selected value="ECC DDR5">', body)


def test_edit_a_server_with_a_plain_post(client, app, api, root):
    server_id = make_server(app, "node-us-nyc-1")
    response = post(client, f"/admin/servers/{server_id}",
                    server_form(name="node-us-nyc-1b", **{"prices-1-days": "30", "prices-1-price": "240.00"}))
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/servers/{server_id}"
    assert "Server “node-us-nyc-1b” saved." in text(client.get(response.headers["Location"]))
    server = server_named(app, "node-us-nyc-1b")
    assert server.id == server_id
    assert {p.days: p.price_cents for p in server.prices} == {1: 1200, 30: 24000}
    assert server.min_price_per_day_millicents == 800_000
    prices = api.get("/servers/available", as_=root).json["data"][0]["pricing"]["prices"]
    assert prices == {"1": "12.00", "30": "240.00"}


def test_edit_keeps_unchanged_prices(client, app, root):
    server_id = make_server(app, "node-us-nyc-1")  # one price: 7 days for 70.00
    response = post(client, f"/admin/servers/{server_id}",
                    server_form(**{"prices-0-days": "7", "prices-0-price": "65.00", "prices-1-days": "",
                                   "prices-1-price": ""}))
    assert response.status_code == 303
    assert {p.days: p.price_cents for p in server_named(app, "node-de-fra-1").prices} == {7: 6500}


def test_edit_through_htmx_returns_the_saved_form(client, app, root):
    server_id = make_server(app, "node-us-nyc-1")
    response = post(client, f"/admin/servers/{server_id}", server_form(city="Offenbach"), htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section class="card" id="server-form-section"')
    assert re.search(r'<input[^>]*id="city"[^>]*value="Offenbach"', body)
    assert "Server “node-de-fra-1” saved." in body and 'hx-swap-oob="true"' in body
    assert server_named(app, "node-de-fra-1").city == "Offenbach"


def test_edit_refuses_bad_fields_and_changes_nothing(client, app, root):
    server_id = make_server(app)
    with database_unchanged(app):
        response = post(client, f"/admin/servers/{server_id}", server_form(cpu_threads="-1"), htmx=True)
    assert response.status_code == 422
    assert errors_beside_fields(response)["cpu_threads"] == "Must be at least 1"


def test_unknown_servers_are_not_found(client, app, root):
    for server_id in ("nope", "0" * 24, "X" * 24, "x" * 500):
        assert client.get(f"/admin/servers/{server_id}").status_code == 404
        with database_unchanged(app):
            assert post(client, f"/admin/servers/{server_id}", server_form()).status_code == 404


# --- Crediting a wallet --------------------------------------------------------------------------

def test_credit_a_wallet_with_a_plain_post(client, app, api, root, make_user):
    bob = make_user("bob", balance_cents=500)
    response = post(client, "/admin/credit", {"username": "BOB", "amount": "99.50"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    assert "Credited $99.50 to bob; their balance is now $104.50." in text(client.get("/admin"))
    assert api.get("/wallet/balance", as_=bob).json["data"]["balance_cents"] == 10450
    with app.app_context():
        credit = db.session.scalar(db.select(Transaction).where(Transaction.user_id == bob.id,
                                                                Transaction.amount_cents == 9950))
        assert credit.type == "credit" and credit.note == "Credit from root"


def test_credit_through_htmx_returns_the_form_with_a_flash(client, api, root, make_user):
    bob = make_user("bob")
    response = post(client, "/admin/credit", {"username": "bob", "amount": "100"}, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<section class="card" id="credit-section"')
    assert "Credited $100.00 to bob; their balance is now $100.00." in body
    assert api.get("/wallet/balance", as_=bob).json["data"]["balance_cents"] == 10000


BAD_CREDITS = [
    ({"username": "nobody", "amount": "10"}, "username", "No user named nobody"),
    ({"username": "bad name", "amount": "10"}, "username", "May contain only letters, digits, underscore and dash"),
    ({"username": "u" * 101, "amount": "10"}, "username", "Must be at most 100 characters"),
    ({"username": "", "amount": "10"}, "username", "Must not be empty"),
    ({"username": "bob", "amount": ""}, "amount", "This field is required"),
    ({"username": "bob", "amount": "ten"}, "amount",
     "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"),
    ({"username": "bob", "amount": "1.234"}, "amount",
     "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"),
    ({"username": "bob", "amount": "NaN"}, "amount",
     "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"),
    ({"username": "bob", "amount": "0"}, "amount", "Must be greater than zero"),
    ({"username": "bob", "amount": "-5"}, "amount", "Must be greater than zero"),
    ({"username": "bob", "amount": "1e30"}, "amount", "Must be at most $1000000.00"),
    ({"username": "bob", "amount": "1000000.01"}, "amount", "Must be at most $1000000.00"),
]


def test_credit_refusals_show_beside_the_field(client, app, root, make_user):
    make_user("bob")
    for data, field, message in BAD_CREDITS:
        for htmx in (False, True):
            with database_unchanged(app):
                response = post(client, "/admin/credit", data, htmx=htmx)
            assert response.status_code == 422, data
            assert errors_beside_fields(response).get(field) == message, data
            assert ("<html" in text(response)) is not htmx
