"""A forgotten password: a link emailed to the account's verified address resets it, once, within an
hour, and only while the password is the one it was sent for. The answer to a request is the same
for every address, so that it tells nobody who has an account here. A new password ends every
browser session and API login of the account.

Mail goes to a real SMTP server on localhost (``tests.mail``); the work runs as cron runs it
(``flask jobs tick``); time moves with the ``clock`` fixture.
"""
import secrets

import pytest
from sqlalchemy import select

from core.extensions import db
from models import AuditEvent, EmailDelivery
from tests.html_tree import parse
from tests.mail import give_verified_address, html_of, link_to, mail_server, text_of, token_of  # noqa: F401
from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_from, log_in, post_form, text

ADDRESS = "alice@example.com"
NEW_PASSWORD = "a brand new passphrase"
SENT = "If this is the verified address of an account, a link that resets its password is on its way"


@pytest.fixture
def alice(make_user, api, mail_server, tick):
    person = make_user("alice", alias="Alice")
    give_verified_address(api, person, ADDRESS, mail_server, tick)
    return person


def forgot(api, address: str):
    return api.post("/auth/forgot-password", json={"email": address})


def reset_link(api, mail_server, tick, address: str = ADDRESS) -> str:
    """Ask for a reset link for ``address`` and take it from the message that arrives."""
    assert forgot(api, address).status_code == 200
    tick()
    return link_to(mail_server.to(address)[-1], "/reset-password")


def logs_in(api, username: str, password: str) -> bool:
    return api.post("/users/auth/login", json={"username": username, "password": password}).status_code == 200


def audit_actions(app, user_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == user_id)
                                       .order_by(AuditEvent.created_at, AuditEvent.id)))


