"""The published SDK's notifications service works against our server unchanged: listing, the unread
filter, marking one and all read, the public announcements, and an administrator's announcement.

A Node script (``tests/sdk/notifications_check.mjs``) drives the app served over real HTTP with the
SDK's own files (vendored under ``tests/sdk/hoody-sdk``, see its README) and prints what each call
answered; the checks are here. Node is required: without it this test fails rather than skips.
"""
from tests.live_server import served
from tests.notices import rental_notifications
from tests.sdk_runner import run_sdk


def test_the_published_sdk_reads_and_marks_notifications(app, api, clock, runner, make_user):
    reader = make_user("alice", balance_cents=1000_00)
    other = make_user("bob")
    admin = make_user("root", is_admin=True)
    rental_notifications(app, api, clock, runner, reader)
    clock.advance(minutes=1)

    with served(app) as base_url:
        seen = run_sdk("notifications_check.mjs", base_url, reader_token=reader.token, admin_token=admin.token,
                       other_token=other.token)

    assert seen["publicBefore"] == {"statusCode": 200, "message": "Public notifications retrieved successfully",
                                    "data": []}
    created = seen["created"]["data"]
    assert seen["created"]["statusCode"] == 201
    assert (created["title"], created["type"], created["severity"], created["is_public"], created["is_global"]) == (
        "Maintenance tonight", "MAINTENANCE", "WARNING", True, True)
    assert seen["refusedCreate"]["status"] == 400

    listed = seen["list"]["data"]
    assert [note["title"] for note in listed] == [
        "Maintenance tonight", "node-us-nyc-1 was released", "node-us-nyc-1 has expired",
        "node-us-nyc-1 ends in 24 hours", "node-us-nyc-1 ends in 3 days"]
    assert len(seen["unreadBefore"]["data"]) == 5
    # The SDK's iterators look for the items under data.data, where our data is the list itself (docs/API.md).
    assert seen["listAll"] == []

    newest = listed[1]
    assert seen["markRead"] == {"statusCode": 200, "message": "Notification marked as read", "data": {
        "id": newest["id"], "notification_id": newest["id"], "is_read": True, "read_at": "2025-01-30T22:01:00.000Z"}}
    assert seen["othersMarkRead"]["status"] == 404
    assert newest["id"] not in [note["id"] for note in seen["unreadAfterOne"]["data"]]
    assert len(seen["unreadAfterOne"]["data"]) == 4

    assert seen["markAllRead"]["data"] == {"count": 4}
    assert seen["unreadAfterAll"]["data"] == []
    # Bob reads the announcement too, unread for him.
    assert [(note["title"], note["is_read"]) for note in seen["otherList"]["data"]] == [("Maintenance tonight", False)]
    assert [note["id"] for note in seen["publicAfter"]["data"]] == [created["id"]]
    assert seen["anonymousList"]["status"] == 401
