"""The OpenAPI 3.1 document of the API (``GET /api/v1/openapi.json``), generated, never hand-kept.

Each endpoint declares itself with ``@operation`` (``views.api.operations``); this module turns the
declarations into the document. Paths and methods come from the app's URL map; request bodies are the
pydantic models that validate them; ``data`` of every answer is a model of
``views.api.response_schemas``; query parameters are read off the marketplace's filters
(``services.marketplace``), the paging rules (``services.paging``) and the limits (``core.limits``);
examples are ``views.api.examples``. The refusals each endpoint declares are codes; the codes every
endpoint of its kind can give (bad input, no token or a disabled account's, an unknown path id, a body
over the limit, a reused Idempotency-Key) are added from what it takes, and each error answer lists
its codes (``code``'s ``enum``, and its description).
"""
import dataclasses
import typing
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.http import HTTP_STATUS_CODES

from core.ids import ID_PATTERN
from core.limits import (
    CPU_SCORE_TYPES,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    IDEMPOTENCY_KEY_MAX,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PAGE_OFFSET_MAX,
    RAM_TYPES,
    SERVER_CATEGORIES,
)
from core.numbers import BLANK_PATTERN, EXPONENT_DIGITS_MAX
from services import marketplace
from services.permissions import TOKEN_PERMISSION_DENIED
from services.token_addresses import IP_NOT_ALLOWED
from services.errors import (
    ACCOUNT_DISABLED,
    ALREADY_MEMBER,
    CHARGE_EXCEEDS_MAX,
    CONFLICT,
    EMAIL_ALREADY_VERIFIED,
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    EXTENSION_ALREADY_APPLIED,
    FORBIDDEN,
    IDEMPOTENCY_KEY_REUSED,
    INSUFFICIENT_BALANCE,
    INVITATION_EXPIRED,
    INVITATION_NOT_PENDING,
    NAME_TAKEN,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    RENTAL_ENDED,
    SERVER_UNAVAILABLE,
    TWO_FACTOR_REQUIRED,
    UNAUTHENTICATED,
    URI_TOO_LONG,
    VALIDATION_FAILED,
)
from views.api import api
from views.api import response_schemas as out
from views.api.examples import ERROR_MESSAGES, VALIDATION_DETAILS
from views.api.operations import Operation, declared, openapi_path, operation, path_parameters

API_PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
SECURITY_SCHEME = "bearerAuth"
METHOD_ORDER = ("GET", "POST", "PATCH", "PUT", "DELETE")


# --- Query parameters ----------------------------------------------------------------------------

MARKETPLACE_PARAMETERS = {
    # name: (description, enum or None); the names, types and rules are those of
    # ``marketplace.MarketplaceFilters`` and ``marketplace.parse_filters``.
    "country": ("Country code, 2 letters in any case (e.g. US, DE)", None),
    "region": ("Region, exact (e.g. us-east, eu-central)", None),
    "max_price_per_day": ("Largest per-day price in dollars: the server's cheapest per-day price over its "
                          "durations, or over available_durations when given", None),
    "available_durations": ("Durations in days; the server offers at least one of them", None),
    "min_cpu_cores": ("Minimum CPU cores", None),
    "min_cpu_score": ("Minimum CPU benchmark score, of cpu_score_type (passmark when not given)", None),
    "cpu_score_type": ("CPU benchmark the score is of; alone, lists servers with a score of that type",
                       CPU_SCORE_TYPES),
    "min_ram_gb": ("Minimum RAM in GB", None),
    "ram_types": ("RAM types; exact values, so DDR5 does not match ECC DDR5", RAM_TYPES),
    "min_total_storage_gb": ("Minimum total storage in GB", None),
    "disk_types": ("The server has at least one disk of one of these types", DISK_TYPES),
    "min_bandwidth_mbps": ("Minimum network bandwidth in Mbps", None),
    "min_traffic_tb": ("Minimum monthly traffic in TB; unlimited traffic always passes", None),
    "unlimited_traffic_only": ("Only servers with unlimited traffic", None),
    "category": ("Server category", SERVER_CATEGORIES),
    "featured_only": ("Only featured servers", None),
    "sort": ("Order first by: price_per_day (cheapest first), -price_per_day (dearest first), cpu_score, "
             "ram_gb or storage_gb (largest first); ties keep the default order", marketplace.SORTS),
}
# The value a query parameter may be given as to mean "not given" (``core.numbers``): the pages' filter
# form sends every field, empty or not.
NOT_GIVEN = {"type": "string", "pattern": BLANK_PATTERN}
NOT_GIVEN_NOTE = "; empty (or only spaces and tabs) means not given"
NUMBER_NOTE = (f"; a non-negative number as JavaScript prints it (15, 15.5, 1e-7), with an exponent of at most "
               f"{EXPONENT_DIGITS_MAX} digits")
