"""The JSON API under /api/v1: bearer-token authentication and the envelope on every answer.

Each endpoint declares what it is with ``@operation`` (``views.api.operations``), whether it needs a
token included.
"""
from flask import Blueprint, current_app, g, request

from services import tokens
from views.api.operations import operation_of
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
    user = tokens.user_for_token(credentials.strip())
    if user is None:
        return error_response(401, "Invalid, expired or revoked token",
                              headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
    g.api_user = user
    return None


# The routes register themselves on the blueprint, in the order the OpenAPI document lists them.
from views.api import auth, two_factor, users, account_security, recovery, openapi, pools, marketplace, rentals, wallet, notifications, admin  # noqa: E402,F401
