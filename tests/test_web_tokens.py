"""The API tokens page: a token is shown once, works against the API, and stops working when revoked."""
import re

import pytest

from core.extensions import db
from core.ids import CANONICAL_ID
from models import ApiToken
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

SECRET = re.compile(r'<code class="secret" id="new-token-value">([^<]+)</code>')
ROW_ID = re.compile(f'<tr id="token-({CANONICAL_ID})"')


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
    ({"name": "", "lifetime": "30"}, "Must not be empty"),
    ({"name": "   ", "lifetime": "30"}, "Must not be empty"),
    ({"name": "n" * 101, "lifetime": "30"}, "Must be at most 100 characters"),
    ({"name": "ok", "lifetime": "12"}, "Not a valid choice"),
    ({"name": "ok", "lifetime": "soon"}, "could not coerce"),
    ({"lifetime": "30"}, "Must not be empty"),
    ({}, "Must not be empty"),
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
    assert "Must not be empty" in text(response)


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


def test_revoking_the_token_whose_secret_is_shown_takes_the_secret_off_the_page(client, app, api, alice):
    created = text(create(client, "deploy", headers=HTMX))
    plain = SECRET.search(created).group(1)
    token_id = token_id_named(app, "deploy")
    row = created[created.index(f'id="token-{token_id}"'):]
    row = row[: row.index("</tr>")]
    # Its row asks for the whole section back, since the secret box sits outside the row.
    assert 'hx-target="#tokens-section"' in row

    response = revoke(client, token_id, headers={**HTMX, "HX-Target": "tokens-section"})
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="tokens-section"')
    assert plain not in body and 'id="new-token-value"' not in body
    assert "Revoked" in body[body.index(f'id="token-{token_id}"'):]
    assert api.get("/pools", headers=bearer(plain)).status_code == 401


def test_rows_of_tokens_not_on_show_are_revoked_in_place(client, app, alice):
    created = text(create(client, "deploy", headers=HTMX))
    older = created[created.index(f'id="token-{token_id_named(app, "tests")}"'):]
    assert 'hx-target="closest tr"' in older[: older.index("</tr>")]


# --- Sessions from API logins ------------------------------------------------------------------

def api_login(api, username="alice") -> str:
    response = api.post("/users/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json["data"]["token"]


def part(body: str, start: str, end: str) -> str:
    assert start in body, f"{start!r} is not on the page"
    rest = body[body.index(start):]
    return rest[: rest.index(end)] if end in rest else rest


def named_tokens_card(body: str) -> str:
    return part(body, 'id="token-list-heading"', "</section>")


def login_sessions_card(body: str) -> str:
    return part(body, 'class="card login-sessions"', "</section>")


def test_api_logins_are_listed_apart_from_named_tokens_folded_with_a_count(client, app, api, alice):
    first, second = api_login(api), api_login(api)
    body = text(client.get("/tokens"))

    named = named_tokens_card(body)
    assert "tests" in named and "API login" not in named and "1 in all" in named

    sessions = login_sessions_card(body)
    assert "Sessions from API logins" in sessions
    assert '<span class="badge badge-neutral">2</span>' in sessions
    assert "<details>" in sessions  # folded until opened
    prefixes = re.findall(r'<code class="token-prefix">([^<]+)…</code>', sessions)
    assert prefixes == [second[:10], first[:10]]  # newest first
    assert sessions.count("Revoke</button>") == 2
    assert "Revoke all API logins" in sessions


def test_without_api_logins_there_is_no_sessions_group(client, alice):
    assert 'class="card login-sessions"' not in text(client.get("/tokens"))


def test_a_token_named_api_login_on_the_page_is_still_a_named_token(client, api, alice):
    create(client, "API login")
    body = text(client.get("/tokens"))
    assert "API login" in named_tokens_card(body)
    assert 'class="card login-sessions"' not in body


def test_revoked_and_expired_login_sessions_are_not_listed(client, app, api, alice, clock):
    old = api_login(api)
    clock.advance(days=31)
    revoked, live = api_login(api), api_login(api)
    with app.app_context():
        revoked_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.prefix == revoked[:10]))
    revoke(client, revoked_id)

    sessions = login_sessions_card(text(client.get("/tokens")))
    assert '<span class="badge badge-neutral">1</span>' in sessions
    assert live[:10] in sessions and old[:10] not in sessions and revoked[:10] not in sessions


def test_one_login_session_is_revoked_in_place(client, app, api, alice):
    session_token = api_login(api)
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.prefix == session_token[:10]))
    response = revoke(client, token_id, headers=HTMX)
    assert response.status_code == 200
    assert text(response).strip().startswith(f'<tr id="token-{token_id}"') and "Revoked" in text(response)
    assert api.get("/pools", headers=bearer(session_token)).status_code == 401
    assert api.get("/pools", as_=alice).status_code == 200


def test_revoke_all_api_logins_ends_every_session_and_keeps_named_tokens(client, api, alice, make_user):
    bob = make_user("bob")
    sessions = [api_login(api), api_login(api)]
    bobs_session = api_login(api, "bob")

    response = post_form(client, "/tokens/logins/revoke", {}, form_page="/tokens")
    assert response.status_code == 303 and response.headers["Location"] == "/tokens"
    for token in sessions:
        assert api.get("/pools", headers=bearer(token)).status_code == 401
    assert api.get("/pools", as_=alice).status_code == 200
    assert api.get("/pools", headers=bearer(bobs_session)).status_code == 200
    assert api.get("/pools", as_=bob).status_code == 200

    page = text(client.get("/tokens"))
    assert "2 API login sessions revoked" in page
    assert 'class="card login-sessions"' not in page


def test_revoke_all_api_logins_through_htmx_returns_the_section_and_the_message(client, api, alice):
    api_login(api)
    response = post_form(client, "/tokens/logins/revoke", {}, form_page="/tokens", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="tokens-section"')
    assert 'class="card login-sessions"' not in body
    assert "1 API login session revoked" in body  # among the flashes, out of band
    assert "HX-Request" in response.headers["Vary"]


def test_revoke_all_api_logins_is_post_only_and_needs_csrf(client, api, alice):
    token = api_login(api)
    assert client.get("/tokens/logins/revoke").status_code == 405
    assert client.post("/tokens/logins/revoke").status_code == 400
    assert api.get("/pools", headers=bearer(token)).status_code == 200


def test_revoke_all_api_logins_needs_login(client):
    response = post_form(client, "/tokens/logins/revoke", {}, form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
