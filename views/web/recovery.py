"""The pages of a forgotten password: asking for a reset link, and the page the link opens.

Opening the link changes nothing (mail scanners open links): it shows a form, and only posting the
new password uses the link up. Without email on this server, the first page says which
administrators can set a new password instead.
"""
from flask import request, url_for
from flask_login import current_user

from core import security
from core.cache_control import no_store
from services import mail, recovery
from services.errors import BadRequest, Unauthenticated
from views.web import htmx, web
from views.web.forms import ForgotPasswordForm, ResetPasswordForm

FORGOT_PAGE = ("auth/forgot_password.html", "auth/_forgot_password_form.html")
RESET_PAGE = ("auth/reset_password.html", "auth/_reset_password_form.html")
LINK_SENT = ("If this is the verified address of an account, a link that resets its password is on its way. "
             f"It works for {recovery.LINK_LIFETIME}.")


def _forgot_page(form, status: int = 200):
    return htmx.render(*FORGOT_PAGE, status=status, form=form, email_enabled=mail.is_configured(),
                       how_to_recover=recovery.how_to_recover(), administrator_help=recovery.administrator_help())


def _too_many_requests(limit):
    form = ForgotPasswordForm()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many requests"))
    return _forgot_page(form, status=429)


@web.route("/forgot-password", methods=["GET", "POST"])
@no_store
@security.recovery_limits(on_breach=_too_many_requests)
def forgot_password():
    if current_user.is_authenticated:
        return htmx.redirect(url_for("web.account"))
    form = ForgotPasswordForm()
    if request.method == "GET" or not mail.is_configured():
        return _forgot_page(form)
    return htmx.submit(lambda: recovery.request_reset(form.email.data), form=form, complaints=BadRequest,
                       again=lambda: _forgot_page(form, status=422),
                       done=lambda _: htmx.done(url_for("web.login"), LINK_SENT, category="info"))


def _reset_page(form, status: int = 200, link_error: str | None = None):
    return htmx.render(*RESET_PAGE, status=status, form=form, link_error=link_error)


@web.get("/reset-password")
@no_store
def reset_password():
    """The page a reset link opens: the new-password form, or why the link no longer works."""
    token = request.args.get("token", "")
    try:
        recovery.check_reset_link(token)
    except Unauthenticated as error:
        return _reset_page(ResetPasswordForm(formdata=None), status=400, link_error=error.message)
    return _reset_page(ResetPasswordForm(formdata=None, token=token))


@web.post("/reset-password")
@no_store
@security.recovery_ip_limit()
def confirm_reset_password():
    form = ResetPasswordForm()
    return htmx.submit(
        lambda: recovery.reset_password(form.token.data, form.password.data), form=form,
        complaints=(BadRequest, Unauthenticated), again=lambda: _reset_page(form, status=422),
        done=lambda _: htmx.done(url_for("web.login"),
                                 "Your password is reset and every session of your account has ended: "
                                 "log in with the new password."))