# Patterns of the text ``parse_filters`` accepts for a string filter, surrounding spaces and empty included.
MARKETPLACE_PATTERNS = {
    "country": rf"^[ \t]*({marketplace._COUNTRY.pattern})?[ \t]*$",
    "region": r"^[^\u0000]*$",  # no database column can hold NUL
}


def _or_not_given(schema: dict) -> dict:
    return {"anyOf": [schema, NOT_GIVEN]}


def _filter_schema(name: str, annotation: Any, enum: tuple[str, ...] | None) -> dict:
    """The JSON Schema of one marketplace filter, from its type in ``MarketplaceFilters``."""
    if annotation is bool:
        return {**_or_not_given({"type": "boolean"}), "default": False}
    if typing.get_origin(annotation) is tuple:
        item_type = typing.get_args(annotation)[0]
        if item_type is int:
            items = {"type": "integer", "minimum": 1, "maximum": DURATION_DAYS_MAX}
        else:
            items = {"type": "string", "enum": list(enum)}
        # Empty items are dropped, and an item may come twice.
        return _or_not_given({"type": "array", "items": _or_not_given(items)})
    if isinstance(enum, dict):  # a filter that describes its own schema
        return _or_not_given(enum)
    base = [arg for arg in typing.get_args(annotation) if arg is not type(None)][0]
    if base is Decimal:
        return _or_not_given({"type": "number", "minimum": 0})
    if name in MARKETPLACE_PATTERNS:
        return {"type": "string", "pattern": MARKETPLACE_PATTERNS[name]}
    return _or_not_given({"type": "string", "enum": list(enum)})


def filter_parameters(filters: type) -> list[dict]:
    """The query parameters of a dataclass of filters (``marketplace.MarketplaceFilters``), one a field;
    a dataclass other than the marketplace's describes its own in ``PARAMETERS``."""
    hints = typing.get_type_hints(filters)
    parameters = []
    for filter_field in dataclasses.fields(filters):
        description, enum = getattr(filters, "PARAMETERS", MARKETPLACE_PARAMETERS)[filter_field.name]
        annotation = hints[filter_field.name]
        parameter = {"name": filter_field.name, "in": "query", "required": False, "description": description,
                     "schema": _filter_schema(filter_field.name, annotation, enum)}
        if typing.get_origin(annotation) is tuple:
            # Described as the published client sends arrays (ram_types=DDR4,DDR5); repeated keys work too.
            parameter["description"] += "; one comma-joined value or repeated keys"
            parameter["style"], parameter["explode"] = "form", False
        if Decimal in typing.get_args(annotation):
            parameter["description"] += NUMBER_NOTE
        parameter["description"] += NOT_GIVEN_NOTE
        parameters.append(parameter)
    return parameters


