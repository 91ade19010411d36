"""The API's envelope, error shape and input parsing, shared by every endpoint."""
import json
from typing import TypeVar

from flask import g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.http import HTTP_STATUS_CODES

from core.ids import normalize_id
from services.errors import BadRequest, ServiceError
from services.validation import describe, field_name

M = TypeVar("M", bound=BaseModel)


def ok(data, message: str, status: int = 200, total: int | None = None):
    response = jsonify(statusCode=status, message=message, data=data)
    response.status_code = status
    if total is not None:
        response.headers["X-Total-Count"] = str(total)
    return response


def error_response(status: int, message: str, details: list[dict] | None = None, headers=None):
    body = {"statusCode": status, "message": message, "error": HTTP_STATUS_CODES[status]}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    for name, value in headers or ():
        response.headers[name] = value
    return response


def service_error_response(error: ServiceError):
    return error_response(error.status, error.message, error.details)


def json_body() -> dict:
    """The request's JSON object; an empty body is a request without one, whatever its content type."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("Malformed JSON in the request body") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object")
    return data


def validation_details(exc: ValidationError) -> list[dict]:
    details = []
    for error in exc.errors(include_url=False):
        details.append({"field": field_name(error["loc"]), "message": describe(error)})
    return details


def validate(schema: type[M], data: dict) -> M:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise BadRequest.for_fields(validation_details(exc), "Validation failed: ") from None


def path_id(value: str, field: str = "id", what: str = "id") -> str:
    """A path id in canonical form; anything but 24 hex characters is a 400."""
    canonical = normalize_id(value)
    if canonical is None:
        problem = "must be a 24-character hexadecimal string"
        raise BadRequest(f"Invalid {what}: {problem}", [{"field": field, "message": problem}])
    return canonical


def api_user():
    return g.api_user
