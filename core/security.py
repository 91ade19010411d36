"""Protection for every response: security headers, the URL and body-size caps, rate limits and their 429 answers."""
import hashlib
import json
import math
import re
import time
from collections.abc import Callable

from flask import Flask, current_app, g, render_template, request, session
from flask_limiter import RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge

from core.extensions import limiter

# No inline script or style anywhere: htmx is a file under static/js and its indicator styles are in app.css.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"
RATE_LIMITED = "Too many requests"
NO_USERNAME = ":none"  # no valid username contains a colon
# A rate-limit key is stored (memory, Redis, memcached): what a client sent is kept as it is only
# when every store takes it and it is short; anything else is stored as its hash.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def init_app(app: Flask) -> None:
    # First, so an over-long URL or an oversized body is refused before CSRF or a rate limit reads it.
    app.before_request(refuse_overlong_url)
    app.before_request(refuse_oversized_body)
    limiter.init_app(app)
    app.after_request(add_security_headers)
    app.register_error_handler(RateLimitExceeded, rate_limited)


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def url_length() -> int:
    """Bytes of the URL as the client sent it (path and query string); WSGI strings hold a byte a character."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    # A server that keeps no raw URL: the path as it handed it over, plus the query.
    query = environ.get("QUERY_STRING", "")
    return len(environ.get("PATH_INFO", "")) + (len(query) + 1 if query else 0)


def refuse_overlong_url():
    """414 for a URL over ``MAX_URL_LENGTH``, before routing makes anything of it."""
    limit = current_app.config.get("MAX_URL_LENGTH")
    if limit and url_length() > limit:
        raise RequestURITooLarge(f"The address you asked for is longer than this site accepts ({limit} characters).")


def refuse_oversized_body():
    """413 for any request whose declared body is over ``MAX_CONTENT_LENGTH``, read by its view or not."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(
            f"What you sent is larger than this site accepts ({limit // 1024} KB). Please send less."
        )


# --- Rate limits ---------------------------------------------------------------------------------

def _json_field(name: str):
    """``name`` of the JSON object the request's body holds, read before the view reads it; None otherwise."""
    try:
        data = json.loads(request.get_data(cache=True) or b"{}")
    except (ValueError, RecursionError):
        return None
    return data.get(name) if isinstance(data, dict) else None


def login_username() -> str:
    """The username a login attempt names, from the API's JSON body or the login form."""
    username = _json_field("username") if request.path.startswith("/api/") else request.form.get("username")
    if not isinstance(username, str) or not username.strip():
        return NO_USERNAME
    return username.strip().lower()  # usernames are case-insensitive


def storable_key(value: str) -> str:
    """``value`` as a rate-limit key any store can keep, whatever a client put in it.

    A lone surrogate (JSON allows ``"\\ud800"``) cannot be encoded for Redis, and spaces or control
    characters break memcached keys, so anything but a short plain value is replaced by its hash.
    """
    if _PLAIN_KEY.fullmatch(value):
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _caller_id() -> str | None:
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.id
    return current_user.id if current_user.is_authenticated else None


def request_user() -> str:
    """The API caller or the logged-in browser user."""
    return _caller_id() or get_remote_address()


Breach = Callable[[RequestLimit], object]


def _limit(setting: str, scope: str, key_func: Callable[[], str], on_breach: Breach | None,
           methods: list[str] | None = None):
    return limiter.shared_limit(lambda: current_app.config[setting], scope=scope,
                                key_func=lambda: storable_key(key_func()), methods=methods or ["POST"],
                                on_breach=on_breach)


def _both(first, second):
    def decorate(view):
        return second(first(view))
    return decorate


def login_limits(on_breach: Breach | None = None):
    """Login attempts per username and per IP, counted across the API and the login page together."""
    return _both(_limit("RATELIMIT_LOGIN_PER_USERNAME", "login-username", login_username, on_breach),
                 _limit("RATELIMIT_LOGIN_PER_IP", "login-ip", get_remote_address, on_breach))


def token_creation_limits(on_breach: Breach | None = None):
    """Token creation per user and per IP, counted across every route that makes a named token."""
    return _both(_limit("RATELIMIT_TOKEN_CREATE_PER_USER", "token-create-user", request_user, on_breach),
                 _limit("RATELIMIT_TOKEN_CREATE_PER_IP", "token-create-ip", get_remote_address, on_breach))


# Where the page's second login step keeps its pending login (a temp_token) until the code is given.
PENDING_LOGIN = "two_factor_login"


def two_factor_subject() -> str:
    """Whose code is being tried: the caller, else the pending login (its temp_token's id, never its secret)."""
    if caller := _caller_id():
        return caller
    if request.path.startswith("/api/"):
        pending = _json_field("temp_token")
    else:
        pending = (session.get(PENDING_LOGIN) or {}).get("temp_token")
    if not isinstance(pending, str) or not pending:
        return get_remote_address()
    return "login:" + pending.partition(".")[0]


def two_factor_limits(on_breach: Breach | None = None):
    """One-time code attempts per person (or pending login) and per IP, on every route that checks one."""
    methods = ["POST", "PUT", "DELETE"]  # turning two-factor off is a DELETE, the token gate a PUT
    return _both(_limit("RATELIMIT_TWO_FACTOR_PER_USER", "two-factor-user", two_factor_subject, on_breach, methods),
                 _limit("RATELIMIT_TWO_FACTOR_PER_IP", "two-factor-ip", get_remote_address, on_breach, methods))


def retry_after(limit: RequestLimit | None) -> int:
    """Whole seconds until ``limit`` lets the next request through."""
    if limit is None:
        return 60
    reset_at, _ = limit.window
    return max(1, math.ceil(reset_at - time.time()))


def retry_message(seconds: int, subject: str = RATE_LIMITED) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"{subject}. Try again in {seconds} {unit}."


def rate_limited(error: RateLimitExceeded):
    """429 with ``Retry-After``: the envelope under /api/, the view's own answer or a page elsewhere."""
    from views.api.support import error_response  # the API's own error shape; views import core, not the reverse

    seconds = retry_after(limiter.current_limit)
    if request.path.startswith("/api/"):
        response = error_response(429, retry_message(seconds))
    elif error.response is not None:
        response = error.response
    else:
        response = current_app.make_response((
            render_template("error.html", code=429, title="Too many requests", message=retry_message(seconds)),
            429,
        ))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response
