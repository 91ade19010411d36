"""An administrator sets a new password for someone who cannot reset it by email: from the admin page
or with ``flask users set-password``. It ends the account's browser sessions and API logins, leaves an
audit entry, and refuses a bad password without changing anything."""
import pytest
from flask import Flask
from sqlalchemy import select

from core.extensions import db
from models import AuditEvent
from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_from, log_in, text

NEW_PASSWORD = "set by an administrator"


@pytest.fixture
def root(app: Flask, make_user):
    return make_user("root", is_admin=True)


@pytest.fixture
def bob(make_user):
    return make_user("bob", alias="Bob B")


def logs_in(api, username: str, password: str) -> bool:
    return api.post("/users/auth/login", json={"username": username, "password": password}).status_code == 200


def password_events(app, user_id: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "password.set",
                                                             AuditEvent.target_id == user_id)).all()
        db.session.expunge_all()
        return events


def test_the_admin_page_sets_a_password_and_ends_the_accounts_logins(app, client, api, root, bob):
    bobs_browser = app.test_client()
    log_in(bobs_browser, "bob")
    bobs_login = api.post("/users/auth/login", json={"username": "bob", "password": PASSWORD}).json["data"]["token"]
    log_in(client, "root")

    row = parse(text(client.get("/admin/users?q=bob"))).by_id(f"user-{bob.id}")
    assert row.find("a", href=f"/admin/users/{bob.id}/password") is not None
    page = client.get(f"/admin/users/{bob.id}/password")
    assert page.status_code == 200 and "New password for bob" in text(page)
    done = client.post(f"/admin/users/{bob.id}/password",
                       data={"csrf_token": csrf_from(text(page)), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/users?q=bob"

    assert logs_in(api, "bob", NEW_PASSWORD) and not logs_in(api, "bob", PASSWORD)
    assert bobs_browser.get("/account").status_code == 302
    assert api.get("/users/me", headers={"Authorization": f"Bearer {bobs_login}"}).status_code == 401
    [event] = password_events(app, bob.id)
    assert event.actor_id == root.id and event.details["sessions_ended"] == 1
    assert event.details["login_tokens_revoked"] == 1
    assert client.get("/admin").status_code == 200  # the administrator's own session goes on


def test_a_bad_password_is_refused_beside_the_form_and_changes_nothing(app, client, api, root, bob):
    log_in(client, "root")
    page = client.get(f"/admin/users/{bob.id}/password")
    with database_unchanged(app):
        short = client.post(f"/admin/users/{bob.id}/password", headers=HTMX,
                            data={"csrf_token": csrf_from(text(page)), "password": "short", "confirm": "short"})
        mismatch = client.post(f"/admin/users/{bob.id}/password", headers=HTMX,
                               data={"csrf_token": csrf_from(text(page)), "password": NEW_PASSWORD, "confirm": "x"})
    assert short.status_code == 422 and parse(text(short)).by_id("user-password") is not None
    assert "at least 8 characters" in text(short)
    assert mismatch.status_code == 422 and "Passwords do not match" in text(mismatch)
    assert logs_in(api, "bob", PASSWORD)


def test_only_administrators_set_passwords(app, client, api, make_user, bob):
    make_user("eve")
    log_in(client, "eve")
    assert client.get(f"/admin/users/{bob.id}/password").status_code == 403
    with database_unchanged(app):
        refused = client.post(f"/admin/users/{bob.id}/password",
                              data={"csrf_token": csrf_from(text(client.get("/account"))),
                                    "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 403
    assert logs_in(api, "bob", PASSWORD)


def test_the_cli_sets_a_password_read_from_the_prompt(app, runner, api, bob):
    result = runner.invoke(args=["users", "set-password", "bob"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Set a new password for bob" in result.output and NEW_PASSWORD not in result.output
    assert logs_in(api, "bob", NEW_PASSWORD)
    [event] = password_events(app, bob.id)
    assert event.actor_id is None


def test_the_cli_refuses_an_unknown_user_and_a_bad_password(app, runner, api, bob):
    with database_unchanged(app):
        unknown = runner.invoke(args=["users", "set-password", "nobody"], input="x\nx\n")
        short = runner.invoke(args=["users", "set-password", "bob"], input="short\nshort\n")
    assert unknown.exit_code == 1 and "No user named nobody" in unknown.output
    assert short.exit_code == 1 and "password" in short.output
    assert logs_in(api, "bob", PASSWORD)
