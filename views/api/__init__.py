"""The JSON API under /api/v1: bearer-token authentication and the envelope on every answer.

Each endpoint declares what it is with ``@operation`` (``views.api.operations``), whether it needs a
token included.
"""
from flask import Blueprint, current_app, g, request

from services import permissions, tokens
from views.api.operations import UNDECLARED, operation_of
from views.api.support import error_response

api = Blueprint("api", __name__)


@api.before_request
def authenticate():
    declaration = operation_of(current_app.view_functions.get(request.endpoint))
    if declaration is not None and declaration.public:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return error_response(401, "Authentication required: send Authorization: Bearer <token>",
                              headers=[("WWW-Authenticate", "Bearer")])
    bearer = tokens.bearer_for_token(credentials.strip(), request.remote_addr)
    if bearer is None:
        return error_response(401, "Invalid, expired or revoked token",
                              headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
    # No declaration: an unknown path, whose 404 follows. An endpoint that has not said which permission
    # it needs (a test fails for it) is for full-access tokens only meanwhile.
    needed = declaration.permission if declaration is not None else None
    if needed == UNDECLARED:
        needed = permissions.FULL_ACCESS
    if not permissions.permits(bearer.permissions, bearer.user.is_admin, needed):
        raise permissions.PermissionDenied(needed)
    g.api_user = bearer.user
    g.api_token = bearer
    return None


from views.api import spending  # noqa: E402,F401  (spending figures and CSV exports; routes register themselves)
# The routes register themselves on the blueprint, in the order the OpenAPI document lists them.
from views.api import auth, two_factor, users, account_security, recovery, openapi, pools, marketplace, rentals, wallet, card_payments, credit_requests, notifications, admin, api_tokens, webhooks, team_billing  # noqa: E402,F401,E501
