"""Helpers for testing the browser pages: CSRF tokens out of forms, logging in, htmx headers."""
import re

from tests.users import PASSWORD

HTMX = {"HX-Request": "true"}
_CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    tag = _CSRF_INPUT.search(html)
    assert tag, "no csrf_token field in the page"
    return _VALUE.search(tag.group(0)).group(1)


def csrf_token(client, path: str = "/login") -> str:
    """A CSRF token for this client's session, read from the form at ``path``."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return csrf_from(response.get_data(as_text=True))


def post_form(client, path: str, data: dict, form_page: str | None = None, headers=None):
    """POST ``data`` to ``path`` as the page's own form would, CSRF token included."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token}, headers=headers or {})


def log_in(client, username: str, password: str = PASSWORD):
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def text(response) -> str:
    return response.get_data(as_text=True)
