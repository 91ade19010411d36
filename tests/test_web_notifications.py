"""The notifications pages: the bell in the header with the unread count (a fragment htmx polls), the
list (all or unread) with marking one or all read, the announcement banners a user dismisses, and the
administrators' page that posts and expires announcements."""
import pytest

from tests.html_tree import parse
from tests.notices import announce, rental_notifications
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice", balance_cents=1000_00)
    log_in(client, "alice")
    return person


@pytest.fixture
def root(make_user):
    return make_user("root", is_admin=True)


@pytest.fixture
def four_notifications(app, api, clock, runner, alice):
    rental_notifications(app, api, clock, runner, alice)


def bell(html: str):
    return parse(html).by_id("notification-bell")


def bell_count(html: str) -> str:
    return bell(html).find(class_="bell-count").text()


def rows(html: str) -> list:
    return parse(html).find_all("tr", class_="notification-row")


def unread_ids(api, person) -> list[str]:
    return [note["id"] for note in api.get("/notifications?unread=true", as_=person).json["data"]]


# --- The bell ------------------------------------------------------------------------------------

def test_every_page_has_the_bell_with_the_unread_count_polled_by_htmx(app, client, alice, four_notifications):
    app.config["NOTIFICATION_POLL_SECONDS"] = 30
    page = client.get("/wallet")
    found = bell(text(page))
    assert found.attrs["href"] == "/notifications"
    assert found.attrs["hx-get"] == "/notifications/bell"
    assert found.attrs["hx-trigger"] == "every 30s"
    assert found.attrs["hx-swap"] == "outerHTML"
    assert found.attrs["aria-label"] == "Notifications, 4 unread"
    assert bell_count(text(page)) == "4"


def test_the_bell_fragment_is_the_bell_alone(client, alice, four_notifications):
    response = client.get("/notifications/bell", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response) and "HX-Request" in response.headers["Vary"]
    assert bell_count(text(response)) == "4"


def test_the_bell_shows_no_count_when_everything_is_read(client, alice):
    response = client.get("/notifications/bell", headers=HTMX)
    assert bell_count(text(response)) == ""
    assert bell(text(response)).attrs["aria-label"] == "Notifications"


def test_the_bell_counts_to_99_and_then_says_99_plus(app, api, client, clock, alice, root):
    for number in range(99):
        announce(api, root, title=f"Announcement {number}")
    assert bell_count(text(client.get("/notifications/bell", headers=HTMX))) == "99"
    announce(api, root, title="One more")
    assert bell_count(text(client.get("/notifications/bell", headers=HTMX))) == "99+"
    announce(api, root, title="And another")
    assert bell(text(client.get("/notifications/bell", headers=HTMX))).attrs["aria-label"] == \
        "Notifications, 99+ unread"


def test_once_logged_out_the_poll_stops(client):
    response = client.get("/notifications/bell", headers=HTMX)
    assert response.status_code == 286 and text(response) == ""


# --- The list ------------------------------------------------------------------------------------

def test_the_list_shows_each_notification_with_its_link_newest_first(client, alice, four_notifications):
    response = client.get("/notifications")
    assert response.status_code == 200 and "<html" in text(response)
    shown = rows(text(response))
    assert [row.find("a").text() for row in shown] == [
        "node-us-nyc-1 was released", "node-us-nyc-1 has expired", "node-us-nyc-1 ends in 24 hours",
        "node-us-nyc-1 ends in 3 days"]
    link = shown[0].find("a").attrs["href"]
    assert link.startswith("/rentals/")
    assert client.get(link).status_code == 200  # the page to act on opens
    assert all("is-unread" in row.classes for row in shown)


def test_htmx_gets_the_list_alone_and_the_unread_tab_filters(api, client, alice, four_notifications):
    api.put(f"/notifications/{unread_ids(api, alice)[0]}/read", as_=alice)
    response = client.get("/notifications?unread=true", headers=HTMX)
    assert "<html" not in text(response)
    assert len(rows(text(response))) == 3
    tab = parse(text(response)).find("a", aria_current="page")
    assert tab.text() == "Unread"


def test_the_list_needs_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_marking_one_read_with_htmx_answers_its_row_and_the_bells_new_count(api, client, alice, four_notifications):
    newest = unread_ids(api, alice)[0]
    response = client.post(f"/notifications/{newest}/read",
                           headers={**HTMX, "X-CSRFToken": csrf_token(client, "/notifications")})
    assert response.status_code == 200
    tree = parse(text(response))
    row = tree.by_id(f"notification-{newest}")
    assert "is-unread" not in row.classes and "Read" in row.text()
    updated = tree.by_id("notification-bell")
    assert updated.attrs["hx-swap-oob"] == "true"
    assert updated.find(class_="bell-count").text() == "3"
    assert newest not in unread_ids(api, alice)


def test_marking_one_read_without_javascript_goes_back_to_the_list(api, client, alice, four_notifications):
    newest = unread_ids(api, alice)[0]
    response = post_form(client, f"/notifications/{newest}/read", {"back": "/notifications?unread=true"},
                         form_page="/notifications")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications?unread=true"
    assert len(unread_ids(api, alice)) == 3


def test_the_way_back_is_a_path_of_this_site_only(api, client, alice, four_notifications):
    newest = unread_ids(api, alice)[0]
    response = post_form(client, f"/notifications/{newest}/read", {"back": "//evil.example/"},
                         form_page="/notifications")
    assert response.headers["Location"] == "/notifications"


