"""GET /healthz: is this process up and can it use its database? For load balancers and monitors.

Open to anyone (no login, no CSRF token), and it says nothing but ok or the kind of failure:
503 when the database cannot be reached, or when it answers but refuses writes (read-only).
"""
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from services import health as health_service

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    try:
        status = health_service.database_status()
    except SQLAlchemyError as error:
        kind = type(getattr(error, "orig", None) or error).__name__
        return jsonify({"status": "unavailable", "database": "error", "error": kind}), 503
    if status == health_service.READ_ONLY:
        return jsonify({"status": "unavailable", "database": "read-only"}), 503
    return jsonify({"status": "ok", "database": "ok"})
