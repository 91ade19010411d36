"""The OpenAPI 3.1 document of the API (``GET /api/v1/openapi.json``), generated, never hand-kept.

Paths and methods come from the app's URL map; request bodies are the pydantic models that validate
them (``views.api.schemas``); ``data`` of every answer is a model of ``views.api.response_schemas``;
query parameters are read off the marketplace's filters (``services.marketplace``), the paging rules
(``services.paging``) and the limits (``core.limits``). Documenting an endpoint is one ``Operation``
entry in ``OPERATIONS``; statuses every endpoint of its kind can give (400 for bad input, 401 without
a token and 403 for a disabled account's, 404 for a path id, 413 for a body) are added from what the
entry says the endpoint takes.
"""
import dataclasses
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.http import HTTP_STATUS_CODES

from core.limits import (
    CPU_SCORE_TYPES,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    IDEMPOTENCY_KEY_MAX,
    LOGIN_TOKEN_DAYS,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PAGE_OFFSET_MAX,
    RAM_TYPES,
    SERVER_CATEGORIES,
)
from core.numbers import BLANK_PATTERN, EXPONENT_DIGITS_MAX
from services import marketplace
from services.errors import code_for_status
from services.inventory import price_tiers
from views.api import api
from views.api import response_schemas as out
from views.api.schemas import (
    ChangeRoleBody,
    CreatePoolBody,
    ExtendBody,
    InviteMemberBody,
    LoginBody,
    RentBody,
    UpdatePoolBody,
)

API_PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
SECURITY_SCHEME = "bearerAuth"
PATH_ID_PATTERN = r"^[0-9a-fA-F]{24}$"
METHOD_ORDER = ("GET", "POST", "PATCH", "PUT", "DELETE")


# --- Examples (the published ones, with the fields they leave out filled in) ------------------------

SEED_USER = {"id": "507f1f77bcf86cd799439011", "username": "team_lead", "alias": "Team Lead"}
SEED_POOL = {
    "id": "507f1f77bcf86cd799439300",
    "name": "Development Team",
    "description": "Pool for development team resources",
    "is_default": False,
    "settings": {},
    "created_at": "2025-01-15T10:00:00.000Z",
    "updated_at": "2025-01-20T14:30:00.000Z",
    "owner_id": "507f1f77bcf86cd799439011",
}
SEED_SPECS = {
    "cpu": {"model": "AMD EPYC 7763", "cores": 64, "threads": 128, "score": 48500, "score_type": "passmark"},
    "ram": {"capacity_gb": 256, "type": "ECC DDR5", "speed_mhz": 4800},
    "disks": {
        "config": [
            {"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": "PCIe 4.0"},
            {"count": 6, "capacity_gb": 15000, "type": "NVMe", "interface": "PCIe 4.0"},
        ],
        "total_gb": 92000,
        "summary": "2x1TB NVMe + 6x15TB NVMe",
    },
    "network": {"bandwidth_mbps": 10000, "bandwidth_formatted": "10 Gbps", "traffic_tb": 100,
                "traffic_unlimited": False},
    "additional": {"ipv4_count": 5, "ipv6_enabled": True},
}
SEED_SERVER_IDENTITY = {
    "id": "507f1f77bcf86cd799439014", "name": "node-us-nyc-1", "country": "US", "region": "us-east",
    "city": "New York", "datacenter": "NYC-DC1", "model": "Intel Xeon E5-2680 v4", "is_vm": False,
}
SEED_PRICES_CENTS = {1: 1200, 7: 7000, 30: 24000}
SEED_MARKETPLACE_SERVER = {
    **SEED_SERVER_IDENTITY,
    "category": "compute", "featured": True, "popularity_rank": 1, "setup_time_minutes": 15,
    "pricing": {
        "prices": {str(days): f"{cents // 100}.{cents % 100:02d}" for days, cents in SEED_PRICES_CENTS.items()},
        "price_tiers": price_tiers(SEED_PRICES_CENTS),
    },
    "specs": SEED_SPECS,
}
SEED_RENTED_SERVER = {**SEED_SERVER_IDENTITY, "specs": SEED_SPECS}
SEED_RENTAL = {
    "id": "507f1f77bcf86cd799439320",
    "rental_start": "2025-01-21T22:00:00.000Z",
    "rental_end": "2025-01-28T22:00:00.000Z",
    "status": "active",
    "amount": "70.00",
    "remaining_days": 6,
    "server_id": "507f1f77bcf86cd799439014",
    "pool_id": "507f1f77bcf86cd799439300",
    "server": SEED_RENTED_SERVER,
}
SEED_RENTAL_DETAIL = {
    "id": "507f1f77bcf86cd799439320",
    "rental_start": "2025-01-21T22:00:00.000Z",
    "rental_end": "2025-01-28T22:00:00.000Z",
    "hold_days": 2,
    "status": "active",
    "amount": "70.00",
    "remaining_days": 6,
    "usage_days": 1,
    "server_id": "507f1f77bcf86cd799439014",
    "pool_id": "507f1f77bcf86cd799439300",
    "server": SEED_RENTED_SERVER,
    "transaction": {"id": "507f1f77bcf86cd799439321", "amount": 70, "currency": "USD",
                    "created_at": "2025-01-21T22:00:00.000Z"},
}
SUCCESS = {"success": True}
SEED_ACCOUNT_DISABLED = {"id": "507f1f77bcf86cd799439012", "username": "jane_admin", "alias": "Jane Smith",
                         "is_admin": False, "is_disabled": True, "disabled_at": "2025-01-21T22:00:00.000Z",
                         "created_at": "2025-01-15T10:00:00.000Z"}


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
    base = [arg for arg in typing.get_args(annotation) if arg is not type(None)][0]
    if base is Decimal:
        return _or_not_given({"type": "number", "minimum": 0})
    if name in MARKETPLACE_PATTERNS:
        return {"type": "string", "pattern": MARKETPLACE_PATTERNS[name]}
    return _or_not_given({"type": "string", "enum": list(enum)})


