"""API tokens with permissions (the published paths): list, create, the calling token, the templates, and
one token read, changed or deleted. The secret is in the create answer only."""
from flask import g
from werkzeug.routing import BaseConverter

from core.timeutil import isoformat
from models import ApiToken
from services import scoped_tokens
from services.errors import TWO_FACTOR_REQUIRED
from services.token_addresses import shown
from views.api import api
from views.api.operations import operation
from views.api.support import api_user
from views.api.token_schemas import (
    CreatedTokenOut,
    CreateTokenBody,
    CurrentToken,
    TemplateOut,
    TokenOut,
    UpdateTokenBody,
)

TAG = "API Tokens"
EXAMPLE = {
    "id": "507f1f77bcf86cd799439400", "alias": "CI deploys", "prefix": "srv_Ab12Cd", "ip_whitelist": ["10.0.0.0/8"],
    "permissions": {"projects": {"create": False, "read": True}}, "expires_at": "2025-03-01T00:00:00.000Z",
    "is_enabled": True, "last_used_at": None, "last_used_ip": None, "created_at": "2025-01-28T22:00:00.000Z",
    "updated_at": "2025-01-28T22:00:00.000Z",
}
CREATE_EXAMPLE = {"alias": "CI deploys", "permission_template": "read_only", "ip_whitelist": ["10.0.0.0/8"],
                  "expires_at": "tomorrow"}
NARROWER = ("A token with `resources.create_tokens` manages tokens no broader than itself: a wider one is 403 "
            "TOKEN_PERMISSION_DENIED naming the first permission it lacks. `admin.*` only for administrators.")


class TokenIdConverter(BaseConverter):
    """A token id in a path: any segment but the names of the paths beside it, so that ``PUT
    /auth/tokens/me`` is a 405 rather than a malformed id."""

    regex = r"(?!(?:me|templates)$)[^/]+"


@api.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters["token_id"] = TokenIdConverter


def token_out(token: ApiToken) -> dict:
    return {"id": token.id, "alias": token.name, "prefix": token.prefix, "ip_whitelist": shown(token.ip_whitelist),
            "permissions": scoped_tokens.resolved(token, token.user.is_admin),
            "expires_at": isoformat(token.expires_at), "is_enabled": token.is_enabled,
            "last_used_at": isoformat(token.last_used_at), "last_used_ip": token.last_used_ip,
            "created_at": isoformat(token.created_at), "updated_at": isoformat(token.updated_at)}


def _caller_permissions() -> dict | None:
    return g.api_token.permissions


@api.get("/auth/tokens")
@operation(
    permission="resources.read_account",
    tag=TAG, summary="Your API tokens", message="Tokens retrieved successfully", data=list[TokenOut],
    example=[EXAMPLE], description="Named tokens not deleted, newest first; never their secret.",
)
def list_api_tokens():
    return [token_out(token) for token in scoped_tokens.mine(api_user())]


@api.post("/auth/tokens")
@operation(
    permission="resources.create_tokens",
    tag=TAG, summary="Create an API token", message="Token created successfully", status=201,
    body=CreateTokenBody, body_example=CREATE_EXAMPLE, data=CreatedTokenOut, example={"token": "srv_…", **EXAMPLE},
    errors=(TWO_FACTOR_REQUIRED,),
    description="The `token` is in this answer only. With two-factor login's token gate on, `otp_code` must be "
                "a right code (401 TWO_FACTOR_REQUIRED otherwise). " + NARROWER,
)
def create_api_token(body: CreateTokenBody):
    token, plain = scoped_tokens.create(api_user(), _caller_permissions(), scoped_tokens.NewToken(
        alias=body.alias, permission_template=body.permission_template, permissions=body.permissions,
        ip_whitelist=body.ip_whitelist, expires_at=body.expires_at, otp_code=body.otp_code))
    return {"token": plain, **token_out(token)}


@api.get("/auth/tokens/me")
@operation(
    permission=None,
    tag=TAG, summary="The token making this call", message="Token retrieved successfully", data=CurrentToken,
    example={"token": EXAMPLE}, description="Any token may read itself, login tokens included.",
)
def current_api_token():
    return {"token": token_out(scoped_tokens.get(api_user(), g.api_token.token_id))}


@api.get("/auth/tokens/templates")
@operation(
    permission=None,
    tag=TAG, summary="The permission templates", message="Templates retrieved successfully",
    data=list[TemplateOut], example=[{"name": "external_customer", "description": "…",
                                      "permissions": {"projects": {"read": True}}}],
    description="Each template with its whole tree as it would be for you (`admin` only for administrators).",
)
def token_templates():
    return scoped_tokens.templates_for(api_user())


@api.get("/auth/tokens/<token_id:token_id>")
@operation(
    permission="resources.read_account",
    tag=TAG, summary="One of your API tokens", message="Token retrieved successfully", data=TokenOut,
    example=EXAMPLE, description="404 for another's token or a deleted one.",
)
def get_api_token(token_id):
    return token_out(scoped_tokens.get(api_user(), token_id))


@api.route("/auth/tokens/<token_id:token_id>", methods=["PATCH", "PUT"])
@operation(
    permission="resources.create_tokens",
    tag=TAG, summary="Change an API token", message="Token updated successfully", body=UpdateTokenBody,
    body_example={"is_enabled": False}, data=TokenOut, example=EXAMPLE,
    description="Only the fields sent change; `expires_at: null` removes the expiry; `permissions` (or "
                "`permission_template`) replaces the tree. " + NARROWER,
)
def update_api_token(token_id, body: UpdateTokenBody):
    return token_out(scoped_tokens.change(api_user(), _caller_permissions(), token_id, body.changes()))


@api.delete("/auth/tokens/<token_id:token_id>")
@operation(
    permission="resources.create_tokens",
    tag=TAG, summary="Delete an API token", message="Token deleted successfully", data=TokenOut,
    example=EXAMPLE,
    description="It stops working at once. " + NARROWER,
)
def delete_api_token(token_id):
    return token_out(scoped_tokens.delete(api_user(), _caller_permissions(), token_id))
