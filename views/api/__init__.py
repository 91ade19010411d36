"""The JSON API under /api/v1: bearer-token authentication and the envelope on every answer."""
from flask import Blueprint, g, request

from services import tokens
from views.api.support import error_response

api = Blueprint("api", __name__)

# Endpoints reachable without a token.
PUBLIC_ENDPOINTS = {"api.login", "api.openapi_document"}


@api.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
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


from views.api import admin, auth, marketplace, openapi, pools, rentals, wallet  # noqa: E402,F401  (routes register themselves on the blueprint)
