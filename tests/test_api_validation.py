"""Bad input gets the contract's status, a clear message naming the field, and changes nothing."""
import json

import pytest
from pydantic import ValidationError

from services.validation import describe
from tests.factories import make_servers, server_record
from tests.snapshots import database_snapshot
from views.api.operations import declared

LONG_SETTINGS = {"blob": "x" * (10 * 1024)}


@pytest.fixture
def unchanged(app):
    """Asserts after the test that the database is exactly as it was before the refused calls."""
    state = {}

    def start():
        state["before"] = database_snapshot(app)

    yield start
    after = database_snapshot(app)
    before = state["before"]
    before.pop("api_tokens"), after.pop("api_tokens")  # last-used times of live tokens may move
    assert after == before


def assert_bad_request(response, field: str | None, fragment: str):
    assert response.status_code == 400, response.json
    body = response.json
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    assert fragment in body["message"], body["message"]
    if field is not None:
        assert field in [d["field"] for d in body["details"]], body


CREATE_POOL_CASES = [
    ("missing name", {"description": "x"}, "name", "name is required"),
    ("name not a string", {"name": 123}, "name", "name must be a string"),
    ("name null", {"name": None}, "name", "name must be a string"),
    ("blank name", {"name": "   "}, "name", "name must not be empty"),
    ("name too long", {"name": "n" * 101}, "name", "name must be at most 100 characters"),
    ("description too long", {"name": "ok", "description": "d" * 501}, "description",
     "description must be at most 500 characters"),
    ("description not a string", {"name": "ok", "description": ["x"]}, "description", "description must be a string"),
    ("settings not an object", {"name": "ok", "settings": [1, 2]}, "settings", "settings must be an object"),
    ("settings a string", {"name": "ok", "settings": "{}"}, "settings", "settings must be an object"),
    ("settings over 10 KB", {"name": "ok", "settings": LONG_SETTINGS}, "settings",
     "settings must be at most 10240 bytes as JSON"),
]


@pytest.mark.parametrize("body, field, message", [c[1:] for c in CREATE_POOL_CASES],
                         ids=[c[0] for c in CREATE_POOL_CASES])
def test_create_pool_refuses_bad_fields(api, make_user, unchanged, body, field, message):
    alice = make_user("alice")
    unchanged()
    assert_bad_request(api.post("/pools", as_=alice, json=body), field, message)


def test_a_name_of_exactly_100_characters_is_fine(api, make_user):
    alice = make_user("alice")
    assert api.post("/pools", as_=alice, json={"name": "n" * 100, "description": "d" * 500}).status_code == 201


def test_unknown_fields_are_ignored(api, make_user):
    alice = make_user("alice")
    response = api.post("/pools", as_=alice, json={"name": "ok", "owner_id": "f" * 24, "is_default": True})
    assert response.status_code == 201
    assert response.json["data"]["owner_id"] == alice.id and response.json["data"]["is_default"] is False


def test_missing_body(api, make_user, unchanged):
    alice = make_user("alice")
    unchanged()
    response = api.post("/pools", as_=alice, headers={"Content-Type": "application/json"})
    assert_bad_request(response, "name", "name is required")


@pytest.mark.parametrize("raw, message", [
    ("{", "Malformed JSON in the request body"),
    ('{"name": "x",}', "Malformed JSON in the request body"),
    ("[]", "The request body must be a JSON object"),
    ('"just a string"', "The request body must be a JSON object"),
    ("[" * 100_000 + "]" * 100_000, "Malformed JSON in the request body"),
])
def test_bad_json(api, make_user, unchanged, raw, message):
    alice = make_user("alice")
    unchanged()
    response = api.post("/pools", as_=alice, data=raw, headers={"Content-Type": "application/json"})
    assert_bad_request(response, None, message)


