"""Email, as people receive it from a real SMTP server on localhost (aiosmtpd, ``tests.mail``).

A notification is emailed when its recipient's address is verified and their preferences send that
event by email; each message has a plain-text and an HTML part, says why it was sent, and links to the
page to act on and to the preferences. An address is verified by a link emailed to it. Each message
is sent once, whatever the retries and ticks; a mail server that is down delays the message, loses
nothing, and undoes nothing of what caused it.

Time moves with the ``clock`` fixture and the work runs as cron runs it, with ``flask jobs tick``. A
seven-day rental made at the clock's start (2025-01-21 22:00 UTC) ends 2025-01-28 22:00; its first
reminder (72 hours before) is due from 2025-01-25 22:00.
"""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.extensions import db
from models import EmailDelivery, Notification, Rental
from tests.factories import make_servers, server_record
from tests.mail import html_of, links_in, mail_server, text_of  # noqa: F401  (mail_server is a fixture)
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_from, csrf_token, log_in, post_form, text

ADDRESS = "alice@example.com"


@pytest.fixture
def server_id(app):
    return make_servers(app, [server_record("node-us-nyc-1", prices={"7": "70.00"})])["node-us-nyc-1"]


@pytest.fixture
def alice(make_user):
    return make_user("alice", balance_cents=1000_00, alias="Alice")



def verified(api, person, address, mail_server, tick) -> None:
    """Give ``person`` the address and verify it with the link emailed to it, as they would."""
    response = api.patch("/users/me", as_=person, json={"email": address})
    assert response.status_code == 200, response.json
    tick()
    token = _token_of(mail_server.to(address)[-1])
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 200


def _token_of(message) -> str:
    link = next(link for link in links_in(message) if "/verify-email" in link)
    return urlsplit(link).query.removeprefix("token=")


def rent(api, person, server_id) -> str:
    response = api.post(f"/servers/{server_id}/rent", as_=person, json={"rental_days": 7})
    assert response.status_code == 201, response.json
    return response.json["data"]["rental"]["id"]


def reminder_due(clock) -> None:
    clock.advance(days=4, minutes=1)  # past the 72-hour mark of a seven-day rental


def deliveries(app) -> list[EmailDelivery]:
    with app.app_context():
        rows = db.session.scalars(select(EmailDelivery).order_by(EmailDelivery.created_at)).all()
        db.session.expunge_all()
        return rows


# --- Your account through the API ----------------------------------------------------------------

def test_the_account_shows_its_email_and_every_event_with_both_channels_on(api, alice, mail_server):
    me = api.get("/users/me", as_=alice).json["data"]
    assert {key: me[key] for key in ("id", "username", "alias")} == {"id": alice.id, "username": "alice",
                                                                       "alias": "Alice"}
    assert me["email"] is None and me["email_verified"] is False and me["email_enabled"] is True
    assert me["notification_preferences"]["rental.ending_soon"] == {"email": True, "in_app": True}
    assert all(channels == {"email": True, "in_app": True} for channels in me["notification_preferences"].values())
    assert me["low_balance_threshold_cents"] is None


def test_a_new_address_is_sent_a_link_that_verifies_it(app, api, client, alice, mail_server, tick):
    changed = api.put("/users/me", as_=alice, json={"email": ADDRESS})
    assert changed.status_code == 200
    assert (changed.json["data"]["email"], changed.json["data"]["email_verified"]) == (ADDRESS, False)
    assert mail_server.messages == []  # sent by a worker, not by the request
    tick()

    [message] = mail_server.to(ADDRESS)
    assert message["From"] == "Servermarket <noreply@servers.example.com>"
    assert message["Subject"] == "Verify your email address"
    assert message["X-Envelope-To"] == ADDRESS
    assert "alice" in text_of(message) and "48 hours" in text_of(message)
    link = next(link for link in links_in(message) if "/verify-email" in link)
    assert f'href="{link}"'.replace("&", "&amp;") in html_of(message) or link in html_of(message)

    # Opening the link changes nothing by itself (mail scanners open links): it shows a button.
    page = client.get(link)
    assert page.status_code == 200 and "Verify my email address" in text(page)
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is False
    confirmed = client.post("/verify-email", data={"csrf_token": csrf_from(text(page)), "token": _token_of(message)})
    assert confirmed.status_code == 200 and f"{ADDRESS} is verified" in text(confirmed)
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is True

    # A second change of the same address in another case keeps it verified and sends nothing.
    api.patch("/users/me", as_=alice, json={"email": ADDRESS.upper()})
    tick()
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is True
    assert len(mail_server.messages) == 1


