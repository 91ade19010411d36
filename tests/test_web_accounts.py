"""Accounts in the browser: register, log in, log out, the overview, CSRF and error pages."""
import re

import pytest

from core.extensions import db
from models import User
from services import accounts, pools
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

NEW_PASSWORD = "a-long-enough-password"


def register(client, username="carol", password=NEW_PASSWORD, confirm=None, alias="", headers=None):
    data = {"username": username, "alias": alias, "password": password,
            "confirm": password if confirm is None else confirm}
    return post_form(client, "/register", data, headers=headers)


def normalised(response, username: str) -> str:
    body = re.sub(r'(csrf_token" type="hidden" value=|"X-CSRFToken": )"[^"]+"', r"\1", text(response))
    return body.replace(f'value="{username}"', "")


def user_count(app) -> int:
    with app.app_context():
        return db.session.query(User).count()


# --- Register ----------------------------------------------------------------------------------

def test_register_page_is_a_full_page_with_a_form(client):
    response = client.get("/register")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body
    assert 'name="username"' in body and 'name="confirm"' in body
    assert 'name="csrf_token"' in body


def test_register_creates_the_user_and_logs_them_in(client, app):
    response = register(client, "carol", alias="Carol C")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"

    with app.app_context():
        user = accounts.find_user("carol")
        assert user is not None and user.alias == "Carol C"
    overview = client.get("/")
    body = text(overview)
    assert "Welcome to Servermarket" in body  # the flash
    assert "Wallet balance" in body and 'id="balance"' in body
    assert "Log out" in body