def test_a_body_over_the_limit_is_413(api, make_user, unchanged):
    alice = make_user("alice")
    unchanged()
    response = api.post("/pools", as_=alice, data='{"name": "' + "x" * 300_000 + '"}',
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json["statusCode"] == 413 and response.json["error"] == "Request Entity Too Large"
    assert "larger than the limit" in response.json["message"]


UPDATE_POOL_CASES = [
    ("description too long", {"description": "d" * 501}, "description", "description must be at most 500 characters"),
    ("description a number", {"description": 5}, "description", "description must be a string"),
    ("settings a list", {"settings": []}, "settings", "settings must be an object"),
    ("settings null", {"settings": None}, "settings", "settings must be an object"),
    ("settings over 10 KB", {"settings": LONG_SETTINGS}, "settings", "settings must be at most 10240 bytes as JSON"),
]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
@pytest.mark.parametrize("body, field, message", [c[1:] for c in UPDATE_POOL_CASES],
                         ids=[c[0] for c in UPDATE_POOL_CASES])
def test_update_pool_refuses_bad_fields(api, team, unchanged, method, body, field, message):
    unchanged()
    assert_bad_request(api.call(method, f"/pools/{team.pool_id}", as_=team.owner, json=body), field, message)


INVITE_CASES = [
    ("unknown role", {"username": "someone", "role": "superuser"}, "role", "role must be one of: admin, user"),
    ("owner is not an invitable role", {"username": "someone", "role": "owner"}, "role",
     "role must be one of: admin, user"),
    ("missing role", {"username": "someone"}, "role", "role is required"),
    ("role not a string", {"username": "someone", "role": 1}, "role", "role must be one of: admin, user"),
    ("missing username", {"role": "user"}, "username", "username is required"),
    ("empty username", {"username": "", "role": "user"}, "username", "username must not be empty"),
    ("username with spaces", {"username": "bad name", "role": "user"}, "username",
     "username may contain only letters, digits, underscore and dash"),
    ("username with a quote", {"username": "x'; DROP TABLE users;--", "role": "user"}, "username",
     "username may contain only letters, digits, underscore and dash"),
    ("username too long", {"username": "u" * 101, "role": "user"}, "username",
     "username must be at most 100 characters"),
    ("username not a string", {"username": ["a"], "role": "user"}, "username", "username must be a string"),
]


@pytest.mark.parametrize("body, field, message", [c[1:] for c in INVITE_CASES], ids=[c[0] for c in INVITE_CASES])
def test_invite_refuses_bad_fields(api, team, unchanged, body, field, message):
    unchanged()
    assert_bad_request(api.post(f"/pools/{team.pool_id}/members", as_=team.owner, json=body), field, message)


def test_every_problem_is_listed(api, team):
    response = api.post(f"/pools/{team.pool_id}/members", as_=team.owner, json={"username": "a b", "role": "boss"})
    assert {d["field"] for d in response.json["details"]} == {"username", "role"}


@pytest.mark.parametrize("body, message", [
    ({"role": "owner"}, "role must be one of: admin, user"),
    ({"role": "root"}, "role must be one of: admin, user"),
    ({}, "role is required"),
])
def test_change_role_refuses_bad_roles(api, team, unchanged, body, message):
    unchanged()
    response = api.patch(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner, json=body)
    assert_bad_request(response, "role", message)


BAD_IDS = ["123", "z" * 24, "a" * 25, "507f1f77bcf86cd79943930", "507f1f77-bcf8-6cd7-9943-9300"]


def _calls_with_ids(team, bad):
    return [
        ("GET", f"/pools/{bad}", None, "id"),
        ("PATCH", f"/pools/{bad}", {"description": "x"}, "id"),
        ("PUT", f"/pools/{bad}", {"description": "x"}, "id"),
        ("DELETE", f"/pools/{bad}", None, "id"),
        ("POST", f"/pools/{bad}/accept", None, "id"),
        ("POST", f"/pools/{bad}/reject", None, "id"),
        ("POST", f"/pools/{bad}/members", {"username": "x", "role": "user"}, "id"),
        ("PATCH", f"/pools/{team.pool_id}/members/{bad}", {"role": "user"}, "userId"),
        ("PUT", f"/pools/{bad}/members/{team.user.id}", {"role": "user"}, "id"),
        ("DELETE", f"/pools/{team.pool_id}/members/{bad}", None, "userId"),
    ]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_ids_are_400(api, team, unchanged, bad):
    unchanged()
    for method, path, body, field in _calls_with_ids(team, bad):
        response = api.call(method, path, as_=team.owner, json=body)
        assert_bad_request(response, field, "must be a 24-character hexadecimal string")


def test_well_formed_but_unknown_ids_are_404(api, team):
    missing = "0" * 24
    assert api.get(f"/pools/{missing}", as_=team.owner).json["message"] == "Pool not found"
    assert api.post(f"/pools/{missing}/accept", as_=team.owner).json["message"] == "Invitation not found"
    response = api.delete(f"/pools/{team.pool_id}/members/{missing}", as_=team.owner)
    assert response.status_code == 404 and response.json["message"] == "Member not found"


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
                                          ("offset=-1", "offset"), ("offset=1.5", "offset"), ("limit=1e999", "limit"),
                                          ("limit=1e-9999999999999999999", "limit"), ("limit=0x10", "limit")])
