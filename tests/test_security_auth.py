"""Every API endpoint needs a live bearer token: none, a malformed one, a revoked one or an expired one is a 401;
and a token without the permission the endpoint declares is a 403 naming it.

The endpoints are read from the app's URL map, so an endpoint added later is covered without a change here.
"""
import pytest
from sqlalchemy import select

from core.extensions import db
from models import ApiToken
from services import permissions
from services.permissions import LEAVES
from tests.routes import SOME_ID, api_calls, declared_permissions
from tests.users import PASSWORD
from tests.web_helpers import csrf_token, log_in

def refusals(client, app, headers) -> list[str]:
    """Every protected call that did not answer 401 in the envelope with a WWW-Authenticate challenge."""
    wrong = []
    for method, path in api_calls(app, public=False):
        response = client.open(path, method=method, headers=headers, json={} if method != "GET" else None)
        body = response.get_json(silent=True) or {}
        if (response.status_code != 401 or body.get("statusCode") != 401 or "data" in body
                or not body.get("message") or "WWW-Authenticate" not in response.headers):
            wrong.append(f"{method} {path} -> {response.status_code}")
    return wrong


def test_the_url_map_has_the_endpoints_to_check(app):
    calls = api_calls(app, public=False)
    assert ("GET", "/api/v1/pools") in calls
    assert ("POST", f"/api/v1/rentals/{SOME_ID}/extend") in calls
    assert ("GET", f"/api/v1/pools/{SOME_ID}/audit") in calls
    assert not any(path == "/api/v1/users/auth/login" for _, path in calls)


@pytest.mark.parametrize("authorization", [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Basic YWxpY2U6cGFzc3dvcmQ=",
    "Token srv_abc",
    "Bearer srv_not-a-real-token",
    "Bearer " + "x" * 5000,
    "Bearer '; DROP TABLE api_tokens; --",
])
def test_every_endpoint_refuses_a_missing_or_bad_token(app, client, make_user, authorization):
    make_user("alice")
    headers = {} if authorization is None else {"Authorization": authorization}
    assert refusals(client, app, headers) == []


def test_every_endpoint_refuses_a_revoked_token(app, client, make_user):
    alice = make_user("alice")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == alice.id))
    log_in(client, "alice")
    client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/tokens")})
    anonymous = app.test_client()
    assert refusals(anonymous, app, alice.headers) == []


def test_every_endpoint_refuses_an_expired_token(app, client, make_user, clock):
    alice = make_user("alice")  # the token lasts 30 days
    assert client.get("/api/v1/pools", headers=alice.headers).status_code == 200
    clock.advance(days=30, seconds=1)
    assert refusals(client, app, alice.headers) == []


def test_a_browser_session_does_not_authenticate_the_api(client, make_user):
    """The API is exempt from CSRF because cookies never authenticate it."""
    make_user("alice")
    log_in(client, "alice")
    assert client.get("/api/v1/pools").status_code == 401
    assert client.post("/api/v1/pools", json={"name": "Forged"}).status_code == 401


def test_wrong_password_and_unknown_user_look_the_same(client, make_user):
    make_user("alice")
    wrong_password = client.post("/api/v1/users/auth/login", json={"username": "alice", "password": "nope-nope"})
    unknown_user = client.post("/api/v1/users/auth/login", json={"username": "nobody", "password": "nope-nope"})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json == unknown_user.json
    assert wrong_password.json["message"] == "Invalid username or password"
    right = client.post("/api/v1/users/auth/login", json={"username": "alice", "password": PASSWORD})
    assert right.status_code == 200


def test_every_endpoint_refuses_a_token_without_the_permission_it_declares(app, client, make_user):
    """For each call, a token with every permission but the one its endpoint declares gets 403 naming it (an
    administrator's, so that the admin endpoints are checked too)."""
    alice = make_user("root", is_admin=True)
    calls = declared_permissions(app)
    wrong = []
    lacking: dict[str, dict] = {}
    for method, path, needed in calls:
        if needed is None:
            continue
        missing = needed if needed in LEAVES else "financial.wallet.transfer"  # full access: any leaf missing
        if missing not in lacking:
            tree = permissions.tree(set(LEAVES) - {missing})
            made = client.post("/api/v1/auth/tokens", headers=alice.headers, json={"alias": missing,
                                                                                  "permissions": tree})
            assert made.status_code == 201, made.get_json()
            lacking[missing] = {"Authorization": f"Bearer {made.get_json()['data']['token']}"}
        response = client.open(path, method=method, headers=lacking[missing], json={} if method != "GET" else None)
        body = response.get_json(silent=True) or {}
        if response.status_code != 403 or body.get("code") != "TOKEN_PERMISSION_DENIED" \
                or body["details"][0]["permission"] != needed:
            wrong.append(f"{method} {path} -> {response.status_code} {body.get('code')}")
    assert wrong == []
    assert {needed for _, _, needed in calls} >= {"projects.read", "financial.server_rental.rent_servers", None}


def test_an_endpoint_open_to_any_token_takes_the_narrowest(app, client, make_user):
    alice = make_user("alice")
    made = client.post("/api/v1/auth/tokens", headers=alice.headers, json={"alias": "nothing", "permissions": {}})
    narrowest = {"Authorization": f"Bearer {made.get_json()['data']['token']}"}
    open_to_any = [(method, path) for method, path, needed in declared_permissions(app) if needed is None]
    open_to_any.sort(key=lambda call: call[1].endswith("/users/auth/logout"))  # logging out ends the token: last
    assert ("GET", "/api/v1/auth/tokens/me") in open_to_any
    assert [client.open(path, method=method, headers=narrowest).status_code for method, path in open_to_any] == \
        [200] * len(open_to_any)
