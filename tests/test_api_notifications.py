"""Notifications through the API, on the published paths: a user's own notifications (made as a
rental runs through its reminders) and the announcements to everyone, newest first and paged; marking
one or all read (PUT or POST), each user's read state of an announcement their own; the public
announcements without login; and administrators posting announcements.

Time is the ``clock`` fixture's: 2025-01-21 22:00 UTC at the start.
"""
from datetime import timedelta

import pytest

from tests.notices import announce, rental_notifications
from tests.snapshots import database_unchanged

RENTAL_TITLES = ["node-us-nyc-1 was released", "node-us-nyc-1 has expired", "node-us-nyc-1 ends in 24 hours",
                 "node-us-nyc-1 ends in 3 days"]  # newest first


@pytest.fixture
def alice(make_user):
    return make_user("alice", balance_cents=1000_00)


@pytest.fixture
def bob(make_user):
    return make_user("bob", balance_cents=1000_00)


@pytest.fixture
def root(make_user):
    return make_user("root", is_admin=True)


@pytest.fixture
def alices_notifications(app, api, clock, runner, alice):
    """Alice's four notifications of a rental's life; the clock stands at the last of them."""
    rental_notifications(app, api, clock, runner, alice)


def listed(api, person, query: str = "", path: str = "/notifications"):
    response = api.get(f"{path}{query}", as_=person)
    assert response.status_code == 200, response.json
    return response


def titles(response) -> list[str]:
    return [note["title"] for note in response.json["data"]]


# --- The list ------------------------------------------------------------------------------------

def test_a_users_notifications_are_listed_newest_first_with_their_shape(api, clock, alice, alices_notifications):
    response = listed(api, alice)
    assert response.json["message"] == "Notifications retrieved successfully"
    assert response.headers["X-Total-Count"] == "4"
    assert titles(response) == RENTAL_TITLES
    newest = response.json["data"][0]
    assert list(newest) == ["id", "title", "message", "type", "severity", "is_public", "is_global",
                            "target_user_ids", "expires_at", "created_at", "updated_at", "is_read", "read_at",
                            "event", "link", "data"]
    assert newest["type"] == "STATUS_UPDATE" and newest["severity"] == "INFO"
    assert newest["is_global"] is False and newest["is_public"] is False
    assert newest["target_user_ids"] == [alice.id]
    assert newest["is_read"] is False and newest["read_at"] is None
    assert newest["event"] == "rental.ended"
    assert newest["link"] == f"/rentals/{newest['data']['rental_id']}"
    assert newest["created_at"] == "2025-01-30T22:00:00.000Z"


def test_the_list_answers_with_and_without_the_trailing_slash(api, alice, alices_notifications):
    assert listed(api, alice, path="/notifications/").json == listed(api, alice).json


def test_the_list_is_paged_with_limit_and_offset(api, alice, alices_notifications):
    response = listed(api, alice, "?limit=2&offset=1")
    assert titles(response) == RENTAL_TITLES[1:3]
    assert response.headers["X-Total-Count"] == "4"


def test_the_furthest_offset_is_an_empty_page(api, alice, alices_notifications):
    response = listed(api, alice, "?unread=true&limit=100&offset=9223372036854775806")
    assert response.json["data"] == [] and response.headers["X-Total-Count"] == "4"


def test_a_bad_unread_value_is_400_naming_it(api, alice):
    response = api.get("/notifications?unread=maybe", as_=alice)
    assert response.status_code == 400
    assert response.json["code"] == "VALIDATION_FAILED"
    assert response.json["details"] == [{"field": "unread", "message": "must be true or false (or 1 or 0)"}]


def test_nobody_sees_another_users_notifications(api, bob, alices_notifications):
    response = listed(api, bob)
    assert response.json["data"] == [] and response.headers["X-Total-Count"] == "0"


def test_the_list_needs_a_token(api):
    response = api.get("/notifications")
    assert response.status_code == 401 and response.json["code"] == "UNAUTHENTICATED"