def test_a_changed_address_is_unverified_and_the_old_link_verifies_nothing(api, alice, mail_server, tick):
    verified(api, alice, ADDRESS, mail_server, tick)
    old_token = _token_of(mail_server.to(ADDRESS)[0])
    api.patch("/users/me", as_=alice, json={"email": "alice@work.example.com"})
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is False
    refused = api.post("/auth/verify-email", json={"token": old_token})
    assert refused.status_code == 401 and refused.json["code"] == "UNAUTHENTICATED"
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is False
    tick()
    assert len(mail_server.to("alice@work.example.com")) == 1


def test_a_link_expires(api, alice, mail_server, tick, clock):
    api.patch("/users/me", as_=alice, json={"email": ADDRESS})
    tick()
    clock.advance(hours=49)
    refused = api.post("/auth/verify-email", json={"token": _token_of(mail_server.to(ADDRESS)[0])})
    assert refused.status_code == 401 and "expired" in refused.json["message"]
    resent = api.post("/auth/resend-verification", as_=alice)
    assert resent.status_code == 200
    tick()
    assert api.post("/auth/verify-email", json={"token": _token_of(mail_server.to(ADDRESS)[-1])}).status_code == 200
    again = api.post("/auth/resend-verification", as_=alice)
    assert again.status_code == 409 and again.json["code"] == "EMAIL_ALREADY_VERIFIED"


@pytest.mark.parametrize("body, field", [
    ({"notification_preferences": {"rental.exploded": {"email": False}}}, "notification_preferences.rental.exploded"),
    ({"notification_preferences": {"rental.expired": {"sms": True}}}, "notification_preferences.rental.expired.sms"),
    ({"notification_preferences": {"rental.expired": {"email": "no"}}}, "notification_preferences.rental.expired.email"),
    ({"email": "not an address"}, "email"),
    ({"low_balance_threshold_cents": -1}, "low_balance_threshold_cents"),
    ({"alias": "  "}, "alias"),
])
def test_bad_settings_are_refused_and_nothing_changes(api, alice, mail_server, body, field):
    before = api.get("/users/me", as_=alice).json["data"]
    refused = api.patch("/users/me", as_=alice, json={"low_balance_threshold_cents": 500, **body})
    assert refused.status_code == 400 and refused.json["code"] == "VALIDATION_FAILED"
    assert any(detail["field"].startswith(field.split(".")[0]) for detail in refused.json["details"])
    assert api.get("/users/me", as_=alice).json["data"] == before


def test_an_address_of_another_account_is_refused(api, alice, make_user, mail_server):
    bob = make_user("bob")
    api.patch("/users/me", as_=bob, json={"email": ADDRESS})
    refused = api.patch("/users/me", as_=alice, json={"email": "Alice@Example.com", "alias": "Al"})
    assert refused.status_code == 409 and refused.json["code"] == "EMAIL_TAKEN"
    assert api.get("/users/me", as_=alice).json["data"]["alias"] == "Alice"


def test_preferences_are_merged_and_threshold_set(api, alice, mail_server):
    api.patch("/users/me", as_=alice, json={"notification_preferences": {"rental.expired": {"email": False}}})
    changed = api.patch("/users/me", as_=alice, json={
        "notification_preferences": {"rental.expired": {"in_app": False}, "rental.ended": {"email": False}},
        "low_balance_threshold_cents": 2500})
    preferences = changed.json["data"]["notification_preferences"]
    assert preferences["rental.expired"] == {"email": False, "in_app": False}
    assert preferences["rental.ended"] == {"email": False, "in_app": True}
    assert preferences["rental.ending_soon"] == {"email": True, "in_app": True}
    assert changed.json["data"]["low_balance_threshold_cents"] == 2500


