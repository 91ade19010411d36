"""The API's envelope, error shape and input parsing, shared by every endpoint."""
import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from flask import g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.http import HTTP_STATUS_CODES

from core.ids import normalize_id
from core.limits import IDEMPOTENCY_KEY_MAX, JSON_DEPTH_MAX
from services import idempotency
from services.errors import BadRequest, ServiceError, code_for_status
from services.validation import describe, field_name

M = TypeVar("M", bound=BaseModel)


def envelope(data, message: str, status: int = 200) -> dict:
    return {"statusCode": status, "message": message, "data": data}


def ok(data, message: str, status: int = 200, total: int | None = None):
    response = jsonify(envelope(data, message, status))
    response.status_code = status
    if total is not None:
        response.headers["X-Total-Count"] = str(total)
    return response


def error_response(status: int, message: str, details: list[dict] | None = None, headers=None,
                   code: str | None = None):
    body = {"statusCode": status, "message": message, "error": HTTP_STATUS_CODES[status],
            "code": code or code_for_status(status)}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    for name, value in headers or ():
        response.headers[name] = value
    return response


def service_error_response(error: ServiceError):
    headers = [("Retry-After", str(error.retry_after))] if getattr(error, "retry_after", None) else None
    return error_response(error.status, error.message, error.details, headers=headers, code=error.code)


TOO_DEEP = f"Malformed JSON in the request body: arrays and objects nested more than {JSON_DEPTH_MAX} levels deep"


def json_body() -> dict:
    """The request's JSON object; an empty body is a request without one, whatever its content type."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BadRequest(TOO_DEEP) from None
    except ValueError:
        raise BadRequest("Malformed JSON in the request body") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object")
    if _depth(data) > JSON_DEPTH_MAX:
        raise BadRequest(TOO_DEEP)
    return data


def _depth(value) -> int:
    """How deeply arrays and objects nest in ``value`` (an object of scalars is 1), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level <= JSON_DEPTH_MAX:
            stack.extend((child, level + 1) for child in children)
    return deepest


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


def idempotent(operation: Callable[[], tuple[int, dict]]):
    """Run a charging operation (returning ``(status, envelope)``) under the request's ``Idempotency-Key``.

    The same key and request again replays the first answer, marked ``Idempotent-Replayed: true``.
    """
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= IDEMPOTENCY_KEY_MAX and key.isascii() and key.isprintable()):
        problem = f"must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters"
        raise BadRequest.for_field("Idempotency-Key", problem, "Invalid header: ")
    body = json.dumps(json_body(), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()[:32]
    fingerprint = f"{request.method} {request.path} {digest}"
    outcome = idempotency.run(api_user(), key, fingerprint, operation)
    response = jsonify(outcome.body)
    response.status_code = outcome.status
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def api_user():
    return g.api_user