def test_bad_paging_is_400_naming_the_parameter(api, make_user, query, field):
    alice = make_user("alice")
    response = api.get(f"/pools?{query}", as_=alice)
    assert_bad_request(response, field, field)


# --- Integers: as JSON Schema counts them, 7.0 is 7 ---

@pytest.fixture
def rentable(app):
    return make_servers(app, [server_record("node-1", prices={"1": "12.00", "7": "70.00", "30": "240.00"})])["node-1"]


def test_whole_floats_are_integers_in_rent_and_extend(api, make_user, rentable):
    alice = make_user("alice", balance_cents=1_000_00)
    rented = api.post(f"/servers/{rentable}/rent", as_=alice, json={"rental_days": 7.0, "max_charge_cents": 7000.0})
    assert rented.status_code == 201, rented.json
    rental = rented.json["data"]["rental"]
    extended = api.post(f"/rentals/{rental['id']}/extend", as_=alice,
                        json={"additional_days": 30.0, "max_charge_cents": 143238.0})
    assert extended.status_code == 200, extended.json
    assert extended.json["data"]["rental"]["amount"] == "310.00"


NOT_INTEGERS = [1.5, 7.000001, "7", True, [7], float("inf"), float("nan")]
INTEGER_FIELDS = [("rent", "rental_days"), ("rent", "max_charge_cents"), ("extend", "additional_days"),
                  ("extend", "max_charge_cents")]


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
@pytest.mark.parametrize("path, field", INTEGER_FIELDS)
def test_other_numbers_and_types_are_not_integers(app, api, make_user, unchanged, rentable, path, field, value):
    alice = make_user("alice", balance_cents=1_000_00)
    rental_id = api.post(f"/servers/{rentable}/rent", as_=alice, json={"rental_days": 1}).json["data"]["rental"]["id"]
    url, days = (f"/servers/{rentable}/rent", "rental_days") if path == "rent" else (
        f"/rentals/{rental_id}/extend", "additional_days")
    unchanged()
    response = api.post(url, as_=alice, data=json.dumps({days: 7, field: value}),
                        headers={"Content-Type": "application/json"})
    assert_bad_request(response, field, f"{field} must be an integer")


def test_every_integer_field_of_every_body_takes_whole_floats_and_nothing_else(app):
    checked = set()
    for model in {op.body for op in declared(app).values() if op.body is not None}:
        for name, schema in model.model_json_schema()["properties"].items():
            options = schema.get("anyOf", [schema])
            integer = next((option for option in options if option.get("type") == "integer"), None)
            if integer is None:
                continue
            whole = max(integer.get("minimum", 0), 1)
            assert _error_for(model, name, float(whole)) is None, (model.__name__, name)
            assert _error_for(model, name, whole + 0.5) == "must be an integer", (model.__name__, name)
            assert _error_for(model, name, str(whole)) == "must be an integer", (model.__name__, name)
            assert _error_for(model, name, True) == "must be an integer", (model.__name__, name)
            checked.add((model.__name__, name))
    assert {("RentBody", "rental_days"), ("ExtendBody", "additional_days"), ("RentBody", "max_charge_cents"),
            ("ExtendBody", "max_charge_cents")} <= checked


def _error_for(model, name: str, value) -> str | None:
    """What validating ``{name: value}`` says about ``name`` (other fields may be missing), or None."""
    try:
        model.model_validate({name: value})
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if detail["loc"][:1] == (name,):
                return describe(detail)
    return None


@pytest.mark.parametrize("query", ["limit=2.0", "limit=2e0", "offset=0.0", "limit=%202"])
def test_paging_takes_whole_numbers_however_written(api, make_user, query):
    alice = make_user("alice")
    response = api.get(f"/pools?{query}", as_=alice)
    assert response.status_code == 200, response.json
