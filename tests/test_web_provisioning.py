"""Provisioning on the pages: administrators list the setups awaited and report one (status, message,
access details) with and without htmx; the renter and the pool's members see the state and the access
on the rental's page and a badge in My rentals; everyone else gets 403 or 404."""
import html

import pytest

from core.extensions import db
from tests.factories import add_server
from tests.ledger import assert_books_balance, balance_of
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in
from tests.web_helpers import text as raw_text

WEEK_CENTS = 7000
READY_FORM = {"status": "ready", "message": "Installed Debian 12", "ipv4": "203.0.113.10\n203.0.113.11",
              "ipv6": "2001:db8::10", "hostname": "node-1.example.com", "notes": "Log in as root with your SSH key"}


def text(response) -> str:
    return html.unescape(raw_text(response))


@pytest.fixture
def server_id(app):
    return add_server(app)


@pytest.fixture
def alice(make_user):
    return make_user("alice", balance_cents=100_00)


@pytest.fixture
def rental_id(api, alice, server_id):
    response = api.post(f"/servers/{server_id}/rent", as_=alice, json={"rental_days": 7})
    assert response.status_code == 201, response.json
    return response.json["data"]["rental"]["id"]


@pytest.fixture
def root(make_user):
    return make_user("root", is_admin=True)


def client_of(app, username: str):
    client = app.test_client()
    log_in(client, username)
    return client


def post(client, path: str, data: dict, htmx: bool = False):
    token = csrf_token(client, "/")
    return client.post(path, data={**data, "csrf_token": token}, headers=HTMX if htmx else {})


def test_the_admin_lists_the_setups_awaited_and_opens_one(app, root, rental_id):
    admin = client_of(app, "root")
    page = admin.get("/admin/provisioning")
    assert page.status_code == 200
    assert f'href="/admin/rentals/{rental_id}"' in text(page)
    assert "node-us-nyc-1" in text(page) and "alice" in text(page) and "Pending" in text(page)
    assert "/admin/provisioning" in text(admin.get("/admin"))
    rental_page = admin.get(f"/admin/rentals/{rental_id}")
    assert rental_page.status_code == 200
    assert "Report the setup" in text(rental_page)


def test_the_admin_reports_ready_without_javascript_and_the_renter_sees_it(app, root, alice, rental_id):
    admin = client_of(app, "root")
    response = post(admin, f"/admin/rentals/{rental_id}/provisioning", READY_FORM)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/rentals/{rental_id}")
    shown = text(admin.get(f"/admin/rentals/{rental_id}"))
    assert "node-us-nyc-1 is reported ready." in shown
    assert "203.0.113.11" in shown  # the form shows what was saved
    # Ready rentals leave the list of setups awaited.
    assert f"/admin/rentals/{rental_id}" not in text(admin.get("/admin/provisioning"))

    renter = client_of(app, "alice")
    detail = text(renter.get(f"/rentals/{rental_id}"))
    for shown_detail in ("Ready", "Installed Debian 12", "203.0.113.10", "203.0.113.11", "2001:db8::10",
                         "node-1.example.com", "Log in as root with your SSH key"):
        assert shown_detail in detail
    listing = text(renter.get("/rentals"))
    assert 'class="badge badge-setup-ready"' in listing


