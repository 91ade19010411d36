"""The OpenAPI document and the reference page: complete, valid, and true to what the API answers."""
import dataclasses
import json
import re
from datetime import datetime, timezone

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from pydantic import TypeAdapter

from core.limits import CPU_SCORE_TYPES, DISK_TYPES, PAGE_LIMIT_MAX, RAM_TYPES, SERVER_CATEGORIES
from services.marketplace import MarketplaceFilters
from tests.documented_errors import codes_of_answer, error_answer
from tests.factories import add_server, make_servers
from tests.records import SEED_SERVER
from tests.stripe_stand_in import paid, signature_header, stripe_api  # noqa: F401
from tests.two_factor import code_at
from tests.users import PASSWORD
from tests.webhook_receiver import Receiver
from views.api import examples, response_schemas
from views.api.operations import declared, operation_of
from views.api.response_schemas import ErrorBody

METHODS = ("get", "post", "patch", "put", "delete")


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def endpoint_of(method: str, operation: dict) -> str:
    """The Flask endpoint an operation documents (a second method of a route has its own operationId)."""
    return "api." + operation["operationId"].removesuffix(f"_{method}")


def validator(document, schema):
    """A validator for ``schema`` whose ``#/components/...`` references resolve in ``document``."""
    return Draft202012Validator({**schema, "components": document["components"]},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_document_is_valid_openapi_3_1_and_public(client, document):
    validate_spec(document)
    assert document["openapi"].startswith("3.1")
    assert document["security"] == [{"bearerAuth": []}]
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    public = {(method, path) for method, path, operation in operations(document) if operation.get("security") == []}
    assert public == {("post", "/api/v1/users/auth/login"), ("get", "/api/v1/openapi.json"),
                      ("get", "/api/v1/notifications/public"),
                      ("post", "/api/v1/auth/verify-email"),  # the emailed link is the credential
                      ("post", "/api/v1/users/auth/2fa/verify"),  # the temp_token is the credential
                      ("post", "/api/v1/auth/signup"), ("post", "/api/v1/auth/forgot-password"),
                      ("post", "/api/v1/auth/reset-password"),
                      ("post", "/api/v1/wallet/payments/stripe/webhook")}  # Stripe's signature is the credential


def test_every_api_route_and_method_is_documented_and_nothing_else(app, document):
    routes = {
        (method.lower(), re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(method, path) for method, path, _ in operations(document)}
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations the app does not serve"
    assert len({operation["operationId"] for _, _, operation in operations(document)}) == len(documented)


def test_every_api_endpoint_declares_its_operation(app):
    undeclared = {rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1/") and operation_of(app.view_functions[rule.endpoint]) is None}
    assert undeclared == set(), "API endpoints without @operation"


def test_each_request_body_is_the_pydantic_model_that_validates_it(app, document):
    bodies = {endpoint: op.body for endpoint, op in declared(app).items() if op.body is not None}
    seen = set()
    for method, _, operation in operations(document):
        endpoint = endpoint_of(method, operation)
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        assert (media is not None) == (endpoint in bodies), endpoint
        if media:
            model = bodies[endpoint]
            name = media["schema"]["$ref"].rsplit("/", 1)[1]
            assert name == model.__name__
            assert document["components"]["schemas"][name] == model.model_json_schema()
            seen.add(model)
    assert seen == set(bodies.values())


def test_every_example_validates_against_its_schema(document):
    checked = 0
    for method, path, operation in operations(document):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in media:
            validator(document, media["schema"]).validate(media["example"])
            checked += 1
        for status, response in operation["responses"].items():
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            media = response["content"].get("application/json", {})  # a PDF has no example
            if "example" in media:
                validator(document, media["schema"]).validate(media["example"])
                checked += 1
    for response in document["components"]["responses"].values():
        media = response["content"]["application/json"]
        validator(document, media["schema"]).validate(media["example"])
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", ()):
            validator(document, schema).validate(example)
    assert checked > 60


def test_every_operation_lists_its_statuses_and_headers(document):
    for method, path, operation in operations(document):
        statuses = set(operation["responses"])
        public = operation.get("security") == []
        # Public operations that take a credential of their own (a password, an emailed link) refuse a bad one.
        takes_credential = path.endswith(("/login", "/verify-email", "/2fa/verify", "/reset-password"))
        assert ("401" in statuses) == (not public or takes_credential), (method, path)
        assert ("404" in statuses) == ("{" in path), (method, path)
        assert ("413" in statuses) == ("requestBody" in operation), (method, path)
        parameters = {parameter["name"] for parameter in operation.get("parameters", ())}
        success = operation["responses"][min(statuses)]
        if "limit" in parameters:
            assert success["headers"]["X-Total-Count"]["required"] is True
        if "Idempotency-Key" in parameters:
            assert "Idempotent-Replayed" in success["headers"]
    login = document["paths"]["/api/v1/users/auth/login"]["post"]["responses"]
    assert "Retry-After" in document["components"]["responses"]["TooManyRequests"]["headers"]
    assert login["429"] == {"$ref": "#/components/responses/TooManyRequests"}


def test_marketplace_parameters_are_the_filters_parse_filters_reads(document):
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/servers/available"]["get"]["parameters"]}
    filters = [f.name for f in dataclasses.fields(MarketplaceFilters)]
    assert list(parameters) == filters + ["limit", "offset"]
    assert given(parameters["cpu_score_type"]["schema"])["enum"] == list(CPU_SCORE_TYPES)
    assert given(parameters["category"]["schema"])["enum"] == list(SERVER_CATEGORIES)
    assert given(given(parameters["ram_types"]["schema"])["items"])["enum"] == list(RAM_TYPES)
    assert given(given(parameters["disk_types"]["schema"])["items"])["enum"] == list(DISK_TYPES)
    assert given(parameters["limit"]["schema"])["maximum"] == PAGE_LIMIT_MAX
    assert given(parameters["featured_only"]["schema"]) == {"type": "boolean"}
    assert parameters["featured_only"]["schema"]["default"] is False
    assert all(not parameter["required"] for parameter in parameters.values())


def given(schema: dict) -> dict:
    """The schema of a value that is given, without the empty value that means "not given"."""
    return schema["anyOf"][0] if "anyOf" in schema else schema


# Values that may or may not mean "not given"; the document and the API must agree on each.
BLANKISH = ["", " ", "  ", "\t", " \t ", "\n", "\r\n", "\u00a0", "\u3000", "\x1f", ",", " , "]


def query_parameters(document):
    """``(path, parameter)`` for every query parameter of every GET without path parameters."""
    for method, path, operation in operations(document):
        if method == "get" and "{" not in path:
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "query":
                    yield path, parameter


def test_the_document_allows_an_empty_value_exactly_where_the_api_takes_it_as_not_given(api, make_user, document):
    alice = make_user("alice", is_admin=True)  # the administrators' lists have filters too
    checked = set()
    for path, parameter in query_parameters(document):
        name = parameter["name"]
        # jsonschema_rs reads patterns as ECMA-262 regexes, as OpenAPI says (and as schemathesis does); Python's
        # re would let "$" match before a final newline.
        allows = jsonschema_rs.validator_for(parameter["schema"])
        not_given = api.get(path.removeprefix("/api/v1"), as_=alice)
        for value in BLANKISH:
            response = api.get(path.removeprefix("/api/v1"), as_=alice, query_string={name: value})
            documented = allows.is_valid(value) or (parameter.get("explode") is False and
                                                    allows.is_valid(value.split(",")))  # an array, comma-joined
            # Taken as not given: the same answer as without it. Otherwise a 400 naming it, or (for a
            # free-text filter) a value to match.
            if response.status_code == 400:
                assert [detail["field"] for detail in response.json["details"]] == [name]
            assert documented == (response.status_code == 200), (path, name, value, response.json)
            if value.strip(" \t") == "":
                assert response.json == not_given.json, (path, name, value)
        checked.add((path, name))
    marketplace = {(f"/api/v1/servers/available", f.name) for f in dataclasses.fields(MarketplaceFilters)}
    assert marketplace | {("/api/v1/pools", "limit"), ("/api/v1/rentals", "offset")} <= checked


def test_every_link_leads_to_an_operation_and_fills_its_path(document):
    by_id = {operation["operationId"]: (path, operation) for _, path, operation in operations(document)}
    links = [link for _, _, operation in operations(document) for response in operation["responses"].values()
             for link in response.get("links", {}).values()]
    assert len(links) >= 8
    for link in links:
        path, _ = by_id[link["operationId"]]
        assert set(link["parameters"]) == set(re.findall(r"{(\w+)}", path)), link
        assert all(value.startswith("$response.body#/data/") for value in link["parameters"].values())


# --- Error codes ---------------------------------------------------------------------------------

def error_answers(document, operation):
    """``{status: (codes, description)}`` of an operation's error answers."""
    answers = {}
    for status, response in operation["responses"].items():
        if int(status) >= 400:
            answer = error_answer(document, response)
            answers[int(status)] = (codes_of_answer(answer), answer["description"])
    return answers


def codes_of(document, method, path):
    return {status: codes for status, (codes, _) in
            error_answers(document, document["paths"][f"/api/v1{path}"][method]).items()}


def test_each_error_answer_lists_its_codes_and_says_what_each_means(document):
    for method, path, operation in operations(document):
        for status, (codes, description) in error_answers(document, operation).items():
            assert codes, (method, path, status)
            for code in codes:
                assert f"`{code}` (" in description, (method, path, status, code)
        if operation.get("security") != []:
            # A code asked beside the token is refused apart (TWO_FACTOR_REQUIRED).
            assert codes_of(document, method, path.removeprefix("/api/v1"))[401] in (
                ["UNAUTHENTICATED"], ["UNAUTHENTICATED", "TWO_FACTOR_REQUIRED"])
            assert "ACCOUNT_DISABLED" in codes_of(document, method, path.removeprefix("/api/v1"))[403]


def test_the_codes_of_renting_extending_and_logging_in(document):
    assert codes_of(document, "post", "/servers/{server_id}/rent") == {
        400: ["VALIDATION_FAILED"], 401: ["UNAUTHENTICATED"], 402: ["INSUFFICIENT_BALANCE"],
        403: ["FORBIDDEN", "ACCOUNT_DISABLED", "TOKEN_PERMISSION_DENIED", "IP_NOT_ALLOWED"], 404: ["NOT_FOUND"],
        409: ["SERVER_UNAVAILABLE", "CHARGE_EXCEEDS_MAX", "BUDGET_EXCEEDED", "IDEMPOTENCY_KEY_REUSED"],
        413: ["PAYLOAD_TOO_LARGE"]}
    extend = codes_of(document, "post", "/rentals/{rental_id}/extend")
    assert extend[403] == ["FORBIDDEN", "ACCOUNT_DISABLED", "TOKEN_PERMISSION_DENIED", "IP_NOT_ALLOWED"]
    assert extend[409] == ["CONFLICT", "CHARGE_EXCEEDS_MAX", "EXTENSION_ALREADY_APPLIED", "RENTAL_ENDED",
                           "BUDGET_EXCEEDED", "IDEMPOTENCY_KEY_REUSED"]
    assert codes_of(document, "post", "/users/auth/login") == {
        400: ["VALIDATION_FAILED"], 401: ["UNAUTHENTICATED"], 403: ["ACCOUNT_DISABLED"], 413: ["PAYLOAD_TOO_LARGE"],
        429: ["RATE_LIMITED"]}
    assert codes_of(document, "get", "/wallet/balance") == {
        401: ["UNAUTHENTICATED"], 403: ["ACCOUNT_DISABLED", "TOKEN_PERMISSION_DENIED", "IP_NOT_ALLOWED"]}


def test_any_request_can_get_413_and_414_and_the_document_says_so(document):
    assert "413" in document["info"]["description"] and "414" in document["info"]["description"]
    shared = document["components"]["responses"]
    for name, code in (("RequestEntityTooLarge", "PAYLOAD_TOO_LARGE"), ("RequestURITooLong", "URI_TOO_LONG")):
        assert shared[name]["content"]["application/json"]["example"]["code"] == code


# --- The examples ----------------------------------------------------------------------------------

def test_the_request_examples_are_accepted_by_the_api(app, api, make_user, clock):
    make_user("team_lead", balance_cents=100_000)
    newcomer = make_user("new_developer")
    server_id = add_server(app)

    token = api.post("/users/auth/login", json=examples.LOGIN_BODY).json["data"]["token"]
    lead = {"Authorization": f"Bearer {token}"}
    created = api.post("/pools", headers=lead, json=examples.CREATE_POOL_BODY)
    assert created.status_code == 201
    pool_id = created.json["data"]["id"]
    assert api.patch(f"/pools/{pool_id}", headers=lead, json=examples.UPDATE_POOL_BODY).status_code == 200
    assert api.post(f"/pools/{pool_id}/members", headers=lead, json=examples.INVITE_MEMBER_BODY).status_code == 201
    assert api.put(f"/pools/{pool_id}/members/{newcomer.id}", headers=lead,
                   json=examples.CHANGE_ROLE_BODY).status_code == 200
    # The example's pool is the seed's; here it is the pool just made.
    rented = api.post(f"/servers/{server_id}/rent", headers=lead, json={**examples.RENT_BODY, "pool_id": pool_id})
    assert rented.status_code == 201
    rental_id = rented.json["data"]["rental"]["id"]
    assert api.post(f"/rentals/{rental_id}/extend", headers=lead, json=examples.EXTEND_BODY).status_code == 200


# --- The response models are exactly what the API sends -------------------------------------------

class Conformance:
    """Calls the API and checks each answer against the model its operation documents."""

    def __init__(self, app, api):
        self.adapter = app.url_map.bind("localhost")
        self.operations = declared(app)
        self.api = api
        self.seen: set[tuple[str, str]] = set()

    def call(self, method, path, as_=None, **kwargs):
        response = self.api.call(method, path, as_=as_, **kwargs)
        endpoint, _ = self.adapter.match(f"/api/v1{path.split('?')[0]}", method=method)
        op = self.operations[endpoint]
        assert response.status_code == op.status, response.json
        if op.media_type != "application/json":
            assert response.mimetype == op.media_type
            self.seen.add((method, endpoint))
            return response
        body = response.json
        if op.envelope:
            assert list(body) == ["statusCode", "message", "data"]
            assert body["statusCode"] == op.status and body["message"] == op.message
            adapter = TypeAdapter(op.data)
            model = adapter.validate_python(body["data"], strict=True)
            # Same values, same field order: the model is the answer, not an approximation of it.
            assert json.dumps(adapter.dump_python(model, mode="json", exclude_unset=True)) == json.dumps(body["data"])
        self.seen.add((method, endpoint))
        return body


def test_every_answer_is_its_documented_model_field_for_field(app, api, make_user, document, stripe_api):
    owner = make_user("team_lead", balance_cents=100_000, alias="Team Lead")
    member = make_user("jane_admin", balance_cents=100_000, alias="Jane Smith")
    invitee = make_user("new_developer")
    check = Conformance(app, api)
    server_id = add_server(app)
    add_server(app, id="507f1f77bcf86cd799439015", name="node-us-nyc-2")

    check.call("POST", "/users/auth/login", json={"username": "team_lead", "password": PASSWORD})
    check.call("GET", "/openapi.json")
    pool = check.call("POST", "/pools", owner, json={"name": "Development Team", "settings": {"a": [1, None]}})["data"]
    invitation = check.call("POST", f"/pools/{pool['id']}/members", owner,
                            json={"username": member.username, "role": "admin"})["data"]
    check.call("GET", "/pools/invitations/pending", member)
    check.call("POST", f"/pools/{invitation['id']}/accept", member)
    second = check.call("POST", f"/pools/{pool['id']}/members", owner,
                        json={"username": invitee.username, "role": "user"})["data"]
    check.call("POST", f"/pools/{second['id']}/reject", invitee)
    check.call("PATCH", f"/pools/{pool['id']}", owner, json={"description": "Ours"})
    check.call("PUT", f"/pools/{pool['id']}", owner, json={"settings": {}})
    check.call("PATCH", f"/pools/{pool['id']}/members/{member.id}", owner, json={"role": "user"})
    check.call("PUT", f"/pools/{pool['id']}/members/{member.id}", owner, json={"role": "admin"})

    check.call("GET", "/servers/available?limit=1", owner)
    rental = check.call("POST", f"/servers/{server_id}/rent", owner, json={"rental_days": 7, "pool_id": pool["id"]},
                        headers={"Idempotency-Key": "first-rent"})["data"]["rental"]
    check.call("POST", f"/rentals/{rental['id']}/extend", member, json={"additional_days": 30})
    check.call("PUT", f"/rentals/{rental['id']}/auto-renew", member, json={"additional_days": 30,
                                                                          "max_charge_cents": 100_000})
    check.call("DELETE", f"/rentals/{rental['id']}/auto-renew", member)
    check.call("GET", "/pools", owner)
    check.call("GET", f"/pools/{pool['id']}/spending?month=2025-01", member)
    check.call("GET", "/wallet/spending", owner)
    assert check.call("GET", "/wallet/transactions/export?from=2025-01-01&to=2025-01-31", owner).get_data()
    assert check.call("GET", f"/pools/{pool['id']}/wallet/transactions/export", member).get_data()
    check.call("GET", f"/pools/{pool['id']}", owner)
    check.call("GET", "/rentals", owner)
    check.call("GET", "/servers", member)
    check.call("GET", f"/rentals/{rental['id']}", owner)
    check.call("GET", f"/servers/{rental['id']}", member)
    check.call("GET", "/wallet/balance", owner)
    check.call("GET", "/wallet/transactions", member)
    invoice = check.call("GET", "/wallet/invoices?page=1&limit=5", member)["data"]["invoices"][0]
    check.call("GET", "/wallet/invoices/", owner)
    check.call("GET", f"/wallet/invoices/{invoice['id']}", member)
    check.call("GET", f"/wallet/invoices/{invoice['id']}/pdf", member)
    check.call("GET", "/wallet/balances", owner)
    check.call("GET", "/wallet/balances/general", owner)
    check.call("GET", f"/wallet/transactions/{check.call('GET', '/wallet/transactions', owner)['data'][0]['id']}", owner)
    check.call("GET", "/wallet/payment-availability", owner)
    started = check.call("POST", "/wallet/payments/stripe/checkout", owner, json={"amount": "50.00"})["data"]
    payload = paid(stripe_api.sessions[started["checkout_url"].rsplit("/", 1)[1]])
    check.call("POST", "/wallet/payments/stripe/webhook", data=payload,
               headers={"Stripe-Signature": signature_header(payload), "Content-Type": "application/json"})
    check.call("GET", "/wallet/payments/stripe/intents", owner)
    check.call("GET", f"/wallet/payments/stripe/intents/{started['intent_id']}", owner)
    asked = check.call("POST", "/wallet/credit-requests", member, json={"amount_cents": 5000, "reason": "Budget"})
    declined = check.call("POST", "/wallet/credit-requests", member, json={"amount_cents": 100, "reason": "More"})
    check.call("GET", "/wallet/credit-requests", member)
    check.call("GET", f"/pools/{pool['id']}/audit", owner)
    check.call("POST", f"/pools/{pool['id']}/wallet/transfers", owner, json={"amount_cents": 500_00})
    check.call("GET", f"/pools/{pool['id']}/wallet", member)
    check.call("GET", f"/pools/{pool['id']}/wallet/transactions", member)
    check.call("PUT", f"/pools/{pool['id']}/budget", owner, json={"approval_threshold_cents": 100_00})
    for path, body in (("/servers/507f1f77bcf86cd799439015/rent", {"rental_days": 30, "pool_id": pool["id"]}),
                       (f"/rentals/{rental['id']}/extend", {"additional_days": 30})):
        sent = api.post(path, as_=member, json={**body, "pay_from": "pool"})
        assert sent.status_code == 202 and sent.json["message"] == "Sent for approval"
        model = response_schemas.SpendRequested.model_validate(sent.json["data"], strict=True)
        assert json.dumps(model.model_dump(mode="json")) == json.dumps(sent.json["data"])
    requests = check.call("GET", f"/pools/{pool['id']}/spend-requests", owner)["data"]
    check.call("POST", f"/pools/{pool['id']}/spend-requests/{requests[1]['id']}/approve", owner)
    check.call("POST", f"/pools/{pool['id']}/spend-requests/{requests[0]['id']}/reject", owner)
    check.call("POST", f"/pools/{pool['id']}/transfer", owner, json={"user_id": member.id})
    check.call("POST", f"/pools/{pool['id']}/transfer/decline", member)
    check.call("POST", f"/pools/{pool['id']}/transfer", owner, json={"user_id": member.id})
    check.call("GET", f"/pools/{pool['id']}", member)
    check.call("POST", f"/pools/{pool['id']}/transfer/accept", member)
    check.call("DELETE", f"/pools/{pool['id']}/members/{owner.id}", member)
    check.call("DELETE", f"/pools/{pool['id']}", member)
    administrator = make_user("site_admin", is_admin=True)
    check.call("POST", f"/admin/users/{invitee.id}/disable", administrator)
    check.call("POST", f"/admin/users/{invitee.id}/enable", administrator)
    check.call("PUT", f"/admin/rentals/{rental['id']}/provisioning", administrator,
               json={"status": "ready", "message": "Installed", "access": {"ipv4": ["203.0.113.10"]}})
    check.call("GET", "/admin/credit-requests?status=pending", administrator)
    check.call("POST", f"/admin/credit-requests/{asked['data']['id']}/approve", administrator)
    check.call("POST", f"/admin/credit-requests/{declined['data']['id']}/reject", administrator)
    announcement = check.call("POST", "/admin/notifications", administrator,
                              json={"title": "Maintenance", "is_public": True})["data"]
    check.call("GET", "/notifications/public")
    check.call("GET", "/notifications?unread=true", owner)
    check.call("GET", "/notifications/", owner)
    check.call("PUT", f"/notifications/{announcement['id']}/read", owner)
    check.call("POST", f"/notifications/{announcement['id']}/read", member)
    check.call("PUT", "/notifications/read-all", owner)
    check.call("POST", "/notifications/read-all", member)
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # links are queued, never sent: no worker runs here
    check.call("GET", "/users/me", owner)
    check.call("PATCH", "/users/me", owner, json={"email": "lead@example.com"})
    check.call("POST", "/auth/resend-verification", owner)
    with app.app_context():
        from services.verification import token_for

        token = token_for(owner.id, "lead@example.com")
    check.call("POST", "/auth/verify-email", json={"token": token})
    check.call("PUT", "/users/me", owner, json={"notification_preferences": {"rental.expired": {"email": False}},
                                                "low_balance_threshold_cents": 5000})
    check.call("GET", "/users/auth/me", member)
    check.call("PUT", f"/users/{member.id}", member, json={"current_password": PASSWORD, "password": "a-new-passphrase"})
    check.call("PATCH", f"/users/{member.id}", member, json={"current_password": "a-new-passphrase",
                                                             "password": PASSWORD})
    check.call("GET", "/users/me/security-history?include_failed=true&include_security=true", member)
    check.call("POST", "/users/auth/logout", member)

    made = check.call("POST", "/auth/tokens", owner, json={"alias": "CI", "permission_template": "read_only",
                                                          "ip_whitelist": ["10.0.0.0/8"], "expires_at": "tomorrow"})
    check.call("GET", "/auth/tokens", owner)
    check.call("GET", "/auth/tokens/me", owner)
    check.call("GET", "/auth/tokens/templates", owner)
    check.call("GET", f"/auth/tokens/{made['data']['id']}", owner)
    check.call("PATCH", f"/auth/tokens/{made['data']['id']}", owner, json={"is_enabled": False})
    check.call("PUT", f"/auth/tokens/{made['data']['id']}", owner, json={"alias": "CI 2", "expires_at": None})
    check.call("DELETE", f"/auth/tokens/{made['data']['id']}", owner)
    setup = check.call("POST", "/users/auth/2fa/setup", owner, json={"password": PASSWORD})["data"]
    check.call("POST", "/users/auth/2fa/verify-setup", owner, json={"code": code_at(setup["manual_entry_key"],
                                                                                     datetime.now(timezone.utc))})
    check.call("GET", "/users/auth/2fa/status", owner)
    check.call("PUT", "/users/auth/2fa/token-gate", owner, json={"require_for_tokens": True})
    backup_codes = check.call("POST", "/users/auth/2fa/backup-codes/regenerate", owner,
                              json={"password": PASSWORD, "code": setup["backup_codes"][0]})["data"]["backup_codes"]
    challenge = check.call("POST", "/users/auth/login", json={"username": "team_lead", "password": PASSWORD})["data"]
    check.call("POST", "/users/auth/2fa/verify", json={"temp_token": challenge["temp_token"], "code": backup_codes[0]})
    check.call("DELETE", "/users/auth/2fa", owner, json={"password": PASSWORD, "code": backup_codes[1]})
    check.call("POST", "/auth/forgot-password", json={"email": "lead@example.com"})
    with app.app_context():
        from sqlalchemy import select

        from core.extensions import db
        from models import PasswordReset
        from services.recovery import token_for

        reset_token = token_for(db.session.scalar(select(PasswordReset.id)))
    check.call("POST", "/auth/reset-password", json={"token": reset_token, "password": "a brand new passphrase"})
    check.call("POST", "/auth/signup", json={"username": "newcomer", "password": PASSWORD,
                                            "email": "newcomer@example.com"})

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    receiver = Receiver()
    try:
        hook = check.call("POST", "/webhooks", owner, json={"url": receiver.url, "events": ["*"]})["data"]
        check.call("GET", "/webhooks", owner)
        check.call("GET", f"/webhooks/{hook['id']}", owner)
        check.call("PATCH", f"/webhooks/{hook['id']}", owner, json={"description": "Bot"})
        check.call("PUT", f"/webhooks/{hook['id']}", owner, json={"enabled": True})
        check.call("POST", f"/webhooks/{hook['id']}/test", owner)
        with app.app_context():
            app.extensions["jobs"].tick()
        attempt = check.call("GET", f"/webhooks/{hook['id']}/deliveries", owner)["data"][0]
        check.call("POST", f"/webhooks/{hook['id']}/deliveries/{attempt['id']}/redeliver", owner)
        check.call("DELETE", f"/webhooks/{hook['id']}", owner)
    finally:
        receiver.stop()

    documented = {(method.upper(), endpoint_of(method, op)) for method, _, op in operations(document)}
    assert check.seen == documented


@pytest.mark.parametrize("method, path, documented, body, status", [
    ("GET", "/pools", "/pools", None, 401),
    ("GET", "/pools/not-an-id", "/pools/{pool_id}", None, 400),
    ("GET", "/pools/507f1f77bcf86cd799439300", "/pools/{pool_id}", None, 404),
    ("POST", "/pools", "/pools", {"name": ""}, 400),
])
def test_errors_are_the_documented_error_body(api, make_user, document, method, path, documented, body, status):
    alice = make_user("alice")
    response = api.call(method, path, as_=None if status == 401 else alice, json=body)
    assert response.status_code == status
    model = ErrorBody.model_validate(response.json, strict=True)
    assert json.dumps(model.model_dump(mode="json", exclude_unset=True)) == json.dumps(response.json)
    reference = document["paths"][f"/api/v1{documented}"][method.lower()]["responses"][str(status)]
    if "$ref" in reference:
        reference = document["components"]["responses"][reference["$ref"].rsplit("/", 1)[1]]
    validator(document, reference["content"]["application/json"]["schema"]).validate(response.json)


# --- The reference page ------------------------------------------------------------------------------


def test_the_reference_page_shows_every_operation(client, document):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/api/v1/openapi.json"' in page
    for method, path, operation in operations(document):
        start = page.index(f'id="op-{operation["operationId"]}"')
        section = page[start:page.index("</article>", start)]
        assert f">{method.upper()}</span>" in section
        assert f'<code class="api-path">{path}</code>' in section
        assert operation["summary"].replace("'", "&#39;").replace('"', "&#34;") in section
        for parameter in operation.get("parameters", ()):
            assert f"<code>{parameter['name']}</code>" in section
        for status in operation["responses"]:
            assert f">{status}</span>" in section


def test_the_reference_page_needs_no_inline_script_or_style(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "style=" not in page
    assert re.findall(r"<script[^>]*>", page) == [f'<script src="/static/js/{name}" defer>'
                                                  for name in re.findall(r'/static/js/([^"]+)"', page)]
    # Nothing is fetched from elsewhere (no CDN); a random CSRF token may well spell "cdn".
    assert [address for address in re.findall(r'(?:src|href)="([^"]*)"', page)
            if address.startswith(("http:", "https:", "//"))] == []


def test_the_marketplace_example_is_what_the_api_serves_for_the_published_server(app, api, make_user, document):
    alice = make_user("alice")
    make_servers(app, [SEED_SERVER])
    example = document["paths"]["/api/v1/servers/available"]["get"]["responses"]["200"]["content"][
        "application/json"]["example"]
    served = api.get("/servers/available", as_=alice).json
    assert json.dumps(served) == json.dumps(example)
