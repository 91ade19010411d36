"""Disabling and enabling accounts from the admin page, with and without htmx, and what the user of a
disabled account sees in their browser: their session ends and the login page says why."""
import html

import pytest
from sqlalchemy import select

from core.extensions import db
from models import AuditEvent, User
from tests.routes import SOME_ID
from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form
from tests.web_helpers import text as raw_text


def text(response) -> str:
    return html.unescape(raw_text(response))


@pytest.fixture
def root(client, make_user):
    person = make_user("root", is_admin=True)
    log_in(client, "root")
    return person


@pytest.fixture
def bob(make_user):
    return make_user("bob", alias="Bob B")


def post(client, path: str, htmx: bool = False):
    return client.post(path, data={"csrf_token": csrf_token(client, "/admin")}, headers=HTMX if htmx else {})


def is_disabled(app, username: str) -> bool:
    with app.app_context():
        disabled = db.session.scalar(select(User.disabled_at).where(User.username == username)) is not None
        db.session.remove()
        return disabled


# --- Finding users -----------------------------------------------------------------------------

def test_the_admin_page_lists_users_with_a_search(client, root, bob):
    body = text(client.get("/admin"))
    assert 'action="/admin/users"' in body and 'hx-get="/admin/users"' in body
    assert f'id="user-{bob.id}"' in body and "Bob B" in body
    assert f'action="/admin/users/{bob.id}/disable"' in body


