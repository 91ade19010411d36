"""The notifications pages: the bell with its unread count in the header (polled by htmx), the list of
a user's notifications (all or unread) with marking read, and the announcement banners a user
dismisses. The rules are ``services.inbox``'s, the same the API follows."""
from flask import current_app, make_response, render_template, request, url_for
from flask_login import current_user, login_required

from core.limits import UNREAD_COUNT_CAP
from services import inbox
from services.errors import ServiceError
from services.paging import parse_page
from views.web import htmx, web
from views.web.auth import safe_next
from views.web.pager import pager

PAGE_SIZE = 25
STOP_POLLING = 286  # htmx stops an `every` poll answered with this status


def bell_label(count: int) -> str:
    """The count beside the bell: empty at zero, "99+" from the cap on."""
    if count >= UNREAD_COUNT_CAP:
        return f"{UNREAD_COUNT_CAP - 1}+"
    return str(count) if count else ""


@web.app_context_processor
def notification_context():
    """The bell's count and the banners, queried only where a page shows them."""
    def unread() -> int:
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0

    def banners() -> list:
        return inbox.banners(current_user) if current_user.is_authenticated else []

    return {"unread_notification_count": unread, "announcement_banners": banners, "bell_label": bell_label,
            "notification_poll_seconds": current_app.config.get("NOTIFICATION_POLL_SECONDS", 30)}


@web.get("/notifications/bell")
def notification_bell():
    """The bell alone, for the header's poll. Once logged out the poll stops and the bell goes."""
    if not current_user.is_authenticated:
        return htmx.vary(make_response("", STOP_POLLING))
    return htmx.fragment("partials/bell.html")


def _list_context() -> dict:
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    filters = inbox.parse_filters(request.args)
    seen, total = inbox.list_for(current_user, page, filters)
    return {"seen": seen, "filters": filters,
            "paging": pager(page, total, len(seen), "web.notifications")}


@web.get("/notifications")
@login_required
def notifications():
    """Your notifications, all or unread only; htmx (the tabs and the pager) gets the list alone."""
    return htmx.render("notifications/index.html", "notifications/_list.html", **_list_context())


def _back() -> str:
    """The page the form was on (a path of this site only), else the list."""
    return safe_next(request.form.get("back")) or url_for("web.notifications")


@web.post("/notifications/<notification_id>/read")
@login_required
def read_notification(notification_id: str):
    """Mark one read: htmx gets its row again, read, and the bell's new count."""
    return htmx.submit(
        lambda: inbox.mark_read(current_user, notification_id), refusals=ServiceError,
        done=lambda seen: htmx.done(_back(), updates=lambda: render_template("notifications/_row.html", item=seen),
                                    bell=True))


@web.post("/notifications/read-all")
@login_required
def read_all_notifications():
    count = inbox.mark_all_read(current_user)
    return htmx.done(_back(), f"{count} {'notification' if count == 1 else 'notifications'} marked as read.",
                     updates=lambda: render_template("notifications/_list.html", **_list_context()), bell=True)


@web.post("/notifications/<notification_id>/dismiss")
@login_required
def dismiss_announcement(notification_id: str):
    """Hide an announcement's banner for good (for this user); htmx removes it in place."""
    return htmx.submit(lambda: inbox.dismiss(current_user, notification_id), refusals=ServiceError,
                       done=lambda _: htmx.done(_back(), updates="", bell=True))
