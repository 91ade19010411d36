"""The API tokens page: create a token (shown once), list them, revoke one."""
from flask import flash, url_for
from flask_login import current_user, login_required

from core import security
from core.cache_control import no_store
from core.timeutil import utcnow
from services import tokens as token_service
from services.errors import BadRequest
from views.web import htmx, web
from views.web.forms import TokenForm, add_service_errors

ACTIVE, EXPIRED, REVOKED = "Active", "Expired", "Revoked"


@web.app_template_filter("token_status")
def token_status(token) -> str:
    if token.revoked_at is not None:
        return REVOKED
    return ACTIVE if token.is_usable(utcnow()) else EXPIRED


def _section(form: TokenForm, status: int = 200, new_token=None, plain_token: str | None = None):
    return htmx.render("tokens/index.html", "tokens/_section.html", status=status, form=form,
                       tokens=token_service.list_tokens(current_user), new_token=new_token,
                       plain_token=plain_token)


@web.get("/tokens")
@login_required
def tokens():
    return _section(TokenForm())


def _too_many_tokens(limit):
    form = TokenForm()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many new tokens"))
    return _section(form, status=429)


@web.post("/tokens")
@no_store  # the secret is in this answer only: keep it out of every cache, the back button's included
@login_required
@security.token_creation_limits(on_breach=_too_many_tokens)
def create_token():
    """Create a token and show its secret once, in this response and never again."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _section(form, status=422)
    try:
        token, plain = token_service.create_token(current_user, form.name.data, form.lifetime_days)
    except BadRequest as error:
        add_service_errors(form, error)
        return _section(form, status=422)
    return _section(TokenForm(formdata=None), new_token=token, plain_token=plain)


@web.post("/tokens/<token_id>/revoke")
@login_required
def revoke_token(token_id: str):
    token = token_service.revoke_token(current_user, token_id)
    if htmx.is_htmx():
        return htmx.fragment("tokens/_row.html", token=token)
    flash("Token revoked", "success")
    return htmx.redirect(url_for("web.tokens"))
