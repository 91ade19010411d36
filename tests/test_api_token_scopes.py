"""Scoped API tokens: each endpoint declares the permission a token needs, templates name the usual sets, a
token is refused outside its addresses, after its expiry or while disabled, and never does more than its
user nor makes a token broader than itself (docs/API.md "Token permissions")."""
import pytest
from sqlalchemy import func, select

from core.extensions import db
from models import ApiToken
from services.permissions import FULL_ACCESS, LEAVES, TEMPLATES
from tests.routes import API_PREFIX, PUBLIC_API_ENDPOINTS, api_calls
from tests.token_scopes import denied_permission, scoped
from tests.two_factor import code_at, turn_on
from tests.users import PASSWORD
from views.api.operations import UNDECLARED, operation_of

# The writes a read_only token may still make: marking its own notifications read is part of reading them.
READ_ONLY_WRITES = {"api.mark_notification_read", "api.mark_all_notifications_read"}


def declarations(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX):
            yield rule, operation_of(app.view_functions[rule.endpoint])


def test_every_api_endpoint_declares_the_permission_it_needs(app):
    undeclared = [rule.endpoint for rule, op in declarations(app) if op is None or op.permission == UNDECLARED]
    assert undeclared == []
    unknown = [(rule.endpoint, op.permission) for rule, op in declarations(app)
               if op.permission not in (None, FULL_ACCESS) and op.permission not in LEAVES]
    assert unknown == []
    public = {rule.endpoint for rule, op in declarations(app) if op.public}
    assert public == PUBLIC_API_ENDPOINTS
    assert all(op.permission is None for rule, op in declarations(app) if op.public)


def test_a_read_only_token_is_refused_every_write_naming_the_permission(app, api, make_user):
    alice = make_user("alice")
    reader = scoped(api, alice, permission_template="read_only")
    allowed, wrong = set(), []
    adapter = app.url_map.bind("localhost")
    writes = [(method, path, adapter.match(path, method=method)[0])
              for method, path in api_calls(app, public=False) if method != "GET"]
    writes.sort(key=lambda call: call[2] == "api.logout")  # logging out ends the token: last
    for method, path, endpoint in writes:
        needed = operation_of(app.view_functions[endpoint]).permission
        response = api.call(method, path.removeprefix("/api/v1"), as_=reader, json={})
        if denied_permission(response) == needed:
            continue
        if endpoint in READ_ONLY_WRITES:
            allowed.add(endpoint)
        else:
            wrong.append(f"{method} {path} -> {response.status_code} {response.get_json()}")
    assert wrong == []
    assert allowed == READ_ONLY_WRITES


def test_a_read_only_token_reads(api, make_user):
    alice = make_user("alice")
    reader = scoped(api, alice, permission_template="read_only")
    for path in ("/pools", "/rentals", "/servers/available", "/wallet/balance", "/notifications", "/users/me",
                 "/auth/tokens"):
        assert api.get(path, as_=reader).status_code == 200, path
    refused = api.post("/pools", as_=reader, json={"name": "Nope"})
    assert refused.status_code == 403
    assert refused.json["code"] == "TOKEN_PERMISSION_DENIED"
    assert refused.json["details"] == [{"field": "permissions", "message": "projects.create is not granted",
                                        "permission": "projects.create"}]


def test_the_create_answer_shows_the_secret_once_and_the_list_never(api, make_user, clock):
    alice = make_user("alice")
    created = api.post("/auth/tokens", as_=alice, json={"alias": "CI", "permission_template": "external_customer",
                                                        "ip_whitelist": ["10.0.0.7", "2001:db8::/32"]})
    assert created.status_code == 201
    data = created.json["data"]
    assert list(data) == ["token", "id", "alias", "prefix", "ip_whitelist", "permissions", "expires_at",
                          "is_enabled", "last_used_at", "last_used_ip", "created_at", "updated_at"]
    assert data["token"].startswith(data["prefix"])
    assert data["ip_whitelist"] == ["10.0.0.7/32", "2001:db8::/32"]
    assert data["permissions"]["projects"] == {"create": False, "read": True, "update": False, "delete": False,
                                               "members": {"invite": False, "remove": False,
                                                           "change_roles": False}}
    assert (data["expires_at"], data["is_enabled"], data["last_used_at"]) == (None, True, None)
    assert data["created_at"] == "2025-01-21T22:00:00.000Z"
    listed = {token["id"]: token for token in api.get("/auth/tokens", as_=alice).json["data"]}
    assert not any("token" in token for token in listed.values())
    assert api.get(f"/auth/tokens/{data['id']}", as_=alice).json["data"] == listed[data["id"]]
    assert listed[data["id"]] == {name: value for name, value in data.items() if name != "token"}


