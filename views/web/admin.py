"""The admin pages: add and edit inventory servers, credit wallets, and disable and enable accounts.
Administrators only (``services.admin`` refuses everyone else, which the error handler shows as the
403 page)."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import ImmutableMultiDict

from core.money import format_dollars
from services import admin as admin_service
from services.errors import Conflict
from services.paging import parse_page
from views.web import htmx, web
from views.web.pool_forms import CreditForm, ServerForm

SERVER_PAGE_SIZE = 20
USER_PAGE_SIZE = 20
NO_QUERY = ImmutableMultiDict()


def _server_search(args) -> dict:
    query = args.get("q", "").strip()
    page = parse_page(args, default_limit=SERVER_PAGE_SIZE)
    servers, total = admin_service.search_servers(current_user, query, page)
    return {"servers": servers, "total": total, "page": page, "query": query}


def _user_search(args) -> dict:
    query = args.get("q", "").strip()
    page = parse_page(args, default_limit=USER_PAGE_SIZE)
    users, total = admin_service.search_users(current_user, query, page)
    return {"users": users, "user_total": total, "user_page": page, "user_query": query}


def _admin_page(credit_form: CreditForm, status: int = 200, fragment: str = "admin/_servers.html",
                server_args=NO_QUERY, user_args=NO_QUERY):
    """The admin page; each of its searches answers htmx with its own results only."""
    admin_service.require_admin(current_user)
    return htmx.render("admin/index.html", fragment, status=status, credit_form=credit_form,
                       **_server_search(server_args), **_user_search(user_args))


@web.get("/admin")
@login_required
def admin():
    """The admin page; its server search answers htmx with the results only."""
    return _admin_page(CreditForm(formdata=None), server_args=request.args)


@web.get("/admin/users")
@login_required
def admin_users():
    """The admin page with the users found; htmx gets the user results only."""
    return _admin_page(CreditForm(formdata=None), fragment="admin/_users.html", user_args=request.args)


def _account_change(change, user_id: str, message: str):
    return htmx.submit(
        lambda: change(current_user, user_id), refusals=Conflict, refused=url_for("web.admin_users"),
        done=lambda user: htmx.done(url_for("web.admin_users", q=user.username), message.format(username=user.username),
                                    updates=lambda: render_template("admin/_user_row.html", user=user)))


@web.post("/admin/users/<user_id>/disable")
@login_required
def admin_disable_user(user_id: str):
    return _account_change(admin_service.disable_user, user_id,
                           "{username} is disabled: their API tokens no longer work and their sessions have ended.")


@web.post("/admin/users/<user_id>/enable")
@login_required
def admin_enable_user(user_id: str):
    return _account_change(admin_service.enable_user, user_id,
                           "{username} is enabled again: their API tokens work and they can log in.")


@web.post("/admin/credit")
@login_required
def admin_credit():
    admin_service.require_admin(current_user)
    form = CreditForm()
    return htmx.submit(
        lambda: admin_service.credit_wallet(current_user, form.username.data, form.cents),
        form=form, add_errors=CreditForm.add_credit_errors,
        again=lambda: _admin_page(form, status=422, fragment="admin/_credit.html"),
        done=lambda user: htmx.done(
            url_for("web.admin"), f"Credited {format_dollars(form.cents)} to {user.username}; "
                                  f"their balance is now {format_dollars(user.balance_cents)}.",
            updates=lambda: render_template("admin/_credit.html", credit_form=CreditForm(formdata=None))))


def _server_form_page(form: ServerForm, server=None, status: int = 200):
    return htmx.render("admin/server.html", "admin/_server_form.html", status=status, form=form, server=server)


@web.get("/admin/servers/new")
@login_required
def admin_new_server():
    admin_service.require_admin(current_user)
    return _server_form_page(ServerForm(formdata=None))


@web.post("/admin/servers")
@login_required
def admin_create_server():
    admin_service.require_admin(current_user)
    form = ServerForm()
    return htmx.submit(
        lambda: admin_service.create_server(current_user, form.record),
        form=form, add_errors=ServerForm.add_record_errors, again=lambda: _server_form_page(form, status=422),
        done=lambda server: htmx.done(url_for("web.admin_edit_server", server_id=server.id),
                                      f"Server “{server.name}” added to the inventory."))


@web.get("/admin/servers/<server_id>")
@login_required
def admin_edit_server(server_id: str):
    server = admin_service.get_server(current_user, server_id)
    form = ServerForm.from_record(admin_service.server_record(current_user, server_id))
    return _server_form_page(form, server)


@web.post("/admin/servers/<server_id>")
@login_required
def admin_update_server(server_id: str):
    server = admin_service.get_server(current_user, server_id)
    form = ServerForm()

    def saved(server):
        form = ServerForm.from_record(admin_service.server_record(current_user, server_id))
        return render_template("admin/_server_form.html", form=form, server=server)

    return htmx.submit(
        lambda: admin_service.update_server(current_user, server_id, form.record),
        form=form, add_errors=ServerForm.add_record_errors, again=lambda: _server_form_page(form, server, status=422),
        done=lambda server: htmx.done(url_for("web.admin_edit_server", server_id=server_id),
                                      f"Server “{server.name}” saved.", updates=lambda: saved(server)))
