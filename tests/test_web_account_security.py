"""The account page's security sections: the sessions (each signed out on its own, or all the others),
changing the password, and the security history."""
import pytest

from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
HOME, OFFICE = "198.51.100.23", "203.0.113.7"
NEW_PASSWORD = "a-brand-new-passphrase"


def browser(app, username="alice", user_agent=CHROME, address=HOME, password=PASSWORD):
    """A browser logged in as ``username`` with its own User-Agent and address."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    log_in(client, username, password)
    return client


def logged_in(client) -> bool:
    response = client.get("/tokens")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def session_rows(response) -> list[dict]:
    rows = parse(text(response)).by_id("account-sessions").find("tbody").find_all("tr")
    return [{"id": row.attrs["id"].removeprefix("session-"), "browser": row.find("td").text(),
             "cells": [cell.text() for cell in row.find_all("td")],
             "sign_out": row.find("form")} for row in rows]


def api_login(api, username="alice", password=PASSWORD) -> dict:
    response = api.post("/users/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['data']['token']}"}


def token_works(api, headers) -> bool:
    return api.get("/users/me", headers=headers).status_code == 200


# --- Sessions ------------------------------------------------------------------------------------

def test_the_account_page_lists_each_session_with_its_browser_address_and_last_use(app, make_user, clock):
    make_user("alice")
    office = browser(app, user_agent=FIREFOX, address=OFFICE)
    clock.advance(minutes=5)
    home = browser(app)
    clock.advance(seconds=20)
    assert logged_in(office)  # used again: it moves to the top
    clock.advance(seconds=20)

    rows = session_rows(home.get("/account"))

    assert [row["cells"][:2] for row in rows] == [["Firefox on Windows", OFFICE], ["Chrome on Linux This browser", HOME]]
    assert [row["cells"][2:4] for row in rows] == [["21 Jan 2025, 22:00", "21 Jan 2025, 22:05"],  # logged in, last used
                                                  ["21 Jan 2025, 22:05", "21 Jan 2025, 22:05"]]
    assert rows[1]["sign_out"] is None  # this browser logs out with "Log out", not from the list
    assert rows[0]["sign_out"].attrs["hx-target"] == "#account-sessions"


def test_signing_out_a_session_logs_that_browser_out_on_its_next_request(app, make_user):
    make_user("alice")
    home, office = browser(app), browser(app, user_agent=FIREFOX, address=OFFICE)
    [other] = [row for row in session_rows(home.get("/account")) if row["sign_out"] is not None]

    response = post_form(home, f"/account/sessions/{other['id']}/revoke", {}, form_page="/account", headers=HTMX)

    assert response.status_code == 200
    answer = parse(text(response))  # the section alone, with the news out of band
    assert "Firefox" not in answer.by_id("account-sessions").text()
    assert "Signed out a session" in answer.by_id("account-history").text()
    assert "Signed out Firefox on Windows." in text(response)
    assert not logged_in(office)
    assert logged_in(home)


def test_signing_out_a_session_without_htmx_goes_back_to_the_account_page(app, make_user):
    make_user("alice")
    home, office = browser(app), browser(app, user_agent=FIREFOX, address=OFFICE)
    [other] = [row for row in session_rows(home.get("/account")) if row["sign_out"] is not None]
    response = post_form(home, f"/account/sessions/{other['id']}/revoke", {}, form_page="/account")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    page = home.get("/account")
    assert "Signed out Firefox on Windows." in text(page)
    assert len(session_rows(page)) == 1
    assert not logged_in(office)


@pytest.mark.parametrize("headers", [HTMX, {}])
def test_nobody_signs_out_someone_elses_session(app, make_user, headers):
    make_user("alice")
    make_user("bob")
    bob = browser(app, "bob")
    alice = browser(app)
    [bobs] = session_rows(bob.get("/account"))
    token = csrf_token(alice, "/account")
    with database_unchanged(app):
        response = alice.post(f"/account/sessions/{bobs['id']}/revoke", data={"csrf_token": token}, headers=headers)
        response = alice.get(response.headers["Location"]) if response.status_code == 303 else response
        assert "Session not found" in text(response)
        if headers:
            assert response.headers["HX-Reswap"] == "none"
    assert logged_in(bob)


def test_signing_out_all_other_sessions_also_revokes_the_api_logins_but_not_named_tokens(app, api, make_user):
    alice = make_user("alice")
    home, office, laptop = browser(app), browser(app, address=OFFICE), browser(app, user_agent=FIREFOX)
    script = api_login(api)

    response = post_form(home, "/account/sessions/others/revoke", {}, form_page="/account", headers=HTMX)

    assert response.status_code == 200
    assert "Signed out 2 other sessions and 1 API login." in text(response)
    assert [row["browser"] for row in session_rows(response)] == ["Chrome on Linux This browser"]
    assert not logged_in(office) and not logged_in(laptop)
    assert logged_in(home)
    assert not token_works(api, script)
    assert token_works(api, alice.headers)  # a named token is kept by a person for a tool


def test_signing_out_all_others_without_htmx_answers_with_the_page(app, make_user):
    make_user("alice")
    home, office = browser(app), browser(app, address=OFFICE)
    response = post_form(home, "/account/sessions/others/revoke", {}, form_page="/account")
    assert response.status_code == 303
    assert "Signed out 1 other session." in text(home.get("/account"))
    assert not logged_in(office)


def test_the_sessions_section_is_a_fragment_for_htmx_and_a_page_otherwise(app, make_user):
    make_user("alice")
    home, office = browser(app), browser(app, address=OFFICE)
    response = post_form(home, "/account/sessions/others/revoke", {}, form_page="/account", headers=HTMX)
    assert "<html" not in text(response)
    assert "<html" in text(home.get("/account"))


# --- The password --------------------------------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None, headers=HTMX):
    return post_form(client, "/account/password",
                     {"current_password": current, "password": new, "confirm": new if confirm is None else confirm},
                     form_page="/account", headers=headers)


def test_a_password_change_signs_out_every_other_session_and_the_api_logins(app, api, make_user):
    alice = make_user("alice")
    home, office = browser(app), browser(app, address=OFFICE)
    script = api_login(api)

    response = change_password(home)

    assert response.status_code == 200
    assert "Your password is changed. Signed out 1 other session and 1 API login." in text(response)
    answer = parse(text(response))
    assert answer.by_id("account-sessions").attrs["hx-swap-oob"] == "true"
    assert answer.by_id("account-history").attrs["hx-swap-oob"] == "true"
    assert "Password changed" in answer.by_id("account-history").text()
    assert "hx-swap-oob" not in answer.by_id("account-password").attrs
    assert logged_in(home)  # where it was changed carries on
    assert not logged_in(office)
    assert not token_works(api, script)
    assert token_works(api, alice.headers)
    assert api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 401
    assert api.post("/users/auth/login", json={"username": "alice", "password": NEW_PASSWORD}).status_code == 200


def test_a_password_change_without_htmx_goes_back_to_the_account_page(app, make_user):
    make_user("alice")
    home = browser(app)
    response = change_password(home, headers={})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    assert "Your password is changed." in text(home.get("/account"))
    assert logged_in(browser(app, password=NEW_PASSWORD))


@pytest.mark.parametrize("current, new, confirm, field, message", [
    ("wrong-password", NEW_PASSWORD, None, "current_password", "Is not your current password"),
    (PASSWORD, "short", None, "password", "Must be at least 8 characters"),
    (PASSWORD, NEW_PASSWORD, "something-else", "confirm", "Passwords do not match"),
])
@pytest.mark.parametrize("headers", [HTMX, {}])
def test_a_refused_password_change_says_why_beside_the_field_and_changes_nothing(
        app, make_user, current, new, confirm, field, message, headers):
    make_user("alice")
    home, office = browser(app), browser(app, address=OFFICE)
    csrf = csrf_token(home, "/account")
    with database_unchanged(app):
        response = home.post("/account/password", headers=headers, data={
            "current_password": current, "password": new, "confirm": new if confirm is None else confirm,
            "csrf_token": csrf})
    assert response.status_code == 422
    page = parse(text(response))
    assert page.by_id(f"{field}-error").text().startswith(message)
    assert ("<html" in text(response)) == (not headers)  # the section for htmx, the page otherwise
    assert logged_in(office)


def test_wrong_current_passwords_count_as_login_attempts(app, make_user):
    make_user("alice")
    home = browser(app)  # one attempt of the ten a minute
    for _ in range(9):
        assert change_password(home, current="wrong-password").status_code == 422
    response = change_password(home, current="wrong-password")
    assert response.status_code == 429
    assert "Too many attempts. Try again in" in text(response)
    response = browser_login_attempt(app)
    assert response.status_code == 429  # the login page shares the count


def browser_login_attempt(app):
    client = app.test_client()
    return post_form(client, "/login", {"username": "alice", "password": PASSWORD})


# --- The security history ------------------------------------------------------------------------

def history_rows(response) -> list[list[str]]:
    table = parse(text(response)).by_id("account-history").find("tbody")
    return [[cell.text() for cell in row.find_all("td")] for row in table.find_all("tr")]


def test_the_history_shows_logins_failures_tokens_sessions_and_password_changes(app, make_user, clock):
    make_user("alice")
    make_user("bob")
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = OFFICE
    post_form(stranger, "/login", {"username": "alice", "password": "guess-1234"})
    post_form(stranger, "/login", {"username": "bob", "password": "guess-1234"})  # bob's, not alice's
    clock.advance(minutes=1)
    home = browser(app)
    clock.advance(minutes=1)
    browser(app, address=OFFICE)
    clock.advance(minutes=1)
    post_form(home, "/tokens", {"name": "deploy", "lifetime": "30"}, form_page="/tokens")
    clock.advance(minutes=1)
    change_password(home)

    rows = history_rows(home.get("/account"))

    # Newest first; what happened at one time (one change, or the same minute) in any order.
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), reverse=True)
    assert sorted(rows) == sorted([
        ["21 Jan 2025, 22:04", "Password changed", HOME],
        ["21 Jan 2025, 22:04", "Signed out every other session", HOME],
        ["21 Jan 2025, 22:03", "Token created: “deploy”", HOME],
        ["21 Jan 2025, 22:02", "Logged in", OFFICE],
        ["21 Jan 2025, 22:01", "Logged in", HOME],
        ["21 Jan 2025, 22:00", "Login refused: wrong password", OFFICE],
        ["21 Jan 2025, 22:00", "Token created: “tests”", "Unknown"],  # the fixture's, made without a request
    ])


def test_the_history_is_paged_as_a_fragment_for_htmx_and_a_page_otherwise(app, api, make_user, clock):
    make_user("alice")
    home = browser(app)
    for _ in range(8):  # a login and the token it makes, each time
        clock.advance(minutes=1)
        api_login(api)
    for _ in range(5):
        clock.advance(minutes=1)
        post_form(home, "/tokens", {"name": "deploy", "lifetime": "30"}, form_page="/tokens")
    first = home.get("/account")
    assert len(history_rows(first)) == 20
    pager = parse(text(first)).by_id("account-history").find("a", rel="next")
    assert pager.attrs["href"] == "/account/history?offset=20"
    assert pager.attrs["hx-target"] == "#account-history"

    fragment = home.get(pager.attrs["href"], headers=HTMX)
    assert "<html" not in text(fragment)
    assert len(history_rows(fragment)) == 3  # 8 API logins, 5 tokens, a page login and the fixture's token
    assert "HX-Request" in fragment.headers["Vary"]
    page = home.get(pager.attrs["href"])
    assert "<html" in text(page) and history_rows(page) == history_rows(fragment)