def marketplace_parameters() -> list[dict]:
    hints = typing.get_type_hints(marketplace.MarketplaceFilters)
    parameters = []
    for filter_field in dataclasses.fields(marketplace.MarketplaceFilters):
        description, enum = MARKETPLACE_PARAMETERS[filter_field.name]
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
}


# --- Operations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One endpoint of the API as the document describes it; its path and methods come from the URL map."""

    endpoint: str
    tag: str
    summary: str
    message: str
    data: Any = None              # a response model, ``list[Model]``, or a JSON Schema dict
    example: Any = None           # the ``data`` of the example answer
    status: int = 200
    description: str = ""
    body: type[BaseModel] | None = None
    body_example: dict | None = None
    paged: bool = False
    query: Callable[[], list[dict]] | None = None  # query parameters beyond limit and offset
    errors: tuple[int, ...] = ()  # statuses beyond 400/401/404/413, which follow from the rest
    public: bool = False
    idempotent: bool = False
    envelope: bool = True         # False: the answer is ``data`` itself, with no envelope
    error_examples: dict[int, str] = field(default_factory=dict)
    # Where the answer leads: endpoint -> {its path parameter: where the value is in this answer}
    # (OpenAPI links; clients and the stateful fuzzing follow them).
    links: dict[str, dict[str, str]] = field(default_factory=dict)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "api.login", "Authentication", "Log in and get a bearer token", "Login successful",
        data=out.LoginResult, public=True, body=LoginBody, errors=(401, 403, 429),
        body_example={"username": "team_lead", "password": "correct-horse-battery"},
        example={"token": "srv_Jq3v6QpX0b2kT8sW1mZr4yLd9hC5nE7aUo0iGf2xVtM", "expires_at": "2025-02-20T22:00:00.000Z",
                 "user": SEED_USER},
        description=f"Makes a token named \"API login\" that expires {LOGIN_TOKEN_DAYS} days later. A wrong "
                    "password and an unknown user get the same 401; the right password of an account an "
                    "administrator has disabled gets 403. Attempts are rate limited per username and per "
                    "address (429).",
        error_examples={401: "Invalid username or password"},
    ),
    Operation(
        "api.openapi_document", "Documentation", "This OpenAPI document", "The OpenAPI document",
        data={"type": "object", "required": ["openapi", "info", "paths"]}, public=True, envelope=False,
        description="The OpenAPI 3.1 description of this API, generated from the schemas that "
                                 "validate requests and shape answers. The answer is the document itself, "
                                 "not an envelope.",
    ),
    Operation(
        "api.list_pools", "Pools", "List your pools", "Pools retrieved successfully",
        data=list[out.PoolSummary], paged=True,
        example=[{**SEED_POOL, "user_role": "owner", "member_count": 5, "server_count": 3}],
        description="Pools the caller owns or has joined, the default pool first, then from oldest to newest.",
    ),
    Operation(
        "api.create_pool", "Pools", "Create a pool", "Pool created successfully",
        data=out.PoolCreated, status=201, body=CreatePoolBody, errors=(409,),
        body_example={"name": "Production Team", "description": "Pool for production environment management",
                      "settings": {"auto_approve": True, "max_servers": 20}},
        example={"id": "507f1f77bcf86cd799439301", "name": "Production Team",
                 "description": "Pool for production environment management", "owner_id": SEED_USER["id"],
                 "is_default": False, "settings": {"auto_approve": True, "max_servers": 20},
                 "created_at": "2025-01-21T22:00:00.000Z"},
        description="Names are unique per owner (409), compared after trimming surrounding spaces. `settings` "
                    "is a JSON object of at most 10 KB.",
        error_examples={409: "You already have a pool named Production Team"},
        links={endpoint: {"pool_id": "$response.body#/data/id"} for endpoint in (
            "api.get_pool", "api.update_pool", "api.delete_pool", "api.pool_audit")},
    ),
    Operation(
        "api.pending_invitations", "Pool Invitations", "List your pending invitations",
        "Pending invitations retrieved successfully", data=list[out.PendingInvitation], paged=True,
        example=[{"id": "507f1f77bcf86cd799439312", "pool_id": SEED_POOL["id"], "pool_name": SEED_POOL["name"],
                  "pool_description": SEED_POOL["description"], "role": "user", "invited_by": SEED_USER,
                  "invited_at": "2025-01-20T14:30:00.000Z"}],
    ),
    Operation(
        "api.get_pool", "Pools", "Get a pool with its members and servers", "Pool retrieved successfully",
        data=out.PoolDetail,
        example={**SEED_POOL, "members": [
            {"id": "507f1f77bcf86cd799439310", "role": "admin", "is_authorized": True,
             "joined_at": "2025-01-16T11:00:00.000Z",
             "user": {"id": "507f1f77bcf86cd799439012", "username": "jane_admin", "alias": "Jane Smith"}}],
            "servers": [{"id": "507f1f77bcf86cd799439014", "name": "node-us-nyc-1", "rental_status": "active",
                         "is_ready": True}]},
        description="For the owner and joined members; 404 for anyone else. Members: the owner, then joined "
                    "members, then pending invitations (`is_authorized: false`, `joined_at: null`). Servers: "
                    "the pool's rentals that have not ended.",
        error_examples={404: "Pool not found"},
    ),
    Operation(
        "api.update_pool", "Pools", "Update a pool's description and settings", "Pool updated successfully",
        data=out.Success, example=SUCCESS, body=UpdatePoolBody, errors=(403,),
        body_example={"description": "Pool for staging and production environments",
                      "settings": {"auto_approve": False, "max_servers": 15}},
        description="Owner only. PATCH and PUT do the same. Only the fields sent change; `description: null` "
                    "clears the description. Other fields are ignored.",
        error_examples={403: "Only the pool owner can update the pool", 404: "Pool not found"},
    ),
    Operation(
        "api.delete_pool", "Pools", "Delete a pool", "Pool deleted successfully",
        data=out.Success, example=SUCCESS, errors=(403,),
        description="Owner only; the default pool cannot be deleted (400). Its rentals go back to each "
                    "renter's default pool.",
        error_examples={400: "The default pool cannot be deleted", 403: "Only the pool owner can delete the pool",
                        404: "Pool not found"},
    ),
    Operation(
        "api.accept_invitation", "Pool Invitations", "Accept an invitation", "Invitation accepted successfully",
        data=out.Success, example=SUCCESS, errors=(409,),
        description="The invitee only (404 for anyone else); 409 if it was already accepted.",
        error_examples={404: "Invitation not found", 409: "This invitation is no longer pending"},
    ),
    Operation(
        "api.reject_invitation", "Pool Invitations", "Reject an invitation", "Invitation rejected successfully",
        data=out.Success, example=SUCCESS, errors=(409,),
        description="The invitee only (404 for anyone else); the invitation is removed. 409 if it was "
                    "already accepted.",
        error_examples={404: "Invitation not found", 409: "This invitation is no longer pending"},
    ),
    Operation(
        "api.invite_member", "Pool Members", "Invite a user to a pool", "Member invited successfully",
        data=out.MemberInvited, status=201, body=InviteMemberBody, errors=(403, 409),
        body_example={"username": "new_developer", "role": "user"},
        example={"id": "507f1f77bcf86cd799439311", "role": "user", "is_authorized": False,
                 "invited_at": "2025-01-21T22:15:00.000Z"},
        description="The owner invites admins and users; admins invite users. 404 if the username does not "
                    "exist; 409 if that user owns the pool, is a member or is already invited.",
        error_examples={403: "Only the pool owner can invite admins",
                        409: "That user has already been invited to this pool"},
    ),
    Operation(
        "api.change_member_role", "Pool Members", "Change a member's role", "Member role updated successfully",
        data=out.Success, example=SUCCESS, body=ChangeRoleBody, errors=(403,),
        body_example={"role": "admin"},
        description="Owner only. PATCH and PUT do the same. A pending invitation's role can change too; the "
                    "owner's own role cannot (400).",
        error_examples={400: "The pool owner's role cannot be changed",
                        403: "Only the pool owner can change member roles", 404: "Member not found"},
    ),
    Operation(
        "api.remove_member", "Pool Members", "Remove a member, cancel an invitation, or leave",
        "Member removed successfully", data=out.Success, example=SUCCESS, errors=(403,),
        description="The owner removes anyone but themself; admins remove users; anyone may remove themself "
                    "(the owner cannot leave: 400). Their rentals in the pool go back to their default pool.",
        error_examples={400: "The pool owner cannot leave the pool; delete the pool instead",
                        403: "Admins can remove only members with the user role", 404: "Member not found"},
    ),
    Operation(
        "api.pool_audit", "Pools", "A pool's audit log", "Audit events retrieved successfully",
        data=list[out.AuditEvent], paged=True, errors=(403,),
        example=[{"id": "507f1f77bcf86cd799439330", "action": "invitation.sent",
                  "actor": {"id": SEED_USER["id"], "username": SEED_USER["username"]}, "target_type": "user",
                  "target_id": "507f1f77bcf86cd799439012", "details": {"username": "jane_admin", "role": "admin"},
                  "ip": "203.0.113.7", "created_at": "2025-01-16T10:30:00.000Z"}],
        description="Who did what in the pool, newest first. The owner's alone: 403 for the pool's other "
                    "members, 404 for anyone else.",
        error_examples={403: "Only the pool owner can see the pool's audit log", 404: "Pool not found"},
    ),
    Operation(
        "api.available_servers", "Server Marketplace", "Browse the servers for rent",
        "Available servers retrieved successfully", data=list[out.MarketplaceServer], paged=True,
        query=marketplace_parameters,
        example=[SEED_MARKETPLACE_SERVER],
        description="Servers nobody holds. Filters combine with AND; an empty value counts as absent and "
                    "unknown parameters are ignored. Every bad parameter is reported at once in `details`. "
                    "Default order: featured first, then popularity_rank, then price, then id.",
        error_examples={400: "Invalid query parameter: min_ram_gb must be a number"},
        links={"api.rent_server": {"server_id": "$response.body#/data/0/id"}},
    ),
    Operation(
        "api.list_rented_servers", "Server Marketplace", "Your rented servers (same as GET /rentals)",
        "Rentals retrieved successfully", data=list[out.RentalSummary], paged=True, example=[SEED_RENTAL],
        description="Your rentals and the rentals in pools you own or have joined, newest first, ended "
                    "ones included.",
    ),
    Operation(
        "api.get_rented_server", "Server Marketplace", "One rented server (same as GET /rentals/{rental_id})",
        "Rental details retrieved successfully", data=out.RentalDetail, example=SEED_RENTAL_DETAIL,
        description="For the renter and the members of the rental's pool; 404 for anyone else.",
        error_examples={404: "Rental not found"},
    ),
    Operation(
        "api.rent_server", "Server Marketplace", "Rent a server", "Server rented successfully",
        data=out.RentResult, status=201, body=RentBody, idempotent=True, errors=(402, 409),
        body_example={"rental_days": 7, "pool_id": SEED_POOL["id"], "max_charge_cents": 7000},
        example={"rental": {"id": "507f1f77bcf86cd799439320", "server_id": "507f1f77bcf86cd799439014",
                            "rental_start": "2025-01-21T22:00:00.000Z", "rental_end": "2025-01-28T22:00:00.000Z",
                            "hold_days": 2, "actual_usage_days": 0, "status": "active"},
                 "transaction": {"id": "507f1f77bcf86cd799439321", "amount": 70, "currency": "USD"}},
        description="`rental_days` must be one of the server's durations (a key of `pricing.prices`). The "
                    "price is taken from your wallet in the same transaction that makes the rental: 402 if "
                    "the balance is short, 409 if the server is taken or the price is above "
                    "`max_charge_cents`. Without `pool_id` the rental goes to your default pool.",
        error_examples={402: "Insufficient balance: this costs $70.00 and your balance is $12.00",
                        404: "Server not found", 409: "This server is not available: it is already rented"},
        links={endpoint: {"rental_id": "$response.body#/data/rental/id"} for endpoint in (
            "api.get_rental", "api.get_rented_server", "api.extend_rental")},
    ),
    Operation(
        "api.list_rentals", "Rentals", "List your rentals", "Rentals retrieved successfully",
        data=list[out.RentalSummary], paged=True, example=[SEED_RENTAL],
        description="Your rentals and the rentals in pools you own or have joined, newest first, ended "
                    "ones included.",
    ),
    Operation(
        "api.get_rental", "Rentals", "Get a rental with its server and transaction", "Rental retrieved successfully",
        data=out.RentalDetail, example=SEED_RENTAL_DETAIL,
        description="For the renter and the members of the rental's pool; 404 for anyone else. `transaction` "
                    "is the charge that started the rental.",
        error_examples={404: "Rental not found"},
    ),
    Operation(
        "api.extend_rental", "Rentals", "Extend a rental", "Rental extended successfully",
        data=out.ExtendResult, body=ExtendBody, idempotent=True, errors=(402, 403, 409),
        body_example={"additional_days": 7, "expected_rental_end": "2025-01-28T22:00:00.000Z"},
        example={"rental": {"id": "507f1f77bcf86cd799439320", "rental_end": "2025-02-04T22:00:00.000Z",
                            "status": "active", "amount": "140.00", "remaining_days": 13},
                 "transaction": {"id": "507f1f77bcf86cd799439322", "amount": 70, "currency": "USD"}},
        description="By one of the server's durations; the caller pays. For the renter and the owner and "
                    "admins of the rental's pool (403 for its users). An expired rental can be extended, an "
                    "ended one cannot (409). 409 too if `expected_rental_end` is not the rental's end or the "
                    "price is above `max_charge_cents`.",
        error_examples={402: "Insufficient balance: this costs $70.00 and your balance is $12.00",
                        403: "Only the renter or the pool's owner or admins can extend this rental",
                        404: "Rental not found", 409: "This rental has ended and can no longer be extended"},
    ),
    Operation(
        "api.balance", "Wallet", "Your balance", "Balance retrieved successfully",
        data=out.Balance, example={"balance": "123.45", "balance_cents": 12345, "currency": "USD"},
    ),
    Operation(
        "api.transactions", "Wallet", "Your wallet transactions", "Transactions retrieved successfully",
        data=list[out.WalletTransaction], paged=True,
        example=[{"id": "507f1f77bcf86cd799439321", "type": "rental", "amount": 70, "currency": "USD",
                  "created_at": "2025-01-21T22:00:00.000Z", "rental_id": "507f1f77bcf86cd799439320"},
                 {"id": "507f1f77bcf86cd799439319", "type": "credit", "amount": 100, "currency": "USD",
                  "created_at": "2025-01-20T09:00:00.000Z", "rental_id": None}],
        description="Credits and charges, newest first. `amount` is always positive; `type` says the direction.",
    ),
    Operation(
        "api.disable_user", "Administration", "Disable an account", "User disabled",
        data=out.Account, errors=(409,), example=SEED_ACCOUNT_DISABLED,
        description="Administrators only (403 for everyone else). From now on the account's logins (with the "
                    "right password), API tokens and browser sessions get 403 \"This account is disabled\"; its "
                    "browser sessions are ended. Disabling a disabled account changes nothing. An administrator "
                    "cannot disable their own account (409).",
        error_examples={403: "Only administrators can do this", 404: "User not found",
                        409: "You cannot disable your own account"},
    ),
    Operation(
        "api.enable_user", "Administration", "Enable a disabled account", "User enabled",
        data=out.Account, example={**SEED_ACCOUNT_DISABLED, "is_disabled": False, "disabled_at": None},
        description="Administrators only (403 for everyone else). The account's API tokens work again; its "
                    "browser sessions ended when it was disabled, so its user logs in again. Enabling an "
                    "enabled account changes nothing.",
        error_examples={403: "Only administrators can do this", 404: "User not found"},
    ),
)

