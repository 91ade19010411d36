"""Sessions and the account's security through the API: logout ends the calling token, /users/auth/me,
the password change (published PUT /users/{id}), and the security history."""
import pytest

from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import log_in

NEW_PASSWORD = "a-brand-new-passphrase"
ADDRESS = "198.51.100.23"


def api_login(api, username="alice", password=PASSWORD, address="127.0.0.1") -> dict:
    response = api.post("/users/auth/login", json={"username": username, "password": password},
                        environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['data']['token']}"}


def token_works(api, headers) -> bool:
    return api.get("/users/me", headers=headers).status_code == 200


def browser(app, username="alice"):
    client = app.test_client()
    log_in(client, username)
    return client


def logged_in(client) -> bool:
    return client.get("/tokens").status_code == 200


# --- Logout and who am I -------------------------------------------------------------------------

def test_logout_revokes_the_calling_token_and_no_other(api, make_user):
    alice = make_user("alice")
    first, second = api_login(api), api_login(api)

    response = api.post("/users/auth/logout", headers=first)

    assert response.status_code == 200
    assert response.json == {"statusCode": 200, "message": "Logout successful", "data": {"success": True}}
    assert api.get("/users/auth/me", headers=first).status_code == 401
    assert api.post("/users/auth/logout", headers=first).status_code == 401  # it is gone for good
    assert token_works(api, second)
    assert token_works(api, alice.headers)


def test_logout_with_a_named_token_revokes_it(api, make_user):
    alice = make_user("alice")
    assert api.post("/users/auth/logout", as_=alice).status_code == 200
    assert not token_works(api, alice.headers)


def test_logout_needs_a_token(api):
    response = api.post("/users/auth/logout")
    assert response.status_code == 401
    assert response.json["code"] == "UNAUTHENTICATED"


def test_auth_me_is_the_same_as_users_me(api, make_user):
    alice = make_user("alice", alias="Alice A.")
    me = api.get("/users/auth/me", as_=alice)
    assert me.status_code == 200
    assert me.json["data"] == api.get("/users/me", as_=alice).json["data"]
    assert me.json["data"]["alias"] == "Alice A."


# --- The password --------------------------------------------------------------------------------

def test_a_password_change_signs_out_everywhere_but_the_calling_token(app, api, make_user):
    alice = make_user("alice")
    calling, other = api_login(api), api_login(api)
    home = browser(app)

    response = api.put(f"/users/{alice.id}", headers=calling,
                       json={"current_password": PASSWORD, "password": NEW_PASSWORD})

    assert response.status_code == 200, response.json
    assert response.json["data"] == {"sessions_ended": 1, "login_tokens_revoked": 1}
    assert token_works(api, calling)
    assert not token_works(api, other)
    assert token_works(api, alice.headers)  # named tokens are kept by people for tools
    assert not logged_in(home)
    assert api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 401
    api_login(api, password=NEW_PASSWORD)


