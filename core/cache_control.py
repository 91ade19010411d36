"""``Cache-Control: no-store`` on every answer of the routes that handle secrets: logins (which set
session cookies or hand out a token) and the pages that show a new token.

The mark is on the view, but the header is added after the request, so it is on every answer of the
route, those that never reach the view included: a rate-limit 429, a CSRF 400, a 413, an error page.
"""
from collections.abc import Callable

from flask import Flask, current_app, request

_MARK = "no_store"


def no_store(view: Callable) -> Callable:
    """Mark ``view``: no answer of its route may be kept by a browser or a proxy cache."""
    setattr(view, _MARK, True)
    return view


def init_app(app: Flask) -> None:
    app.after_request(_add_no_store)


def _add_no_store(response):
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, _MARK, False):
        response.headers["Cache-Control"] = "no-store"
    return response
