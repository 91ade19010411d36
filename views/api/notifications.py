"""Notifications (the published paths): a user's list, marking read, the public announcements, and
administrators' announcements to everyone."""
from flask import request

from services import inbox
from services.errors import FORBIDDEN
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import NotificationOut, NotificationRead, ReadAllResult
from views.api.schemas import AnnouncementBody
from views.api.support import api_user

LIST = dict(
    tag="Notifications", summary="Your notifications", message="Notifications retrieved successfully",
    data=list[NotificationOut], paged=True, query=inbox.NotificationFilters, example=ex.NOTIFICATIONS,
    description="Yours and the announcements to everyone that have not expired, newest first, each with whether "
                "you have read it. `unread=true` lists only the unread ones.",
)
MARK_READ = dict(
    tag="Notifications", summary="Mark a notification read", message="Notification marked as read",
    data=NotificationRead, example=ex.NOTIFICATION_READ, error_examples=ex.NOTIFICATION_NOT_FOUND,
    description="Yours, or an announcement on show (read for you only). Marking it again keeps the first "
                "`read_at`. 404 for anyone else's.",
)
READ_ALL = dict(
    tag="Notifications", summary="Mark all your notifications read", message="All notifications marked as read",
    data=ReadAllResult, example=ex.READ_ALL,
    description="Announcements on show included; `count` is how many were unread.",
)


def _list():
    seen, total = inbox.list_for(api_user(), parse_page(request.args), inbox.parse_filters(request.args))
    return [out.notification(item.notification, item.read_at) for item in seen], total


@api.get("/notifications")
@operation(permission="resources.read_account", **LIST)
def list_notifications():
    return _list()


@api.get("/notifications/")
@operation(permission="resources.read_account",
           **{**LIST, "summary": "Your notifications (same as GET /notifications)"})
def list_notifications_slash():
    return _list()


@api.get("/notifications/public")
@operation(
    permission=None,
    tag="Notifications", summary="Public announcements", message="Public notifications retrieved successfully",
    data=list[NotificationOut], paged=True, example=[ex.ANNOUNCEMENT], public=True,
    description="No login needed: the announcements administrators made public that have not expired, newest "
                "first.",
)
def public_notifications():
    notes, total = inbox.public_announcements(parse_page(request.args))
    return [out.notification(note) for note in notes], total


@api.route("/notifications/<notification_id>/read", methods=["PUT", "POST"])
@operation(permission="resources.read_account", **MARK_READ)
def mark_notification_read(notification_id: str):
    return out.notification_read(inbox.mark_read(api_user(), notification_id))


@api.route("/notifications/read-all", methods=["PUT", "POST"])
@operation(permission="resources.read_account", **READ_ALL)
def mark_all_notifications_read():
    return {"count": inbox.mark_all_read(api_user())}


@api.post("/admin/notifications")
@operation(
    permission="admin.users",
    tag="Administration", summary="Post an announcement to everyone", message="Notification created successfully",
    status=201, body=AnnouncementBody, data=NotificationOut, errors=(FORBIDDEN,),
    body_example=ex.ANNOUNCEMENT_BODY, example=ex.ANNOUNCEMENT, error_examples=ex.ANNOUNCEMENT_REFUSALS,
    description="Administrators only (403 for everyone else). Every user sees it in their notifications (and its "
                "banner on the pages) until it expires; with `is_public`, visitors see it too. A `title` is "
                "required and `expires_at` must be in the future (400).",
)
def post_announcement(body: AnnouncementBody):
    note = inbox.post_announcement(api_user(), body.title, body.message, body.type, body.severity, body.is_public,
                                   body.expires_at)
    return out.notification(note)