def paging_parameters() -> list[dict]:
    """``limit`` and ``offset`` as ``services.paging.parse_page`` reads them."""
    return [
        {"name": "limit", "in": "query", "required": False, "description": "Items per page" + NOT_GIVEN_NOTE,
         "schema": {**_or_not_given({"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT_MAX}),
                    "default": PAGE_LIMIT_DEFAULT}},
        {"name": "offset", "in": "query", "required": False, "description": "Items to skip" + NOT_GIVEN_NOTE,
         "schema": {**_or_not_given({"type": "integer", "minimum": 0, "maximum": PAGE_OFFSET_MAX}), "default": 0}},
    ]


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "The same key with the same request replays the first successful answer (with "
                   "Idempotent-Replayed: true) instead of charging again; with another request it is a 409. "
                   "Keys belong to the user who sends them.",
    "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": r"^[\x20-\x7e]+$"},
}

PATH_PARAMETERS = {
    "pool_id": "Pool id",
    "invitation_id": "Invitation id (from the pending invitations, or the invite answer)",
    "user_id": "A user's id (in a pool's member paths, the member's)",
    "rental_id": "Rental id",
    "server_id": "Server id (from the marketplace)",
    "notification_id": "Notification id (from your notifications)",
    "token_id": "API token id (from your tokens)",
}


TAGS = (
    ("Authentication", "Tokens for the API. Every endpoint but login and this document needs "
                       "`Authorization: Bearer <token>`; a token of a disabled account gets 403."),
    ("Account", "Your account: the email address notifications go to, which events reach you how, and "
                "when a low balance warns you."),
    ("Pools", "Pools let teams share the servers they rent."),
    ("Pool Invitations", "Review, accept and reject invitations to pools."),
    ("Pool Members", "Invite members, change their roles, remove them."),
    ("Server Marketplace", "Browse the servers for rent and rent one."),
    ("Rentals", "Your rentals and your pools' rentals; extend them."),
    ("Wallet", "The balance rentals are paid from, and its transactions."),
    ("Notifications", "What happened to your rentals, wallet and pools, and the announcements to everyone."),
    ("Administration", "For administrators: disable and enable accounts, post announcements."),
    ("API Tokens", "Tokens with permissions, allowed addresses and an expiry; each operation says the "
                   "permission (`x-permission`) a token needs for it."),
    ("Documentation", "This document."),
)