TAGS = (
    ("Authentication", "Tokens for the API. Every endpoint but login and this document needs "
                       "`Authorization: Bearer <token>`; a token of a disabled account gets 403."),
    ("Pools", "Pools let teams share the servers they rent."),
    ("Pool Invitations", "Review, accept and reject invitations to pools."),
    ("Pool Members", "Invite members, change their roles, remove them."),
    ("Server Marketplace", "Browse the servers for rent and rent one."),
    ("Rentals", "Your rentals and your pools' rentals; extend them."),
    ("Wallet", "The balance rentals are paid from, and its transactions."),
    ("Administration", "For administrators: disable and enable accounts."),
    ("Documentation", "This document."),
)

ERROR_DESCRIPTIONS = {
    400: "Bad input: malformed JSON, a wrong type, a value out of range, an unknown enum value or a "
         "malformed id. `details` lists each bad field.",
    401: "No token, or an invalid, expired or revoked one",
    402: "The balance is short of the price; nothing was charged",
    403: "Not allowed: your role does not allow this, or an administrator has disabled your account",
    404: "Not found, or not yours to see",
    409: "A conflict with the current state; nothing was changed",
    413: "The request body is larger than the limit (MAX_CONTENT_LENGTH, 256 KB by default)",
    429: "Too many attempts; wait for Retry-After seconds",
}
ERROR_MESSAGES = {
    400: "Validation failed: name must be at most 100 characters",
    401: "Authentication required: send Authorization: Bearer <token>",
    402: "Insufficient balance: this costs $70.00 and your balance is $12.00",
    403: "This account is disabled",
    404: "Not found",
    409: "A conflict with the current state",
    413: "The request body is larger than the limit of 262144 bytes",
    429: "Too many requests. Try again in 42 seconds.",
}


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
    return _ref(data)