# --- Notifications by email ----------------------------------------------------------------------

def test_a_reminder_is_emailed_with_both_parts_why_and_links_that_work(app, api, client, alice, server_id,
                                                                     mail_server, tick, clock):
    verified(api, alice, ADDRESS, mail_server, tick)
    rental_id = rent(api, alice, server_id)
    reminder_due(clock)
    tick()

    [message] = [m for m in mail_server.to(ADDRESS) if m["X-Servermarket-Event"] == "rental.ending_soon"]
    assert message["Subject"] == "node-us-nyc-1 ends in 3 days"
    assert message["From"] == "Servermarket <noreply@servers.example.com>"
    plain, html = text_of(message), html_of(message)
    assert "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC" in plain
    assert "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC" in html
    assert "because it is about your rental" in plain and "A rental is about to end" in plain
    rental_link, preferences_link = links_in(message)
    assert urlsplit(rental_link).path == f"/rentals/{rental_id}"
    assert f'href="{rental_link}"' in html and f'href="{preferences_link}"' in html
    log_in(client, "alice")
    assert client.get(urlsplit(rental_link).path).status_code == 200
    account_page = client.get(urlsplit(preferences_link).path)
    assert account_page.status_code == 200 and 'id="notifications"' in text(account_page)
    assert urlsplit(preferences_link).fragment == "notifications"