def test_the_admin_reports_with_htmx_and_gets_the_form_back(app, root, rental_id):
    admin = client_of(app, "root")
    response = post(admin, f"/admin/rentals/{rental_id}/provisioning",
                    {"status": "provisioning", "message": "Installing"}, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert 'id="admin-rental"' in body and "<html" not in body
    assert 'id="admin-setup-status">Being set up<' in body
    assert "node-us-nyc-1 is reported being set up." in body  # the flash, out of band


def test_bad_access_details_are_shown_beside_their_fields(app, root, rental_id):
    admin = client_of(app, "root")
    with database_unchanged(app):
        response = post(admin, f"/admin/rentals/{rental_id}/provisioning",
                        {**READY_FORM, "ipv4": "203.0.113.300", "hostname": "bad_name"})
    assert response.status_code == 422
    body = text(response)
    assert 'id="ipv4-error">Must be an IPv4 address<' in body
    assert 'id="hostname-error">Must be a host name' in body


def test_failed_from_the_page_refunds_and_the_renter_sees_it(app, root, alice, rental_id, server_id):
    admin = client_of(app, "root")
    response = post(admin, f"/admin/rentals/{rental_id}/provisioning",
                    {"status": "failed", "message": "The disk is broken"})
    assert response.status_code == 303
    page = text(admin.get(f"/admin/rentals/{rental_id}"))
    assert "Its charges were refunded and the server released." in page
    assert "nothing more can be reported" in page
    assert balance_of(app, alice.id) == 100_00
    assert_books_balance(app, alice.id)
    renter = client_of(app, "alice")
    detail = text(renter.get(f"/rentals/{rental_id}"))
    assert "Setup failed" in detail and "The disk is broken" in detail
    assert "could not be set up" in detail
    assert "node-us-nyc-1" in text(renter.get("/marketplace"))


def test_a_refused_transition_is_flashed_without_javascript_and_refused_for_htmx(app, api, root, rental_id):
    assert api.put(f"/admin/rentals/{rental_id}/provisioning", as_=root, json={"status": "ready"}).status_code == 200
    admin = client_of(app, "root")
    with database_unchanged(app):
        plain = post(admin, f"/admin/rentals/{rental_id}/provisioning", {"status": "failed"})
        assert plain.status_code == 303
        assert "cannot be reported failed" in text(admin.get(plain.headers["Location"]))
        htmx = post(admin, f"/admin/rentals/{rental_id}/provisioning", {"status": "failed"}, htmx=True)
        assert htmx.status_code == 422
        assert htmx.headers["HX-Reswap"] == "none"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_people_who_are_not_administrators_get_403(app, make_user, rental_id, who):
    if who == "bob":
        make_user("bob")
    client = client_of(app, who)
    assert client.get("/admin/provisioning").status_code == 403
    assert client.get(f"/admin/rentals/{rental_id}").status_code == 403
    with database_unchanged(app):
        assert post(client, f"/admin/rentals/{rental_id}/provisioning", READY_FORM).status_code == 403


def test_an_unknown_rental_is_404_for_the_admin(app, root):
    admin = client_of(app, "root")
    assert admin.get("/admin/rentals/507f1f77bcf86cd799439999").status_code == 404
    assert admin.get("/admin/rentals/not-an-id").status_code == 404
    assert post(admin, "/admin/rentals/507f1f77bcf86cd799439999/provisioning", READY_FORM).status_code == 404


def test_the_access_is_not_shown_to_people_outside_the_rental(app, api, make_user, root, rental_id):
    api.put(f"/admin/rentals/{rental_id}/provisioning", as_=root,
            json={"status": "ready", "access": {"ipv4": ["203.0.113.10"]}})
    make_user("bob")
    bob = client_of(app, "bob")
    assert bob.get(f"/rentals/{rental_id}").status_code == 404
    assert "203.0.113.10" not in text(bob.get("/rentals"))


def test_a_pending_rental_says_so_on_its_page(app, alice, rental_id):
    renter = client_of(app, "alice")
    detail = text(renter.get(f"/rentals/{rental_id}"))
    assert "Setup pending" in detail and "waiting to be set up" in detail
    with app.app_context():
        db.session.remove()
    assert balance_of(app, alice.id) == 100_00 - WEEK_CENTS


def test_a_report_is_in_the_pools_audit_log(app, api, root, alice, rental_id):
    api.put(f"/admin/rentals/{rental_id}/provisioning", as_=root, json={"status": "failed"})
    owner = client_of(app, "alice")
    page = text(owner.get(f"/pools/{alice.default_pool_id}"))
    assert "reported a server's setup" in page
    assert "pending → failed, $70.00 refunded" in page