def component_schemas() -> dict:
    """Every request and response model, with references between them under ``#/components/schemas``."""
    requests = {op.body for op in OPERATIONS if op.body is not None}
    responses = {model for op in OPERATIONS for model in _models(op.data)} | {out.ErrorBody}
    models = [(model, "validation") for model in sorted(requests, key=lambda m: m.__name__)]
    models += [(model, "serialization") for model in sorted(responses, key=lambda m: m.__name__)]
    _, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
    return dict(sorted(schemas.get("$defs", {}).items()))


def _error_response(status: int) -> dict:
    phrase = HTTP_STATUS_CODES[status]
    response = {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {
            "schema": {"allOf": [_ref(out.ErrorBody), {"properties": {"statusCode": {"const": status},
                                                                      "error": {"const": phrase}}}]},
            "example": {"statusCode": status, "message": ERROR_MESSAGES[status], "error": phrase,
                        "code": code_for_status(status)},
        }},
    }
    if status == 400:
        response["content"]["application/json"]["example"]["details"] = [
            {"field": "name", "message": "must be at most 100 characters"}]
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before trying again",
                                               "schema": {"type": "integer", "minimum": 0}}}
    return response


def error_statuses(op: Operation, path_parameters: list[str]) -> list[int]:
    """Every error status ``op`` can answer with."""
    statuses = set(op.errors)
    if op.body or op.paged or op.query or path_parameters or op.idempotent:
        statuses.add(400)
    if not op.public:
        statuses.update((401, 403))  # 403 for a token of a disabled account, whatever the endpoint
    if path_parameters:
        statuses.add(404)
    if op.body or op.idempotent:
        statuses.add(413)
    if op.idempotent:
        statuses.add(409)
    return sorted(statuses)


