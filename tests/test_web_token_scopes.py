"""The tokens page gives a token a template or ticked permissions and allowed addresses, shows what it may do
and its last use, and enables or disables it; the API honours each choice."""
import dataclasses
import re

import pytest

from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

SECRET = re.compile(r'<code class="secret" id="new-token-value">([^<]+)</code>')


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice")
    log_in(client, "alice")
    return person


def create(client, alice, **fields):
    response = post_form(client, "/tokens", {"name": "scoped", "lifetime": "30", **fields})
    assert response.status_code == 200, text(response)
    return dataclasses.replace(alice, token=SECRET.search(text(response)).group(1)), text(response)


def test_a_template_chosen_on_the_page_is_what_the_token_may_do(client, api, alice):
    reader, page = create(client, alice, template="read_only")
    assert "Read only" in page
    assert api.get("/pools", as_=reader).status_code == 200
    assert api.post("/pools", as_=reader, json={"name": "No"}).json["code"] == "TOKEN_PERMISSION_DENIED"


def test_ticked_permissions_with_custom(client, api, alice):
    renter, page = create(client, alice, template="custom",
                          permissions=["financial.server_rental.view_marketplace", "projects.read", "projects.create"])
    assert "Custom: 3 of 17 permissions" in page
    assert api.get("/servers/available", as_=renter).status_code == 200
    assert api.get("/wallet/balance", as_=renter).json["code"] == "TOKEN_PERMISSION_DENIED"


def test_the_admin_permissions_are_offered_to_administrators_only(app, client, alice, make_user):
    assert 'value="admin.users"' not in text(client.get("/tokens"))
    assert 'value="projects.read"' in text(client.get("/tokens"))
    make_user("root", is_admin=True)
    administrator = app.test_client()
    log_in(administrator, "root")
    assert 'value="admin.users"' in text(administrator.get("/tokens"))


def test_allowed_addresses_from_the_page(client, api, alice):
    office, page = create(client, alice, ip_whitelist="10.0.0.0/8, 2001:db8::1")
    assert "10.0.0.0/8, 2001:db8::1/128" in page
    assert api.get("/pools", as_=office).json["code"] == "IP_NOT_ALLOWED"
    assert api.get("/pools", as_=office, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200


def test_a_bad_address_is_a_422_beside_its_field(client, alice):
    response = post_form(client, "/tokens", {"name": "x", "lifetime": "30", "ip_whitelist": "not-an-ip"})
    assert response.status_code == 422
    assert "&#39;not-an-ip&#39; is not an IP address or a CIDR range" in text(response) \
        or "'not-an-ip' is not an IP address or a CIDR range" in text(response)


def test_last_use_shows_when_and_from_where(client, api, alice):
    reader, _ = create(client, alice, template="read_only")
    api.get("/pools", as_=reader, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert "from 192.0.2.44" in text(client.get("/tokens"))


def test_disable_and_enable_a_token_in_place(client, api, alice):
    reader, page = create(client, alice, template="read_only")
    token_id = api.get("/auth/tokens/me", as_=reader).json["data"]["token"]["id"]
    disabled = client.post(f"/tokens/{token_id}/disable", data={"csrf_token": csrf_token(client, "/tokens")},
                           headers=HTMX)
    assert disabled.status_code == 200
    assert text(disabled).lstrip().startswith(f'<tr id="token-{token_id}"') and "Disabled" in text(disabled)
    assert api.get("/pools", as_=reader).status_code == 401
    enabled = client.post(f"/tokens/{token_id}/enable", data={"csrf_token": csrf_token(client, "/tokens")})
    assert enabled.status_code == 303
    assert api.get("/pools", as_=reader).status_code == 200


def test_switching_needs_csrf_and_ones_own_token(app, client, api, alice, make_user):
    reader, _ = create(client, alice, template="read_only")
    token_id = api.get("/auth/tokens/me", as_=reader).json["data"]["token"]["id"]
    assert client.post(f"/tokens/{token_id}/disable").status_code == 400
    make_user("bob")
    bob = app.test_client()
    log_in(bob, "bob")
    refused = bob.post(f"/tokens/{token_id}/disable", data={"csrf_token": csrf_token(bob, "/tokens")})
    assert refused.status_code == 404
    assert api.get("/pools", as_=reader).status_code == 200
