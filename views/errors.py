"""Errors for the whole app: the envelope under /api/, a page everywhere else."""
from flask import current_app, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from core.extensions import db
from services.errors import ServiceError
from views.api.support import error_response, service_error_response


def _wants_api() -> bool:
    return request.path.startswith("/api/")


def _api_message(error: HTTPException) -> str:
    messages = {
        404: f"Cannot {request.method} {request.path}: no such endpoint",
        405: f"Method {request.method} is not allowed for {request.path}",
        413: f"The request body is larger than the limit of {current_app.config['MAX_CONTENT_LENGTH']} bytes",
        414: f"The URL is longer than the limit of {current_app.config['MAX_URL_LENGTH']} bytes",
    }
    return messages.get(error.code, error.description or HTTP_STATUS_CODES[error.code])


def handle_http_error(error: HTTPException):
    if _wants_api():
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return error_response(error.code, _api_message(error), headers=headers)
    return render_template("error.html", code=error.code, title=error.name,
                           message=error.description), error.code


def handle_service_error(error: ServiceError):
    db.session.rollback()
    if _wants_api():
        return service_error_response(error)
    return render_template("error.html", code=error.status, title=HTTP_STATUS_CODES[error.status],
                           message=error.message), error.status


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if _wants_api():
        return error_response(500, "Internal server error")
    return render_template("error.html", code=500, title="Internal server error",
                           message=InternalServerError.description), 500


def register(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(Exception, handle_unexpected_error)
