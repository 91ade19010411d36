"""GET /healthz: is this process up and can it reach its database? For load balancers and monitors.

Open to anyone (no login, no CSRF token), and it says nothing but ok or the kind of failure.
"""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        kind = type(getattr(error, "orig", None) or error).__name__
        return jsonify({"status": "unavailable", "database": "error", "error": kind}), 503
    return jsonify({"status": "ok", "database": "ok"})
