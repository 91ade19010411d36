"""Security headers on every kind of response, cookies the browser keeps to itself, and templates CSP can run."""
import re
from pathlib import Path

import pytest

from app import create_app
from tests.users import PASSWORD
from tests.web_helpers import csrf_token, log_in

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def assert_secure_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert "Strict-Transport-Security" not in response.headers  # only when served over HTTPS


RESPONSES = {
    # name: (method, path, as a logged-in user?, bearer token?, expected status)
    "overview page": ("GET", "/", True, False, 200),
    "login page": ("GET", "/login", False, False, 200),
    "tokens page": ("GET", "/tokens", True, False, 200),
    "redirect to login": ("GET", "/tokens", False, False, 302),
    "page not found": ("GET", "/no-such-page", False, False, 404),
    "page method not allowed": ("PUT", "/login", False, False, 405),
    "csrf refusal": ("POST", "/logout", True, False, 400),
    "api answer": ("GET", "/api/v1/wallet/balance", False, True, 200),
    "api without a token": ("GET", "/api/v1/pools", False, False, 401),
    "api not found": ("GET", "/api/v1/no-such-endpoint", False, True, 404),
    "api bad input": ("POST", "/api/v1/pools", False, True, 400),
    "stylesheet": ("GET", "/static/css/app.css", False, False, 200),
    "htmx": ("GET", "/static/js/htmx-2.0.11.min.js", False, False, 200),
    "missing static file": ("GET", "/static/nope.css", False, False, 404),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_every_kind_of_response_carries_the_security_headers(client, make_user, name):
    method, path, logged_in, bearer, status = RESPONSES[name]
    alice = make_user("alice")
    if logged_in:
        log_in(client, "alice")
    headers = alice.headers if bearer else {}
    response = client.open(path, method=method, headers=headers, json={} if method == "POST" and bearer else None)
    assert response.status_code == status
    assert_secure_headers(response)


def test_an_unexpected_error_still_carries_the_headers(app, client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken-for-this-test", view_func=broken)
    app.add_url_rule("/api/v1/broken-for-this-test", endpoint="api_broken", view_func=broken)
    for path in ("/broken-for-this-test", "/api/v1/broken-for-this-test"):
        response = client.get(path)
        assert response.status_code == 500
        assert_secure_headers(response)


def test_over_https_browsers_are_told_to_stay_on_https(monkeypatch, database_url):
    monkeypatch.setenv("HTTPS", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                      "SECRET_KEY": "test-secret"})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


# --- Cookies -------------------------------------------------------------------------------------

def cookie_attributes(response, name: str) -> set[str]:
    """``{"httponly", "samesite=lax", "path=/", ...}`` of the cookie ``name`` that ``response`` sets."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().lower() for part in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie set")


def remember_me(client, headers=None):
    return client.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y",
                                       "csrf_token": csrf_token(client)}, headers=headers or {})


def test_session_and_remember_cookies_are_http_only_and_same_site_lax(client, make_user):
    make_user("alice")
    response = remember_me(client)
    assert response.status_code == 303
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert {"httponly", "samesite=lax"} <= attributes
        assert "secure" not in attributes  # plain HTTP in development; see the HTTPS test


@pytest.mark.parametrize("variable, value", [("HTTPS", "1"), ("PREFERRED_URL_SCHEME", "https")])
def test_over_https_the_cookies_are_secure(monkeypatch, database_url, make_user, variable, value):
    monkeypatch.setenv(variable, value)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                      "SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    make_user("alice")
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    response = remember_me(client, {"Referer": "https://localhost/login"})  # CSRF checks it over HTTPS
    assert response.status_code == 303
    for name in ("session", "remember_token"):
        assert {"httponly", "samesite=lax", "secure"} <= cookie_attributes(response, name)


# --- Templates that a strict Content-Security-Policy can run -------------------------------------

FORBIDDEN_IN_TEMPLATES = {
    "inline style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "hx-on attribute": re.compile(r"\bhx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "inline event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "script or style from another site": re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I),
}


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_are_found():
    names = {path.relative_to(TEMPLATES).as_posix() for path in template_files()}
    assert {"base.html", "index.html", "tokens/index.html", "pools/_audit.html"} <= names


@pytest.mark.parametrize("problem", FORBIDDEN_IN_TEMPLATES)
def test_no_template_needs_inline_script_or_style(problem):
    pattern = FORBIDDEN_IN_TEMPLATES[problem]
    offenders = [f"{path.relative_to(TEMPLATES)}:{text[:match.start()].count(chr(10)) + 1}"
                 for path in template_files()
                 for text in [path.read_text()]
                 for match in pattern.finditer(text)]
    assert offenders == [], f"{problem} in {offenders}"


def test_htmx_injects_no_indicator_style(client):
    page = client.get("/login").get_data(as_text=True)
    assert '"includeIndicatorStyles":false' in page