def test_an_unverified_address_gets_no_notification(app, api, alice, server_id, mail_server, tick, clock):
    api.patch("/users/me", as_=alice, json={"email": ADDRESS})
    rent(api, alice, server_id)
    reminder_due(clock)
    tick()
    assert [m["Subject"] for m in mail_server.to(ADDRESS)] == ["Verify your email address"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1  # in the app all the same


def test_preferences_choose_the_channels(app, api, alice, make_user, server_id, mail_server, tick, clock):
    bob = make_user("bob", balance_cents=1000_00)
    verified(api, alice, ADDRESS, mail_server, tick)
    verified(api, bob, "bob@example.com", mail_server, tick)
    api.patch("/users/me", as_=alice, json={"notification_preferences": {"rental.ending_soon": {"email": False}}})
    api.patch("/users/me", as_=bob, json={"notification_preferences": {"rental.ending_soon": {"in_app": False}}})
    rent(api, alice, server_id)
    other = make_servers(app, [server_record("node-us-nyc-2", prices={"7": "70.00"})])["node-us-nyc-2"]
    rent(api, bob, other)
    reminder_due(clock)
    tick()
    assert [m["Subject"] for m in mail_server.messages if m["X-Servermarket-Event"]] == ["node-us-nyc-2 ends in 3 days"]
    assert mail_server.messages[-1]["To"] == "bob@example.com"
    with app.app_context():
        in_app = db.session.execute(select(Notification.user_id, Notification.event)).all()
    assert in_app == [(alice.id, "rental.ending_soon")]


def test_each_message_is_sent_once_whatever_the_ticks_and_jobs(app, api, alice, server_id, mail_server, tick, clock):
    from core import jobs
    from services.mail import send_email

    verified(api, alice, ADDRESS, mail_server, tick)
    rent(api, alice, server_id)
    reminder_due(clock)
    tick()
    tick()
    notification = [d for d in deliveries(app) if d.event == "rental.ending_soon"]
    assert len(notification) == 1 and notification[0].sent_at is not None
    # The same job queued again, as a second worker or a retry would run it: nothing more is sent.
    with app.app_context():
        jobs.enqueue(send_email, notification[0].id)
    output = tick()
    assert "already sent" in output
    assert len([m for m in mail_server.messages if m["X-Servermarket-Event"]]) == 1


def test_a_mail_server_that_is_down_delays_the_email_and_undoes_nothing(app, api, alice, server_id, mail_server,
                                                                       tick, clock):
    verified(api, alice, ADDRESS, mail_server, tick)
    rental_id = rent(api, alice, server_id)
    mail_server.stop()
    reminder_due(clock)
    output = tick()
    assert "job services.mail.send_email: failed: ConnectionRefusedError" in output
    assert "retrying in 60 s" in output
    with app.app_context():  # what caused the email stands: the rental, its event, its notification
        assert db.session.get(Rental, rental_id) is not None
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    [delivery] = [d for d in deliveries(app) if d.event == "rental.ending_soon"]
    assert delivery.sent_at is None and "ConnectionRefusedError" in delivery.last_error

    mail_server.start()
    tick()  # the retry is not due yet
    assert len(mail_server.messages) == 1  # the verification only
    clock.advance(seconds=61)
    tick()
    tick()
    assert [m["X-Servermarket-Event"] for m in mail_server.messages] == [None, "rental.ending_soon"]
    [delivery] = [d for d in deliveries(app) if d.event == "rental.ending_soon"]
    assert delivery.sent_at is not None and delivery.attempts == 2 and delivery.last_error is None


def test_a_mail_server_down_for_good_ends_among_the_failed_jobs(app, api, client, make_user, alice, server_id,
                                                               mail_server, tick, clock):
    make_user("root", is_admin=True)
    verified(api, alice, ADDRESS, mail_server, tick)
    rent(api, alice, server_id)
    mail_server.stop()
    reminder_due(clock)
    for _ in range(10):
        tick()
        clock.advance(hours=3)
    log_in(client, "root")
    page = text(client.get("/admin/jobs"))
    assert "services.mail.send_email" in page and "ConnectionRefusedError" in page


# --- Without a mail server -----------------------------------------------------------------------

def test_without_smtp_url_notifications_stay_in_the_app_and_the_pages_say_so(app, api, client, alice, server_id,
                                                                              tick, clock):
    assert app.config["SMTP_URL"] is None
    api.patch("/users/me", as_=alice, json={"email": ADDRESS})
    assert api.get("/users/me", as_=alice).json["data"]["email_enabled"] is False
    refused = api.post("/auth/resend-verification", as_=alice)
    assert refused.status_code == 409 and refused.json["code"] == "EMAIL_NOT_CONFIGURED"
    rent(api, alice, server_id)
    reminder_due(clock)
    tick()
    assert deliveries(app) == []
    log_in(client, "alice")
    assert "This server does not send email: notifications are shown in the app only." in text(client.get("/account"))


# --- The account page ----------------------------------------------------------------------------

def test_the_account_page_sets_the_address_resends_the_link_and_saves_preferences(app, api, client, alice,
                                                                                  mail_server, tick):
    log_in(client, "alice")
    saved = post_form(client, "/account/email", {"email": ADDRESS}, form_page="/account")
    assert saved.status_code == 303
    page = text(client.get("/account"))
    assert "Not verified" in page and "Send the link again" in page
    assert post_form(client, "/account/verification", {}, form_page="/account").status_code == 303
    tick()
    assert [m["Subject"] for m in mail_server.to(ADDRESS)] == ["Verify your email address"] * 2

    form = {"rental.ending_soon:in_app": "on", "rental.expired:email": "on", "rental.expired:in_app": "on",
            "low_balance_threshold": "25.00"}
    assert post_form(client, "/account/notifications", form, form_page="/account").status_code == 303
    me = api.get("/users/me", as_=alice).json["data"]
    assert me["notification_preferences"]["rental.ending_soon"] == {"email": False, "in_app": True}
    assert me["notification_preferences"]["rental.expired"] == {"email": True, "in_app": True}
    assert me["notification_preferences"]["rental.ended"] == {"email": False, "in_app": False}
    assert me["low_balance_threshold_cents"] == 2500

    refused = post_form(client, "/account/notifications", {"low_balance_threshold": "lots"}, form_page="/account")
    assert refused.status_code == 422 and "amount of dollars" in text(refused)
    assert api.get("/users/me", as_=alice).json["data"]["low_balance_threshold_cents"] == 2500
    bad = post_form(client, "/account/email", {"email": "nope"}, form_page="/account")
    assert bad.status_code == 422 and "email address like" in text(bad) and 'value="nope"' in text(bad)
    assert api.get("/users/me", as_=alice).json["data"]["email"] == ADDRESS


def test_htmx_gets_the_section_and_a_plain_post_the_page(app, client, alice, mail_server):
    log_in(client, "alice")
    token = csrf_token(client, "/account")
    refused = client.post("/account/email", data={"email": "nope", "csrf_token": token}, headers=HTMX)
    assert refused.status_code == 422 and text(refused).lstrip().startswith("<section")
    assert 'id="account-email"' in text(refused) and "<html" not in text(refused)
    saved = client.post("/account/notifications", data={"csrf_token": token, "low_balance_threshold": "10"},
                        headers=HTMX)
    assert saved.status_code == 200 and 'id="notifications"' in text(saved) and "<html" not in text(saved)
    assert "Your notification settings are saved." in text(saved)  # the flash, out of band
    page = client.post("/account/email", data={"email": "nope", "csrf_token": token})
    assert page.status_code == 422 and "<html" in text(page) and 'id="notifications"' in text(page)


def test_verification_links_are_limited_so_no_stranger_is_mailed_again_and_again(api, alice, mail_server, tick,
                                                                                  clock):
    api.patch("/users/me", as_=alice, json={"email": "stranger@example.com"})
    for _ in range(4):
        clock.advance(minutes=1)
        assert api.post("/auth/resend-verification", as_=alice).status_code == 200
    refused = api.post("/auth/resend-verification", as_=alice)
    assert refused.status_code == 429 and refused.json["code"] == "RATE_LIMITED"
    assert refused.headers["Retry-After"] == str(56 * 60 + 1)
    tick()
    assert len(mail_server.to("stranger@example.com")) == 5
    # Another address is saved, but not mailed until the hour has passed.
    assert api.patch("/users/me", as_=alice, json={"email": "other@example.com"}).status_code == 200
    tick()
    assert mail_server.to("other@example.com") == []
    clock.advance(minutes=57)
    assert api.post("/auth/resend-verification", as_=alice).status_code == 200
    tick()
    assert len(mail_server.to("other@example.com")) == 1


def test_a_message_whose_worker_died_while_sending_is_sent_by_the_periodic_check(app, api, alice, mail_server,
                                                                                 tick, clock):
    from sqlalchemy import update

    from core.timeutil import utcnow

    api.patch("/users/me", as_=alice, json={"email": ADDRESS})
    # As a worker killed in the middle of the conversation leaves it: claimed, tried, not sent, not queued.
    with app.app_context():
        db.session.execute(update(EmailDelivery).values(attempts=1, claimed_until=utcnow() + timedelta(minutes=2)))
        db.session.commit()
        app.extensions["jobs"].huey.flush()
    tick()
    assert mail_server.messages == []  # still held
    clock.advance(minutes=3)
    assert "send_waiting_email: queued 1" in tick()
    assert [m["Subject"] for m in mail_server.to(ADDRESS)] == ["Verify your email address"]
    tick()
    assert len(mail_server.messages) == 1


def test_a_login_tells_the_caller_their_own_address_and_nobody_else_sees_it(api, team, mail_server):
    api.patch("/users/me", as_=team.admin, json={"email": "jane@example.com"})
    login = api.post("/users/auth/login", json={"username": "jane_admin", "password": PASSWORD})
    assert login.json["data"]["user"] == {"id": team.admin.id, "username": "jane_admin", "alias": "Jane Smith",
                                          "email": "jane@example.com", "email_verified": False}
    pool = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]
    assert {"id", "username", "alias"} == {key for member in pool["members"] for key in member["user"]}


def test_the_verify_page_refuses_a_bad_link_and_changes_nothing(app, api, client, alice, mail_server, tick):
    api.patch("/users/me", as_=alice, json={"email": ADDRESS})
    page = client.get("/verify-email?token=made-up")
    assert page.status_code == 200 and "Verify my email address" in text(page)
    refused = client.post("/verify-email", data={"csrf_token": csrf_from(text(page)), "token": "made-up"})
    assert refused.status_code == 400 and "not valid or has expired" in text(refused)
    assert api.get("/users/me", as_=alice).json["data"]["email_verified"] is False
