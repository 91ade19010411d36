"""A test client that holds every error answer of the API to the OpenAPI document.

Every test's app uses it (``tests/conftest.py``), so each refusal any test provokes under ``/api/v1``
must have a status its operation documents (or one any request can get: 413, 414), and a ``code``
the document lists for that operation and status. The document cannot drift from the codes the
services raise. Server errors (5xx) are not documented anywhere; the tests that cause one check
their answer themselves.
"""
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from views.api.openapi import API_PREFIX, build_document
from views.api.operations import openapi_path

# Statuses any request can get, whatever its operation lists (the document's introduction says so).
ANY_REQUEST = {413, 414}
_documents: list[dict] = []


def _document(app: Flask) -> dict:
    # Every app of the tests serves the same routes, so one document serves them all.
    if not _documents:
        _documents.append(build_document(app))
    return _documents[0]


def documented_codes(app: Flask, method: str, path: str, status: int) -> list[str] | None:
    """The codes the document lists for an answer of ``status`` to ``method path``, or None when the
    request reaches no operation (an unknown path, or a method the document leaves out, as OPTIONS)."""
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    except HTTPException:
        return None
    document = _document(app)
    operation = document["paths"][openapi_path(rule.rule)].get(method.lower())
    if operation is None:
        return None
    responses = operation["responses"]
    if str(status) in responses:
        response = responses[str(status)]
    else:
        assert status in ANY_REQUEST, f"{method} {path} answered {status}, which the OpenAPI document does not list"
        response = document["components"]["responses"][HTTP_STATUS_CODES[status].replace(" ", "")]
    return codes_of_answer(error_answer(document, response))


def error_answer(document: dict, response: dict) -> dict:
    """An error answer of the document, its reference to ``#/components/responses`` followed."""
    if "$ref" in response:
        return document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response


def codes_of_answer(answer: dict) -> list[str]:
    """The codes an error answer of the document may carry."""
    _, refinement = answer["content"]["application/json"]["schema"]["allOf"]
    return refinement["properties"]["code"]["enum"]


def check_error_is_documented(app: Flask, response) -> None:
    request = response.request
    if not (request.path.startswith(f"{API_PREFIX}/") and 400 <= response.status_code < 500):
        return
    method = "GET" if request.method == "HEAD" else request.method
    codes = documented_codes(app, method, request.path, response.status_code)
    if codes is not None:
        assert response.json["code"] in codes, (
            f"{request.method} {request.path} answered {response.status_code} {response.json['code']}, "
            f"which the OpenAPI document does not list for it (it lists {codes})")


class DocumentedErrorsClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check_error_is_documented(self.application, response)
        return response
