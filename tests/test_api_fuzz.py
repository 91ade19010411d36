"""Every operation of the OpenAPI document, fuzzed against the app by schemathesis.

Each operation gets a fresh database with a user who has a token, money, a pool with a member, a
pending invitation, servers in the inventory and a rental (and an administrator, who calls the
administrators' operations); generated ids are swapped for those, so
requests reach real objects. Whatever is sent, the answer must not be a 5xx, its status must be
one the document lists for the operation, and its headers and body must match the document.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from core.ids import is_valid_id
from tests.factories import make_servers
from tests.test_api_rentals import RENTABLE_SERVER
from views.api.openapi import build_document

# The document comes from the app's URL map alone; this app never opens its database.
schema = schemathesis.openapi.from_dict(build_document(create_app({
    "TESTING": True, "AUTO_MIGRATE": False, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "fuzz-document",
})))
schema.config.seed = 20250121

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 25


@pytest.fixture
def world(app, api, make_user):
    """Path ids of real objects, by parameter name, and the caller's headers."""
    owner = make_user("fuzz_owner", balance_cents=100_000_000)
    member = make_user("fuzz_member", balance_cents=1_000_000)
    host = make_user("fuzz_host")
    administrator = make_user("fuzz_admin", is_admin=True)
    record = {key: value for key, value in RENTABLE_SERVER.items() if key != "id"}
    servers = make_servers(app, [{**record, "name": f"fuzz-{n}"} for n in range(3)])
    pool_id = api.post("/pools", as_=owner, json={"name": "Fuzz Team"}).json["data"]["id"]
    invited = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": member.username, "role": "user"})
    api.post(f"/pools/{invited.json['data']['id']}/accept", as_=member)
    host_pool = api.post("/pools", as_=host, json={"name": "Host Team"}).json["data"]["id"]
    invitation = api.post(f"/pools/{host_pool}/members", as_=host, json={"username": owner.username, "role": "admin"})
    rented = api.post(f"/servers/{servers['fuzz-0']}/rent", as_=owner, json={"rental_days": 7, "pool_id": pool_id})
    return {
        "ids": {
            "pool_id": pool_id,
            "invitation_id": invitation.json["data"]["id"],
            "user_id": member.id,
            "rental_id": rented.json["data"]["rental"]["id"],
            "server_id": servers["fuzz-1"],
        },
        "headers": owner.headers,
        "admin_headers": administrator.headers,
    }


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_operation(case, app, world):
    # A well-formed generated id would only ever miss; a malformed one is kept to test the 400.
    for name, value in (case.path_parameters or {}).items():
        if is_valid_id(value) and name in world["ids"]:
            case.path_parameters[name] = world["ids"][name]
    if case.operation.definition.raw.get("security") == []:
        headers = {}
    elif case.operation.path.startswith("/api/v1/admin/"):
        headers = world["admin_headers"]
    else:
        headers = world["headers"]
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/pools", {"name": "Fuzz\u0000Team"}),
    ("POST", "/pools", {"name": "Fuzz Team", "description": "a\u0000b"}),
    ("GET", "/servers/available?region=us%00east", None),
])
def test_nul_characters_are_refused_not_a_server_error(api, make_user, method, path, body):
    alice = make_user("alice")
    response = api.call(method, path, as_=alice, json=body)
    assert response.status_code == 400
    assert response.json["details"][0]["message"] == "must not contain NUL characters"


def test_an_offset_beyond_what_databases_take_is_refused(api, make_user):
    alice = make_user("alice")
    assert api.get("/pools?offset=9223372036854775807", as_=alice).status_code == 200
    response = api.get("/pools?offset=9223372036854775808", as_=alice)
    assert response.status_code == 400
    assert response.json["details"] == [
        {"field": "offset", "message": "must be an integer between 0 and 9223372036854775807"}]
