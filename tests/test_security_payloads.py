"""Hostile text (SQL and script) in every text field is stored verbatim and shown escaped on every page.

A page is one line in PAGES: its name and how to build its URL from the objects the test made.
"""
from dataclasses import dataclass

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from core.extensions import db
from models import ApiToken, AuditEvent, User
from tests.snapshots import database_unchanged
from tests.web_helpers import log_in, post_form, text

PAYLOADS = [
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


@dataclass
class Made:
    """What the test made with the payload, for building page URLs."""

    pool_id: str


PAGES = [
    ("overview", lambda made: "/"),
    ("tokens", lambda made: "/tokens"),
    ("pools", lambda made: "/pools"),
    ("pool", lambda made: f"/pools/{made.pool_id}"),
]


@pytest.fixture(params=PAYLOADS, ids=["sql", "script", "img-onerror"])
def payload(request):
    return request.param


@pytest.fixture
def made(app, api, client, make_user, payload):
    """A user whose alias, pool name and description and token name are all the payload, logged in."""
    response = post_form(client, "/register", {"username": "victim", "alias": payload, "password": "long-password",
                                               "confirm": "long-password"})
    assert response.status_code == 303, text(response)
    login = client.post("/api/v1/users/auth/login", json={"username": "victim", "password": "long-password"})
    assert login.json["data"]["user"]["alias"] == payload
    headers = {"Authorization": f"Bearer {login.json['data']['token']}"}
    created = client.post("/api/v1/pools", json={"name": payload, "description": payload}, headers=headers)
    assert created.status_code == 201, created.json
    pool_id = created.json["data"]["id"]
    assert post_form(client, "/tokens", {"name": payload, "lifetime": "30"}).status_code == 200
    return Made(pool_id)


def test_text_fields_are_stored_verbatim(app, client, made, payload):
    login = client.post("/api/v1/users/auth/login", json={"username": "victim", "password": "long-password"})
    headers = {"Authorization": f"Bearer {login.json['data']['token']}"}
    pool = client.get(f"/api/v1/pools/{made.pool_id}", headers=headers).json["data"]
    assert pool["name"] == payload and pool["description"] == payload
    listed = client.get("/api/v1/pools", headers=headers).json["data"]
    assert payload in [p["name"] for p in listed]
    with app.app_context():
        assert db.session.scalar(select(User.alias).where(User.username == "victim")) == payload
        assert payload in db.session.scalars(select(ApiToken.name)).all()
        assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the users table is still there


def test_pages_show_the_text_escaped(client, made, payload):
    unsafe = []
    for page, url_for_page in PAGES:
        response = client.get(url_for_page(made))
        html = text(response)
        if response.status_code != 200 or payload in html or str(escape(payload)) not in html:
            unsafe.append(f"{page} ({response.status_code})")
    assert unsafe == []


def test_an_invite_of_a_hostile_username_is_refused_and_changes_nothing(app, api, make_user, payload):
    owner = make_user("owner")
    pool_id = api.post("/pools", as_=owner, json={"name": "Team"}).json["data"]["id"]
    with database_unchanged(app):
        response = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": payload, "role": "user"})
    assert response.status_code in (400, 404)
    assert response.json["statusCode"] == response.status_code
    assert response.mimetype == "application/json"


def test_the_invite_form_shows_a_hostile_username_escaped(app, api, client, make_user, payload):
    owner = make_user("owner")
    pool_id = api.post("/pools", as_=owner, json={"name": "Team"}).json["data"]["id"]
    log_in(client, "owner")
    with database_unchanged(app):
        response = post_form(client, f"/pools/{pool_id}/members", {"username": payload, "role": "user"},
                             form_page=f"/pools/{pool_id}")
    assert response.status_code in (404, 422)
    assert payload not in text(response)


def test_hostile_logins_and_filters_are_plain_refusals(app, api, client, make_user, payload):
    alice = make_user("alice")
    login = client.post("/api/v1/users/auth/login", json={"username": payload, "password": payload})
    assert login.status_code == 401
    with app.app_context():
        failure = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
        assert failure.details == {"username": payload}
    with database_unchanged(app):
        for parameter in ("country", "region", "ram_types", "sort", "limit"):
            response = api.get("/servers/available", as_=alice, query_string={parameter: payload})
            assert response.status_code in (200, 400), parameter
            assert response.json["statusCode"] == response.status_code
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
