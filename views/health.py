"""GET /healthz: is this process up and can it use its database? For load balancers and monitors.

Open to anyone (no login, no CSRF token), and it says nothing but ok or the kind of failure:
503 when the database cannot be reached, or when it answers but refuses writes (read-only).
It also says when a worker last gave a sign of life (``worker``): with none for WORKER_STALE_SECONDS,
or none ever, the status is ``degraded``, still 200 because this process serves fine, but reminders
and the other jobs are not being run.
"""
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from core.timeutil import isoformat
from services import health as health_service
from services import job_status

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
    worker = job_status.worker_health()
    return jsonify({
        "status": "ok" if worker.status == job_status.WORKER_OK else "degraded",
        "database": "ok",
        "worker": {"last_heartbeat": isoformat(worker.last_heartbeat), "status": worker.status},
    })
