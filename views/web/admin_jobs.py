"""The admin jobs page: the periodic checks' last runs, the queue's depth, the workers' heartbeats,
and the failed jobs with a Retry button. Administrators only (``services.job_status`` refuses
everyone else, shown as the 403 page)."""
from flask import flash, render_template, url_for
from flask_login import current_user, login_required

from services import job_status
from services.errors import Conflict
from views.web import htmx, web


@web.get("/admin/jobs")
@login_required
def admin_jobs():
    """The jobs page; htmx (its refresh button) gets the status panels only."""
    overview = job_status.overview_for(current_user)
    return htmx.render("admin/jobs.html", "admin/_jobs.html", overview=overview)


@web.post("/admin/jobs/failed/<failed_job_id>/retry")
@login_required
def admin_retry_job(failed_job_id: str):
    try:
        failed = job_status.retry_failed_job(current_user, failed_job_id)
    except Conflict as error:
        if htmx.is_htmx():
            return htmx.refusal(error.message)
        flash(error.message, "error")
        return htmx.redirect(url_for("web.admin_jobs"))
    flash(f"{failed.task} is queued again; a worker runs it shortly.", "success")
    if htmx.is_htmx():
        return htmx.with_updates(render_template("admin/_failed_job_row.html", failed=failed))
    return htmx.redirect(url_for("web.admin_jobs"))
