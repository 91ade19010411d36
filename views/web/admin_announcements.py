"""The admin announcements page: post an announcement to everyone, list them, expire one early.
Administrators only (``services.inbox`` refuses everyone else, shown as the 403 page)."""
from flask import request, url_for
from flask_login import current_user, login_required

from core.timeutil import utcnow
from services import inbox
from services.errors import BadRequest
from services.paging import parse_page
from views.web import htmx, web
from views.web.forms import AnnouncementForm
from views.web.pager import pager

PAGE_SIZE = 20


def _page(form: AnnouncementForm, status: int = 200):
    """The page; htmx (the form, the pager) gets the form and the list without the page around them."""
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    notes, total = inbox.announcements(current_user, page)
    return htmx.render("admin/announcements.html", "admin/_announcements.html", status=status, form=form,
                       announcements=notes, paging=pager(page, total, len(notes), "web.admin_announcements"),
                       now=utcnow())


@web.get("/admin/announcements")
@login_required
def admin_announcements():
    return _page(AnnouncementForm(formdata=None))


@web.post("/admin/announcements")
@login_required
def admin_post_announcement():
    form = AnnouncementForm()
    return htmx.submit(
        lambda: inbox.post_announcement(current_user, form.title.data, form.message.data or "", form.type.data,
                                        form.severity.data, form.is_public.data, form.expiry),
        form=form, complaints=BadRequest, again=lambda: _page(form, status=422),
        done=lambda note: htmx.done(url_for("web.admin_announcements"), f"“{note.title}” is announced to everyone."))


@web.post("/admin/announcements/<notification_id>/expire")
@login_required
def admin_expire_announcement(notification_id: str):
    """End an announcement now: it leaves every list, banner and bell."""
    note = inbox.expire_announcement(current_user, notification_id)
    return htmx.done(url_for("web.admin_announcements"), f"“{note.title}” has expired.")
