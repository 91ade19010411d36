"""Register, log in and log out. Each login opens a browser session on the server
(``services.sessions``) that the session and remember cookies name, and logging out ends it."""
from urllib.parse import urlsplit

from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from core import security
from core.cache_control import no_store
from services import accounts, sessions, signup, two_factor
from services.errors import EMAIL_TAKEN, AccountDisabled, BadRequest, Conflict, Forbidden, ServiceError
from views.web import htmx, web
from views.web.forms import LoginForm, RegisterForm, add_service_errors

INVALID_CREDENTIALS = "Invalid username or password"


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (an open redirect otherwise)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "\" as "/", so "/\evil.example" is another site; control characters get stripped.
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def load_user(key: str):
    """Flask-Login's user loader: the user of the live browser session ``key`` names, else nobody."""
    try:
        user = sessions.user_for_key(key)
    except AccountDisabled as error:
        flash(error.message, "error")
        user = None
    if user is None:
        _forget_login()
    return user


def _forget_login() -> None:
    # The cookies name a session that has ended: drop them, so later requests do not look it up again.
    # (Flask-Login's logout_user() cannot run inside the loader: it would load the user again.)
    session.pop("_user_id", None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies:
        session["_remember"] = "clear"  # Flask-Login deletes the remember cookie after the request


def _client() -> tuple[str | None, str]:
    return request.remote_addr, request.user_agent.string


def _form_page(full: str, fragment: str, form, **context):
    # A POST that reaches here failed validation: 422, which the htmx config swaps in.
    status = 422 if request.method == "POST" else 200
    return htmx.render(full, fragment, status=status, form=form, **context)


@web.app_context_processor
def signup_context():
    """Whether the pages offer to open an account (``ALLOW_SIGNUP``)."""
    return {"signup_open": signup.is_open}


@web.route("/register", methods=["GET", "POST"])
@no_store
def register():
    if current_user.is_authenticated:
        return htmx.redirect(url_for("web.index"))
    form = RegisterForm()
    return htmx.submit(
        lambda: signup.sign_up(form.username.data, form.password.data, form.email.data or None,
                               alias=form.alias.data or ""),
        form=form, complaints=(Conflict, BadRequest, Forbidden), add_errors=_add_register_errors,
        again=lambda: _form_page("auth/register.html", "auth/_register_form.html", form),
        done=_registered)


def _add_register_errors(form: RegisterForm, error: ServiceError) -> None:
    if isinstance(error, Conflict) and error.code == EMAIL_TAKEN:
        form.email.errors.append(error.message)
    elif isinstance(error, Conflict):
        form.username.errors.append("That username is taken")
    else:
        add_service_errors(form, error)


def _registered(user):
    sessions.open_session(user, False, *_client())
    login_user(user)
    return htmx.done(url_for("web.index"), f"Welcome to Servermarket, {user.alias}! Your account is ready.")


def _too_many_attempts(limit):
    form = LoginForm()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many login attempts"))
    return htmx.render("auth/login.html", "auth/_login_form.html", status=429, form=form,
                       next_url=safe_next(request.args.get("next")))


@web.route("/login", methods=["GET", "POST"])
@no_store
@security.login_limits(on_breach=_too_many_attempts)
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return htmx.redirect(next_url or url_for("web.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user, pending = two_factor.log_in(form.username.data, form.password.data, form.remember.data,
                                              *_client())
        except AccountDisabled as error:
            form.form_errors.append(error.message)
        else:
            if pending is not None:
                # Not logged in yet: the pending login waits in the signed session cookie for its code.
                session[security.PENDING_LOGIN] = {"temp_token": pending, "remember": bool(form.remember.data),
                                                   "next": next_url}
                return htmx.redirect(url_for("web.login_code"))
            if user is not None:
                login_user(user, remember=form.remember.data)
                flash(f"Welcome back, {user.alias}.", "success")
                return htmx.redirect(next_url or url_for("web.index"))
            form.form_errors.append(INVALID_CREDENTIALS)
    return _form_page("auth/login.html", "auth/_login_form.html", form, next_url=next_url)


@web.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end_session(current_user)
    logout_user()
    return htmx.done(url_for("web.login"), "You have been logged out.", category="info")