# --- Errors --------------------------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "Bad input: malformed JSON, a wrong type, a value out of range, an unknown enum value or a "
         "malformed id. `details` lists each bad field.",
    401: "No token, or an invalid, expired or revoked one",
    402: "The balance is short of the price; nothing was charged",
    403: "Not allowed: your role or the token's permissions do not allow this, the token is not accepted from "
         "this address, or an administrator has disabled your account",
    404: "Not found, or not yours to see",
    409: "A conflict with the current state; nothing was changed",
    410: "The invitation or offer was open until its `expires_at`, which has passed; nothing was changed",
    413: "The request body is larger than the limit (MAX_CONTENT_LENGTH, 256 KB by default)",
    414: "The URL (path and query string) is longer than the limit (MAX_URL_LENGTH, 4096 bytes by default)",
    429: "Too many attempts; wait for Retry-After seconds",
}
# Every code an operation can answer with: its status (one a code) and when it is given.
CODES = {
    VALIDATION_FAILED: (400, "a bad field, type, range, enum value or id, or a request the rules refuse"),
    UNAUTHENTICATED: (401, "no, bad, revoked or expired credentials"),
    TWO_FACTOR_REQUIRED: (401, "a one-time code is needed, or the one given is wrong or was used already"),
    INSUFFICIENT_BALANCE: (402, "the wallet that pays is short"),
    FORBIDDEN: (403, "your role does not allow this"),
    ACCOUNT_DISABLED: (403, "an administrator has disabled the account"),
    TOKEN_PERMISSION_DENIED: (403, "the token does not have the permission this needs (`details` names it)"),
    IP_NOT_ALLOWED: (403, "the token is not accepted from the address calling"),
    NOT_FOUND: (404, "missing, or not yours to see"),
    CONFLICT: (409, "a conflict with the current state"),
    NAME_TAKEN: (409, "the name is already used"),
    ALREADY_MEMBER: (409, "the user owns the pool, is a member or is already invited"),
    INVITATION_NOT_PENDING: (409, "the invitation was already accepted"),
    INVITATION_EXPIRED: (410, "the invitation's (or offer's) time ran out"),
    SERVER_UNAVAILABLE: (409, "the server is rented"),
    CHARGE_EXCEEDS_MAX: (409, "the price is above `max_charge_cents`"),
    EXTENSION_ALREADY_APPLIED: (409, "`expected_rental_end` is no longer the rental's end"),
    RENTAL_ENDED: (409, "the rental has ended"),
    EMAIL_TAKEN: (409, "the email address belongs to another account"),
    EMAIL_NOT_CONFIGURED: (409, "this server sends no email (no SMTP_URL)"),
    EMAIL_ALREADY_VERIFIED: (409, "the address is verified already"),
    IDEMPOTENCY_KEY_REUSED: (409, "the Idempotency-Key was sent with a different request"),
    PAYLOAD_TOO_LARGE: (413, "the body is over the limit"),
    URI_TOO_LONG: (414, "the URL is over the limit"),
    RATE_LIMITED: (429, "too many attempts"),
}
# The error answers under ``#/components/responses``: one a status, each with one code. An operation
# whose answers of a status carry just that code, and have no example of their own, refer to it. The
# 413 and 414 answers are also the ones any request can get, whatever its operation lists.
SHARED_ERRORS = (VALIDATION_FAILED, UNAUTHENTICATED, INSUFFICIENT_BALANCE, ACCOUNT_DISABLED, NOT_FOUND, CONFLICT,
                 PAYLOAD_TOO_LARGE, URI_TOO_LONG, RATE_LIMITED)


def error_codes(op: Operation, path_parameters: list[str]) -> dict[int, list[str]]:
    """Every code ``op`` can answer with, by status: those it declares, and those of its kind."""
    codes = set(op.errors)
    if op.body or op.paged or op.query or path_parameters or op.idempotent:
        codes.add(VALIDATION_FAILED)
    if not op.public:
        codes.update((UNAUTHENTICATED, ACCOUNT_DISABLED))  # a token of a disabled account, whatever the endpoint
        codes.add(IP_NOT_ALLOWED)  # a token used from outside its ip_whitelist
        if op.permission is not None:
            codes.add(TOKEN_PERMISSION_DENIED)
    if path_parameters:
        codes.add(NOT_FOUND)
    if op.body or op.idempotent:
        codes.add(PAYLOAD_TOO_LARGE)
    if op.idempotent:
        codes.add(IDEMPOTENCY_KEY_REUSED)
    if unknown := codes - set(CODES):
        raise ValueError(f"codes the document does not describe: {sorted(unknown)}")
    if unlisted := set(op.error_examples) - codes:
        raise ValueError(f"examples of codes the operation does not answer with: {sorted(unlisted)}")
    by_status: dict[int, list[str]] = {}
    for code, (status, _) in CODES.items():
        if code in codes:
            by_status.setdefault(status, []).append(code)
    return dict(sorted(by_status.items()))


def _error_response(status: int, codes: list[str], example_code: str, message: str) -> dict:
    """The error answer of ``status`` with ``codes``; its example is ``message`` with ``example_code``."""
    phrase = HTTP_STATUS_CODES[status]
    meanings = ", ".join(f"`{code}` ({CODES[code][1]})" for code in codes)
    response = {
        "description": f"{ERROR_DESCRIPTIONS[status].removesuffix('.')}. Code{'s' * (len(codes) > 1)}: {meanings}.",
        "content": {"application/json": {
            "schema": {"allOf": [_ref(out.ErrorBody), {"properties": {"statusCode": {"const": status},
                                                                      "error": {"const": phrase},
                                                                      "code": {"enum": codes}}}]},
            "example": {"statusCode": status, "message": message, "error": phrase, "code": example_code},
        }},
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before trying again",
                                               "schema": {"type": "integer", "minimum": 0}}}
    return response


