"""The API tokens page: create a token (shown once) from a template or ticked permissions, with an expiry
and allowed addresses; list them with their last use, enable, disable or revoke one; the API logins'
sessions apart."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required

from core import security
from core.cache_control import no_store
from services import scoped_tokens
from services import tokens as token_service
from services import two_factor
from services.errors import BadRequest, TwoFactorRequired
from services.paging import Page
from views.web import htmx, web
from views.web.token_forms import ScopedTokenForm, add_token_errors


def _form(**options) -> ScopedTokenForm:
    return ScopedTokenForm(**options).offer(current_user.is_admin)

SECTION = "tokens-section"  # the id htmx names in HX-Target when an answer replaces the whole section
LOGIN_SESSIONS_SHOWN = 50


def _context(form: ScopedTokenForm, new_token=None, plain_token: str | None = None) -> dict:
    sessions, sessions_total = token_service.login_sessions(current_user, Page(limit=LOGIN_SESSIONS_SHOWN))
    return {"form": form, "tokens": token_service.list_tokens(current_user), "login_sessions": sessions,
            "login_sessions_total": sessions_total, "new_token": new_token, "plain_token": plain_token,
            "token_gate": two_factor.status(current_user).require_for_tokens}


def _section(form: ScopedTokenForm, status: int = 200, new_token=None, plain_token: str | None = None):
    return htmx.render("tokens/index.html", "tokens/_section.html", status=status,
                       **_context(form, new_token, plain_token))


@web.get("/tokens")
@login_required
def tokens():
    return _section(_form())


def _too_many_tokens(limit):
    form = _form()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many new tokens"))
    return _section(form, status=429)


@web.post("/tokens")
@no_store  # the secret is in this answer only: keep it out of every cache, the back button's included
@login_required
@security.token_creation_limits(on_breach=_too_many_tokens)
def create_token():
    """Create a token and show its secret once, in this response and never again."""
    form = _form()
    return htmx.submit(
        lambda: scoped_tokens.create(current_user, None, scoped_tokens.NewToken(
            alias=form.name.data, permission_template=form.permission_template, permissions=form.permission_tree,
            ip_whitelist=form.addresses, lifetime_days=form.lifetime_days, otp_code=form.otp_code.data)),
        form=form, complaints=(BadRequest, TwoFactorRequired), add_errors=add_token_errors,
        again=lambda: _section(form, status=422),
        done=lambda created: _section(_form(formdata=None), new_token=created[0], plain_token=created[1]))


@web.post("/tokens/<token_id>/revoke")
@login_required
def revoke_token(token_id: str):
    token = token_service.revoke_token(current_user, token_id)

    def revoked():
        if request.headers.get("HX-Target") == SECTION:
            # Asked by the row of the token whose secret is on show: the section comes back without it.
            return _section(_form(formdata=None))
        return htmx.fragment("tokens/_row.html", token=token)

    return htmx.done(url_for("web.tokens"), "Token revoked", fragment=revoked)


@web.post("/tokens/<token_id>/enable")
@login_required
def enable_token(token_id: str):
    return _switch(token_id, True)


@web.post("/tokens/<token_id>/disable")
@login_required
def disable_token(token_id: str):
    return _switch(token_id, False)


def _switch(token_id: str, enabled: bool):
    """A disabled token is refused until it is enabled again; the row comes back with its new state."""
    token = scoped_tokens.change(current_user, None, token_id, {"is_enabled": enabled})
    return htmx.done(url_for("web.tokens"), f"Token {'enabled' if enabled else 'disabled'}",
                     fragment=lambda: htmx.fragment("tokens/_row.html", token=token))


@web.post("/tokens/logins/revoke")
@login_required
def revoke_login_sessions():
    """Revoke every session the API logins made; the named tokens keep working."""
    count = token_service.revoke_login_sessions(current_user)
    return htmx.done(url_for("web.tokens"), f"{count} API login {'session' if count == 1 else 'sessions'} revoked",
                     updates=lambda: render_template("tokens/_section.html", **_context(_form(formdata=None))))
