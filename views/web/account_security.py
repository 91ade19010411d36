"""The account page's security sections: where you are logged in (and signing those sessions out),
changing your password, and your security history. The same services as the API do every change."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required

from core import security
from core.cache_control import no_store
from core.user_agents import label as browser_label
from services import passwords, sessions
from services.errors import BadRequest, NotFound
from services.paging import parse_page
from views.web import account, htmx, web
from views.web.account_forms import PasswordChangeForm
from views.web.security_sections import HISTORY_PAGE_SIZE, security_context

SESSIONS_SECTION = "account/_sessions.html"
PASSWORD_SECTION = "account/_password.html"
HISTORY_SECTION = "account/_history.html"


def _updated(message: str, section: str = SESSIONS_SECTION):
    """After a change: ``section`` again for htmx, with the sessions and the history (which the change
    added to) out of band; the account page otherwise."""
    def updates() -> str:
        context = security_context()
        others = [SESSIONS_SECTION, HISTORY_SECTION] if section != SESSIONS_SECTION else [HISTORY_SECTION]
        return render_template(section, **context) + "".join(render_template(other, oob=True, **context)
                                                             for other in others)
    return htmx.done(url_for("web.account"), message, updates=updates)


@web.post("/account/sessions/<session_id>/revoke")
@login_required
def account_revoke_session(session_id: str):
    """Sign out one of your sessions; it is logged out on its next request."""
    return htmx.submit(lambda: sessions.revoke_session(current_user, session_id),
                       refusals=NotFound, refused=url_for("web.account"),
                       done=lambda ended: _updated(f"Signed out {browser_label(ended.user_agent)}."))


@web.post("/account/sessions/others/revoke")
@login_required
def account_revoke_other_sessions():
    """Sign out everywhere but this browser, API logins included."""
    ended = sessions.end_others(current_user, sessions.current_session_id(current_user))
    return _updated(_ended_message(ended))


def _ended_message(ended: dict[str, int]) -> str:
    count, tokens = ended["sessions"], ended["login_tokens"]
    parts = [f"{count} other {'session' if count == 1 else 'sessions'}"]
    if tokens:
        parts.append(f"{tokens} API {'login' if tokens == 1 else 'logins'}")
    return "Signed out " + " and ".join(parts) + "."


def _password_section(form: PasswordChangeForm, status: int = 200):
    return account.render_section(PASSWORD_SECTION, status=status, password_form=form)


def _too_many_attempts(limit):
    form = PasswordChangeForm()
    form.form_errors.append(security.retry_message(security.retry_after(limit), "Too many attempts"))
    return _password_section(form, status=429)


@web.post("/account/password")
@no_store
@login_required
@security.password_limits(on_breach=_too_many_attempts)
def account_password():
    """Change your password; every other session ends, and this one continues."""
    form = PasswordChangeForm()
    return htmx.submit(
        lambda: passwords.change_password(current_user, form.current_password.data, form.password.data,
                                          keep_session_id=sessions.current_session_id(current_user)),
        form=form, complaints=BadRequest, again=lambda: _password_section(form, status=422),
        done=lambda ended: _updated("Your password is changed. " + _ended_message(ended), PASSWORD_SECTION))


@web.get("/account/history")
@login_required
def account_history():
    """A page of your security history: the section alone for htmx (the pager), the account page otherwise."""
    page = parse_page(request.args, default_limit=HISTORY_PAGE_SIZE)
    return account.render_section(HISTORY_SECTION, history_page=page)
