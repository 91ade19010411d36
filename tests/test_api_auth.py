"""Login, bearer tokens and the envelope that every /api/ answer, errors included, comes in."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.users import PASSWORD


def test_login_returns_a_token_that_works(api, make_user):
    make_user("alice", alias="Alice A.")
    response = api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert body["statusCode"] == 200 and body["message"] == "Login successful"
    data = body["data"]
    assert set(data) == {"token", "expires_at", "user"}  # no refreshToken: the client would try to refresh
    assert data["user"]["username"] == "alice" and data["user"]["alias"] == "Alice A."
    expires = datetime.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(days=30))) < timedelta(minutes=1)
    listed = api.get("/pools", headers={"Authorization": f"Bearer {data['token']}"})
    assert listed.status_code == 200


def test_login_is_case_insensitive_on_the_username(api, make_user):
    make_user("Alice")
    assert api.post("/users/auth/login", json={"username": "aLICE", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("username, password", [("alice", "wrong-password"), ("nobody", PASSWORD)])
def test_bad_credentials_are_401_with_one_message(api, make_user, username, password):
    make_user("alice")
    response = api.post("/users/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json == {"statusCode": 401, "message": "Invalid username or password", "error": "Unauthorized",
                             "code": "UNAUTHENTICATED"}


@pytest.mark.parametrize("body, field", [({}, "username"), ({"username": "alice"}, "password"),
                                         ({"username": 5, "password": "x"}, "username")])
def test_login_validates_its_body(api, body, field):
    response = api.post("/users/auth/login", json=body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.json["details"]]


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic YWxpY2U6cGFzcw=="},
    {"Authorization": "Bearer not-a-real-token"},
])
def test_missing_or_bad_credentials_are_401(api, headers):
    response = api.get("/pools", headers=headers)
    assert response.status_code == 401
    assert response.json["statusCode"] == 401 and response.json["error"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(app, api, make_user):
    from core.extensions import db
    from models import ApiToken, User
    from services import tokens

    alice = make_user("alice")
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == alice.id))
        tokens.revoke_token(db.session.get(User, alice.id), token_id)
    response = api.get("/pools", as_=alice)
    assert response.status_code == 401
    assert response.json["message"] == "Invalid, expired or revoked token"


def test_an_expired_token_is_refused(app, api, make_user):
    from core.extensions import db
    from models import ApiToken

    alice = make_user("alice")
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == alice.id))
        token.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    assert api.get("/pools", as_=alice).status_code == 401


def test_tokens_are_stored_hashed(app, make_user):
    from core.extensions import db
    from models import ApiToken

    alice = make_user("alice")
    with app.app_context():
        stored = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == alice.id))
        assert alice.token not in (stored.token_hash, stored.prefix)
        assert len(stored.token_hash) == 64


def test_a_session_cookie_does_not_authenticate_the_api(client, make_user):
    alice = make_user("alice")
    with client.session_transaction() as session:  # logged in to the pages, as Flask-Login records it
        session["_user_id"] = alice.id
        session["_fresh"] = True
    assert client.get("/api/v1/pools").status_code == 401


def test_unknown_api_paths_answer_404_in_the_envelope(api, make_user):
    alice = make_user("alice")
    response = api.get("/no/such/thing", as_=alice)
    assert response.status_code == 404
    assert response.is_json
    assert response.json == {"statusCode": 404, "message": "Cannot GET /api/v1/no/such/thing: no such endpoint",
                             "error": "Not Found", "code": "NOT_FOUND"}


def test_wrong_method_is_405_in_the_envelope(api, make_user):
    alice = make_user("alice")
    response = api.post("/pools/invitations/pending", as_=alice)
    assert response.status_code == 405
    assert response.json["statusCode"] == 405 and response.json["error"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_failure_is_500_in_the_envelope(app, make_user, monkeypatch):
    from services import pools

    def explode(*args, **kwargs):
        raise RuntimeError("simulated failure")

    alice = make_user("alice")
    monkeypatch.setattr(pools, "list_pools", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/pools", headers=alice.headers)
    assert response.status_code == 500
    assert response.json == {"statusCode": 500, "message": "Internal server error", "error": "Internal Server Error",
                             "code": "INTERNAL_ERROR"}


def test_bodyless_posts_with_a_json_content_type_are_fine(api, team):
    response = api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee,
                        headers={"Content-Type": "application/json"}, data="")
    assert response.status_code == 200


def test_gets_and_deletes_with_a_json_content_type_and_no_body_are_fine(api, team):
    headers = {"Content-Type": "application/json"}
    assert api.get("/pools", as_=team.owner, headers=headers).status_code == 200
    assert api.delete(f"/pools/{team.pool_id}", as_=team.owner, headers=headers).status_code == 200