def test_patch_changes_the_password_too(api, make_user):
    alice = make_user("alice")
    response = api.patch(f"/users/{alice.id}", as_=alice, json={"current_password": PASSWORD,
                                                                "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert response.json["data"] == {"sessions_ended": 0, "login_tokens_revoked": 0}
    api_login(api, password=NEW_PASSWORD)


@pytest.mark.parametrize("body, field", [
    ({"current_password": "wrong-password", "password": NEW_PASSWORD}, "current_password"),
    ({"current_password": PASSWORD, "password": "short"}, "password"),
    ({"current_password": PASSWORD}, "password"),
    ({"password": NEW_PASSWORD}, "current_password"),
    ({"current_password": PASSWORD, "password": 12345678}, "password"),
])
def test_a_refused_password_change_is_a_400_naming_the_field_and_changes_nothing(app, api, make_user, body, field):
    alice = make_user("alice")
    other = api_login(api)
    with database_unchanged(app):
        response = api.put(f"/users/{alice.id}", as_=alice, json=body)
    assert response.status_code == 400
    assert response.json["code"] == "VALIDATION_FAILED"
    assert [detail["field"] for detail in response.json["details"]] == [field]
    assert token_works(api, other)


def test_nobody_changes_another_users_password(app, api, make_user):
    make_user("alice")
    bob = make_user("bob", is_admin=True)
    alice_id = api.get("/users/auth/me", headers=api_login(api)).json["data"]["id"]
    with database_unchanged(app):
        response = api.put(f"/users/{alice_id}", as_=bob, json={"current_password": PASSWORD,
                                                                "password": NEW_PASSWORD})
    assert response.status_code == 403
    assert response.json["code"] == "FORBIDDEN"
    api_login(api)  # alice's password is as it was


def test_a_malformed_user_id_is_a_400(api, make_user):
    alice = make_user("alice")
    response = api.put("/users/not-an-id", as_=alice, json={"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json["details"][0]["field"] == "id"


def test_wrong_current_passwords_are_rate_limited_per_user_like_logins(api, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    wrong = {"current_password": "wrong-password", "password": NEW_PASSWORD}
    for _ in range(10):
        assert api.put(f"/users/{alice.id}", as_=alice, json=wrong).status_code == 400
    limited = api.put(f"/users/{alice.id}", as_=alice, json=wrong)
    assert limited.status_code == 429
    assert limited.json["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0
    assert api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 429
    # Another account's budget is its own.
    assert api.put(f"/users/{bob.id}", as_=bob, json=wrong).status_code == 400


# --- The security history ------------------------------------------------------------------------

def events(response) -> list[tuple[str, str, str | None]]:
    assert response.status_code == 200, response.json
    return [(event["event"], event["outcome"], event["ip_address"]) for event in response.json["data"]]


def test_the_history_lists_logins_and_on_request_failures_and_other_changes(api, make_user, clock):
    alice = make_user("alice")
    make_user("bob")
    api.post("/users/auth/login", json={"username": "alice", "password": "guess-guess"},
             environ_base={"REMOTE_ADDR": ADDRESS})
    api.post("/users/auth/login", json={"username": "bob", "password": "guess-guess"})
    clock.advance(minutes=1)
    token = api_login(api, address=ADDRESS)
    clock.advance(minutes=1)
    api.post("/users/auth/logout", headers=token)

    assert events(api.get("/users/me/security-history", as_=alice)) == [("login.succeeded", "success", ADDRESS)]
    assert events(api.get("/users/me/security-history?include_failed=true", as_=alice)) == [
        ("login.succeeded", "success", ADDRESS), ("login.failed", "failed", ADDRESS)]
    everything = api.get("/users/me/security-history?include_failed=1&include_security=TRUE", as_=alice)
    # Newest first; what happened at one time (a login and its token, a logout and its token) in any order.
    times = [event["created_at"] for event in everything.json["data"]]
    assert times == sorted(times, reverse=True)
    assert times[0] == "2025-01-21T22:02:00.000Z"
    assert sorted(events(everything), key=str) == sorted([
        ("logout", "success", "127.0.0.1"), ("token.revoked", "success", "127.0.0.1"),
        ("token.created", "success", ADDRESS), ("login.succeeded", "success", ADDRESS),
        ("login.failed", "failed", ADDRESS), ("token.created", "success", None)], key=str)
    assert everything.headers["X-Total-Count"] == "6"


def test_the_history_is_paged(api, make_user):
    alice = make_user("alice")
    for _ in range(3):
        api_login(api)
    response = api.get("/users/me/security-history?limit=2&offset=1", as_=alice)
    assert len(events(response)) == 2
    assert response.headers["X-Total-Count"] == "3"


@pytest.mark.parametrize("query", ["include_failed=maybe", "include_security=2", "limit=0", "offset=-1"])
def test_a_bad_history_filter_is_a_400(api, make_user, query):
    alice = make_user("alice")
    response = api.get(f"/users/me/security-history?{query}", as_=alice)
    assert response.status_code == 400
    assert response.json["code"] == "VALIDATION_FAILED"
