"""The API tokens page: a token is shown once, works against the API, and stops working when revoked."""
import re

import pytest

from core.extensions import db
from models import ApiToken
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

SECRET = re.compile(r'<code class="secret" id="new-token-value">([^<]+)</code>')
ROW_ID = re.compile(r'<tr id="token-([0-9a-f]{24})"')


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice")
    log_in(client, "alice")
    return person


def create(client, name="deploy", lifetime="30", headers=None):
    return post_form(client, "/tokens", {"name": name, "lifetime": lifetime}, headers=headers)


def secret_in(response) -> str:
    match = SECRET.search(text(response))
    assert match, "the new token is not on the page"
    return match.group(1)


def token_id_named(app, name: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(ApiToken.id).where(ApiToken.name == name))


def revoke(client, token_id: str, headers=None):
    token = csrf_token(client, "/tokens")
    return client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": token}, headers=headers or {})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- The page ----------------------------------------------------------------------------------

def test_tokens_page_needs_login(client):
    response = client.get("/tokens")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_tokens_page_lists_tokens_with_a_create_form(client, alice):
    response = client.get("/tokens")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body
    assert "tests" in body  # the token the fixture made
    assert 'name="name"' in body and 'name="lifetime"' in body
    for label in ("7 days", "30 days", "90 days", "1 year", "Never expires"):
        assert label in body
    assert "Active" in body
    assert "HX-Request" in response.headers["Vary"]


def test_tokens_page_for_htmx_is_the_section_only(client, alice):
    response = client.get("/tokens", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert 'id="tokens-section"' in body


def test_other_users_tokens_are_not_listed(client, alice, make_user):
    bob = make_user("bob")
    post_form(client, "/logout", {}, form_page="/")
    log_in(client, "bob")
    create(client, "bobs-secret-tool")
    post_form(client, "/logout", {}, form_page="/")
    log_in(client, "alice")
    assert "bobs-secret-tool" not in text(client.get("/tokens"))
    assert bob.id != alice.id


# --- Create ------------------------------------------------------------------------------------

def test_create_shows_the_token_once_and_it_works(client, api, alice):
    response = create(client, "deploy", "30")
    assert response.status_code == 200
    assert "<html" in text(response)  # a plain post gets the whole page
    assert "will not be shown again" in text(response)
    assert response.headers["Cache-Control"] == "no-store"
    plain = secret_in(response)

    assert api.get("/pools", headers=bearer(plain)).status_code == 200

    later = text(client.get("/tokens"))
    assert plain not in later
    assert "deploy" in later and plain[:10] in later  # listed by name and prefix only


def test_create_through_htmx_returns_the_section_with_the_token(client, api, alice):
    response = create(client, "ci", "7", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="tokens-section"')
    assert "HX-Request" in response.headers["Vary"]
    assert api.get("/pools", headers=bearer(secret_in(response))).status_code == 200


def test_token_lifetime_is_the_one_chosen(client, app, alice):
    create(client, "week", "7")
    create(client, "forever", "0")
    with app.app_context():
        week = db.session.scalar(db.select(ApiToken).where(ApiToken.name == "week"))
        forever = db.session.scalar(db.select(ApiToken).where(ApiToken.name == "forever"))
        assert (week.expires_at - week.created_at).days == 7
        assert forever.expires_at is None
    body = text(client.get("/tokens"))
    assert "Never" in body


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "lifetime": "30"}, "This field is required"),
    ({"name": "   ", "lifetime": "30"}, "This field is required"),
    ({"name": "n" * 101, "lifetime": "30"}, "Must be at most 100 characters"),
    ({"name": "ok", "lifetime": "12"}, "Not a valid choice"),
    ({"name": "ok", "lifetime": "soon"}, "could not coerce"),
    ({"lifetime": "30"}, "This field is required"),
    ({}, "This field is required"),
])
def test_create_refuses_bad_input_with_422_and_makes_nothing(client, app, alice, data, message):
    response = post_form(client, "/tokens", data)
    assert response.status_code == 422
    assert message in text(response)
    assert not SECRET.search(text(response))
    with app.app_context():
        assert db.session.query(ApiToken).count() == 1  # only the fixture's


def test_create_errors_come_back_as_a_fragment_for_htmx(client, alice):
    response = create(client, "", headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert "This field is required" in text(response)


def test_create_without_csrf_token_is_refused(client, app, alice):
    response = client.post("/tokens", data={"name": "sneaky", "lifetime": "30"})
    assert response.status_code == 400
    assert token_id_named(app, "sneaky") is None


# --- Revoke ------------------------------------------------------------------------------------

def test_revoke_with_a_plain_post_redirects_and_the_token_stops_working(client, app, api, alice):
    plain = secret_in(create(client, "deploy"))
    token_id = token_id_named(app, "deploy")

    response = revoke(client, token_id)
    assert response.status_code == 303
    assert response.headers["Location"] == "/tokens"
    assert api.get("/pools", headers=bearer(plain)).status_code == 401

    page = text(client.get("/tokens"))
    assert "Token revoked" in page
    row = page[page.index(f'id="token-{token_id}"'):]
    row = row[: row.index("</tr>")]
    assert "Revoked" in row and "Revoke</button>" not in row


def test_revoke_through_htmx_returns_the_updated_row(client, app, api, alice):
    plain = secret_in(create(client, "deploy"))
    token_id = token_id_named(app, "deploy")

    response = revoke(client, token_id, headers=HTMX)
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith(f'<tr id="token-{token_id}"') and body.endswith("</tr>")
    assert "Revoked" in body and "<button" not in body
    assert "HX-Request" in response.headers["Vary"]
    assert api.get("/pools", headers=bearer(plain)).status_code == 401


def test_revoke_button_asks_for_confirmation_and_targets_its_row(client, alice):
    body = text(client.get("/tokens"))
    assert 'hx-target="closest tr"' in body and 'hx-swap="outerHTML"' in body
    assert "hx-confirm=" in body


def test_revoking_twice_is_harmless(client, app, alice):
    create(client, "deploy")
    token_id = token_id_named(app, "deploy")
    assert revoke(client, token_id).status_code == 303
    assert revoke(client, token_id).status_code == 303


def test_revoking_another_users_token_is_404_and_it_keeps_working(client, api, alice, make_user):
    bob = make_user("bob")
    with client.application.app_context():
        bobs_token_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == bob.id))

    for headers in ({}, HTMX):
        response = revoke(client, bobs_token_id, headers=headers)
        assert response.status_code == 404
    assert "<html" in text(revoke(client, bobs_token_id))
    assert api.get("/pools", as_=bob).status_code == 200


@pytest.mark.parametrize("token_id", ["nope", "0" * 24, "x" * 500])
def test_revoking_an_unknown_token_is_404(client, alice, token_id):
    assert revoke(client, token_id).status_code == 404


def test_revoke_is_post_only_and_needs_csrf(client, app, api, alice):
    token_id = token_id_named(app, "tests")
    assert client.get(f"/tokens/{token_id}/revoke").status_code == 405
    assert client.post(f"/tokens/{token_id}/revoke").status_code == 400
    assert api.get("/pools", as_=alice).status_code == 200
