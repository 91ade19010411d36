"""Answers that carry a secret are never stored by a browser or a proxy: every answer of the API login,
the login and register pages (which set session cookies) and token creation on the tokens page is
``Cache-Control: no-store``, the refusals (400, 401, 403, 413, 422, 429) included."""
import pytest

from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, text

LOGIN = "/api/v1/users/auth/login"


def assert_no_store(response, status: int):
    assert response.status_code == status, text(response)
    assert response.headers.get("Cache-Control") == "no-store"


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def one_login_a_minute(app):
    app.config["RATELIMIT_LOGIN_PER_USERNAME"] = "1 per minute"


# --- The API login ----------------------------------------------------------------------------

def test_an_api_login_answer_with_a_token_is_not_stored(client, alice):
    response = client.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    assert_no_store(response, 200)
    assert response.json["data"]["token"]


@pytest.mark.parametrize("body, status", [
    ({"username": "alice", "password": "wrong-password"}, 401),
    ({"username": "nobody", "password": "wrong-password"}, 401),
    ({"username": 5}, 400),
    ("[", 400),
])
def test_api_login_refusals_are_not_stored(client, alice, body, status):
    if isinstance(body, str):
        response = client.post(LOGIN, data=body, content_type="application/json")
    else:
        response = client.post(LOGIN, json=body)
    assert_no_store(response, status)


def test_an_oversized_api_login_is_not_stored(app, client, alice):
    response = client.post(LOGIN, data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json")
    assert_no_store(response, 413)


def test_a_rate_limited_api_login_is_not_stored(client, alice, one_login_a_minute):
    client.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    response = client.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    assert_no_store(response, 429)
    assert response.headers["Retry-After"]


def test_a_disabled_accounts_api_login_is_not_stored(client, api, alice, make_user):
    root = make_user("root", is_admin=True)
    api.post(f"/admin/users/{alice.id}/disable", as_=root)
    assert_no_store(client.post(LOGIN, json={"username": "alice", "password": PASSWORD}), 403)


# --- The login and register pages ---------------------------------------------------------------

def page_login(client, password=PASSWORD, headers=None, **extra):
    data = {"username": "alice", "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data, headers=headers or {})


def test_the_login_page_is_not_stored(client):
    assert_no_store(client.get("/login"), 200)


@pytest.mark.parametrize("remember", ["", "y"])
def test_a_page_login_that_sets_the_cookies_is_not_stored(client, alice, remember):
    response = page_login(client, remember=remember)
    assert_no_store(response, 303)
    assert "session=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_an_htmx_page_login_is_not_stored(client, alice):
    response = page_login(client, headers=HTMX)
    assert_no_store(response, 200)
    assert response.headers["HX-Redirect"] == "/"


def test_a_refused_page_login_is_not_stored(client, alice):
    assert_no_store(page_login(client, password="wrong-password"), 422)


def test_a_page_login_without_its_csrf_token_is_not_stored(client, alice):
    assert_no_store(client.post("/login", data={"username": "alice", "password": PASSWORD}), 400)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_rate_limited_page_login_is_not_stored(client, alice, one_login_a_minute, headers):
    page_login(client, password="wrong-password")
    response = page_login(client, headers=headers)
    assert_no_store(response, 429)
    assert "Too many login attempts" in text(response)


def test_registering_is_not_stored(client):
    data = {"username": "carol", "password": PASSWORD, "confirm": PASSWORD}
    assert_no_store(client.post("/register", data={**data, "csrf_token": csrf_token(client, "/register")}), 303)


def test_a_refused_registration_is_not_stored(client):
    data = {"username": "bad name!", "password": PASSWORD, "confirm": PASSWORD}
    assert_no_store(client.post("/register", data={**data, "csrf_token": csrf_token(client, "/register")}), 422)


# --- Token creation on the tokens page ----------------------------------------------------------

def create_token(client, name="deploy", headers=None):
    token = csrf_token(client, "/tokens")
    return client.post("/tokens", data={"name": name, "lifetime": "30", "csrf_token": token}, headers=headers or {})


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_new_token_is_not_stored(client, alice, headers):
    log_in(client, "alice")
    response = create_token(client, headers=headers)
    assert_no_store(response, 200)
    assert 'id="new-token-value"' in text(response)


def test_a_refused_token_creation_is_not_stored(client, alice):
    log_in(client, "alice")
    assert_no_store(create_token(client, name=""), 422)


def test_a_rate_limited_token_creation_is_not_stored(app, client, alice):
    app.config["RATELIMIT_TOKEN_CREATE_PER_USER"] = "1 per hour"
    log_in(client, "alice")
    create_token(client)
    assert_no_store(create_token(client, name="second"), 429)


def test_pages_without_secrets_may_be_stored(client, alice):
    log_in(client, "alice")
    assert "no-store" not in client.get("/tokens").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