def test_someone_elses_notification_cannot_be_marked_read(app, api, client, make_user, alice, four_notifications):
    newest = unread_ids(api, alice)[0]
    make_user("mallory")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications")})
    log_in(client, "mallory")
    with database_unchanged(app):
        response = client.post(f"/notifications/{newest}/read",
                               headers={**HTMX, "X-CSRFToken": csrf_token(client, "/notifications")})
    assert response.status_code == 422 and response.headers["HX-Reswap"] == "none"
    assert "Notification not found" in text(response)


def test_marking_all_read_with_htmx_answers_the_list_and_the_bell(api, client, alice, four_notifications):
    response = client.post("/notifications/read-all",
                           headers={**HTMX, "X-CSRFToken": csrf_token(client, "/notifications")})
    tree = parse(text(response))
    assert not [row for row in rows(text(response)) if "is-unread" in row.classes]
    assert tree.by_id("notification-bell").find(class_="bell-count").text() == ""
    assert "4 notifications marked as read." in text(response)
    assert unread_ids(api, alice) == []


def test_a_refused_post_without_a_csrf_token_changes_nothing(app, api, client, alice, four_notifications):
    with database_unchanged(app):
        response = client.post("/notifications/read-all")
    assert response.status_code == 400


# --- Banners -------------------------------------------------------------------------------------

def test_an_announcement_is_a_banner_until_dismissed_by_each_user(api, client, make_user, alice, root):
    note = announce(api, root, title="Maintenance tonight", severity="WARNING")
    page = parse(text(client.get("/wallet")))
    banner = page.by_id(f"announcement-{note['id']}")
    assert "Maintenance tonight" in banner.text() and "alert-warning" in banner.classes

    response = client.post(f"/notifications/{note['id']}/dismiss",
                           headers={**HTMX, "X-CSRFToken": csrf_token(client, "/wallet")})
    assert response.status_code == 200
    assert parse(text(response)).by_id("notification-bell").find(class_="bell-count").text() == ""
    assert parse(text(client.get("/wallet"))).find(id=f"announcement-{note['id']}") is None
    # Dismissed is read, for Alice only.
    assert unread_ids(api, alice) == []
    bob = make_user("bob")
    assert unread_ids(api, bob) == [note["id"]]


def test_dismissing_without_javascript_returns_to_the_page(api, client, alice, root):
    note = announce(api, root)
    response = post_form(client, f"/notifications/{note['id']}/dismiss", {"back": "/wallet"}, form_page="/wallet")
    assert response.status_code == 303 and response.headers["Location"] == "/wallet"


def test_an_expired_announcement_has_no_banner(api, client, clock, alice, root):
    note = announce(api, root, expires_at="2025-01-22T00:00:00.000Z")
    clock.advance(hours=3)
    assert parse(text(client.get("/wallet"))).find(id=f"announcement-{note['id']}") is None


# --- Administrators ------------------------------------------------------------------------------

@pytest.fixture
def as_root(client, root):
    log_in(client, "root")
    return root


def test_an_administrator_posts_an_announcement_from_the_page(api, client, make_user, clock, as_root):
    response = post_form(client, "/admin/announcements", {
        "title": "Maintenance tonight", "message": "Read-only for an hour.", "type": "MAINTENANCE",
        "severity": "WARNING", "is_public": "y", "expires_at": "2025-01-22T06:00"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/announcements"
    public = api.get("/notifications/public").json["data"]
    assert [(note["title"], note["type"], note["severity"], note["expires_at"]) for note in public] == [
        ("Maintenance tonight", "MAINTENANCE", "WARNING", "2025-01-22T06:00:00.000Z")]
    page = parse(text(client.get("/admin/announcements")))
    assert "Maintenance tonight" in page.by_id("announcements-list").text()


@pytest.mark.parametrize("form, field, problem", [
    ({"title": "", "type": "ANNOUNCEMENT", "severity": "INFO"}, "title", "Must not be empty"),
    ({"title": "Past", "type": "ANNOUNCEMENT", "severity": "INFO", "expires_at": "2025-01-21T21:00"},
     "expires_at", "Must be in the future"),
])
def test_a_bad_announcement_shows_the_problem_beside_its_field_and_changes_nothing(app, client, clock, as_root,
                                                                                   form, field, problem):
    with database_unchanged(app):
        response = post_form(client, "/admin/announcements", form, headers=HTMX)
    assert response.status_code == 422
    assert parse(text(response)).by_id(f"{field}-error").text() == problem


def test_an_administrator_expires_an_announcement_early(api, client, as_root, make_user):
    note = announce(api, as_root)
    bob = make_user("bob")
    response = post_form(client, f"/admin/announcements/{note['id']}/expire", {}, form_page="/admin/announcements")
    assert response.status_code == 303
    assert api.get("/notifications", as_=bob).json["data"] == []
    row = parse(text(client.get("/admin/announcements"))).by_id(f"announcement-row-{note['id']}")
    assert "Expired" in row.text()


def test_only_administrators_see_the_announcements_page(client, alice):
    assert client.get("/admin/announcements").status_code == 403


def test_expiring_a_notification_that_is_no_announcement_is_404(app, api, client, clock, runner, make_user, as_root):
    bob = make_user("bob", balance_cents=1000_00)
    rental_notifications(app, api, clock, runner, bob, how_many=1)
    own = api.get("/notifications", as_=bob).json["data"][0]["id"]
    token = csrf_token(client, "/admin/announcements")  # the session is seen again first, outside the check
    with database_unchanged(app):
        response = client.post(f"/admin/announcements/{own}/expire", data={"csrf_token": token})
    assert response.status_code == 404


def test_only_administrators_expire_announcements(app, api, client, root, alice):
    note = announce(api, root)
    with database_unchanged(app):
        response = post_form(client, f"/admin/announcements/{note['id']}/expire", {}, form_page="/wallet")
    assert response.status_code == 403
