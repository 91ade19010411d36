"""Opening an account yourself: ``POST /api/v1/auth/signup`` and the register page, by the same rules,
while ``ALLOW_SIGNUP`` is on (the default). An address given is unverified and is sent a link that
verifies it when this server sends email. Bad input is refused and stores nothing."""
import pytest
from sqlalchemy import func, select

from core.config import from_environment
from core.extensions import db
from models import User
from tests.html_tree import parse
from tests.mail import link_to, mail_server  # noqa: F401  (mail_server is a fixture)
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, post_form, text

PASSPHRASE = "a long passphrase"


def signup(api, **fields):
    return api.post("/auth/signup", json={"username": "newcomer", "password": PASSPHRASE, **fields})


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_signup_makes_an_account_that_logs_in_and_sends_the_verification_link(api, mail_server, tick):
    made = signup(api, email="newcomer@example.com")
    assert made.status_code == 201 and made.json["message"] == "Account created"
    user = made.json["data"]
    assert (user["username"], user["alias"], user["email"], user["email_verified"]) == \
        ("newcomer", "newcomer", "newcomer@example.com", False)
    login = api.post("/users/auth/login", json={"username": "newcomer", "password": PASSPHRASE})
    assert login.status_code == 200 and login.json["data"]["user"]["id"] == user["id"]
    tick()
    [message] = mail_server.to("newcomer@example.com")
    assert message["Subject"] == "Verify your email address" and link_to(message, "/verify-email")


def test_signup_without_an_address_or_without_email_on_the_server(app, api):
    made = signup(api)
    assert made.status_code == 201 and made.json["data"]["email"] is None
    other = signup(api, username="second", email="second@example.com")
    assert other.status_code == 201 and other.json["data"]["email"] == "second@example.com"


@pytest.mark.parametrize("fields, field", [
    ({"username": ""}, "username"),
    ({"username": "has space"}, "username"),
    ({"password": "short"}, "password"),
    ({"email": "not an address"}, "email"),
    ({"username": 7}, "username"),
])
def test_bad_input_is_refused_and_stores_nothing(app, api, fields, field):
    with database_unchanged(app):
        refused = signup(api, **fields)
    assert refused.status_code == 400 and refused.json["code"] == "VALIDATION_FAILED"
    assert field in [detail["field"] for detail in refused.json["details"]]


def test_a_taken_username_or_address_is_a_conflict(app, api, make_user):
    make_user("newcomer")
    assert signup(api, username="NEWCOMER").json["code"] == "NAME_TAKEN"
    assert signup(api, username="first", email="first@example.com").status_code == 201
    with database_unchanged(app):
        taken = signup(api, username="second", email="FIRST@example.com")
    assert taken.status_code == 409 and taken.json["code"] == "EMAIL_TAKEN"


def test_with_signup_off_the_api_refuses_and_the_register_page_says_so(app, api, client):
    app.config["ALLOW_SIGNUP"] = False
    with database_unchanged(app):
        refused = signup(api, email="newcomer@example.com")
        page = client.get("/register")
        posted = post_form(client, "/register", {"username": "newcomer", "password": PASSPHRASE,
                                                 "confirm": PASSPHRASE}, form_page="/login")
    assert refused.status_code == 403 and refused.json["code"] == "FORBIDDEN"
    assert "Signing up is closed" in refused.json["message"]
    assert page.status_code == 200 and "Signing up is closed" in text(page)
    assert parse(text(page)).find("form", action="/register") is None
    assert posted.status_code == 422 and "Signing up is closed" in text(posted)
    assert parse(text(client.get("/login"))).find("a", href="/register") is None  # nor offered in the header


def test_the_register_page_takes_an_optional_address(app, client, mail_server, tick):
    made = post_form(client, "/register", {"username": "newcomer", "password": PASSPHRASE, "confirm": PASSPHRASE,
                                           "email": "newcomer@example.com"})
    assert made.status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "newcomer"))
        assert (user.email, user.email_verified_at) == ("newcomer@example.com", None)
    tick()
    assert len(mail_server.to("newcomer@example.com")) == 1


def test_the_register_page_puts_a_taken_address_beside_its_field(app, api, client):
    assert signup(api, username="first", email="first@example.com").status_code == 201
    before = user_count(app)
    refused = post_form(client, "/register", {"username": "second", "password": PASSPHRASE, "confirm": PASSPHRASE,
                                              "email": "first@example.com"}, headers=HTMX)
    assert refused.status_code == 422 and "belongs to another account" in text(refused)
    assert user_count(app) == before


def test_signup_is_on_unless_the_environment_turns_it_off(monkeypatch, tmp_path):
    assert from_environment(str(tmp_path))["ALLOW_SIGNUP"] is True
    monkeypatch.setenv("ALLOW_SIGNUP", "0")
    assert from_environment(str(tmp_path))["ALLOW_SIGNUP"] is False