# --- Marking read --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_marking_one_read_answers_its_read_state_and_unread_lists_leave_it_out(api, clock, alice,
                                                                                alices_notifications, method):
    newest = listed(api, alice).json["data"][0]
    response = api.call(method, f"/notifications/{newest['id']}/read", as_=alice)
    assert response.status_code == 200
    assert response.json == {"statusCode": 200, "message": "Notification marked as read", "data": {
        "id": newest["id"], "notification_id": newest["id"], "is_read": True, "read_at": "2025-01-30T22:00:00.000Z"}}
    assert titles(listed(api, alice, "?unread=true")) == RENTAL_TITLES[1:]
    assert listed(api, alice, "?unread=true").headers["X-Total-Count"] == "3"
    assert listed(api, alice).json["data"][0]["is_read"] is True


def test_reading_again_keeps_the_first_read_time(api, clock, alice, alices_notifications):
    newest = listed(api, alice).json["data"][0]
    api.put(f"/notifications/{newest['id']}/read", as_=alice)
    clock.advance(hours=1)
    again = api.put(f"/notifications/{newest['id']}/read", as_=alice)
    assert again.json["data"]["read_at"] == "2025-01-30T22:00:00.000Z"


def test_marking_someone_elses_notification_read_is_404_and_changes_nothing(app, api, alice, bob,
                                                                            alices_notifications):
    newest = listed(api, alice).json["data"][0]
    with database_unchanged(app):
        response = api.put(f"/notifications/{newest['id']}/read", as_=bob)
    assert response.status_code == 404
    assert response.json["code"] == "NOT_FOUND" and response.json["message"] == "Notification not found"