def test_templates_are_resolved_for_the_caller(api, make_user):
    alice = make_user("alice")
    root = make_user("root", is_admin=True)
    for person, is_admin in ((alice, False), (root, True)):
        templates = {t["name"]: t for t in api.get("/auth/tokens/templates", as_=person).json["data"]}
        assert list(templates) == list(TEMPLATES)
        for name, template in templates.items():
            assert template["description"]
            flat = _flatten(template["permissions"])
            assert set(flat) == set(LEAVES)
            expected = {leaf for leaf in TEMPLATES[name][1] if is_admin or not leaf.startswith("admin.")}
            assert {leaf for leaf, value in flat.items() if value} == expected
    assert _flatten(api.get("/auth/tokens/templates", as_=alice).json["data"][0]["permissions"])["admin.users"] \
        is False


def _flatten(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def test_login_tokens_and_earlier_tokens_are_full_access(api, make_user):
    alice = make_user("alice")  # a token made before permissions: no tree stored
    me = api.get("/auth/tokens/me", as_=alice).json["data"]["token"]
    assert {leaf for leaf, value in _flatten(me["permissions"]).items() if value} == \
        {leaf for leaf in LEAVES if not leaf.startswith("admin.")}
    login = api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD}).json["data"]["token"]
    session = api.get("/auth/tokens/me", headers={"Authorization": f"Bearer {login}"}).json["data"]["token"]
    assert session["permissions"] == me["permissions"]


