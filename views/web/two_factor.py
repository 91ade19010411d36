"""Two-factor login on the pages: the account page's section (set up with a QR code, confirm with a
first code, backup codes shown once, new ones, the token gate, turning it off) and the login page's
second step, which asks for the code before any session is opened."""
from flask import abort, flash, make_response, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from core import security
from core.cache_control import no_store
from services import sessions, two_factor
from services.errors import AccountDisabled, BadRequest, Conflict, Forbidden, ServiceError, TwoFactorRequired, \
    Unauthenticated
from views.web import account, htmx, web
from views.web.forms import TwoFactorCodeForm

SECTION = "account/_two_factor.html"
# What the section's forms can be refused for: put above the form, the section shown again.
COMPLAINTS = (BadRequest, Forbidden, TwoFactorRequired, Conflict)


def _section(status: int = 200, **shown):
    """The two-factor section for htmx, the whole account page otherwise, with what it shows once."""
    context = {**account.page_context(), "two_factor_errors": [], "setup": None, "new_backup_codes": None, **shown}
    return htmx.render("account/index.html", SECTION, status=status, **context)


def _refused(error: ServiceError):
    return _section(status=422, two_factor_errors=[error.message[0].upper() + error.message[1:]])


def _answer(action, done):
    try:
        result = action()
    except COMPLAINTS as error:
        return _refused(error)
    return done(result)


def _too_many_codes(limit):
    return _section(status=429, two_factor_errors=[
        security.retry_message(security.retry_after(limit), "Too many codes tried")])


@web.post("/account/two-factor/setup")
@no_store  # the backup codes are in this answer only
@login_required
def two_factor_setup():
    return _answer(lambda: two_factor.begin_setup(current_user, request.form.get("password", "")),
                   lambda setup: _section(setup=setup))


@web.get("/account/two-factor/qr.svg")
@no_store
@login_required
def two_factor_qr():
    """The QR code of the setup waiting for its first code, as an image the page's <img> shows."""
    uri = two_factor.pending_setup_uri(current_user)
    if uri is None:
        abort(404)
    response = make_response(two_factor.qr_svg(uri))
    response.mimetype = "image/svg+xml"
    return response


@web.post("/account/two-factor/confirm")
@login_required
@security.two_factor_limits(on_breach=_too_many_codes)
def two_factor_confirm():
    """Turn two-factor on with the first code; every other browser session and API login ends."""
    def confirmed(result):
        _, ended = result
        others = "session or login token" if ended == 1 else "sessions and login tokens"
        return htmx.done(url_for("web.account"), f"Two-factor login is on. {ended} other {others} ended.",
                         updates=lambda: render_template(SECTION, **account.page_context(), two_factor_errors=[],
                                                         setup=None, new_backup_codes=None))

    return _answer(lambda: two_factor.confirm_setup(current_user, request.form.get("code", ""),
                                                    keep_session=sessions.current_session_id(current_user)),
                   confirmed)


@web.post("/account/two-factor/backup-codes")
@no_store
@login_required
@security.two_factor_limits(on_breach=_too_many_codes)
def two_factor_regenerate():
    return _answer(lambda: two_factor.regenerate_backup_codes(current_user, request.form.get("password", ""),
                                                              request.form.get("code", "")),
                   lambda codes: _section(new_backup_codes=codes))


@web.post("/account/two-factor/token-gate")
@login_required
@security.two_factor_limits(on_breach=_too_many_codes)
def two_factor_token_gate():
    """Whether making an API token asks for a code; turning it off asks for one now."""
    require = request.form.get("require_for_tokens") == "on"
    message = "New API tokens now need a two-factor code." if require else "New API tokens no longer need a code."
    return _answer(lambda: two_factor.set_token_gate(current_user, require, request.form.get("code") or None),
                   lambda _: _done(message))


@web.post("/account/two-factor/disable")
@login_required
@security.two_factor_limits(on_breach=_too_many_codes)
def two_factor_disable():
    return _answer(lambda: two_factor.disable(current_user, request.form.get("password", ""),
                                              request.form.get("code", "")),
                   lambda _: _done("Two-factor login is off: logging in needs only your password."))


def _done(message: str):
    return htmx.done(url_for("web.account"), message,
                     updates=lambda: render_template(SECTION, **account.page_context(), two_factor_errors=[],
                                                     setup=None, new_backup_codes=None))


# --- The login page's second step ----------------------------------------------------------------

def _code_page(form: TwoFactorCodeForm, status: int = 200):
    return htmx.render("auth/login_code.html", "auth/_login_code_form.html", status=status, form=form)


def _too_many_login_codes(limit):
    form = TwoFactorCodeForm()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many codes tried"))
    return _code_page(form, status=429)


@web.route("/login/code", methods=["GET", "POST"])
@no_store
@security.two_factor_limits(on_breach=_too_many_login_codes)
def login_code():
    """After a right password: the code from the authenticator app, or a backup code, completes the login."""
    pending = session.get(security.PENDING_LOGIN)
    if current_user.is_authenticated or not isinstance(pending, dict):
        return htmx.redirect(url_for("web.login"))
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return _code_page(form, status=422 if request.method == "POST" else 200)
    try:
        user = two_factor.finish_page_login(pending.get("temp_token"), form.code.data, pending.get("remember", False),
                                            request.remote_addr, request.user_agent.string)
    except TwoFactorRequired as error:
        form.code.errors = [error.message]
        return _code_page(form, status=422)
    except (Unauthenticated, AccountDisabled) as error:
        session.pop(security.PENDING_LOGIN, None)
        flash(error.message, "error")
        return htmx.redirect(url_for("web.login"))
    session.pop(security.PENDING_LOGIN, None)
    login_user(user, remember=pending.get("remember", False))
    flash(f"Welcome back, {user.alias}.", "success")
    return htmx.redirect(pending.get("next") or url_for("web.index"))
