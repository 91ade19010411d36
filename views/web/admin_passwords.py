"""The admin page that sets a new password for an account, for someone who cannot use a reset link
(no email on this server, or no verified address). Administrators only."""
from flask import url_for
from flask_login import current_user, login_required

from services import admin as admin_service
from services.errors import BadRequest
from views.web import htmx, web
from views.web.forms import NewPasswordForm


def _page(user, form, status: int = 200):
    return htmx.render("admin/password.html", "admin/_password_form.html", status=status, user=user, form=form)


@web.get("/admin/users/<user_id>/password")
@login_required
def admin_user_password(user_id: str):
    return _page(admin_service.get_user(current_user, user_id), NewPasswordForm(formdata=None))


@web.post("/admin/users/<user_id>/password")
@login_required
def admin_set_user_password(user_id: str):
    user = admin_service.get_user(current_user, user_id)
    form = NewPasswordForm()
    return htmx.submit(
        lambda: admin_service.set_user_password(current_user, user.id, form.password.data), form=form,
        complaints=BadRequest, again=lambda: _page(user, form, status=422),
        done=lambda changed: htmx.done(
            url_for("web.admin_users", q=changed.username),
            f"{changed.username} has a new password: their sessions and API logins have ended. Tell them the "
            "password by a safe channel."))