def test_addresses_outside_the_whitelist_are_refused(api, make_user):
    alice = make_user("alice")
    office = scoped(api, alice, ip_whitelist=["10.0.0.0/8", "2001:db8::/32"])
    refused = api.get("/pools", as_=office)  # the test client calls from 127.0.0.1
    assert (refused.status_code, refused.json["code"]) == (403, "IP_NOT_ALLOWED")
    assert api.get("/pools", as_=office, environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert api.get("/pools", as_=office, environ_base={"REMOTE_ADDR": "2001:db8::1"}).status_code == 200
    assert api.get("/pools", as_=office, environ_base={"REMOTE_ADDR": "2001:db9::1"}).status_code == 403
    anywhere = scoped(api, alice, ip_whitelist="*")
    assert api.get("/pools", as_=anywhere, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_the_one_checked(database_url, make_user, monkeypatch):
    from app import create_app
    from tests.people import ApiClient

    monkeypatch.setenv("PROXY_FIX", "1")
    proxied = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                          "SQLALCHEMY_DATABASE_URI": database_url})
    api = ApiClient(proxied.test_client())
    alice = make_user("alice")
    office = scoped(api, alice, ip_whitelist=["203.0.113.0/24"])
    assert api.get("/pools", as_=office, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 200
    assert api.get("/pools", as_=office, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 403


def test_expired_and_disabled_tokens_are_unauthenticated(api, make_user, clock):
    alice = make_user("alice")
    short = scoped(api, alice, expires_at="today")
    assert api.get("/pools", as_=short).status_code == 200
    clock.advance(hours=2, seconds=1)  # past midnight UTC
    expired = api.get("/pools", as_=short)
    assert (expired.status_code, expired.json["code"]) == (401, "UNAUTHENTICATED")

    switched = scoped(api, alice, permission_template="read_only")
    token_id = api.get("/auth/tokens/me", as_=switched).json["data"]["token"]["id"]
    assert api.patch(f"/auth/tokens/{token_id}", as_=alice, json={"is_enabled": False}).json["data"]["is_enabled"] \
        is False
    disabled = api.get("/pools", as_=switched)
    assert (disabled.status_code, disabled.json["code"]) == (401, "UNAUTHENTICATED")
    assert api.put(f"/auth/tokens/{token_id}", as_=alice, json={"is_enabled": True}).status_code == 200
    assert api.get("/pools", as_=switched).status_code == 200
    assert api.delete(f"/auth/tokens/{token_id}", as_=alice).status_code == 200
    assert api.get("/pools", as_=switched).status_code == 401
    assert api.get(f"/auth/tokens/{token_id}", as_=alice).status_code == 404


def test_a_token_of_a_disabled_user_is_refused(api, make_user):
    alice = make_user("alice")
    root = make_user("root", is_admin=True)
    reader = scoped(api, alice, permission_template="read_only")
    assert api.post(f"/admin/users/{alice.id}/disable", as_=root).status_code == 200
    refused = api.get("/pools", as_=reader)
    assert (refused.status_code, refused.json["code"]) == (403, "ACCOUNT_DISABLED")


def test_a_token_cannot_make_a_broader_token(app, api, make_user):
    alice = make_user("alice")
    no_tokens = scoped(api, alice, permission_template="read_only")
    refused = api.post("/auth/tokens", as_=no_tokens, json={"alias": "x", "permission_template": "read_only"})
    assert denied_permission(refused) == "resources.create_tokens"

    maker = scoped(api, alice, permissions={"projects": {"read": True}, "resources": {"create_tokens": True}})
    before = _count(app)
    broader = api.post("/auth/tokens", as_=maker, json={"alias": "wider", "permission_template": "full_access"})
    assert denied_permission(broader) == "financial.billing.download_invoices"
    widened = api.post("/auth/tokens", as_=maker, json={"alias": "x", "permissions": {"projects": {"create": True}}})
    assert denied_permission(widened) == "projects.create"
    assert _count(app) == before
    narrower = api.post("/auth/tokens", as_=maker, json={"alias": "x", "permissions": {"projects": {"read": True}}})
    assert narrower.status_code == 201

    # Nor widen or touch a broader one.
    full_id = api.post("/auth/tokens", as_=alice, json={"alias": "full"}).json["data"]["id"]
    assert denied_permission(api.patch(f"/auth/tokens/{full_id}", as_=maker, json={"is_enabled": False})) \
        is not None
    assert denied_permission(api.delete(f"/auth/tokens/{full_id}", as_=maker)) is not None
    mine = narrower.json["data"]["id"]
    assert denied_permission(api.patch(f"/auth/tokens/{mine}", as_=maker,
                                       json={"permission_template": "dev_team"})) is not None


def test_a_token_never_exceeds_its_user(api, make_user):
    alice = make_user("alice")
    root = make_user("root", is_admin=True)
    refused = api.post("/auth/tokens", as_=alice, json={"alias": "x", "permissions": {"admin": {"users": True}}})
    assert denied_permission(refused) == "admin.users"
    full = api.post("/auth/tokens", as_=alice, json={"alias": "full"}).json["data"]
    assert _flatten(full["permissions"])["admin.users"] is False
    assert api.post(f"/admin/users/{root.id}/disable", as_=alice).status_code == 403

    root_reader = scoped(api, root, permission_template="read_only")
    assert denied_permission(api.post(f"/admin/users/{alice.id}/disable", as_=root_reader)) == "admin.users"
    root_admin = scoped(api, root, permissions={"admin": {"users": True}})
    assert api.post(f"/admin/users/{alice.id}/disable", as_=root_admin).status_code == 200


def test_pool_roles_still_apply_to_a_full_token(api, make_user):
    owner = make_user("owner")
    stranger = make_user("stranger")
    pool_id = api.post("/pools", as_=owner, json={"name": "Team"}).json["data"]["id"]
    dev = scoped(api, stranger, permission_template="dev_team")
    assert api.patch(f"/pools/{pool_id}", as_=dev, json={"description": "mine"}).status_code == 404


def test_account_changes_need_a_full_access_token(api, make_user):
    alice = make_user("alice")
    dev = scoped(api, alice, permission_template="dev_team")
    refused = api.patch("/users/me", as_=dev, json={"low_balance_threshold_cents": 100})
    assert denied_permission(refused) == FULL_ACCESS
    assert api.patch("/users/me", as_=alice, json={"low_balance_threshold_cents": 100}).status_code == 200


@pytest.mark.parametrize("given, expected", [
    ("2025-02-01T12:00:00Z", "2025-02-01T12:00:00.000Z"),
    ("2025-02-01T14:00:00+02:00", "2025-02-01T12:00:00.000Z"),
    (1738411200, "2025-02-01T12:00:00.000Z"),
    ("1738411200", "2025-02-01T12:00:00.000Z"),
    ("today", "2025-01-22T00:00:00.000Z"),
    ("tomorrow", "2025-01-23T00:00:00.000Z"),
    (None, None),
])
def test_expiry_formats(api, make_user, clock, given, expected):
    alice = make_user("alice")
    body = {"alias": "x"} if given is None else {"alias": "x", "expires_at": given}
    created = api.post("/auth/tokens", as_=alice, json=body)
    assert created.status_code == 201, created.json
    assert created.json["data"]["expires_at"] == expected


@pytest.mark.parametrize("body, field", [
    ({}, "alias"),
    ({"alias": ""}, "alias"),
    ({"alias": "x", "permission_template": "everything"}, "permission_template"),
    ({"alias": "x", "permissions": {"projects": {"fly": True}}}, "permissions"),
    ({"alias": "x", "permissions": {"projects": {"read": "yes"}}}, "permissions"),
    ({"alias": "x", "permissions": ["projects.read"]}, "permissions"),
    ({"alias": "x", "ip_whitelist": ["10.0.0.300"]}, "ip_whitelist"),
    ({"alias": "x", "ip_whitelist": "10.0.0.1"}, "ip_whitelist"),
    ({"alias": "x", "expires_at": "yesterday"}, "expires_at"),
    ({"alias": "x", "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
    ({"alias": "x", "expires_at": "2025-02-01T12:00:00"}, "expires_at"),
    ({"alias": "x", "expires_at": -5}, "expires_at"),
    ({"alias": "x", "expires_at": True}, "expires_at"),
    ({"alias": "x", "otp_code": 123456}, "otp_code"),
])
def test_bad_input_is_a_400_and_makes_nothing(app, api, make_user, clock, body, field):
    alice = make_user("alice")
    before = _count(app)
    refused = api.post("/auth/tokens", as_=alice, json=body)
    assert refused.status_code == 400, refused.json
    assert refused.json["code"] == "VALIDATION_FAILED"
    assert field in [detail["field"] for detail in refused.json["details"]]
    assert _count(app) == before


def test_bad_changes_are_a_400_and_change_nothing(api, make_user, clock):
    alice = make_user("alice")
    made = api.post("/auth/tokens", as_=alice, json={"alias": "keep", "ip_whitelist": ["10.0.0.1"]}).json["data"]
    for body in ({"alias": None}, {"is_enabled": "no"}, {"ip_whitelist": ["nope"], "alias": "changed"},
                 {"expires_at": "last week"}):
        assert api.patch(f"/auth/tokens/{made['id']}", as_=alice, json=body).status_code == 400, body
    after = api.get(f"/auth/tokens/{made['id']}", as_=alice).json["data"]
    assert (after["alias"], after["ip_whitelist"], after["updated_at"]) == ("keep", ["10.0.0.1/32"],
                                                                           made["updated_at"])
    assert api.get("/auth/tokens/0123456789abcdef01234567", as_=alice).status_code == 404


def test_another_users_token_is_not_found(api, make_user):
    alice = make_user("alice")
    bob = make_user("bob")
    made = api.post("/auth/tokens", as_=alice, json={"alias": "mine"}).json["data"]
    for method in ("GET", "PATCH", "DELETE"):
        assert api.call(method, f"/auth/tokens/{made['id']}", as_=bob, json={}).status_code == 404


def test_last_use_is_recorded_at_most_once_a_minute(api, make_user, clock):
    alice = make_user("alice")
    reader = scoped(api, alice, permission_template="read_only")
    api.get("/pools", as_=reader, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    first = api.get("/auth/tokens/me", as_=reader).json["data"]["token"]
    assert (first["last_used_at"], first["last_used_ip"]) == ("2025-01-21T22:00:00.000Z", "192.0.2.10")
    clock.advance(seconds=30)
    api.get("/pools", as_=reader, environ_base={"REMOTE_ADDR": "192.0.2.11"})
    assert api.get("/auth/tokens/me", as_=reader).json["data"]["token"]["last_used_ip"] == "192.0.2.10"
    clock.advance(seconds=31)
    api.get("/pools", as_=reader, environ_base={"REMOTE_ADDR": "192.0.2.11"})
    later = api.get("/auth/tokens/me", as_=reader).json["data"]["token"]
    assert (later["last_used_at"], later["last_used_ip"]) == ("2025-01-21T22:01:01.000Z", "192.0.2.11")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_every_permission_and_template_is_documented():
    from pathlib import Path

    guide = (Path(__file__).parent.parent / "docs" / "API.md").read_text()
    assert [path for path in LEAVES if f"| `{path}` |" not in guide] == []
    assert [name for name in TEMPLATES if f"| `{name}` | {TEMPLATES[name][0]} |" not in guide] == []


def test_an_unknown_path_is_a_404_whatever_the_token_may_do(api, make_user):
    alice = make_user("alice")
    nothing = scoped(api, alice, permissions={})
    assert api.get("/no-such-thing", as_=nothing).status_code == 404
    assert api.get("/pools", as_=nothing).json["code"] == "TOKEN_PERMISSION_DENIED"


def test_with_the_token_gate_on_a_new_token_needs_a_code(app, api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    assert api.put("/users/auth/2fa/token-gate", as_=alice, json={"require_for_tokens": True}).status_code == 200
    before = _count(app)
    refused = api.post("/auth/tokens", as_=alice, json={"alias": "CI", "permission_template": "read_only"})
    assert (refused.status_code, refused.json["code"]) == (401, "TWO_FACTOR_REQUIRED")
    assert _count(app) == before
    made = api.post("/auth/tokens", as_=alice, json={"alias": "CI", "permission_template": "read_only",
                                                     "otp_code": code_at(two_factor.secret, clock.now)})
    assert made.status_code == 201
