"""Administrators disable and enable accounts: a disabled account's tokens get 403 on every endpoint
at once, its right password gets 403 at login (a wrong one the usual 401), and enabling it lets its
tokens work again. Only administrators may, and never on their own account."""
import pytest
from sqlalchemy import select

from core.extensions import db
from models import AuditEvent
from tests.routes import SOME_ID, api_calls
from tests.snapshots import database_unchanged
from tests.users import PASSWORD

DISABLED = {"statusCode": 403, "message": "This account is disabled", "error": "Forbidden", "code": "ACCOUNT_DISABLED"}


@pytest.fixture
def root(make_user):
    return make_user("root", is_admin=True, alias="Site Admin")


@pytest.fixture
def bob(make_user):
    return make_user("bob", alias="Bob B")


def disable(api, person, as_):
    return api.post(f"/admin/users/{person.id}/disable", as_=as_)


def enable(api, person, as_):
    return api.post(f"/admin/users/{person.id}/enable", as_=as_)


def audit_trail(app, action: str) -> list[tuple]:
    with app.app_context():
        rows = [(e.actor_username, e.target_type, e.target_id, e.details)
                for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                            .order_by(AuditEvent.created_at, AuditEvent.id))]
        db.session.remove()
        return rows


# --- Disable and enable ------------------------------------------------------------------------

def test_disable_answers_the_account(clock, api, root, bob):
    response = disable(api, bob, root)
    assert response.status_code == 200
    assert response.json == {"statusCode": 200, "message": "User disabled", "data": {
        "id": bob.id, "username": "bob", "alias": "Bob B", "is_admin": False, "is_disabled": True,
        "disabled_at": "2025-01-21T22:00:00.000Z", "created_at": "2025-01-21T22:00:00.000Z"}}


def test_a_disabled_accounts_token_is_403_and_works_again_once_enabled(api, root, bob):
    assert api.get("/pools", as_=bob).status_code == 200
    disable(api, bob, root)
    response = api.get("/pools", as_=bob)
    assert response.status_code == 403
    assert response.json == DISABLED

    response = enable(api, bob, root)
    assert response.status_code == 200
    assert response.json["message"] == "User enabled"
    assert response.json["data"]["is_disabled"] is False and response.json["data"]["disabled_at"] is None
    assert api.get("/pools", as_=bob).status_code == 200


def test_every_endpoint_refuses_a_disabled_accounts_token_and_changes_nothing(app, client, api, make_user):
    root = make_user("root", is_admin=True)
    other_admin = make_user("deputy", is_admin=True)
    disable(api, other_admin, root)
    calls = api_calls(app, public=False)
    assert ("POST", f"/api/v1/admin/users/{SOME_ID}/enable") in calls
    wrong = []
    with database_unchanged(app):
        for method, path in calls:
            response = client.open(path, method=method, headers=other_admin.headers,
                                   json={} if method != "GET" else None)
            if response.status_code != 403 or response.json != DISABLED:
                wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []


def test_disabling_twice_or_enabling_an_enabled_account_changes_nothing(app, api, root, bob, clock):
    disable(api, bob, root)
    clock.advance(hours=1)
    with database_unchanged(app):
        again = disable(api, bob, root)
    assert again.status_code == 200 and again.json["data"]["disabled_at"] == "2025-01-21T22:00:00.000Z"
    enable(api, bob, root)
    with database_unchanged(app):
        assert enable(api, bob, root).status_code == 200
    assert len(audit_trail(app, "user.disabled")) == len(audit_trail(app, "user.enabled")) == 1


def test_an_administrator_can_disable_another_administrator(api, root, make_user):
    deputy = make_user("deputy", is_admin=True)
    assert disable(api, deputy, root).json["data"]["is_admin"] is True
    assert disable(api, root, deputy).status_code == 403  # a disabled administrator is refused like anyone


def test_disable_and_enable_are_in_the_audit_trail(app, api, root, bob):
    disable(api, bob, root)
    enable(api, bob, root)
    assert audit_trail(app, "user.disabled") == [("root", "user", bob.id, {"username": "bob", "sessions_ended": 0})]
    assert audit_trail(app, "user.enabled") == [("root", "user", bob.id, {"username": "bob"})]


# --- Who may -----------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["disable", "enable"])
def test_only_administrators_may(app, api, root, bob, make_user, action):
    carol = make_user("carol")
    with database_unchanged(app):
        response = api.post(f"/admin/users/{carol.id}/{action}", as_=bob)
    assert response.status_code == 403
    assert response.json == {"statusCode": 403, "message": "Only administrators can do this", "error": "Forbidden",
                             "code": "FORBIDDEN"}
    with database_unchanged(app):
        assert api.post(f"/admin/users/{carol.id}/{action}").status_code == 401


def test_an_administrator_cannot_disable_their_own_account(app, api, root):
    with database_unchanged(app):
        response = disable(api, root, root)
    assert response.status_code == 409
    assert response.json == {"statusCode": 409, "message": "You cannot disable your own account", "error": "Conflict",
                             "code": "CONFLICT"}
    assert api.get("/pools", as_=root).status_code == 200


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_an_unknown_id_is_404_and_a_malformed_one_400(app, api, root, action):
    with database_unchanged(app):
        unknown = api.post(f"/admin/users/{SOME_ID}/{action}", as_=root)
        malformed = api.post(f"/admin/users/not-an-id/{action}", as_=root)
    assert unknown.status_code == 404
    assert unknown.json == {"statusCode": 404, "message": "User not found", "error": "Not Found", "code": "NOT_FOUND"}
    assert malformed.status_code == 400
    assert malformed.json["details"] == [{"field": "id", "message": "must be a 24-character hexadecimal string"}]


def test_an_id_in_capitals_is_the_same_user(api, root, bob):
    assert api.post(f"/admin/users/{bob.id.upper()}/disable", as_=root).json["data"]["id"] == bob.id


# --- Logging in --------------------------------------------------------------------------------

def login(client, username="bob", password=PASSWORD):
    return client.post("/api/v1/users/auth/login", json={"username": username, "password": password})


def test_a_disabled_account_with_the_right_password_gets_403_at_login(app, client, api, root, bob):
    disable(api, bob, root)
    response = login(client)
    assert response.status_code == 403
    assert response.json == DISABLED
    assert audit_trail(app, "login.refused") == [(("bob"), "user", bob.id, {"reason": "account disabled"})]
    assert audit_trail(app, "login.succeeded") == []


def test_a_disabled_account_with_a_wrong_password_looks_like_any_wrong_password(client, api, root, bob):
    disable(api, bob, root)
    wrong_password = login(client, "bob", "wrong-password")
    unknown_user = login(client, "nobody", "wrong-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json == unknown_user.json


def test_an_enabled_account_logs_in_again(client, api, root, bob):
    disable(api, bob, root)
    enable(api, bob, root)
    response = login(client)
    assert response.status_code == 200
    assert api.get("/pools", headers={"Authorization": f"Bearer {response.json['data']['token']}"}).status_code == 200