def _error_ref(op: Operation, status: int) -> dict:
    reference = {"$ref": f"#/components/responses/{HTTP_STATUS_CODES[status].replace(' ', '')}"}
    if status in op.error_examples:
        # A $ref cannot be amended, so an endpoint's own message makes it a response of its own.
        response = _error_response(status)
        response["content"]["application/json"]["example"]["message"] = op.error_examples[status]
        response["content"]["application/json"]["example"].pop("details", None)
        return response
    return reference


def _success_response(op: Operation) -> dict:
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


def _operation(op: Operation, method: str, path_parameters: list[str], primary: bool) -> dict:
    name = op.endpoint.split(".", 1)[1]
    document: dict = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": name if primary else f"{name}_{method.lower()}",
    }
    if op.description:
        document["description"] = op.description
    parameters = [
        {"name": name_, "in": "path", "required": True, "description": PATH_PARAMETERS[name_],
         "schema": {"type": "string", "pattern": PATH_ID_PATTERN}}
        for name_ in path_parameters
    ]
    if op.query is not None:
        parameters += op.query()
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
    for status in error_statuses(op, path_parameters):
        responses[str(status)] = _error_ref(op, status)
    document["responses"] = responses
    if op.public:
        document["security"] = []
    return document


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(rule: str) -> str:
    """``/api/v1/pools/<pool_id>`` -> ``/api/v1/pools/{pool_id}``."""
    return _ARGUMENT.sub(r"{\1}", rule)