def test_the_emailed_link_opens_a_form_that_sets_a_new_password_and_ends_every_login(app, api, client, alice,
                                                                                       mail_server, tick):
    log_in(client, "alice")
    login_token = api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD}).json["data"]["token"]

    answer = forgot(api, ADDRESS)
    assert answer.status_code == 200 and answer.json == {"statusCode": 200, "message": SENT, "data": None}
    tick()
    [message] = [message for message in mail_server.to(ADDRESS) if message["Subject"] == "Reset your password"]
    assert "alice" in text_of(message) and "1 hour" in text_of(message)
    link = link_to(message, "/reset-password")
    assert link.startswith("http://localhost/reset-password?token=") and len(token_of(link)) == 64
    assert link.replace("&", "&amp;") in html_of(message)

    # Opening the link changes nothing (mail scanners open links): it shows the form.
    page = client.get(link)
    assert page.status_code == 200
    form = parse(text(page)).find("form", action="/reset-password")
    assert form is not None and form.find("input", name="token").attrs["value"] == token_of(link)
    assert logs_in(api, "alice", PASSWORD)

    done = client.post("/reset-password", data={"csrf_token": csrf_from(text(page)), "token": token_of(link),
                                                "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert not logs_in(api, "alice", PASSWORD)
    assert logs_in(api, "alice", NEW_PASSWORD)
    # The browser session and the API login of the old password have ended.
    assert client.get("/account").status_code == 302
    assert api.get("/users/me", headers={"Authorization": f"Bearer {login_token}"}).status_code == 401
    assert "password.reset" in audit_actions(app, alice.id)

    # The link is used up, on the page and through the API.
    again = client.get(link)
    assert again.status_code == 400 and "not valid" in text(again)
    reused = api.post("/auth/reset-password", json={"token": token_of(link), "password": "yet another passphrase"})
    assert reused.status_code == 401 and reused.json["code"] == "UNAUTHENTICATED"
    assert logs_in(api, "alice", NEW_PASSWORD)


def test_the_api_resets_with_the_token_and_a_second_tick_sends_nothing_more(api, alice, mail_server, tick):
    link = reset_link(api, mail_server, tick)
    tick()
    assert len([message for message in mail_server.to(ADDRESS) if message["Subject"] == "Reset your password"]) == 1
    reset = api.post("/auth/reset-password", json={"token": token_of(link), "password": NEW_PASSWORD})
    assert reset.status_code == 200 and reset.json == {"statusCode": 200, "message": "Password reset", "data": None}
    assert logs_in(api, "alice", NEW_PASSWORD)


def test_unknown_unverified_and_disabled_addresses_get_the_same_answer_and_no_mail(app, api, alice, make_user,
                                                                                    mail_server, tick, runner):
    bob = make_user("bob")
    api.patch("/users/me", as_=bob, json={"email": "bob@example.com"})  # never verified
    carol = make_user("carol")
    give_verified_address(api, carol, "carol@example.com", mail_server, tick)
    assert runner.invoke(args=["users", "disable", "carol"]).exit_code == 0
    tick()
    before = len(mail_server.messages)

    known = forgot(api, ADDRESS.upper())
    for address in ("nobody@example.com", "bob@example.com", "carol@example.com"):
        answer = forgot(api, address)
        assert (answer.status_code, answer.json) == (known.status_code, known.json)
    tick()
    assert [message["To"] for message in mail_server.messages[before:]] == [ADDRESS]


def test_a_link_expires_after_an_hour(api, alice, mail_server, tick, clock):
    link = reset_link(api, mail_server, tick)
    clock.advance(hours=1, seconds=1)
    refused = api.post("/auth/reset-password", json={"token": token_of(link), "password": NEW_PASSWORD})
    assert refused.status_code == 401 and "expired" in refused.json["message"]
    assert logs_in(api, "alice", PASSWORD)


def test_a_link_dies_once_the_password_changes_by_any_way(api, alice, mail_server, tick, runner):
    first = reset_link(api, mail_server, tick)
    second = reset_link(api, mail_server, tick)
    assert token_of(first) != token_of(second)
    assert api.post("/auth/reset-password", json={"token": token_of(first), "password": NEW_PASSWORD}).status_code == 200
    refused = api.post("/auth/reset-password", json={"token": token_of(second), "password": "my own passphrase"})
    assert refused.status_code == 401
    assert logs_in(api, "alice", NEW_PASSWORD)

    third = reset_link(api, mail_server, tick)
    assert runner.invoke(args=["users", "set-password", "alice"], input="set by an admin\nset by an admin\n").exit_code == 0
    assert api.post("/auth/reset-password", json={"token": token_of(third), "password": NEW_PASSWORD}).status_code == 401
    assert logs_in(api, "alice", "set by an admin")


def test_a_link_resets_only_the_account_it_was_sent_for(api, alice, make_user, mail_server, tick):
    mallory = make_user("mallory")
    give_verified_address(api, mallory, "mallory@example.com", mail_server, tick)
    link = reset_link(api, mail_server, tick, "mallory@example.com")
    assert api.post("/auth/reset-password", json={"token": token_of(link), "password": NEW_PASSWORD,
                                                  "username": "alice", "user_id": alice.id}).status_code == 200
    assert logs_in(api, "mallory", NEW_PASSWORD)
    assert logs_in(api, "alice", PASSWORD) and not logs_in(api, "alice", NEW_PASSWORD)


@pytest.mark.parametrize("guess", [
    secrets.token_hex(32), "0" * 64, "a", "x" * 1000,
    "eyJ1c2VyIjoiNTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDExIn0.Z5AcYA.3nq8hV0",
])
def test_a_guessed_token_is_refused_and_changes_nothing(app, api, client, alice, mail_server, tick, guess):
    reset_link(api, mail_server, tick)
    with database_unchanged(app):
        refused = api.post("/auth/reset-password", json={"token": guess, "password": NEW_PASSWORD})
        page = client.get("/reset-password", query_string={"token": guess})
    assert refused.status_code == 401 and refused.json["code"] == "UNAUTHENTICATED"
    assert page.status_code == 400 and parse(text(page)).find("form", action="/reset-password") is None
    assert logs_in(api, "alice", PASSWORD)


def test_the_verification_link_is_no_reset_link(app, api, make_user, mail_server, tick):
    dave = make_user("dave")
    api.patch("/users/me", as_=dave, json={"email": "dave@example.com"})
    tick()
    verification = token_of(link_to(mail_server.to("dave@example.com")[-1], "/verify-email"))
    refused = api.post("/auth/reset-password", json={"token": verification, "password": NEW_PASSWORD})
    assert refused.status_code == 401


def test_a_bad_new_password_is_refused_and_leaves_the_link_usable(app, api, alice, mail_server, tick):
    link = reset_link(api, mail_server, tick)
    with database_unchanged(app):
        refused = api.post("/auth/reset-password", json={"token": token_of(link), "password": "short"})
    assert refused.status_code == 400 and refused.json["code"] == "VALIDATION_FAILED"
    assert refused.json["details"][0]["field"] == "password"
    assert api.post("/auth/reset-password", json={"token": token_of(link), "password": NEW_PASSWORD}).status_code == 200


def test_the_reset_page_puts_a_mismatch_beside_the_form_and_keeps_the_link(api, client, alice, mail_server, tick):
    link = reset_link(api, mail_server, tick)
    page = client.get(link)
    mismatch = client.post("/reset-password", headers=HTMX,
                           data={"csrf_token": csrf_from(text(page)), "token": token_of(link),
                                 "password": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 422 and "Passwords do not match" in text(mismatch)
    assert parse(text(mismatch)).by_id("reset-password") is not None
    assert logs_in(api, "alice", PASSWORD)


def test_requests_are_rate_limited_per_address_and_per_ip(app, api, alice, mail_server, tick):
    app.config["RATELIMIT_RECOVERY_PER_ADDRESS"] = "2 per hour"
    app.config["RATELIMIT_RECOVERY_PER_IP"] = "4 per hour"
    for address in (ADDRESS, ADDRESS.upper()):
        assert forgot(api, address).status_code == 200
    limited = forgot(api, ADDRESS)
    assert limited.status_code == 429 and limited.json["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0
    assert forgot(api, "someone@example.com").status_code == 200
    assert forgot(api, "else@example.com").status_code == 200
    assert forgot(api, "third@example.com").status_code == 429  # the IP's fifth request
    tick()
    assert len([message for message in mail_server.to(ADDRESS) if message["Subject"] == "Reset your password"]) == 2


def test_the_login_page_leads_to_the_forgot_page_which_sends_the_link(client, api, alice, mail_server, tick):
    login = client.get("/login")
    assert parse(text(login)).find("a", href="/forgot-password") is not None
    sent = post_form(client, "/forgot-password", {"email": ADDRESS})
    assert sent.status_code == 303 and sent.headers["Location"] == "/login"
    assert "on its way" in text(client.get("/login"))
    tick()
    assert link_to(mail_server.to(ADDRESS)[-1], "/reset-password")

    bad = post_form(client, "/forgot-password", {"email": "not an address"}, headers=HTMX)
    assert bad.status_code == 422 and "email address" in text(bad)


def test_without_email_the_forgot_page_names_the_administrators(app, api, client, make_user):
    make_user("root", is_admin=True, alias="Rita")
    page = client.get("/forgot-password")
    assert page.status_code == 200
    assert "Ask an administrator to set a new password for you: Rita (root)." in text(page)
    assert parse(text(page)).find("form", action="/forgot-password") is None
    refused = forgot(api, ADDRESS)
    assert refused.status_code == 409 and refused.json["code"] == "EMAIL_NOT_CONFIGURED"
    assert "Rita (root)" in refused.json["message"]


def test_a_link_outdated_before_its_message_went_is_not_sent(app, api, alice, mail_server, tick, runner):
    before = len(mail_server.messages)
    assert forgot(api, ADDRESS).status_code == 200
    assert runner.invoke(args=["users", "set-password", "alice"], input="set by an admin\nset by an admin\n").exit_code == 0
    tick()
    assert len(mail_server.messages) == before
    with app.app_context():
        [row] = db.session.scalars(select(EmailDelivery).where(EmailDelivery.kind == "password_reset")).all()
        assert row.sent_at is None and "outdated" in row.skipped