def shared_error_responses() -> dict:
    responses = {}
    for code in SHARED_ERRORS:
        status = CODES[code][0]
        responses[_response_name(status)] = response = _error_response(status, [code], code, ERROR_MESSAGES[code])
        if code == VALIDATION_FAILED:
            response["content"]["application/json"]["example"]["details"] = VALIDATION_DETAILS
    return responses


def _response_name(status: int) -> str:
    return HTTP_STATUS_CODES[status].replace(" ", "")


def _operation_error(op: Operation, status: int, codes: list[str]) -> dict:
    """The answer of ``op`` with ``status``: the shared one where it is the same, otherwise its own."""
    own = [code for code in codes if code in op.error_examples]
    if not own and len(codes) == 1 and codes[0] in SHARED_ERRORS:
        return {"$ref": f"#/components/responses/{_response_name(status)}"}
    example_code = own[0] if own else next(code for code in codes if code in SHARED_ERRORS)
    message = op.error_examples[example_code] if own else ERROR_MESSAGES[example_code]
    return _error_response(status, codes, example_code, message)


# --- The document --------------------------------------------------------------------------------


def _models(data: Any) -> list[type[BaseModel]]:
    if isinstance(data, type) and issubclass(data, BaseModel):
        return [data]
    return [arg for arg in typing.get_args(data) if isinstance(arg, type) and issubclass(arg, BaseModel)]


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _data_schema(data: Any) -> dict:
    if data is None:
        return {"type": "null"}
    if isinstance(data, dict):
        return data
    if typing.get_origin(data) is list:
        return {"type": "array", "items": _ref(typing.get_args(data)[0])}
    if models := _models(data) if not isinstance(data, type) else []:
        return {"oneOf": [_ref(model) for model in models]}  # one of several shapes (``A | B``)
    return _ref(data)


def component_schemas(operations: list[Operation]) -> dict:
    """Every request and response model, with references between them under ``#/components/schemas``."""
    requests = {op.body for op in operations if op.body is not None}
    responses = {model for op in operations for model in _models(op.data)} | {out.ErrorBody}
    models = [(model, "validation") for model in sorted(requests, key=lambda m: m.__name__)]
    models += [(model, "serialization") for model in sorted(responses, key=lambda m: m.__name__)]
    _, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
    return dict(sorted(schemas.get("$defs", {}).items()))


def _success_response(op: Operation) -> dict:
    if op.media_type != "application/json":
        return {"description": op.message, "content": {op.media_type: {"schema": {"type": "string",
                                                                                  "format": "binary"}}}}
    if not op.envelope:
        return {"description": op.message, "content": {"application/json": {"schema": _data_schema(op.data)}}}
    schema = {
        "type": "object",
        "required": ["statusCode", "message", "data"],
        "additionalProperties": False,
        "properties": {
            "statusCode": {"type": "integer", "const": op.status},
            "message": {"type": "string", "const": op.message},
            "data": _data_schema(op.data),
        },
    }
    media: dict = {"schema": schema}
    if op.example is not None:
        media["example"] = {"statusCode": op.status, "message": op.message, "data": op.example}
    response: dict = {"description": op.message, "content": {"application/json": media}}
    headers = {}
    if op.paged:
        headers["X-Total-Count"] = {"description": "How many items there are in all pages",
                                    "required": True, "schema": {"type": "integer", "minimum": 0}}
    if op.idempotent:
        headers["Idempotent-Replayed"] = {"description": "`true` when this is the replayed answer of an "
                                                         "earlier request with the same Idempotency-Key",
                                          "schema": {"type": "string", "enum": ["true"]}}
    if headers:
        response["headers"] = headers
    if op.links:
        response["links"] = {
            endpoint.split(".", 1)[1]: {"operationId": endpoint.split(".", 1)[1], "parameters": parameters}
            for endpoint, parameters in op.links.items()
        }
    return response