def test_register_through_htmx_redirects_the_whole_page(client):
    response = register(client, "carol", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"
    assert "HX-Request" in response.headers["Vary"]


def test_register_with_a_taken_username_case_insensitively_is_422(client, app, make_user):
    make_user("alice")
    response = register(client, "ALICE")
    assert response.status_code == 422
    assert "That username is taken" in text(response)
    assert user_count(app) == 1


@pytest.mark.parametrize(("username", "password", "confirm", "message"), [
    ("bad name!", NEW_PASSWORD, None, "May contain only letters, digits, underscore and dash"),
    ("x" * 101, NEW_PASSWORD, None, "Must be at most 100 characters"),
    ("", NEW_PASSWORD, None, "Must not be empty"),
    ("carol", "short", None, "Must be at least 8 characters"),
    ("carol", "p" * 201, None, "Must be at most 200 characters"),
    ("carol", NEW_PASSWORD, "something-else", "Passwords do not match"),
])
def test_register_refuses_bad_input_with_422_beside_the_field(client, app, username, password, confirm, message):
    response = register(client, username, password, confirm)
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert 'class="field-error"' in body
    assert user_count(app) == 0


def test_register_errors_come_back_as_a_fragment_for_htmx(client):
    response = register(client, "bad name!", headers=HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "<html" not in body
    assert body.lstrip().startswith("<form")
    assert "HX-Request" in response.headers["Vary"]


def test_register_with_an_overlong_alias_is_422(client, app):
    response = register(client, "carol", alias="a" * 101)
    assert response.status_code == 422
    assert "Must be at most 100 characters" in text(response)
    assert user_count(app) == 0


# --- Log in ------------------------------------------------------------------------------------

def test_login_page_is_a_full_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "<html" in text(response)
    assert "HX-Request" in response.headers["Vary"]


def test_login_page_for_htmx_is_the_form_only(client):
    response = client.get("/login", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert text(response).lstrip().startswith("<form")


def test_history_restore_gets_the_full_page(client):
    response = client.get("/login", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in text(response)


def test_login_succeeds_and_goes_to_the_overview(client, make_user):
    make_user("alice", balance_cents=12345)
    response = log_in(client, "alice")
    assert response.headers["Location"] == "/"
    body = text(client.get("/"))
    assert "$123.45" in body
    assert "Default" in body  # the user's default pool is listed


def test_login_is_case_insensitive_on_the_username(client, make_user):
    make_user("alice")
    log_in(client, "ALICE")


def test_wrong_password_and_unknown_user_give_the_same_answer(client, make_user):
    make_user("alice")
    wrong_password = post_form(client, "/login", {"username": "alice", "password": "not-the-password"})
    unknown_user = post_form(client, "/login", {"username": "nobody", "password": "not-the-password"})
    assert wrong_password.status_code == unknown_user.status_code == 422
    assert "Invalid username or password" in text(wrong_password)
    assert "Invalid username or password" in text(unknown_user)
    # The two pages differ only in the username typed and the CSRF token.
    assert normalised(wrong_password, "alice") == normalised(unknown_user, "nobody")
    assert client.get("/tokens").status_code == 302  # still logged out


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/path", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
])
def test_unsafe_next_is_ignored(client, make_user, target):
    make_user("alice")
    response = post_form(client, f"/login?next={target}", {"username": "alice", "password": PASSWORD},
                         form_page="/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_safe_next_is_honoured(client, make_user):
    make_user("alice")
    response = post_form(client, "/login?next=/tokens", {"username": "alice", "password": PASSWORD},
                         form_page="/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/tokens"


def test_login_form_keeps_a_safe_next_in_its_action(client):
    assert 'action="/login?next=/tokens"' in text(client.get("/login?next=/tokens"))
    assert "evil" not in text(client.get("/login?next=//evil.example"))


def test_login_required_pages_redirect_to_login_with_next(client):
    response = client.get("/tokens")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/tokens"


@pytest.mark.parametrize("data", [
    {},
    {"username": "alice"},
    {"password": PASSWORD},
    {"username": "a" * 10000, "password": "p" * 10000},
    {"username": "\x00", "password": "\x00"},
])
def test_garbage_login_input_is_a_422_not_a_500(client, make_user, data):
    make_user("alice")
    response = post_form(client, "/login", data)
    assert response.status_code == 422


@pytest.mark.parametrize("data", [
    {},
    {"username": "u" * 5000, "alias": "a" * 5000, "password": "p" * 5000, "confirm": "q"},
    {"username": "\x00\x01", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
])
def test_garbage_register_input_is_a_422_not_a_500(client, app, data):
    response = post_form(client, "/register", data)
    assert response.status_code == 422
    assert user_count(app) == 0


# --- Log out -----------------------------------------------------------------------------------

def test_logout_logs_out_and_goes_to_login(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    response = post_form(client, "/logout", {}, form_page="/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "You have been logged out" in text(client.get("/login"))
    assert client.get("/tokens").status_code == 302


def test_logout_is_post_only(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    assert client.get("/logout").status_code == 405
    assert client.get("/tokens").status_code == 200  # still logged in


def test_logout_without_csrf_token_is_refused(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/tokens").status_code == 200  # still logged in


# --- CSRF ------------------------------------------------------------------------------------

def test_register_without_csrf_token_is_refused_and_creates_nothing(client, app):
    response = client.post("/register", data={"username": "carol", "password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in text(response)
    assert user_count(app) == 0


def test_login_with_a_forged_csrf_token_is_refused(client, make_user):
    make_user("alice")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/tokens").status_code == 302


def test_csrf_token_in_the_htmx_header_is_accepted(client, make_user):
    make_user("alice")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD},
                           headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"


# --- Pages -------------------------------------------------------------------------------------

def test_logged_out_overview_is_a_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body
    assert 'href="/login"' in body and 'href="/register"' in body
    assert 'id="balance"' not in body


def test_overview_shows_balance_pools_and_pending_invitations(client, app, make_user):
    make_user("alice", balance_cents=7000)
    make_user("bob")
    with app.app_context():
        alice, bob = accounts.find_user("alice"), accounts.find_user("bob")
        farm = pools.create_pool(bob, "Render farm")
        membership = pools.invite_member(bob, farm.id, "alice", "admin")
        pools.accept_invitation(alice, membership.id)
        lab = pools.create_pool(bob, "Lab")
        pools.invite_member(bob, lab.id, "alice", "user")
    log_in(client, "alice")
    body = text(client.get("/"))
    assert "$70.00" in body
    assert "Your pools" in body
    assert "Default" in body and "Owner" in body
    assert "Render farm" in body and "Admin" in body
    assert "Lab" not in body  # only invited, not yet a member
    assert "Waiting for your answer" in body  # one pending invitation


def test_layout_loads_vendored_htmx_and_sends_csrf_with_htmx_requests(client):
    body = text(client.get("/login"))
    assert "/static/js/htmx-2.0.11.min.js" in body
    assert "hx-headers='{\"X-CSRFToken\": \"" in body
    assert '"code":"422","swap":true' in body
    assert "<script>" not in body and "style=" not in body


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    body = text(response)
    assert "<html" in body and "404" in body and 'href="/"' in body


def test_an_htmx_request_after_the_session_ends_reloads_the_login_page(client):
    response = client.get("/tokens", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/login?next=/tokens"