def test_the_user_search_answers_htmx_with_the_results_only(client, root, bob, make_user):
    make_user("carol")
    response = client.get("/admin/users?q=BO", headers=HTMX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="user-results"')
    assert "bob" in body and "carol" not in body


def test_the_user_search_without_javascript_is_the_admin_page(client, root, bob, make_user):
    make_user("carol")
    body = text(client.get("/admin/users?q=Bob+B"))
    assert "<html" in body and 'action="/admin/credit"' in body
    assert f'id="user-{bob.id}"' in body and "carol" not in body
    assert f'id="user-{bob.id}"' in text(client.get(f"/admin/users?q={bob.id}"))
    assert "No user matches “%_”." in text(client.get("/admin/users?q=%25_"))


def test_the_administrators_own_row_has_no_disable_button(client, root):
    body = text(client.get("/admin/users?q=root"))
    assert f'id="user-{root.id}"' in body
    assert f"/admin/users/{root.id}/disable" not in body


# --- Disable and enable ------------------------------------------------------------------------

def test_disable_with_a_plain_post_comes_back_to_the_user(app, client, root, bob):
    response = post(client, f"/admin/users/{bob.id}/disable")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users?q=bob"
    assert is_disabled(app, "bob")
    body = text(client.get(response.headers["Location"]))
    assert "bob is disabled: their API tokens no longer work and their sessions have ended." in body
    assert f'action="/admin/users/{bob.id}/enable"' in body and "Disabled" in body


def test_disable_and_enable_through_htmx_swap_the_row(app, client, root, bob):
    response = post(client, f"/admin/users/{bob.id}/disable", htmx=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="user-{bob.id}" class="is-inactive">')
    assert f'action="/admin/users/{bob.id}/enable"' in body
    assert 'hx-swap-oob' in body and "bob is disabled" in body  # the flash, out of band

    response = post(client, f"/admin/users/{bob.id}/enable", htmx=True)
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="user-{bob.id}">')
    assert f'action="/admin/users/{bob.id}/disable"' in body
    assert "bob is enabled again: their API tokens work and they can log in." in body
    assert not is_disabled(app, "bob")


def test_enable_with_a_plain_post(app, client, root, bob):
    post(client, f"/admin/users/{bob.id}/disable")
    response = post(client, f"/admin/users/{bob.id}/enable")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/users?q=bob"
    assert not is_disabled(app, "bob")


def test_disabling_from_the_page_is_in_the_audit_trail(app, client, root, bob):
    log_in(app.test_client(), "bob")
    post(client, f"/admin/users/{bob.id}/disable")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.disabled"))
        assert (event.actor_id, event.target_id, event.details) == (root.id, bob.id,
                                                                    {"username": "bob", "sessions_ended": 1})


def test_a_forged_post_cannot_disable_the_administrators_own_account(app, client, root):
    with database_unchanged(app):
        response = post(client, f"/admin/users/{root.id}/disable", htmx=True)
    assert response.status_code == 422 and response.headers["HX-Reswap"] == "none"
    assert "You cannot disable your own account" in text(response)
    with database_unchanged(app):
        response = post(client, f"/admin/users/{root.id}/disable")
    assert response.status_code == 303
    assert "You cannot disable your own account" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("user_id", [SOME_ID, "not-an-id"])
def test_an_unknown_user_is_a_404_page(app, client, root, user_id):
    with database_unchanged(app):
        response = post(client, f"/admin/users/{user_id}/disable")
    assert response.status_code == 404 and "User not found" in text(response)


def test_the_posts_need_a_csrf_token(app, client, root, bob):
    with database_unchanged(app):
        assert client.post(f"/admin/users/{bob.id}/disable").status_code == 400


def test_other_users_are_refused(app, client, bob, make_user):
    carol = make_user("carol")
    assert client.get("/admin/users").status_code == 302  # logged out: to the login page
    log_in(client, "bob")
    assert client.get("/admin/users").status_code == 403
    for action in ("disable", "enable"):
        with database_unchanged(app):
            response = client.post(f"/admin/users/{carol.id}/{action}", data={"csrf_token": csrf_token(client, "/")})
        assert response.status_code == 403 and "Only administrators can do this" in text(response)


# --- The disabled user's browser ---------------------------------------------------------------

def test_a_disabled_users_browser_session_ends_with_a_message(app, client, root, bob):
    browser = app.test_client()
    log_in(browser, "bob")
    assert browser.get("/tokens").status_code == 200

    post(client, f"/admin/users/{bob.id}/disable")

    response = browser.get("/tokens")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/tokens"
    assert "This account is disabled" in text(browser.get("/login"))
    assert browser.get("/tokens").status_code == 302


def test_a_disabled_users_remember_cookie_stops_working_and_is_cleared(app, client, root, bob):
    browser = app.test_client()
    browser.post("/login", data={"username": "bob", "password": PASSWORD, "remember": "y",
                                 "csrf_token": csrf_token(browser)})
    remembered = browser.get_cookie("remember_token").value
    post(client, f"/admin/users/{bob.id}/disable")

    other = app.test_client()
    other.set_cookie("remember_token", remembered, domain="localhost")
    assert other.get("/tokens").status_code == 302
    assert other.get_cookie("remember_token") is None
    assert "This account is disabled" in text(other.get("/login"))


def test_enabling_does_not_bring_back_the_ended_sessions(app, client, root, bob):
    browser = app.test_client()
    log_in(browser, "bob")
    post(client, f"/admin/users/{bob.id}/disable")
    post(client, f"/admin/users/{bob.id}/enable")
    assert browser.get("/tokens").status_code == 302
    log_in(browser, "bob")
    assert browser.get("/tokens").status_code == 200


def test_a_disabled_user_cannot_log_in_on_the_page(app, client, root, bob):
    post(client, f"/admin/users/{bob.id}/disable")
    browser = app.test_client()
    response = post_form(browser, "/login", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 422
    assert "This account is disabled" in text(response)
    assert browser.get("/tokens").status_code == 302


def test_a_wrong_password_for_a_disabled_user_says_nothing_of_it(app, client, root, bob):
    post(client, f"/admin/users/{bob.id}/disable")
    response = post_form(app.test_client(), "/login", {"username": "bob", "password": "wrong-password"})
    assert response.status_code == 422
    assert "Invalid username or password" in text(response) and "account is disabled" not in text(response)