def build_document(app: Flask) -> dict:
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        rule = rules.get(op.endpoint)
        if rule is None:
            continue
        path = openapi_path(rule.rule)
        path_parameters = _ARGUMENT.findall(rule.rule)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"}, key=METHOD_ORDER.index)
        for i, method in enumerate(methods):
            paths.setdefault(path, {})[method.lower()] = _operation(op, method, path_parameters, primary=i == 0)
    used_tags = {op.tag for op in OPERATIONS}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Servermarket API",
            "version": API_VERSION,
            "description": "Browse the marketplace of dedicated servers, rent them from your wallet, manage "
                           "rentals, and share them with your team through pools. Every answer is an "
                           "envelope `{\"statusCode\", \"message\", \"data\"}` with the HTTP status in "
                           "`statusCode`; errors are `{\"statusCode\", \"message\", \"error\", \"details\"?}`. "
                           "Ids are 24 lowercase hex characters; times are UTC like "
                           "`2025-01-21T22:00:00.000Z`. A request body over the size limit gets 413 "
                           "wherever it is sent.",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS if name in used_tags],
        "paths": paths,
        "components": {
            "schemas": component_schemas(),
            "responses": {HTTP_STATUS_CODES[status].replace(" ", ""): _error_response(status)
                          for status in ERROR_DESCRIPTIONS},
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
def openapi_document():
    return jsonify(document(current_app))