def test_marking_a_malformed_id_read_is_400(api, alice):
    response = api.put("/notifications/not-an-id/read", as_=alice)
    assert response.status_code == 400 and response.json["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_marking_all_read_counts_what_was_unread(api, alice, root, alices_notifications, method):
    announce(api, root)
    first = listed(api, alice).json["data"][1]
    api.put(f"/notifications/{first['id']}/read", as_=alice)

    response = api.call(method, "/notifications/read-all", as_=alice)
    assert response.status_code == 200
    assert response.json == {"statusCode": 200, "message": "All notifications marked as read", "data": {"count": 4}}
    assert listed(api, alice, "?unread=true").json["data"] == []
    assert api.put("/notifications/read-all", as_=alice).json["data"] == {"count": 0}


def test_marking_all_read_leaves_other_users_unread(api, alice, bob, root):
    announce(api, root)
    api.put("/notifications/read-all", as_=alice)
    assert [note["is_read"] for note in listed(api, bob).json["data"]] == [False]


# --- Announcements -------------------------------------------------------------------------------

def test_an_administrator_announces_to_everyone(api, clock, root, alice, bob, alices_notifications):
    clock.advance(minutes=1)
    response = api.post("/admin/notifications", as_=root, json={
        "title": "Maintenance tonight", "message": "Read-only for an hour.", "type": "MAINTENANCE",
        "severity": "WARNING", "is_public": False, "expires_at": "2025-02-01T00:00:00.000Z"})
    assert response.status_code == 201
    assert response.json["message"] == "Notification created successfully"
    created = response.json["data"]
    assert {key: value for key, value in created.items() if key != "id"} == {
        "title": "Maintenance tonight", "message": "Read-only for an hour.", "type": "MAINTENANCE",
        "severity": "WARNING", "is_public": False, "is_global": True, "target_user_ids": [],
        "expires_at": "2025-02-01T00:00:00.000Z", "created_at": "2025-01-30T22:01:00.000Z",
        "updated_at": "2025-01-30T22:01:00.000Z", "is_read": False, "read_at": None, "event": None, "link": None,
        "data": {}}
    # Newest first among Alice's own; Bob has only the announcement.
    assert titles(listed(api, alice)) == ["Maintenance tonight", *RENTAL_TITLES]
    assert listed(api, bob).json["data"] == [created]


def test_announcements_and_own_notifications_page_together_by_time(app, api, clock, runner, root, alice):
    announce(api, root, title="Welcome")
    clock.advance(minutes=1)
    rental_notifications(app, api, clock, runner, alice)
    response = listed(api, alice, "?limit=2&offset=3")
    assert titles(response) == [RENTAL_TITLES[-1], "Welcome"]
    assert response.headers["X-Total-Count"] == "5"
    assert listed(api, alice, "?unread=true&limit=1").headers["X-Total-Count"] == "5"


def test_each_user_reads_an_announcement_for_themselves(api, clock, root, alice, bob):
    note = announce(api, root)
    response = api.post(f"/notifications/{note['id']}/read", as_=alice)
    assert response.status_code == 200
    assert response.json["data"] == {"id": note["id"], "notification_id": note["id"], "is_read": True,
                                     "read_at": "2025-01-21T22:00:00.000Z"}
    assert listed(api, alice).json["data"][0]["is_read"] is True
    assert listed(api, bob).json["data"][0]["is_read"] is False
    assert listed(api, alice, "?unread=1").json["data"] == []
    assert titles(listed(api, bob, "?unread=true")) == ["Maintenance tonight"]


def test_an_expired_announcement_leaves_every_list_and_cannot_be_marked(api, clock, root, alice):
    note = announce(api, root, expires_at="2025-01-22T22:00:00.000Z", is_public=True)
    clock.advance(days=1)
    assert listed(api, alice).json["data"] == []
    assert api.get("/notifications/public").json["data"] == []
    assert api.put(f"/notifications/{note['id']}/read", as_=alice).status_code == 404
    assert api.put("/notifications/read-all", as_=alice).json["data"] == {"count": 0}


@pytest.mark.parametrize("body, field, problem", [
    ({"message": "No title"}, "title", "is required"),
    ({"title": "   "}, "title", "must not be empty"),
    ({"title": "x" * 201}, "title", "must be at most 200 characters"),
    ({"title": "Past", "expires_at": "2025-01-21T21:59:59.000Z"}, "expires_at", "must be in the future"),
    ({"title": "Now", "expires_at": "2025-01-21T22:00:00.000Z"}, "expires_at", "must be in the future"),
    ({"title": "Bad type", "type": "NEWS"}, "type", None),
    ({"title": "Bad severity", "severity": "LOUD"}, "severity", None),
    ({"title": "Not a boolean", "is_public": "yes"}, "is_public", None),
    ({"title": "Bad time", "expires_at": "tomorrow"}, "expires_at", None),
])
def test_a_bad_announcement_is_400_naming_the_field_and_changes_nothing(app, api, clock, root, body, field, problem):
    with database_unchanged(app):
        response = api.post("/admin/notifications", as_=root, json=body)
    assert response.status_code == 400
    assert response.json["code"] == "VALIDATION_FAILED"
    assert [detail["field"] for detail in response.json["details"]] == [field]
    if problem:
        assert response.json["details"][0]["message"] == problem


def test_only_administrators_announce(app, api, alice):
    with database_unchanged(app):
        response = api.post("/admin/notifications", as_=alice, json={"title": "Hello"})
    assert response.status_code == 403
    assert response.json["code"] == "FORBIDDEN"


def test_the_public_announcements_need_no_login_and_show_only_public_ones_on_show(api, clock, root):
    announce(api, root, title="Members only")
    shown = announce(api, root, title="Status page moved", is_public=True, type="STATUS_UPDATE")
    clock.advance(minutes=1)
    later = announce(api, root, title="Maintenance Sunday", is_public=True, type="MAINTENANCE",
                     expires_at="2025-01-26T00:00:00.000Z")
    response = api.get("/notifications/public")
    assert response.status_code == 200
    assert response.json["message"] == "Public notifications retrieved successfully"
    assert response.json["data"] == [later, shown]
    assert response.headers["X-Total-Count"] == "2"
    clock.set(clock.now + timedelta(days=5))
    assert api.get("/notifications/public").json["data"] == [shown]
