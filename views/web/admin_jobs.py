"""The admin jobs page: the periodic checks' last runs, the queue's depth, the workers' heartbeats,
and the failed jobs with a Retry button. Administrators only (``services.job_status`` refuses
everyone else, shown as the 403 page)."""
from flask import render_template, url_for
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
    return htmx.submit(
        lambda: job_status.retry_failed_job(current_user, failed_job_id),
        refusals=Conflict, refused=url_for("web.admin_jobs"),
        done=lambda failed: htmx.done(
            url_for("web.admin_jobs"), f"{failed.task} is queued again; a worker runs it shortly.",
            updates=lambda: render_template("admin/_failed_job_row.html", failed=failed)))
