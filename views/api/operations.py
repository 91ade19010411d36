"""Each API endpoint's declaration, beside it: ``@operation(...)`` right under the route.

The declaration is the one description of an endpoint. The OpenAPI document is built from it
(``views.api.openapi``), authentication reads ``public`` and the token ``permission`` it needs from it
(``views.api``), and at request
time the decorator does what it declares: path ids made canonical (a 400 for a malformed one), the
JSON body validated into its model and handed to the view as ``body``, the ``Idempotency-Key``
replay, and the answer in the envelope with the declared ``status`` and ``message``, so the document
and the answer cannot disagree. A view calls one service function and returns the answer's ``data``
(``(items, total)`` for a paged list).

The registry is the URL map itself: a view carries its declaration, and a route under ``/api/v1``
without one fails a test.
"""
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify, request
from pydantic import BaseModel

from views.api.support import envelope, idempotent, json_body, ok, path_id, validate

_MARK = "api_operation"
UNDECLARED = "undeclared"  # an endpoint that has not said which permission it needs: only full-access tokens
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True, kw_only=True)
class Operation:
    """One endpoint as the API serves it and the document describes it; path and methods are the route's."""

    tag: str
    summary: str
    message: str                  # of the success answer
    data: Any = None              # the answer's ``data``: a response model, ``list[Model]``, or a JSON Schema dict
    example: Any = None           # the ``data`` of the example answer
    status: int = 200
    description: str = ""
    body: type[BaseModel] | None = None
    body_example: dict | None = None
    paged: bool = False           # takes limit and offset; the view returns ``(items, total)``
    query: type | None = None     # the dataclass of the filters the view reads from the query string
    # Codes of the refusals this endpoint adds to those every endpoint of its kind gives (bad input,
    # no token, a disabled account, an unknown path id, a body over the limit, a reused key).
    errors: tuple[str, ...] = ()
    error_examples: dict[str, str] = field(default_factory=dict)  # code -> an example message
    public: bool = False          # no token needed
    # The leaf of services.permissions a token needs to call it; None: any token (said explicitly, as
    # public endpoints do); permissions.FULL_ACCESS: only a token with every permission of its user.
    permission: str | None = UNDECLARED
    idempotent: bool = False      # charges: replayed under an Idempotency-Key
    envelope: bool = True         # False: the answer is ``data`` itself, with no envelope
    # Another media type (a PDF): the view returns the finished ``Response``; the document says a file.
    media_type: str = "application/json"
    # Where the answer leads: endpoint -> {its path parameter: where the value is in this answer}
    # (OpenAPI links; clients and the stateful fuzzing follow them).
    links: dict[str, dict[str, str]] = field(default_factory=dict)


def operation(**declaration) -> Callable[[Callable], Callable]:
    """Declare the endpoint below (see ``Operation`` for what it takes) and answer as it says."""
    op = Operation(**declaration)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def answer(**path: str):
            arguments: dict[str, Any] = _canonical_ids(path)
            if op.body is not None:
                arguments["body"] = validate(op.body, json_body())
            if op.idempotent:
                return idempotent(lambda: (op.status, envelope(view(**arguments), op.message, op.status)))
            result = view(**arguments)
            if op.media_type != "application/json":
                return result
            if not op.envelope:
                return jsonify(result)
            data, total = result if op.paged else (result, None)
            return ok(data, op.message, op.status, total)

        setattr(answer, _MARK, op)
        return answer

    return decorate


def operation_of(view: Callable | None) -> Operation | None:
    """The declaration a view carries, or None."""
    return getattr(view, _MARK, None)


def declared(app: Flask) -> dict[str, Operation]:
    """Every declared endpoint of ``app``, by endpoint name, in the order the routes were added."""
    found = {}
    for rule in app.url_map.iter_rules():
        if (op := operation_of(app.view_functions.get(rule.endpoint))) is not None:
            found[rule.endpoint] = op
    return found


def path_parameters(rule: str) -> list[str]:
    """``/api/v1/pools/<pool_id>/members/<user_id>`` -> ``["pool_id", "user_id"]``."""
    return _ARGUMENT.findall(rule)


def openapi_path(rule: str) -> str:
    """``/api/v1/pools/<pool_id>`` -> ``/api/v1/pools/{pool_id}``."""
    return _ARGUMENT.sub(r"{\1}", rule)


def _canonical_ids(path: dict[str, str]) -> dict[str, str]:
    """Every path parameter is an id. A malformed one is a 400 naming it as the published paths do: the
    first ``id``, one after it by its own name (``/pools/{id}/members/{userId}``)."""
    names = path_parameters(request.url_rule.rule)
    return {name: path_id(path[name], field="id" if position == 0 else _camel(name), what=name.replace("_", " "))
            for position, name in enumerate(names)}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)