def _operation(endpoint: str, op: Operation, method: str, path_parameters: list[str], primary: bool) -> dict:
    name = endpoint.split(".", 1)[1]
    document: dict = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": name if primary else f"{name}_{method.lower()}",
    }
    if op.description:
        document["description"] = op.description
    parameters = [
        {"name": name_, "in": "path", "required": True, "description": PATH_PARAMETERS[name_],
         "schema": {"type": "string", "pattern": ID_PATTERN.pattern}}
        for name_ in path_parameters
    ]
    if op.query is not None:
        parameters += filter_parameters(op.query)
    if op.paged:
        parameters += paging_parameters()
    if op.idempotent:
        parameters.append(IDEMPOTENCY_KEY_PARAMETER)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        media: dict = {"schema": _ref(op.body)}
        if op.body_example is not None:
            media["example"] = op.body_example
        document["requestBody"] = {"required": bool(op.body.model_json_schema().get("required")),
                                   "content": {"application/json": media}}
    responses = {str(op.status): _success_response(op)}
    for status, codes in error_codes(op, path_parameters).items():
        responses[str(status)] = _operation_error(op, status, codes)
    document["responses"] = responses
    if op.public:
        document["security"] = []
    else:
        # The token permission it needs: a leaf of the tree, "*" for a full-access token, null for any token.
        document["x-permission"] = op.permission
    return document


def build_document(app: Flask) -> dict:
    operations = declared(app)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    paths: dict[str, dict] = {}
    for endpoint, op in operations.items():
        rule = rules[endpoint]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"}, key=METHOD_ORDER.index)
        for i, method in enumerate(methods):
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = _operation(
                endpoint, op, method, path_parameters(rule.rule), primary=i == 0)
    used_tags = {op.tag for op in operations.values()}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Servermarket API",
            "version": API_VERSION,
            "description": "Browse the marketplace of dedicated servers, rent them from your wallet, manage "
                           "rentals, and share them with your team through pools. Every answer is an "
                           "envelope `{\"statusCode\", \"message\", \"data\"}` with the HTTP status in "
                           "`statusCode`; errors are `{\"statusCode\", \"message\", \"error\", \"code\", "
                           "\"details\"?}`, where `code` is a stable name to branch on, and each operation "
                           "lists the codes of each of its error statuses. "
                           "Ids are 24 lowercase hex characters; times are UTC like "
                           "`2025-01-21T22:00:00.000Z`. A request body over the size limit gets 413, and a "
                           "URL over its limit 414, wherever they are sent.",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS if name in used_tags],
        "paths": paths,
        "components": {
            "schemas": component_schemas(list(operations.values())),
            "responses": shared_error_responses(),
            "securitySchemes": {SECURITY_SCHEME: {
                "type": "http", "scheme": "bearer",
                "description": "A token from POST /api/v1/users/auth/login or the API tokens page"}},
        },
        "security": [{SECURITY_SCHEME: []}],
    }


def document(app: Flask) -> dict:
    """The document of ``app``, built once."""
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build_document(app)
    return app.extensions["openapi"]


@api.get("/openapi.json")
@operation(
    permission=None,
    tag="Documentation", summary="This OpenAPI document", message="The OpenAPI document",
    data={"type": "object", "required": ["openapi", "info", "paths"]}, public=True, envelope=False,
    description="The OpenAPI 3.1 description of this API, generated from the schemas that validate requests and "
                "shape answers. The answer is the document itself, not an envelope.",
)
def openapi_document():
    return document(current_app)
