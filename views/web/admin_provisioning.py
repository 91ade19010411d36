"""The admin pages of provisioning: the rentals whose setup is still awaited, and one rental's page where
its setup is reported (status, message, access details). Administrators only (``services.provisioning``
refuses everyone else, shown as the 403 page)."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required

from core.timeutil import utcnow
from services import provisioning
from services.errors import BadRequest, Conflict, NotFound
from services.paging import parse_page
from views.web import htmx, web
from views.web.pager import pager
from views.web.provisioning_forms import STATUS_LABELS, ProvisioningForm

PAGE_SIZE = 20


@web.get("/admin/provisioning")
@login_required
def admin_provisioning():
    """Rentals whose server is still pending or being set up, the oldest first."""
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    rows, total = provisioning.unfinished(current_user, page)
    return htmx.render("admin/provisioning.html", "admin/_provisioning_list.html", rows=rows, now=utcnow(),
                       labels=STATUS_LABELS, paging=pager(page, total, len(rows), "web.admin_provisioning"))


def _rental_page(rental_id: str, form: ProvisioningForm | None = None, status: int = 200):
    rental, server, renter = provisioning.rental_for_admin(current_user, rental_id)
    return htmx.render("admin/rental.html", "admin/_provisioning_form.html", status=status, rental=rental,
                       server=server, renter=renter, form=form or ProvisioningForm.of(rental), labels=STATUS_LABELS,
                       now=utcnow())


@web.get("/admin/rentals/<rental_id>")
@login_required
def admin_rental(rental_id: str):
    return _rental_page(rental_id)


@web.post("/admin/rentals/<rental_id>/provisioning")
@login_required
def admin_report_provisioning(rental_id: str):
    provisioning.rental_for_admin(current_user, rental_id)  # 403 or 404 before the form is read
    form = ProvisioningForm()

    def reported(report: provisioning.Report):
        rental, server, renter = provisioning.rental_for_admin(current_user, rental_id)
        label = STATUS_LABELS[rental.provisioning_status].lower()
        message = f"{server.name} is reported {label}."
        if report.refunded_cents:
            message += " Its charges were refunded and the server released."
        return htmx.done(url_for("web.admin_rental", rental_id=rental_id), message,
                         updates=lambda: render_template("admin/_provisioning_form.html", rental=rental, server=server,
                                                         renter=renter, form=ProvisioningForm.of(rental),
                                                         labels=STATUS_LABELS, now=utcnow()))

    return htmx.submit(
        lambda: provisioning.report(current_user, rental_id, form.status.data, form.message.data or None, form.access),
        form=form, complaints=BadRequest, add_errors=ProvisioningForm.add_report_errors,
        refusals=(Conflict, NotFound), refused=url_for("web.admin_rental", rental_id=rental_id),
        again=lambda: _rental_page(rental_id, form, status=422), done=reported)
