"""Browser sessions live on the server: logging out ends the session and its remember-me cookie for
whoever holds a copy, every login has cookies of its own, and no login lasts beyond 30 days."""
from datetime import datetime, timedelta, timezone

import pytest
from flask_login.utils import encode_cookie

from core.limits import LOGIN_SESSION_DAYS
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"
ADDRESS = "198.51.100.23"


def remember_me(client, username="alice"):
    response = client.post("/login", data={"username": username, "password": PASSWORD, "remember": "y",
                                           "csrf_token": csrf_token(client)},
                           headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": ADDRESS})
    assert response.status_code == 303
    return response


def log_out(client):
    response = post_form(client, "/logout", {}, form_page="/")
    assert response.status_code == 303


def holding(app, **cookies):
    """A second browser holding copies of the given cookies, and nothing else."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="localhost")
    return other


def logged_in(client) -> bool:
    response = client.get("/tokens")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, client, make_user):
    make_user("alice")
    log_in(client, "alice")
    copy = holding(app, session=client.get_cookie("session").value)
    assert logged_in(copy)

    log_out(client)

    assert not logged_in(copy)
    assert not logged_in(client)


def test_a_remember_cookie_copied_before_logout_does_not_work_after_it(app, client, make_user):
    make_user("alice")
    remember_me(client)
    remembered = client.get_cookie("remember_token").value
    assert logged_in(holding(app, remember_token=remembered))  # the cookie alone logs a browser in

    log_out(client)

    assert not logged_in(holding(app, remember_token=remembered))


def test_logout_clears_the_remember_cookie_in_the_browser_too(client, make_user):
    make_user("alice")
    remember_me(client)
    log_out(client)
    assert client.get_cookie("remember_token") is None
    assert not logged_in(client)


def test_each_login_has_a_remember_cookie_of_its_own(app, make_user):
    make_user("alice")
    first, second = app.test_client(), app.test_client()
    remember_me(first)
    remember_me(second)
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value
    log_out(first)
    assert logged_in(second)  # logging out in one browser leaves the others logged in


def test_remember_me_lasts_thirty_days_in_the_browser(client, make_user):
    make_user("alice")
    before = datetime.now(timezone.utc)
    remember_me(client)
    expires = client.get_cookie("remember_token").expires
    assert LOGIN_SESSION_DAYS == 30
    assert before + timedelta(days=30) - timedelta(minutes=1) <= expires <= datetime.now(timezone.utc) + timedelta(days=30)


def test_remember_me_ends_on_the_server_after_thirty_days(app, client, make_user, clock):
    make_user("alice")
    remember_me(client)
    remembered = client.get_cookie("remember_token").value
    clock.advance(days=30, seconds=-1)
    assert logged_in(holding(app, remember_token=remembered))
    clock.advance(seconds=2)
    assert not logged_in(holding(app, remember_token=remembered))
    assert not logged_in(client)


def test_a_session_without_remember_me_also_ends_after_thirty_days(client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    clock.advance(days=29)
    assert logged_in(client)
    clock.advance(days=1, seconds=1)
    assert not logged_in(client)


def test_an_ended_session_sends_htmx_to_the_login_page(app, client, make_user):
    make_user("alice")
    log_in(client, "alice")
    copy = holding(app, session=client.get_cookie("session").value)
    log_out(client)
    response = copy.get("/tokens", headers=HTMX)
    assert response.headers["HX-Redirect"] == "/login?next=/tokens"


@pytest.mark.parametrize("cookie", ["", "not-a-session", "0123456789abcdef01234567.guess", "x" * 4000])
def test_a_forged_remember_cookie_is_nobody(app, make_user, cookie):
    make_user("alice")
    assert not logged_in(holding(app, remember_token=cookie))


def signed(app, value: str) -> str:
    """A remember cookie for ``value`` signed with the app's key, as only the server can make one."""
    with app.test_request_context():
        return encode_cookie(value)


def test_a_signed_cookie_naming_a_live_session_with_a_wrong_secret_is_nobody(app, client, runner, make_user):
    make_user("alice")
    remember_me(client)
    session_id = sessions_of(runner, "alice")[0]["id"]
    assert not logged_in(holding(app, remember_token=signed(app, f"{session_id}.{'A' * 43}")))
    assert not logged_in(holding(app, remember_token=signed(app, session_id)))


def test_a_signed_cookie_with_the_bare_user_id_is_nobody(app, make_user):
    alice = make_user("alice")
    assert not logged_in(holding(app, remember_token=signed(app, alice.id)))


# --- What a session records (``flask users sessions``) ------------------------------------------

def sessions_of(runner, username: str) -> list[dict]:
    result = runner.invoke(args=["users", "sessions", username])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    return [dict(zip(header.split("\t"), row.split("\t"))) for row in rows]


def test_sessions_record_the_address_the_browser_and_the_kind(runner, client, app, make_user, clock):
    make_user("alice")
    remember_me(client)
    clock.advance(minutes=1)
    other = app.test_client()
    log_in(other, "alice")
    listed = sessions_of(runner, "alice")
    assert [(s["ip"], s["user_agent"], s["remember"]) for s in listed] == [
        ("127.0.0.1", "Werkzeug/3.1.9", "no"),  # the most recent first
        (ADDRESS, BROWSER, "yes"),
    ]
    remembered = listed[1]
    assert remembered["created_at"] == remembered["last_seen_at"] == "2025-01-21T22:00:00.000Z"
    assert remembered["expires_at"] == "2025-02-20T22:00:00.000Z"


def test_last_use_is_kept_to_the_nearest_minute(runner, client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    clock.advance(seconds=50)
    assert logged_in(client)
    assert sessions_of(runner, "alice")[0]["last_seen_at"] == "2025-01-21T22:00:00.000Z"  # no write per request
    clock.advance(seconds=20)
    assert logged_in(client)
    assert sessions_of(runner, "alice")[0]["last_seen_at"] == "2025-01-21T22:01:10.000Z"


def test_ended_sessions_are_not_listed(runner, client, make_user):
    make_user("alice")
    log_in(client, "alice")
    assert len(sessions_of(runner, "alice")) == 1
    log_out(client)
    assert sessions_of(runner, "alice") == []


def test_registering_opens_a_session_that_logout_ends(app, client):
    response = post_form(client, "/register", {"username": "carol", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303
    copy = holding(app, session=client.get_cookie("session").value)
    assert logged_in(copy)
    log_out(client)
    assert not logged_in(copy)
    assert "You have been logged out" in text(client.get("/login"))
